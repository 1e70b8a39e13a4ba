#!/bin/sh
test_description='report: every --cov-report kind from a data file

LCOV that lcov --summary and genhtml take without a warning, Cobertura XML
valid against coverage-04.dtd with relative names and a package per
directory, JSON in coverage.py'"'"'s schema, Markdown, and where each goes.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-report.sh
. "$TEST_SRCDIR/lib-report.sh"

test_expect_success GZIP 'set up a project and its data' '
	make_project &&
	"$COVTRACE" report --data-file=proj.data --cov-report= 2>err &&
	test_must_be_empty err
'

test_expect_success GZIP 'default destinations, each announced' '
	report_in_proj --cov-report=lcov --cov-report=xml \
	    --cov-report=json --cov-report=markdown --cov-report=html \
	    >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOF &&
	Coverage LCOV written to file coverage.lcov
	Coverage XML written to file coverage.xml
	Coverage JSON written to file coverage.json
	Coverage Markdown written to file coverage.md
	Coverage HTML written to dir htmlcov
	EOF
	test_cmp expect err &&
	for f in coverage.lcov coverage.xml coverage.json coverage.md \
	    htmlcov/index.html; do
		test_path_is_file proj/$f || return 1
	done
'

test_expect_success GZIP 'the term table still comes first when asked for' '
	report_in_proj --cov-report=term --cov-report=lcov:x.lcov 2>err &&
	sed -n 2p err >header &&
	test_grep "^Name  *Stmts  *Miss  *Cover$" header &&
	tail -n 1 err >last &&
	echo "Coverage LCOV written to file x.lcov" >expect &&
	test_cmp expect last
'

test_expect_success GZIP 'a destination of - is standard output, unannounced' '
	report_in_proj --cov-report=lcov:- >out 2>err &&
	test_must_be_empty err &&
	test_grep "^SF:$P/src/a.c$" out
'

test_expect_success GZIP 'lcov: the records, per file' '
	report_in_proj --cov-report=lcov:out.lcov --cov-report= &&
	sed -n "/^SF:.*a.c$/,/^end_of_record/p" proj/out.lcov >a.lcov &&
	cat >expect <<-EOF &&
	SF:$P/src/a.c
	FN:1,main
	FN:8,unused
	FNDA:1,main
	FNDA:0,unused
	FNF:2
	FNH:1
	DA:1,1
	DA:2,1
	DA:3,1
	DA:4,1
	DA:5,0
	DA:6,1
	DA:7,1
	DA:8,0
	DA:9,0
	DA:10,1
	LF:10
	LH:7
	end_of_record
	EOF
	test_cmp expect a.lcov &&
	test "$(grep -c "^TN:$" proj/out.lcov)" = 3
'

test_expect_success GZIP,LCOV 'lcov --summary reads it without a warning' '
	lcov --summary proj/out.lcov >summary 2>&1 &&
	test_grep -v -i "warning\|error" summary &&
	test_grep "lines\.*: 68.8% (11 of 16 lines)" summary &&
	test_grep "functions\.*: 66.7% (2 of 3 functions)" summary
'

test_expect_success GZIP,LCOV 'genhtml renders it without a warning' '
	(cd proj && genhtml -q -o ../gh out.lcov) >gh.out 2>&1 &&
	test_grep -v -i "warning\|error" gh.out &&
	test_path_is_file gh/index.html
'

test_expect_success GZIP,XMLLINT 'xml: valid against coverage-04.dtd' '
	report_in_proj --cov-report=xml:out.xml --cov-report= &&
	xmllint --noout --dtdvalid "$TEST_SRCDIR/data/coverage-04.dtd" \
	    proj/out.xml
'

test_expect_success GZIP,XMLLINT 'xml: relative names under the <source>, a package per directory' '
	xmllint --xpath "string(/coverage/sources/source)" proj/out.xml >src &&
	echo "$P" >expect &&
	test_cmp expect src &&
	xmllint --xpath "//class/@filename" proj/out.xml | tr " " "\n" |
	    sed "/^$/d" >names &&
	printf "%s\n" "filename=\"lib/c.h\"" "filename=\"src/a.c\"" \
	    "filename=\"src/b.c\"" >expect &&
	test_cmp expect names &&
	xmllint --xpath "//package/@name" proj/out.xml | tr " " "\n" |
	    sed "/^$/d" >pkgs &&
	printf "%s\n" "name=\"lib\"" "name=\"src\"" >expect &&
	test_cmp expect pkgs
'

