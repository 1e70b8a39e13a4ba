#!/bin/sh
# Build the data-file fuzz target with clang's libFuzzer and run it for
# FUZZ_TIME seconds (`make fuzz`).  Skips, exit 0, when clang or libFuzzer
# is missing.  A crashing input is left in fuzz/out/ and makes it fail:
# copy it into t/data/fuzz-regress/, where t/unit/fuzz-regress-test reads
# it on every `make check`, then fix the reader.
set -u
: "${FUZZ_CC:=clang}"
: "${FUZZ_TIME:=60}"
: "${top_srcdir:?}"
: "${top_builddir:?}"
out=$top_builddir/fuzz/out
mkdir -p "$out/corpus" || exit 1

probe=$out/probe.c
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
    >"$probe"
if ! "$FUZZ_CC" -fsanitize=fuzzer -o "$out/probe" "$probe" >/dev/null 2>&1; then
	echo "make fuzz: SKIP: '$FUZZ_CC -fsanitize=fuzzer' does not work (install clang)"
	exit 0
fi

sources="fuzz/datafile-fuzz.c report/coverage.c report/datafile.c
report/emit.c report/exclude.c report/pathmap.c report/source.c
report/summary.c report/writer-cobertura.c report/writer-html.c
report/writer-json.c report/writer-lcov.c report/writer-markdown.c
report/writer-table.c common/atomicfile.c common/buf.c common/log.c
common/xalloc.c"
srcs=
for s in $sources; do
	srcs="$srcs $top_srcdir/$s"
done
echo "make fuzz: building $out/datafile-fuzz"
# shellcheck disable=SC2086 # srcs is a word list
"$FUZZ_CC" -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$top_builddir" -I"$top_srcdir" \
    -o "$out/datafile-fuzz" $srcs || exit 1

echo "make fuzz: fuzzing the data-file reader for $FUZZ_TIME s"
"$out/datafile-fuzz" -max_total_time="$FUZZ_TIME" -close_fd_mask=2 \
    -max_len=4096 -artifact_prefix="$out/" -print_final_stats=1 \
    "$out/corpus" "$top_srcdir/fuzz/corpus" "$top_srcdir/t/data/fuzz-regress" \
    >"$out/fuzz.log" 2>&1
status=$?
tail -n 15 "$out/fuzz.log"
if test $status -ne 0; then
	echo "make fuzz: FAIL: a crashing input is in $out/ (see $out/fuzz.log);"
	echo "copy it into t/data/fuzz-regress/ and fix the reader"
	exit 1
fi
echo "make fuzz: PASS: no crash in $FUZZ_TIME s"
