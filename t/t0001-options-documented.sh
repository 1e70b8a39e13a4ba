#!/bin/sh
test_description='every option in --help is documented in covtrace(1)

The man page is man/covtrace.1 in the build tree (made from covtrace.1.in),
else man/covtrace.1.in in the source tree.  It is read as mandoc renders it
when mandoc is installed, else as mdoc source.'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

test_lazy_prereq MANDOC '
	mandoc -V || echo .Dd | mandoc -Tascii
'

test_expect_success 'find the man page' '
	manpage=$TOP_BUILDDIR/man/covtrace.1 &&
	if ! test -f "$manpage"; then
		manpage=$TOP_SRCDIR/man/covtrace.1.in
	fi &&
	test_path_is_file "$manpage"
'

test_expect_success 'configure filled in every @NAME@ of the man page' '
	if test "$manpage" = "$TOP_BUILDDIR/man/covtrace.1"; then
		test_grep -v "@[A-Z_][A-Z0-9_]*@" "$manpage"
	fi
'

# The rendered page with overstrike and hyphenation undone, or the mdoc
# source with the Fl macro spelled out.
test_expect_success 'render the man page' '
	if test_have_prereq MANDOC; then
		mandoc -Tascii -Owidth=200 "$manpage" >rendered.raw &&
		sed -e "s/.\x08//g" rendered.raw >rendered
	else
		sed -e "s/\\\\-/-/g" -e "s/Fl -/--/g" -e "s/Fl \\([a-zA-Z]\\)/-\\1/g" \
		    "$manpage" >rendered
	fi &&
	test -s rendered
'

test_expect_success 'collect the long options of --help' '
	"$COVTRACE" --help >help &&
	grep -o -e "--[a-z][a-z0-9-]*" help | sort -u >options &&
	test_line_count -ge 5 options
'

test_expect_success 'every long option of --help is in the man page' '
	: >undocumented &&
	while read -r opt; do
		grep -q -e "$opt\\([^a-z0-9-]\\|\$\\)" rendered ||
		echo "$opt" >>undocumented
	done <options &&
	test_must_be_empty undocumented
'

test_expect_success 'collect the short options of --help' '
	grep -o -e "^  *-[a-zA-Z]\\b" help | sed "s/^ *//" | sort -u >short &&
	test_line_count -ge 1 short
'

test_expect_success 'every short option of --help is in the man page' '
	: >undocumented &&
	while read -r opt; do
		grep -q -e "$opt\\([^a-zA-Z0-9-]\\|\$\\)" rendered ||
		echo "$opt" >>undocumented
	done <short &&
	test_must_be_empty undocumented
'

test_expect_success 'the report subcommand and the environment are documented' '
	test_grep "covtrace report" rendered &&
	test_grep COVTRACE_FILE rendered &&
	test_grep XDG_CACHE_HOME rendered
'

test_expect_success 'the exit statuses are documented' '
	for status in 126 127 128; do
		test_grep "$status" rendered || return 1
	done
'

test_expect_success MANDOC 'the man page is lint-clean' '
	mandoc -Tlint -W warning "$manpage" >lint 2>&1 ||
	{ cat lint >&2; false; }
'

test_done
