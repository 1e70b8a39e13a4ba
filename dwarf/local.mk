# Nothing links libdw: dw-lib.c loads it with dlopen() when a line table is
# decoded; the programs link libelf only.
noinst_LIBRARIES += %reldir%/libdwarf.a
%canon_reldir%_libdwarf_a_SOURCES = \
	%reldir%/dwarf.h \
	%reldir%/module.c %reldir%/module.h \
	%reldir%/dw-lib.c %reldir%/dw-lib.h \
	%reldir%/linetab.c \
	%reldir%/lineindex.c %reldir%/lineindex.h \
	%reldir%/cache.c %reldir%/cache.h \
	%reldir%/srcpath.c
%canon_reldir%_libdwarf_a_CFLAGS = $(AM_CFLAGS) $(LIBDW_CFLAGS) $(LIBELF_CFLAGS)
