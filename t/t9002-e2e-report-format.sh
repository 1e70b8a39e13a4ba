#!/bin/sh
test_description='end to end: the terminal report

pytest-cov'"'"'s layout: a header line, "Name Stmts Miss Cover" (and
"Missing"), one row per file sorted by name, a TOTAL row; numbers agree with
the data file, right-aligned columns, no trailing spaces, a percentage of
100% only when nothing is missed and 0% only when nothing ran, and Missing
ranges that merge across lines that are not statements.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# expected_rows DATAFILE SOURCE...: "name stmts miss missing-ranges" for
# each SOURCE, computed from the data file.
expected_rows () {
	er_data=$1
	shift
	for er_src; do
		check_hits --dump "$er_src" "$er_data" >"$er_src.dump" || return 1
		$AWK -v name="$er_src" '
		{
			n++
			if ($3 == "miss") {
				miss++
				if (inrun)
					last = $1
				else {
					inrun = 1
					first = $1
					last = $1
				}
			} else if (inrun) {
				flush()
			}
		}
		function flush() {
			r = (first == last) ? first : first "-" last
			ranges = ranges (ranges == "" ? "" : ", ") r
			inrun = 0
		}
		END {
			if (inrun)
				flush()
			print name, n + 0, miss + 0, ranges
		}' "$er_src.dump" || return 1
	done
}

# check_report REPORT ROWS [missing]: the terminal report REPORT agrees
# with ROWS (from expected_rows), with a Missing column when asked.
check_report () {
	$AWK -v rowsfile="$2" -v missing="${3:-}" '
	function bad(msg) {
		print "report line " NR ": " msg ": [" $0 "]" > "/dev/stderr"
		errors++
	}
	# The column where the nth blank-separated field of s ends.
	function field_end(s, n,    pos, k, rest) {
		pos = 0
		rest = s
		for (k = 1; k <= n; k++) {
			match(rest, /^ */)
			pos += RLENGTH
			rest = substr(rest, RLENGTH + 1)
			match(rest, /^[^ ]+/)
			pos += RLENGTH
			rest = substr(rest, RLENGTH + 1)
		}
		return pos
	}
	function check_pct(shown, stmts, miss,    hit, pc) {
		if (shown !~ /^[0-9]+%$/)
			return "cover \"" shown "\" is not N%"
		shown = substr(shown, 1, length(shown) - 1) + 0
		hit = stmts - miss
		if (stmts == 0)
			return ""
		pc = 100 * hit / stmts
		if (shown == 100 && miss > 0)
			return "100% with " miss " missed"
		if (shown == 0 && hit > 0)
			return "0% with " hit " run"
		if (shown - pc >= 1 || pc - shown >= 1)
			return shown "% for " hit "/" stmts
		return ""
	}
	BEGIN {
		while ((getline line < rowsfile) > 0) {
			nrows++
			split(line, f, " ")
			want_name[nrows] = f[1]
			want_stmts[nrows] = f[2]
			want_miss[nrows] = f[3]
			sub(/^[^ ]+ [^ ]+ [^ ]+ ?/, "", line)
			want_missing[nrows] = line
			total_stmts += f[2]
			total_miss += f[3]
		}
		state = "start"
	}
	/[ \t]$/ { bad("trailing white space") }
	/\t/ { bad("a tab") }
	state == "start" {
		if ($0 !~ /^-+ coverage: platform [^ ].* -+$/)
			bad("not the header line")
		state = "columns"
		next
	}
	state == "columns" {
		want = missing ? "^Name +Stmts +Miss +Cover +Missing$" \
		    : "^Name +Stmts +Miss +Cover$"
		if ($0 !~ want)
			bad("not the column titles")
		for (k = 2; k <= 4; k++)
			col_end[k] = field_end($0, k)
		if (missing)
			col_start_missing = index($0, "Missing")
		state = "rows"
		row = 0
		next
	}
	/^-+$/ { next }
	state == "rows" && $1 != "TOTAL" {
		row++
		if (row > nrows) {
			bad("an unexpected row")
			next
		}
		if ($1 != want_name[row])
			bad("name " $1 ", expected " want_name[row])
		if ($2 != want_stmts[row])
			bad("stmts " $2 ", expected " want_stmts[row])
		if ($3 != want_miss[row])
			bad("miss " $3 ", expected " want_miss[row])
		msg = check_pct($4, $2, $3)
		if (msg != "")
			bad(msg)
		for (k = 2; k <= 4; k++)
			if (field_end($0, k) != col_end[k])
				bad("column " k " is not right-aligned under its title")
		if (missing) {
			got = ""
			if (NF > 4) {
				got = substr($0, field_end($0, 4) + 1)
				sub(/^ +/, "", got)
				if (index($0, got) != col_start_missing)
					bad("Missing does not start under its title")
			}
			if (got != want_missing[row])
				bad("missing \"" got "\", expected \"" \
				    want_missing[row] "\"")
		} else if (NF != 4) {
			bad("not 4 columns")
		}
		next
	}
	state == "rows" && $1 == "TOTAL" {
		if (row != nrows)
			bad(row " rows, expected " nrows)
		if ($2 != total_stmts || $3 != total_miss)
			bad("total " $2 " " $3 ", expected " total_stmts " " \
			    total_miss)
		msg = check_pct($4, $2, $3)
		if (msg != "")
			bad(msg)
		if (NF != 4)
			bad("TOTAL has more than 4 columns")
		for (k = 2; k <= 4; k++)
			if (field_end($0, k) != col_end[k])
				bad("column " k " is not right-aligned under its title")
		state = "done"
		next
	}
	state == "done" { bad("a line after TOTAL") }
	END {
		if (state != "done") {
			print "the report has no TOTAL row" > "/dev/stderr"
			errors++
		}
		exit errors > 0
	}' "$1"
}

