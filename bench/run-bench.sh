#!/usr/bin/env bash
# `make bench`: time covtrace against the untraced run on generated C
# programs (issue 2, "Benchmarks") and print one line per workload: the
# measured figure, the target and PASS or MISS.
#
# Usage: bench/run-bench.sh
# Environment:
#   COVTRACE     the covtrace binary (required)
#   BENCH_DIR    scratch directory (default: bench/out); emptied first
#   CC           C compiler for the workloads (default: cc); always -g -O0
#   BENCH_RUNS   alternating runs of the long workloads (default and
#                minimum 5)
#   BENCH_FAST_RUNS  alternating runs of the short ones (default 11)
#
# Each figure comes from the medians of alternating runs (untraced,
# traced[, traced --cpu=same], untraced, ...) within this one run of the
# script, with a warm line-table cache (XDG_CACHE_HOME under BENCH_DIR,
# warmed by one traced run of each workload first).  Missing a target is
# reported, not fatal: the exit status is 0 unless something failed (a
# workload that does not build, a traced run whose exit status or standard
# output differs from the untraced run's, or that prints no report).

# Re-run under bash when started by another shell (make's $(SHELL)).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -uo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
covtrace=${COVTRACE:-}
scratch=${BENCH_DIR:-bench/out}
cc=${CC:-cc}
runs=${BENCH_RUNS:-5}
fast_runs=${BENCH_FAST_RUNS:-11}

die() {
	echo "run-bench: $*" >&2
	exit 2
}

