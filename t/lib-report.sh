# Helpers for the report tests (t4xxx), sourced after test-lib.sh.  They
# make data files by hand, so that most report tests need no ptrace.
# shellcheck shell=sh

# crc32 FILE: the CRC-32 (zlib's) of FILE as eight hex digits; gzip stores
# it, little-endian, in the trailer, and od reads it back on x86_64.
crc32 () {
	gzip -c <"$1" | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n'
}

# make_data OUT: a data file from the records on stdin (the header line
# included), sealed with its end record.
make_data () {
	cat >"$1.body" || return 1
	md_n=$(grep -c '^file ' "$1.body") || md_n=0
	md_crc=$(crc32 "$1.body") || return 1
	{ cat "$1.body" && echo "end $md_n $md_crc"; } >"$1" &&
	rm -f "$1.body"
}

# make_project: sources under $PWD/proj (src/a.c, src/b.c, lib/c.h) and
# proj.data, coverage of them with known numbers:
#   src/a.c  10 statements, 7 hit (misses 5, 8-9), functions main (hit),
#            unused (not hit)
#   src/b.c  4 statements, 4 hit
#   lib/c.h  2 statements, 0 hit
make_project () {
	mkdir -p proj/src proj/lib &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		echo "	line $i;"
	done >proj/src/a.c &&
	printf 'x\ny\nz\nw\n' >proj/src/b.c &&
	printf '<a & b>\n"c"\n' >proj/lib/c.h &&
	P=$(pwd -P)/proj &&
	PE=$(printf '%s' "$P" | sed 's/%/%25/g; s/ /%20/g; s/=/%3D/g') &&
	make_data proj.data <<-EOF
	covtrace-data 2
	run host=h1 platform=linux%20x86_64 cwd=$PE start=1700000000 duration=1.5 status=0 command=./t
	module 0a0b $PE/t
	file $PE/lib/c.h
	modules 0
	lines 1-2
	hit -
	file $PE/src/a.c
	modules 0
	lines 1-10
	hit 1-4,6-7,10
	function 1 1 main
	function 8 0 unused
	file $PE/src/b.c
	modules 0
	lines 1-4
	hit 1-4
	function 1 1 b%3Cx%3E
	EOF
}

# report_in_proj ARGS...: covtrace report on proj.data from inside proj/.
report_in_proj () {
	(cd proj && "$COVTRACE" report --data-file=../proj.data "$@")
}

test_lazy_prereq GZIP '
	printf 123456789 >nine &&
	test "$(crc32 nine)" = cbf43926
'

test_lazy_prereq LCOV '
	lcov --version && genhtml --version
'

test_lazy_prereq XMLLINT '
	xmllint --version
'

test_lazy_prereq JQ '
	echo "{\"a\":1}" | jq -e ".a == 1"
'
