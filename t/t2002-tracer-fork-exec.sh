#!/bin/sh
test_description='fork, vfork, exec and system()

Children are followed: lines only a child runs are hit, and so are the lines
of programs they exec, at any depth (through /bin/sh too), and of a program
that re-execs itself.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

for opt in O0 O2; do
	for pie in pie nopie; do
		v=$opt-$pie

		test_expect_success CC "build the fixtures ($v)" '
			for f in fork vfork-exec fork-exec exec-self system child
			do
				build_fixture $f $opt $pie || return 1
			done
		'

		test_expect_success PTRACE "fork ($v): exit status passes through" '
			trace_fixture 0 ./fork-$v
		'
		test_expect_success PTRACE "fork ($v): child-only lines are hit" '
			check_fixture $opt fork.c fork-$v.data
		'

		test_expect_success PTRACE "vfork+exec ($v): exit status 7 passes through" '
			trace_fixture 7 ./vfork-exec-$v ./child-$v 7
		'
		test_expect_success PTRACE "vfork+exec ($v): both programs covered" '
			test_cmp vfork-exec-$v.out.untraced vfork-exec-$v.out &&
			check_fixture $opt vfork-exec.c vfork-exec-$v.data &&
			check_fixture $opt child.c vfork-exec-$v.data
		'

		test_expect_success PTRACE "fork+exec ($v): exit status 5 passes through" '
			trace_fixture 5 ./fork-exec-$v ./child-$v
		'
		test_expect_success PTRACE "fork+exec ($v): both programs covered" '
			test_cmp fork-exec-$v.out.untraced fork-exec-$v.out &&
			check_fixture $opt fork-exec.c fork-exec-$v.data &&
			check_fixture $opt child.c fork-exec-$v.data
		'

		test_expect_success PTRACE "exec of itself ($v): exit status 4 passes through" '
			trace_fixture 4 ./exec-self-$v
		'
		test_expect_success PTRACE "exec of itself ($v): both images covered" '
			test_cmp exec-self-$v.out.untraced exec-self-$v.out &&
			check_fixture $opt exec-self.c exec-self-$v.data
		'

		test_expect_success PTRACE "system() ($v): exit status 6 passes through" '
			trace_fixture 6 ./system-$v "$PWD/child-$v"
		'
		test_expect_success PTRACE "system() ($v): the program run by /bin/sh is covered" '
			test_cmp system-$v.out.untraced system-$v.out &&
			check_fixture $opt system.c system-$v.data &&
			check_fixture $opt child.c system-$v.data
		'
	done
done

test_done
