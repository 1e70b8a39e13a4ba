#!/bin/sh
# Shared libraries: linked at start, dlopen'd, dlclose'd and dlopen'd
# again, at -O0 and -O2, learnt from the dynamic linker's rendezvous.

test_description='shared libraries and dlopen'
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

build_solib () {
	bs_opt=$1
	cp "$TEST_SRCDIR/fixtures/solib-lib.c" "$TEST_SRCDIR/fixtures/solib-plugin.c" \
	    "$TEST_SRCDIR/fixtures/solib-main.c" . &&
	mkdir -p "lib-$bs_opt" &&
	$CC -g -"$bs_opt" -shared -fPIC -o "lib-$bs_opt/libsolib.so" solib-lib.c &&
	$CC -g -"$bs_opt" -shared -fPIC -o "plugin-$bs_opt.so" solib-plugin.c &&
	$CC -g -"$bs_opt" -o "main-$bs_opt" solib-main.c -L"lib-$bs_opt" \
	    -lsolib -Wl,-rpath,"$PWD/lib-$bs_opt" -ldl
}

for opt in O0 O2; do
	test_expect_success PTRACE "build the library, plugin and program ($opt)" '
		build_solib '"$opt"'
	'
	test_expect_success PTRACE "dlopen, dlclose, dlopen: exit status passes through ($opt)" '
		trace_fixture --data=solib-'"$opt"'.data 0 ./main-'"$opt"' ./plugin-'"$opt"'.so
	'
	test_expect_success PTRACE "the program's lines ($opt)" '
		check_fixture '"$opt"' solib-main.c solib-'"$opt"'.data
	'
	test_expect_success PTRACE "the library linked at start ($opt)" '
		check_fixture '"$opt"' solib-lib.c solib-'"$opt"'.data
	'
	test_expect_success PTRACE "the plugin loaded twice ($opt)" '
		check_fixture '"$opt"' solib-plugin.c solib-'"$opt"'.data
	'
done

test_expect_success PTRACE 'a relative dlopen path is found through the mapping' '
	cp plugin-O0.so plugin-rel.so &&
	trace_fixture --data=solib-rel.data 0 ./main-O0 ./plugin-rel.so &&
	check_hits solib-plugin.c solib-rel.data
'

test_expect_success PTRACE 'two libraries from the same sources are both measured' '
	mkdir -p second &&
	$CC -g -O0 -shared -fPIC -o second/libsolib.so solib-lib.c -DSECOND_COPY &&
	trace_fixture --data=solib-second.data 0 env LD_LIBRARY_PATH=second ./main-O0 ./plugin-O0.so &&
	grep "^module .* $PWD/second/libsolib.so\$" solib-second.data
'

test_expect_success PTRACE 'a library outside --cov gets no breakpoint' '
	"$COVTRACE" --cov=solib-main.c --data-file=only-main.data \
	    --cov-report= -- ./main-O0 ./plugin-O0.so >out 2>err &&
	grep "^file " only-main.data >files &&
	test_line_count -eq 1 files &&
	test_grep "solib-main.c" files
'

test_expect_success PTRACE '--cov-exclude leaves out the files it matches' '
	"$COVTRACE" --cov-exclude="solib-lib.c" --cov-exclude="*-plugin.c" \
	    --data-file=excl.data --cov-report= -- ./main-O0 ./plugin-O0.so \
	    >out 2>err &&
	grep "^file " excl.data >files &&
	test_line_count -eq 1 files &&
	test_grep "solib-main.c" files
'

test_expect_success PTRACE '--cov-include keeps only the files it matches' '
	"$COVTRACE" --cov-include="$PWD/solib-p*.c" --data-file=incl.data \
	    --cov-report= -- ./main-O0 ./plugin-O0.so >out 2>err &&
	grep "^file " incl.data >files &&
	test_line_count -eq 1 files &&
	test_grep "solib-plugin.c" files
'

test_done
