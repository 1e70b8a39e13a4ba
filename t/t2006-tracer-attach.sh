#!/bin/sh
# --pid: attach to a running process, measure, detach cleanly.

test_description='attach to a running process'
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

test_lazy_prereq ATTACH '
	test "$(id -u)" = 0 ||
	test "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)" = 0
'

# start_victim NAME [pie|nopie]: run the fixture in the background until
# it is "ready".
start_victim () {
	rm -f "$1.stop" "$1.ready" "$1.done" || return 1
	# Alone, not in a list: $! must be the program, not a subshell.
	"./attach-O0-${2:-pie}" "$1.stop" "$1.ready" "$1.done" &
	victim=$!
	wait_for_file "$1.ready"
}

for pie in pie nopie; do
	test_expect_success PTRACE,ATTACH "build the fixture ($pie)" '
		build_fixture attach O0 '"$pie"'
	'
done

test_expect_success PTRACE,ATTACH 'attach until the process exits: its status passes through' '
	start_victim exit &&
	{ "$COVTRACE" --pid=$victim --data-file=exit.data \
	    --cov-report=term-missing >out 2>err & } &&
	tracer=$! &&
	sleep 1 &&
	: >exit.stop &&
	test_expect_code 5 wait $tracer &&
	wait $victim;
	test $? = 5 &&
	test_grep "^done 1" exit.done
'

test_expect_success PTRACE,ATTACH 'attach until the process exits: lines run while attached' '
	check_hits attach.c exit.data
'

test_expect_success PTRACE,ATTACH 'SIGINT detaches and the process goes on unharmed' '
	start_victim int &&
	{ "$COVTRACE" --pid=$victim --data-file=int.data \
	    --cov-report= >out 2>err & } &&
	tracer=$! &&
	sleep 1 &&
	kill -INT $tracer &&
	test_expect_code 0 wait $tracer &&
	: >int.stop &&
	wait $victim;
	test $? = 5 &&
	test_grep "^done 1" int.done &&
	check_hits attach.c int.data
'

test_expect_success PTRACE,ATTACH 'a non-PIE process' '
	start_victim nopie nopie &&
	{ "$COVTRACE" --pid=$victim --data-file=pie.data --cov-report= \
	    >out 2>err & } &&
	tracer=$! &&
	sleep 1 &&
	: >nopie.stop &&
	test_expect_code 5 wait $tracer &&
	wait $victim;
	check_hits attach.c pie.data
'

test_expect_success 'a process that does not exist is an error' '
	test_expect_code 1 "$COVTRACE" --pid=999999999 --cov-report= >out 2>err &&
	test_line_count -eq 1 err &&
	test_grep "cannot attach to pid 999999999" err
'

test_expect_success '--pid takes no command' '
	test_expect_code 2 "$COVTRACE" --pid=1 -- /bin/true >out 2>err &&
	test_grep "takes no command" err
'

test_expect_success '--pid needs a number' '
	test_expect_code 2 "$COVTRACE" --pid=abc >out 2>err &&
	test_grep "process id" err
'

test_done
