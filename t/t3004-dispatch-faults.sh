#!/bin/sh
test_description='faults: dead workers, retries, --max-worker-restart,
--timeout, workers that cannot start or do not speak the protocol

A dead worker is reported with its job, which runs once more elsewhere;
what the worker sent before it died is kept and flagged; a malformed
message ends that worker, never the dispatcher.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-dist.sh
. "$TEST_SRCDIR/lib-dist.sh"

test_expect_success CC 'build the fixture and the suites' '
	build_fixture dist O0 pie &&
	make_suite suite ./dist-O0-pie a c &&
	# killer.sh kills its worker the first time it runs, then passes.
	cat >suite/b.sh <<-\EOF &&
	#!/bin/sh
	./dist-O0-pie b
	if mkdir killed-once 2>/dev/null; then
		kill -9 "$PPID"
		sleep 10
	fi
	EOF
	chmod +x suite/b.sh &&
	mkdir always &&
	printf "#!/bin/sh\n./dist-O0-pie a\nkill -9 \$PPID\nsleep 10\n" \
	    >always/kill.sh &&
	chmod +x always/kill.sh &&
	mkdir hang &&
	printf "#!/bin/sh\n./dist-O0-pie c\nsleep 60 &\necho \$! >sleep.pid\nwait\n" \
	    >hang/slow.sh &&
	make_suite hang ./dist-O0-pie a &&
	chmod +x hang/*.sh
'

test_expect_success PTRACE 'a worker killed under a job: reported, the job retried' '
	rm -rf killed-once &&
	"$COVTRACE" --cov=. -n 1 --data-file=kill.data suite >out 2>err &&
	cat err &&
	test_grep "^covtrace: worker gw0 died (killed by signal 9) while running suite/b.sh\$" err &&
	test_grep "^\[gw0\] \[ 33%\] RETRY suite/b.sh (worker gw0 died)\$" err &&
	test_grep "^covtrace: warning: worker gw1 replaces worker gw0\$" err &&
	test_grep "^\[gw1\] \[ 66%\] PASSED suite/b.sh" err &&
	test_grep "3 passed, 0 failed" err
'

test_expect_success PTRACE 'what the dead worker sent is kept, and flagged' '
	test_grep "^worker id=gw0 .* lost=1\$" kill.data &&
	test_grep "^worker id=gw1 .* lost=0\$" kill.data &&
	test_grep "^worker-hit 0 " kill.data &&
	test_grep "gw0: platform .* (died: its coverage is partial)" err &&
	test_grep "warning: worker gw0 died: the coverage it sent before is kept" err &&
	check_fixture O0 dist.c kill.data
'

test_expect_success PTRACE 'the union is still the serial result' '
	"$COVTRACE" --cov=. --dist no --data-file=serial.data suite 2>serial.err &&
	coverage_records serial.data >expect &&
	coverage_records kill.data >actual &&
	test_cmp expect actual
'

test_expect_success PTRACE '--max-worker-restart=0: no replacement, the rest not run' '
	rm -rf killed-once &&
	test_expect_code 1 "$COVTRACE" --cov=. -n 1 --max-worker-restart=0 \
	    --data-file=norestart.data suite 2>err &&
	cat err &&
	test_grep "worker gw0 is not replaced: --max-worker-restart reached" err &&
	test_grep "no worker is left to run the remaining jobs" err &&
	test_grep "FAILED suite/b.sh (not run: no worker left)" err &&
	test_grep "FAILED suite/c.sh (not run: no worker left)" err &&
	test_grep "1 passed, 2 failed" err
'

test_expect_success PTRACE 'a job that kills every worker fails after two tries' '
	test_expect_code 1 "$COVTRACE" --cov=. -n 2 --data-file=always.data \
	    always 2>err &&
	cat err &&
	test_grep "RETRY always/kill.sh (worker gw[01] died)" err &&
	test_grep "FAILED always/kill.sh (worker gw[0-9] died)" err &&
	test_grep "0 passed, 1 failed" err
'

test_expect_success PTRACE,TIMEOUT '--timeout kills a hanging job and everything it started' '
	test_expect_code 1 elapsed_below 30 "$COVTRACE" --cov=. -n 2 \
	    --timeout=1 --data-file=hang.data hang 2>err &&
	cat err &&
	test_grep "FAILED hang/slow.sh (timeout after 1 s)" err &&
	test_grep "PASSED hang/a.sh" err &&
	test_grep "1 passed, 1 failed" err &&
	test_path_is_file sleep.pid &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$(cat sleep.pid)" 2>/dev/null || break
		sleep 0.2
	done &&
	! kill -0 "$(cat sleep.pid)" 2>/dev/null
'

test_expect_success PTRACE,TIMEOUT 'the coverage of a timed-out job is kept' '
	check_hits --dump dist.c hang.data >dump &&
	"$COVTRACE" --cov=. --data-file=ac.data -- sh -c \
	    "./dist-O0-pie a; ./dist-O0-pie c" 2>/dev/null &&
	coverage_records ac.data | grep "^hit " >expect &&
	coverage_records hang.data | grep "^hit " >actual &&
	test_cmp expect actual
'

test_expect_success PTRACE,TIMEOUT '--timeout without workers too' '
	test_expect_code 1 elapsed_below 30 "$COVTRACE" --cov=. --timeout=1 \
	    --data-file=hang0.data hang/slow.sh 2>err &&
	test_grep "^\[100%\] FAILED hang/slow.sh (timeout after 1 s)" err
'

test_expect_success PTRACE 'a worker that cannot start' '
	test_expect_code 1 "$COVTRACE" --cov=. \
	    --tx popen//covtrace=/nonexistent/covtrace --data-file=ns.data \
	    suite/a.sh 2>err &&
	cat err &&
	test_grep "cannot start a worker with ./nonexistent/covtrace." err &&
	test_grep "worker gw0 died (exit status 127) before it was ready" err &&
	test_grep "FAILED suite/a.sh (not run: no worker left)" err
'

test_expect_success PTRACE 'a worker that does not speak the protocol' '
	test_expect_code 1 elapsed_below 8 "$COVTRACE" --cov=. \
	    --tx "popen//covtrace=sh -c \"echo this is no worker; sleep 10\"" \
	    --data-file=garbage.data suite/a.sh 2>err &&
	cat err &&
	test_grep "worker gw0 failed: protocol error: not a frame: .this is no w" err
'

test_expect_success PTRACE 'a worker that never gets ready is ended' '
	COVTRACE_START_TIMEOUT=1 test_expect_code 1 elapsed_below 8 \
	    "$COVTRACE" --cov=. --tx "popen//covtrace=sh -c \"sleep 30\"" \
	    --data-file=slow.data suite/a.sh 2>err &&
	cat err &&
	test_grep "worker gw0 failed: it was not ready after 1 s" err &&
	test_grep "FAILED suite/a.sh (not run: no worker left)" err
'

hello () {
	frame HELO "protocol $1
version 9.9
platform mars
host h
pid 1
"
}

test_expect_success PTRACE 'a worker of another protocol version' '
	hello 2 >hello2.frame &&
	printf "#!/bin/sh\ncat \"%s\"\nsleep 10\n" "$PWD/hello2.frame" >v2-worker &&
	chmod +x v2-worker &&
	test_expect_code 1 elapsed_below 8 "$COVTRACE" --cov=. \
	    --tx popen//covtrace=./v2-worker --data-file=v2.data \
	    suite/a.sh 2>err &&
	cat err &&
	test_grep "worker gw0 failed: it speaks protocol 2 (covtrace 9.9), this covtrace speaks 1" err
'

test_expect_success PTRACE 'a malformed FILE ends the worker, not the dispatcher' '
	{
		hello 1 &&
		frame REDY "cwd /x
"
	} >start.frame &&
	frame FILE "job 0
build-id ab
image /x
file /a.c
lines 5-3
hit -
" >bad.frame &&
	cat >bad-worker <<-EOF &&
	#!/bin/sh
	cat "$PWD/start.frame"
	# The dispatcher sends its TASK for job 0 when it reads REDY.
	sleep 1
	cat "$PWD/bad.frame"
	sleep 10
	EOF
	chmod +x bad-worker &&
	test_expect_code 1 elapsed_below 8 "$COVTRACE" --cov=. \
	    --tx popen//covtrace=./bad-worker --max-worker-restart=0 \
	    --data-file=bad.data suite/a.sh 2>err &&
	cat err &&
	test_grep "worker gw0 failed: protocol error: bad line range .5-3. in the .lines. record of FILE" err &&
	test_grep "0 passed, 1 failed" err
'

test_expect_success PTRACE 'a long job streams its coverage: a worker that dies mid-job loses only its last second' '
	mkdir -p stream &&
	printf "#!/bin/sh\n./dist-O0-pie a\nsleep 2\nkill -9 \$PPID\nsleep 10\n" \
	    >stream/long.sh &&
	chmod +x stream/long.sh &&
	test_expect_code 1 "$COVTRACE" --cov=. -n 1 --max-worker-restart=0 \
	    --data-file=stream.data stream >out 2>err &&
	test_grep "worker gw0 died" err &&
	grep "^file .*/dist.c\$" stream.data &&
	grep -A3 "^file .*/dist.c\$" stream.data | grep "^hit [0-9]"
'

test_done
