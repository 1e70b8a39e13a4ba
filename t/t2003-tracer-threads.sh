#!/bin/sh
test_description='threads

Eight threads hit the same breakpoints at the same moment (a stale SIGTRAP
from an already disarmed breakpoint must not reach the program); a thread
calls exit(); a thread other than main execs.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

for opt in O0 O2; do
	for pie in pie nopie; do
		v=$opt-$pie

		test_expect_success CC "build the fixtures ($v)" '
			build_fixture threads $opt $pie &&
			build_fixture thread-exit $opt $pie &&
			build_fixture thread-exec $opt $pie &&
			build_fixture child $opt $pie
		'

		# Five runs: the race between the threads differs each time.
		for run in 1 2 3 4 5; do
			test_expect_success PTRACE "8 threads at a barrier ($v, run $run): exit status passes through" '
				trace_fixture --data=threads-$v-$run.data 0 ./threads-$v
			'
			test_expect_success PTRACE "8 threads at a barrier ($v, run $run): lines hit and missed" '
				test_cmp threads-$v-$run.out.untraced threads-$v-$run.out &&
				check_fixture $opt threads.c threads-$v-$run.data
			'
		done

		test_expect_success PTRACE "a thread calls exit(3) ($v): exit status passes through" '
			trace_fixture 3 ./thread-exit-$v
		'
		test_expect_success PTRACE "a thread calls exit(3) ($v): lines hit and missed" '
			test_cmp thread-exit-$v.out.untraced thread-exit-$v.out &&
			check_fixture $opt thread-exit.c thread-exit-$v.data
		'

		test_expect_success PTRACE "a thread execs ($v): exit status 8 passes through" '
			trace_fixture 8 ./thread-exec-$v ./child-$v
		'
		test_expect_success PTRACE "a thread execs ($v): both programs covered" '
			test_cmp thread-exec-$v.out.untraced thread-exec-$v.out &&
			check_fixture $opt thread-exec.c thread-exec-$v.data &&
			check_fixture $opt child.c thread-exec-$v.data
		'
	done
done

test_done
