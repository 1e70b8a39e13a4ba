#!/bin/bash
# check-corpus.sh: covtrace against gcov on real projects (zlib, jq) built
# from their Debian source packages by ../shared/corpus/build.sh.
#
# usage: t/check-corpus.sh [PROJECT...]        (default: zlib jq)
# environment:
#   COVTRACE      the covtrace binary (default: ./covtrace)
#   CORPUS_DIR    where the corpus is built (default: ./corpus-out)
#   CORPUS_BUILD  the build script (default: ../shared/corpus/build.sh
#                 beside the source tree)
#
# For each project, two checks:
#  1. Same run: the project's workload runs once on its --coverage build
#     under covtrace, so gcov and covtrace watch the very same execution.
#     Among lines both count as statements, every line covtrace reports run
#     must have a gcov count > 0, and at least 99.5% of the lines gcov saw
#     run must be reported.  This is the strict gate.
#  2. The -g -O0 build under covtrace against the truth that build.sh
#     recorded from a separate gcov run: the workload's results must be
#     the same as untraced, and at least 99.5% of the comparable lines gcov
#     saw run must be reported.  Lines reported run that the separate gcov
#     run did not see are listed: a workload that is not deterministic
#     (jq's object hashing order, for one) shows up there.
# It prints the figures (lines, agreement, traced time against untraced)
# and exits non-zero when a gate fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
COVTRACE=${COVTRACE:-$PWD/covtrace}
CORPUS_DIR=${CORPUS_DIR:-$PWD/corpus-out}
CORPUS_BUILD=${CORPUS_BUILD:-$top/../shared/corpus/build.sh}
projects=${*:-zlib jq}
export LC_ALL=C
failures=0

die() {
	echo "check-corpus: $*" >&2
	exit 2
}

[ -x "$COVTRACE" ] || die "no covtrace binary at '$COVTRACE'"
[ -f "$CORPUS_BUILD" ] || die "no corpus build script at '$CORPUS_BUILD'"
CORPUS_DIR=$(realpath -m "$CORPUS_DIR")
COVTRACE=$(realpath "$COVTRACE")

echo "building the corpus in $CORPUS_DIR (stamped steps are skipped)"
# shellcheck disable=SC2086
JOBS=${JOBS:-2} O2=0 TIMING=0 STRACE=0 REPEAT=0 \
    bash "$CORPUS_BUILD" "$CORPUS_DIR" $projects >"$CORPUS_DIR.build.log" 2>&1 ||
	die "the corpus build failed: see $CORPUS_DIR.build.log"

now() {
	date +%s.%N
}

# Expand a covtrace data file into "path:line" lines, relative to root:
# the hit lines (mode=hit) or all statement lines (mode=stmt).
data_lines() {
	awk -v root="$1" -v mode="$2" '
	function emit(r,   n, i, p, a, k) {
		n = split(r, p, ",")
		for (i = 1; i <= n; i++)
			if (split(p[i], a, "-") == 2)
				for (k = a[1] + 0; k <= a[2] + 0; k++)
					print file ":" k
			else
				print file ":" p[i]
	}
	$1 == "file" {
		file = $2
		gsub(/%20/, " ", file)
		gsub(/%3[Dd]/, "=", file)
		gsub(/%25/, "%", file)
		if (index(file, root "/") == 1)
			file = substr(file, length(root) + 2)
	}
	$1 == "lines" && mode == "stmt" && $2 != "-" { emit($2) }
	$1 == "hit" && mode == "hit" && $2 != "-" { emit($2) }
	' "$3" | sort -u
}

count() {
	wc -l <"$1" | tr -d ' '
}

percent() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "100.00"; else printf "%.2f", 100 * a / b }'
}

gate() {	# gate NAME OK-CONDITION-STATUS
	if [ "$2" -eq 0 ]; then
		echo "  PASS $1"
	else
		echo "  FAIL $1"
		failures=$((failures + 1))
	fi
}

