#!/bin/sh
test_description='a generated program with thousands of functions

3000 functions of which main calls the even half: about 12000 statements,
6000 of them run, each marked.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

test_expect_success 'generate the fixture' '
	"${SHELL_PATH:-/bin/sh}" "$TEST_SRCDIR/fixtures/gen-many.sh" 3000 >many.c &&
	test_line_count -gt 15000 many.c
'

for opt in O0 O2; do
	test_expect_success CC "build ($opt)" '
		build_fixture many $opt pie
	'
	test_expect_success PTRACE "3000 functions ($opt): exit status passes through" '
		trace_fixture 0 ./many-$opt-pie
	'
	test_expect_success PTRACE "3000 functions ($opt): lines hit and missed" '
		check_fixture $opt many.c many-$opt-pie.data
	'
done

test_done
