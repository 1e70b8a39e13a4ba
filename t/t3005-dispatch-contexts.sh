#!/bin/sh
test_description='--cov-context=test: which job covered each line

The data file keeps the contexts (covtrace-data(5) version 3), the JSON
report lists them per line, the HTML report shows "covered by ...", and
combine unions them.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-dist.sh
. "$TEST_SRCDIR/lib-dist.sh"

test_expect_success CC 'build the fixture and a suite' '
	build_fixture dist O0 pie &&
	make_suite suite ./dist-O0-pie a b
'

test_expect_success PTRACE 'the data file names the jobs, and the lines each ran' '
	"$COVTRACE" --cov=. -n 2 --cov-context=test --data-file=ctx.data \
	    --cov-report=json:ctx.json --cov-report=html:html suite 2>err &&
	cat err &&
	test_grep "^covtrace-data 3\$" ctx.data &&
	grep "^context " ctx.data >contexts &&
	printf "context %s\n" suite/a.sh suite/b.sh >expect &&
	test_cmp expect contexts &&
	test_grep "^context-hit 0 " ctx.data &&
	test_grep "^context-hit 1 " ctx.data
'

test_expect_success PTRACE 'the JSON report: show_contexts and the jobs per line' '
	test_grep "\"show_contexts\":true" ctx.json &&
	test_grep "\"contexts\":{\"[0-9]*\":\[" ctx.json &&
	test_grep "\"[0-9]*\":\[\"suite/a.sh\",\"suite/b.sh\"\]" ctx.json &&
	test_grep "\"[0-9]*\":\[\"suite/a.sh\"\]" ctx.json &&
	test_grep "\"[0-9]*\":\[\"suite/b.sh\"\]" ctx.json
'

test_expect_success PTRACE 'the HTML report: "covered by" beside the lines' '
	page=$(grep -l "dist.c" html/*.html | grep -v index.html) &&
	test_grep "<span class=\"ctx\">covered by suite/a.sh, suite/b.sh</span>" $page &&
	test_grep "<span class=\"ctx\">covered by suite/a.sh</span>" $page &&
	test_grep "<span class=\"ctx\">covered by suite/b.sh</span>" $page
'

test_expect_success PTRACE 'covtrace report writes the same JSON from the data file' '
	"$COVTRACE" report --data-file=ctx.data --cov-report=json:again.json \
	    2>err &&
	sed -e "s/\"timestamp\":\"[^\"]*\"//" \
	    -e "s/\"duration\":[0-9.e-]*//g" ctx.json >expect &&
	sed -e "s/\"timestamp\":\"[^\"]*\"//" \
	    -e "s/\"duration\":[0-9.e-]*//g" again.json >actual &&
	test_cmp expect actual
'

test_expect_success PTRACE 'without --cov-context, no contexts' '
	"$COVTRACE" --cov=. -n 1 --data-file=plain.data \
	    --cov-report=json:plain.json suite 2>err &&
	test_grep -v "^context" plain.data &&
	test_grep "\"show_contexts\":false" plain.json &&
	test_grep -v "\"contexts\"" plain.json
'

test_expect_success PTRACE 'combine unions contexts and workers' '
	make_suite more ./dist-O0-pie c &&
	"$COVTRACE" --cov=. -n 1 --cov-context=test --data-file=more.data \
	    more 2>err &&
	"$COVTRACE" combine --keep --data-file=all.data ctx.data more.data \
	    2>err &&
	grep "^context " all.data >contexts &&
	printf "context %s\n" more/c.sh suite/a.sh suite/b.sh >expect &&
	test_cmp expect contexts &&
	test_grep "^worker id=gw0 " all.data &&
	test_grep "^worker id=gw1 " all.data
'

test_expect_success PTRACE 'contexts and workers survive a round trip through report' '
	"$COVTRACE" report --data-file=all.data --cov-report=json:all.json \
	    2>err &&
	test_grep "\"workers\":\[{\"id\":\"gw0\"" all.json &&
	test_grep "\"more/c.sh\"" all.json
'

test_done
