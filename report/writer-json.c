/* JSON, in the schema of coverage.py's JSON report (meta, files, totals),
 * with functions and runs added; covtrace(1) documents it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "report/emit.h"
#include "report/report.h"

#define JSON_FORMAT 1 /* bumped when a field changes meaning or goes */

/* A double as Python's repr() writes it: the shortest text that reads
 * back to the same value, with a ".0" on whole numbers. */
static void
put_double(FILE *out, double d)
{
	char buf[64];

	bool sci =
	    d != 0 && (d >= 1e16 || d <= -1e16 || (d < 1e-4 && d > -1e-4));

	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, d);
		/* Python writes an exponent only for very large or small
		 * values; %g uses one as soon as the digits run out. */
		if (strtod(buf, NULL) == d && (sci || strchr(buf, 'e') == NULL))
			break;
	}
	fputs(buf, out);
	if (strpbrk(buf, ".en") == NULL)
		fputs(".0", out);
}

static void
put_lines(FILE *out, const char *key, const struct cov_file *f, int which)
{
	bool first = true;

	fprintf(out, "\"%s\":[", key);
	for (size_t i = 0; i < f->nlines; i++) {
		if ((which == 1) != f->lines[i].hit)
			continue;
		fprintf(out, "%s%u", first ? "" : ",", f->lines[i].line);
		first = false;
	}
	fputs("]", out);
}

static void
put_excluded(FILE *out, const struct cov_file *f)
{
	fputs("\"excluded_lines\":[", out);
	for (size_t i = 0; i < f->nexcluded; i++)
		fprintf(out, "%s%u", i ? "," : "", f->excluded[i]);
	fputs("]", out);
}

static void
put_funcs(FILE *out, const struct cov_file *f)
{
	fputs("\"functions\":[", out);
	for (size_t i = 0; i < f->nfuncs; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		emit_json_string(out, f->funcs[i].name);
		fprintf(out, ",\"line\":%u,\"executed\":%s}", f->funcs[i].line,
		    f->funcs[i].hit ? "true" : "false");
	}
	fputs("]", out);
}

/* With --cov-context=test: for each executed line, the jobs it ran in,
 * as coverage.py's --show-contexts writes them. */
static void
put_contexts(FILE *out, const struct coverage *cov, const struct cov_file *f)
{
	fputs(",\"contexts\":{", out);
	for (size_t i = 0; i < f->nctx;) {
		size_t j = i;

		fprintf(out, "%s\"%u\":[", i ? "," : "", f->ctx[i].line);
		for (; j < f->nctx && f->ctx[j].line == f->ctx[i].line; j++) {
			if (j > i)
				fputc(',', out);
			emit_json_string(out, cov->contexts[f->ctx[j].id]);
		}
		fputc(']', out);
		i = j;
	}
	fputs("}", out);
}

static void
put_summary(FILE *out, const struct report_row *r, size_t excluded,
    int precision)
{
	size_t hit = r->stmts - r->miss;
	char pc[64];

	report_format_percent(pc, sizeof(pc), r->stmts, hit, precision);
	fprintf(out,
	    "{\"covered_lines\":%zu,\"num_statements\":%zu,"
	    "\"percent_covered\":",
	    hit, r->stmts);
	put_double(out,
	    r->stmts ? 100.0 * (double)hit / (double)r->stmts : 100.0);
	fprintf(out,
	    ",\"percent_covered_display\":\"%s\",\"missing_lines\":%zu,"
	    "\"excluded_lines\":%zu,\"num_functions\":%zu,"
	    "\"covered_functions\":%zu}",
	    pc, r->miss, excluded, r->nfuncs, r->funcs_hit);
}

