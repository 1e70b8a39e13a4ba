/* The terminal table: pytest-cov's layout, byte for byte. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "report/report.h"
#include "t/tap.h"

#define TITLE                                                                  \
	"----------------- coverage: platform linux x86_64, glibc 2.36 "       \
	"------------------\n"

static const char expected_term[] =
    TITLE "Name            Stmts   Miss  Cover\n"
          "/other/z.c          3      0   100%\n"
          "/src/projx/d.c      0      0   100%\n"
          "a.c              1000    999     1%\n"
          "empty.h             0      0   100%\n"
          "src/b.c             8      6    25%\n"
          "src/c.c          1000      1    99%\n"
          "\xc3\xa9"
          ".c                 2      1    50%\n"
          "TOTAL            2013   1007    50%\n";

static const char expected_missing[] =
    TITLE "Name            Stmts   Miss  Cover   Missing\n"
          "/other/z.c          3      0   100%\n"
          "/src/projx/d.c      0      0   100%\n"
          "a.c              1000    999     1%   1-499, 501-1000\n"
          "empty.h             0      0   100%\n"
          "src/b.c             8      6    25%   2-5, 8-11\n"
          "src/c.c          1000      1    99%   1000\n"
          "\xc3\xa9"
          ".c                 2      1    50%   6\n"
          "TOTAL            2013   1007    50%\n";

static void
add_run(struct coverage *cov, const char *platform)
{
	struct cov_run run = {.platform = xstrdup(platform)};

	coverage_add_run(cov, &run);
	free(run.platform);
}

/* Add lines first..last, in descending order to exercise the sort. */
static void
add_lines(struct coverage *cov, const char *path, uint32_t first, uint32_t last,
    bool hit)
{
	struct cov_file *f = coverage_file(cov, path);

	for (uint32_t l = last; l >= first; l--)
		cov_file_add_line(f, l, hit);
}

static struct coverage *
sample_coverage(void)
{
	struct coverage *cov = coverage_new();
	struct cov_file *f;
	static const uint32_t b_lines[] = {1, 2, 3, 5, 7, 8, 10, 11};

	add_run(cov, "linux x86_64, glibc 2.36");
	add_run(cov, "ignored");
	f = coverage_file(cov, "/src/proj/src/b.c");
	for (size_t i = 0; i < sizeof(b_lines) / sizeof(*b_lines); i++)
		cov_file_add_line(f, b_lines[i], b_lines[i] % 6 == 1);
	/* a.c: only line 500 hit; c.c: all but line 1000 hit. */
	add_lines(cov, "/src/proj/a.c", 1, 1000, false);
	add_lines(cov, "/src/proj/a.c", 500, 500, true);
	add_lines(cov, "/src/proj/src/c.c", 1, 999, true);
	add_lines(cov, "/src/proj/src/c.c", 1000, 1000, false);
	add_lines(cov, "/other/z.c", 1, 3, true);
	coverage_file(cov, "/src/projx/d.c");
	coverage_file(cov, "/src/proj/empty.h");
	f = coverage_file(cov, "/src/proj/\xc3\xa9.c");
	cov_file_add_line(f, 6, false);
	cov_file_add_line(f, 4, true);
	return cov;
}

static char *
render(const struct coverage *cov, bool show_missing, const char *cwd)
{
	struct report_opts opts = {.show_missing = show_missing, .cwd = cwd};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (out == NULL || report_writer_term.write(cov, &opts, out) != 0)
		printf("# the writer failed\n");
	if (out != NULL)
		fclose(out);
	return text;
}

static bool
has_trailing_space(const char *text)
{
	for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
		if (p > text && (p[-1] == ' ' || p[-1] == '\t'))
			return true;
	return false;
}

static void
check_render(const struct coverage *cov, bool show_missing, const char *cwd,
    const char *want, const char *name)
{
	char *text = render(cov, show_missing, cwd);

	is_str(text, want, "%s", name);
	free(text);
}

static void
test_table(void)
{
	struct coverage *cov = sample_coverage();
	char *text;

	is_str(report_writer_term.name, "term", "the writer is called term");
	check_render(cov, false, "/src/proj", expected_term,
	    "term table, unfinished coverage");
	check_render(cov, true, "/src/proj/", expected_missing,
	    "term-missing table, cwd with a trailing slash");
	coverage_finish(cov);
	check_render(cov, false, "/src/proj", expected_term,
	    "term table, finished coverage");
	text = render(cov, true, "/src/proj");
	is_str(text, expected_missing, "term-missing table, finished coverage");
	ok(!has_trailing_space(text), "no line ends in a space");
	free(text);
	coverage_free(cov);
}

/* The layout of the example in issue 2 (and README).  Its row "257 13 94%" is
 * not one coverage.py would print (244 of 257 is 94.9%, shown as 95%), so
 * this row misses 16 lines instead. */
static void
test_spec_example(void)
{
	struct coverage *cov = coverage_new();
	char *text;

	add_run(cov, "linux x86_64, glibc 2.36");
	add_lines(cov, "/w/src/a.c", 1, 241, true);
	add_lines(cov, "/w/src/a.c", 242, 257, false);
	add_lines(cov, "/w/src/longname1.c", 1, 92, true);
	add_lines(cov, "/w/src/longname1.c", 93, 96, false);
	text = render(cov, false, "/w");
	ok(strstr(text,
	       "\nName             Stmts   Miss  Cover\n"
	       "src/a.c            257     16    94%\n") != NULL,
	    "the header and a row as the spec shows them");
	ok(strstr(text, "\nTOTAL              353     20    94%\n") != NULL,
	    "the TOTAL row as the spec shows it");
	free(text);
	coverage_free(cov);
}

static void
test_titles(void)
{
	struct coverage *cov = coverage_new();
	char *text, *platform = report_platform(), *want;
	size_t len;

	text = render(cov, false, NULL);
	want = xasprintf(" coverage: platform %s -", platform);
	len = strcspn(text, "\n");
	ok(strstr(text, want) != NULL && text[0] == '-',
	    "without runs, the title names this machine");
	ok(len == 79 || len == 80, "the title line is 79 or 80 wide: %zu", len);
	ok(strstr(text, "\nTOTAL      0      0   100%\n") != NULL,
	    "an empty coverage is 100%%");
	free(text);
	free(want);
	add_run(cov,
	    "linux x86_64, glibc 2.36 and a platform string that is "
	    "far too long for one line");
	text = render(cov, false, NULL);
	ok(strncmp(text,
	       "- coverage: platform linux x86_64, glibc 2.36 and a "
	       "platform string that is far too long for one line -\n",
	       102) == 0,
	    "a long title gets one dash on each side");
	free(text);
	free(platform);
	coverage_free(cov);
}

static void
test_names(void)
{
	struct coverage *cov = coverage_new();
	char *text;

	add_run(cov, "p");
	add_lines(cov, "/a/b.c", 1, 1, true);
	add_lines(cov, "/ab/c.c", 1, 1, true);
	text = render(cov, false, "/a");
	ok(strstr(text, "\nb.c ") != NULL && strstr(text, "\n/ab/c.c ") != NULL,
	    "only paths below cwd are shortened");
	free(text);
	text = render(cov, false, "/");
	ok(strstr(text, "\na/b.c ") != NULL &&
	        strstr(text, "\nab/c.c ") != NULL,
	    "cwd / shortens every absolute path");
	free(text);
	coverage_free(cov);
}

int
main(void)
{
	test_table();
	test_spec_example();
	test_titles();
	test_names();
	return done_testing();
}
