#!/bin/sh
test_description='ssh: connecting with libssh2 to a real OpenSSH server

dispatch/ssh.c through t/unit/ssh-test against the sshd servers of
t/sshd-lib.sh: ssh= destinations and ~/.ssh/config, host keys against
known_hosts (hashed entries, unknown and changed keys, accept-new), user
keys from ssh-agent and key files, exec channels, keepalives.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=sshd-lib.sh
. "$TEST_SRCDIR/sshd-lib.sh"

SSH_TEST=${SSH_TEST:-$TOP_BUILDDIR/t/unit/ssh-test}
sshd_setup
sshd_start host1 127.0.0.2 || BUG "cannot start sshd for host1"
sshd_start host2 127.0.0.3 || BUG "cannot start sshd for host2"

# fingerprint NAME: the SHA256 fingerprint ssh-keygen gives NAME's host key.
fingerprint () {
	ssh-keygen -l -E sha256 -f "$sshd_dir/$1/host_ed25519.pub" |
	    cut -d' ' -f2
}

# wait_started OUT ERR: wait until a background ssh-test watch has printed
# "started" in OUT; show ERR when it does not within 60 s.
wait_started () {
	ws_n=0
	while ! grep started "$1" >/dev/null 2>&1; do
		ws_n=$((ws_n + 1))
		if test "$ws_n" -gt 600; then
			cat "$2" >&2
			return 1
		fi
		sleep 0.1
	done
}

if test -f /proc/net/if_inet6 && sshd_start host6 ::1; then
	test_set_prereq IPV6
fi

test_lazy_prereq AGENT '
	command -v ssh-agent && command -v ssh-add
'

test_expect_success 'ssh= destinations are split as execnet and ssh do' '
	"$SSH_TEST" dest me@box:2222 >out &&
	"$SSH_TEST" dest "-p 2200 me@box" >>out &&
	"$SSH_TEST" dest "[::1]:2201" >>out &&
	"$SSH_TEST" dest "::1" >>out &&
	"$SSH_TEST" dest box >>out &&
	cat >expect <<-\EOF &&
	user=me host=box port=2222
	user=me host=box port=2200
	user= host=::1 port=2201
	user= host=::1 port=0
	user= host=box port=0
	EOF
	test_cmp expect out
'

test_expect_success 'a malformed destination is refused' '
	test_expect_code 1 "$SSH_TEST" dest "me@box:port" 2>err &&
	test_grep "bad ssh destination .me@box:port." err &&
	test_expect_code 1 "$SSH_TEST" dest "-p 0 box" 2>err &&
	test_expect_code 1 "$SSH_TEST" dest "@box" 2>err
'

test_expect_success 'ssh config: HostName, User, Port, IdentityFile and patterns' '
	cp "$HOME/.ssh/config" config.orig &&
	cat >>"$HOME/.ssh/config" <<-\EOF &&
	Host bu?ld*
		HostName %h.example.invalid
		User builder
	Host build7 !build8
		Port=2207
		IdentityFile ~/.ssh/id_%r
	Host *
		User nobody-else
		Port 2299
	EOF
	"$SSH_TEST" config build7 >out &&
	"$SSH_TEST" config other@build8:1234 >>out &&
	"$SSH_TEST" config elsewhere >>out &&
	cat >expect <<-EOF &&
	builder@build7.example.invalid port 2207
	identity $HOME/.ssh/id_builder
	other@build8.example.invalid port 1234
	nobody-else@elsewhere port 2299
	EOF
	cp config.orig "$HOME/.ssh/config" &&
	test_cmp expect out
'

test_expect_success 'connects to a Host of ~/.ssh/config with ~/.ssh/id_ed25519' '
	"$SSH_TEST" connect host1 >out 2>err &&
	cat out err &&
	test_grep "^connected to host1 (.*@127.0.0.2 port $sshd_port_host1)" out &&
	test_must_be_empty err
'

test_expect_success 'connects to USER@ADDRESS:PORT' '
	"$SSH_TEST" connect "$sshd_user@127.0.0.3:$sshd_port_host2" >out &&
	test_grep "^connected to 127.0.0.3 " out
'

test_expect_success IPV6 'connects over IPv6 loopback' '
	"$SSH_TEST" connect "[::1]:$sshd_port_host6" >out &&
	test_grep "^connected to ::1 " out
'

test_expect_success 'exec: stdin, stdout, the exit status, stderr with the host' '
	"$SSH_TEST" exec host1 "cat; echo on-stderr >&2; pwd; exit 3" \
	    "some input" >out 2>err &&
	cat out err &&
	printf "some input%s\n" "$sshd_home_host1" >expect &&
	test_cmp expect out &&
	test_grep "^host1 (.*): on-stderr$" err &&
	test_grep "^status 768$" err
'

test_expect_success 'exec: a command that is not there exits 127' '
	"$SSH_TEST" exec host1 "exec no-such-covtrace --worker" >out 2>err &&
	cat err &&
	test_grep "^status 32512$" err
'

