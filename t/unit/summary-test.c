/* Percentages, table rows, path maps, exclusion markers and the canonical
 * form that makes combining order-independent. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomicfile.h"
#include "common/buf.h"
#include "common/xalloc.h"
#include "report/report.h"
#include "t/tap.h"

static char *tmpdir;

static void
check_pc(size_t stmts, size_t hit, int precision, const char *want)
{
	char buf[64];

	report_format_percent(buf, sizeof(buf), stmts, hit, precision);
	is_str(buf, want, "%zu of %zu at precision %d", hit, stmts, precision);
}

static void
test_percent(void)
{
	/* The values coverage.py's display_covered() gives. */
	check_pc(0, 0, 0, "100");
	check_pc(3, 2, 0, "67");
	check_pc(8, 1, 0, "12"); /* 12.5 rounds to even */
	check_pc(8, 3, 0, "38"); /* 37.5 rounds to even */
	check_pc(1000, 1, 0, "1"); /* 0.1 shows as 1 */
	check_pc(1000, 999, 0, "99"); /* 99.9 shows as 99 */
	check_pc(1000, 999, 1, "99.9");
	check_pc(10000, 9999, 1, "99.9"); /* 99.99 */
	check_pc(10000, 1, 2, "0.01");
	check_pc(100000, 1, 2, "0.01"); /* 0.001 */
	check_pc(3, 2, 2, "66.67");
	check_pc(3, 3, 3, "100.000");
	check_pc(3, 0, 2, "0.00");
	ok(report_displayed_percent(1000, 899, 0) == 90.0,
	    "89.9%% is displayed, and compared, as 90");
	is_int(report_percent(8, 1), 12, "report_percent agrees at 12.5");
}

static struct coverage *
rows_sample(void)
{
	struct coverage *cov = coverage_new();
	struct cov_file *f;

	/* a.c 4/4, b.c 1/4, c.c 3/4, d.c 0 statements, z/e.c 2/8 */
	f = coverage_file(cov, "/p/a.c");
	for (uint32_t l = 1; l <= 4; l++)
		cov_file_add_line(f, l, true);
	f = coverage_file(cov, "/p/b.c");
	for (uint32_t l = 1; l <= 4; l++)
		cov_file_add_line(f, l, l == 1);
	f = coverage_file(cov, "/p/c.c");
	for (uint32_t l = 1; l <= 4; l++)
		cov_file_add_line(f, l, l != 4);
	coverage_file(cov, "/p/d.c");
	f = coverage_file(cov, "/p/z/e.c");
	for (uint32_t l = 1; l <= 8; l++)
		cov_file_add_line(f, l, l <= 2);
	coverage_finish(cov);
	return cov;
}

