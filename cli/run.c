#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/run.h"
#include "common/atomicfile.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/dispatch.h"
#include "report/report.h"

struct sink_state {
	struct coverage *cov;
	const struct options *opts;
	const char *last_build_id, *last_image, *last_file;
	uint32_t module;
	struct cov_file *file;
};

/* The file record for a source path from the tracer, after --path-map;
 * the sink sees each file's lines together, so one lookup serves many. */
static struct cov_file *
sink_file(struct sink_state *s, const char *file)
{
	char *mapped;

	if (file == s->last_file)
		return s->file;
	mapped = path_map_apply(s->opts->path_maps, s->opts->npath_maps, file);
	s->file = coverage_file(s->cov, mapped != NULL ? mapped : file);
	free(mapped);
	cov_file_add_module(s->file, s->module);
	s->last_file = file;
	return s->file;
}

static void
sink_module(struct sink_state *s, const char *build_id, const char *image)
{
	if (build_id == s->last_build_id && image == s->last_image)
		return;
	s->module = coverage_module(s->cov, build_id, image);
	s->last_build_id = build_id;
	s->last_image = image;
	s->last_file = NULL;
}

static void
sink_file_lines(void *ctx, const char *build_id, const char *image,
    const char *file, const uint32_t *lines, const uint8_t *hit, size_t n)
{
	struct sink_state *s = ctx;

	sink_module(s, build_id, image);
	cov_file_add_lines(sink_file(s, file), lines, hit, n);
}

static void
sink_function(void *ctx, const char *build_id, const char *image,
    const char *file, const char *name, uint32_t line, bool hit)
{
	struct sink_state *s = ctx;

	if (line == 0)
		return;
	sink_module(s, build_id, image);
	cov_file_add_func(sink_file(s, file), name != NULL ? name : "", line,
	    hit);
}

static void
add_run(struct coverage *cov, char **argv, const struct timespec *t0,
    int status)
{
	struct timespec t1;
	struct cov_run run;
	struct buf cmd = BUF_INIT;
	char host[256], cwd[PATH_MAX];

	clock_gettime(CLOCK_REALTIME, &t1);
	if (gethostname(host, sizeof(host)) == -1)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		strcpy(cwd, "");
	for (size_t i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			buf_addch(&cmd, ' ');
		words_quote(&cmd, argv[i]);
	}
	run.host = host;
	run.platform = report_platform();
	run.cwd = cwd;
	run.command = cmd.data != NULL ? cmd.data : (char *)"";
	run.start = t0->tv_sec;
	run.duration = (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
	run.status = status;
	coverage_add_run(cov, &run);
	free(run.platform);
	buf_release(&cmd);
}

/* With --cov-append, the data already saved, unioned into cov; -1 when
 * it exists but cannot be read (logged). */
static int
append_saved(const struct options *opts, struct coverage *cov)
{
	struct coverage *old;
	struct stat st;

	if (!opts->append || opts->parallel_mode ||
	    stat(opts->data_file, &st) == -1)
		return 0;
	if (datafile_read(opts->data_file, &old) == -1)
		return -1;
	coverage_merge(cov, old);
	coverage_free(old);
	return 0;
}

/* Format the data file, which must happen before the reports apply the
 * exclusion markers to cov, and begin writing it; -1 (logged) when it will
 * not be saved. */
static int
save_begin(const struct options *opts, struct coverage *cov,
    struct atomicfile *af)
{
	char *text, *path;
	size_t len;
	int r;

	if (append_saved(opts, cov) == -1) {
		error("not saving the data of this run, so that the data file "
		      "'%s' stays as it is",
		    opts->data_file);
		return -1;
	}
	if ((text = datafile_format(cov, &len)) == NULL)
		return -1;
	if (opts->parallel_mode)
		path = parallel_data_file(opts->data_file);
	else
		path = xstrdup(opts->data_file);
	r = atomicfile_begin(af, path, text, len);
	free(path);
	free(text);
	return r;
}

int
run_finish(const struct options *opts, struct coverage *cov, int status)
{
	struct atomicfile af;
	bool saving = save_begin(opts, cov, &af) == 0;
	int r = render_reports(opts, cov, status);

	/* The status that saving first, then rendering, gave. */
	if ((!saving || atomicfile_commit(&af) == -1) && status == 0)
		r = 1;
	return r;
}

int
run_command(const struct options *opts)
{
	struct measure_opts mopts = options_measure(opts);
	struct coverage *cov = coverage_new();
	struct sink_state ss = { .cov = cov, .opts = opts };
	char pidarg[32], *attach_argv[] = { pidarg, NULL };
	struct line_sink sink = {
	    .file_lines = sink_file_lines,
	    .function = sink_function,
	    .ctx = &ss,
	};
	struct tracer_stats stats;
	struct timespec t0;
	char *path;
	int wstatus = 0, status = 0;

	clock_gettime(CLOCK_REALTIME, &t0);
	if (opts->pid != 0) {
		snprintf(pidarg, sizeof(pidarg), "--pid=%d", (int)opts->pid);
		if (measure_attach(&mopts, opts->pid, &sink, &wstatus,
			&stats) == -1) {
			coverage_free(cov);
			return 1;
		}
	} else if ((path = command_resolve(opts->command[0], &status)) ==
	    NULL) {
		coverage_free(cov);
		return status;
	} else if (measure_command(&mopts, path, opts->command, &sink,
		       &wstatus, &stats) == -1) {
		free(path);
		coverage_free(cov);
		return WEXITSTATUS(wstatus);
	} else {
		free(path);
	}
	status = measure_exit_status(wstatus);
	verbose("%llu processes, %llu execs, %llu breakpoints armed, %llu stops",
	    (unsigned long long)stats.processes,
	    (unsigned long long)stats.execs, (unsigned long long)stats.armed,
	    (unsigned long long)stats.stops);
	add_run(cov, opts->pid != 0 ? attach_argv : opts->command, &t0,
	    status);
	coverage_finish(cov);
	status = run_finish(opts, cov, status);
	coverage_free(cov);
	return status;
}

int
run_report(const struct options *opts)
{
	struct coverage *cov;
	int status;

	if (datafile_read(opts->data_file, &cov) == -1)
		return 1;
	coverage_map_paths(cov, opts->path_maps, opts->npath_maps);
	coverage_check_modules(cov);
	status = render_reports(opts, cov, 0);
	if (opts->by_worker && render_by_worker(opts, cov) == -1 &&
	    status == 0)
		status = 1;
	coverage_free(cov);
	return status;
}