test_expect_success 'an unknown host key is refused, with its SHA256 fingerprint' '
	cp "$HOME/.ssh/known_hosts" known_hosts.orig &&
	grep -v "^\[127.0.0.2\]:" known_hosts.orig >"$HOME/.ssh/known_hosts" &&
	test_expect_code 1 "$SSH_TEST" connect host1 >out 2>err &&
	cat err &&
	fp=$(fingerprint host1) &&
	case $fp in SHA256:?*) ;; *) false ;; esac &&
	test_grep "host key of .\[127.0.0.2\]:$sshd_port_host1. is not known: ED25519 key $fp\$" err &&
	test_grep "add the key to .*known_hosts.*--ssh-accept-new" err
'

test_expect_success 'accept-new adds a new key, and the key is then known' '
	"$SSH_TEST" -a connect host1 >out 2>err &&
	cat err &&
	test_grep "warning: ssh: host1 .*: added ED25519 key $(fingerprint host1)" err &&
	test_grep "^\[127.0.0.2\]:$sshd_port_host1 ssh-ed25519 " "$HOME/.ssh/known_hosts" &&
	"$SSH_TEST" connect host1 >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'a hashed known_hosts entry is recognised' '
	cp known_hosts.orig "$HOME/.ssh/known_hosts" &&
	ssh-keygen -H -f "$HOME/.ssh/known_hosts" >/dev/null 2>&1 &&
	test_grep -v "127.0.0" "$HOME/.ssh/known_hosts" &&
	test_grep "^|1|" "$HOME/.ssh/known_hosts" &&
	"$SSH_TEST" connect host1 >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'a changed host key is refused, even with accept-new' '
	key2=$(cut -d" " -f1,2 "$sshd_dir/host2/host_ed25519.pub") &&
	grep -v "^\[127.0.0.2\]:" known_hosts.orig >"$HOME/.ssh/known_hosts" &&
	echo "[127.0.0.2]:$sshd_port_host1 $key2" >>"$HOME/.ssh/known_hosts" &&
	test_expect_code 1 "$SSH_TEST" -a connect host1 >out 2>err &&
	cat err &&
	test_grep "host key of .\[127.0.0.2\]:$sshd_port_host1. has changed: it is now ED25519 key $(fingerprint host1)" err &&
	test_grep "ssh-keygen -R .\[127.0.0.2\]:$sshd_port_host1." err &&
	cp known_hosts.orig "$HOME/.ssh/known_hosts"
'

test_expect_success 'a wrong user key is refused with a clear message' '
	ssh-keygen -q -t ed25519 -N "" -f "$HOME/.ssh/id_other" &&
	cp "$HOME/.ssh/config" config.orig &&
	printf "Host wrongkey\n\tHostName 127.0.0.2\n\tPort %s\n\tIdentityFile ~/.ssh/id_other\n" \
	    "$sshd_port_host1" >>"$HOME/.ssh/config" &&
	test_expect_code 1 "$SSH_TEST" connect wrongkey >out 2>err &&
	cp config.orig "$HOME/.ssh/config" &&
	cat err &&
	test_grep "ssh: wrongkey (.*): permission denied for user .$sshd_user.: the server accepted no key (tried $HOME/.ssh/id_other)" err
'

test_expect_success AGENT 'ssh-agent is asked before the key files' '
	eval "$(ssh-agent -s -a "$TRASH_DIRECTORY/agent.sock")" >/dev/null &&
	ssh-add "$HOME/.ssh/id_ed25519" 2>/dev/null &&
	mv "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.away" &&
	"$SSH_TEST" -vv connect host1 >out 2>err;
	status=$?;
	mv "$HOME/.ssh/id_ed25519.away" "$HOME/.ssh/id_ed25519" &&
	ssh-agent -k >/dev/null &&
	unset SSH_AUTH_SOCK SSH_AGENT_PID &&
	test "$status" = 0 &&
	test_grep "ssh-agent key .* accepted" err
'

test_expect_success 'keepalives: a host that stops answering is lost within 4 intervals' '
	"$SSH_TEST" -k 2 watch host2 "echo started; exec sleep 60" \
	    >hung.out 2>hung.err &
	pid=$! &&
	wait_started hung.out hung.err &&
	frozen=$(sshd_descendants_ "$sshd_pid_host2") &&
	kill -STOP $frozen &&
	wait $pid;
	status=$? &&
	kill -CONT $frozen &&
	kill -KILL $frozen 2>/dev/null;
	cat hung.err &&
	test "$status" = 1 &&
	test_grep "connection lost: no answer for [678] s (3 keepalives, 2 s apart)" hung.err &&
	test_grep "lost after [6-9] s" hung.err
'

test_expect_success 'a host that dies is found lost at once' '
	"$SSH_TEST" watch host1 "echo started; exec sleep 60" \
	    >dead.out 2>dead.err &
	pid=$! &&
	wait_started dead.out dead.err &&
	sshd_kill host1 &&
	wait $pid;
	status=$? &&
	cat dead.err &&
	test "$status" = 1 &&
	test_grep "lost after [01] s" dead.err
'

test_done
