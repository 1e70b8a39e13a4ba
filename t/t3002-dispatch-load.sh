#!/bin/sh
test_description='--dist load on local workers: -n, --tx popen

Jobs go to whichever worker is idle; the progress lines name the worker;
the union of the workers results is exactly the serial result; the data
file and the report header list the workers.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-dist.sh
. "$TEST_SRCDIR/lib-dist.sh"

test_expect_success CC 'build the fixture and a suite of 12 jobs' '
	build_fixture dist O0 pie &&
	build_fixture dist O2 nopie &&
	make_suite suite ./dist-O0-pie a b c fail &&
	make_suite suite/o2 ./dist-O2-nopie a b c &&
	for i in 1 2 3 4 5; do
		printf "#!/bin/sh\necho \"\$COVTRACE_WORKER/\$COVTRACE_WORKER_COUNT\" >>seen\n" \
		    >suite/env$i.sh &&
		chmod +x suite/env$i.sh || return 1
	done
'

test_expect_success PTRACE '-n 2: every job runs once, on gw0 or gw1' '
	test_expect_code 1 "$COVTRACE" --cov=. -n 2 --data-file=load.data \
	    suite >out 2>err &&
	cat err &&
	test_must_be_empty out &&
	grep "^\[gw[01]\] \[ *[0-9]*%\] \(PASSED\|FAILED\) suite/" err >lines &&
	test_line_count -eq 12 lines &&
	sed "s/.*\(PASSED\|FAILED\) \([^ ]*\).*/\2/" lines | sort >ran &&
	find suite -name "*.sh" | sort >expect &&
	test_cmp expect ran &&
	test_grep "^\[gw[01]\] \[100%\] " err &&
	test_grep "11 passed, 1 failed in" err
'

test_expect_success PTRACE 'jobs see COVTRACE_WORKER and COVTRACE_WORKER_COUNT' '
	test_line_count -eq 5 seen &&
	! grep -v "^gw[01]/2\$" seen
'

test_expect_success PTRACE 'the failed job: its output, the exit status 1' '
	test_grep "FAILED suite/fail.sh (exit status 3" err &&
	test_grep "^\[gw[01]\] suite/fail.sh: exit status 3\$" err &&
	test_grep "^failing on purpose\$" err
'

test_expect_success PTRACE 'the data file and the header list both workers' '
	test_grep "^worker id=gw0 host=[^ ]* platform=[^ ]* cwd=$PWD lost=0\$" load.data &&
	test_grep "^worker id=gw1 " load.data &&
	test_grep "^ *gw0: platform [a-z]* [a-z0-9_]*.*, $PWD\$" err &&
	test_grep "^ *gw1: platform " err &&
	test_grep -- "^-* coverage -*\$" err
'

test_expect_success PTRACE 'covtrace report shows the same header' '
	"$COVTRACE" report --data-file=load.data 2>report &&
	test_grep "^ *gw1: platform " report
'

test_expect_success PTRACE 'the union of the workers is the serial result, exactly' '
	test_expect_code 1 "$COVTRACE" --cov=. --dist no \
	    --data-file=serial.data suite 2>serial.err &&
	test_grep -v "^worker" serial.data &&
	coverage_records serial.data >expect &&
	coverage_records load.data >actual &&
	test_cmp expect actual &&
	grep -c "^run " serial.data >nruns.serial &&
	grep -c "^run " load.data >nruns.load &&
	test_cmp nruns.serial nruns.load
'

test_expect_success PTRACE 'what ran is what the markers say, O0 and O2 alike' '
	check_fixture O0 dist.c load.data
'

test_expect_success PTRACE '-n 1 runs the jobs in order on gw0' '
	"$COVTRACE" --cov=. -n 1 --data-file=one.data suite/o2 2>err &&
	grep -o "^\[gw0\] \[[ 0-9]*%\] PASSED [^ ]*" err >ran &&
	cat >expect <<-\EOF &&
	[gw0] [ 33%] PASSED suite/o2/a.sh
	[gw0] [ 66%] PASSED suite/o2/b.sh
	[gw0] [100%] PASSED suite/o2/c.sh
	EOF
	test_cmp expect ran
'

test_expect_success PTRACE '-- COMMAND with -n is one job on a worker' '
	"$COVTRACE" --cov=. -n 1 --data-file=cmd.data -- ./dist-O0-pie c \
	    >out 2>err &&
	test_must_be_empty out &&
	test_grep "^\[gw0\] \[100%\] PASSED ./dist-O0-pie c (" err &&
	test_grep "1 passed, 0 failed" err
'

test_expect_success PTRACE '--tx 2*popen is -n 2' '
	"$COVTRACE" --cov=. --tx "2*popen" --data-file=tx.data suite/o2 \
	    2>err &&
	test_grep "^worker id=gw1 " tx.data &&
	test_grep "3 passed, 0 failed" err
'

test_expect_success PTRACE '-n replaces --tx' '
	"$COVTRACE" --cov=. --tx popen//covtrace=/nonexistent -n 1 \
	    --data-file=replaced.data suite/o2/a.sh 2>err &&
	test_grep "^\[gw0\] \[100%\] PASSED suite/o2/a.sh" err
'

test_expect_success PTRACE '-n 0 runs the jobs here' '
	"$COVTRACE" --cov=. -n 0 --data-file=zero.data suite/o2/a.sh 2>err &&
	test_grep "^\[100%\] PASSED suite/o2/a.sh" err &&
	test_grep -v "^worker" zero.data
'

test_expect_success PTRACE '--dist no with workers given runs here too' '
	"$COVTRACE" --cov=. -n 2 --dist no --data-file=no.data suite/o2/b.sh \
	    2>err &&
	test_grep "^\[100%\] PASSED suite/o2/b.sh" err
'

test_expect_success PTRACE 'a worker id from //id=' '
	"$COVTRACE" --cov=. --tx popen//id=box --data-file=id.data \
	    suite/o2/a.sh 2>err &&
	test_grep "^\[box\] \[100%\] PASSED" err &&
	test_grep "^worker id=box " id.data
'

test_done
