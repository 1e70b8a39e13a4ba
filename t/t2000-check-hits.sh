#!/bin/sh
test_description='t/helper/check-hits reads markers and data files right

The tracer tests trust check-hits; here it is fed hand-written data files so
that it cannot pass silently.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# write_data PATH LINES HIT: a data file with one file record.
write_data () {
	printf 'covtrace-data 1\n'
	printf 'run host=h platform=p cwd=/ start=0 duration=0 status=0 command=x\n'
	printf 'module - /bin/x\n'
	printf 'file %s\nmodules 0\nlines %s\nhit %s\n' "$1" "$2" "$3"
	printf 'end 1 00000000\n'
}

test_expect_success 'set up a marked source' '
	cat >sample.c <<-\EOF &&
	int f(int x) { /* hit */
		if (x) /* hit */
			return 1; /* miss */
		return 0; /* hit */
	} /* hit */

	int main(void) { /* hit */
		int y; /* any */
		return f(0); /* hit */
	} /* hit */
	EOF
	src=$(pwd -P)/sample.c
'

test_expect_success 'agreeing data passes, strictly too' '
	write_data "$src" 1-5,7,9-10 1-2,4-5,7,9-10 >good.data &&
	check_hits sample.c good.data >out &&
	test_grep "8 statements, 7 run" out &&
	check_hits --strict sample.c good.data
'

test_expect_success 'a statement line marked hit and not run fails' '
	write_data "$src" 1-5,7,9-10 1-2,5,7,9-10 >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "line 4 marked hit but not run" err
'

test_expect_success 'a line marked miss and run fails' '
	write_data "$src" 1-5,7,9-10 1-5,7,9-10 >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "line 3 marked miss but reported run" err
'

test_expect_success 'an unmarked line that ran fails' '
	write_data "$src" 1-7,9-10 1-2,4-7,9-10 >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "line 6 is a statement but has no marker, and was run" err
'

test_expect_success 'a marker may give its reason after a colon' '
	sed -e "2s|/\* hit \*/|/* hit: the argument is 0 */|" \
	    -e "3s|/\* miss \*/|/*miss:never*/|" \
	    -e "8s|/\* any \*/|/* any: declarations vary */|" sample.c >reason.c &&
	cp good.data reason.data &&
	sed -i "s|/sample.c\$|/reason.c|" reason.data &&
	check_hits --strict reason.c reason.data &&
	write_data "$(pwd -P)/reason.c" 1-5,7-10 1-5,7-10 >d &&
	test_expect_code 1 check_hits reason.c d 2>err &&
	test_grep "line 3 marked miss but reported run" err &&
	test_grep -v "line 8" err &&
	test_line_count -eq 2 err
'

test_expect_success 'a line marked any may run or not' '
	write_data "$src" 1-5,7-10 1-2,4-5,7-10 >d &&
	check_hits --strict sample.c d &&
	write_data "$src" 1-5,7-10 1-2,4-5,7,9-10 >d &&
	check_hits --strict sample.c d
'

test_expect_success 'without --strict a hit line need not be a statement' '
	write_data "$src" 1-3,5,7,9-10 1-2,5,7,9-10 >d &&
	check_hits sample.c d &&
	test_expect_code 1 check_hits --strict sample.c d 2>err &&
	test_grep "line 4 marked hit but is not a statement" err
'

test_expect_success 'with --strict an unmarked statement fails' '
	write_data "$src" 1-7,9-10 1-2,4-5,7,9-10 >d &&
	check_hits sample.c d &&
	test_expect_code 1 check_hits --strict sample.c d 2>err &&
	test_grep "line 6 is a statement but has no marker" err
'

test_expect_success 'every wrong line gets its own message' '
	write_data "$src" 1-7,9-10 3,6 >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "line 1 marked hit but not run" err &&
	test_grep "line 3 marked miss" err &&
	test_grep "line 6 is a statement" err &&
	test_grep "line 10 marked hit but not run" err &&
	test_grep "9 disagreement" err
'