static char *
row_names(const struct coverage *cov, enum report_sort sort, bool reverse,
    bool skip, size_t *skippedp)
{
	struct report_opts opts = {.cwd = "/p",
	    .sort = sort,
	    .sort_reverse = reverse,
	    .skip_covered = skip};
	struct report_rows rr;
	struct buf b = BUF_INIT;

	report_rows_init(&rr, cov, &opts);
	for (size_t i = 0; i < rr.n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", rr.rows[i].name);
	buf_printf(&b, " | %zu/%zu", rr.total.stmts - rr.total.miss,
	    rr.total.stmts);
	*skippedp = rr.skipped;
	report_rows_release(&rr);
	return buf_detach(&b, NULL);
}

static void
check_rows(const struct coverage *cov, enum report_sort sort, bool reverse,
    bool skip, const char *want, const char *name)
{
	size_t skipped;
	char *got = row_names(cov, sort, reverse, skip, &skipped);

	is_str(got, want, "%s", name);
	free(got);
}

static void
test_rows(void)
{
	struct coverage *cov = rows_sample();
	size_t skipped;
	char *s;

	check_rows(cov, REPORT_SORT_NAME, false, false,
	    "a.c b.c c.c d.c z/e.c | 10/20", "sorted by name");
	check_rows(cov, REPORT_SORT_NAME, true, false,
	    "z/e.c d.c c.c b.c a.c | 10/20", "by name, descending");
	check_rows(cov, REPORT_SORT_STMTS, false, false,
	    "d.c a.c b.c c.c z/e.c | 10/20", "by statements, ties by name");
	check_rows(cov, REPORT_SORT_MISS, false, false,
	    "a.c d.c c.c b.c z/e.c | 10/20", "by misses");
	check_rows(cov, REPORT_SORT_COVER, false, false,
	    "b.c z/e.c c.c a.c d.c | 10/20", "by coverage, ties by name");
	check_rows(cov, REPORT_SORT_COVER, true, false,
	    "d.c a.c c.c z/e.c b.c | 10/20", "by coverage, descending");
	check_rows(cov, REPORT_SORT_NAME, false, true, "b.c c.c z/e.c | 10/20",
	    "skip-covered leaves out full files, not the total");
	s = row_names(cov, REPORT_SORT_NAME, false, true, &skipped);
	is_int((long long)skipped, 2, "and counts them (an empty file too)");
	free(s);
	coverage_free(cov);
}

static char *
map(const char *from, const char *to, const char *path)
{
	struct path_map m[2] = {{from, to}, {"/", "/first-rule-won-not"}};
	char *r = path_map_apply(m, 1, path);

	return r != NULL ? r : xstrdup("(none)");
}

static void
check_map(const char *from, const char *to, const char *path, const char *want)
{
	char *got = map(from, to, path);

	is_str(got, want, "map %s=%s on %s", from, to, path);
	free(got);
}

static void
test_path_map(void)
{
	struct path_map two[] = {{"/build", "/a"}, {"/build/src", "/b"}};
	struct coverage *cov = coverage_new();
	char *r;

	check_map("/build", "/home/u/p", "/build/src/a.c", "/home/u/p/src/a.c");
	check_map("/build/", "/home/u/p/", "/build/src/a.c",
	    "/home/u/p/src/a.c");
	check_map("/build", "/home/u/p", "/buildx/a.c", "(none)");
	check_map("/build", "/home/u/p", "/build", "/home/u/p");
	check_map("/build", "", "/build/src/a.c", "src/a.c");
	check_map("/", "/root", "/a.c", "/root/a.c");
	check_map("/build", "/", "/build/a.c", "/a.c");
	check_map("src", "/abs/src", "src/a.c", "/abs/src/a.c");
	r = path_map_apply(two, 2, "/build/src/a.c");
	is_str(r, "/a/src/a.c", "the first matching rule wins");
	free(r);

	cov_file_add_line(coverage_file(cov, "/ci/x/a.c"), 1, true);
	cov_file_add_line(coverage_file(cov, "/home/u/a.c"), 1, false);
	cov_file_add_line(coverage_file(cov, "/home/u/a.c"), 2, false);
	cov_file_add_line(coverage_file(cov, "/zzz/b.c"), 3, false);
	coverage_map_paths(cov, (struct path_map[]){{"/ci/x", "/home/u"}}, 1);
	ok(cov->nfiles == 2 && strcmp(cov->files[0].path, "/home/u/a.c") == 0,
	    "mapped files meet and merge");
	ok(cov->files[0].nlines == 2 && cov->files[0].lines[0].hit &&
	        !cov->files[0].lines[1].hit,
	    "their lines are unioned");
	ok(coverage_is_finished(cov), "the coverage is left finished");
	coverage_free(cov);
}

static void
add_run(struct coverage *cov, const char *host, const char *command,
    int64_t start, double duration)
{
	struct cov_run r = {.host = xstrdup(host),
	    .platform = xstrdup("p"),
	    .cwd = xstrdup("/"),
	    .command = xstrdup(command),
	    .start = start,
	    .duration = duration};

	coverage_add_run(cov, &r);
	free(r.host);
	free(r.platform);
	free(r.cwd);
	free(r.command);
}

/* Build one coverage in a given order, for the order-independence test. */
static struct coverage *
ordered_sample(bool reversed)
{
	struct coverage *cov = coverage_new();
	struct cov_file *f;
	uint32_t m;

	if (reversed)
		add_run(cov, "h2", "b", 5, 2);
	add_run(cov, "h1", "a", 10, 1);
	if (!reversed)
		add_run(cov, "h2", "b", 5, 2);
	m = coverage_module(cov, reversed ? "bb" : "aa", "/bin/x");
	f = coverage_file(cov, "/s/a.c");
	cov_file_add_module(f, m);
	cov_file_add_line(f, reversed ? 3 : 2, !reversed);
	cov_file_add_func(f, "f", 2, !reversed);
	m = coverage_module(cov, reversed ? "aa" : "bb", "/bin/x");
	cov_file_add_module(f, m);
	cov_file_add_line(f, reversed ? 2 : 3, reversed);
	cov_file_add_func(f, "f", 2, reversed);
	coverage_finish(cov);
	return cov;
}

static void
test_canonical(void)
{
	struct coverage *a = ordered_sample(false), *b = ordered_sample(true);
	struct coverage *twice = coverage_new();
	size_t la, lb, lt;
	char *ta = datafile_format(a, &la), *tb = datafile_format(b, &lb), *tt;

	if (!ok(ta != NULL && tb != NULL && la == lb && memcmp(ta, tb, la) == 0,
	        "the same data added in another order gives the same file"))
		diag("%s\n%s", ta, tb);
	coverage_merge(twice, a);
	coverage_merge(twice, a);
	tt = datafile_format(twice, &lt);
	ok(tt != NULL && lt == la && memcmp(tt, ta, la) == 0,
	    "merging the same data twice changes nothing");
	is_int((long long)a->nruns, 2, "runs are kept, once each");
	is_int(a->runs[0].start, 5, "runs are sorted by start");
	ok(strcmp(a->modules[0].build_id, "aa") == 0 &&
	        strcmp(a->modules[1].build_id, "bb") == 0,
	    "modules are sorted");
	ok(a->files[0].nfuncs == 1 && a->files[0].funcs[0].hit,
	    "a function ran when any record of it ran");
	capture_stderr();
	coverage_check_modules(a);
	free(tt);
	tt = captured_stderr();
	ok(strstr(tt, "warning: '/bin/x' was measured in 2 builds") != NULL,
	    "one path with two build-ids is a warning");
	free(ta);
	free(tb);
	free(tt);
	coverage_free(a);
	coverage_free(b);
	coverage_free(twice);
}

static char *
write_source(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);

	if (atomicfile_write(path, text, strlen(text)) == -1) {
		printf("Bail out! cannot write '%s'\n", path);
		exit(1);
	}
	return path;
}

