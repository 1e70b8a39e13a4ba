/* The lcov tracefile: the conservative subset that lcov 1.16's genhtml and
 * lcov --summary, and lcov 2's stricter reader, all take without a warning:
 * TN, SF, FN, FNDA, FNF, FNH, DA, LF, LH and end_of_record. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "report/report.h"

/* A path or name on one line: the format has no escapes, so a newline
 * would start a bogus record. */
static void
put_field(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == '\n' || *s == '\r' ? '?' : *s, out);
}

static int
func_name_cmp(const void *a, const void *b)
{
	const struct cov_func *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
func_line_cmp(const void *a, const void *b)
{
	const struct cov_func *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * lcov keys functions by name within a file: two builds that put one
 * function at different lines would give two FN records with one name,
 * which lcov 2 refuses.  Keep the first line of each name; it ran if any
 * of its entries ran.
 */
static size_t
unique_funcs(const struct cov_file *f, struct cov_func **funcsp)
{
	struct cov_func *v = xcalloc(f->nfuncs + 1, sizeof(*v));
	size_t n = 0;

	if (f->nfuncs == 0) {
		*funcsp = v;
		return 0;
	}
	memcpy(v, f->funcs, f->nfuncs * sizeof(*v));
	qsort(v, f->nfuncs, sizeof(*v), func_name_cmp);
	for (size_t i = 0; i < f->nfuncs; i++) {
		if (n > 0 && strcmp(v[n - 1].name, v[i].name) == 0)
			v[n - 1].hit |= v[i].hit;
		else
			v[n++] = v[i];
	}
	/* Back in line order, as the source reads. */
	qsort(v, n, sizeof(*v), func_line_cmp);
	*funcsp = v;
	return n;
}

static void
write_funcs(FILE *out, const struct cov_file *f)
{
	struct cov_func *v;
	size_t n = unique_funcs(f, &v), hit = 0;

	for (size_t i = 0; i < n; i++) {
		fprintf(out, "FN:%u,", v[i].line);
		put_field(out, v[i].name);
		fputc('\n', out);
	}
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "FNDA:%d,", v[i].hit ? 1 : 0);
		put_field(out, v[i].name);
		fputc('\n', out);
		hit += v[i].hit;
	}
	fprintf(out, "FNF:%zu\nFNH:%zu\n", n, hit);
	free(v);
}

static void
write_file(FILE *out, const struct cov_file *f)
{
	size_t hit = 0;

	fputs("TN:\nSF:", out);
	put_field(out, f->path);
	fputc('\n', out);
	write_funcs(out, f);
	for (size_t i = 0; i < f->nlines; i++) {
		fprintf(out, "DA:%u,%d\n", f->lines[i].line,
		    f->lines[i].hit ? 1 : 0);
		hit += f->lines[i].hit;
	}
	fprintf(out, "LF:%zu\nLH:%zu\nend_of_record\n", f->nlines, hit);
}

static int
lcov_write(const struct coverage *cov, const struct report_opts *opts,
    FILE *out)
{
	struct coverage *copy;

	(void)opts;
	cov = coverage_finished(cov, &copy);
	for (size_t i = 0; i < cov->nfiles; i++)
		write_file(out, &cov->files[i]);
	coverage_free(copy);
	if (fflush(out) == EOF || ferror(out))
		return error_errno("cannot write the LCOV report");
	return 0;
}

const struct report_writer report_writer_lcov = {
    .name = "lcov",
    .what = "LCOV",
    .default_dest = "coverage.lcov",
    .write = lcov_write,
};
