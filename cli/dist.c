/*
 * Runs of jobs (covtrace [OPTIONS] PATH..., -n, --tx): collect the jobs,
 * hand them to the dispatcher, print one line per finished job as
 * `pytest -n -v` does, and build the coverage from the line sets that come
 * back: union by source path and line, with the job (--cov-context=test)
 * and the worker that covered each line.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/run.h"
#include "common/clock.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/dispatch.h"
#include "report/report.h"

#define LINE_WIDTH 80

struct failure {
	size_t job;
	char *worker; /* NULL for a local run */
	enum job_outcome outcome;
	int status;
	double duration;
	char *out, *err;
	size_t outlen, errlen;
};

struct dist_run {
	const struct options *opts;
	const struct job_list *jl;
	struct coverage *cov;
	size_t total; /* results to expect */
	size_t finished;
	size_t passed, failed;
	struct failure *failures;
	size_t nfailures;
	bool tty; /* a live progress line on stderr */
	bool quiet; /* -q: no line per job */
	double timeout;
};

/* A sep(c, title) line as pytest draws it. */
static void
sep(FILE *out, char c, const char *title)
{
	int len = title != NULL ? (int)strlen(title) + 2 : 0;
	int n = (LINE_WIDTH - len) / 2;

	for (int i = 0; i < n; i++)
		fputc(c, out);
	if (title != NULL)
		fprintf(out, " %s ", title);
	for (int i = n + len; i < LINE_WIDTH; i++)
		fputc(c, out);
	fputc('\n', out);
}

/* The worker's index in the coverage; its tags name it. */
static uint32_t
worker_index(struct dist_run *dr, const struct worker_info *w)
{
	struct cov_worker cw = {
	    .id = (char *)w->id,
	    .host = (char *)w->host,
	    .platform = (char *)w->platform,
	    .cwd = (char *)w->cwd,
	    .lost = w->lost,
	};

	return coverage_worker(dr->cov, &cw);
}

static void
on_worker(void *ctx, const struct worker_info *w)
{
	worker_index(ctx, w);
}

static void
on_file(void *ctx, const struct worker_info *w, size_t job,
    const struct file_lines *fl)
{
	struct dist_run *dr = ctx;
	const struct options *o = dr->opts;
	char *mapped = path_map_apply(o->path_maps, o->npath_maps, fl->path);
	uint32_t module = coverage_module(dr->cov, fl->build_id, fl->image);
	uint32_t wi = w->id != NULL ? worker_index(dr, w) : 0;
	uint32_t ci =
	    o->cov_context ? coverage_context(dr->cov, dr->jl->v[job].name) : 0;
	struct cov_file *f =
	    coverage_file(dr->cov, mapped != NULL ? mapped : fl->path);
	size_t h = 0;

	free(mapped);
	cov_file_add_module(f, module);
	for (size_t i = 0; i < fl->nlines; i++) {
		bool hit = h < fl->nhit && fl->hit[h] == fl->lines[i];

		h += hit;
		cov_file_add_line(f, fl->lines[i], hit);
	}
	for (size_t i = 0; i < fl->nfuncs; i++)
		cov_file_add_func(f, fl->funcs[i].name, fl->funcs[i].line,
		    fl->funcs[i].hit);
	for (size_t i = 0; i < fl->nhit; i++) {
		if (w->id != NULL)
			cov_file_add_worker(f, fl->hit[i], wi);
		if (o->cov_context)
			cov_file_add_context(f, fl->hit[i], ci);
	}
}

static void
add_run(struct dist_run *dr, const struct job_result *r)
{
	const struct worker_info *w = r->worker;
	struct cov_run run = {
	    .host = (char *)w->host,
	    .platform = (char *)w->platform,
	    .cwd = (char *)w->cwd,
	    .command = dr->jl->v[r->job].command,
	    .start = (int64_t)r->start,
	    .duration = r->duration,
	    .status = r->status,
	};

	coverage_add_run(dr->cov, &run);
}

