#!/bin/sh
test_description='report: --skip-covered, --precision, --sort, --cov-fail-under

The table options as pytest-cov users know them, and the coverage gate that
compares the total as it is displayed.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-report.sh
. "$TEST_SRCDIR/lib-report.sh"

# rows FILE: the names of the table's file rows, in order.
rows () {
	sed -n '3,$p' "$1" | sed '/^TOTAL /,$d' | cut -d" " -f1
}

test_expect_success GZIP 'set up a project and its data' '
	make_project
'

test_expect_success GZIP '--skip-covered leaves out full files and says how many' '
	report_in_proj --skip-covered 2>err &&
	rows err >names &&
	printf "%s\n" lib/c.h src/a.c >expect &&
	test_cmp expect names &&
	test_grep "^TOTAL  *16  *5  *69%$" err &&
	tail -n 2 err >tail &&
	printf "\n1 file skipped due to complete coverage.\n" >expect &&
	test_cmp expect tail
'

test_expect_success GZIP '--skip-covered applies to the Markdown report too' '
	report_in_proj --skip-covered --cov-report=markdown:- >md &&
	test_grep -v "src/b.c" md &&
	test_grep "^1 file skipped due to complete coverage\.$" md
'

test_expect_success GZIP '--precision=2 widens the Cover column' '
	report_in_proj --precision=2 2>err &&
	test_grep "^src/a.c  *10  *3  *70.00%$" err &&
	test_grep "^TOTAL  *16  *5  *68.75%$" err &&
	test_grep "^Name  *Stmts  *Miss  *Cover$" err
'

test_expect_success GZIP '--precision takes 0 to 9 only' '
	test_expect_code 2 "$COVTRACE" report --precision=10 2>err &&
	test_grep "precision" err &&
	test_expect_code 2 "$COVTRACE" report --precision=x 2>err
'

test_expect_success GZIP '--sort=cover, --sort=-cover' '
	report_in_proj --sort=cover 2>err &&
	rows err >names &&
	printf "%s\n" lib/c.h src/a.c src/b.c >expect &&
	test_cmp expect names &&
	report_in_proj --sort=-cover 2>err &&
	rows err >names &&
	printf "%s\n" src/b.c src/a.c lib/c.h >expect &&
	test_cmp expect names
'

test_expect_success GZIP '--sort=stmts, --sort=miss, --sort=-name' '
	report_in_proj --sort=stmts 2>err &&
	rows err >names &&
	printf "%s\n" lib/c.h src/b.c src/a.c >expect &&
	test_cmp expect names &&
	report_in_proj --sort=miss 2>err &&
	rows err >names &&
	printf "%s\n" src/b.c lib/c.h src/a.c >expect &&
	test_cmp expect names &&
	report_in_proj --sort=-name 2>err &&
	rows err >names &&
	printf "%s\n" src/b.c src/a.c lib/c.h >expect &&
	test_cmp expect names
'

test_expect_success 'an unknown sort key is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" report --sort=size 2>err &&
	test_grep "unknown sort key .size." err
'

test_expect_success GZIP '--cov-fail-under passes at the displayed total' '
	report_in_proj --cov-fail-under=69 2>err &&
	test_grep "^Required test coverage of 69% reached. Total coverage: 69%$" err
'

test_expect_success GZIP '--cov-fail-under fails (2) below it, in pytest-cov words' '
	test_expect_code 2 report_in_proj --cov-fail-under=70 2>err &&
	tail -n 1 err >last &&
	echo "FAIL Required test coverage of 70% not reached. Total coverage: 69%" >expect &&
	test_cmp expect last
'

test_expect_success GZIP '--cov-fail-under compares with the precision shown' '
	report_in_proj --precision=1 --cov-fail-under=68.8 2>err &&
	test_grep "^Required test coverage of 68.8% reached" err &&
	test_expect_code 2 report_in_proj --precision=2 --cov-fail-under=68.76 \
	    2>err &&
	test_grep "^FAIL Required test coverage of 68.76% not reached. Total coverage: 68.75%$" err
'

test_expect_success GZIP '--cov-fail-under=100 needs every line' '
	test_expect_code 2 report_in_proj --cov-fail-under=100 2>err &&
	test_grep "^FAIL Required test coverage of 100% not reached" err
'

test_expect_success GZIP '--cov-fail-under works without any report' '
	test_expect_code 2 report_in_proj --cov-report= --cov-fail-under=90 \
	    2>err &&
	test_line_count -eq 1 err
'

test_expect_success '--cov-fail-under takes a percentage from 0 to 100' '
	test_expect_code 2 "$COVTRACE" report --cov-fail-under=101 2>err &&
	test_grep "from 0 to 100" err &&
	test_expect_code 2 "$COVTRACE" report --cov-fail-under=-1 2>err &&
	test_expect_code 2 "$COVTRACE" report --cov-fail-under=ten 2>err
'

test_expect_success 'an option of another command is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" report --parallel-mode 2>err &&
	test_grep "option .--parallel-mode. does not apply to report" err &&
	test_expect_code 2 "$COVTRACE" erase --cov-report=lcov 2>err &&
	test_grep "does not apply to erase" err &&
	test_expect_code 2 "$COVTRACE" combine --skip-covered 2>err &&
	test_expect_code 2 "$COVTRACE" --keep -- true 2>err &&
	test_grep "does not apply to tracing a command" err
'

test_done