[ -n "$covtrace" ] || die "set COVTRACE to the covtrace binary"
[ -x "$covtrace" ] || die "$covtrace: not an executable"
case $covtrace in /*) ;; *) covtrace=$PWD/$covtrace ;; esac
case $runs in '' | *[!0-9]*) die "BENCH_RUNS must be a number" ;; esac
case $fast_runs in '' | *[!0-9]*) die "BENCH_FAST_RUNS must be a number" ;; esac
[ "$runs" -ge 5 ] || runs=5
[ "$fast_runs" -ge 5 ] || fast_runs=5

rm -rf "$scratch"
mkdir -p "$scratch" || die "cannot create $scratch"
scratch=$(cd "$scratch" && pwd)
export XDG_CACHE_HOME=$scratch/cache
failed=0

# --- timing -------------------------------------------------------------

# stamp: set $now to the wall clock in microseconds (no fork with bash 5).
now=0
stamp() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		now=${EPOCHREALTIME/[.,]/}
	else
		now=$(date +%s%6N)
	fi
}

# median: the median of the numbers in $@.
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
	END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# calc EXPR: evaluate an awk expression (floating point).
calc() {
	awk "BEGIN { print $1 }"
}

# run_once TAG CMD...: run CMD in $scratch with stdin from /dev/null,
# stdout to TAG.out and stderr to TAG.err; set $elapsed (us) and $rc.
elapsed=0
rc=0
run_once() {
	local tag=$1 t0
	shift
	# The output files are opened, and truncated, before the clock
	# starts: freeing the blocks of the last run's output is the shell's
	# work, and on a file system mounted with discard it costs up to a
	# millisecond, more for a traced run, whose report fills stderr.
	exec 3>"$scratch/$tag.out" 4>"$scratch/$tag.err"
	stamp
	t0=$now
	"$@" </dev/null >&3 2>&4 3>&- 4>&-
	rc=$?
	stamp
	exec 3>&- 4>&-
	elapsed=$((now - t0))
}

# check_traced TAG: compare run TAG (traced) with the untraced run; on a
# difference say so and return 1.
check_traced() {
	local tag=$1
	if [ "$rc" -ne "$ref_rc" ]; then
		echo "run-bench: $tag: exit status $rc, untraced $ref_rc" >&2
		return 1
	fi
	if ! cmp -s "$scratch/$tag.out" "$scratch/$cur.ref.out"; then
		echo "run-bench: $tag: standard output differs from the untraced run's:" >&2
		diff "$scratch/$cur.ref.out" "$scratch/$tag.out" | head -n 10 >&2
		return 1
	fi
	if ! grep -q '^TOTAL ' "$scratch/$tag.err"; then
		echo "run-bench: $tag: no coverage report; its standard error:" >&2
		head -n 20 "$scratch/$tag.err" >&2
		return 1
	fi
	if grep -q '^covtrace: warning: ' "$scratch/$tag.err"; then
		echo "run-bench: note: $tag: covtrace warned:" >&2
		grep '^covtrace: warning: ' "$scratch/$tag.err" | head -n 5 >&2
	fi
	return 0
}

# measure NAME N [VARIANT]... -- CMD...: N alternating rounds of CMD
# untraced, then traced once per VARIANT (extra covtrace options, "-" for
# none).  Sets $med_u and med_t[i] (us, one per variant); the last traced
# run of variant i leaves its output in NAME.t<i>.{out,err}.
# Returns 1 when a run failed.
cur=
ref_rc=0
med_u=0
med_t=()
measure() {
	local name=$1 n=$2 i k
	local -a variants=() tu=() tt=()
	shift 2
	while [ "$1" != -- ]; do
		variants+=("$1")
		shift
	done
	shift
	cur=$name
	med_t=()
	for ((k = 0; k < n; k++)); do
		run_once "$name.untraced" "$@"
		if [ "$k" -eq 0 ]; then
			ref_rc=$rc
			cp "$scratch/$name.untraced.out" "$scratch/$name.ref.out"
			if [ "$rc" -ne 0 ]; then
				echo "run-bench: $name: the untraced run exited $rc" >&2
				return 1
			fi
		elif [ "$rc" -ne "$ref_rc" ] ||
			! cmp -s "$scratch/$name.untraced.out" "$scratch/$name.ref.out"; then
			echo "run-bench: $name: untraced runs differ" >&2
			return 1
		fi
		tu+=("$elapsed")
		for i in "${!variants[@]}"; do
			local -a opts=(-v "--cov=$scratch" "--data-file=$scratch/$name.t$i.covtrace")
			[ "${variants[$i]}" = - ] || opts+=("${variants[$i]}")
			run_once "$name.t$i" "$covtrace" "${opts[@]}" -- "$@"
			check_traced "$name.t$i" || return 1
			tt[i]="${tt[i]:-} $elapsed"
		done
	done
	med_u=$(median "${tu[@]}")
	for i in "${!variants[@]}"; do
		# shellcheck disable=SC2086 # the list of times, split on purpose
		med_t[i]=$(median ${tt[i]})
	done
	return 0
}

# warm NAME CMD...: one traced run to fill the line-table cache (and to
# see that the workload runs at all).
warm() {
	local name=$1
	shift
	run_once "$name.warm" "$covtrace" "--cov=$scratch" \
		"--data-file=$scratch/$name.warm.covtrace" -- "$@"
	if [ "$rc" -ne 0 ] || ! grep -q '^TOTAL ' "$scratch/$name.warm.err"; then
		echo "run-bench: $name: the warm-up traced run exited $rc:" >&2
		head -n 20 "$scratch/$name.warm.err" >&2
		return 1
	fi
}

# --- reading covtrace's output ---------------------------------------------

# stat_field TAG WORD: the number before WORD ("breakpoints", "execs",
# ...) in the -v summary line of run TAG.
stat_field() {
	awk -v w="$2" '/^covtrace: [0-9]+ processes, / {
		for (i = 2; i <= NF; i++) if ($i ~ "^" w) { print $(i - 1); exit }
	}' "$scratch/$1.err"
}

# file_hits TAG FILE: "STMTS MISS" of FILE in the term report of run TAG
# (nothing when FILE is not in the report).
file_hits() {
	awk -v f="$2" '$1 == f && $2 ~ /^[0-9]+$/ { print $2, $3; exit }' \
		"$scratch/$1.err"
}

# --- printing -----------------------------------------------------------

# verdict VALUE LIMIT: PASS when VALUE <= LIMIT, else MISS.
verdict() {
	awk -v v="$1" -v l="$2" 'BEGIN { print (v <= l) ? "PASS" : "MISS" }'
}

# row NAME FIGURE TARGET VERDICT DETAILS
row() {
	printf '%-22s %-40s %-28s %-4s  %s\n' "$1" "$2" "target $3" "$4" "$5"
}

# fail_row NAME: the line of a workload that could not be measured.
fail_row() {
	row "$1" "(failed, see above)" "-" FAIL ""
	failed=1
}

ms() { calc "$1 / 1000"; }
fmt() { awk -v f="$1" -v v="$2" 'BEGIN { printf f, v }'; }

# times_detail U T...: "untraced 1.2 ms, traced 7.3 ms" from microseconds.
times_detail() {
	local s
	s="untraced $(fmt %.1f "$(ms "$1")") ms, traced $(fmt %.1f "$(ms "$2")") ms"
	[ $# -lt 3 ] || s="$s, --cpu=same $(fmt %.1f "$(ms "$3")") ms"
	echo "$s"
}

# --- the workloads ------------------------------------------------------

echo "covtrace benchmarks: $covtrace"
echo "$(nproc) CPUs, $(uname -srm), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q __asan_init "$covtrace" 2>/dev/null; then
	echo "note: this covtrace is built with AddressSanitizer: figures are pessimistic"
fi
echo "medians of $runs (long workloads) or $fast_runs (short ones) alternating runs, warm line-table cache"
if [ -w /dev/cpu_dma_latency ]; then
	echo "--idle=poll (the default) can make its CPU latency request here"
else
	echo "note: /dev/cpu_dma_latency is not writable: --idle=poll is the same as --idle=sleep here"
fi

echo "generating and compiling the workloads in $scratch ..."
bash "$here/gen-workloads.sh" "$scratch" || die "cannot generate the workloads"
(
	cd "$scratch" &&
		for p in empty hot big child driver forks; do
			"$cc" -g -O0 -o "$p" "$p.c" || exit 1
		done &&
		"$cc" -g -O0 -pthread -o threads threads.c &&
		"$cc" -O2 -o maxrss maxrss.c
) || die "cannot compile the workloads with $cc"
cd "$scratch" || die "cannot enter $scratch"

for w in "empty ./empty" "hot ./hot 1000" "big ./big" "driver ./driver ./child 2" \
	"forks ./forks" "threads ./threads 1000"; do
	# shellcheck disable=SC2086 # "name command args", split on purpose
	warm $w || failed=1
done
echo

# 1. Empty main: the fixed cost of a run, report included.
fixed=""
if measure empty "$fast_runs" - --cpu=same -- ./empty; then
	fixed=$(calc "(${med_t[0]} - $med_u) / 1000")
	same=$(calc "(${med_t[1]} - $med_u) / 1000")
	row empty-main "fixed cost $(fmt %+.1f "$fixed") ms over untraced" "<= 20 ms" \
		"$(verdict "$fixed" 20)" "$(times_detail "$med_u" "${med_t[0]}")"
	row "  --cpu=same" "fixed cost $(fmt %+.1f "$same") ms over untraced" "<= 20 ms" \
		"$(verdict "$same" 20)" ""
else
	fail_row empty-main
fi

# 2. 96 lines in a hot loop, 10^8 iterations.
if measure hot "$runs" - -- ./hot; then
	ratio=$(calc "${med_t[0]} / $med_u")
	row hot-loop "$(fmt %.3f "$ratio")x" "<= 1.05x" "$(verdict "$ratio" 1.05)" \
		"$(times_detail "$med_u" "${med_t[0]}")"
else
	fail_row hot-loop
fi

# 3. 2,000 functions x 25 statements, all run once.
big_u=""
big_t=0
if measure big "$fast_runs" - --cpu=same --idle=sleep -- ./big; then
	big_u=$med_u
	big_t=${med_t[0]}
	read -r stmts miss <<<"$(file_hits big.t0 big.c)"
	hits=$((${stmts:-0} - ${miss:-0}))
	if [ "$hits" -le 0 ]; then
		echo "run-bench: big: no line of big.c hit" >&2
		fail_row many-lines
	else
		per=$(calc "(${med_t[0]} - $med_u) / $hits")
		same=$(calc "(${med_t[1]} - $med_u) / $hits")
		row many-lines "$(fmt %.2f "$per") us per line hit ($hits lines)" "<= 15 us per line" \
			"$(verdict "$per" 15)" "$(times_detail "$med_u" "${med_t[0]}" "${med_t[1]}")"
		row "  --cpu=same" "$(fmt %.2f "$same") us per line hit" "<= 15 us per line" \
			"$(verdict "$same" 15)" ""
		sleep_per=$(calc "(${med_t[2]} - $med_u) / $hits")
		row "  --idle=sleep" "$(fmt %.2f "$sleep_per") us per line hit" "<= 15 us per line" \
			"$(verdict "$sleep_per" 15)" "traced $(fmt %.1f "$(ms "${med_t[2]}")") ms"
	fi
else
	fail_row many-lines
fi

# 4. The same binary, one function run: the arming cost.
if measure arm "$fast_runs" - -- ./big one; then
	armed=$(stat_field arm.t0 breakpoints)
	if [ -z "$armed" ] || [ "$armed" -le 0 ]; then
		echo "run-bench: arm: no \"breakpoints armed\" count in covtrace -v's output" >&2
		fail_row arming
	else
		per=$(calc "(${med_t[0]} - $med_u) * 1000 / $armed")
		detail="$(times_detail "$med_u" "${med_t[0]}")"
		if [ -n "$fixed" ]; then
			net=$(calc "((${med_t[0]} - $med_u) - $fixed * 1000) * 1000 / $armed")
			detail="$detail; $(fmt %.0f "$net") ns net of the empty-main fixed cost"
		fi
		row arming "$(fmt %.0f "$per") ns per armed address ($armed)" "<= 50 ns per address" \
			"$(verdict "$per" 50)" "$detail"
	fi
else
	fail_row arming
fi

# 5. A driver that fork+execs a small program 200 times.
if measure exec "$fast_runs" - --cpu=same -- ./driver ./child 200; then
	per=$(calc "(${med_t[0]} - $med_u) / 1000 / 200")
	same=$(calc "(${med_t[1]} - $med_u) / 1000 / 200")
	execs=$(stat_field exec.t0 execs)
	read -r stmts miss <<<"$(file_hits exec.t0 child.c)"
	if [ -n "${stmts:-}" ] && [ $((stmts - miss)) -gt 0 ]; then
		covered="children covered"
		v=$(verdict "$per" 3)
		vs=$(verdict "$same" 3)
	else
		covered="children NOT covered"
		v=MISS
		vs=MISS
	fi
	row exec-200 "$(fmt %.2f "$per") ms per exec, $covered" "<= 3 ms per exec" "$v" \
		"$(times_detail "$med_u" "${med_t[0]}" "${med_t[1]}"); $execs execs seen"
	row "  --cpu=same" "$(fmt %.2f "$same") ms per exec" "<= 3 ms per exec" "$vs" ""
else
	fail_row exec-200
fi

# 6. 200 forks running child-only code.
if measure forks "$fast_runs" - --cpu=same -- ./forks; then
	per=$(calc "(${med_t[0]} - $med_u) / 1000 / 200")
	same=$(calc "(${med_t[1]} - $med_u) / 1000 / 200")
	procs=$(stat_field forks.t0 processes)
	read -r stmts miss <<<"$(file_hits forks.t0 forks.c)"
	if [ -n "${stmts:-}" ] && [ "$miss" -eq 0 ]; then
		covered="child code covered"
		v=$(verdict "$per" 0.5)
		vs=$(verdict "$same" 0.5)
	else
		covered="child code NOT covered (${miss:-all} lines missed)"
		v=MISS
		vs=MISS
	fi
	row fork-200 "$(fmt %.3f "$per") ms per fork, $covered" "<= 0.5 ms per fork" "$v" \
		"$(times_detail "$med_u" "${med_t[0]}" "${med_t[1]}"); $procs processes seen"
	row "  --cpu=same" "$(fmt %.3f "$same") ms per fork" "<= 0.5 ms per fork" "$vs" ""
else
	fail_row fork-200
fi

# 7. 8 threads x 10^8 iterations, with the default CPU placement and
# with --cpu=same.
if measure threads "$runs" - --cpu=same -- ./threads; then
	ratio=$(calc "${med_t[0]} / $med_u")
	same=$(calc "${med_t[1]} / $med_u")
	row threads "$(fmt %.3f "$ratio")x" "<= 1.2x" "$(verdict "$ratio" 1.2)" \
		"$(times_detail "$med_u" "${med_t[0]}" "${med_t[1]}")"
	row "  --cpu=same" "$(fmt %.3f "$same")x" "<= 1.2x" "$(verdict "$same" 1.2)" ""
else
	fail_row threads
fi

# 8. Peak RSS of covtrace on the largest workload (3), warm and cold cache;
# the target applies to the larger.  Then the cold-cache cost of
# workload 3, as information.
rss_run() {
	run_once "$1" ./maxrss "$scratch/$1.rss" "$covtrace" -v "--cov=$scratch" \
		"--data-file=$scratch/$1.covtrace" -- ./big
	check_traced "$1"
}
cur=big
ref_rc=0
if rss_run rss-warm && XDG_CACHE_HOME=$scratch/cold-cache rss_run rss-cold; then
	warm_kb=$(cat "$scratch/rss-warm.rss")
	cold_kb=$(cat "$scratch/rss-cold.rss")
	peak=$(calc "($warm_kb > $cold_kb ? $warm_kb : $cold_kb) / 1024")
	row peak-rss "$(fmt %.1f "$peak") MB (many-lines)" "<= 50 MB" "$(verdict "$peak" 50)" \
		"warm cache $(fmt %.1f "$(calc "$warm_kb / 1024")") MB, cold $(fmt %.1f "$(calc "$cold_kb / 1024")") MB"
else
	fail_row peak-rss
fi

if [ -n "$big_u" ]; then
	cold=()
	for k in 1 2 3; do
		rm -rf "$scratch/cold-cache"
		XDG_CACHE_HOME=$scratch/cold-cache run_once "cold$k" "$covtrace" -v "--cov=$scratch" \
			"--data-file=$scratch/cold.covtrace" -- ./big
		check_traced "cold$k" || {
			fail_row cold-cache
			break
		}
		cold+=("$elapsed")
	done
	if [ ${#cold[@]} -eq 3 ]; then
		c=$(median "${cold[@]}")
		row "many-lines cold cache" "$(fmt %+.1f "$(calc "($c - $big_u) / 1000")") ms over untraced" "(information)" "" \
			"median of 3, warm-cache traced run $(fmt %.1f "$(ms "$big_t")") ms"
	fi
fi

echo
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (figures from a busy machine are pessimistic)"
exit "$failed"
