#!/bin/sh
test_description='straight code, branches, a hot loop and deep recursion

Each fixture is built at -O0 and -O2, as PIE and not; the exit status must
pass through, then every marked line must agree with the data file.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

for opt in O0 O2; do
	for pie in pie nopie; do
		v=$opt-$pie

		test_expect_success CC "build the fixtures ($v)" '
			build_fixture basic $opt $pie &&
			build_fixture loop $opt $pie &&
			build_fixture recursion $opt $pie
		'

		test_expect_success PTRACE "basic ($v): exit status 3 passes through" '
			trace_fixture 3 ./basic-$v
		'
		test_expect_success PTRACE "basic ($v): stdout is untouched" '
			test_cmp basic-$v.out.untraced basic-$v.out
		'
		test_expect_success PTRACE "basic ($v): lines hit and missed" '
			check_fixture $opt basic.c basic-$v.data
		'

		test_expect_success PTRACE "hot loop ($v): exit status passes through" '
			trace_fixture 0 ./loop-$v
		'
		test_expect_success PTRACE "hot loop ($v): lines hit and missed" '
			test_cmp loop-$v.out.untraced loop-$v.out &&
			check_fixture $opt loop.c loop-$v.data
		'

		test_expect_success PTRACE "recursion ($v): exit status passes through" '
			trace_fixture 0 ./recursion-$v
		'
		test_expect_success PTRACE "recursion ($v): lines hit and missed" '
			check_fixture $opt recursion.c recursion-$v.data
		'
	done
done

test_done
