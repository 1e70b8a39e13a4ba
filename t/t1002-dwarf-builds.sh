#!/bin/sh
# Every kind of build: static, static-pie, -O3, -flto, clang, DWARF 4,
# split DWARF, compressed debug sections, and debug info kept in a
# separate file found through .gnu_debuglink or the build-id directory.

test_description='kinds of builds and where the debug info lives'
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

test_lazy_prereq STATIC '
	printf "int main(void) { return 0; }\n" >st.c &&
	$CC -static -o st st.c 2>/dev/null && ./st
'
test_lazy_prereq STATIC_PIE '
	printf "int main(void) { return 0; }\n" >sp.c &&
	$CC -static-pie -o sp sp.c 2>/dev/null && ./sp
'
test_lazy_prereq LTO '
	printf "int main(void) { return 0; }\n" >lto.c &&
	$CC -O2 -flto -o lto lto.c 2>/dev/null && ./lto
'
test_lazy_prereq CLANG 'command -v clang >/dev/null'
test_lazy_prereq BUILD_ID_DIR '
	test -w /usr/lib/debug 2>/dev/null ||
	{ mkdir -p /usr/lib/debug/.build-id 2>/dev/null && test -w /usr/lib/debug; }
'

cp "$TEST_SRCDIR/fixtures/basic.c" . || exit 1

# variant NAME PREREQ CC-AND-FLAGS...: build basic.c, trace it, check it.
variant () {
	v_name=$1 v_prereq=$2
	shift 2
	test_expect_success "$v_prereq" "build: $v_name" '
		'"$*"' -o basic-'"$v_name"' basic.c
	'
	test_expect_success "$v_prereq" "$v_name: exit status passes through" '
		trace_fixture --data='"$v_name"'.data 3 ./basic-'"$v_name"'
	'
	test_expect_success "$v_prereq" "$v_name: lines hit and missed" '
		check_hits basic.c '"$v_name"'.data
	'
}

variant static "PTRACE,STATIC" '$CC -g -O0 -static'
variant static-pie "PTRACE,STATIC_PIE" '$CC -g -O0 -static-pie'
variant O3 PTRACE '$CC -g -O3'
variant lto "PTRACE,LTO" '$CC -g -O2 -flto'
variant dwarf4 PTRACE '$CC -g -gdwarf-4 -O0'
variant split-dwarf PTRACE '$CC -g -gsplit-dwarf -O0'
variant compressed PTRACE '$CC -g -gz -O0'
variant clang-O0 "PTRACE,CLANG" 'clang -g -O0'
variant clang-O2 "PTRACE,CLANG" 'clang -g -O2'

test_expect_success PTRACE 'debug info in a separate file named by .gnu_debuglink' '
	$CC -g -O0 -o dl basic.c &&
	objcopy --only-keep-debug dl dl.debug &&
	strip -g dl &&
	objcopy --add-gnu-debuglink=dl.debug dl &&
	trace_fixture --data=debuglink.data 3 ./dl &&
	check_hits basic.c debuglink.data
'

test_expect_success PTRACE,BUILD_ID_DIR 'debug info in /usr/lib/debug/.build-id' '
	$CC -g -O0 -Wl,--build-id -o bid basic.c &&
	id=$(readelf -n bid | sed -n "s/.*Build ID: *//p") &&
	test -n "$id" &&
	dir=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2) &&
	mkdir -p "$dir" &&
	file=$dir/$(echo "$id" | cut -c3-).debug &&
	objcopy --only-keep-debug bid "$file" &&
	strip -g bid &&
	trace_fixture --data=buildid.data 3 ./bid;
	status=$?
	rm -f "$file"
	test $status = 0 &&
	check_hits basic.c buildid.data
'

test_expect_success PTRACE 'a stripped program with no debug info anywhere: one warning' '
	$CC -O0 -o nodebug basic.c &&
	strip nodebug &&
	test_expect_code 3 "$COVTRACE" --cov-report= --data-file=nd.data -- ./nodebug >out 2>err &&
	test_line_count -eq 1 err &&
	test_grep "no line information in" err
'

test_done
