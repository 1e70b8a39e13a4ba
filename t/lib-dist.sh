# Helpers for the dispatch tests (t3xxx), sourced after test-lib.sh: job
# suites built from t/fixtures/dist.c, and hand-made protocol frames.
# shellcheck shell=sh

# make_suite DIR PROGRAM ARG...: an executable DIR/ARG.sh for each ARG that
# runs PROGRAM (a path relative to the job's working directory) with ARG.
make_suite () {
	ms_dir=$1
	ms_prog=$2
	shift 2
	mkdir -p "$ms_dir" || return 1
	for ms_arg; do
		printf '#!/bin/sh\nexec %s %s\n' "$ms_prog" "$ms_arg" \
		    >"$ms_dir/$ms_arg.sh" &&
		chmod +x "$ms_dir/$ms_arg.sh" || return 1
	done
}

# coverage_records DATA: the data file without what differs between a serial
# run and a run on workers (run, worker, worker-hit and end records).
coverage_records () {
	grep -v -e '^run ' -e '^end ' -e '^worker ' -e '^worker-hit ' "$1"
}

# frame TYPE PAYLOAD: a doc/PROTOCOL.worker frame on stdout.
frame () {
	fr_len=$(printf '%s' "$2" | wc -c)
	fr_len=$((fr_len + 0))
	printf '%s' "$1"
	# shellcheck disable=SC2059 # the format is built from octal escapes
	printf "\\$(printf %03o $((fr_len >> 24 & 255)))\\$(printf %03o $((fr_len >> 16 & 255)))\\$(printf %03o $((fr_len >> 8 & 255)))\\$(printf %03o $((fr_len & 255)))"
	printf '%s' "$2"
}

# elapsed_below SECONDS CMD...: run CMD and return its exit status, or 125
# when it took SECONDS or longer.
elapsed_below () {
	eb_max=$1
	shift
	eb_t0=$(date +%s)
	"$@"
	eb_status=$?
	eb_t1=$(date +%s)
	if test $((eb_t1 - eb_t0)) -ge "$eb_max"; then
		echo "'$*' took $((eb_t1 - eb_t0)) s, $eb_max or more" >&2
		return 125
	fi
	return $eb_status
}