static void
clear_progress(struct dist_run *dr)
{
	if (dr->tty)
		fputs("\r\033[K", stderr);
}

static void
show_progress(struct dist_run *dr)
{
	if (dr->tty && dr->finished < dr->total)
		fprintf(stderr, "[%3d%%] %zu of %zu jobs done, %zu failed",
		    (int)(100 * dr->finished / dr->total), dr->finished,
		    dr->total, dr->failed);
	fflush(stderr);
}

/* What happened to the job, in the words of its progress line. */
static void
describe(char *buf, size_t size, const struct dist_run *dr,
    const struct job_result *r)
{
	switch (r->outcome) {
	case JOB_PASSED:
		snprintf(buf, size, "PASSED %s (%.2f s)",
		    dr->jl->v[r->job].name, r->duration);
		break;
	case JOB_FAILED:
		snprintf(buf, size, "FAILED %s (exit status %d, %.2f s)",
		    dr->jl->v[r->job].name, r->status, r->duration);
		break;
	case JOB_TIMEOUT:
		snprintf(buf, size, "FAILED %s (timeout after %g s)",
		    dr->jl->v[r->job].name, dr->timeout);
		break;
	case JOB_LOST:
		snprintf(buf, size, "%s %s (worker %s died)",
		    r->will_retry ? "RETRY" : "FAILED", dr->jl->v[r->job].name,
		    r->worker->id);
		break;
	case JOB_NOT_RUN:
		snprintf(buf, size, "FAILED %s (not run: no worker left)",
		    dr->jl->v[r->job].name);
		break;
	}
}

static void
keep_failure(struct dist_run *dr, const struct job_result *r)
{
	struct failure *f;

	dr->failures = xreallocarray(dr->failures, dr->nfailures + 1,
	    sizeof(*dr->failures));
	f = &dr->failures[dr->nfailures++];
	f->job = r->job;
	f->worker = r->worker != NULL && r->worker->id != NULL
	    ? xstrdup(r->worker->id)
	    : NULL;
	f->outcome = r->outcome;
	f->status = r->status;
	f->duration = r->duration;
	f->out = r->outlen > 0 ? xstrndup(r->out, r->outlen) : NULL;
	f->outlen = r->outlen;
	f->err = r->errlen > 0 ? xstrndup(r->err, r->errlen) : NULL;
	f->errlen = r->errlen;
}

static void
on_job(void *ctx, const struct job_result *r)
{
	struct dist_run *dr = ctx;
	const struct worker_info *w = r->worker;
	char what[1024];

	if (w != NULL)
		add_run(dr, r);
	if (!r->will_retry) {
		dr->finished++;
		if (r->outcome == JOB_PASSED)
			dr->passed++;
		else {
			dr->failed++;
			keep_failure(dr, r);
		}
	}
	clear_progress(dr);
	describe(what, sizeof(what), dr, r);
	if (!dr->quiet || r->outcome != JOB_PASSED) {
		if (w != NULL && w->id != NULL)
			fprintf(stderr, "[%s] ", w->id);
		fprintf(stderr, "[%3d%%] %s\n",
		    (int)(100 * dr->finished / dr->total), what);
	}
	show_progress(dr);
}

static void
put_captured(const char *title, const char *text, size_t len)
{
	if (len == 0)
		return;
	sep(stderr, '-', title);
	fwrite(text, 1, len, stderr);
	if (text[len - 1] != '\n')
		fputc('\n', stderr);
}

