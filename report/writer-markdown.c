/* The summary table as GitHub-flavoured Markdown, for CI job summaries and
 * pull-request comments. */
#include "config.h"

#include <stdio.h>

#include "common/buf.h"
#include "common/log.h"
#include "report/emit.h"
#include "report/report.h"

static void
write_row(FILE *out, const struct report_row *r, int precision, bool bold,
    const char *missing)
{
	const char *b = bold ? "**" : "";
	char pc[64];

	report_format_percent(pc, sizeof(pc), r->stmts, r->stmts - r->miss,
	    precision);
	fprintf(out, "| %s", b);
	emit_markdown(out, r->name);
	fprintf(out, "%s | %s%zu%s | %s%zu%s | %s%s%%%s |", b, b, r->stmts, b,
	    b, r->miss, b, b, pc, b);
	if (missing != NULL && missing[0] != '\0')
		fprintf(out, " %s |\n", missing);
	else
		fputs(" |\n", out);
}

static int
markdown_write(const struct coverage *cov, const struct report_opts *opts,
    FILE *out)
{
	struct coverage *copy;
	struct report_rows rr;
	struct buf missing = BUF_INIT;

	cov = coverage_finished(cov, &copy);
	report_rows_init(&rr, cov, opts);
	fputs("| Name | Stmts | Miss | Cover | Missing |\n"
	      "|------|------:|-----:|------:|---------|\n",
	    out);
	for (size_t i = 0; i < rr.n; i++) {
		buf_reset(&missing);
		buf_addstr(&missing, "");
		report_add_missing(&missing, rr.rows[i].file);
		write_row(out, &rr.rows[i], opts->precision, false,
		    missing.data);
	}
	write_row(out, &rr.total, opts->precision, true, "");
	if (rr.skipped > 0)
		fprintf(out, "\n%zu file%s skipped due to complete coverage.\n",
		    rr.skipped, rr.skipped == 1 ? "" : "s");
	buf_release(&missing);
	report_rows_release(&rr);
	coverage_free(copy);
	if (fflush(out) == EOF || ferror(out))
		return error_errno("cannot write the Markdown report");
	return 0;
}

const struct report_writer report_writer_markdown = {
    .name = "markdown",
    .what = "Markdown",
    .default_dest = "coverage.md",
    .write = markdown_write,
};
