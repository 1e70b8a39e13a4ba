#!/bin/sh
# `make bench` (bench-report): how long covtrace takes to write each report
# kind for a 50,000-statement program (issue 4: every text format in at most
# 0.3 s, HTML in at most 1 s).  No tracing: the data file and the sources
# are generated, in two shapes, one source file of 50,000 statements and
# 1,000 files of 50.  Prints one line per report and shape with the median
# of BENCH_RUNS runs, the target and PASS or MISS.  It reports, it does not
# gate: only a failed covtrace run makes it exit non-zero.
#
# Environment: COVTRACE (required), BENCH_DIR (scratch, emptied first;
# default bench/out/report), BENCH_RUNS (default 5).
set -u
LC_ALL=C
export LC_ALL
covtrace=${COVTRACE:?set COVTRACE to the covtrace binary}
dir=${BENCH_DIR:-bench/out/report}
runs=${BENCH_RUNS:-5}

rm -rf "$dir" && mkdir -p "$dir" || exit 2
cd "$dir" || exit 2
dir=$(pwd -P)

crc32 () {
	gzip -c <"$1" | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n'
}

# shape NAME NFILES NSTMTS: NAME.data and NAME/fNNN.c, every other line of
# a function run, one function per 25 statements, a few excluded lines.
shape () {
	mkdir -p "$1" &&
	awk -v dir="$dir/$1" -v nfiles="$2" -v nstmts="$3" '
	function enc(s) { gsub(/%/, "%25", s); gsub(/ /, "%20", s); return s }
	BEGIN {
		print "covtrace-data 2"
		print "run host=bench platform=linux%20x86_64 cwd=" enc(dir) \
		    " start=1700000000 duration=1 status=0 command=./big"
		print "module 0123456789abcdef " enc(dir) "/big"
		for (f = 0; f < nfiles; f++) {
			name = sprintf("%s/f%04d.c", dir, f)
			print "file " enc(name)
			print "modules 0"
			print "lines 1-" nstmts
			hits = ""
			for (l = 1; l <= nstmts; l += 2)
				hits = hits (hits == "" ? "" : ",") l
			print "hit " hits
			for (l = 1; l <= nstmts; l += 25)
				printf "function %d %d fn_%d_%d\n", l, (l % 50 == 1), f, l
			for (l = 1; l <= nstmts; l++) {
				if (l % 1000 == 0)
					printf "\tx = %d; // LCOV_EXCL_LINE\n", l >name
				else
					printf "\tstatement_%d(a, b, \"%d\");\n", l, l >name
			}
			close(name)
		}
	}
	' >"$1.body" || return 1
	n=$(grep -c '^file ' "$1.body")
	{ cat "$1.body" && echo "end $n $(crc32 "$1.body")"; } >"$1.data" &&
	rm -f "$1.body"
}

now_ns () {
	date +%s%N
}

# median of the numbers on stdin
median () {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

status=0
measure () { # SHAPE KIND TARGET_MS
	i=0
	: >times.txt
	while [ "$i" -lt "$runs" ]; do
		t0=$(now_ns)
		if ! "$covtrace" report -q --data-file="$1.data" \
		    --cov-report="$2" --cov-report= >/dev/null 2>err; then
			echo "report-bench: covtrace report --cov-report=$2 failed:" >&2
			cat err >&2
			status=1
			return
		fi
		t1=$(now_ns)
		echo $(( (t1 - t0) / 1000 )) >>times.txt
		i=$((i + 1))
	done
	us=$(median <times.txt)
	verdict=PASS
	[ "$us" -le $(( $3 * 1000 )) ] || verdict=MISS
	printf '%-26s %-16s %8.3f s  (target <= %5.3f s)  %s\n' \
	    "$1" "$2" "$(echo "$us" | awk '{ print $1 / 1e6 }')" \
	    "$(echo "$3" | awk '{ print $1 / 1e3 }')" "$verdict"
}

shape one-file-50k 1 50000 || exit 2
shape files-1000x50 1000 50 || exit 2
echo "report speed: median of $runs runs of covtrace report, 50,000 statements"
for s in one-file-50k files-1000x50; do
	measure "$s" term-missing 300
	measure "$s" lcov:out.lcov 300
	measure "$s" xml:out.xml 300
	measure "$s" json:out.json 300
	measure "$s" markdown:out.md 300
	measure "$s" html:out-html 1000
done
exit $status
