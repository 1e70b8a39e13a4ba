#!/bin/sh
test_description='end to end: the command line around a traced run

stdout untouched, 126 and 127, a program without debug info, the data file
(--data-file, $COVTRACE_FILE, its format), covtrace report, and --cov.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# crc32_of_body FILE: the zlib CRC-32 of FILE without its last line, in
# lowercase hex (gzip stores it in its trailer).
crc32_of_body () {
	sed '$d' "$1" | gzip -c | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n'
}

test_expect_success CC 'build the fixtures' '
	build_fixture basic O0 pie &&
	build_fixture no-run O0 pie &&
	mkdir lib &&
	cp "$TEST_SRCDIR/fixtures/covsel-main.c" . &&
	cp "$TEST_SRCDIR/fixtures/covsel-lib.c" lib/ &&
	$CC -g -O0 -o covsel covsel-main.c lib/covsel-lib.c &&
	./basic-O0-pie >basic.expect;
	test $? = 3
'

test_expect_success PTRACE 'stdout of the traced program is untouched' '
	"$COVTRACE" --data-file=pipe.data -- ./basic-O0-pie 2>pipe.err |
	    cmp - basic.expect
'

test_expect_success PTRACE 'the report goes to stderr' '
	test_grep "^TOTAL " pipe.err &&
	test_grep -v "total 10" pipe.err
'

test_expect_success PTRACE 'an empty --cov-report= prints no report, but saves the data' '
	test_expect_code 3 "$COVTRACE" --cov-report= --data-file=quiet.data \
	    -- ./basic-O0-pie >out 2>err &&
	test_cmp basic.expect out &&
	test_must_be_empty err &&
	check_hits basic.c quiet.data
'

test_expect_success PTRACE 'a command looked up in PATH' '
	test_expect_code 3 env PATH="$PWD:$PATH" "$COVTRACE" \
	    --data-file=path.data -- basic-O0-pie >out 2>err &&
	test_cmp basic.expect out &&
	check_hits basic.c path.data
'

test_expect_success 'a command that is not found: 127 and its name' '
	test_expect_code 127 "$COVTRACE" --data-file=nf.data \
	    -- ./no-such-program >out 2>err &&
	test_must_be_empty out &&
	test_grep "^covtrace: .*no-such-program" err
'

test_expect_success 'a command not found in PATH: 127 and its name' '
	test_expect_code 127 "$COVTRACE" --data-file=nf.data \
	    -- no-such-command-in-path >out 2>err &&
	test_grep "^covtrace: .*no-such-command-in-path" err
'

test_expect_success 'a file that is not executable: 126 and its name' '
	printf "#!/bin/sh\nexit 0\n" >not-executable &&
	chmod 644 not-executable &&
	test_expect_code 126 "$COVTRACE" --data-file=ne.data \
	    -- ./not-executable >out 2>err &&
	test_grep "^covtrace: .*not-executable" err
'

test_expect_success 'a directory: 126 and its name' '
	mkdir a-directory &&
	test_expect_code 126 "$COVTRACE" --data-file=ne.data \
	    -- ./a-directory >out 2>err &&
	test_grep "^covtrace: .*a-directory" err
'

test_expect_success PTRACE 'a program without debug info: one warning, exit 0' '
	test_expect_code 0 "$COVTRACE" --cov-report= --data-file=true.data \
	    -- /bin/true >out 2>err &&
	test_must_be_empty out &&
	test_line_count -eq 1 err &&
	test_grep "^covtrace: warning: no line information in '"'"'/[^ ]*true'"'"'\$" err
'

test_expect_success PTRACE 'a program without debug info: its status passes through' '
	test_expect_code 1 "$COVTRACE" --cov-report= --data-file=false.data \
	    -- /bin/false 2>err
'

test_expect_success PTRACE '-q silences the warning' '
	test_expect_code 0 "$COVTRACE" -q --cov-report= --data-file=true.data \
	    -- /bin/true >out 2>err &&
	test_must_be_empty err
'

test_expect_success PTRACE 'the data file is .covtrace by default' '
	rm -f .covtrace &&
	test_expect_code 3 "$COVTRACE" -- ./basic-O0-pie >out 2>err &&
	test_path_is_file .covtrace &&
	check_hits basic.c .covtrace
