/* `covtrace report --by-worker`: where the workers' coverage differs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "report/report.h"

/* The worker ids of a line's tags, "gw0, gw2", into b. */
static void
add_ids(struct buf *b, const struct coverage *cov, const struct cov_tag *t,
    size_t n)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_addstr(b, ", ");
		buf_addstr(b, cov->workers[t[i].id].id);
	}
	buf_grow(b, 0);
}

static bool
same_ids(const struct cov_tag *a, size_t na, const struct cov_tag *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].id != b[i].id)
			return false;
	return true;
}

/* The lines of f that some workers ran and others did not, as ranges of
 * consecutive tagged lines with the same workers; returns how many. */
static size_t
write_file_diff(FILE *out, const struct coverage *cov, const struct cov_file *f,
    const char *name)
{
	struct buf ids = BUF_INIT;
	size_t nranges = 0;

	for (size_t i = 0; i < f->nwtags;) {
		const struct cov_tag *t = &f->wtags[i];
		size_t n, next, first = t->line, last = t->line;

		cov_tags_of_line(f->wtags, f->nwtags, t->line, &n);
		next = i + n;
		/* Extend over the following lines with the same workers. */
		while (next < f->nwtags && f->wtags[next].line == last + 1) {
			size_t m;
			const struct cov_tag *u = cov_tags_of_line(f->wtags,
			    f->nwtags, f->wtags[next].line, &m);

			if (!same_ids(t, n, u, m))
				break;
			last = u->line;
			next += m;
		}
		if (n < cov->nworkers) {
			add_ids(&ids, cov, t, n);
			if (first == last)
				fprintf(out, "%s:%zu  %s\n", name, first,
				    ids.data);
			else
				fprintf(out, "%s:%zu-%zu  %s\n", name, first,
				    last, ids.data);
			nranges++;
		}
		i = next;
	}
	buf_release(&ids);
	return nranges;
}

static void
write_worker_table(FILE *out, const struct coverage *cov)
{
	size_t *hits = xcalloc(cov->nworkers, sizeof(*hits));
	size_t idw = strlen("Worker");

	for (size_t i = 0; i < cov->nfiles; i++)
		for (size_t k = 0; k < cov->files[i].nwtags; k++)
			hits[cov->files[i].wtags[k].id]++;
	for (size_t i = 0; i < cov->nworkers; i++)
		if (strlen(cov->workers[i].id) > idw)
			idw = strlen(cov->workers[i].id);
	fprintf(out, "%-*s  %7s  %s\n", (int)idw, "Worker", "Hit",
	    "Platform and directory");
	for (size_t i = 0; i < cov->nworkers; i++) {
		const struct cov_worker *w = &cov->workers[i];

		fprintf(out, "%-*s  %7zu  %s, %s%s\n", (int)idw, w->id, hits[i],
		    w->platform, w->cwd,
		    w->lost ? " (died: its coverage is partial)" : "");
	}
	free(hits);
}

int
report_by_worker(const struct coverage *cov, const struct report_opts *opts,
    FILE *out)
{
	struct coverage *copy;
	size_t n = 0;

	cov = coverage_finished(cov, &copy);
	if (cov->nworkers == 0) {
		coverage_free(copy);
		return error("no worker data: the data file comes from a run "
		             "without workers (covtrace -n or --tx)");
	}
	fputs("Coverage by worker\n\n", out);
	write_worker_table(out, cov);
	fputs("\nLines run on some workers only:\n", out);
	for (size_t i = 0; i < cov->nfiles; i++)
		n += write_file_diff(out, cov, &cov->files[i],
		    report_display_name(cov->files[i].path, opts->cwd));
	if (n == 0)
		fputs("(none: every line that ran, ran on every worker)\n",
		    out);
	coverage_free(copy);
	if (fflush(out) == EOF || ferror(out))
		return error_errno("cannot write the report by worker");
	return 0;
}