test_expect_success GZIP,XMLLINT 'xml: a line-rate on every element, and the counts' '
	test "$(xmllint --xpath "count(//package[not(@line-rate)]) + count(//class[not(@line-rate)])" proj/out.xml)" = 0 &&
	test "$(xmllint --xpath "string(/coverage/@line-rate)" proj/out.xml)" = 0.6875 &&
	test "$(xmllint --xpath "string(/coverage/@lines-valid)" proj/out.xml)" = 16 &&
	test "$(xmllint --xpath "string(/coverage/@lines-covered)" proj/out.xml)" = 11 &&
	test "$(xmllint --xpath "string(//package[@name=\"src\"]/@line-rate)" proj/out.xml)" = 0.7857 &&
	test "$(xmllint --xpath "count(//class[@name=\"a.c\"]/lines/line[@hits=0])" proj/out.xml)" = 3
'

test_expect_success GZIP,XMLLINT 'xml: the timestamp is now, in milliseconds' '
	stamp=$(xmllint --xpath "string(/coverage/@timestamp)" proj/out.xml) &&
	now=$(date +%s) &&
	test "$stamp" -ge $(( (now - 600) * 1000 )) &&
	test "$stamp" -le $(( (now + 60) * 1000 ))
'

test_expect_success GZIP,XMLLINT 'xml: files outside the current directory are relative to /' '
	mkdir -p elsewhere &&
	(cd elsewhere && "$COVTRACE" report --data-file=../proj.data \
	    --cov-report=xml:out.xml --cov-report=) &&
	xmllint --noout --dtdvalid "$TEST_SRCDIR/data/coverage-04.dtd" \
	    elsewhere/out.xml &&
	xmllint --xpath "string(/coverage/sources/source)" elsewhere/out.xml >s &&
	echo / >expect &&
	test_cmp expect s &&
	xmllint --xpath "string(//class[@name=\"a.c\"]/@filename)" \
	    elsewhere/out.xml >f &&
	echo "${P#/}/src/a.c" >expect &&
	test_cmp expect f
'

test_expect_success GZIP,JQ 'json: totals and per-file lines' '
	report_in_proj --cov-report=json:out.json --cov-report= --precision=1 &&
	jq -e ".meta.format == 1 and .meta.generator == \"covtrace\"" proj/out.json &&
	jq -e ".totals.num_statements == 16 and .totals.covered_lines == 11" proj/out.json &&
	jq -e ".totals.percent_covered == 68.75 and .totals.percent_covered_display == \"68.8\"" proj/out.json &&
	jq -c ".files[\"src/a.c\"] | [.executed_lines, .missing_lines, .excluded_lines]" proj/out.json >lines &&
	echo "[[1,2,3,4,6,7,10],[5,8,9],[]]" >expect &&
	test_cmp expect lines &&
	jq -e ".files[\"lib/c.h\"].summary.percent_covered_display == \"0.0\"" proj/out.json
'

test_expect_success GZIP,JQ 'json: functions, and the runs with their provenance' '
	jq -c ".files[\"src/a.c\"].functions" proj/out.json >funcs &&
	echo "[{\"name\":\"main\",\"line\":1,\"executed\":true},{\"name\":\"unused\",\"line\":8,\"executed\":false}]" >expect &&
	test_cmp expect funcs &&
	jq -e ".files[\"src/b.c\"].functions[0].name == \"b<x>\"" proj/out.json &&
	jq -e ".totals.num_functions == 3 and .totals.covered_functions == 2" proj/out.json &&
	jq -e ".meta.runs[0].host == \"h1\" and .meta.runs[0].start == 1700000000 and .meta.runs[0].duration == 1.5" proj/out.json
'

test_expect_success GZIP 'markdown: the table' '
	report_in_proj --cov-report=markdown:- --cov-report= >md &&
	cat >expect <<-\EOF &&
	| Name | Stmts | Miss | Cover | Missing |
	|------|------:|-----:|------:|---------|
	| lib/c.h | 2 | 2 | 0% | 1-2 |
	| src/a.c | 10 | 3 | 70% | 5, 8-9 |
	| src/b.c | 4 | 0 | 100% | |
	| **TOTAL** | **16** | **5** | **69%** | |
	EOF
	test_cmp expect md
'

test_expect_success GZIP 'a report that cannot be written fails (1) and says which' '
	test_expect_code 1 "$COVTRACE" report --data-file=proj.data \
	    --cov-report=lcov:no/such/dir/x.lcov 2>err &&
	test_grep "no/such/dir/x.lcov" err
'

test_expect_success 'bad --cov-report values are usage errors (2)' '
	test_expect_code 2 "$COVTRACE" report --cov-report=pdf 2>err &&
	test_grep "unknown report type .pdf." err &&
	test_expect_code 2 "$COVTRACE" report --cov-report=lcov: 2>err &&
	test_grep "needs a destination" err &&
	test_expect_code 2 "$COVTRACE" report --cov-report=term:x 2>err &&
	test_grep "takes no destination" err &&
	test_expect_code 2 "$COVTRACE" report --cov-report=html:- 2>err &&
	test_grep "writes a directory" err
'

test_expect_success GZIP 'term-missing:skip-covered is pytest-cov'"'"'s spelling' '
	report_in_proj --cov-report=term-missing:skip-covered 2>err &&
	test_grep "^1 file skipped due to complete coverage\.$" err &&
	test_grep "Missing$" err
'

test_done
