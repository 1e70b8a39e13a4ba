#!/bin/sh
test_description='report and combine on bad data files

Truncated, corrupted, wrong-version and foreign files, a directory and a
FIFO: one line naming the file and what is wrong, exit status 1, never a
crash or a hang; combine then changes nothing.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-report.sh
. "$TEST_SRCDIR/lib-report.sh"

# refused FILE PATTERN: report and combine both refuse FILE in one line
# that names it and matches PATTERN.
refused () {
	for cmd in report combine; do
		if test "$cmd" = report; then
			run_timeout "$COVTRACE" report --data-file="$1" \
			    >out 2>err
		else
			run_timeout "$COVTRACE" combine --keep \
			    --data-file=combined.data good.data "$1" >out 2>err
		fi
		status=$?
		if test "$status" != 1; then
			echo "$cmd on '$1' exited $status, expected 1" >&2
			cat err >&2
			return 1
		fi
		test_must_be_empty out &&
		test_line_count -eq 1 err &&
		test_grep -F "'$1'" err &&
		test_grep -e "$2" err || return 1
	done
	test_path_is_missing combined.data
}

test_expect_success GZIP 'set up a good data file' '
	make_data good.data <<-\EOF &&
	covtrace-data 2
	run host=h platform=p cwd=/ start=1 duration=1 status=0 command=x
	module - /x
	file /a.c
	modules 0
	lines 1-3
	hit 1
	function 1 1 main
	EOF
	"$COVTRACE" report --data-file=good.data 2>err &&
	test_grep "^/a.c  *3  *2  *33%$" err
'

test_expect_success GZIP 'a truncated file' '
	head -c 60 good.data >cut.data &&
	refused cut.data "truncated"
'

test_expect_success GZIP 'a file cut at every byte is refused in one line' '
	n=$(wc -c <good.data) &&
	i=0 &&
	while test $i -lt "$n"; do
		head -c $i good.data >cut.data &&
		test_expect_code 1 "$COVTRACE" report --data-file=cut.data \
		    2>err &&
		test_line_count -eq 1 err || return 1
		i=$((i + 1))
	done
'

test_expect_success GZIP 'a changed byte fails the checksum' '
	sed "s/^lines 1-3$/lines 1-4/" good.data >bad.data &&
	refused bad.data "checksum mismatch"
'

test_expect_success GZIP 'a damaged record with a valid checksum' '
	make_data bad.data <<-\EOF &&
	covtrace-data 2
	file /a.c
	modules -
	lines 3-1
	hit -
	EOF
	refused bad.data "line 4: bad line range .3-1."
'

test_expect_success GZIP 'another version' '
	sed "1s/.*/covtrace-data 4/" good.data >v4.data &&
	refused v4.data "unsupported data file version 4"
'

test_expect_success GZIP 'a version 1 file with version 2 records' '
	sed -e 1d -e "\$d" good.data >body &&
	{ echo "covtrace-data 1"; cat body; } | make_data v1.data &&
	refused v1.data "function records need data file version 2"
'

test_expect_success 'foreign files: text, an ELF binary, an empty file' '
	echo "hello" >text.data &&
	refused text.data "is not a covtrace data file" &&
	cp "$COVTRACE" elf.data &&
	refused elf.data "is not a covtrace data file" &&
	: >empty.data &&
	refused empty.data "is not a covtrace data file"
'

test_expect_success 'a missing file and a directory' '
	refused missing.data "no such file" &&
	mkdir dir.data &&
	run_timeout "$COVTRACE" report --data-file=dir.data 2>err;
	test $? = 1 &&
	test_line_count -eq 1 err &&
	test_grep "dir.data" err
'

test_expect_success 'a FIFO is refused, not waited on' '
	mkfifo fifo.data &&
	run_timeout "$COVTRACE" report --data-file=fifo.data 2>err;
	test $? = 1 &&
	test_line_count -eq 1 err &&
	test_grep "fifo.data.: it is not a regular file" err
'

test_expect_success GZIP 'random bytes after a valid header' '
	{ echo "covtrace-data 2"; head -c 3000 "$COVTRACE"; } >noise.data &&
	refused noise.data "noise.data"
'

test_expect_success GZIP 'combine leaves everything as it was when one input is bad' '
	part_ok () {
		make_data "$1" <<-\EOF
		covtrace-data 2
		file /b.c
		modules -
		lines 1
		hit 1
		EOF
	} &&
	part_ok .covtrace.h.1.aaaaaa &&
	cp good.data .covtrace &&
	echo junk >.covtrace.h.2.bbbbbb &&
	test_expect_code 1 "$COVTRACE" combine 2>err &&
	test_grep "covtrace: .\.covtrace\.h\.2\.bbbbbb. is not a covtrace data file" err &&
	test_cmp good.data .covtrace &&
	test_path_is_file .covtrace.h.1.aaaaaa &&
	test_path_is_file .covtrace.h.2.bbbbbb
'

test_done
