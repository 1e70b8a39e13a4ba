#!/bin/sh
test_description='end to end: the line-table cache

Entries appear under $XDG_CACHE_HOME/covtrace (else ~/.cache/covtrace); a
second run uses them unchanged with the same results; a truncated, garbled
or emptied entry is detected and rebuilt, with the same results; concurrent
runs do not corrupt the cache; a program without line information is cached
as such until debug information for it appears; --no-cache writes nothing.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# snapshot DIR: inode, size and checksum of every file under DIR.
snapshot () {
	find "$1" -type f | sort | while read -r sn_f; do
		printf "%s %s %s\n" "$sn_f" "$(stat -c %i "$sn_f")" \
		    "$(cksum <"$sn_f")"
	done
}

# garble FILE OFFSET: overwrite 8 bytes of FILE at OFFSET so that they
# differ from what was there.
garble () {
	cp "$1" garble.before &&
	printf "XXXXXXXX" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null &&
	if cmp -s "$1" garble.before; then
		printf "YYYYYYYY" |
		    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
	fi &&
	! cmp -s "$1" garble.before
}

# run_basic DATAFILE: trace the fixture, which exits 3.
run_basic () {
	test_expect_code 3 "$COVTRACE" --data-file="$1" -- ./basic-O0-pie \
	    >/dev/null 2>"$1.err" || { cat "$1.err" >&2; return 1; }
}

# same_coverage A B: two data files hold the same coverage.
same_coverage () {
	data_records "$1" >"$1.records" &&
	data_records "$2" >"$2.records" &&
	test_cmp "$1.records" "$2.records"
}

test_expect_success CC 'build the fixture' '
	build_fixture basic O0 pie
'

test_expect_success PTRACE 'a first run fills the cache under $XDG_CACHE_HOME/covtrace' '
	XDG_CACHE_HOME=$PWD/cache &&
	export XDG_CACHE_HOME &&
	run_basic first.data &&
	check_hits basic.c first.data &&
	find cache/covtrace -type f >entries &&
	test_line_count -ge 1 entries &&
	cp -R cache pristine
'

test_expect_success PTRACE 'a second run uses the entries unchanged, same results' '
	snapshot cache >before &&
	run_basic second.data &&
	snapshot cache >after &&
	test_cmp before after &&
	same_coverage first.data second.data
'

test_expect_success PTRACE 'the cache lives in ~/.cache/covtrace without $XDG_CACHE_HOME' '
	mkdir home &&
	(
		HOME=$PWD/home &&
		unset XDG_CACHE_HOME &&
		run_basic home.data
	) &&
	find home/.cache/covtrace -type f >home-entries &&
	test_line_count -ge 1 home-entries &&
	same_coverage first.data home.data
'

# Each damage to each entry: restore the pristine cache, damage one entry,
# run, and expect the first run's results.  The entry of a measured program
# (named by a build-id of a module record) must also be rebuilt; an entry of
# a program with nothing selected (libc) may be left alone as long as it is
# not trusted, which the unchanged results show.
n=0
for damage in truncate-half truncate-one empty garble-start garble-middle \
    garble-end append
do
	test_expect_success PTRACE "an entry damaged by $damage is detected and rebuilt" '
		: >failures &&
		grep "^module " first.data | cut -d" " -f2 >measured &&
		while read -r entry; do
			n=$((n + 1)) &&
			rm -rf cache &&
			cp -R pristine cache &&
			size=$(wc -c <"$entry") &&
			case $damage in
			truncate-half)
				head -c $((size / 2)) "pristine/${entry#cache/}" >"$entry" ;;
			truncate-one)
				head -c $((size - 1)) "pristine/${entry#cache/}" >"$entry" ;;
			empty)
				: >"$entry" ;;
			garble-start)
				garble "$entry" 0 ;;
			garble-middle)
				garble "$entry" $((size / 2)) ;;
			garble-end)
				garble "$entry" $((size > 8 ? size - 8 : 0)) ;;
			append)
				echo junk >>"$entry" ;;
			esac &&
			cp "$entry" damaged.$n &&
			if ! run_basic damaged-$n.data; then
				echo "$entry ($damage): covtrace failed" >>failures
			elif ! same_coverage first.data damaged-$n.data; then
				echo "$entry ($damage): other results" >>failures
			elif ! cmp -s "$entry" damaged.$n; then
				: rebuilt
			elif grep -q "^$(basename "$entry" | cut -c1-40)" measured
			then
				echo "$entry ($damage): not rebuilt" >>failures
			else
				say "$damage: $entry left as it was; results unchanged"
			fi
		done <entries &&
		test_must_be_empty failures
	'