test_expect_success CC 'build the fixtures' '
	build_fixture basic O0 pie &&
	printf "int unused(int x)\n{\n\tint y = x + 1;\n\n\t/* a comment */\n\treturn y;\n}\n" >zero.c &&
	printf "int main(void)\n{\n\treturn 0;\n}\n" >zmain.c &&
	$CC -g -O0 -o zero zmain.c zero.c &&
	mkdir lib &&
	cp "$TEST_SRCDIR/fixtures/covsel-main.c" . &&
	cp "$TEST_SRCDIR/fixtures/covsel-lib.c" lib/ &&
	$CC -g -O0 -o covsel covsel-main.c lib/covsel-lib.c
'

test_expect_success 'the report checker itself rejects a wrong report' '
	printf "basic.c 10 2 3-4\n" >rows &&
	cat >good <<-\EOF &&
	------ coverage: platform linux x86_64, glibc 2.36 ------
	Name       Stmts   Miss  Cover   Missing
	basic.c       10      2    80%   3-4
	TOTAL         10      2    80%
	EOF
	check_report good rows missing &&
	sed "s/80%   3-4/80%   3-5/" good >bad1 &&
	test_expect_code 1 check_report bad1 rows missing &&
	sed "s/ 80%\$/ 80% /" good >bad2 &&
	test_expect_code 1 check_report bad2 rows missing &&
	sed "s/  80%   3-4/ 100%   3-4/" good >bad3 &&
	test_expect_code 1 check_report bad3 rows missing &&
	sed "s/^TOTAL         10/TOTAL          9/" good >bad4 &&
	test_expect_code 1 check_report bad4 rows missing &&
	sed "s/^basic.c       10/basic.c      10 /" good >bad5 &&
	test_expect_code 1 check_report bad5 rows missing &&
	sed "/^TOTAL/d" good >bad6 &&
	test_expect_code 1 check_report bad6 rows missing
'

test_expect_success PTRACE 'term report of one file' '
	test_expect_code 3 "$COVTRACE" --data-file=basic.data \
	    -- ./basic-O0-pie >/dev/null 2>report &&
	cat report &&
	expected_rows basic.data basic.c >rows &&
	check_report report rows
'

test_expect_success PTRACE 'term-missing report of one file' '
	test_expect_code 3 "$COVTRACE" --cov-report=term-missing \
	    --data-file=basic.data -- ./basic-O0-pie >/dev/null 2>report &&
	cat report &&
	expected_rows basic.data basic.c >rows &&
	test_grep -v " \$" rows &&
	check_report report rows missing
'

test_expect_success PTRACE 'term-missing ranges merge across non-statement lines' '
	"$COVTRACE" --cov-report=term-missing --data-file=zero.data -- ./zero \
	    >/dev/null 2>report &&
	cat report &&
	expected_rows zero.data zero.c zmain.c >rows &&
	check_report report rows missing &&
	test_grep "^zero.c  *[0-9][0-9]*  *[0-9][0-9]*  *0%  *[0-9][0-9]*-[0-9][0-9]*\$" report
'

test_expect_success PTRACE 'rows sorted by name, paths relative to the current directory' '
	"$COVTRACE" --cov-report=term-missing --data-file=covsel.data \
	    -- ./covsel >/dev/null 2>report &&
	cat report &&
	expected_rows covsel.data covsel-main.c lib/covsel-lib.c >rows &&
	check_report report rows missing
'

test_expect_success PTRACE 'a fully covered file shows 100% and no Missing' '
	"$COVTRACE" --cov-report=term-missing --cov=covsel-main.c \
	    --data-file=main.data -- ./covsel >/dev/null 2>report &&
	test_grep "^covsel-main.c  *[0-9][0-9]*  *0  *100%\$" report &&
	test_grep "^TOTAL  *[0-9][0-9]*  *0  *100%\$" report
'

test_expect_success PTRACE 'a file of which nothing ran shows 0%' '
	"$COVTRACE" --data-file=zero.data -- ./zero >/dev/null 2>report &&
	cat report &&
	test_grep "^zero.c  *[0-9][0-9]*  *[0-9][0-9]*  *0%" report &&
	test_grep "^zmain.c  *[0-9][0-9]*  *0  *100%" report
'

test_expect_success PTRACE 'covtrace report renders the same rows' '
	"$COVTRACE" report --cov-report=term-missing --data-file=covsel.data \
	    >again 2>&1 &&
	expected_rows covsel.data covsel-main.c lib/covsel-lib.c >rows &&
	check_report again rows missing
'

test_done