/* The captured output of the failed jobs, as pytest's FAILURES. */
static void
show_failures(const struct dist_run *dr)
{
	if (dr->nfailures == 0)
		return;
	sep(stderr, '=', "FAILURES");
	for (size_t i = 0; i < dr->nfailures; i++) {
		const struct failure *f = &dr->failures[i];
		char what[64];

		sep(stderr, '_', dr->jl->v[f->job].name);
		if (f->outcome == JOB_NOT_RUN)
			snprintf(what, sizeof(what), "not run");
		else if (f->outcome == JOB_TIMEOUT)
			snprintf(what, sizeof(what), "killed after %g s",
			    dr->timeout);
		else if (f->outcome == JOB_LOST)
			snprintf(what, sizeof(what), "its worker died");
		else
			snprintf(what, sizeof(what), "exit status %d",
			    f->status);
		if (f->worker != NULL)
			fprintf(stderr, "[%s] ", f->worker);
		fprintf(stderr, "%s: %s\n", dr->jl->v[f->job].command, what);
		put_captured("Captured stdout", f->out, f->outlen);
		put_captured("Captured stderr", f->err, f->errlen);
	}
}

static void
release_failures(struct dist_run *dr)
{
	for (size_t i = 0; i < dr->nfailures; i++) {
		free(dr->failures[i].worker);
		free(dr->failures[i].out);
		free(dr->failures[i].err);
	}
	free(dr->failures);
}

/* The jobs of PATH..., --jobs-from and -- COMMAND; the exit status when
 * there are none to run (4 as pytest's usage errors, 5 for none). */
static int
collect_jobs(const struct options *opts, struct job_list *jl)
{
	if (opts->npaths > 0 &&
	    job_list_add_paths(jl, opts->paths, opts->npaths, opts->ignore,
	        opts->nignore) == -1) {
		if (opts->npaths > 1)
			error("(to run a command with arguments, put it after "
			      "--)");
		return 4;
	}
	for (size_t i = 0; i < opts->njobs_from; i++)
		if (job_list_read(jl, opts->jobs_from[i]) == -1)
			return 4;
	if (opts->command != NULL)
		job_list_add_argv(jl, opts->command);
	if (jl->n == 0) {
		error("no jobs collected (no executable file under the paths)");
		return 5;
	}
	return 0;
}

/* The workers: -n N local ones, else the --tx specs. */
static struct txspec *
make_specs(const struct options *opts, size_t *np)
{
	struct txspec *spec;
	char err[256];

	*np = 0;
	if (opts->numprocesses <= 0) {
		*np = opts->ntx;
		return NULL;
	}
	spec = xcalloc(1, sizeof(*spec));
	if (txspec_parse("popen", spec, err, sizeof(err)) == -1)
		BUG("%s", err);
	spec->count = (unsigned)opts->numprocesses;
	*np = 1;
	return spec;
}

/* A worker in another directory (ssh=, //chdir=) resolves the --cov
 * paths in its own directory, while programs built here (and copied with
 * --rsyncdir) name their sources by their paths here: such workers get
 * each path both as given and made absolute here.  NULL when no worker is
 * elsewhere; free the list with free_strings. */
