#!/bin/sh
test_description='report: the HTML site in a real headless Chromium

The pages open from disk without console errors, the numbers shown match
the data (and the JSON report), the index sorts and filters, the keys jump
between missed blocks, and an unreadable source gets a note.  Screenshots
of the index and of a file page are kept beside the test'"'"'s log.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-report.sh
. "$TEST_SRCDIR/lib-report.sh"

CHROMIUM=
for c in chromium chromium-browser; do
	if command -v "$c" >/dev/null 2>&1; then
		CHROMIUM=$c
		break
	fi
done

# browse ARGS... URL: headless Chromium, its console on stderr.  As root it
# needs --no-sandbox; a fresh profile keeps runs apart.
browse () {
	rm -rf "$TRASH_DIRECTORY/.chromium"
	run_timeout "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --disable-extensions \
	    --user-data-dir="$TRASH_DIRECTORY/.chromium" \
	    --enable-logging=stderr --v=0 "$@"
}

# dump_dom FILE OUT: the DOM of FILE after its scripts ran, in OUT; the
# console messages in OUT.console, which must hold none.
dump_dom () {
	browse --virtual-time-budget=5000 --allow-file-access-from-files \
	    --dump-dom "file://$PWD/$1" >"$2" 2>"$2.log" || {
		cat "$2.log" >&2
		return 1
	}
	grep ":CONSOLE" "$2.log" >"$2.console"
	test_must_be_empty "$2.console"
}

test_lazy_prereq CHROMIUM '
	test -n "$CHROMIUM" &&
	echo "<p id=x>before</p><script>x.textContent=\"after\"</script>" \
	    >probe.html &&
	browse --virtual-time-budget=2000 --dump-dom "file://$PWD/probe.html" \
	    >dom 2>/dev/null &&
	grep "after" dom
'

# cells DOM: the rows of the files table, "name stmts miss excluded
# functions cover" per line, from the DOM Chromium dumped.
cells () {
	xmllint --html --xpath '//table[@id="files"]/tbody/tr' "$1" 2>/dev/null |
	sed -e 's/<\/tr>/\n/g' | sed -e 's/<\/td>/ /g' -e 's/<[^>]*>//g' \
	    -e 's/  *$//' -e '/^$/d'
}

test_expect_success GZIP 'set up the site and the JSON report' '
	make_project &&
	make_data gone.data <<-\EOF &&
	covtrace-data 2
	file /nonexistent/gone.c
	modules -
	lines 2-3,7
	hit 3
	EOF
	report_in_proj --cov-report=html --cov-report=json &&
	test_path_is_file proj/htmlcov/index.html &&
	test_path_is_file proj/htmlcov/style.css &&
	test_path_is_file proj/htmlcov/covtrace.js
'

test_expect_success GZIP 'the site refers to nothing outside itself' '
	test_grep -v -i -e "https\?:" -e "src=\"/" -e "href=\"/" \
	    proj/htmlcov/*.html proj/htmlcov/*.js proj/htmlcov/*.css
'

test_expect_success GZIP,CHROMIUM,XMLLINT 'the index loads without console errors' '
	dump_dom proj/htmlcov/index.html index.dom &&
	test_grep "<span id=\"shown\">3 of 3 files</span>" index.dom
'

test_expect_success GZIP,CHROMIUM,XMLLINT,JQ 'the index shows the numbers of the data' '
	cells index.dom >shown &&
	jq -r ".files | to_entries[] | \"\\(.key) \\(.value.summary.num_statements) \\(.value.summary.missing_lines) \\(.value.summary.excluded_lines) \\(.value.summary.covered_functions)/\\(.value.summary.num_functions) \\(.value.summary.percent_covered_display)%\"" \
	    proj/coverage.json >expect &&
	test_cmp expect shown &&
	test_grep "<span id=\"total\">69%</span>" index.dom
'

test_expect_success GZIP,CHROMIUM,XMLLINT,JQ 'each file page loads and marks its lines' '
	for f in proj/htmlcov/*_*.html; do
		dump_dom "$f" page.dom &&
		name=$(sed -n "s/.*<h1>Coverage for <code>\([^<]*\)<.*/\1/p" page.dom) &&
		run=$(grep -c "class=\"l run\"" page.dom || :) &&
		mis=$(grep -c "class=\"l mis" page.dom || :) &&
		want=$(jq -r ".files[\"$name\"].summary | \"\\(.covered_lines) \\(.missing_lines)\"" proj/coverage.json) &&
		test "$run $mis" = "$want" || {
			echo "$f ($name): $run run, $mis missed; want $want" >&2
			return 1
		}
	done
'

