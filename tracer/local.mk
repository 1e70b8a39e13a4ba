noinst_LIBRARIES += %reldir%/libtracer.a
%canon_reldir%_libtracer_a_SOURCES = \
	%reldir%/tracer.h %reldir%/tracer.c \
	%reldir%/tracee.h %reldir%/tracee.c \
	%reldir%/breakpoint.h %reldir%/breakpoint.c \
	%reldir%/follow.h %reldir%/follow.c \
	%reldir%/solib.c \
	%reldir%/arch.h %reldir%/arch-x86_64.c
