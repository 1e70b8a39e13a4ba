/* The rows of a summary table, shared by the term, Markdown and HTML
 * writers: names, counts, sorting and --skip-covered. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "report/report.h"

const char *
report_display_name(const char *path, const char *cwd)
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

/* qsort has no context pointer: the sort key travels in each row's copy of
 * it, through this wrapper. */
struct sort_row {
	struct report_row row;
	enum report_sort key;
	bool reverse;
};

static int
cmp_size(size_t a, size_t b)
{
	return a < b ? -1 : a > b;
}

/* Cover compares exact fractions: miss/stmts descending is hit/stmts
 * ascending, compared by cross-multiplication. */
static int
cmp_cover(const struct report_row *x, const struct report_row *y)
{
	unsigned long long xh = x->stmts - x->miss, yh = y->stmts - y->miss;
	unsigned long long xs = x->stmts ? x->stmts : 1;
	unsigned long long ys = y->stmts ? y->stmts : 1;

	if (x->stmts == 0)
		xh = 1;
	if (y->stmts == 0)
		yh = 1;
	return xh * ys < yh * xs ? -1 : xh * ys > yh * xs;
}

static int
sort_row_cmp(const void *a, const void *b)
{
	const struct sort_row *x = a, *y = b;
	int c = 0;

	switch (x->key) {
	case REPORT_SORT_NAME:
		break;
	case REPORT_SORT_STMTS:
		c = cmp_size(x->row.stmts, y->row.stmts);
		break;
	case REPORT_SORT_MISS:
		c = cmp_size(x->row.miss, y->row.miss);
		break;
	case REPORT_SORT_COVER:
		c = cmp_cover(&x->row, &y->row);
		break;
	}
	/* Ties go by name, as coverage.py sorts (value, name) tuples. */
	if (c == 0)
		c = strcmp(x->row.name, y->row.name);
	return x->reverse ? -c : c;
}

static void
fill_row(struct report_row *r, const struct cov_file *f, const char *cwd)
{
	size_t hit;

	r->file = f;
	r->name = report_display_name(f->path, cwd);
	cov_file_counts(f, &r->stmts, &hit);
	r->miss = r->stmts - hit;
	cov_file_func_counts(f, &r->nfuncs, &r->funcs_hit);
}

static void
add_to_total(struct report_row *t, const struct report_row *r)
{
	t->stmts += r->stmts;
	t->miss += r->miss;
	t->nfuncs += r->nfuncs;
	t->funcs_hit += r->funcs_hit;
}

void
report_rows_init(struct report_rows *rr, const struct coverage *cov,
    const struct report_opts *opts)
{
	struct sort_row *sr = xcalloc(cov->nfiles + 1, sizeof(*sr));
	size_t n = 0;

	memset(rr, 0, sizeof(*rr));
	rr->total.name = "TOTAL";
	for (size_t i = 0; i < cov->nfiles; i++) {
		struct report_row r;

		fill_row(&r, &cov->files[i], opts->cwd);
		add_to_total(&rr->total, &r);
		if (opts->skip_covered && r.miss == 0) {
			rr->skipped++;
			continue;
		}
		sr[n].row = r;
		sr[n].key = opts->sort;
		sr[n].reverse = opts->sort_reverse;
		n++;
	}
	qsort(sr, n, sizeof(*sr), sort_row_cmp);
	rr->rows = xcalloc(n + 1, sizeof(*rr->rows));
	for (size_t i = 0; i < n; i++)
		rr->rows[i] = sr[i].row;
	rr->n = n;
	free(sr);
}

void
report_rows_release(struct report_rows *rr)
{
	free(rr->rows);
	memset(rr, 0, sizeof(*rr));
}

/* The missed lines as coverage.py shows them: "12-15, 20".  A range runs
 * over missed statements and ends at the next hit one. */
void
report_add_missing(struct buf *out, const struct cov_file *f)
{
	uint32_t start = 0, end = 0;
	size_t len0 = out->len;

	for (size_t i = 0; i <= f->nlines; i++) {
		if (i < f->nlines && !f->lines[i].hit) {
			if (start == 0)
				start = f->lines[i].line;
			end = f->lines[i].line;
			continue;
		}
		if (start == 0)
			continue;
		if (out->len > len0)
			buf_add(out, ", ", 2);
		buf_add_u32(out, start);
		if (end != start) {
			buf_addch(out, '-');
			buf_add_u32(out, end);
		}
		start = 0;
	}
}

const struct report_writer *
report_writer_find(const char *name)
{
	static const struct report_writer *const writers[] = {
	    &report_writer_term,
	    &report_writer_markdown,
	    &report_writer_lcov,
	    &report_writer_cobertura,
	    &report_writer_json,
	    &report_writer_html,
	};

	for (size_t i = 0; i < sizeof(writers) / sizeof(*writers); i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}