'

test_expect_success PTRACE '--data-file names the data file' '
	rm -f .covtrace &&
	test_expect_code 3 "$COVTRACE" --data-file=named.data \
	    -- ./basic-O0-pie >out 2>err &&
	test_path_is_missing .covtrace &&
	check_hits basic.c named.data
'

test_expect_success PTRACE '$COVTRACE_FILE names the data file' '
	test_expect_code 3 env COVTRACE_FILE=env.data "$COVTRACE" \
	    -- ./basic-O0-pie >out 2>err &&
	test_path_is_missing .covtrace &&
	check_hits basic.c env.data
'

test_expect_success PTRACE '--data-file wins over $COVTRACE_FILE' '
	rm -f env.data &&
	test_expect_code 3 env COVTRACE_FILE=env.data "$COVTRACE" \
	    --data-file=option.data -- ./basic-O0-pie >out 2>err &&
	test_path_is_missing env.data &&
	check_hits basic.c option.data
'

test_expect_success PTRACE 'a data file in another directory, and no temporary left behind' '
	mkdir datadir &&
	test_expect_code 3 "$COVTRACE" --data-file=datadir/d.data \
	    -- ./basic-O0-pie >out 2>err &&
	ls -A datadir >files &&
	echo d.data >expect &&
	test_cmp expect files
'

test_expect_success PTRACE 'an existing data file is replaced' '
	echo garbage >replaced.data &&
	test_expect_code 3 "$COVTRACE" --data-file=replaced.data \
	    -- ./basic-O0-pie >out 2>err &&
	check_hits basic.c replaced.data
'

test_expect_success PTRACE 'the data file: header (the version of covtrace-data(5)), run, module and file records' '
	version=$(sed -n "s/^The version described here is \([0-9][0-9]*\)\.$/\1/p" \
	    "$TOP_SRCDIR/man/covtrace-data.5") &&
	test -n "$version" &&
	sed -n 1p named.data >header &&
	echo "covtrace-data $version" >expect &&
	test_cmp expect header &&
	grep "^run " named.data >runs &&
	test_line_count -eq 1 runs &&
	test_grep "^run host=[^ ]* platform=[^ ]* cwd=[^ ]* start=-\{0,1\}[0-9][0-9]* duration=[0-9][0-9.]* status=3 command=[^ ]*basic-O0-pie\$" runs &&
	test_grep "^module [0-9a-f]\{40\} [^ ]*basic-O0-pie\$" named.data &&
	test_grep "^file $PWD/basic.c\$" named.data
'

test_expect_success PTRACE 'the data file: records in the documented order' '
	cut -d" " -f1 named.data | uniq >kinds &&
	printf "%s\n" covtrace-data run module file modules lines hit end >expect &&
	# Version 2 adds function records after the hit record.
	printf "%s\n" covtrace-data run module file modules lines hit function \
	    end >expect2 &&
	{ test_cmp expect kinds || test_cmp expect2 kinds; }
'

test_expect_success PTRACE 'the data file: the end record counts the files and checksums the rest' '
	nfiles=$(grep -c "^file " named.data) &&
	crc=$(crc32_of_body named.data) &&
	tail -n 1 named.data >last &&
	echo "end $nfiles $crc" >expect &&
	test_cmp expect last
'

test_expect_success PTRACE 'the data file: no trailing spaces or tabs' '
	test_grep -v "[ 	]\$" named.data
'

test_expect_success PTRACE 'covtrace report renders the saved data again' '
	test_expect_code 3 "$COVTRACE" --data-file=again.data \
	    -- ./basic-O0-pie >/dev/null 2>run.report &&
	"$COVTRACE" report --data-file=again.data >report.out 2>&1 &&
	test_cmp run.report report.out
'

test_expect_success PTRACE 'covtrace report --cov-report=term-missing' '
	test_expect_code 3 "$COVTRACE" --cov-report=term-missing \
	    --data-file=again.data -- ./basic-O0-pie >/dev/null 2>run.report &&
	"$COVTRACE" report --cov-report=term-missing --data-file=again.data \
	    >report.out 2>&1 &&
	test_cmp run.report report.out
'

