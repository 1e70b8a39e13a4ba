#!/bin/sh
test_description='combine, erase, --cov-append on combine, --path-map

covtrace combine unions data files: the result is the same in any order,
combining again changes nothing, and every run keeps its provenance.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-report.sh
. "$TEST_SRCDIR/lib-report.sh"

# part NAME HOST START MODULE LINES HIT [PATH]: a one-file data file.
part () {
	make_data "$1" <<-EOF
	covtrace-data 2
	run host=$2 platform=linux cwd=/w start=$3 duration=1 status=0 command=./t%20$2
	module $4 /w/prog
	file ${7:-/w/src/a.c}
	modules 0
	lines $5
	hit $6
	function 1 $( [ "$6" = - ] && echo 0 || echo 1 ) f$4
	EOF
}

test_expect_success GZIP 'set up three parallel data files and a decoy' '
	part .covtrace.hostA.101.aB3dE9 hostA 30 aa 1-6 1-2 &&
	part .covtrace.hostB.202.Zz9Yy8 hostB 10 aa 1-6 4 &&
	part .covtrace.host.C.dots.303.q1w2e3 host.C.dots 20 bb 1-6,9 9 &&
	cp .covtrace.hostA.101.aB3dE9 keep-a &&
	cp .covtrace.hostB.202.Zz9Yy8 keep-b &&
	cp .covtrace.host.C.dots.303.q1w2e3 keep-c &&
	echo not data >.covtrace.notes &&
	echo not data either >.covtrace.h.1.abcdef
'

test_expect_success GZIP 'combine without arguments needs only the parallel files' '
	rm .covtrace.h.1.abcdef &&
	"$COVTRACE" combine 2>err &&
	test_must_be_empty err &&
	test_path_is_file .covtrace &&
	test_path_is_missing .covtrace.hostA.101.aB3dE9 &&
	test_path_is_missing .covtrace.hostB.202.Zz9Yy8 &&
	test_path_is_missing .covtrace.host.C.dots.303.q1w2e3 &&
	test_path_is_file .covtrace.notes
'

test_expect_success GZIP 'the union of the lines' '
	"$COVTRACE" report --cov-report=term-missing 2>err &&
	test_grep "^/w/src/a.c  *7  *3  *57%   3, 5-6$" err
'

test_expect_success GZIP 'every run, module and function is kept' '
	grep "^run " .covtrace | sed "s/ .*command=/ /" >runs &&
	printf "%s\n" "run ./t%20hostB" "run ./t%20host.C.dots" \
	    "run ./t%20hostA" >expect &&
	test_cmp expect runs &&
	grep "^module " .covtrace >mods &&
	printf "%s\n" "module aa /w/prog" "module bb /w/prog" >expect &&
	test_cmp expect mods &&
	grep "^function " .covtrace >funcs &&
	printf "%s\n" "function 1 1 faa" "function 1 1 fbb" >expect &&
	test_cmp expect funcs
'

test_expect_success GZIP 'one program path with two build-ids is a warning in report' '
	"$COVTRACE" report 2>err &&
	test_grep "^covtrace: warning: ./w/prog. was measured in 2 builds" err &&
	"$COVTRACE" report -q 2>err &&
	test_grep -v warning err
'

test_expect_success GZIP 'the union is the same in any order' '
	"$COVTRACE" combine --keep --data-file=abc.data keep-a keep-b keep-c &&
	"$COVTRACE" combine --keep --data-file=cba.data keep-c keep-b keep-a &&
	"$COVTRACE" combine --keep --data-file=bac.data keep-b keep-a keep-c &&
	cmp abc.data cba.data &&
	cmp abc.data bac.data &&
	cmp abc.data .covtrace
'

test_expect_success GZIP 'combining again changes nothing' '
	cp abc.data again.data &&
	"$COVTRACE" combine --keep --cov-append --data-file=again.data \
	    keep-a keep-b keep-c &&
	cmp abc.data again.data &&
	"$COVTRACE" combine --keep --data-file=again.data again.data keep-b &&
	cmp abc.data again.data &&
	test_path_is_file keep-b
'

