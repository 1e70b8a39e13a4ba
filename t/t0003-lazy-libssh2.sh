#!/bin/sh
test_description='libssh2 is loaded only for ssh= workers

covtrace is not linked with libssh2: dispatch/ssh-lib.c loads it with
dlopen() when the first SSH connection is made.  For a run without ssh=
workers, covtrace loads neither it nor the libcrypto it needs; an ssh=
worker loads it, and a libssh2 that cannot be loaded is one clear error.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

: "${LIBSSH2_SONAME:=libssh2.so.1}"

test_expect_success LD_DEBUG '--version loads neither libssh2 nor libcrypto' '
	ld_files files "$COVTRACE" --version >out &&
	test_grep "file=libelf\." files &&
	test_grep -v "=libssh2\." files &&
	test_grep -v "=libcrypto\." files
'

# parent-maps copies the maps of its parent and of its grandparent.  It is
# built with -g: for a program without debug information, libdw (elfutils
# 0.188) loads libdebuginfod, and with it libcurl, libssh2 and libcrypto.
test_expect_success CC 'a program that copies the maps of its parents' '
	cat >parent-maps.c <<-\EOF &&
	#include <stdio.h>
	#include <unistd.h>

	static void
	copy(long pid, const char *to)
	{
		char path[64], line[4096];
		FILE *in, *out;

		snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
		if ((in = fopen(path, "r")) == NULL)
			return;
		if ((out = fopen(to, "w")) != NULL) {
			while (fgets(line, sizeof(line), in) != NULL)
				fputs(line, out);
			fclose(out);
		}
		fclose(in);
	}

	int
	main(void)
	{
		char path[64], line[256];
		long grandparent = 0;
		FILE *f;

		copy((long)getppid(), "parent.maps");
		snprintf(path, sizeof(path), "/proc/%ld/status", (long)getppid());
		if ((f = fopen(path, "r")) == NULL)
			return 1;
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "PPid: %ld", &grandparent) == 1)
				break;
		fclose(f);
		copy(grandparent, "grandparent.maps");
		return 0;
	}
	EOF
	build_fixture parent-maps O0
'

# no_libssh2 MAPS: MAPS is the maps of a covtrace without libssh2 (the
# trash directory's name has "libssh2" in it too).
no_libssh2 () {
	test_grep "/libelf[.-]" "$1" &&
	test_grep -v "/libssh2\." "$1" &&
	test_grep -v "/libcrypto\." "$1"
}

# The traced command is covtrace's child.
test_expect_success PTRACE 'a traced run maps neither libssh2 nor libcrypto' '
	rm -f parent.maps &&
	"$COVTRACE" --cov-report= -- "./$fixture_bin" &&
	no_libssh2 parent.maps
'

# A job's parent is its worker, whose parent is the dispatcher.
test_expect_success PTRACE 'a run on popen workers maps no libssh2' '
	rm -f parent.maps grandparent.maps &&
	"$COVTRACE" --cov-report= -n 1 "./$fixture_bin" 2>err &&
	test_grep "1 passed" err &&
	no_libssh2 parent.maps &&
	no_libssh2 grandparent.maps
'

# Nothing listens on port 1: the connection fails after libssh2 is loaded
# (by covtrace, or by libasan's dlopen() in a sanitizer build).
test_expect_success LD_DEBUG 'an ssh= worker loads libssh2' '
	test_expect_code 1 ld_files files "$COVTRACE" --cov-report= \
	    --tx ssh=127.0.0.1:1 -- /bin/true 2>err &&
	test_grep "cannot connect to 127.0.0.1 port 1" err &&
	test_grep "file=$LIBSSH2_SONAME .*dynamically loaded by " files
'

# The dynamic linker takes the first file of the name that it finds in
# LD_LIBRARY_PATH, even when it is not a library.
test_expect_success 'a libssh2 that cannot be loaded is a clear error' '
	mkdir -p badlib &&
	: >"badlib/$LIBSSH2_SONAME" &&
	test_expect_code 1 env LD_LIBRARY_PATH="$PWD/badlib" "$COVTRACE" \
	    --cov-report= --tx ssh=127.0.0.1:1 -- /bin/true 2>err &&
	test_grep "^covtrace: cannot load $LIBSSH2_SONAME: .*/badlib/" err &&
	test_grep "cannot start worker gw0" err &&
	test_grep -v "cannot connect" err
'

test_done
