# Real OpenSSH servers for the SSH worker tests (t38xx, t39xx).
# shellcheck shell=sh
#
# Source it after test-lib.sh, then call sshd_setup once (it skips the whole
# script when sshd cannot run here) and sshd_start for each "host":
#
#	. "$TEST_SRCDIR/sshd-lib.sh"
#	sshd_setup
#	sshd_start host1 127.0.0.2
#	sshd_start host2 127.0.0.3
#	"$COVTRACE" --tx ssh=host1 --tx ssh=host2 ...
#
# Everything lives in the trash directory: the host keys and the user key
# are made for the run by ssh-keygen, HOME (set by test-lib.sh) holds a
# test-only ~/.ssh with the user key, a known_hosts that trusts the servers
# started, and a config with one Host block per server (HostName, Port,
# User).  The machine's own ~/.ssh and sshd configuration are never read or
# written.  Each sshd runs in the foreground (-D) in the background of this
# shell, as the current user, on a loopback address and a free port; an
# EXIT trap stops them all.
#
# A session on host NAME runs in its own "remote home", $TRASH/NAME-home
# (HOME and the working directory, through ForceCommand), with
# $sshd_remote_bin first in PATH; sshd_start puts a `covtrace` there, so a
# plain `ssh=NAME` worker finds it as it would on a real host.  SFTP starts
# in the same home.
#
# After sshd_start NAME: sshd_port_NAME, sshd_addr_NAME, sshd_home_NAME,
# sshd_pid_NAME and sshd_keyline_NAME (the known_hosts line).

: "${SSHD:=}"
sshd_names=
sshd_remote_bin=

# sshd_fail REASON: why sshd cannot run; sshd_setup skips the script.
sshd_why=

sshd_find_ () {
	if test -n "$SSHD"; then
		return 0
	fi
	for sf_p in /usr/sbin/sshd /usr/local/sbin/sshd /sbin/sshd; do
		if test -x "$sf_p"; then
			SSHD=$sf_p
			return 0
		fi
	done
	sf_p=$(command -v sshd 2>/dev/null) && SSHD=$sf_p
}

sshd_sftp_server_ () {
	for ss_p in /usr/lib/openssh/sftp-server /usr/libexec/sftp-server \
	    /usr/libexec/openssh/sftp-server /usr/lib/ssh/sftp-server; do
		if test -x "$ss_p"; then
			echo "$ss_p"
			return 0
		fi
	done
	return 1
}

# sshd_setup: check that sshd can run, make the user key, ~/.ssh/config and
# known_hosts, and install the trap.  Skips the script when sshd is missing.
sshd_setup () {
	if ! sshd_find_; then
		skip_all "sshd not found (install openssh-server)"
	fi
	command -v ssh-keygen >/dev/null 2>&1 ||
		skip_all "ssh-keygen not found (install openssh-client)"
	sshd_sftp=$(sshd_sftp_server_) ||
		skip_all "no sftp-server found beside sshd"
	# sshd refuses to start without its privilege separation directory,
	# which the openssh-server package creates at boot; CI containers
	# may not have booted that way.
	if ! test -d /run/sshd && test "$(id -u)" = 0; then
		mkdir -p /run/sshd && chmod 755 /run/sshd
	fi
	sshd_dir=$TRASH_DIRECTORY/sshd
	sshd_user=$(id -un)
	mkdir -p "$sshd_dir" "$HOME/.ssh" || return 1
	chmod 700 "$HOME/.ssh"
	ssh-keygen -q -t ed25519 -N "" -C covtrace-test \
	    -f "$HOME/.ssh/id_ed25519" >&3 2>&4 ||
		skip_all "ssh-keygen cannot make an ed25519 key"
	cp "$HOME/.ssh/id_ed25519.pub" "$sshd_dir/authorized_keys"
	: >"$HOME/.ssh/known_hosts"
	: >"$HOME/.ssh/config"
	sshd_remote_bin=$sshd_dir/bin
	mkdir -p "$sshd_remote_bin"
	ln -sf "$COVTRACE" "$sshd_remote_bin/covtrace"
	trap sshd_stop_all EXIT
	# A first server tells whether sshd runs here at all.
	if ! sshd_start probe 127.0.0.1; then
		cat "$sshd_dir/probe/sshd.log" >&4 2>/dev/null
		skip_all "sshd does not start here${sshd_why:+ ($sshd_why)}"
	fi
	sshd_stop probe
	sshd_names=
	: >"$HOME/.ssh/known_hosts"
	: >"$HOME/.ssh/config"
}

# sshd_write_config_ NAME ADDR PORT
sshd_write_config_ () {
	sw_d=$sshd_dir/$1
	case $2 in
	*:*) sw_listen="[$2]:$3" ;;
	*) sw_listen="$2:$3" ;;
	esac
	cat >"$sw_d/sshd_config" <<EOF
ListenAddress $sw_listen
HostKey $sw_d/host_ed25519
PidFile $sw_d/sshd.pid
AuthorizedKeysFile $sshd_dir/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
UseDNS no
PrintMotd no
LogLevel VERBOSE
MaxStartups 100
MaxSessions 50
ClientAliveInterval 0
ForceCommand $sw_d/session
Subsystem sftp $sshd_sftp
EOF
}

# sshd_write_session_ NAME: the ForceCommand that puts every session in
# the host's remote home.
sshd_write_session_ () {
	sws_home=$TRASH_DIRECTORY/$1-home
	mkdir -p "$sws_home"
	cat >"$sshd_dir/$1/session" <<EOF
#!/bin/sh
HOME='$sws_home'
PATH='$sshd_remote_bin':\$PATH
export HOME PATH
cd "\$HOME" || exit 1
if test -z "\${SSH_ORIGINAL_COMMAND:-}"; then
	exec /bin/sh
fi
exec /bin/sh -c "\$SSH_ORIGINAL_COMMAND"
EOF
	chmod 755 "$sshd_dir/$1/session"
}

