#!/bin/sh
test_description='jobs: PATH..., --jobs-from, -- COMMAND, without workers

Collection (recursive, sorted, hidden files, non-executables and --ignore
left out), one progress line per job, the captured output of failed jobs,
the closing summary and the exit statuses of a run of jobs.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-dist.sh
. "$TEST_SRCDIR/lib-dist.sh"

test_expect_success CC 'build the fixture and a suite' '
	build_fixture dist O0 pie &&
	make_suite suite ./dist-O0-pie a b &&
	make_suite suite/sub ./dist-O0-pie c &&
	make_suite suite/.hidden ./dist-O0-pie d &&
	make_suite suite ./dist-O0-pie skip-me &&
	cp suite/a.sh suite/.dot.sh &&
	echo "not a job" >suite/readme.txt &&
	chmod -x suite/readme.txt
'

test_expect_success PTRACE 'a directory: its executables, sorted, recursively' '
	"$COVTRACE" --cov=. --ignore="skip-*" --data-file=suite.data \
	    suite >out 2>err &&
	cat err &&
	test_must_be_empty out &&
	grep -o "PASSED [^ ]*" err >ran &&
	printf "PASSED %s\n" suite/a.sh suite/b.sh suite/sub/c.sh >expect &&
	test_cmp expect ran
'

test_expect_success PTRACE 'the union of the jobs is what the markers say' '
	check_fixture O0 dist.c suite.data
'

test_expect_success PTRACE 'a progress line per job and a closing summary' '
	test_grep "^\[ 33%\] PASSED suite/a.sh ([0-9.]* s)\$" err &&
	test_grep "^\[100%\] PASSED suite/sub/c.sh ([0-9.]* s)\$" err &&
	test_grep "=== 3 passed, 0 failed in [0-9.]* s ===" err
'

test_expect_success PTRACE 'each job adds a run record' '
	grep "^run " suite.data >runs &&
	test_line_count -eq 3 runs &&
	test_grep "command=suite/sub/c.sh\$" runs
'

test_expect_success PTRACE 'a named file is a job; a named directory is searched' '
	"$COVTRACE" --cov=. --data-file=named.data suite/b.sh suite/sub \
	    2>err &&
	grep -o "PASSED [^ ]*" err >ran &&
	printf "PASSED %s\n" suite/b.sh suite/sub/c.sh >expect &&
	test_cmp expect ran
'

test_expect_success PTRACE 'a failed job: exit status 1, its output shown at the end' '
	make_suite failing ./dist-O0-pie a fail &&
	test_expect_code 1 "$COVTRACE" --cov=. --data-file=fail.data \
	    failing >out 2>err &&
	cat err &&
	test_must_be_empty out &&
	test_grep "FAILED failing/fail.sh (exit status 3, [0-9.]* s)" err &&
	test_grep "^=* FAILURES =*\$" err &&
	test_grep "^_* failing/fail.sh _*\$" err &&
	test_grep "^-* Captured stdout -*\$" err &&
	test_grep "^ran fail\$" err &&
	test_grep "^failing on purpose\$" err &&
	test_grep -v "^ran a\$" err &&
	test_grep "=== 1 passed, 1 failed in " err
'

test_expect_success PTRACE 'the coverage of a failed job counts' '
	grep "^run .*status=3 command=failing/fail.sh\$" fail.data
'

test_expect_success PTRACE '-q: no line for a job that passed' '
	test_expect_code 1 "$COVTRACE" -q --cov=. --data-file=q.data \
	    failing 2>err &&
	test_grep -v PASSED err &&
	test_grep "FAILED failing/fail.sh" err &&
	test_grep "1 passed, 1 failed" err
'

test_expect_success PTRACE '--jobs-from: one command line per line' '
	cat >jobs.txt <<-\EOF &&
	# a comment, then a blank line

	./dist-O0-pie "a"
	  sh -c '\''./dist-O0-pie b >/dev/null'\''
	EOF
	"$COVTRACE" --cov=. --data-file=from.data --jobs-from=jobs.txt \
	    2>err &&
	cat err &&
	test_grep "PASSED ./dist-O0-pie \"a\" (" err &&
	test_grep "PASSED sh -c .* (" err &&
	test_grep "2 passed, 0 failed" err &&
	"$COVTRACE" --cov=. --data-file=ab.data suite/a.sh suite/b.sh \
	    2>err &&
	coverage_records ab.data >expect &&
	coverage_records from.data >actual &&
	test_cmp expect actual
'

test_expect_success PTRACE '--jobs-from - reads standard input' '
	echo "./dist-O0-pie c" |
	    "$COVTRACE" --cov=. --data-file=stdin.data --jobs-from=- 2>err &&
	test_grep "PASSED ./dist-O0-pie c" err
'

test_expect_success '--jobs-from: a bad line is exit status 4' '
	printf "./dist-O0-pie a\n./dist-O0-pie '\''b\n" >bad-jobs.txt &&
	test_expect_code 4 "$COVTRACE" --jobs-from=bad-jobs.txt 2>err &&
	test_grep "covtrace: .bad-jobs.txt. line 2: unclosed quote" err
'

test_expect_success 'a path that does not exist is exit status 4' '
	test_expect_code 4 "$COVTRACE" suite/a.sh nope 2>err &&
	test_grep "cannot collect jobs from .nope." err &&
	test_grep "put it after --" err
'

test_expect_success 'a named file that is not executable is exit status 4' '
	test_expect_code 4 "$COVTRACE" suite/readme.txt 2>err &&
	test_grep "not an executable file" err
'

test_expect_success 'no job at all is exit status 5' '
	mkdir empty &&
	test_expect_code 5 "$COVTRACE" empty 2>err &&
	test_grep "no jobs collected" err
'

test_expect_success PTRACE '-- COMMAND with --dist no is one job, run here' '
	"$COVTRACE" --cov=. --dist no --data-file=one.data \
	    -- ./dist-O0-pie b >out 2>err &&
	test_must_be_empty out &&
	test_grep "^\[100%\] PASSED ./dist-O0-pie b (" err
'

test_expect_success PTRACE 'a job that cannot be run fails with 127' '
	test_expect_code 1 "$COVTRACE" --cov=. --dist no --data-file=nf.data \
	    -- ./no-such-program 2>err &&
	test_grep "FAILED ./no-such-program (exit status 127" err &&
	test_grep "command not found\|cannot run" err
'

test_expect_success PTRACE 'every job passed, but --cov-fail-under is not met: 2' '
	test_expect_code 2 "$COVTRACE" --cov=. --cov-fail-under=100 \
	    --data-file=under.data suite/a.sh 2>err &&
	test_grep "FAIL Required test coverage of 100% not reached" err
'

test_done
