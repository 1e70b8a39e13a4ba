# covtrace test library: TAP output in the spirit of git's t/test-lib.sh.
# shellcheck shell=sh
#
# A test script sets test_description, sources this file, calls
# test_expect_success for each claim and ends with test_done:
#
#	test_description='what this script checks'
#	. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
#	test_expect_success PTRACE 'exit status passes through' '
#		build_fixture basic O0 pie &&
#		trace_fixture 3 ./basic-O0-pie
#	'
#	test_done
#
# Each script runs in its own trash directory, $TEST_BUILDDIR/trash-<name>,
# removed when every test passed and kept for inspection otherwise.
#
# Options: -v/--verbose shows the output of the test bodies (the default when
# stdout is not a terminal, e.g. under `make check`, where it lands in the
# .log file); -q/--quiet hides it; -i/--immediate stops at the first failure;
# -d/--debug keeps the trash directory.
#
# Environment (set by t/local.mk; defaults suit an in-tree build):
#	COVTRACE	the covtrace binary under test
#	TEST_SRCDIR	the t/ source directory (fixtures, helper)
#	TEST_BUILDDIR	the t/ build directory (trash directories go here)
#	TOP_SRCDIR, TOP_BUILDDIR, CC, AWK, GCOV, TEST_TIMEOUT (seconds)

# Environment.
if test -z "${TEST_SRCDIR:-}"; then
	TEST_SRCDIR=$(cd "$(dirname "$0")" && pwd -P) || exit 1
fi
: "${TEST_BUILDDIR:=$TEST_SRCDIR}"
: "${TOP_SRCDIR:=$TEST_SRCDIR/..}"
: "${TOP_BUILDDIR:=$TEST_BUILDDIR/..}"
: "${COVTRACE:=$TOP_BUILDDIR/covtrace}"
: "${CC:=cc}"
: "${AWK:=awk}"
: "${GCOV:=gcov}"
: "${TEST_TIMEOUT:=120}"
export TEST_SRCDIR TEST_BUILDDIR TOP_SRCDIR TOP_BUILDDIR COVTRACE CC AWK GCOV

# A predictable environment for covtrace and the fixtures.
LC_ALL=C
LANG=C
export LC_ALL LANG
unset COVTRACE_FILE CDPATH 2>/dev/null || true
umask 022
# shellcheck disable=SC3045 # dash and bash both know ulimit -c
ulimit -c 0 2>/dev/null || true

this_test=$(basename "$0" .sh)
TRASH_DIRECTORY=$TEST_BUILDDIR/trash-$this_test

# Options.
if test -t 1; then
	verbose=false
else
	verbose=true
fi
immediate=false
debug=false
for arg; do
	case $arg in
	-v | --verbose) verbose=true ;;
	-q | --quiet) verbose=false ;;
	-i | --immediate) immediate=true ;;
	-d | --debug) debug=true ;;
	-h | --help)
		echo "usage: $0 [-v|--verbose] [-q|--quiet] [-i|--immediate] [-d|--debug]"
		exit 0
		;;
	*)
		echo "$0: unknown option '$arg'" >&2
		exit 2
		;;
	esac
done

# File descriptors: 7 is the TAP stream; 3 and 4 take the test bodies'
# stdout and stderr.
exec 7>&1
if $verbose; then
	exec 3>&2 4>&2
else
	exec 3>/dev/null 4>/dev/null
fi

test_count=0
test_failed=0
test_skipped=0

BUG () {
	echo "BUG in test script $this_test: $*" >&2
	echo "Bail out! BUG in test script: $*" >&7
	exit 1
}

# say MESSAGE: a TAP comment line, shown in the log and by the driver.
say () {
	echo "# $*" >&7
}

# skip_all REASON: skip the whole script (call it before any test).
skip_all () {
	test "$test_count" -eq 0 || BUG "skip_all after $test_count test(s)"
	echo "1..0 # SKIP $*" >&7
	cd / && rm -rf "$TRASH_DIRECTORY"
	exit 0
}

rm -rf "$TRASH_DIRECTORY" || BUG "cannot remove $TRASH_DIRECTORY"
mkdir -p "$TRASH_DIRECTORY" || BUG "cannot create $TRASH_DIRECTORY"
cd -P "$TRASH_DIRECTORY" || BUG "cannot enter $TRASH_DIRECTORY"
TRASH_DIRECTORY=$(pwd -P)
HOME=$TRASH_DIRECTORY
XDG_CACHE_HOME=$TRASH_DIRECTORY/.cache
export HOME XDG_CACHE_HOME

