/* What covtrace does: trace a command, render saved data, combine or erase
 * data files. */
#ifndef COVTRACE_CLI_RUN_H
#define COVTRACE_CLI_RUN_H

#include "cli/options.h"
#include "report/report.h"

/* Trace opts->command; returns covtrace's exit status. */
int run_command(const struct options *opts);
/* Render the data file; returns covtrace's exit status. */
int run_report(const struct options *opts);
/* Union data files into the data file; returns the exit status. */
int run_combine(const struct options *opts);
/* Remove the data file and its parallel files; returns the exit status. */
int run_erase(const struct options *opts);

/* Run the jobs of PATH..., --jobs-from and -- COMMAND, on workers as -n,
 * --tx and --dist say; returns covtrace's exit status. */
int run_jobs(const struct options *opts);
/* Save cov (finished) to the data file as opts say (--cov-append,
 * --parallel-mode) and make the reports, as render_reports does, while
 * the disk writes the data.  Returns what render_reports returns, except
 * 1 when status is 0 and the data could not be saved. */
int run_finish(const struct options *opts, struct coverage *cov, int status);

/* Print and write the reports that opts asks for, after applying the
 * exclusion markers to cov, then check --cov-fail-under.  Returns status,
 * or 1 when a report could not be written, or 2 when the total is under
 * the minimum (these two only when status was 0). */
int render_reports(const struct options *opts, struct coverage *cov,
    int status);
/* report --by-worker, on standard error; 0, or -1 (logged). */
int render_by_worker(const struct options *opts, const struct coverage *cov);
/* DATA_FILE.HOST.PID.RANDOM for --parallel-mode; the caller frees it. */
char *parallel_data_file(const char *data_file);

#endif
