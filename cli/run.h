/* The two things covtrace does: trace a command, or render saved data. */
#ifndef COVTRACE_CLI_RUN_H
#define COVTRACE_CLI_RUN_H

#include "cli/options.h"

/* Trace opts->command; returns covtrace's exit status. */
int run_command(const struct options *opts);
/* Render the data file; returns covtrace's exit status. */
int run_report(const struct options *opts);

#endif
