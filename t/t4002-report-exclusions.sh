#!/bin/sh
test_description='report: exclusion markers and --exclude-line

LCOV_EXCL_LINE, LCOV_EXCL_START/STOP, the GCOVR_EXCL_ forms and
--exclude-line take lines out of the statements when the report is made;
the data file keeps them all.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-report.sh
. "$TEST_SRCDIR/lib-report.sh"

test_expect_success GZIP 'set up a marked source and its data' '
	cat >m.c <<-\EOF &&
	int main(void) {
		a();
		b(); // LCOV_EXCL_LINE
		if (bad) {	/* LCOV_EXCL_START */
			abort();
		}		/* LCOV_EXCL_STOP */
		c(); /* GCOVR_EXCL_LINE */
		panic("x");
		d(); // GCOVR_EXCL_START
		e(); // GCOVR_EXCL_STOP
		return 0;
	}
	EOF
	D=$(pwd -P) &&
	make_data m.data <<-EOF &&
	covtrace-data 2
	file $D/m.c
	modules -
	lines 1-12
	hit 1-2,11-12
	function 1 1 main
	function 5 0 abort_path
	EOF
	cp m.data m.data.orig
'

test_expect_success GZIP 'markers take lines out of the statements' '
	"$COVTRACE" report --data-file=m.data --cov-report=term-missing 2>err &&
	test_grep "^m.c  *5  *1  *80%   8$" err
'

test_expect_success GZIP '--exclude-line adds a regular expression' '
	"$COVTRACE" report --data-file=m.data --cov-report=term-missing \
	    --exclude-line="panic *\\(" 2>err &&
	test_grep "^m.c  *4  *0  *100%$" err
'

test_expect_success GZIP,JQ 'json lists the excluded lines, and drops excluded functions' '
	"$COVTRACE" report --data-file=m.data --cov-report=json:m.json \
	    --exclude-line="panic" &&
	jq -c ".files[\"m.c\"] | [.executed_lines, .missing_lines, .excluded_lines]" m.json >got &&
	echo "[[1,2,11,12],[],[3,4,5,6,7,8,9,10]]" >expect &&
	test_cmp expect got &&
	jq -c "[.files[\"m.c\"].functions[].name]" m.json >got &&
	echo "[\"main\"]" >expect &&
	test_cmp expect got &&
	jq -e ".totals.excluded_lines == 8" m.json
'

test_expect_success GZIP 'lcov leaves excluded lines out' '
	"$COVTRACE" report --data-file=m.data --cov-report=lcov:- >m.lcov &&
	test_grep -v "^DA:3," m.lcov &&
	test_grep "^DA:8,0$" m.lcov &&
	test_grep "^LF:5$" m.lcov &&
	test_grep -v "abort_path" m.lcov
'

test_expect_success GZIP 'the data file keeps every statement' '
	test_cmp m.data.orig m.data
'

test_expect_success GZIP 'a START left open warns, naming the file and line' '
	printf "x\ny LCOV_EXCL_START\nz\n" >open.c &&
	D=$(pwd -P) &&
	make_data open.data <<-EOF &&
	covtrace-data 2
	file $D/open.c
	modules -
	lines 1-3
	hit 1
	EOF
	"$COVTRACE" report --data-file=open.data 2>err &&
	test_grep "^covtrace: warning: .$D/open.c. line 2: LCOV_EXCL_START without a matching LCOV_EXCL_STOP" err &&
	test_grep "^open.c  *1  *0  *100%$" err
'

test_expect_success GZIP '-q silences that warning' '
	"$COVTRACE" report -q --data-file=open.data 2>err &&
	test_grep -v "warning" err
'

test_expect_success GZIP 'an unreadable source keeps all its statements' '
	make_data gone.data <<-EOF &&
	covtrace-data 2
	file /nonexistent/gone.c
	modules -
	lines 1-3
	hit 1
	EOF
	"$COVTRACE" report --data-file=gone.data 2>err &&
	test_grep "^/nonexistent/gone.c  *3  *2  *33%$" err
'

test_expect_success GZIP 'markers are read through --path-map' '
	mkdir -p moved &&
	cp m.c moved/ &&
	make_data away.data <<-EOF &&
	covtrace-data 2
	file /build/m.c
	modules -
	lines 1-12
	hit 1-2,11-12
	EOF
	"$COVTRACE" report --data-file=away.data --path-map=/build="$D/moved" \
	    2>err &&
	test_grep "^moved/m.c  *5  *1  *80%$" err
'

test_expect_success 'a bad --exclude-line is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" report --exclude-line="a(" 2>err &&
	test_grep "bad --exclude-line regular expression" err
'

test_done