static char **
cov_for_workers(const struct options *opts, const struct txspec *specs,
    size_t nspecs, size_t *np)
{
	char cwd[PATH_MAX], **v;
	bool away = false;
	size_t k = 0;

	for (size_t i = 0; i < nspecs; i++)
		away = away || specs[i].kind != TXSPEC_POPEN ||
		    specs[i].chdir != NULL;
	*np = opts->ncov;
	if (!away || getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	v = xcalloc(2 * opts->ncov + 3, sizeof(*v));
	if (opts->ncov == 0)
		v[k++] = xstrdup(".");
	for (size_t i = 0; i < opts->ncov; i++)
		v[k++] = xstrdup(opts->cov[i]);
	for (size_t i = 0; i < opts->ncov || (i == 0 && opts->ncov == 0); i++) {
		const char *c = opts->ncov > 0 ? opts->cov[i] : ".";

		if (c[0] != '/')
			v[k++] = strcmp(c, ".") == 0
			    ? xstrdup(cwd)
			    : xasprintf("%s/%s", cwd, c);
	}
	*np = k;
	return v;
}

static void
free_strings(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

static size_t
count_workers(const struct txspec *specs, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += specs[i].count;
	return k;
}

static void
summary(const struct dist_run *dr, double seconds)
{
	char *line = xasprintf("%zu passed, %zu failed in %.2f s", dr->passed,
	    dr->failed, seconds);

	sep(stderr, '=', line);
	free(line);
}

/* $COVTRACE_START_TIMEOUT: the seconds a worker has to get ready. */
static double
start_timeout(void)
{
	const char *env = getenv("COVTRACE_START_TIMEOUT");
	char *end;
	double v;

	if (env == NULL || env[0] == '\0')
		return 0;
	v = strtod(env, &end);
	if (*end != '\0' || !(v > 0)) {
		warning("ignoring COVTRACE_START_TIMEOUT='%s': not a number of "
			"seconds",
		    env);
		return 0;
	}
	return v;
}

static void
dispatch_jobs(struct dist_run *dr, const struct job_list *jl)
{
	const struct options *opts = dr->opts;
	size_t nspecs;
	struct txspec *own = make_specs(opts, &nspecs);
	size_t ncov;
	char **cov =
	    cov_for_workers(opts, own != NULL ? own : opts->tx, nspecs, &ncov);
	struct dispatch_opts dopts = {
	    .measure = options_measure(opts),
	    .specs = own != NULL ? own : opts->tx,
	    .nspecs = nspecs,
	    .dist = opts->dist,
	    .max_worker_restart = opts->max_worker_restart,
	    .timeout = opts->timeout,
	    .start_timeout = start_timeout(),
	    .verbosity = opts->verbosity,
	    .rsync_dirs = opts->rsync_dirs,
	    .nrsync_dirs = opts->nrsync_dirs,
	    .rsync_ignores = opts->rsync_ignores,
	    .nrsync_ignores = opts->nrsync_ignores,
	    .ssh_accept_new = opts->ssh_accept_new,
	    .ssh_keepalive = opts->ssh_keepalive,
	};
	struct dispatch_sink sink = {
	    .worker = on_worker,
	    .file = on_file,
	    .job = on_job,
	    .ctx = dr,
	};

	/* Workers elsewhere get the --cov paths made absolute here. */
	if (cov != NULL)
		dopts.measure.cov = (const char *const *)cov;
	dopts.measure.ncov = ncov;
	dr->total = jl->n;
	if (opts->dist == DIST_EACH)
		dr->total *= count_workers(dopts.specs, nspecs);
	if (dr->total == 0)
		dr->total = 1;
	dispatch_run(&dopts, jl, &sink);
	clear_progress(dr);
	if (own != NULL)
		txspec_release(own);
	free(own);
	free_strings(cov, ncov);
}

int
run_jobs(const struct options *opts)
{
	struct job_list jl = {0};
	struct dist_run dr = {
	    .opts = opts,
	    .jl = &jl,
	    .cov = coverage_new(),
	    .tty = isatty(STDERR_FILENO) && opts->verbosity >= 0,
	    .quiet = opts->verbosity < 0,
	    .timeout = opts->timeout,
	};
	double t0 = clock_monotonic();
	int status = collect_jobs(opts, &jl);

	if (status != 0)
		goto out;
	dispatch_jobs(&dr, &jl);
	show_failures(&dr);
	for (size_t i = 0; i < dr.cov->nworkers; i++)
		if (dr.cov->workers[i].lost)
			warning("worker %s died: the coverage it sent before "
			        "is kept, but may be partial",
			    dr.cov->workers[i].id);
	coverage_finish(dr.cov);
	if (dr.cov->nfiles == 0)
		warning("no data was collected: no source file under the --cov "
		        "paths ran");
	status = dr.failed > 0 ? 1 : 0;
	status = run_finish(opts, dr.cov, status);
	summary(&dr, clock_monotonic() - t0);
out:
	release_failures(&dr);
	coverage_free(dr.cov);
	job_list_release(&jl);
	return status;
}
