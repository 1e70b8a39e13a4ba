#!/bin/sh
test_description='the options of distributed runs: -n, --tx, --dist and the rest

Usage errors (exit 2) name what is wrong; a --tx spec error quotes the
offending segment, where execnet would accept an unknown key silently or
crash on popen//.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# usage_error MESSAGE ARGS...: covtrace ARGS exits 2 with MESSAGE (a grep
# pattern) and the hint to run --help.
usage_error () {
	ue_want=$1
	shift
	test_expect_code 2 "$COVTRACE" "$@" >out 2>err &&
	test_must_be_empty out &&
	test_grep "^covtrace: .*$ue_want" err &&
	test_grep "^Try .covtrace --help. for more information.\$" err &&
	test_line_count -eq 2 err
}

test_expect_success 'popen// is an empty segment' '
	usage_error "--tx .popen//.: empty segment" --tx popen// x
'

test_expect_success 'an unknown key is named with its segment' '
	usage_error "unknown key .foo. in segment .foo=1." --tx popen//foo=1 x
'

test_expect_success 'an unknown transport is an error' '
	usage_error "unknown transport .socket. in segment .socket=h:8888." \
	    --tx socket=h:8888 x
'

test_expect_success 'a duplicate key is an error' '
	usage_error "duplicate key in segment .chdir=b." \
	    --tx popen//chdir=a//chdir=b x &&
	usage_error "duplicate key in segment .covtrace=b." \
	    --tx popen//python=a//covtrace=b x
'

test_expect_success 'COUNT must be a positive number' '
	usage_error "the count in segment .0\*. must be" --tx "0*popen" x &&
	usage_error "the count in segment .two\*. must be" --tx "two*popen" x
'

test_expect_success 'a bad ssh spec is an error' '
	usage_error "bad port .0." --tx ssh=me@host:0 x &&
	usage_error "unsupported ssh option .-i." --tx "ssh=-i key host" x &&
	usage_error "no host in segment .ssh=." --tx ssh= x
'

test_expect_success 'an unclosed quote in //covtrace= is an error' '
	usage_error "unclosed quote" --tx "popen//covtrace=a '\''b" x
'

test_expect_success '-n needs a number or auto' '
	usage_error "-n needs a number of workers" -n two x &&
	usage_error "-n needs a number of workers" --numprocesses=-1 x &&
	usage_error "option .-n. needs an argument" -n
'

test_expect_success '-n auto and the valid specs pass the parser' '
	test_expect_code 4 "$COVTRACE" -n auto no-such-path 2>err &&
	test_grep "cannot collect jobs from .no-such-path." err &&
	test_expect_code 4 "$COVTRACE" --tx "2*popen//chdir=/tmp//env:A=1=2" \
	    --tx "ssh=-p 2222 me@host//id=h1" --tx "popen//python=x//nice=5" \
	    no-such-path 2>err &&
	test_grep "cannot collect jobs" err
'

test_expect_success '--dist load or each needs workers' '
	usage_error "--dist each needs workers" --dist each x &&
	usage_error "--dist load needs workers" --dist=load x &&
	usage_error "unknown --dist mode .some." --dist some x
'

test_expect_success 'the other options check their values' '
	usage_error "--timeout needs a number of seconds" --timeout=0 x &&
	usage_error "--timeout needs a number of seconds" --timeout=soon x &&
	usage_error "--max-worker-restart needs a number" \
	    --max-worker-restart=-1 x &&
	usage_error "unknown --cov-context .line." --cov-context=line x
'

test_expect_success 'no command and no path' '
	usage_error "no command given" -n 2
'

test_expect_success '--worker takes no arguments' '
	usage_error "--worker takes no arguments, got .x." --worker x
'

test_expect_success '--by-worker belongs to report, the run options to runs' '
	usage_error "option .--by-worker. does not apply to tracing a command" \
	    --by-worker x &&
	usage_error "option .--tx. does not apply to report" report --tx popen
'

test_done
