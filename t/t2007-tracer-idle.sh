#!/bin/sh
test_description='--idle: idle CPUs poll while tracing, unless told to sleep

With --idle=poll (the default) covtrace holds a CPU latency request of
zero on /dev/cpu_dma_latency while it traces, when it may open that file;
the traced program, which is its child, can see the descriptor in
/proc/$PPID/fd and the request in the file.  The descriptor never leaks
into the program.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

test_lazy_prereq QOS '
	test -w /dev/cpu_dma_latency && test -r /dev/cpu_dma_latency
'

test_expect_success 'set up a job that shows what its tracer holds' '
	mkdir jobs &&
	cat >jobs/show-qos <<-\EOF &&
	#!/bin/sh
	ls -l /proc/$PPID/fd | grep -c cpu_dma_latency
	ls -l /proc/self/fd | grep -c cpu_dma_latency
	od -An -td4 /dev/cpu_dma_latency | tr -d " "
	EOF
	chmod +x jobs/show-qos &&
	mkdir workerjobs &&
	cat >workerjobs/save-qos <<-\EOF &&
	#!/bin/sh
	ls -l /proc/$PPID/fd | grep -c cpu_dma_latency >qos.out
	exit 0
	EOF
	chmod +x workerjobs/save-qos
'

test_expect_success PTRACE,QOS 'by default covtrace holds a zero latency request while tracing' '
	"$COVTRACE" --cov-report= --data-file=d -- jobs/show-qos >out 2>err &&
	printf "1\n0\n0\n" >expect &&
	test_cmp expect out
'

test_expect_success PTRACE,QOS '--idle=sleep makes no request' '
	"$COVTRACE" --idle=sleep --cov-report= --data-file=d -- \
	    jobs/show-qos >out 2>err &&
	head -n 2 out >got &&
	printf "0\n0\n" >expect &&
	test_cmp expect got
'

test_expect_success PTRACE,QOS '--idle=poll is the default, said explicitly' '
	"$COVTRACE" --idle=poll --cov-report= --data-file=d -- \
	    jobs/show-qos >out 2>err &&
	test "$(head -n 1 out)" = 1
'

test_expect_success PTRACE,QOS 'a worker makes the request that the dispatcher was told to' '
	"$COVTRACE" -n 1 --cov-report= --data-file=d workerjobs >out 2>err &&
	test "$(cat qos.out)" = 1 &&
	"$COVTRACE" -n 1 --idle=sleep --cov-report= --data-file=d workerjobs \
	    >out 2>err &&
	test "$(cat qos.out)" = 0
'

test_expect_success 'an unknown mode is a usage error' '
	test_expect_code 2 "$COVTRACE" --idle=nap -- true >out 2>err &&
	test_must_be_empty out &&
	test_grep "^covtrace: unknown idle mode .nap. (expected poll or sleep)\$" err
'

test_done
