#!/usr/bin/env bash
# `make bench`, distributed runs (issue 5): on an exec-heavy suite split
# into jobs, how much faster -n 2 is than -n 1, the dispatcher's overhead
# per job, and that the union of the workers' results equals the serial
# run's.  Prints one line per figure with its target and PASS or MISS.
#
# Usage: bench/dist-bench.sh
# Environment:
#   COVTRACE     the covtrace binary (required)
#   BENCH_DIR    scratch directory (default: bench/out-dist); emptied first
#   CORPUS_DIR   zlib and jq built by /work/shared/corpus/build.sh
#                (default: the first of ../shared/corpus-out, /tmp/corpus
#                that holds them); without it, a generated suite is used
#   CC           C compiler for the generated suite (default: cc)
#   BENCH_RUNS   timed runs of each configuration (default 3; the median
#                counts)
#
# The suite: zlib's test programs (examplesh, and minigzipsh round trips
# of three data files at six settings) and jq's test suite (jq.test cut
# into 16 pieces at test boundaries, onig.test, base64.test), one job
# each.  The line-table cache is warmed by one run first.  Missing a
# target is reported, not fatal: the exit status is 0 unless a run failed
# or the parallel result differs from the serial one.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -uo pipefail
export LC_ALL=C

covtrace=${COVTRACE:-}
scratch=${BENCH_DIR:-bench/out-dist}
cc=${CC:-cc}
runs=${BENCH_RUNS:-3}

die() {
	echo "dist-bench: $*" >&2
	exit 2
}

