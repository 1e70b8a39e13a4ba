#!/bin/sh
test_description='signals

Handlers run and are covered; a program killed by SIGSEGV or abort() exits
139 or 134 with its coverage up to the crash saved; a child stopped by
SIGSTOP stays stopped until SIGCONT, as untraced; the program'"'"'s own
SIGTRAPs and int3 reach its handler, or kill it when it has none (133).'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

for opt in O0 O2; do
	for pie in pie nopie; do
		v=$opt-$pie

		test_expect_success CC "build the fixtures ($v)" '
			for f in signals segv abort stop-cont sigtrap-handler \
			    sigtrap-default
			do
				build_fixture $f $opt $pie || return 1
			done
		'

		test_expect_success PTRACE "signal handlers ($v): exit status passes through" '
			trace_fixture 0 ./signals-$v
		'
		test_expect_success PTRACE "signal handlers ($v): lines hit and missed" '
			test_cmp signals-$v.out.untraced signals-$v.out &&
			check_fixture $opt signals.c signals-$v.data
		'

		test_expect_success PTRACE "SIGSEGV ($v): exit status 139 passes through" '
			trace_fixture 139 ./segv-$v
		'
		test_expect_success PTRACE "SIGSEGV ($v): coverage up to the crash is saved" '
			check_fixture $opt segv.c segv-$v.data
		'

		test_expect_success PTRACE "abort ($v): exit status 134 passes through" '
			trace_fixture 134 ./abort-$v
		'
		test_expect_success PTRACE "abort ($v): coverage up to the crash is saved" '
			check_fixture $opt abort.c abort-$v.data
		'

		test_expect_success PTRACE "SIGSTOP then SIGCONT ($v): exit status passes through" '
			trace_fixture 0 ./stop-cont-$v
		'
		test_expect_success PTRACE "SIGSTOP then SIGCONT ($v): job control as untraced" '
			test_cmp stop-cont-$v.out.untraced stop-cont-$v.out &&
			check_fixture $opt stop-cont.c stop-cont-$v.data
		'

		test_expect_success PTRACE "own SIGTRAP and int3 with a handler ($v): exit status passes through" '
			trace_fixture 0 ./sigtrap-handler-$v
		'
		test_expect_success PTRACE "own SIGTRAP and int3 with a handler ($v): the handler runs" '
			test_cmp sigtrap-handler-$v.out.untraced sigtrap-handler-$v.out &&
			check_fixture $opt sigtrap-handler.c sigtrap-handler-$v.data
		'

		test_expect_success PTRACE "own SIGTRAP without a handler ($v): exit status 133 passes through" '
			trace_fixture 133 ./sigtrap-default-$v
		'
		test_expect_success PTRACE "own SIGTRAP without a handler ($v): lines hit and missed" '
			check_fixture $opt sigtrap-default.c sigtrap-default-$v.data
		'
	done
done

test_done
