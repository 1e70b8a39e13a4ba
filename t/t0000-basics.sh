#!/bin/sh
test_description='command line basics: --help, --version, usage errors, exit status'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# usage_error_shape FILE: exactly the two lines covtrace prints on a usage
# error: "covtrace: ..." and the pointer to --help.
usage_error_shape () {
	test_line_count -eq 2 "$1" &&
	sed -n 1p "$1" >line1 &&
	test_grep "^covtrace: [^ ]" line1 &&
	sed -n 2p "$1" >line2 &&
	echo "Try 'covtrace --help' for more information." >expect2 &&
	test_cmp expect2 line2
}

test_expect_success 'the binary under test exists' '
	test -x "$COVTRACE"
'

test_expect_success '--help prints usage on stdout and exits 0' '
	"$COVTRACE" --help >out 2>err &&
	test_must_be_empty err &&
	test_grep "^Usage:" out &&
	test_grep -e "--cov" out
'

test_expect_success '-h is --help' '
	"$COVTRACE" --help >expect &&
	"$COVTRACE" -h >out &&
	test_cmp expect out
'

test_expect_success '--help lines have no trailing spaces and fit 80 columns' '
	"$COVTRACE" --help >out &&
	test_grep -v " \$" out &&
	test_grep -v ".\{81\}" out
'

test_expect_success '--version prints "covtrace VERSION" on stdout and exits 0' '
	"$COVTRACE" --version >out 2>err &&
	test_must_be_empty err &&
	test_line_count -eq 1 out &&
	test_grep "^covtrace [0-9][0-9]*\.[0-9][0-9]*" out
'

test_expect_success '-V is --version' '
	"$COVTRACE" --version >expect &&
	"$COVTRACE" -V >out &&
	test_cmp expect out
'

test_expect_success 'an unknown option is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" --no-such-option -- /bin/true \
	    >out 2>err &&
	test_must_be_empty out &&
	usage_error_shape err &&
	test_grep -e "no-such-option" err
'

test_expect_success 'an unknown short option is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" -Z -- /bin/true >out 2>err &&
	test_must_be_empty out &&
	usage_error_shape err
'

test_expect_success 'a missing option argument is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" --cov >out 2>err &&
	usage_error_shape err &&
	test_expect_code 2 "$COVTRACE" --data-file >out 2>err &&
	test_must_be_empty out &&
	usage_error_shape err
'

test_expect_success 'no command after -- is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" -- >out 2>err &&
	test_must_be_empty out &&
	usage_error_shape err
'

test_expect_success 'no arguments at all is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" >out 2>err &&
	test_must_be_empty out &&
	usage_error_shape err
'

test_expect_success 'an unknown report type is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" --cov-report=bogus -- /bin/true \
	    >out 2>err &&
	usage_error_shape err &&
	test_grep bogus err
'

test_expect_success 'an unknown CPU placement is a usage error (2)' '
	test_expect_code 2 "$COVTRACE" --cpu=bogus -- /bin/true >out 2>err &&
	usage_error_shape err &&
	test_grep bogus err
'

test_expect_success 'report takes no command (2)' '
	test_expect_code 2 "$COVTRACE" report -- /bin/true >out 2>err &&
	usage_error_shape err
'

test_expect_success PTRACE 'exit status 0 passes through' '
	test_expect_code 0 "$COVTRACE" --cov-report= -- /bin/sh -c "exit 0"
'

test_expect_success PTRACE 'exit status 1 passes through' '
	test_expect_code 1 "$COVTRACE" --cov-report= -- /bin/sh -c "exit 1"
'

test_expect_success PTRACE 'exit status 42 passes through' '
	test_expect_code 42 "$COVTRACE" --cov-report= -- /bin/sh -c "exit 42"
'

test_expect_success PTRACE 'exit status 255 passes through' '
	test_expect_code 255 "$COVTRACE" --cov-report= -- /bin/sh -c "exit 255"
'

test_expect_success PTRACE 'death by SIGTERM is 143' '
	test_expect_code 143 "$COVTRACE" --cov-report= -- \
	    /bin/sh -c "kill -TERM \$\$"
'

test_expect_success PTRACE 'death by SIGKILL is 137' '
	test_expect_code 137 "$COVTRACE" --cov-report= -- \
	    /bin/sh -c "kill -KILL \$\$"
'

test_expect_success PTRACE 'arguments reach the command unchanged' '
	"$COVTRACE" --cov-report= -- /bin/sh -c "printf \"[%s]\\n\" \"\$@\"" \
	    sh "a b" "" "--cov=x" "-v" "--" >out &&
	printf "[%s]\n" "a b" "" "--cov=x" "-v" "--" >expect &&
	test_cmp expect out
'

test_done
