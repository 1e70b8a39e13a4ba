/* The coverage model: files, lines, merges and percentages. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "report/report.h"
#include "t/tap.h"

/* "3 5h 9" for lines 3, 5 (hit) and 9. */
static char *
lines_str(const struct cov_file *f)
{
	char *s = xstrdup(""), *t;

	for (size_t i = 0; i < f->nlines; i++) {
		t = xasprintf("%s%s%u%s", s, i ? " " : "", f->lines[i].line,
		    f->lines[i].hit ? "h" : "");
		free(s);
		s = t;
	}
	return s;
}

static void
check_lines(const struct cov_file *f, const char *want, const char *name)
{
	char *got = lines_str(f);

	is_str(got, want, "%s", name);
	free(got);
}

static void
test_file_lookup(void)
{
	struct coverage *cov = coverage_new();
	struct cov_file *a = coverage_file(cov, "/src/a.c");
	struct cov_file *b = coverage_file(cov, "/src/b.c");

	ok(a != b, "two paths give two files");
	a = coverage_file(cov, "/src/a.c");
	is_str(a->path, "/src/a.c", "a path finds its own file again");
	is_int((long long)cov->nfiles, 2, "no file is added twice");
	coverage_free(cov);
}

static void
test_many_files(void)
{
	struct coverage *cov = coverage_new();
	char path[64];
	size_t bad = 0;

	for (int i = 4999; i >= 0; i--) {
		snprintf(path, sizeof(path), "/src/f%05d.c", i);
		cov_file_add_line(coverage_file(cov, path), (uint32_t)i + 1,
		    i % 2 == 0);
	}
	for (int i = 0; i < 5000; i += 7) {
		snprintf(path, sizeof(path), "/src/f%05d.c", i);
		if (coverage_file(cov, path)->lines[0].line != (uint32_t)i + 1)
			bad++;
	}
	is_int((long long)cov->nfiles, 5000, "5000 paths give 5000 files");
	is_int((long long)bad, 0, "each path finds its file among 5000");
	ok(!coverage_is_finished(cov), "unsorted files are not finished");
	coverage_finish(cov);
	ok(coverage_is_finished(cov), "coverage_finish finishes");
	is_str(cov->files[0].path, "/src/f00000.c", "files sorted: first");
	is_str(cov->files[4999].path, "/src/f04999.c", "files sorted: last");
	coverage_file(cov, "/src/f01234.c");
	is_int((long long)cov->nfiles, 5000, "the index survives the sort");
	coverage_free(cov);
}

static void
test_finish_lines(void)
{
	struct coverage *cov = coverage_new();
	struct cov_file *f = coverage_file(cov, "/src/a.c");
	size_t stmts, hit;

	cov_file_add_line(f, 9, false);
	cov_file_add_line(f, 3, true);
	cov_file_add_line(f, 5, false);
	cov_file_add_line(f, 9, true);
	cov_file_add_line(f, 3, false);
	cov_file_add_line(f, 5, false);
	cov_file_add_module(f, 2);
	cov_file_add_module(f, 0);
	cov_file_add_module(f, 2);
	coverage_finish(cov);
	check_lines(f, "3h 5 9h", "lines sorted, duplicates merged, hit wins");
	is_int((long long)f->nmodules, 2, "module indices deduplicated");
	ok(f->modules[0] == 0 && f->modules[1] == 2, "module indices sorted");
	cov_file_counts(f, &stmts, &hit);
	ok(stmts == 3 && hit == 2, "counts: 3 statements, 2 hit");
	coverage_free(cov);
}

static void
test_add_lines(void)
{
	struct coverage *cov = coverage_new();
	struct cov_file *f = coverage_file(cov, "/src/a.c");
	const uint32_t lines[] = {3, 5, 9}, more[] = {12};
	const uint8_t hit[] = {1, 0, 2}, none[] = {0};

	cov_file_add_line(f, 1, false);
	cov_file_add_lines(f, lines, hit, 3);
	cov_file_add_lines(f, more, none, 0);
	cov_file_add_lines(f, more, none, 1);
	check_lines(f, "1 3h 5 9h 12",
	    "lines added at once follow the others; any nonzero flag is a hit");
	coverage_free(cov);
}

static void
add_lines(struct coverage *cov, const char *path, const char *spec)
{
	struct cov_file *f = coverage_file(cov, path);
	const char *p = spec;
	char *end;

	while (*p != '\0') {
		unsigned long l = strtoul(p, &end, 10);

		cov_file_add_line(f, (uint32_t)l, *end == 'h');
		p = end + (*end == 'h');
		p += *p == ' ';
	}
}

