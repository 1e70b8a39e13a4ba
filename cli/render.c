/* The reports of a run or of `covtrace report`, and --cov-fail-under. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/run.h"
#include "common/atomicfile.h"
#include "common/buf.h"
#include "common/log.h"
#include "report/report.h"

static void
fill_report_opts(const struct options *opts, struct report_opts *ro, char *cwd,
    size_t cwdsize)
{
	memset(ro, 0, sizeof(*ro));
	for (size_t i = 0; i < opts->nreports; i++)
		if (opts->reports[i].show_missing)
			ro->show_missing = true;
	ro->skip_covered = opts->skip_covered;
	ro->precision = opts->precision;
	ro->sort = opts->sort;
	ro->sort_reverse = opts->sort_reverse;
	ro->cwd = getcwd(cwd, cwdsize);
	ro->now = (int64_t)time(NULL);
	ro->version = PACKAGE_VERSION;
}

/* A text report into a file (atomically) or onto standard output. */
static int
write_text(const struct report_writer *w, const struct coverage *cov,
    const struct report_opts *ro, const char *dest)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int r = -1;

	if (out == NULL)
		return error_errno("cannot make the %s report", w->what);
	if (w->write(cov, ro, out) == -1) {
		fclose(out);
		goto out;
	}
	if (fclose(out) == EOF) {
		error_errno("cannot make the %s report", w->what);
		goto out;
	}
	if (strcmp(dest, "-") == 0) {
		if (fwrite(text, 1, len, stdout) != len ||
		    fflush(stdout) == EOF) {
			error_errno("cannot write the %s report", w->what);
			goto out;
		}
	} else if (atomicfile_write(dest, text, len) == -1)
		goto out;
	r = 0;
out:
	free(text);
	return r;
}

static int
write_one(const struct report_request *rq, const struct coverage *cov,
    const struct report_opts *ro)
{
	const struct report_writer *w = rq->writer;
	const char *dest = rq->dest != NULL ? rq->dest : w->default_dest;

	if (w->write_dir != NULL) {
		if (w->write_dir(cov, ro, dest) == -1)
			return -1;
		fprintf(stderr, "Coverage %s written to dir %s\n", w->what,
		    dest);
		return 0;
	}
	if (write_text(w, cov, ro, dest) == -1)
		return -1;
	if (strcmp(dest, "-") != 0)
		fprintf(stderr, "Coverage %s written to file %s\n", w->what,
		    dest);
	return 0;
}

/* The terminal report on standard error, made in memory and written at
 * once: the stream is unbuffered, and the table printed onto it straight
 * cost a write() per cell and per dash of its title. */
static int
print_table(const struct coverage *cov, const struct report_opts *ro)
{
	struct buf b = BUF_INIT;
	int r = 0;

	report_table(&b, cov, ro);
	fflush(stderr);
	if (write_full(STDERR_FILENO, b.data, b.len) == -1)
		r = error_errno("cannot write the coverage report");
	buf_release(&b);
	return r;
}

static int
write_reports(const struct options *opts, const struct coverage *cov,
    const struct report_opts *ro)
{
	bool term = false;
	int r = 0;

	for (size_t i = 0; i < opts->nreports; i++)
		if (opts->reports[i].writer == &report_writer_term)
			term = true;
	fflush(stdout);
	if (term && print_table(cov, ro) == -1)
		r = -1;
	for (size_t i = 0; i < opts->nreports; i++)
		if (opts->reports[i].writer != &report_writer_term &&
		    write_one(&opts->reports[i], cov, ro) == -1)
			r = -1;
	fflush(stderr);
	return r;
}

/* Compare the total as it is displayed, as pytest-cov does: a total shown
 * as 90% passes --cov-fail-under=90 even when it is 89.6%. */
static bool
fail_under(const struct options *opts, const struct coverage *cov)
{
	size_t stmts = 0, hit = 0, s, h;
	char shown[64];
	bool failed;

	for (size_t i = 0; i < cov->nfiles; i++) {
		cov_file_counts(&cov->files[i], &s, &h);
		stmts += s;
		hit += h;
	}
	report_format_percent(shown, sizeof(shown), stmts, hit,
	    opts->precision);
	failed = report_displayed_percent(stmts, hit, opts->precision) <
	    opts->fail_under;
	fprintf(stderr,
	    "%sRequired test coverage of %g%% %sreached. "
	    "Total coverage: %s%%\n",
	    failed ? "FAIL " : "", opts->fail_under, failed ? "not " : "",
	    shown);
	return failed;
}

int
render_by_worker(const struct options *opts, const struct coverage *cov)
{
	struct report_opts ro;
	char cwd[PATH_MAX];

	fill_report_opts(opts, &ro, cwd, sizeof(cwd));
	fflush(stdout);
	return report_by_worker(cov, &ro, stderr);
}

int
render_reports(const struct options *opts, struct coverage *cov, int status)
{
	struct report_opts ro;
	struct excluder *ex;
	char cwd[PATH_MAX];

	if (opts->nreports == 0 && !opts->fail_under_set)
		return status;
	fill_report_opts(opts, &ro, cwd, sizeof(cwd));
	/* The patterns were checked when the options were read. */
	if ((ex = excluder_new(opts->exclude_lines, opts->nexclude_lines)) ==
	    NULL)
		BUG("--exclude-line patterns rejected late");
	coverage_exclude(cov, ex);
	excluder_free(ex);
	if (write_reports(opts, cov, &ro) == -1 && status == 0)
		status = 1;
	if (opts->fail_under_set && fail_under(opts, cov) && status == 0)
		status = 2;
	return status;
}