static char *
lines_of(const struct cov_file *f)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < f->nlines; i++)
		buf_printf(&b, "%s%u", i ? "," : "", f->lines[i].line);
	buf_addstr(&b, " x");
	for (size_t i = 0; i < f->nexcluded; i++)
		buf_printf(&b, "%s%u", i ? "," : "", f->excluded[i]);
	buf_addstr(&b, " f");
	for (size_t i = 0; i < f->nfuncs; i++)
		buf_printf(&b, " %s", f->funcs[i].name);
	return buf_detach(&b, NULL);
}

static char *
exclude(const char *text, const char *regex, char **errp)
{
	char *path = write_source("src.c", text), *r;
	struct coverage *cov = coverage_new();
	struct cov_file *f = coverage_file(cov, path);
	struct excluder *ex = excluder_new(&regex, regex ? 1 : 0);

	for (uint32_t l = 1; l <= 12; l++)
		cov_file_add_line(f, l, false);
	cov_file_add_func(f, "one", 1, false);
	cov_file_add_func(f, "five", 5, false);
	capture_stderr();
	coverage_exclude(cov, ex);
	*errp = captured_stderr();
	r = lines_of(&cov->files[0]);
	excluder_free(ex);
	coverage_free(cov);
	unlink(path);
	free(path);
	return r;
}

static void
check_exclude(const char *text, const char *regex, const char *want,
    const char *want_err, const char *name)
{
	char *err, *got = exclude(text, regex, &err);

	is_str(got, want, "%s", name);
	if (want_err == NULL)
		is_str(err, "", "%s: no warning", name);
	else
		ok(strstr(err, want_err) != NULL, "%s: warns '%s' (got '%s')",
		    name, want_err, err);
	free(got);
	free(err);
}

/* A source of about 100 KB, read in more than one piece, whose only
 * marker starts at byte at: statement lines around it keep or lose it. */
