noinst_LIBRARIES += %reldir%/libdispatch.a
%canon_reldir%_libdispatch_a_SOURCES = \
	%reldir%/dispatch.h \
	%reldir%/measure.c \
	%reldir%/select.c %reldir%/select.h \
	%reldir%/image.c %reldir%/image.h
