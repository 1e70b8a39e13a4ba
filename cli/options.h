/* The command line, parsed. */
#ifndef COVTRACE_CLI_OPTIONS_H
#define COVTRACE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "report/report.h"
#include "tracer/tracer.h"

enum cli_mode {
	MODE_RUN,	/* covtrace [OPTIONS] -- COMMAND */
	MODE_REPORT,	/* covtrace report */
	MODE_COMBINE,	/* covtrace combine [PATH]... */
	MODE_ERASE,	/* covtrace erase */
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
};

/* Parse argv into opts; usage errors exit 2 with a one-line message. */
void options_parse(int argc, char **argv, struct options *opts);
void options_release(struct options *opts);

#endif
