#!/bin/sh
test_description='#include lines obey the dependency rule

common <- dwarf, common <- tracer, dwarf,tracer <- dispatch, dwarf <- report,
everything <- cli (doc/DESIGN.md, STYLE.md section 1).  A part includes
another part only through <part>/<part>.h, or common/*.h; tracer/ and dwarf/
never include each other; a project header is named "part/file.h".'
# shellcheck source=test-lib.sh
. "${TEST_SRCDIR:-$(dirname "$0")}/test-lib.sh"

# check_layering ROOT: print one line per #include that breaks the rule, in
# every ROOT/<part>/*.[ch]; fail when there is one, or when no file was read.
check_layering () {
	cl_files=
	for cl_f in "$1"/*/*.c "$1"/*/*.h; do
		test -f "$cl_f" || continue
		cl_part=$(basename "$(dirname "$cl_f")")
		case $cl_part in
		common | dwarf | tracer | dispatch | report | cli) ;;
		*) continue ;;
		esac
		cl_files="$cl_files $cl_part/$(basename "$cl_f")"
	done
	test -n "$cl_files" || {
		echo "no source file found under $1" >&2
		return 1
	}
	# shellcheck disable=SC2086 # a list of relative paths without spaces
	(cd "$1" && $AWK '
	BEGIN {
		allowed["dwarf"] = " common "
		allowed["tracer"] = " common "
		allowed["dispatch"] = " common dwarf tracer "
		allowed["report"] = " common dwarf "
		allowed["cli"] = " common dwarf tracer dispatch report "
		allowed["common"] = " "
		bad = 0
	}
	FNR == 1 {
		part = FILENAME
		sub(/\/.*/, "", part)
	}
	/^[ \t]*#[ \t]*include[ \t]*[<"]/ {
		line = $0
		sub(/^[ \t]*#[ \t]*include[ \t]*/, "", line)
		quote = substr(line, 1, 1)
		h = substr(line, 2)
		sub(/[>"].*/, "", h)
		where = FILENAME ":" FNR ": #include " quote h \
		    (quote == "<" ? ">" : "\"")
		if (h ~ /(^|\/)\.\.(\/|$)/) {
			print where ": a path with .. leaves the part"
			bad++
			next
		}
		if (index(h, "/") == 0) {
			if (quote == "\"" && h != "config.h") {
				print where ": name the part (\"" part "/" h "\")"
				bad++
			}
			next
		}
		q = h
		sub(/\/.*/, "", q)
		if (!(q in allowed))
			next	# a system header such as <sys/wait.h>
		if (q == part)
			next
		if (index(allowed[part], " " q " ") == 0) {
			print where ": " part "/ may not include " q "/"
			bad++
		} else if (q != "common" && h != q "/" q ".h") {
			print where ": outside " q "/ only " q "/" q \
			    ".h is public"
			bad++
		}
	}
	END {
		exit bad > 0
	}
	' $cl_files)
}

test_expect_success 'the checker passes a tree that obeys the rule' '
	mkdir -p good/common good/dwarf good/tracer good/dispatch good/report \
	    good/cli &&
	printf "#include \"config.h\"\n#include <stdio.h>\n" >good/common/log.c &&
	printf "#include \"common/log.h\"\n#include \"dwarf/module.h\"\n" \
	    >good/dwarf/linetab.c &&
	printf "#include \"tracer/arch.h\"\n#include <sys/ptrace.h>\n" \
	    >good/tracer/tracer.c &&
	printf "#include \"dwarf/dwarf.h\"\n#include \"tracer/tracer.h\"\n" \
	    >good/dispatch/worker.c &&
	printf "#include \"dwarf/dwarf.h\"\n#include \"common/buf.h\"\n" \
	    >good/report/coverage.c &&
	printf "#include \"report/report.h\"\n#include \"dispatch/dispatch.h\"\n" \
	    >good/cli/main.c &&
	check_layering good
'

test_expect_success 'the checker catches every kind of violation' '
	mkdir -p bad/common bad/dwarf bad/tracer bad/report bad/cli bad/t &&
	printf "#include \"dwarf/dwarf.h\"\n" >bad/common/log.c &&
	printf "#include \"tracer/tracer.h\"\n" >bad/dwarf/linetab.c &&
	printf "  #  include <dwarf/dwarf.h>\n" >bad/tracer/tracer.c &&
	printf "#include \"dwarf/module.h\"\n#include \"dispatch/dispatch.h\"\n" \
	    >bad/report/coverage.c &&
	printf "#include \"tracer/tracee.h\"\n#include \"options.h\"\n" \
	    >bad/cli/main.c &&
	printf "#include \"../dwarf/dwarf.h\"\n" >bad/cli/run.c &&
	printf "#include \"dwarf/module.h\"\n" >bad/t/unit-test.c &&
	test_expect_code 1 check_layering bad >out &&
	cat out &&
	test_grep "common/log.c:1: .*common/ may not include dwarf/" out &&
	test_grep "dwarf/linetab.c:1: .*dwarf/ may not include tracer/" out &&
	test_grep "tracer/tracer.c:1: .*tracer/ may not include dwarf/" out &&
	test_grep "report/coverage.c:1: .*only dwarf/dwarf.h is public" out &&
	test_grep "report/coverage.c:2: .*report/ may not include dispatch/" out &&
	test_grep "cli/main.c:1: .*only tracer/tracer.h is public" out &&
	test_grep "cli/main.c:2: .*name the part" out &&
	test_grep "cli/run.c:1: .*leaves the part" out &&
	test_line_count -eq 8 out
'

test_expect_success 'the checker fails on an empty tree' '
	mkdir empty &&
	test_expect_code 1 check_layering empty
'

test_expect_success 'covtrace obeys the dependency rule' '
	check_layering "$TOP_SRCDIR" >violations;
	status=$? &&
	cat violations &&
	test_must_be_empty violations &&
	test "$status" = 0
'

test_done