test_expect_success PTRACE 'covtrace report reads $COVTRACE_FILE and .covtrace' '
	cp again.data .covtrace &&
	"$COVTRACE" report --cov-report=term-missing >default.out 2>&1 &&
	test_cmp run.report default.out &&
	mv .covtrace env2.data &&
	COVTRACE_FILE=env2.data "$COVTRACE" report \
	    --cov-report=term-missing >env.out 2>&1 &&
	test_cmp run.report env.out
'

test_expect_success PTRACE 'covtrace report runs nothing' '
	"$COVTRACE" --data-file=norun.data -- ./no-run-O0-pie 2>err &&
	test_path_is_file ran &&
	check_hits no-run.c norun.data &&
	rm ran &&
	"$COVTRACE" report --data-file=norun.data >out 2>&1 &&
	test_grep "no-run.c" out &&
	test_path_is_missing ran
'

test_expect_success 'covtrace report without a data file fails (1) and names it' '
	test_expect_code 1 "$COVTRACE" report --data-file=missing.data \
	    >out 2>err &&
	test_grep "^covtrace: .*missing.data" err
'

test_expect_success PTRACE 'covtrace report refuses a damaged data file (1)' '
	sed "s/^hit .*/hit 1-9999/" named.data >damaged.data &&
	test_expect_code 1 "$COVTRACE" report --data-file=damaged.data \
	    >out 2>err &&
	test_grep "^covtrace: .*damaged.data" err
'

test_expect_success PTRACE 'covtrace report refuses a truncated data file (1)' '
	sed "\$d" named.data >truncated.data &&
	test_expect_code 1 "$COVTRACE" report --data-file=truncated.data \
	    >out 2>err &&
	test_grep "^covtrace: .*truncated.data" err
'

test_expect_success PTRACE 'covtrace report refuses another version (1)' '
	sed "1s/.*/covtrace-data 999/" named.data >v999.data &&
	test_expect_code 1 "$COVTRACE" report --data-file=v999.data \
	    >out 2>err &&
	test_grep "^covtrace: .*v999.data" err
'

test_expect_success PTRACE 'without --cov, the sources under the current directory' '
	"$COVTRACE" --data-file=all.data -- ./covsel >out 2>err &&
	echo 42 >expect &&
	test_cmp expect out &&
	check_hits covsel-main.c all.data &&
	check_hits lib/covsel-lib.c all.data &&
	test_grep "^covsel-main.c " err &&
	test_grep "^lib/covsel-lib.c " err
'

test_expect_success PTRACE '--cov=DIR selects the files under DIR' '
	"$COVTRACE" --cov=lib --data-file=lib.data -- ./covsel >out 2>err &&
	check_hits lib/covsel-lib.c lib.data &&
	test_grep "^file $PWD/lib/covsel-lib.c\$" lib.data &&
	test_grep -v "^file .*covsel-main.c\$" lib.data &&
	test_grep -v "covsel-main.c" err
'

test_expect_success PTRACE '--cov=FILE selects one file' '
	"$COVTRACE" --cov=covsel-main.c --data-file=main.data -- ./covsel \
	    >out 2>err &&
	check_hits covsel-main.c main.data &&
	test_grep -v "^file .*covsel-lib.c\$" main.data &&
	test_grep -v "covsel-lib.c" err
'

test_expect_success PTRACE '--cov is repeatable' '
	"$COVTRACE" --cov=covsel-main.c --cov=lib --data-file=both.data \
	    -- ./covsel >out 2>err &&
	check_hits covsel-main.c both.data &&
	check_hits lib/covsel-lib.c both.data
'

test_expect_success PTRACE 'sources outside the current directory are not measured by default' '
	mkdir elsewhere &&
	(cd elsewhere && "$COVTRACE" --data-file=out.data -- ../covsel \
	    >out 2>err) &&
	test_grep -v "^file " elsewhere/out.data &&
	test_grep -v "covsel-" elsewhere/err
'

test_expect_success PTRACE 'names outside the current directory are absolute in the report' '
	(cd elsewhere && "$COVTRACE" --cov=.. --data-file=up.data \
	    -- ../covsel >out 2>err) &&
	check_hits lib/covsel-lib.c elsewhere/up.data &&
	test_grep "^$PWD/lib/covsel-lib.c " elsewhere/err &&
	test_grep "^$PWD/covsel-main.c " elsewhere/err
'

test_done