[ -n "$covtrace" ] || die "set COVTRACE to the covtrace binary"
[ -x "$covtrace" ] || die "$covtrace: not an executable"
case $covtrace in /*) ;; *) covtrace=$PWD/$covtrace ;; esac
case $runs in '' | *[!0-9]*) die "BENCH_RUNS must be a number" ;; esac
[ "$runs" -ge 1 ] || runs=1

rm -rf "$scratch"
mkdir -p "$scratch" || die "cannot create $scratch"
scratch=$(cd "$scratch" && pwd)
export XDG_CACHE_HOME=$scratch/cache
failed=0

corpus_ok() {
	[ -x "$1/zlib/debug/minigzipsh" ] && [ -x "$1/jq/debug/jq" ]
}
if [ -n "${CORPUS_DIR:-}" ] && ! corpus_ok "$CORPUS_DIR"; then
	echo "dist-bench: no zlib and jq builds in $CORPUS_DIR" >&2
	CORPUS_DIR=
elif [ -z "${CORPUS_DIR:-}" ]; then
	for d in "$(dirname "$0")/../../shared/corpus-out" /tmp/corpus; do
		if corpus_ok "$d"; then
			CORPUS_DIR=$(cd "$d" && pwd)
			break
		fi
	done
fi

# --- the suite ------------------------------------------------------------

# corpus_jobs FILE: one job per line, for the zlib and jq builds; the
# zlib ones also into $same_jobs.  jq seeds its hash tables at random in
# every process (Debian builds it with getentropy), so which lines of its
# collision paths run differs between any two runs, serial or not: the
# equality check uses the zlib jobs, which are deterministic.
corpus_jobs() {
	local z=$CORPUS_DIR/zlib j=$CORPUS_DIR/jq/debug out=$1 tmp=$scratch/tmp
	mkdir -p "$tmp" "$scratch/jq-pieces"
	: >"$out"
	echo "$z/debug/examplesh $tmp/example.out" >>"$out"
	for f in text.txt rand.bin zeros.bin; do
		for opt in -1 -6 -9 -f -h -r; do
			echo "sh -c '$z/debug/minigzipsh $opt -c $z/data/$f >$tmp/$f$opt.gz && $z/debug/minigzipsh -d -c $tmp/$f$opt.gz | cmp - $z/data/$f'" >>"$out"
		done
	done
	cp "$out" "$same_jobs"
	# jq.test in 16 pieces, cut at the blank lines between tests.
	awk -v dir="$scratch/jq-pieces" -v n=16 '
		{ lines[NR] = $0 }
		END {
			per = int(NR / n) + 1; piece = 0; count = 0
			for (i = 1; i <= NR; i++) {
				f = sprintf("%s/jq-%02d.test", dir, piece)
				print lines[i] > f
				count++
				if (count >= per && lines[i] == "" && piece < n - 1) {
					close(f); piece++; count = 0
				}
			}
		}' "$j/tests/jq.test"
	for p in "$scratch"/jq-pieces/jq-*.test "$j/tests/onig.test" \
	    "$j/tests/base64.test"; do
		echo "$j/jq -L $j/tests/modules --run-tests $p" >>"$out"
	done
	cov_args=(--cov="$CORPUS_DIR/zlib/debug" --cov="$CORPUS_DIR/jq/debug")
	suite="zlib and jq from $CORPUS_DIR"
}

# generated_jobs FILE: a program of 300 functions, run 40 times, each run
# exec'ing it again a few times (no corpus at hand).
generated_jobs() {
	local out=$1 src=$scratch/gen.c
	{
		echo '#include <stdlib.h>'
		echo '#include <unistd.h>'
		echo '#include <sys/wait.h>'
		for i in $(seq 0 299); do
			echo "int f$i(int x) { int y = x * $i; if (y % 7 == 3) y++; return y + 1; }"
		done
		echo 'int main(int argc, char **argv) {'
		echo '	int n = argc > 1 ? atoi(argv[1]) : 0, s = 0;'
		for i in $(seq 0 299); do
			echo "	if (n % 300 <= $i) s += f$i(n);"
		done
		echo '	if (argc > 2 && atoi(argv[2]) > 0) {'
		echo '		for (int k = 0; k < 20; k++) { pid_t p = fork(); if (p == 0) { execl(argv[0], argv[0], argv[1], (char *)0); _exit(127); } waitpid(p, NULL, 0); }'
		echo '	}'
		echo '	return s == -1;'
		echo '}'
	} >"$src"
	"$cc" -g -O0 -o "$scratch/gen" "$src" || die "cannot build the generated suite"
	: >"$out"
	for i in $(seq 1 40); do
		echo "$scratch/gen $((i * 7)) 1" >>"$out"
	done
	cp "$out" "$same_jobs"
	cov_args=(--cov="$scratch")
	suite="generated (no corpus: set CORPUS_DIR)"
}

jobs=$scratch/jobs.txt
same_jobs=$scratch/same-jobs.txt
if [ -n "${CORPUS_DIR:-}" ]; then
	corpus_jobs "$jobs"
else
	generated_jobs "$jobs"
fi
njobs=$(wc -l <"$jobs")

# --- timing -----------------------------------------------------------------

now_us() {
	local t=${EPOCHREALTIME/./}
	echo "$t"
}

# timed OUTVAR DATA ARGS...: run covtrace on the jobs, the wall time in
# microseconds into OUTVAR.
timed() {
	local var=$1 data=$2 t0 t1
	shift 2
	t0=$(now_us)
	"$covtrace" "${cov_args[@]}" --cov-report= -q --data-file="$data" \
	    "$@" >"$scratch/out.log" 2>"$scratch/err.log"
	local st=$?
	t1=$(now_us)
	if [ "$st" != 0 ]; then
		echo "dist-bench: covtrace $* exited $st:" >&2
		tail -20 "$scratch/err.log" >&2
		failed=1
	fi
	printf -v "$var" '%s' $((t1 - t0))
}

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

report() {
	# report NAME FIGURE TARGET OK
	printf '%-22s %-26s %-18s %s\n' "$1" "$2" "$3" "$( [ "$4" = 1 ] && echo PASS || echo MISS)"
}

echo "dist-bench: $njobs jobs, $suite; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# Warm the line-table cache.
timed warm "$scratch/warm.data" -n 2 --jobs-from="$jobs"

t1s=() t2s=()
for _ in $(seq 1 "$runs"); do
	timed t "$scratch/n1.data" -n 1 --jobs-from="$jobs"
	t1s+=("$t")
	timed t "$scratch/n2.data" -n 2 --jobs-from="$jobs"
	t2s+=("$t")
done
t1=$(median "${t1s[@]}")
t2=$(median "${t2s[@]}")
speedup=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')
report "speedup -n 2 / -n 1" "${speedup}x ($((t1 / 1000)) / $((t2 / 1000)) ms)" ">= 1.70x" \
    "$(awk -v s="$speedup" 'BEGIN { print (s >= 1.7) ? 1 : 0 }')"

# Equality: the workers' union is the serial (--dist no) result.
timed serial "$scratch/serial.data" --dist no --jobs-from="$same_jobs"
timed parallel "$scratch/parallel.data" -n 2 --jobs-from="$same_jobs"
strip() {
	grep -v -e '^run ' -e '^end ' -e '^worker' "$1"
}
if strip "$scratch/serial.data" | cmp -s - <(strip "$scratch/parallel.data"); then
	report "union == serial" "identical" "identical" 1
else
	report "union == serial" "DIFFERENT" "identical" 0
	failed=1
fi

# Per-job overhead: 200 trivial jobs on one worker, against the same 200
# traced in-process by --dist no; the difference is the dispatcher's.
trivial=$scratch/trivial.txt
for _ in $(seq 1 200); do echo "true"; done >"$trivial"
o1s=() o0s=()
for _ in $(seq 1 "$runs"); do
	timed t "$scratch/t1.data" -n 1 --jobs-from="$trivial"
	o1s+=("$t")
	timed t "$scratch/t0.data" --dist no --jobs-from="$trivial"
	o0s+=("$t")
done
o1=$(median "${o1s[@]}")
o0=$(median "${o0s[@]}")
per=$(awk -v a="$o1" -v b="$o0" 'BEGIN { printf "%.2f", (a - b) / 200 / 1000 }')
report "overhead per job" "$per ms" "<= 5 ms" \
    "$(awk -v p="$per" 'BEGIN { print (p <= 5) ? 1 : 0 }')"

exit $failed
