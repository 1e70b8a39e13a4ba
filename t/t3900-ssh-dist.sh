#!/bin/sh
test_description='ssh= workers end to end, against real OpenSSH servers

covtrace --tx ssh=HOST with --rsyncdir: --dist load over two ssh hosts and
a popen worker, --dist each over two hosts with different chdirs, results
equal to the serial run, paths mapped back from a worker directory, host
keys and user keys refused with clear messages, a missing remote covtrace,
and a host that dies or hangs in the middle of a run.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-dist.sh
. "$TEST_SRCDIR/lib-dist.sh"
# shellcheck source=sshd-lib.sh
. "$TEST_SRCDIR/sshd-lib.sh"

sshd_setup
sshd_start host1 127.0.0.2 || BUG "cannot start sshd for host1"
sshd_start host2 127.0.0.3 || BUG "cannot start sshd for host2"

# serial DATA: the data of the serial run of proj/suite, for comparisons.
serial_records () {
	coverage_records serial.data
}

test_expect_success CC 'a project with a built program and a suite of jobs' '
	mkdir proj &&
	(cd proj && build_fixture dist O0 pie) &&
	make_suite proj/suite proj/dist-O0-pie a b c fail &&
	make_suite proj/suite/more proj/dist-O0-pie a b c &&
	echo "object" >proj/junk.o &&
	nfiles=$(find proj -type f ! -name "*.o" | wc -l) &&
	nfiles=$((nfiles + 0))
'

test_expect_success PTRACE 'the serial run, to compare with' '
	test_expect_code 1 "$COVTRACE" --cov=proj --dist no \
	    --data-file=serial.data proj/suite 2>serial.err &&
	test_grep "6 passed, 1 failed" serial.err
'

test_expect_success PTRACE 'load: two ssh hosts and a popen worker, with --rsyncdir' '
	test_expect_code 1 "$COVTRACE" -v --cov=proj --data-file=load.data \
	    --tx ssh=host1//chdir=env1 \
	    --tx "ssh=host2//chdir=$TRASH_DIRECTORY/env2" \
	    --tx popen//chdir=env3 \
	    --rsyncdir proj --rsyncignore "*.o" proj/suite >out 2>err &&
	cat err &&
	test_grep "6 passed, 1 failed" err &&
	test_grep "rsync: .proj. to host1:env1/proj: $nfiles files sent" err &&
	test_grep "rsync: .proj. to host2:$TRASH_DIRECTORY/env2/proj: $nfiles files sent" err &&
	test_grep "rsync: .proj. to $TRASH_DIRECTORY/env3/proj: $nfiles files sent" err &&
	test_path_is_file "$sshd_home_host1/env1/proj/suite/a.sh" &&
	test -x "$sshd_home_host1/env1/proj/dist-O0-pie" &&
	test_path_is_missing "$sshd_home_host1/env1/proj/junk.o" &&
	test_grep "^worker id=gw0 .* cwd=$sshd_home_host1/env1 lost=0\$" load.data &&
	test_grep "^worker id=gw1 .* cwd=$TRASH_DIRECTORY/env2 lost=0\$" load.data &&
	test_grep "^worker id=gw2 .* cwd=$TRASH_DIRECTORY/env3 lost=0\$" load.data
'

test_expect_success PTRACE 'load: the result is the serial result, with local paths' '
	serial_records >expect &&
	coverage_records load.data >actual &&
	test_cmp expect actual &&
	test_grep "^file $TRASH_DIRECTORY/proj/dist.c\$" load.data &&
	check_fixture O0 proj/dist.c load.data
'

test_expect_success PTRACE 'a second run sends nothing' '
	test_expect_code 1 "$COVTRACE" -v --cov=proj --data-file=again.data \
	    --tx ssh=host1//chdir=env1 --rsyncdir proj --rsyncignore "*.o" \
	    proj/suite >out 2>err &&
	test_grep "rsync: .proj. to host1:env1/proj: 0 files sent (0 bytes), 0 links, 0 deleted, $nfiles unchanged" err
'

