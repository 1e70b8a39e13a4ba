noinst_LIBRARIES += %reldir%/libdispatch.a
%canon_reldir%_libdispatch_a_SOURCES = \
	%reldir%/dispatch.h \
	%reldir%/measure.c \
	%reldir%/select.c %reldir%/select.h \
	%reldir%/image.c %reldir%/image.h

check_PROGRAMS += t/unit/select-test
TESTS += t/unit/select-test
t_unit_select_test_SOURCES = t/unit/select-test.c t/tap.c t/tap.h
t_unit_select_test_LDADD = dispatch/libdispatch.a dwarf/libdwarf.a \
	tracer/libtracer.a common/libcommon.a $(LIBDW_LIBS) $(LIBELF_LIBS)
