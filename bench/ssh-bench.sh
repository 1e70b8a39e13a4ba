#!/bin/sh
# `make bench-ssh` (part of `make bench`): the SSH worker targets of issue 6
# on loopback, against the sshd of t/sshd-lib.sh.
#
#  - setup: connecting (TCP, handshake, host key, user key) plus an rsync
#    of an unchanged tree of 1,000 files, per host: at most 0.5 s;
#  - per job: what a job costs on one ssh= worker beyond what it costs on
#    one popen worker, from the slope of the run time over the number of
#    jobs (so that setup cancels out): at most 10 ms;
#  - the round trip of a small message through a remote `cat`, for scale.
#
# It prints TAP (it is a test-lib.sh script) and fails only when a target
# is missed or something breaks.  Environment: COVTRACE, SSH_TEST (the
# t/unit/ssh-test driver), TEST_SRCDIR, BENCH_DIR (the work directory).
# shellcheck disable=SC2034 # test-lib.sh reads these
test_description='SSH worker benchmarks'
: "${BENCH_DIR:=$(pwd)/bench-out-ssh}"
mkdir -p "$BENCH_DIR"
# shellcheck disable=SC2034
TEST_BUILDDIR=$BENCH_DIR
# shellcheck source=../t/test-lib.sh
. "$TEST_SRCDIR/test-lib.sh"
# shellcheck source=../t/sshd-lib.sh
. "$TEST_SRCDIR/sshd-lib.sh"

sshd_setup
sshd_start host1 127.0.0.2 || BUG "cannot start sshd"

# seconds CMD...: run CMD, print its wall-clock time in seconds.
seconds () {
	s_t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || return 1
	s_t1=$(date +%s.%N)
	calc "$s_t1 - $s_t0"
}

# calc EXPR: the value of an arithmetic expression, with a fraction.
calc () {
	$AWK "BEGIN { printf \"%.6f\\n\", $1 }"
}

test_expect_success 'a tree of 1,000 files, copied once' '
	for d in 0 1 2 3 4 5 6 7 8 9; do
		mkdir -p tree/d$d &&
		for f in 0 1 2 3 4 5 6 7 8 9; do
			for g in 0 1 2 3 4 5 6 7 8 9; do
				echo "$d$f$g" >tree/d$d/f$f$g || return 1
			done
		done &&
		ln -s f00 tree/d$d/link || return 1
	done &&
	"$SSH_TEST" rsync host1 tree env/tree
'

test_expect_success 'setup + unchanged rsync per host: at most 500 ms' '
	ms=$("$SSH_TEST" bench-setup host1 tree env/tree 10) &&
	say "connect + rsync of 1,000 unchanged files: $ms ms per host" &&
	test "$(calc "$ms <= 500")" = 1.000000
'

test_expect_success 'a message round trip through the channel' '
	us=$("$SSH_TEST" bench-echo host1 500) &&
	say "round trip through ssh: $us us"
'

test_expect_success 'jobs' '
	mkdir -p jobs10 jobs410 &&
	printf "#!/bin/sh\nexit 0\n" >job &&
	chmod +x job &&
	for i in $(seq 1 410); do
		cp job jobs410/j$i.sh || return 1
	done &&
	for i in $(seq 1 10); do
		cp job jobs10/j$i.sh || return 1
	done
'

# per_job TX...: the seconds per job on the workers TX, from the difference
# between 410 jobs and 10 jobs (the best of three runs each).
per_job () {
	pj_best10=999
	pj_best410=999
	for pj_i in 1 2 3; do
		pj_t=$(seconds "$COVTRACE" --cov=. --cov-report= \
		    --data-file=b.data "$@" jobs10) || return 1
		pj_best10=$(calc "$pj_t < $pj_best10 ? $pj_t : $pj_best10")
		pj_t=$(seconds "$COVTRACE" --cov=. --cov-report= \
		    --data-file=b.data "$@" jobs410) || return 1
		pj_best410=$(calc "$pj_t < $pj_best410 ? $pj_t : $pj_best410")
	done
	calc "($pj_best410 - $pj_best10) * 1000 / 400"
}

# The ssh= worker runs in this very directory (the "host" is this
# machine), so the jobs need no copying.
test_expect_success PTRACE 'per-job overhead over SSH: at most 10 ms' '
	popen=$(per_job --tx popen) &&
	ssh=$(per_job --tx "ssh=host1//chdir=$TRASH_DIRECTORY") &&
	over=$(calc "$ssh - $popen") &&
	say "per job: popen $(printf %.2f "$popen") ms, ssh $(printf %.2f "$ssh") ms, overhead $(printf %.2f "$over") ms" &&
	test "$(calc "$over <= 10")" = 1.000000
'

test_done