test_expect_success PTRACE 'each: two hosts with different chdirs run every job' '
	test_expect_code 1 "$COVTRACE" --cov=proj --data-file=each.data \
	    --dist each --tx ssh=host1//chdir=envA \
	    --tx "ssh=host2//chdir=$TRASH_DIRECTORY/envB" \
	    --rsyncdir proj proj/suite >out 2>err &&
	cat err &&
	test_grep "12 passed, 2 failed" err &&
	test_grep "^ *gw0: platform .*, $sshd_home_host1/envA\$" err &&
	test_grep "^ *gw1: platform .*, $TRASH_DIRECTORY/envB\$" err &&
	serial_records >expect &&
	coverage_records each.data >actual &&
	test_cmp expect actual
'

test_expect_success PTRACE,CC 'paths a worker reports under its chdir map back to local ones' '
	mkdir -p "$sshd_home_host1/built/proj" &&
	cp proj/dist.c "$sshd_home_host1/built/proj/" &&
	(cd "$sshd_home_host1/built/proj" &&
	    $CC -g -O0 -o dist-remote dist.c) &&
	make_suite rsuite proj/dist-remote a b c &&
	cp -R rsuite "$sshd_home_host1/built/" &&
	"$COVTRACE" --cov=proj --data-file=mapped.data \
	    --tx ssh=host1//chdir=built rsuite 2>err &&
	cat err &&
	test_grep "^file $TRASH_DIRECTORY/proj/dist.c\$" mapped.data &&
	test_grep "^module [0-9a-f]* $TRASH_DIRECTORY/proj/dist-remote\$" mapped.data &&
	grep -e "^file " -e "^module " mapped.data >paths &&
	test_grep -v "host1-home" paths
'

test_expect_success PTRACE 'an unknown host key is refused, with its fingerprint' '
	cp "$HOME/.ssh/known_hosts" known_hosts.orig &&
	grep -v "^\[127.0.0.2\]:" known_hosts.orig >"$HOME/.ssh/known_hosts" &&
	fp=$(ssh-keygen -l -E sha256 -f "$sshd_dir/host1/host_ed25519.pub" |
	    cut -d" " -f2) &&
	test_expect_code 1 "$COVTRACE" --cov=proj --data-file=refused.data \
	    --tx ssh=host1 proj/suite/more >out 2>err &&
	cat err &&
	test_grep "host key of .\[127.0.0.2\]:$sshd_port_host1. is not known: ED25519 key $fp\$" err &&
	test_grep "or run again with --ssh-accept-new" err &&
	test_grep "cannot start worker gw0 (.ssh=host1.)" err
'

test_expect_success PTRACE '--ssh-accept-new adds the key and runs' '
	"$COVTRACE" --cov=proj --data-file=accepted.data --ssh-accept-new \
	    --tx ssh=host1//chdir=env1 proj/suite/more >out 2>err &&
	cat err &&
	test_grep "warning: ssh: host1 .*: added ED25519 key SHA256:" err &&
	test_grep "3 passed" err &&
	test_grep "^\[127.0.0.2\]:$sshd_port_host1 ssh-ed25519 " "$HOME/.ssh/known_hosts" &&
	cp known_hosts.orig "$HOME/.ssh/known_hosts"
'

test_expect_success PTRACE 'a wrong user key is refused with a clear message' '
	ssh-keygen -q -t ed25519 -N "" -f "$HOME/.ssh/id_wrong" &&
	cp "$HOME/.ssh/config" config.orig &&
	printf "Host wrongkey\n\tHostName 127.0.0.2\n\tPort %s\n\tIdentityFile ~/.ssh/id_wrong\n" \
	    "$sshd_port_host1" >>"$HOME/.ssh/config" &&
	test_expect_code 1 "$COVTRACE" --cov=proj --data-file=wrong.data \
	    --tx ssh=wrongkey proj/suite/more >out 2>err;
	status=$?;
	cp config.orig "$HOME/.ssh/config" &&
	cat err &&
	test "$status" = 0 &&
	test_grep "ssh: wrongkey (.*): permission denied for user .$sshd_user.: the server accepted no key (tried $HOME/.ssh/id_wrong)" err
'

test_expect_success PTRACE 'a missing remote covtrace is an error that names the host' '
	test_expect_code 1 "$COVTRACE" --cov=proj --data-file=missing.data \
	    --max-worker-restart=0 \
	    --tx "ssh=host2//covtrace=/no/such/covtrace" proj/suite/more \
	    >out 2>err &&
	cat err &&
	test_grep "ssh: host2 (.*): ./no/such/covtrace --worker. was not found there: install covtrace on host2, or give its path with //covtrace=PATH" err