# Prerequisites.  test_lazy_prereq NAME SCRIPT registers a check that runs
# the first time a test asks for NAME, in a scratch directory.

test_set_prereq () {
	eval "prereq_$1=yes"
}

test_lazy_prereq () {
	eval "lazy_prereq_$1=\$2"
}

# test_have_prereq A,B,!C: true when A and B hold and C does not.  Sets
# missing_prereq to the ones that failed.
test_have_prereq () {
	missing_prereq=
	thp_ok=true
	thp_list=$(echo "$1" | tr ',' ' ')
	for thp_p in $thp_list; do
		thp_neg=false
		case $thp_p in
		!*) thp_neg=true; thp_p=${thp_p#!} ;;
		esac
		eval "thp_have=\${prereq_$thp_p-}"
		if test -z "$thp_have"; then
			thp_script=
			eval "thp_script=\${lazy_prereq_$thp_p-}"
			test -n "$thp_script" || BUG "unknown prerequisite '$thp_p'"
			mkdir -p "$TRASH_DIRECTORY/.prereq-$thp_p"
			if (cd "$TRASH_DIRECTORY/.prereq-$thp_p" &&
			    eval "$thp_script") >&3 2>&4; then
				thp_have=yes
			else
				thp_have=no
			fi
			rm -rf "$TRASH_DIRECTORY/.prereq-$thp_p"
			eval "prereq_$thp_p=\$thp_have"
			say "prerequisite $thp_p: $thp_have"
		fi
		if { test "$thp_have" = yes && $thp_neg; } ||
		    { test "$thp_have" = no && ! $thp_neg; }; then
			thp_ok=false
			if $thp_neg; then
				thp_p="!$thp_p"
			fi
			missing_prereq=${missing_prereq:+$missing_prereq,}$thp_p
		fi
	done
	$thp_ok
}

test_lazy_prereq CC '
	printf "int main(void) { return 0; }\n" >probe.c &&
	$CC -o probe probe.c &&
	./probe
'

# The compiler is gcc (not clang): the -O0 line tables the fixtures are
# marked for, and the compiler gcov belongs to.
test_lazy_prereq GCC '
	test_have_prereq CC &&
	$CC -dM -E - </dev/null >macros &&
	grep "define __GNUC__" macros &&
	! grep "define __clang__" macros
'

# Can this process trace a child (no seccomp filter, no Yama scope 3, not in
# a container that forbids it)?  The probe does not use covtrace, so that a
# broken covtrace fails the tests instead of skipping them.
test_lazy_prereq PTRACE '
	scope=0 &&
	if test -r /proc/sys/kernel/yama/ptrace_scope; then
		scope=$(cat /proc/sys/kernel/yama/ptrace_scope)
	fi &&
	test "$scope" != 3 &&
	test_have_prereq CC &&
	$CC -o ptrace-probe "$TEST_SRCDIR/fixtures/ptrace-probe.c" &&
	./ptrace-probe
'

test_lazy_prereq GCOV '
	test_have_prereq GCC &&
	"$GCOV" --version &&
	printf "int main(void)\n{\n\treturn 0;\n}\n" >g.c &&
	$CC --coverage -O0 -c g.c -o g.o &&
	$CC --coverage g.o -o g &&
	./g &&
	"$GCOV" g.c &&
	grep "^ *1: *3:" g.c.gcov
'

# env can reset signal dispositions (coreutils 8.31): background jobs of a
# non-interactive shell start with SIGINT and SIGQUIT ignored.
test_lazy_prereq DEFAULT_SIGNAL '
	env --default-signal=INT,TERM,HUP true
'

test_lazy_prereq TIMEOUT '
	timeout 5 true
'

# glibc's dynamic linker logs the files it loads.
test_lazy_prereq LD_DEBUG '
	LD_DEBUG=files LD_DEBUG_OUTPUT="$PWD/ld" "$COVTRACE" --version &&
	cat ld.* | grep "file=libc\."
'

# ld_files FILE CMD...: run CMD with the dynamic linker's list of the files
# it loads, for CMD and everything CMD starts, in FILE (needs LD_DEBUG).
ld_files () {
	ldf_out=$1
	shift
	rm -rf ld &&
	mkdir ld &&
	LD_DEBUG=files LD_DEBUG_OUTPUT="$PWD/ld/ld" "$@"
	ldf_status=$?
	cat ld/ld.* >"$ldf_out" &&
	return "$ldf_status"
}

