noinst_LIBRARIES += %reldir%/libreport.a
%canon_reldir%_libreport_a_SOURCES = \
	%reldir%/report.h \
	%reldir%/coverage.c \
	%reldir%/datafile.c \
	%reldir%/writer-table.c

# The unit tests of this part; they speak TAP through t/tap.c.
report_unit_tests = \
	t/unit/coverage-test \
	t/unit/datafile-test \
	t/unit/table-test
check_PROGRAMS += $(report_unit_tests)
TESTS += $(report_unit_tests)
report_unit_ldadd = %reldir%/libreport.a common/libcommon.a

t_unit_coverage_test_SOURCES = t/unit/coverage-test.c t/tap.c t/tap.h
t_unit_coverage_test_LDADD = $(report_unit_ldadd)
t_unit_datafile_test_SOURCES = t/unit/datafile-test.c t/tap.c t/tap.h
t_unit_datafile_test_LDADD = $(report_unit_ldadd)
t_unit_table_test_SOURCES = t/unit/table-test.c t/tap.c t/tap.h
t_unit_table_test_LDADD = $(report_unit_ldadd)