test_expect_success 'a hit line that is not a statement fails' '
	write_data "$src" 1-5,7,9-10 1-2,4-5,7-10 >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "line 8 reported run but is not a statement" err
'

test_expect_success 'a line past the end of the source fails' '
	write_data "$src" 1-5,7,9-10,40 1-2,4-5,7,9-10,40 >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "line 40 reported run but sample.c has only 10 lines" err
'

test_expect_success 'no line run at all fails' '
	write_data "$src" 1-5,7,9-10 - >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "no line reported run" err
'

test_expect_success 'a missing file record fails' '
	write_data /elsewhere/other.c 1-5 1-5 >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "no file record for $src" err
'

test_expect_success 'a record with the same base name elsewhere is used' '
	write_data /elsewhere/sample.c 1-5,7,9-10 1-2,4-5,7,9-10 >d &&
	check_hits sample.c d &&
	write_data /elsewhere/sample.c 1-5,7,9-10 1-2,5,7,9-10 >d &&
	test_expect_code 1 check_hits sample.c d
'

test_expect_success 'two records with the same base name elsewhere fail' '
	{
		printf "covtrace-data 1\n" &&
		printf "file /a/sample.c\nlines 1\nhit 1\n" &&
		printf "file /b/sample.c\nlines 1\nhit 1\n" &&
		printf "end 2 00000000\n"
	} >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "2 records end in /sample.c" err
'

test_expect_success 'the exact record wins over other files' '
	{
		printf "covtrace-data 1\n" &&
		printf "file /a/sample.c\nlines 1-10\nhit 1-10\n" &&
		printf "file %s\nlines 1-5,7,9-10\nhit 1-2,4-5,7,9-10\n" "$src" &&
		printf "file /z/sample.c\nlines 1-10\nhit 1-10\n" &&
		printf "end 3 00000000\n"
	} >d &&
	check_hits --strict sample.c d
'

test_expect_success 'percent-encoded paths are decoded' '
	mkdir "odd dir=%" &&
	cp sample.c "odd dir=%/sample.c" &&
	odd=$(cd "odd dir=%" && pwd -P) &&
	enc=$(printf "%s" "$odd" | sed -e "s/%/%25/g" -e "s/ /%20/g" -e "s/=/%3D/g") &&
	{
		printf "covtrace-data 1\n" &&
		printf "file /a/sample.c\nlines 1-10\nhit 1-10\n" &&
		printf "file %s/sample.c\nlines 1-5,7,9-10\nhit 1-2,4-5,7,9-10\n" "$enc" &&
		printf "end 2 00000000\n"
	} >d &&
	check_hits --strict "odd dir=%/sample.c" d
'

test_expect_success 'a truncated data file fails' '
	write_data "$src" 1-5,7,9-10 1-2,4-5,7,9-10 | sed "\$d" >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "no end record" err
'

test_expect_success 'a file that is not a data file fails' '
	test_expect_code 1 check_hits sample.c sample.c 2>err &&
	test_grep "not a covtrace data file" err
'

test_expect_success 'malformed ranges fail' '
	write_data "$src" 1-5,x 1 >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "malformed lines record" err &&
	write_data "$src" 5-1 - >d &&
	test_expect_code 1 check_hits sample.c d 2>err &&
	test_grep "malformed lines record" err
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 check_hits sample.c &&
	test_expect_code 2 check_hits sample.c no-such.data &&
	test_expect_code 2 check_hits --bogus sample.c good.data
'

test_expect_success '--dump lists the statements with their markers' '
	write_data "$src" 1-5,7-10 1-2,4-5,7,9-10 >d &&
	check_hits --dump sample.c d >out &&
	cat >expect <<-\EOF &&
	1 stmt hit hit
	2 stmt hit hit
	3 stmt miss miss
	4 stmt hit hit
	5 stmt hit hit
	7 stmt hit hit
	8 stmt miss any
	9 stmt hit hit
	10 stmt hit hit
	EOF
	test_cmp expect out
'

test_done