static void
check_exclude_far(size_t at)
{
	struct buf text = BUF_INIT;
	struct coverage *cov = coverage_new();
	struct cov_file *f;
	uint32_t line = 1;
	char *path, *got, *want;

	while (text.len + 2 <= at - 6 - 1) {
		buf_addstr(&text, "x\n");
		line++;
	}
	while (text.len < at - 6)
		buf_addch(&text, 'y');
	buf_addstr(&text, "//LCOV_EXCL_LINE\n");
	while (text.len < 100000)
		buf_addstr(&text, "x\n");
	path = write_source("far.c", text.data);
	f = coverage_file(cov, path);
	for (uint32_t l = line - 1; l <= line + 1; l++)
		cov_file_add_line(f, l, false);
	coverage_exclude(cov, NULL);
	got = lines_of(&cov->files[0]);
	want = xasprintf("%u,%u x%u f", line - 1, line + 1, line);
	is_str(got, want, "a marker at byte %zu of a large source", at);
	free(want);
	free(got);
	coverage_free(cov);
	unlink(path);
	free(path);
	buf_release(&text);
}

static void
test_exclude(void)
{
	const char *bad = "a(";
	struct coverage *cov = coverage_new();
	char *err, *s;

	check_exclude("1\n2 // LCOV_EXCL_LINE\n3\n4 /* GCOVR_EXCL_LINE */\n",
	    NULL, "1,3,5,6,7,8,9,10,11,12 x2,4 f one five", NULL,
	    "LINE markers");
	check_exclude("1\n2\n3 LCOV_EXCL_START\n4\n5\n6 LCOV_EXCL_STOP\n7\n",
	    NULL, "1,2,7,8,9,10,11,12 x3,4,5,6 f one", NULL,
	    "a START/STOP region, with the function in it");
	check_exclude("1\n2 GCOVR_EXCL_START\n3\n4 GCOVR_EXCL_STOP\n", NULL,
	    "1,5,6,7,8,9,10,11,12 x2,3,4 f one five", NULL, "GCOVR region");
	check_exclude("1\n2\n3\n4\n5\n6\n7\n8\n9 LCOV_EXCL_START\n10\n", NULL,
	    "1,2,3,4,5,6,7,8,11,12 x9,10 f one five",
	    "line 9: LCOV_EXCL_START "
	    "without a matching LCOV_EXCL_STOP",
	    "an open region runs to the end, with a warning naming the line");
	check_exclude("1\n2 LCOV_EXCL_STOP\n", NULL,
	    "1,3,4,5,6,7,8,9,10,11,12 x2 f one five",
	    "line 2: LCOV_EXCL_STOP without LCOV_EXCL_START", "a lone STOP");
	check_exclude("1\n2 LCOV_EXCL_BR_LINE\n3\n", NULL,
	    "1,2,3,4,5,6,7,8,9,10,11,12 x f one five", NULL,
	    "branch markers do not exclude lines");
	check_exclude("abort();\nx\nabort ();\n", "abort *\\(",
	    "2,4,5,6,7,8,9,10,11,12 x1,3 f five", NULL, "--exclude-line");
	check_exclude("LCOV_EXCL_LINE\n_EXCL_\nX\n", NULL,
	    "2,3,4,5,6,7,8,9,10,11,12 x1 f five", NULL,
	    "a marker on the first line");
	/* The source is scanned 64 KiB at a time: markers before, across
	 * and after the first boundary. */
	check_exclude_far(1000);
	check_exclude_far(65530);
	check_exclude_far(65533);
	check_exclude_far(65535);
	check_exclude_far(65536);
	check_exclude_far(90000);
	capture_stderr();
	ok(excluder_new(&bad, 1) == NULL, "a bad regular expression fails");
	s = captured_stderr();
	ok(strstr(s, "bad --exclude-line regular expression 'a('") != NULL,
	    "and says so");
	free(s);
	cov_file_add_line(coverage_file(cov, "/nonexistent/x.c"), 2, true);
	capture_stderr();
	coverage_exclude(cov, NULL);
	err = captured_stderr();
	ok(cov->files[0].nlines == 1 && cov->files[0].nexcluded == 0,
	    "an unreadable source keeps its statements");
	is_str(err, "", "without a warning");
	free(err);
	coverage_free(cov);
}

int
main(void)
{
	const char *t = getenv("TMPDIR");

	tmpdir = xasprintf("%s/summary-test.XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		skip_all("cannot create a temporary directory");
	test_percent();
	test_rows();
	test_path_map();
	test_canonical();
	test_exclude();
	rmdir(tmpdir);
	free(tmpdir);
	return done_testing();
}
