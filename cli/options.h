/* The command line, parsed. */
#ifndef COVTRACE_CLI_OPTIONS_H
#define COVTRACE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "dispatch/dispatch.h"
#include "report/report.h"
#include "tracer/tracer.h"

enum cli_mode {
	MODE_RUN,	/* covtrace [OPTIONS] -- COMMAND */
	MODE_REPORT,	/* covtrace report */
	MODE_COMBINE,	/* covtrace combine [PATH]... */
	MODE_ERASE,	/* covtrace erase */
	MODE_WORKER,	/* covtrace --worker */
};

/* One --cov-report=KIND[:DEST]. */
struct report_request {
	const struct report_writer *writer;
	bool show_missing;	/* term-missing */
	const char *dest;	/* NULL: the writer's default; "-": stdout */
};

struct options {
	enum cli_mode mode;
	const char **cov;
	size_t ncov;
	const char **cov_include;	/* --cov-include globs */
	size_t ncov_include;
	const char **cov_exclude;	/* --cov-exclude globs */
	size_t ncov_exclude;
	pid_t pid;			/* --pid: attach instead of running */
	struct report_request *reports;
	size_t nreports;
	bool reports_given;	/* any --cov-report, even an empty one */
	const char *data_file;
	bool no_cache;
	enum cpu_placement cpu;
	bool idle_sleep; /* --idle=sleep */
	int verbosity;
	char **command;		/* NULL-terminated */

	bool parallel_mode;
	bool append;
	bool keep;
	struct path_map *path_maps;
	size_t npath_maps;
	const char **exclude_lines;
	size_t nexclude_lines;
	bool skip_covered;
	int precision;
	enum report_sort sort;
	bool sort_reverse;
	bool fail_under_set;
	double fail_under;
	char **inputs;		/* combine's paths */
	size_t ninputs;

	/* Distributed runs: jobs and workers (doc/PROTOCOL.worker). */
	bool jobs_mode;		/* run jobs, not one command directly */
	char **paths;		/* PATH... (no --): programs and directories */
	size_t npaths;
	const char **jobs_from;	/* --jobs-from files */
	size_t njobs_from;
	const char **ignore;	/* --ignore globs */
	size_t nignore;
	int numprocesses;	/* -n; -1 when not given */
	struct txspec *tx;	/* --tx specs; -n replaces them */
	size_t ntx;
	enum dist_mode dist;
	bool dist_set;
	int max_worker_restart;	/* -1: the default, 4 per worker */
	double timeout;		/* --timeout seconds; 0: none */
	bool cov_context;	/* --cov-context=test */
	bool by_worker;		/* report --by-worker */

	/* SSH workers and --rsyncdir. */
	const char **rsync_dirs;	/* --rsyncdir */
	size_t nrsync_dirs;
	const char **rsync_ignores;	/* --rsyncignore */
	size_t nrsync_ignores;
	bool ssh_accept_new;	/* --ssh-accept-new */
	int ssh_keepalive;	/* --ssh-keepalive; 0: the default */
};

/* Parse argv into opts; usage errors exit 2 with a one-line message. */
void options_parse(int argc, char **argv, struct options *opts);
void options_release(struct options *opts);
/* What the tracer needs of the options: --cov, the globs, the cache, the
 * CPU placement. */
struct measure_opts options_measure(const struct options *opts);

#endif