static void
test_merge(void)
{
	struct coverage *a = coverage_new(), *b = coverage_new();
	char h1[] = "h1", h2[] = "h2", platform[] = "linux x86_64";
	char cwd[] = "/w", command[] = "./t";
	struct cov_run run = {.host = h1,
	    .platform = platform,
	    .cwd = cwd,
	    .command = command,
	    .start = 1,
	    .duration = 0.5};
	uint32_t ma, mb;

	coverage_add_run(a, &run);
	run.host = h2;
	coverage_add_run(b, &run);
	ma = coverage_module(a, "aaaa", "/bin/x");
	coverage_module(b, "cccc", "/bin/y");
	mb = coverage_module(b, "aaaa", "/bin/x");
	add_lines(a, "/src/a.c", "1h 2 3");
	add_lines(b, "/src/a.c", "2h 3 4h");
	add_lines(b, "/src/b.c", "7");
	cov_file_add_module(coverage_file(a, "/src/a.c"), ma);
	cov_file_add_module(coverage_file(b, "/src/a.c"), mb);
	cov_file_add_module(coverage_file(b, "/src/b.c"), 0);
	coverage_finish(a);
	coverage_finish(b);
	coverage_merge(a, b);
	is_int((long long)a->nruns, 2, "merge appends runs");
	is_str(a->runs[1].host, "h2", "merged run keeps its strings");
	is_int((long long)a->nmodules, 2, "modules deduplicated by build-id");
	is_int((long long)a->nfiles, 2, "files united by path");
	check_lines(&a->files[0], "1h 2h 3 4h", "lines united, hits or'ed");
	check_lines(&a->files[1], "7", "a file only in src is copied");
	ok(a->files[0].nmodules == 1 && a->files[0].modules[0] == 0,
	    "a shared module is one index");
	ok(a->files[1].nmodules == 1 && a->files[1].modules[0] == 1 &&
	        strcmp(a->modules[1].build_id, "cccc") == 0,
	    "module indices are remapped");
	ok(coverage_is_finished(a), "a merge leaves dst finished");
	coverage_free(a);
	coverage_free(b);
}

static void
test_merge_empty(void)
{
	struct coverage *a = coverage_new(), *b = coverage_new();

	coverage_module(b, "ab", "/bin/x");
	coverage_merge(a, b);
	ok(a->nfiles == 0 && a->nmodules == 1 && coverage_is_finished(a),
	    "merging a coverage without files");
	coverage_free(a);
	coverage_free(b);
}

static void
test_module(void)
{
	struct coverage *cov = coverage_new();

	is_int(coverage_module(cov, "ab", "/bin/x"), 0, "first module is 0");
	is_int(coverage_module(cov, "ab", "/bin/y"), 1, "other path, new");
	is_int(coverage_module(cov, "", "/bin/x"), 2, "other build-id, new");
	is_int(coverage_module(cov, "ab", "/bin/x"), 0,
	    "same module, same index");
	coverage_free(cov);
}

static void
test_percent(void)
{
	is_int(report_percent(0, 0), 100, "no statements is 100%%");
	is_int(report_percent(10, 0), 0, "nothing hit is 0%%");
	is_int(report_percent(10, 10), 100, "everything hit is 100%%");
	is_int(report_percent(1000, 1), 1, "0.1%% shows as 1%%");
	is_int(report_percent(400, 2), 1, "0.5%% shows as 1%%, not 0%%");
	is_int(report_percent(1000, 999), 99, "99.9%% shows as 99%%");
	is_int(report_percent(200, 199), 99, "99.5%% shows as 99%%, not 100%%");
	is_int(report_percent(8, 1), 12, "12.5%% rounds half to even: 12%%");
	is_int(report_percent(8, 3), 38, "37.5%% rounds half to even: 38%%");
	is_int(report_percent(40, 1), 2, "2.5%% rounds half to even: 2%%");
	is_int(report_percent(3, 2), 67, "66.7%% rounds to 67%%");
	is_int(report_percent(353, 333), 94, "94.3%% rounds to 94%%");
}

static void
test_platform(void)
{
	char *p = report_platform();

	ok(p[0] >= 'a' && p[0] <= 'z' && strchr(p, ' ') != NULL,
	    "platform reads like 'linux x86_64, ...': '%s'", p);
	free(p);
}

int
main(void)
{
	test_file_lookup();
	test_many_files();
	test_finish_lines();
	test_add_lines();
	test_merge();
	test_merge_empty();
	test_module();
	test_percent();
	test_platform();
	return done_testing();
}
