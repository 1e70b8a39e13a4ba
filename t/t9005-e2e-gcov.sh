#!/bin/sh
test_description='end to end: covtrace against gcov

A set of fixtures is built twice: with --coverage -O0 and run untraced,
which gives gcov'"'"'s line counts, and with -g -O0 and run under covtrace.
Every line covtrace reports as run must have run per gcov, and at least
99.5% of the lines gcov reports as run, among the lines both count as
statements, must be reported as run.

Left out: fixtures that exec (gcov counts a call line only when the call
returns, so it never counts the execl line itself), that die of a signal
(no .gcda), or whose thread ends the process inside pthread_join.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# NAME:STATUS[:ARGS] -- ARGS may name @child, the child fixture of the set.
fixtures='basic:3 loop:0 recursion:0 fork:0 signals:0 threads:0 stop-cont:0
sigtrap-handler:0 child:1:1 system:6:@child many:0'

test_expect_success GCOV 'build and run the --coverage set' '
	mkdir gcov &&
	"${SHELL_PATH:-/bin/sh}" "$TEST_SRCDIR/fixtures/gen-many.sh" 1000 \
	    >gcov/many.c &&
	cp gcov/many.c many.c &&
	for f in $fixtures; do
		name=${f%%:*} &&
		if ! test -f gcov/$name.c; then
			cp "$TEST_SRCDIR/fixtures/$name.c" gcov/
		fi &&
		(cd gcov && $CC --coverage -O0 -pthread -c $name.c -o $name.o &&
		    $CC --coverage -pthread $name.o -o $name) || return 1
	done &&
	for f in $fixtures; do
		name=${f%%:*} &&
		rest=${f#*:} &&
		status=${rest%%:*} &&
		args= &&
		case $rest in *:*) args=${rest#*:} ;; esac &&
		case $args in @child) args=$PWD/gcov/child ;; esac &&
		test_expect_code $status run_timeout ./gcov/$name $args \
		    >/dev/null || return 1
	done &&
	for f in $fixtures; do
		name=${f%%:*} &&
		(cd gcov && "$GCOV" $name.c >/dev/null) &&
		test_path_is_file gcov/$name.c.gcov || return 1
	done
'

test_expect_success GCOV,PTRACE 'build and trace the -g -O0 set' '
	for f in $fixtures; do
		name=${f%%:*} &&
		build_fixture $name O0 pie || return 1
	done &&
	: >trace-failures &&
	for f in $fixtures; do
		name=${f%%:*} &&
		rest=${f#*:} &&
		status=${rest%%:*} &&
		args= &&
		case $rest in *:*) args=${rest#*:} ;; esac &&
		case $args in @child) args=$PWD/child-O0-pie ;; esac &&
		if ! trace_fixture --data=$name.data $status ./$name-O0-pie $args
		then
			echo $name >>trace-failures
		fi
	done &&
	test_must_be_empty trace-failures
'

# compare NAME: join covtrace's statements (check-hits --dump) with gcov's
# counts; print "NAME both-run reported cov-run cov-run-gcov-0 cov-uncounted
# gcov-only cov-only" and list the lines covtrace runs that gcov says did
# not run on stderr.
compare () {
	check_hits --dump "$1.c" "$1.data" >"$1.dump" &&
	$AWK -v name="$1" '
	FNR == 1 { input++ }
	input == 1 {
		stmt[$1] = 1
		if ($3 == "hit")
			hit[$1] = 1
		next
	}
	{
		n = split($0, f, ":")
		if (n < 3)
			next
		count = f[1]
		gsub(/[ *]/, "", count)
		line = f[2] + 0
		if (line == 0 || count == "-")
			next
		gstmt[line] = 1
		if (count != "#####" && count != "=====" && count + 0 > 0)
			grun[line] = 1
	}
	END {
		for (l in stmt) {
			if (l in gstmt) {
				if ((l in grun) && (l in hit))
					reported++
				if (l in grun)
					both_run++
				if ((l in hit) && !(l in grun)) {
					wrong++
					print name ".c:" l ": reported run," \
					    " gcov says not run" > "/dev/stderr"
				}
			} else {
				cov_only++
				if (l in hit)
					uncounted++
			}
		}
		for (l in gstmt)
			if (!(l in stmt))
				gcov_only++
		for (l in hit)
			covrun++
		print name, both_run + 0, reported + 0, covrun + 0, wrong + 0,
		    uncounted + 0, gcov_only + 0, cov_only + 0
	}' "$1.dump" "gcov/$1.c.gcov"
}

: >figures
for f in $fixtures; do
	name=${f%%:*}
	test_expect_success GCOV,PTRACE "$name.c: every line covtrace runs ran per gcov" '
		compare $name >$name.figures &&
		cat $name.figures >>figures &&
		read -r n both reported covrun wrong uncounted gcov_only cov_only \
		    <$name.figures &&
		say "$n.c: gcov runs $both lines both count as statements;" \
		    "covtrace reports $reported of them;" \
		    "covtrace runs $covrun ($wrong not run per gcov," \
		    "$uncounted on lines gcov does not count);" \
		    "statements only gcov counts: $gcov_only, only covtrace: $cov_only" &&
		test "$wrong" -eq 0
	'
done

test_expect_success GCOV,PTRACE 'covtrace reports at least 99.5% of the lines gcov runs' '
	$AWK "{ both += \$2; reported += \$3; wrong += \$5 }
	    END { print both, reported, wrong }" figures >total &&
	read -r both reported wrong <total &&
	test "$both" -gt 0 &&
	say "in all: gcov runs $both lines both count as statements," \
	    "covtrace reports $reported" \
	    "($(($reported * 1000 / $both / 10)).$(($reported * 1000 / $both % 10))%)," \
	    "$wrong reported lines not run per gcov" &&
	test $(($reported * 1000)) -ge $(($both * 995))
'

test_done
