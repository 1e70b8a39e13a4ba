#!/bin/sh
test_description='covtrace --worker speaks doc/PROTOCOL.worker

Frames are written by hand and the worker answers are read back: HELO
first, setup, a job with its FILE, SOUT and DONE frames, and FAIL for what
it refuses.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-dist.sh
. "$TEST_SRCDIR/lib-dist.sh"

setup_frame () {
	frame SETU "protocol $1
id gw7
workers 3
cov $PWD
$2"
}

test_expect_success 'HELO comes first; the end of input ends the worker' '
	"$COVTRACE" --worker </dev/null >out 2>err &&
	test_must_be_empty err &&
	head -c 4 out >type &&
	printf HELO >expect &&
	test_cmp expect type &&
	test_grep -a "protocol 1\$" out &&
	test_grep -a "^platform [a-z]*%20" out &&
	test_grep -a "^pid [0-9]*\$" out
'

test_expect_success 'SETU of another protocol version is refused with FAIL' '
	setup_frame 2 >in &&
	test_expect_code 1 "$COVTRACE" --worker <in >out 2>err &&
	test_grep -a "FAIL" out &&
	test_grep -a "message the%20dispatcher%20speaks%20protocol%202" out &&
	test_grep "worker: the dispatcher speaks protocol 2" err
'

test_expect_success 'bytes that are not frames are refused with FAIL' '
	echo "hello, worker" >in &&
	test_expect_code 1 "$COVTRACE" --worker <in >out 2>err &&
	test_grep -a "message protocol%20error:%20not%20a%20frame" out
'

test_expect_success 'a TASK before SETU is refused' '
	frame TASK "job 1
command true
" >in &&
	test_expect_code 1 "$COVTRACE" --worker <in >out 2>err &&
	test_grep -a "message TASK%20before%20SETU" out
'

test_expect_success 'a stream that ends inside a frame is refused' '
	setup_frame 1 | head -c 20 >in &&
	test_expect_code 1 "$COVTRACE" --worker <in >out 2>err &&
	test_grep -a "message the%20stream%20ends%20inside%20a%20frame" out
'

test_expect_success CC 'build the fixture' '
	build_fixture dist O0 pie
'

test_expect_success PTRACE 'a job: FILE, SOUT, SERR and DONE, after REDY' '
	{
		setup_frame 1 "chdir $PWD/wd
env WHO tester
" &&
		frame TASK "job 42
command ../dist-O0-pie%20fail
" &&
		frame TASK "job 43
command sh%20-c%20\"echo%20\$COVTRACE_WORKER/\$COVTRACE_WORKER_COUNT/\$WHO\"
"
	} >in &&
	"$COVTRACE" --worker <in >out 2>err &&
	test_must_be_empty err &&
	test_grep -a "REDY.*cwd $PWD/wd\$" out &&
	test_grep -a "^file $PWD/dist.c\$" out &&
	test_grep -a "^image $PWD/dist-O0-pie\$" out &&
	test_grep -a "^build-id [0-9a-f]*\$" out &&
	test_grep -a "^lines [0-9,-]*\$" out &&
	test_grep -a "^function [0-9]* 1 main\$" out &&
	test_grep -a "SOUT.*ran fail" out &&
	test_grep -a "SERR.*failing on purpose" out &&
	test_grep -a "job 42\$" out &&
	test_grep -a "^status 3\$" out &&
	test_grep -a "^timeout 0\$" out &&
	test_grep -a "gw7/3/tester" out
'

test_expect_success PTRACE 'a command that is not found is a job result: 127' '
	{
		setup_frame 1 "" &&
		frame TASK "job 1
command ./no-such-program
"
	} >in &&
	"$COVTRACE" --worker <in >out 2>err &&
	test_grep -a "^status 127\$" out &&
	test_grep -a "SERR.*cannot run ...no-such-program" out
'

test_done
