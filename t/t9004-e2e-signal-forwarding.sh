#!/bin/sh
test_description='end to end: SIGINT, SIGTERM and SIGHUP sent to covtrace

Each is passed on to the traced program, which dies of it as it would
untraced (exit status 128+N); the lines covered until then are reported and
saved.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# Background jobs of a non-interactive shell start with SIGINT and SIGQUIT
# ignored; env puts the default action back for covtrace and the program.
defaults='env --default-signal=INT,TERM,HUP'

# signal_status CMD...: start CMD in the background with ready file "ready",
# wait until the program is ready, send $sig to CMD's process, and print
# the exit status.
signal_status () {
	rm -f ready
	# shellcheck disable=SC2086 # $defaults is a word list
	$defaults "$@" &
	ss_pid=$!
	if ! wait_for_file ready 30; then
		kill -KILL "$ss_pid"
		wait "$ss_pid"
		echo timeout
		return 1
	fi
	# The program is ready; give it time to reach pause().
	sleep 0.5
	kill -"$sig" "$ss_pid"
	wait "$ss_pid"
	echo $?
}

test_expect_success CC 'build the fixture' '
	build_fixture wait-signal O0 pie &&
	build_fixture wait-signal O2 nopie
'

for sig in INT TERM HUP; do
	for v in O0-pie O2-nopie; do
		test_expect_success PTRACE,DEFAULT_SIGNAL "SIG$sig ($v): the status is the same as untraced" '
			untraced=$(signal_status ./wait-signal-$v ready) &&
			traced=$(signal_status "$COVTRACE" --data-file=$sig-$v.data \
			    -- ./wait-signal-$v ready 2>$sig-$v.err) &&
			cat $sig-$v.err &&
			echo "untraced $untraced, traced $traced" &&
			test "$untraced" -gt 128 &&
			test "$traced" = "$untraced"
		'
		test_expect_success PTRACE,DEFAULT_SIGNAL "SIG$sig ($v): the coverage until then is reported and saved" '
			test_grep "^TOTAL " $sig-$v.err &&
			check_fixture ${v%-*} wait-signal.c $sig-$v.data
		'
	done
done

test_done