done

test_expect_success PTRACE 'a rebuilt cache is used again' '
	snapshot cache >before &&
	run_basic rebuilt.data &&
	snapshot cache >after &&
	test_cmp before after &&
	same_coverage first.data rebuilt.data
'

test_expect_success PTRACE 'concurrent runs on an empty cache agree and leave it sound' '
	rm -rf cache &&
	for i in 1 2 3 4 5 6; do
		run_basic concurrent-$i.data &
	done &&
	wait &&
	for i in 1 2 3 4 5 6; do
		same_coverage first.data concurrent-$i.data || return 1
	done &&
	snapshot cache >before &&
	run_basic after-concurrent.data &&
	snapshot cache >after &&
	test_cmp before after &&
	same_coverage first.data after-concurrent.data
'

# build_id FILE: the build-id of FILE, in hex.
build_id () {
	LC_ALL=C readelf -n "$1" | sed -n "s/^ *Build ID: //p"
}

test_expect_success CC 'strip copies of the fixture, keeping its build-id' '
	objcopy --only-keep-debug basic-O0-pie basic.debug &&
	objcopy --strip-debug basic-O0-pie stripped &&
	objcopy --strip-debug --add-gnu-debuglink=basic.debug basic-O0-pie \
	    linked &&
	id=$(build_id basic-O0-pie) &&
	test -n "$id" &&
	test "$(build_id stripped)" = "$id" &&
	test "$(build_id linked)" = "$id"
'

# run_none PROGRAM DATAFILE: trace PROGRAM (the fixture, which exits 3)
# and see it warned of having no line information.
run_none () {
	test_expect_code 3 "$COVTRACE" -vv --data-file="$2" -- "./$1" \
	    >/dev/null 2>"$2.err" &&
	test_grep "no line information in .*/$1." "$2.err"
}

test_expect_success PTRACE 'a program without line information is cached as such' '
	XDG_CACHE_HOME=$PWD/none-cache &&
	run_none stripped none1.data &&
	test_path_is_file "none-cache/covtrace/$id.lt" &&
	snapshot none-cache >before &&
	run_none stripped none2.data &&
	test_grep "cache hit for $id" none2.data.err &&
	snapshot none-cache >after &&
	test_cmp before after
'

test_expect_success PTRACE 'that entry does not hide the same build-id with debug information' '
	XDG_CACHE_HOME=$PWD/none-cache &&
	run_basic unstripped.data &&
	same_coverage first.data unstripped.data
'

test_expect_success PTRACE 'nor a separate debug file that appears later' '
	XDG_CACHE_HOME=$PWD/link-cache &&
	mv basic.debug basic.debug.away &&
	run_none linked linked1.data &&
	test_path_is_file "link-cache/covtrace/$id.lt" &&
	mv basic.debug.away basic.debug &&
	test_expect_code 3 "$COVTRACE" --data-file=linked2.data -- ./linked \
	    >/dev/null 2>linked2.err &&
	test_grep -v "no line information" linked2.err &&
	check_hits basic.c linked2.data
'

test_expect_success PTRACE 'nor a debug file named after the program, without a debuglink' '
	XDG_CACHE_HOME=$PWD/named-cache &&
	run_none stripped none3.data &&
	cp basic.debug stripped.debug &&
	test_expect_code 3 "$COVTRACE" --data-file=named.data -- ./stripped \
	    >/dev/null 2>named.err &&
	rm stripped.debug &&
	test_grep -v "no line information" named.err &&
	check_hits basic.c named.data
'

test_expect_success PTRACE '--no-cache writes nothing' '
	XDG_CACHE_HOME=$PWD/nocache &&
	test_expect_code 3 "$COVTRACE" --no-cache --data-file=nocache.data \
	    -- ./basic-O0-pie >/dev/null 2>err &&
	test_path_is_missing nocache/covtrace &&
	same_coverage first.data nocache.data
'

test_expect_success PTRACE '--no-cache reads nothing: a damaged cache does not matter' '
	XDG_CACHE_HOME=$PWD/cache &&
	find cache -type f | while read -r f; do
		printf "XXXXXXXXXXXXXXXX" >"$f" || return 1
	done &&
	snapshot cache >before &&
	test_expect_code 3 "$COVTRACE" --no-cache --data-file=nocache2.data \
	    -- ./basic-O0-pie >/dev/null 2>err &&
	snapshot cache >after &&
	test_cmp before after &&
	same_coverage first.data nocache2.data
'

test_done