static void
put_file(FILE *out, const struct coverage *cov, const struct report_row *r,
    int precision)
{
	const struct cov_file *f = r->file;

	emit_json_string(out, r->name);
	fputs(":{", out);
	put_lines(out, "executed_lines", f, 1);
	fputs(",", out);
	put_lines(out, "missing_lines", f, 0);
	fputs(",", out);
	put_excluded(out, f);
	fputs(",", out);
	put_funcs(out, f);
	if (cov->ncontexts > 0)
		put_contexts(out, cov, f);
	fputs(",\"summary\":", out);
	put_summary(out, r, f->nexcluded, precision);
	fputs("}", out);
}

static void
put_runs(FILE *out, const struct coverage *cov)
{
	fputs("\"runs\":[", out);
	for (size_t i = 0; i < cov->nruns; i++) {
		const struct cov_run *run = &cov->runs[i];

		fputs(i ? ",{\"host\":" : "{\"host\":", out);
		emit_json_string(out, run->host);
		fputs(",\"platform\":", out);
		emit_json_string(out, run->platform);
		fputs(",\"cwd\":", out);
		emit_json_string(out, run->cwd);
		fputs(",\"command\":", out);
		emit_json_string(out, run->command);
		fprintf(out,
		    ",\"start\":%lld,\"duration\":", (long long)run->start);
		put_double(out, run->duration);
		fprintf(out, ",\"status\":%d}", run->status);
	}
	fputs("]", out);
}

static void
put_workers(FILE *out, const struct coverage *cov)
{
	fputs(",\"workers\":[", out);
	for (size_t i = 0; i < cov->nworkers; i++) {
		const struct cov_worker *w = &cov->workers[i];

		fputs(i ? ",{\"id\":" : "{\"id\":", out);
		emit_json_string(out, w->id);
		fputs(",\"host\":", out);
		emit_json_string(out, w->host);
		fputs(",\"platform\":", out);
		emit_json_string(out, w->platform);
		fputs(",\"cwd\":", out);
		emit_json_string(out, w->cwd);
		fprintf(out, ",\"lost\":%s}", w->lost ? "true" : "false");
	}
	fputs("]", out);
}

static void
put_meta(FILE *out, const struct coverage *cov, const struct report_opts *opts)
{
	time_t now = (time_t)opts->now;
	struct tm tm;
	char stamp[64] = "";

	if (localtime_r(&now, &tm) != NULL)
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out,
	    "{\"meta\":{\"format\":%d,\"generator\":\"covtrace\","
	    "\"version\":",
	    JSON_FORMAT);
	emit_json_string(out, opts->version != NULL ? opts->version : "");
	fprintf(out,
	    ",\"timestamp\":\"%s\",\"branch_coverage\":false,"
	    "\"show_contexts\":%s,",
	    stamp, cov->ncontexts > 0 ? "true" : "false");
	put_runs(out, cov);
	if (cov->nworkers > 0)
		put_workers(out, cov);
	fputs("},\n", out);
}

static int
json_write(const struct coverage *cov, const struct report_opts *opts,
    FILE *out)
{
	struct report_opts byname = *opts;
	struct coverage *copy;
	struct report_rows rr;
	size_t excluded = 0;

	cov = coverage_finished(cov, &copy);
	byname.skip_covered = false;
	byname.sort = REPORT_SORT_NAME;
	byname.sort_reverse = false;
	report_rows_init(&rr, cov, &byname);
	put_meta(out, cov, opts);
	fputs("\"files\":{", out);
	for (size_t i = 0; i < rr.n; i++) {
		fputs(i ? ",\n" : "\n", out);
		put_file(out, cov, &rr.rows[i], opts->precision);
		excluded += rr.rows[i].file->nexcluded;
	}
	fputs("},\n\"totals\":", out);
	put_summary(out, &rr.total, excluded, opts->precision);
	fputs("}\n", out);
	report_rows_release(&rr);
	coverage_free(copy);
	if (fflush(out) == EOF || ferror(out))
		return error_errno("cannot write the JSON report");
	return 0;
}

const struct report_writer report_writer_json = {
    .name = "json",
    .what = "JSON",
    .default_dest = "coverage.json",
    .write = json_write,
};