# Running tests.

test_eval_inner_ () {
	eval "$1"
}

test_eval_ () {
	# Run in this shell so that variables carry over between tests; the
	# working directory does not.  A body may end early with "return 1".
	test_eval_inner_ "$1" >&3 2>&4
	te_status=$?
	cd "$TRASH_DIRECTORY" || BUG "cannot return to $TRASH_DIRECTORY"
	return $te_status
}

# test_expect_success [PREREQ] NAME BODY
test_expect_success () {
	if test $# -eq 3; then
		tes_prereq=$1
		shift
	else
		tes_prereq=
	fi
	test $# -eq 2 || BUG "test_expect_success needs 2 or 3 arguments"
	test_count=$((test_count + 1))
	if test -n "$tes_prereq" && ! test_have_prereq "$tes_prereq"; then
		test_skipped=$((test_skipped + 1))
		echo "ok $test_count # skip $1 (missing $missing_prereq)" >&7
		return 0
	fi
	echo "=== test $test_count: $1" >&4
	if test_eval_ "$2"; then
		echo "ok $test_count - $1" >&7
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1" >&7
		printf '%s\n' "$2" | sed 's/^/#	/' >&7
		if $immediate; then
			test_done
		fi
	fi
}

# test_done: print the plan, clean up, exit 0 when every test passed.
test_done () {
	echo "1..$test_count" >&7
	cd "$TEST_BUILDDIR" || exit 1
	if test "$test_failed" -eq 0; then
		if test "$test_skipped" -gt 0; then
			say "passed all $((test_count - test_skipped)) test(s), skipped $test_skipped"
		else
			say "passed all $test_count test(s)"
		fi
		$debug || rm -rf "$TRASH_DIRECTORY"
		exit 0
	fi
	say "failed $test_failed among $test_count test(s); kept $TRASH_DIRECTORY"
	exit 1
}

# Assertions.  Each prints why it failed on stderr (the log).

# test_cmp EXPECTED ACTUAL
test_cmp () {
	diff -u "$1" "$2"
}

# test_must_be_empty FILE
test_must_be_empty () {
	if test -s "$1"; then
		echo "'$1' is not empty; it contains:" >&2
		cat "$1" >&2
		return 1
	fi
}

# test_line_count OP N FILE, e.g. test_line_count -eq 1 err
test_line_count () {
	tlc_n=$(wc -l <"$3")
	tlc_n=$((tlc_n + 0))
	if ! test "$tlc_n" "$1" "$2"; then
		echo "'$3' has $tlc_n line(s), expected $1 $2; it contains:" >&2
		cat "$3" >&2
		return 1
	fi
}

test_path_is_file () {
	if ! test -f "$1"; then
		echo "file '$1' does not exist" >&2
		return 1
	fi
}

test_path_is_missing () {
	if test -e "$1"; then
		echo "'$1' exists but should not" >&2
		ls -la "$1" >&2
		return 1
	fi
}

# test_grep [-v] [GREP OPTIONS] PATTERN FILE: grep that shows the file when
# the pattern is (or, with -v, is not) missing.
test_grep () {
	tg_file=
	if test "$1" = -v; then
		shift
		if ! grep "$@" >/dev/null; then
			return 0
		fi
		eval "tg_file=\${$#}"
		echo "unexpected match for '$*' in '$tg_file':" >&2
	else
		if grep "$@" >/dev/null; then
			return 0
		fi
		eval "tg_file=\${$#}"
		echo "no match for '$*' in '$tg_file':" >&2
	fi
	cat "$tg_file" >&2
	return 1
}

# run_timeout CMD...: CMD with a time limit (TEST_TIMEOUT seconds) when
# timeout(1) exists; exit status 124 on timeout.
run_timeout () {
	if test_have_prereq TIMEOUT; then
		timeout -k 5 "$TEST_TIMEOUT" "$@"
	else
		"$@"
	fi
}

# test_expect_code STATUS CMD...: CMD exits with STATUS.
test_expect_code () {
	tec_want=$1
	shift
	"$@"
	tec_got=$?
	if test "$tec_got" != "$tec_want"; then
		echo "'$*' exited $tec_got, expected $tec_want" >&2
		return 1
	fi
}

# Fixtures.

