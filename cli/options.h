/* The command line, parsed. */
#ifndef COVTRACE_CLI_OPTIONS_H
#define COVTRACE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "tracer/tracer.h"

enum cli_mode {
	MODE_RUN,	/* covtrace [OPTIONS] -- COMMAND */
	MODE_REPORT,	/* covtrace report */
};

enum report_kind {
	REPORT_NONE,
	REPORT_TERM,
	REPORT_TERM_MISSING,
};

struct options {
	enum cli_mode mode;
	const char **cov;
	size_t ncov;
	enum report_kind report;
	const char *data_file;
	bool no_cache;
	enum cpu_placement cpu;
	int verbosity;
	char **command;		/* NULL-terminated */
};

/* Parse argv into opts; usage errors exit 2 with a one-line message. */
void options_parse(int argc, char **argv, struct options *opts);
void options_release(struct options *opts);

#endif
