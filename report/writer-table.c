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

/* A sep('-', title) line as pytest's terminal writer draws it. */
static void
write_title(struct buf *out, const char *title)
{
	int len = (int)text_width(title);
	int n = (TABLE_WIDTH - len - 2) / 2;

	if (n < 1)
		n = 1;
	for (int i = 0; i < n; i++)
		buf_addch(out, '-');
	buf_printf(out, " %s ", title);
	for (int i = 0; i < n; i++)
		buf_addch(out, '-');
	if (2 * n + len + 2 + 1 <= TABLE_WIDTH)
		buf_addch(out, '-');
	buf_addch(out, '\n');
}

/* A sep(' ', text) line: the text centred, without trailing blanks. */
static void
write_centred(struct buf *out, const char *text)
{
	int n = (TABLE_WIDTH - (int)text_width(text) - 2) / 2;

	buf_printf(out, "%*s%s\n", n > 0 ? n + 1 : 0, "", text);
}

/* With workers (covtrace -n, --tx), pytest-cov's distributed header: the
 * title, then each worker's platform and directory. */
static void
write_workers_title(struct buf *out, const struct coverage *cov)
{
	write_title(out, "coverage");
	for (size_t i = 0; i < cov->nworkers; i++) {
		const struct cov_worker *w = &cov->workers[i];
		char *line = xasprintf("%s: platform %s, %s%s", w->id,
		    w->platform, w->cwd,
		    w->lost ? " (died: its coverage is partial)" : "");

		write_centred(out, line);
		free(line);
	}
}

static void
write_platform_title(struct buf *out, const struct coverage *cov)
{
	char *platform = NULL, *title;

	if (cov->nworkers > 0) {
		write_workers_title(out, cov);
		return;
	}
	if (cov->nruns == 0)
		platform = report_platform();
	title = xasprintf("coverage: platform %s",
	    platform != NULL ? platform : cov->runs[cov->nruns - 1].platform);
	write_title(out, title);
	free(title);
	free(platform);
}

struct layout {
	size_t name_width;
	int cover_width; /* the number, without its '%' */
	int precision;
};

static void
write_row(struct buf *out, const struct layout *lay, const struct report_row *r,
    const char *missing)
{
	char pc[64];

	report_format_percent(pc, sizeof(pc), r->stmts, r->stmts - r->miss,
	    lay->precision);
	buf_printf(out, "%s%*s%7zu%7zu%*s%%", r->name,
	    (int)(lay->name_width - text_width(r->name)), "", r->stmts, r->miss,
	    lay->cover_width, pc);
	if (missing != NULL && missing[0] != '\0')
		buf_printf(out, "   %s", missing);
	buf_addch(out, '\n');
}

static void
write_rows(struct buf *out, const struct report_rows *rr,
    const struct layout *lay, bool show_missing)
{
	struct buf missing = BUF_INIT;

	buf_printf(out, "Name%*s%7s%7s%*s%s\n", (int)(lay->name_width - 4), "",
	    "Stmts", "Miss", lay->cover_width + 1, "Cover",
	    show_missing ? "   Missing" : "");
	for (size_t i = 0; i < rr->n; i++) {
		buf_reset(&missing);
		if (show_missing)
			report_add_missing(&missing, rr->rows[i].file);
		write_row(out, lay, &rr->rows[i], missing.data);
	}
	write_row(out, lay, &rr->total, NULL);
	buf_release(&missing);
}

void
report_table(struct buf *out, const struct coverage *cov,
    const struct report_opts *opts)
{
	struct coverage *copy;
	struct report_rows rr;
	struct layout lay = {.name_width = strlen("TOTAL")};

	cov = coverage_finished(cov, &copy);
	report_rows_init(&rr, cov, opts);
	lay.precision = opts->precision;
	lay.cover_width = 6 + (opts->precision > 0 ? opts->precision + 1 : 0);
	for (size_t i = 0; i < rr.n; i++)
		if (text_width(rr.rows[i].name) > lay.name_width)
			lay.name_width = text_width(rr.rows[i].name);
	write_platform_title(out, cov);
	write_rows(out, &rr, &lay, opts->show_missing);
	if (rr.skipped > 0)
		buf_printf(out,
		    "\n%zu file%s skipped due to complete coverage.\n",
		    rr.skipped, rr.skipped == 1 ? "" : "s");
	report_rows_release(&rr);
	coverage_free(copy);
}

static int
table_write(const struct coverage *cov, const struct report_opts *opts,
    FILE *out)
{
	struct buf b = BUF_INIT;

	report_table(&b, cov, opts);
	if (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) == EOF ||
	    ferror(out)) {
		buf_release(&b);
		return error_errno("cannot write the coverage report");
	}
	buf_release(&b);
	return 0;
}

const struct report_writer report_writer_term = {
    .name = "term",
    .what = "terminal",
    .write = table_write,
};
