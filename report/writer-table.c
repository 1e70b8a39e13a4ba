/* The terminal table, shaped like pytest-cov's term and term-missing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "report/report.h"

#define TABLE_WIDTH 80 /* pytest's terminal width when not a tty */

struct row {
	const char *name; /* borrowed from the file's path */
	size_t stmts;
	size_t miss;
	const struct cov_file *file;
};

/* The length Python's len() gives: code points, not bytes. */
static size_t
text_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* The path relative to cwd when it lies below cwd, else the path itself. */
static const char *
display_name(const char *path, const char *cwd)
{
	size_t n;

	if (cwd == NULL || cwd[0] != '/')
		return path;
	n = strlen(cwd);
	while (n > 0 && cwd[n - 1] == '/')
		n--;
	if (strncmp(path, cwd, n) != 0 || path[n] != '/')
		return path;
	while (path[n] == '/')
		n++;
	return path[n] != '\0' ? path + n : path;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* A sep('-', title) line as pytest's terminal writer draws it. */
static void
write_title(FILE *out, const char *title)
{
	int len = (int)text_width(title);
	int n = (TABLE_WIDTH - len - 2) / 2;

	if (n < 1)
		n = 1;
	for (int i = 0; i < n; i++)
		fputc('-', out);
	fprintf(out, " %s ", title);
	for (int i = 0; i < n; i++)
		fputc('-', out);
	if (2 * n + len + 2 + 1 <= TABLE_WIDTH)
		fputc('-', out);
	fputc('\n', out);
}

static void
write_platform_title(FILE *out, const struct coverage *cov)
{
	char *platform = NULL, *title;

	if (cov->nruns == 0)
		platform = report_platform();
	title = xasprintf("coverage: platform %s",
	    platform != NULL ? platform : cov->runs[0].platform);
	write_title(out, title);
	free(title);
	free(platform);
}

/* The missed lines as coverage.py shows them: "12-15, 20".  A range runs
 * over missed statements and ends at the next hit one. */
static void
add_missing(struct buf *b, const struct cov_file *f)
{
	uint32_t start = 0, end = 0;

	for (size_t i = 0; i <= f->nlines; i++) {
		if (i < f->nlines && !f->lines[i].hit) {
			if (start == 0)
				start = f->lines[i].line;
			end = f->lines[i].line;
			continue;
		}
		if (start == 0)
			continue;
		buf_printf(b, "%s%u", b->len ? ", " : "", start);
		if (end != start)
			buf_printf(b, "-%u", end);
		start = 0;
	}
}

static void
write_row(FILE *out, const char *name, size_t width, size_t stmts, size_t miss,
    const char *missing)
{
	fprintf(out, "%s%*s%7zu%7zu%6d%%", name,
	    (int)(width - text_width(name)), "", stmts, miss,
	    report_percent(stmts, stmts - miss));
	if (missing != NULL && missing[0] != '\0')
		fprintf(out, "   %s", missing);
	fputc('\n', out);
}

static void
write_rows(FILE *out, const struct row *rows, size_t nrows, size_t width,
    bool show_missing)
{
	struct buf missing = BUF_INIT;
	size_t stmts = 0, miss = 0;

	fprintf(out, "Name%*s%7s%7s%7s%s\n", (int)(width - 4), "", "Stmts",
	    "Miss", "Cover", show_missing ? "   Missing" : "");
	for (size_t i = 0; i < nrows; i++) {
		buf_reset(&missing);
		if (show_missing)
			add_missing(&missing, rows[i].file);
		write_row(out, rows[i].name, width, rows[i].stmts, rows[i].miss,
		    missing.data);
		stmts += rows[i].stmts;
		miss += rows[i].miss;
	}
	write_row(out, "TOTAL", width, stmts, miss, NULL);
	buf_release(&missing);
}

static int
write_table(const struct coverage *cov, const struct report_opts *opts,
    FILE *out)
{
	struct row *rows = xcalloc(cov->nfiles, sizeof(*rows));
	size_t width = strlen("TOTAL"), hit;

	for (size_t i = 0; i < cov->nfiles; i++) {
		struct row *r = &rows[i];

		r->file = &cov->files[i];
		r->name = display_name(r->file->path, opts->cwd);
		cov_file_counts(r->file, &r->stmts, &hit);
		r->miss = r->stmts - hit;
		if (text_width(r->name) > width)
			width = text_width(r->name);
	}
	qsort(rows, cov->nfiles, sizeof(*rows), row_cmp);
	write_platform_title(out, cov);
	write_rows(out, rows, cov->nfiles, width, opts->show_missing);
	free(rows);
	if (fflush(out) == EOF || ferror(out))
		return error_errno("cannot write the coverage report");
	return 0;
}

static int
table_write(const struct coverage *cov, const struct report_opts *opts,
    FILE *out)
{
	struct coverage *sorted = NULL;
	int r;

	if (!coverage_is_finished(cov)) {
		sorted = coverage_new();
		coverage_merge(sorted, cov);
		cov = sorted;
	}
	r = write_table(cov, opts, out);
	coverage_free(sorted);
	return r;
}

const struct report_writer report_writer_term = {
    .name = "term",
    .write = table_write,
};