same_run() {
	local p=$1 P=$CORPUS_DIR/$1 w
	w=$(mktemp -d "$CORPUS_DIR/$p.same.XXXXXX")
	find "$P/gcov" -name '*.gcda' -delete
	(cd "$P" && BUILD=gcov "$COVTRACE" -q --cov="$P/gcov" \
	    --cov-report= --data-file="$w/cov.data" -- ./run.sh) \
	    >"$w/run.log" 2>&1 || {
		echo "  FAIL the traced workload on the gcov build (see $w/run.log)"
		failures=$((failures + 1))
		return
	}
	mapfile -t globs <"$P/truth.globs"
	python3 "$CORPUS_DIR/tools/gcov2truth.py" "$P/gcov" "$w" "${globs[@]}" \
	    2>"$w/gcov2truth.log"
	data_lines "$P/gcov" hit "$w/cov.data" >"$w/hit"
	data_lines "$P/gcov" stmt "$w/cov.data" >"$w/stmt"
	comm -12 "$w/truth.stmts" "$w/stmt" >"$w/both"
	comm -12 "$w/truth.lines" "$w/both" >"$w/gcov-run"
	comm -12 "$w/hit" "$w/both" >"$w/cov-run"
	comm -23 "$w/cov-run" "$w/truth.lines" >"$w/false-hits"
	comm -12 "$w/gcov-run" "$w/cov-run" >"$w/agree"
	echo "  same run on the gcov build: $(count "$w/both") lines both count;" \
	    "gcov ran $(count "$w/gcov-run"), covtrace reports $(count "$w/agree")" \
	    "of them ($(percent "$(count "$w/agree")" "$(count "$w/gcov-run")")%);" \
	    "$(count "$w/false-hits") reported run that gcov did not see"
	head -5 "$w/false-hits" | sed 's/^/    reported but not run: /'
	gate "same run: no line reported run that did not run" "$(count "$w/false-hits")"
	local enough=0
	awk -v a="$(count "$w/agree")" -v b="$(count "$w/gcov-run")" \
	    'BEGIN { exit !(b == 0 || a >= 0.995 * b) }' || enough=1
	gate "same run: at least 99.5% of the lines gcov saw run" $enough
	find "$P/gcov" -name '*.gcda' -delete
}

debug_build() {
	local p=$1 P=$CORPUS_DIR/$1 w t0 t1 t2 u tr
	w=$(mktemp -d "$CORPUS_DIR/$p.debug.XXXXXX")
	local ust=0 tst=0
	t0=$(now)
	(cd "$P" && BUILD=debug ./run.sh) >"$w/untraced.log" 2>&1 || ust=$?
	t1=$(now)
	(cd "$P" && BUILD=debug "$COVTRACE" -q --cov="$P/debug" \
	    --cov-report= --data-file="$w/cov.data" -- ./run.sh) \
	    >"$w/traced.log" 2>&1 || tst=$?
	t2=$(now)
	u=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	tr=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')
	# Temporary directory names differ from run to run.
	grep -v '/tmp/' "$w/untraced.log" >"$w/untraced.cmp" || true
	grep -v '/tmp/' "$w/traced.log" >"$w/traced.cmp" || true
	local same=0
	[ "$ust" -eq "$tst" ] && cmp -s "$w/untraced.cmp" "$w/traced.cmp" || same=1
	gate "-O0 build: the workload's output and status are the same traced (status $tst)" $same
	data_lines "$P/debug" hit "$w/cov.data" >"$w/hit"
	data_lines "$P/debug" stmt "$w/cov.data" >"$w/stmt"
	comm -12 "$P/truth.stmts" "$w/stmt" >"$w/both"
	comm -12 "$P/truth.lines" "$w/both" >"$w/gcov-run"
	comm -12 "$w/hit" "$w/both" >"$w/cov-run"
	comm -12 "$w/gcov-run" "$w/cov-run" >"$w/agree"
	comm -23 "$w/cov-run" "$P/truth.lines" >"$w/extra"
	echo "  -O0 build: $(count "$w/stmt") statement lines, $(count "$w/hit") run;" \
	    "$(count "$w/both") lines both count; gcov ran $(count "$w/gcov-run")," \
	    "covtrace reports $(count "$w/agree") of them" \
	    "($(percent "$(count "$w/agree")" "$(count "$w/gcov-run")")%);" \
	    "untraced ${u} s, traced ${tr} s" \
	    "($(awk -v a="$u" -v b="$tr" 'BEGIN { printf "%.2f", b / a }')x)"
	echo "  reported run but not in build.sh's separate gcov run:" \
	    "$(count "$w/extra") line(s) $(head -3 "$w/extra" | tr '\n' ' ')"
	local enough=0
	awk -v a="$(count "$w/agree")" -v b="$(count "$w/gcov-run")" \
	    'BEGIN { exit !(b == 0 || a >= 0.995 * b) }' || enough=1
	gate "-O0 build: at least 99.5% of the lines gcov saw run" $enough
}

for p in $projects; do
	echo "== $p"
	same_run "$p"
	debug_build "$p"
done
echo "check-corpus: $failures gate(s) failed"
[ "$failures" -eq 0 ]
