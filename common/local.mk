noinst_LIBRARIES += %reldir%/libcommon.a
%canon_reldir%_libcommon_a_SOURCES = \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/xalloc.c %reldir%/xalloc.h \
	%reldir%/buf.c %reldir%/buf.h \
	%reldir%/atomicfile.c %reldir%/atomicfile.h \
	%reldir%/platform.c %reldir%/platform.h \
	%reldir%/clock.c %reldir%/clock.h \
	%reldir%/dynlib.c %reldir%/dynlib.h \
	%reldir%/pct.c %reldir%/pct.h
