#!/bin/sh
test_description='ssh: --rsyncdir over SFTP to a real OpenSSH server

dispatch/rsync.c with the SFTP destination, through t/unit/ssh-test: a tree
of 1,000 files with symbolic links and executables is copied with its
layout, modes, links and mtimes; a second copy sends nothing; changes,
deletions and --rsyncignore.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=sshd-lib.sh
. "$TEST_SRCDIR/sshd-lib.sh"

SSH_TEST=${SSH_TEST:-$TOP_BUILDDIR/t/unit/ssh-test}
sshd_setup
sshd_start host1 127.0.0.2 || BUG "cannot start sshd for host1"

# listing DIR: every entry below DIR with its type, mode, size (files),
# link target and mtime in seconds (files), sorted.
listing () {
	(cd "$1" && find . -mindepth 1 \( -type f -printf '%p f %m %s %T@\n' \) -o \
	    \( -type l -printf '%p l %l\n' \) -o \( -type d -printf '%p d %m\n' \)) |
	    sed 's/\(f [0-7]* [0-9]* [0-9]*\)\.[0-9]*$/\1/' | sort
}

test_expect_success 'a tree of 1,000 files, with links and executables' '
	mkdir -p proj &&
	for d in 0 1 2 3 4 5 6 7 8 9; do
		mkdir -p proj/d$d/sub &&
		for f in 0 1 2 3 4 5 6 7 8 9; do
			for g in 0 1 2 3 4 5 6 7 8; do
				echo "$d$f$g" >proj/d$d/f$f$g || return 1
			done &&
			echo "deep $d$f" >proj/d$d/sub/g$f || return 1
		done &&
		chmod 755 proj/d$d/f00 proj/d$d/sub/g1 &&
		chmod 600 proj/d$d/f01 &&
		ln -s f00 proj/d$d/link &&
		ln -s ../d0/sub proj/d$d/dirlink || return 1
	done &&
	echo "a space" >"proj/with space" &&
	ln -s /nonexistent/target proj/dangling &&
	touch -d "2001-02-03 04:05:06" proj/d3/f33 &&
	test "$(find proj -type f | wc -l)" = 1001
'

test_expect_success 'the first copy sends every file and link' '
	"$SSH_TEST" rsync host1 proj env1/proj >out 2>err &&
	cat out err &&
	test_grep "^sent=1001 bytes=.* links=21 " out &&
	listing proj >expect &&
	listing "$sshd_home_host1/env1/proj" >actual &&
	test_cmp expect actual &&
	test -x "$sshd_home_host1/env1/proj/d5/f00" &&
	test "$(cat "$sshd_home_host1/env1/proj/d5/sub/g1")" = "deep 51"
'

test_expect_success 'a second copy sends nothing' '
	"$SSH_TEST" rsync host1 proj env1/proj >out 2>err &&
	cat out err &&
	test_grep "^sent=0 bytes=0 links=0 dirs=0 changed=0 deleted=0 unchanged=1022$" out
'

test_expect_success 'changes: new mtime, new mode, new link target, new file' '
	echo changed >proj/d1/f10 &&
	chmod 700 proj/d2/f20 &&
	rm proj/d3/link && ln -s f01 proj/d3/link &&
	echo new >proj/d4/new &&
	"$SSH_TEST" rsync host1 proj env1/proj >out 2>err &&
	cat out err &&
	test_grep "^sent=2 bytes=12 links=1 dirs=0 changed=1 deleted=0 " out &&
	listing proj >expect &&
	listing "$sshd_home_host1/env1/proj" >actual &&
	test_cmp expect actual
'

test_expect_success 'what is deleted locally is deleted remotely, inside the tree only' '
	echo keep >"$sshd_home_host1/env1/beside" &&
	rm -r proj/d9 proj/d8/f80 &&
	"$SSH_TEST" rsync host1 proj env1/proj >out 2>err &&
	cat out err &&
	test_grep " deleted=2 " out &&
	listing proj >expect &&
	listing "$sshd_home_host1/env1/proj" >actual &&
	test_cmp expect actual &&
	test "$(cat "$sshd_home_host1/env1/beside")" = keep
'

test_expect_success '--rsyncignore: ignored files are neither sent nor deleted' '
	echo obj >proj/d0/x.o &&
	echo remote-obj >"$sshd_home_host1/env1/proj/d1/y.o" &&
	"$SSH_TEST" -i "*.o" rsync host1 proj env1/proj >out 2>err &&
	cat out err &&
	test_grep "^sent=0 " out &&
	test_path_is_missing "$sshd_home_host1/env1/proj/d0/x.o" &&
	test_path_is_file "$sshd_home_host1/env1/proj/d1/y.o"
'

test_expect_success 'a relative destination is relative to the remote home' '
	"$SSH_TEST" realpath host1 env1 >out &&
	echo "$sshd_home_host1/env1" >expect &&
	test_cmp expect out
'

test_expect_success 'an absolute destination, made with its parents' '
	rm proj/d0/x.o &&
	"$SSH_TEST" rsync host1 proj "$TRASH_DIRECTORY/abs/a/b/proj" >out &&
	listing proj >expect &&
	listing abs/a/b/proj >actual &&
	test_cmp expect actual
'

test_done
