#!/bin/sh
test_description='libdw is loaded only to decode a line table

covtrace is not linked with libdw: dwarf/dw-lib.c loads it with dlopen()
when a line table has to be decoded, on a cold line-table cache or with
--no-cache.  --version and a traced run on a warm cache load neither it nor
the liblzma and libbz2 it needs; a libdw that cannot be loaded is one clear
error, the program still runs, and nothing is cached for it.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

: "${LIBDW_SONAME:=libdw.so.1}"
# debuginfod could give any file debug information: then no file's "no
# line information" is cached, and every run decodes (doc/DESIGN.md).
unset DEBUGINFOD_URLS

# no_libdw FILE: FILE (a list of loaded files or a maps file) names libelf
# but neither libdw nor the compression libraries only libdw needs.  The
# trash directory's name has "libdw" in it too.
no_libdw () {
	test_grep "libelf[.-]" "$1" &&
	test_grep -v "[=/]libdw[.-]" "$1" &&
	test_grep -v "[=/]liblzma\." "$1" &&
	test_grep -v "[=/]libbz2\." "$1"
}

test_expect_success LD_DEBUG '--version does not load libdw' '
	ld_files files "$COVTRACE" --version >out &&
	no_libdw files
'

test_expect_success CC 'a -g program that copies the maps of its parent' '
	cat >parent-maps.c <<-\EOF &&
	#include <stdio.h>
	#include <unistd.h>

	int
	main(void)
	{
		char path[64], line[4096];
		FILE *in, *out;

		snprintf(path, sizeof(path), "/proc/%ld/maps", (long)getppid());
		if ((in = fopen(path, "r")) == NULL)
			return 1;
		if ((out = fopen("parent.maps", "w")) == NULL)
			return 1;
		while (fgets(line, sizeof(line), in) != NULL)
			fputs(line, out);
		fclose(out);
		fclose(in);
		return 0;
	}
	EOF
	build_fixture parent-maps O0 &&
	maps_bin=$fixture_bin
'

# The traced command is covtrace's child, and runs after the line table of
# its own image was loaded.
test_expect_success PTRACE 'a run on a cold cache maps libdw' '
	rm -rf .cache parent.maps &&
	"$COVTRACE" --cov-report= -- "./$maps_bin" &&
	test_grep "/libdw[.-]" parent.maps &&
	ls .cache/covtrace/*.lt
'

test_expect_success PTRACE 'a run on a warm cache maps no libdw' '
	rm -f parent.maps &&
	"$COVTRACE" --cov-report= -- "./$maps_bin" &&
	no_libdw parent.maps
'

test_expect_success PTRACE '--no-cache maps libdw' '
	rm -f parent.maps &&
	"$COVTRACE" --no-cache --cov-report= -- "./$maps_bin" &&
	test_grep "/libdw[.-]" parent.maps
'

test_expect_success PTRACE 'a cold run loads libdw and finds the lines' '
	build_fixture basic O0 &&
	rm -rf .cache &&
	test_expect_code 3 ld_files files "$COVTRACE" --data-file=cold.data \
	    --cov-report= -- "./$fixture_bin" >out &&
	test_grep "file=$LIBDW_SONAME .*dynamically loaded by " files &&
	check_fixture O0 basic.c cold.data
'

test_expect_success PTRACE 'a warm run loads no libdw and finds the same lines' '
	test_expect_code 3 ld_files files "$COVTRACE" --data-file=warm.data \
	    --cov-report= -- "./$fixture_bin" >out &&
	no_libdw files &&
	check_fixture O0 basic.c warm.data &&
	data_records cold.data >cold.records &&
	data_records warm.data >warm.records &&
	test_cmp cold.records warm.records
'

# The dynamic linker takes the first file of the name that it finds in
# LD_LIBRARY_PATH, even when it is not a library.
test_expect_success PTRACE 'a libdw that cannot be loaded is one clear error' '
	mkdir -p badlib &&
	: >"badlib/$LIBDW_SONAME" &&
	rm -rf .cache &&
	test_expect_code 3 env LD_LIBRARY_PATH="$PWD/badlib" "$COVTRACE" \
	    --data-file=bad.data --cov-report= -- "./$fixture_bin" >out 2>err &&
	test_grep "^total 10$" out &&
	test_grep "^covtrace: cannot load $LIBDW_SONAME: .*/badlib/" err &&
	test "$(grep -c "cannot load" err)" = 1
'

test_expect_success PTRACE 'nothing is cached when libdw cannot be loaded' '
	! ls .cache/covtrace/*.lt &&
	test_expect_code 3 "$COVTRACE" --data-file=after.data --cov-report= \
	    -- "./$fixture_bin" >out &&
	check_fixture O0 basic.c after.data
'

test_done
