bin_PROGRAMS += covtrace
covtrace_SOURCES = \
	%reldir%/main.c \
	%reldir%/combine.c \
	%reldir%/dist.c \
	%reldir%/options.c %reldir%/options.h \
	%reldir%/render.c \
	%reldir%/run.c %reldir%/run.h
covtrace_LDADD = \
	dispatch/libdispatch.a report/libreport.a dwarf/libdwarf.a \
	tracer/libtracer.a common/libcommon.a \
	$(LIBELF_LIBS) -lpthread