# build_fixture NAME OPTLEVEL [pie|nopie] [CFLAGS...]: compile
# $TEST_SRCDIR/fixtures/NAME.c (or ./NAME.c when a test generated it) with
# -g into ./NAME-OPTLEVEL-pie (or -nopie), e.g. ./basic-O2-nopie.  Sets
# fixture_bin to that name.  Fixtures are never sanitized: only $CC and -g.
build_fixture () {
	test $# -ge 2 || BUG "build_fixture NAME OPTLEVEL [pie|nopie] [CFLAGS]"
	bf_name=$1
	bf_opt=${2#-}
	shift 2
	bf_pie=pie
	if test $# -gt 0; then
		bf_pie=$1
		shift
	fi
	case $bf_opt in
	O*) ;;
	*) bf_opt=O$bf_opt ;;
	esac
	case $bf_pie in
	pie) bf_pieflags='-fPIE -pie' ;;
	nopie) bf_pieflags='-fno-pie -no-pie' ;;
	*) BUG "build_fixture: '$bf_pie' is neither pie nor nopie" ;;
	esac
	if ! test -f "$bf_name.c"; then
		cp "$TEST_SRCDIR/fixtures/$bf_name.c" "$bf_name.c" || return 1
		chmod u+w "$bf_name.c"
	fi
	fixture_bin=$bf_name-$bf_opt-$bf_pie
	# shellcheck disable=SC2086 # $CC and $bf_pieflags are word lists
	$CC -g -"$bf_opt" $bf_pieflags "$@" -o "$fixture_bin" "$bf_name.c" \
	    -pthread
}

# check_hits [--strict|--dump] SOURCE DATAFILE: t/helper/check-hits.
check_hits () {
	"${SHELL_PATH:-/bin/sh}" "$TEST_SRCDIR/helper/check-hits" "$@"
}

# check_fixture OPTLEVEL SOURCE DATAFILE: check-hits, strict for gcc -O0.
check_fixture () {
	cf_opt=$1
	shift
	if test "$cf_opt" = O0 && test_have_prereq GCC; then
		check_hits --strict "$@"
	else
		check_hits "$@"
	fi
}

# trace_fixture [--data=FILE] [--covtrace-opt=OPT]... STATUS CMD [ARG]...:
# run CMD untraced, then under covtrace, and check that both exit with
# STATUS (128+N for signal N).  The traced run saves its data to FILE
# (default: the base name of CMD with .data) and leaves CMD's stdout and
# stderr in FILE's stem .out and .err, the untraced run's in .out.untraced
# and .err.untraced.
trace_fixture () {
	tf_data=
	tf_opts=
	while :; do
		case $1 in
		--data=*) tf_data=${1#--data=} ;;
		--covtrace-opt=*) tf_opts="$tf_opts ${1#--covtrace-opt=}" ;;
		*) break ;;
		esac
		shift
	done
	tf_want=$1
	shift
	test -n "$tf_data" || tf_data=$(basename "$1").data
	tf_stem=${tf_data%.data}
	run_timeout "$@" >"$tf_stem.out.untraced" 2>"$tf_stem.err.untraced"
	tf_got=$?
	if test "$tf_got" != "$tf_want"; then
		echo "untraced '$*' exited $tf_got, expected $tf_want:" \
		    "the fixture is broken" >&2
		cat "$tf_stem.err.untraced" >&2
		return 1
	fi
	rm -f "$tf_data"
	# shellcheck disable=SC2086 # tf_opts is a word list
	run_timeout "$COVTRACE" $tf_opts --data-file="$tf_data" \
	    --cov-report=term-missing -- "$@" >"$tf_stem.out" 2>"$tf_stem.err"
	tf_got=$?
	cat "$tf_stem.err" >&2
	if test "$tf_got" != "$tf_want"; then
		echo "covtrace -- $* exited $tf_got; untraced it exits" \
		    "$tf_want" >&2
		return 1
	fi
	if ! test -f "$tf_data"; then
		echo "covtrace -- $* saved no data file '$tf_data'" >&2
		return 1
	fi
}

# data_records FILE: the data file without its run and end records (those
# hold times and a checksum), for comparing the coverage of two runs.
data_records () {
	grep -v -e '^run ' -e '^end ' "$1"
}

# wait_for_file FILE [SECONDS]: poll until FILE exists.
wait_for_file () {
	wff_n=$((${2:-20} * 10))
	while ! test -e "$1"; do
		wff_n=$((wff_n - 1))
		if test "$wff_n" -le 0; then
			echo "timed out waiting for '$1'" >&2
			return 1
		fi
		sleep 0.1
	done
}
