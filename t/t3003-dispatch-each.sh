#!/bin/sh
test_description='--dist each, the popen keys, and report --by-worker

Two workers in two directories run every job; the header lists each one
platform and directory as pytest-cov does in each mode; report --by-worker
shows the lines that ran on one of them only.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"
# shellcheck source=lib-dist.sh
. "$TEST_SRCDIR/lib-dist.sh"

test_expect_success CC 'two environments that differ' '
	build_fixture dist O0 pie &&
	mkdir env3 env4 suite &&
	cp dist-O0-pie env3/ &&
	cp dist-O0-pie env4/ &&
	echo a >env3/arg &&
	echo b >env4/arg &&
	printf "#!/bin/sh\nexec ./dist-O0-pie \"\$(cat arg)\"\n" >suite/env.sh &&
	printf "#!/bin/sh\nexec ./dist-O0-pie c\n" >suite/same.sh &&
	chmod +x suite/*.sh
'

test_expect_success PTRACE 'every job runs on every worker' '
	"$COVTRACE" --cov="$PWD" --dist each --tx popen//chdir="$PWD/env3" \
	    --tx popen//chdir="$PWD/env4" --data-file=each.data \
	    "$PWD/suite" >out 2>err &&
	cat err &&
	grep -o "^\[gw[01]\] \[[ 0-9]*%\] PASSED [^ ]*" err |
	    sed "s/\[[ 0-9]*%\] //" | sort >ran &&
	cat >expect <<-EOF &&
	[gw0] PASSED $PWD/suite/env.sh
	[gw0] PASSED $PWD/suite/same.sh
	[gw1] PASSED $PWD/suite/env.sh
	[gw1] PASSED $PWD/suite/same.sh
	EOF
	test_cmp expect ran &&
	test_grep "4 passed, 0 failed" err
'

test_expect_success PTRACE 'the header lists each worker platform and directory' '
	test_grep -- "^-* coverage -*\$" err &&
	test_grep "^ *gw0: platform [a-z]* [a-z0-9_]*.*, $PWD/env3\$" err &&
	test_grep "^ *gw1: platform [a-z]* [a-z0-9_]*.*, $PWD/env4\$" err
'

test_expect_success PTRACE 'the union holds both environments (a, b and c)' '
	check_fixture O0 dist.c each.data
'

test_expect_success PTRACE 'report --by-worker: lines that ran on one worker only' '
	"$COVTRACE" report --by-worker --cov-report= --data-file=each.data \
	    2>by &&
	cat by &&
	test_grep "^gw0 .* $PWD/env3\$" by &&
	test_grep "^gw1 .* $PWD/env4\$" by &&
	test_grep "^dist.c:[0-9]*-[0-9]*  gw0\$" by &&
	test_grep "^dist.c:[0-9]*-[0-9]*  gw1\$" by &&
	test_grep -v "gw0, gw1\$" by
'

test_expect_success PTRACE 'report --by-worker on data without workers fails' '
	"$COVTRACE" --cov=. --data-file=plain.data -- ./dist-O0-pie a 2>err &&
	test_expect_code 1 "$COVTRACE" report --by-worker --cov-report= \
	    --data-file=plain.data 2>err &&
	test_grep "no worker data" err
'

test_expect_success PTRACE 'the same environments run the same lines' '
	"$COVTRACE" --cov="$PWD" --dist each --tx "2*popen//chdir=$PWD/env3" \
	    --data-file=twins.data "$PWD/suite" 2>err &&
	"$COVTRACE" report --by-worker --cov-report= --data-file=twins.data \
	    2>by &&
	test_grep "^(none: every line that ran, ran on every worker)\$" by
'

test_expect_success PTRACE '//chdir is created when missing' '
	"$COVTRACE" --cov=. --tx popen//chdir="$PWD/new/dir" \
	    --data-file=new.data -- sh -c "pwd >where" 2>err &&
	echo "$PWD/new/dir" >expect &&
	test_cmp expect new/dir/where
'

test_expect_success PTRACE '//env: sets a variable for the worker and its jobs' '
	"$COVTRACE" --cov=. --tx "popen//env:GREETING=hi there//env:B=" \
	    --data-file=env.data -- sh -c "echo \"\$GREETING\" >greeting" \
	    2>err &&
	echo "hi there" >expect &&
	test_cmp expect greeting
'

test_expect_success PTRACE '//covtrace= starts the worker through a launcher' '
	printf "#!/bin/sh\nVIA=launcher exec \"\$@\"\n" >launch &&
	chmod +x launch &&
	"$COVTRACE" --cov=. --tx "popen//covtrace=./launch $COVTRACE" \
	    --data-file=via.data -- sh -c "echo \$VIA >via" 2>err &&
	echo launcher >expect &&
	test_cmp expect via
'

test_expect_success PTRACE '//python= is the same key' '
	"$COVTRACE" --cov=. --tx "popen//python=./launch $COVTRACE" \
	    --data-file=via2.data -- sh -c "echo \$VIA >via2" 2>err &&
	test_cmp expect via2
'

test_expect_success PTRACE '//nice= lowers the worker priority' '
	"$COVTRACE" --cov=. --tx "popen//nice=5" --data-file=nice.data \
	    -- sh -c "cut -d\" \" -f19 /proc/\$\$/stat >nice" 2>err &&
	echo 5 >expect &&
	test_cmp expect nice
'

test_done
