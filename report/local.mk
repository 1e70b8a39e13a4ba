noinst_LIBRARIES += %reldir%/libreport.a
%canon_reldir%_libreport_a_SOURCES = \
	%reldir%/report.h \
	%reldir%/coverage.c \
	%reldir%/datafile.c \
	%reldir%/emit.c %reldir%/emit.h \
	%reldir%/exclude.c \
	%reldir%/pathmap.c \
	%reldir%/source.c %reldir%/source.h \
	%reldir%/summary.c \
	%reldir%/writer-cobertura.c \
	%reldir%/writer-html.c \
	%reldir%/writer-json.c \
	%reldir%/writer-lcov.c \
	%reldir%/writer-markdown.c \
	%reldir%/writer-table.c \
	%reldir%/worker-diff.c

# The unit tests of this part; they speak TAP through t/tap.c.
report_unit_tests = \
	t/unit/coverage-test \
	t/unit/datafile-test \
	t/unit/fuzz-regress-test \
	t/unit/summary-test \
	t/unit/table-test \
	t/unit/writers-test \
	t/unit/workers-test
check_PROGRAMS += $(report_unit_tests)
TESTS += $(report_unit_tests)
report_unit_ldadd = %reldir%/libreport.a common/libcommon.a

t_unit_coverage_test_SOURCES = t/unit/coverage-test.c t/tap.c t/tap.h
t_unit_coverage_test_LDADD = $(report_unit_ldadd)
t_unit_datafile_test_SOURCES = t/unit/datafile-test.c t/tap.c t/tap.h
t_unit_datafile_test_LDADD = $(report_unit_ldadd)
t_unit_table_test_SOURCES = t/unit/table-test.c t/tap.c t/tap.h
t_unit_table_test_LDADD = $(report_unit_ldadd)
t_unit_fuzz_regress_test_SOURCES = t/unit/fuzz-regress-test.c \
	fuzz/datafile-fuzz.c t/tap.c t/tap.h
t_unit_fuzz_regress_test_LDADD = $(report_unit_ldadd)
t_unit_summary_test_SOURCES = t/unit/summary-test.c t/tap.c t/tap.h
t_unit_summary_test_LDADD = $(report_unit_ldadd)
t_unit_writers_test_SOURCES = t/unit/writers-test.c t/tap.c t/tap.h
t_unit_writers_test_LDADD = $(report_unit_ldadd)
t_unit_workers_test_SOURCES = t/unit/workers-test.c t/tap.c t/tap.h
t_unit_workers_test_LDADD = $(report_unit_ldadd)

# Inputs that once crashed the reader under `make fuzz` (fuzz/local.mk).
EXTRA_DIST += t/data/fuzz-regress t/data/coverage-04.dtd t/lib-report.sh
# The screenshots t4005-report-html.sh keeps beside its log.
CLEANFILES += t/t4005-report-html-index.png t/t4005-report-html-page.png
