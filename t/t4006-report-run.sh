#!/bin/sh
test_description='reports and data options while tracing

Functions measured by the tracer reach the reports; --parallel-mode runs
combine to what --cov-append gives; --path-map rewrites paths before they
are saved; --cov-fail-under changes the exit status only of a command that
succeeded.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-report.sh
. "$TEST_SRCDIR/lib-report.sh"

# Prints its arguments' count, runs different lines per count, exits 0.
test_expect_success CC 'build a fixture with functions and markers' '
	cat >args.c <<-\EOF &&
	#include <stdio.h>
	#include <stdlib.h>

	static int none(void)
	{
		puts("none");
		return 0;
	}

	static int some(int n)
	{
		printf("%d\n", n);
		if (n > 5)
			abort(); // LCOV_EXCL_LINE
		return 0;
	}

	static int never(void)
	{
		return 42;
	}

	int main(int argc, char **argv)
	{
		(void)argv;
		if (argc > 100)
			return never();
		return argc == 1 ? none() : some(argc - 1);
	}
	EOF
	$CC -g -O0 -o args args.c
'

test_expect_success PTRACE 'the functions the tracer saw reach lcov' '
	"$COVTRACE" --cov-report=lcov:args.lcov -- ./args >out 2>err &&
	test_grep "^FN:[0-9]*,none$" args.lcov &&
	test_grep "^FNDA:1,none$" args.lcov &&
	test_grep "^FNDA:0,some$" args.lcov &&
	test_grep "^FNDA:0,never$" args.lcov &&
	test_grep "^FNDA:1,main$" args.lcov &&
	test_grep "^FNH:2$" args.lcov &&
	test_grep "^Coverage LCOV written to file args.lcov$" err &&
	test_grep "^function [0-9]* 1 none$" .covtrace
'

test_expect_success PTRACE,LCOV 'lcov --summary reads a traced run without a warning' '
	lcov --summary args.lcov >summary 2>&1 &&
	test_grep -v -i "warning\|error" summary &&
	test_grep "functions\.*: 50.0% (2 of 4 functions)" summary
'

test_expect_success PTRACE 'a marker in a traced source excludes its line' '
	line=$(grep -n "LCOV_EXCL_LINE" args.c | cut -d: -f1) &&
	test_grep -v "^DA:$line," args.lcov
'

test_expect_success PTRACE '--cov-append adds runs up' '
	rm -f .covtrace &&
	"$COVTRACE" --cov-report= -- ./args >/dev/null &&
	"$COVTRACE" --cov-append --cov-report=json:one.json -- ./args a b \
	    >out &&
	echo 2 >expect &&
	test_cmp expect out &&
	test "$(grep -c "^run " .covtrace)" = 2 &&
	test_grep "^function [0-9]* 1 none$" .covtrace &&
	test_grep "^function [0-9]* 1 some$" .covtrace &&
	cp .covtrace appended.data
'

test_expect_success PTRACE '--parallel-mode runs at once, then combine, give the same' '
	rm -f .covtrace &&
	"$COVTRACE" --parallel-mode --cov-report= -- ./args >/dev/null &
	"$COVTRACE" --parallel-mode --cov-report= -- ./args a b >/dev/null &
	"$COVTRACE" --parallel-mode --cov-report= -- ./args a b >/dev/null &
	"$COVTRACE" --parallel-mode --cov-report= -- ./args >/dev/null &
	wait &&
	ls -a | grep "^\.covtrace\..*\.[0-9][0-9]*\.[A-Za-z0-9]\{6\}$" >parts &&
	test_line_count -eq 4 parts &&
	test_path_is_missing .covtrace &&
	"$COVTRACE" combine &&
	test "$(grep -c "^run " .covtrace)" = 4 &&
	data_records .covtrace >combined &&
	data_records appended.data >expect &&
	test_cmp expect combined
'

test_expect_success PTRACE '--cov-append leaves a damaged data file alone (1)' '
	echo damaged >.covtrace &&
	test_expect_code 1 "$COVTRACE" --cov-append -- ./args >out 2>err &&
	echo none >expect &&
	test_cmp expect out &&
	test_grep ".\.covtrace. is not a covtrace data file" err &&
	test_grep "not saving the data of this run" err &&
	echo damaged >expect &&
	test_cmp expect .covtrace
'

test_expect_success PTRACE '--path-map rewrites the paths before they are saved' '
	here=$(pwd -P) &&
	"$COVTRACE" --path-map="$here=/elsewhere/proj" --cov-report= \
	    --data-file=mapped.data -- ./args &&
	test_grep "^file /elsewhere/proj/args.c$" mapped.data &&
	test_grep -v "^file $here" mapped.data
'

test_expect_success PTRACE '--cov-fail-under turns a success into 2' '
	test_expect_code 2 "$COVTRACE" --cov-fail-under=99 -- ./args >out \
	    2>err &&
	test_grep "^FAIL Required test coverage of 99% not reached" err &&
	"$COVTRACE" --cov-fail-under=10 -- ./args >out 2>err &&
	test_grep "^Required test coverage of 10% reached" err
'

test_expect_success PTRACE '--cov-fail-under keeps a failing command'"'"'s status' '
	printf "int main(void) { return 3; }\n" >three.c &&
	$CC -g -O0 -o three three.c &&
	test_expect_code 3 "$COVTRACE" --cov-fail-under=100 -- ./three 2>err &&
	test_grep "^Required test coverage of 100% reached" err &&
	test_expect_code 134 "$COVTRACE" --cov-fail-under=100 \
	    --data-file=abort.data -- ./args a b c d e f 2>err &&
	test_grep "^FAIL Required test coverage of 100% not reached" err
'

test_expect_success PTRACE 'a data file that cannot be created fails the run (1)' '
	test_expect_code 1 "$COVTRACE" --data-file=no-such-dir/x.data \
	    -- ./args >out 2>err &&
	echo none >expect &&
	test_cmp expect out &&
	test_grep "^covtrace: cannot write .no-such-dir/x\.data.: No such file or directory$" err &&
	test_grep "^TOTAL " err
'

test_expect_success PTRACE 'one that cannot be renamed into place: 1, the reports, no temporary left' '
	mkdir dir.data &&
	test_expect_code 1 "$COVTRACE" --cov-fail-under=99 \
	    --data-file=dir.data -- ./args >out 2>err &&
	test_grep "^covtrace: cannot write .dir\.data.: Is a directory$" err &&
	test_grep "^TOTAL " err &&
	test_grep "^FAIL Required test coverage of 99% not reached" err &&
	test_path_is_missing dir.data.tmp.* &&
	rmdir dir.data
'

test_expect_success PTRACE 'a failing command keeps its status when the data is not saved' '
	test_expect_code 3 "$COVTRACE" --data-file=no-such-dir/x.data \
	    -- ./three 2>err &&
	test_grep "^covtrace: cannot write .no-such-dir/x\.data.: " err
'

test_expect_success PTRACE 'report options apply when tracing' '
	"$COVTRACE" --precision=1 --sort=-cover --skip-covered \
	    --cov-report=term-missing --cov-report=markdown:args.md \
	    -- ./args >out 2>err &&
	test_grep "^args.c  *[0-9]*  *[0-9]*  *[0-9]*\.[0-9]%   " err &&
	test_grep "^| args.c |" args.md
'

test_done