'

test_expect_success PTRACE 'a remote covtrace of another protocol version is refused' '
	cat >"$sshd_home_host2/old-covtrace" <<-EOF &&
	#!/bin/sh
	. "$TEST_SRCDIR/lib-dist.sh"
	frame HELO "protocol 99
	version 9.9
	platform linux
	host host2
	pid 1
	"
	cat >/dev/null
	EOF
	chmod +x "$sshd_home_host2/old-covtrace" &&
	test_expect_code 1 "$COVTRACE" --cov=proj --data-file=old.data \
	    --max-worker-restart=0 \
	    --tx "ssh=host2//covtrace=./old-covtrace" proj/suite/more \
	    >out 2>err &&
	cat err &&
	test_grep "worker gw0 failed: it speaks protocol 99 (covtrace 9.9), this covtrace speaks 1: install this covtrace on host2" err
'

# A suite whose jobs take a while, so that a host can die in the middle.
test_expect_success 'a slow suite' '
	mkdir -p proj/slow &&
	for j in a b c a b c a b; do
		n=$((${n:-0} + 1)) &&
		printf "#!/bin/sh\nproj/dist-O0-pie %s\nsleep 1\n" $j \
		    >proj/slow/job$n.sh &&
		chmod +x proj/slow/job$n.sh || return 1
	done &&
	test_expect_code 0 "$COVTRACE" --cov=proj --dist no \
	    --data-file=slow-serial.data proj/slow 2>/dev/null
'

# run_until_gw1 DATA OPT...: start covtrace on the slow suite in the
# background, and return once gw1 has finished a job (pid in $run_pid).
run_until_gw1 () {
	rug_data=$1
	shift
	rm -f run.out run.err
	"$COVTRACE" --cov=proj --data-file="$rug_data" "$@" \
	    --rsyncdir proj proj/slow >run.out 2>run.err &
	run_pid=$!
	rug_n=0
	while ! grep "^\[gw1\]" run.err >/dev/null 2>&1; do
		rug_n=$((rug_n + 1))
		if test "$rug_n" -gt 300; then
			kill "$run_pid"
			cat run.err >&2
			return 1
		fi
		sleep 0.1
	done
}

test_expect_success PTRACE 'a host killed mid-run: its job is retried, nothing received is lost' '
	run_until_gw1 killed.data --max-worker-restart=0 \
	    --tx ssh=host1//chdir=envK --tx ssh=host2//chdir=envK &&
	sshd_kill host2 &&
	wait $run_pid;
	status=$? &&
	cat run.err &&
	test "$status" = 0 &&
	test_grep "8 passed" run.err &&
	test_grep "worker gw1 died .* while running proj/slow/job" run.err &&
	test_grep "^worker id=gw1 .* lost=1\$" killed.data &&
	test_grep "^worker-hit 1 " killed.data &&
	coverage_records slow-serial.data >expect &&
	coverage_records killed.data >actual &&
	test_cmp expect actual
'

test_expect_success PTRACE '--ssh-keepalive: a host that hangs is lost within 4 intervals' '
	sshd_start host2 127.0.0.3 &&
	run_until_gw1 hung.data --max-worker-restart=0 --ssh-keepalive=2 \
	    --tx ssh=host1//chdir=envH --tx ssh=host2//chdir=envH &&
	frozen=$(sshd_descendants_ "$sshd_pid_host2") &&
	kill -STOP $frozen &&
	wait $run_pid;
	status=$? &&
	kill -CONT $frozen &&
	kill -KILL $frozen 2>/dev/null;
	cat run.err &&
	test "$status" = 0 &&
	test_grep "ssh: host2 .*: connection lost: no answer for [678] s (3 keepalives, 2 s apart)" run.err &&
	test_grep "8 passed" run.err &&
	coverage_records slow-serial.data >expect &&
	coverage_records hung.data >actual &&
	test_cmp expect actual
'

test_expect_success '--ssh-keepalive takes 2 to 3600 seconds' '
	test_expect_code 2 "$COVTRACE" --ssh-keepalive=1 --tx ssh=host1 proj 2>err &&
	test_grep "ssh-keepalive needs a number of seconds from 2 to 3600, got .1." err
'

test_done