test_expect_success GZIP '--cov-append on combine keeps the data file'"'"'s coverage' '
	part one.data h 1 aa 1-2 1 &&
	part one.data.h.5.abcdef h 2 aa 3-4 - &&
	"$COVTRACE" combine --cov-append --data-file=one.data 2>err &&
	test_must_be_empty err &&
	test_path_is_missing one.data.h.5.abcdef &&
	test_expect_code 1 "$COVTRACE" combine --data-file=one.data 2>err &&
	test_grep "no data files to combine" err &&
	"$COVTRACE" report --data-file=one.data 2>err &&
	test_grep "^/w/src/a.c  *4  *3  *25%$" err
'

test_expect_success GZIP 'without --cov-append, combine replaces the data file' '
	part one.data.h.5.abcdef h 2 aa 3-4 - &&
	"$COVTRACE" combine --data-file=one.data &&
	"$COVTRACE" report --data-file=one.data 2>err &&
	test_grep "^/w/src/a.c  *2  *2  *0%$" err
'

test_expect_success GZIP 'a directory stands for the parallel files in it' '
	mkdir -p rundir &&
	part rundir/dir.data.x.1.aaaaaa x 1 aa 1-2 1 &&
	part rundir/dir.data.y.2.bbbbbb y 2 aa 1-2 2 &&
	part rundir/other.data z 3 aa 1-9 1-9 &&
	"$COVTRACE" combine --data-file=dir.data rundir 2>err &&
	test_must_be_empty err &&
	test_path_is_file dir.data &&
	"$COVTRACE" report --data-file=dir.data 2>err &&
	test_grep "^/w/src/a.c  *2  *0  *100%$" err &&
	test_path_is_file rundir/other.data &&
	test_path_is_missing rundir/dir.data.x.1.aaaaaa
'

test_expect_success GZIP 'parallel files of another --data-file name' '
	part cov.d.h.1.abcdef h 1 aa 1 1 &&
	"$COVTRACE" combine --data-file=cov.d &&
	test_path_is_file cov.d &&
	test_path_is_missing cov.d.h.1.abcdef
'

test_expect_success 'nothing to combine fails (1), naming what it looked for' '
	mkdir -p empty &&
	test_expect_code 1 "$COVTRACE" combine --data-file=empty/x 2>err &&
	test_grep "no data files to combine (expected empty/x.HOST.PID.RANDOM files)" err &&
	test_path_is_missing empty/x
'

test_expect_success GZIP '--path-map on combine lines up other machines'"'"' paths' '
	part ci.data ci 1 aa 1-3 1 /ci/build/src/a.c &&
	part local.data me 2 aa 1-3 2 /home/me/p/src/a.c &&
	"$COVTRACE" combine --keep --data-file=mapped.data \
	    --path-map=/ci/build=/home/me/p --path-map=/ci=/wrong \
	    ci.data local.data &&
	"$COVTRACE" report --data-file=mapped.data --cov-report=term-missing \
	    2>err &&
	test_grep "^/home/me/p/src/a.c  *3  *1  *67%   3$" err &&
	test_grep -v "/ci/" mapped.data
'

test_expect_success GZIP '--path-map on report' '
	"$COVTRACE" report --data-file=ci.data --path-map=/ci/build/= \
	    --cov-report=json:- | grep -o "\"src/a.c\"" >names &&
	echo "\"src/a.c\"" >expect &&
	test_cmp expect names
'

test_expect_success '--path-map needs FROM=TO' '
	test_expect_code 2 "$COVTRACE" report --path-map=/x 2>err &&
	test_grep "needs FROM=TO" err &&
	test_expect_code 2 "$COVTRACE" report --path-map==/x 2>err
'

test_expect_success GZIP 'erase removes the data file and its parallel files only' '
	part .covtrace.e.1.aaaaaa e 1 aa 1 1 &&
	echo not data >.covtrace.h.9.zzzzzz &&
	"$COVTRACE" erase &&
	test_path_is_missing .covtrace &&
	test_path_is_missing .covtrace.e.1.aaaaaa &&
	test_path_is_file .covtrace.h.9.zzzzzz &&
	test_path_is_file .covtrace.notes &&
	test_path_is_file abc.data
'

test_expect_success 'erase with nothing to erase succeeds' '
	"$COVTRACE" erase &&
	"$COVTRACE" erase --data-file=no/such/dir/x
'

test_expect_success 'erase takes no arguments (2)' '
	test_expect_code 2 "$COVTRACE" erase x 2>err &&
	test_grep "erase takes no arguments" err
'

test_done