# sshd_start NAME ADDR: start a server for host NAME on ADDR (an IPv4 or
# IPv6 loopback address) and a free port; trust its key in known_hosts and
# add "Host NAME" to ~/.ssh/config.
sshd_start () {
	ss_name=$1
	ss_addr=$2
	ss_d=$sshd_dir/$ss_name
	mkdir -p "$ss_d" || return 1
	if ! test -f "$ss_d/host_ed25519"; then
		ssh-keygen -q -t ed25519 -N "" -C "$ss_name" \
		    -f "$ss_d/host_ed25519" >&3 2>&4 || return 1
	fi
	sshd_write_session_ "$ss_name"
	ss_try=0
	while test "$ss_try" -lt 10; do
		ss_try=$((ss_try + 1))
		ss_port=$(sshd_pick_port_ "$ss_try")
		sshd_write_config_ "$ss_name" "$ss_addr" "$ss_port"
		if ! sshd_why=$("$SSHD" -t -f "$ss_d/sshd_config" 2>&1); then
			sshd_why=$(echo "$sshd_why" | head -n 1)
			return 1
		fi
		sshd_why=
		rm -f "$ss_d/sshd.pid"
		"$SSHD" -D -f "$ss_d/sshd_config" -E "$ss_d/sshd.log" &
		ss_pid=$!
		if sshd_wait_ready_ "$ss_d/sshd.pid" "$ss_pid"; then
			sshd_register_ "$ss_name" "$ss_addr" "$ss_port" "$ss_pid"
			return 0
		fi
		wait "$ss_pid" 2>/dev/null
	done
	sshd_why="no free port found"
	return 1
}

# sshd_pick_port_ TRY: a port in 20000-59999 that no one listens on.
sshd_pick_port_ () {
	spp_seed=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
	: "${spp_seed:=$$}"
	spp_port=$(((spp_seed + $1 * 7919) % 40000 + 20000))
	while grep -qi ":$(printf '%04X' "$spp_port") " \
	    /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
		spp_port=$((spp_port + 1))
	done
	echo "$spp_port"
}

# sshd_wait_ready_ PIDFILE PID: the pid file appears once sshd listens; a
# server that cannot bind exits instead.
sshd_wait_ready_ () {
	swr_n=100
	while test "$swr_n" -gt 0; do
		if test -s "$1"; then
			return 0
		fi
		if ! kill -0 "$2" 2>/dev/null; then
			return 1
		fi
		sleep 0.05
		swr_n=$((swr_n - 1))
	done
	kill "$2" 2>/dev/null
	return 1
}

# sshd_known_name_ ADDR PORT: the name known_hosts uses for ADDR:PORT.
sshd_known_name_ () {
	if test "$2" = 22; then
		echo "$1"
	else
		echo "[$1]:$2"
	fi
}

sshd_register_ () {
	eval "sshd_port_$1=\$3 sshd_addr_$1=\$2 sshd_pid_$1=\$4"
	eval "sshd_home_$1=\$TRASH_DIRECTORY/\$1-home"
	sr_key=$(cut -d' ' -f1,2 "$sshd_dir/$1/host_ed25519.pub")
	sr_line="$(sshd_known_name_ "$2" "$3") $sr_key"
	eval "sshd_keyline_$1=\$sr_line"
	case " $sshd_names " in
	*" $1 "*)
		# Restarted (same key): only the port and pid are new.
		grep -v "^\[$2\]:" "$HOME/.ssh/known_hosts" >"$HOME/.ssh/kh.tmp"
		mv "$HOME/.ssh/kh.tmp" "$HOME/.ssh/known_hosts"
		sshd_config_drop_ "$1"
		;;
	*) sshd_names="$sshd_names $1" ;;
	esac
	echo "$sr_line" >>"$HOME/.ssh/known_hosts"
	printf 'Host %s\n\tHostName %s\n\tPort %s\n\tUser %s\n' \
	    "$1" "$2" "$3" "$sshd_user" >>"$HOME/.ssh/config"
}

# sshd_config_drop_ NAME: remove the Host NAME block of ~/.ssh/config.
sshd_config_drop_ () {
	$AWK -v name="$1" '
		/^Host / { skip = ($2 == name) }
		!skip { print }
	' "$HOME/.ssh/config" >"$HOME/.ssh/config.tmp" &&
	mv "$HOME/.ssh/config.tmp" "$HOME/.ssh/config"
}

# sshd_descendants_ PID: PID's children, grandchildren and so on.  (The
# loop variable is global: print it before the recursion changes it.)
sshd_descendants_ () {
	for sdd_c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$sdd_c"
		sshd_descendants_ "$sdd_c"
	done
}

# sshd_kill NAME: the host dies: its sshd and every session (and the
# processes the sessions run) get SIGKILL at once.
sshd_kill () {
	sk_pid=
	eval "sk_pid=\${sshd_pid_$1-}"
	test -n "$sk_pid" || return 0
	# shellcheck disable=SC2046 # a list of pids
	kill -STOP "$sk_pid" $(sshd_descendants_ "$sk_pid") 2>/dev/null
	# shellcheck disable=SC2046
	kill -KILL $(sshd_descendants_ "$sk_pid") "$sk_pid" 2>/dev/null
	wait "$sk_pid" 2>/dev/null
	eval "sshd_pid_$1="
	return 0
}

# sshd_stop NAME: stop the server and its sessions.
sshd_stop () {
	sshd_kill "$1"
}

sshd_stop_all () {
	for ssa_n in $sshd_names; do
		sshd_kill "$ssa_n"
	done
}
