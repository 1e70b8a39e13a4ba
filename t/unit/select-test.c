/* Unit tests for the source selection: shell globs and --cov prefixes. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "dispatch/select.h"
#include "t/tap.h"

static void
glob(const char *pattern, const char *path, bool want)
{
	ok(glob_match(pattern, path) == want, "'%s' %s '%s'", pattern,
	    want ? "matches" : "does not match", path);
}

int
main(void)
{
	struct selection sel;
	const char *cov[] = { "/src/proj" };
	const char *inc[] = { "/src/proj/lib/**" };
	const char *exc[] = { "*_test.c" };

	glob("/a/*.c", "/a/x.c", true);
	glob("/a/*.c", "/a/b/x.c", false);
	glob("/a/**/x.c", "/a/x.c", true);
	glob("/a/**/x.c", "/a/b/c/x.c", true);
	glob("/a/**", "/a/b/c/x.c", true);
	glob("**/x.c", "/deep/down/x.c", true);
	glob("/a/?.c", "/a/x.c", true);
	glob("/a/?.c", "/a/xy.c", false);
	glob("/a/[xy].c", "/a/y.c", true);
	glob("/a/[!xy].c", "/a/y.c", false);
	glob("/a/[a-c].c", "/a/b.c", true);
	glob("/a/[.c", "/a/[.c", true);
	glob("/a/\\*.c", "/a/*.c", true);
	glob("/a/\\*.c", "/a/x.c", false);
	glob("*/x.c", "/a/b/x.c", false);
	glob("*_test.c", "/a/b_test.c", false);
	glob("*_test.c", "b_test.c", true);

	selection_init(&sel, cov, 1);
	ok(selection_match(&sel, "/src/proj/a.c"), "a file under --cov is selected");
	ok(!selection_match(&sel, "/src/projx/a.c"), "a sibling directory is not");
	ok(!selection_match(&sel, "/usr/include/stdio.h"),
	    "a system header is not, unless selected explicitly");
	selection_filter(&sel, inc, 1, NULL, 0);
	ok(selection_match(&sel, "/src/proj/lib/x/a.c"), "--cov-include keeps what matches");
	ok(!selection_match(&sel, "/src/proj/main.c"), "--cov-include drops the rest");
	selection_release(&sel);

	selection_init(&sel, cov, 1);
	selection_filter(&sel, NULL, 0, exc, 1);
	ok(!selection_match(&sel, "/src/proj/sub/a_test.c"),
	    "a --cov-exclude glob without '/' matches the file name anywhere");
	ok(selection_match(&sel, "/src/proj/sub/a.c"),
	    "--cov-exclude keeps the rest");
	selection_release(&sel);
	return done_testing();
}