test_expect_success GZIP,CHROMIUM 'the index sorts by a column and filters by name' '
	cat >sort.html <<-\EOF &&
	<!DOCTYPE html><html><head><meta charset="utf-8">
	<link rel="icon" href="data:,"></head><body>
	<pre id="result">pending</pre>
	<iframe id="f" src="proj/htmlcov/index.html"></iframe>
	<script>
	"use strict";
	function names(d) {
	  var r = [], rows = d.querySelectorAll("#files tbody tr");
	  for (var i = 0; i < rows.length; i++)
	    if (!rows[i].hidden) r.push(rows[i].cells[0].textContent);
	  return r.join(",");
	}
	document.getElementById("f").addEventListener("load", function () {
	  var d = this.contentDocument, out = [], th;
	  th = d.querySelectorAll("#files thead th");
	  out.push("name " + names(d));
	  th[5].click(); out.push("cover " + names(d));
	  th[5].click(); out.push("-cover " + names(d));
	  th[1].click(); out.push("stmts " + names(d));
	  th[0].click(); out.push("name " + names(d));
	  var f = d.getElementById("filter");
	  f.value = "SRC/"; f.dispatchEvent(new Event("input"));
	  out.push("filter " + names(d) + " (" +
	    d.getElementById("shown").textContent + ")");
	  document.getElementById("result").textContent = out.join("\n");
	});
	</script></body></html>
	EOF
	dump_dom sort.html sort.dom &&
	sed -n "/<pre id=\"result\">/,/<\/pre>/p" sort.dom |
	    sed "s/<[^>]*>//g" >got &&
	cat >expect <<-\EOF &&
	name lib/c.h,src/a.c,src/b.c
	cover lib/c.h,src/a.c,src/b.c
	-cover src/b.c,src/a.c,lib/c.h
	stmts lib/c.h,src/b.c,src/a.c
	name lib/c.h,src/a.c,src/b.c
	filter src/a.c,src/b.c (2 of 3 files)
	EOF
	test_cmp expect got
'

test_expect_success GZIP,CHROMIUM 'j and k jump between the missed blocks' '
	page=$(grep -l "Coverage for <code>src/a.c</code>" proj/htmlcov/*_*.html) &&
	cat >keys.html <<-EOF &&
	<!DOCTYPE html><html><head><meta charset="utf-8">
	<link rel="icon" href="data:,"></head><body>
	<pre id="result">pending</pre>
	<iframe id="f" src="$page"></iframe>
	<script>
	"use strict";
	document.getElementById("f").addEventListener("load", function () {
	  var d = this.contentDocument, w = this.contentWindow, out = [];
	  ["j", "j", "j", "k"].forEach(function (k) {
	    d.dispatchEvent(new KeyboardEvent("keydown", {key: k}));
	    out.push(k + " " + w.location.hash);
	  });
	  d.getElementById("prev").click();
	  out.push("prev " + w.location.hash + " " +
	    d.getElementById("where").textContent);
	  document.getElementById("result").textContent = out.join("\n");
	});
	</script></body></html>
	EOF
	dump_dom keys.html keys.dom &&
	sed -n "/<pre id=\"result\">/,/<\/pre>/p" keys.dom |
	    sed "s/<[^>]*>//g" >got &&
	cat >expect <<-\EOF &&
	j #L5
	j #L8
	j #L5
	k #L8
	prev #L5 missed block 1 of 2
	EOF
	test_cmp expect got
'

test_expect_success GZIP,CHROMIUM 'an unreadable source gets a note, and its lines' '
	"$COVTRACE" report --data-file=gone.data --cov-report=html:gone &&
	page=$(ls gone/*_*.html) &&
	dump_dom "$page" gone.dom &&
	test_grep "id=\"unreadable\"" gone.dom &&
	test_grep "could not be read (No such file or directory)" gone.dom &&
	test "$(grep -c "class=\"l " gone.dom)" = 3 &&
	test_grep "id=\"L7\"" gone.dom
'

test_expect_success GZIP,CHROMIUM 'keep screenshots of the index and a page' '
	shots="$TEST_BUILDDIR/t4005-report-html" &&
	page=$(grep -l "Coverage for <code>src/a.c</code>" proj/htmlcov/*_*.html) &&
	browse --window-size=1024,600 --screenshot="$shots-index.png" \
	    "file://$PWD/proj/htmlcov/index.html" >/dev/null 2>&1 &&
	browse --window-size=1024,768 --screenshot="$shots-page.png" \
	    "file://$PWD/$page" >/dev/null 2>&1 &&
	test -s "$shots-index.png" &&
	test -s "$shots-page.png" &&
	say "screenshots: $shots-index.png $shots-page.png"
'

test_expect_success GZIP '--skip-covered leaves full files out of the index' '
	report_in_proj --cov-report=html:skip --skip-covered &&
	test_grep "1 file skipped due to complete coverage" proj/skip/index.html &&
	test_grep -v "src/b.c" proj/skip/index.html
'

test_expect_success GZIP 'a site that cannot be written fails (1)' '
	: >blocker &&
	test_expect_code 1 "$COVTRACE" report --data-file=proj.data \
	    --cov-report=html:blocker/site 2>err &&
	test_grep "blocker/site" err
'

test_done
