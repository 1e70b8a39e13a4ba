/* Running one job here, as a worker does and as --dist no does. */
#ifndef COVTRACE_DISPATCH_WORKER_H
#define COVTRACE_DISPATCH_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "dispatch/dispatch.h"

/* Standard output and standard error of a job are kept up to this size;
 * the rest is counted as dropped. */
#define JOB_CAPTURE_MAX (1u << 20)

struct job_run {
	int status; /* exit status as covtrace reports it */
	double start; /* seconds since the epoch */
	double duration;
	bool timed_out;
	struct buf out; /* captured standard output */
	struct buf err; /* captured standard error */
	uint64_t dropped_out;
	uint64_t dropped_err;
	size_t nfiles;
	struct file_lines *files; /* what it covered, by image and file */
};

/* Run the shell command line command under the tracer with standard input
 * from /dev/null and standard output and error captured, killing it after
 * timeout seconds (0: never).  Fills *jr (release it); a command that
 * cannot be split or found is a result too (status 2, 126 or 127, with
 * the reason in jr->err). */
void job_run(const struct measure_opts *mo, const char *command, double timeout,
    struct job_run *jr);

/* Receives, while a job runs (every measure_opts.progress_ms), the files it
 * has covered so far; they are borrowed for the call. */
struct job_progress {
	void (*files)(void *ctx, const struct file_lines *files, size_t n);
	void *ctx;
};

/* job_run, handing snapshots to progress as the job goes on. */
void job_run_progress(const struct measure_opts *mo, const char *command,
    double timeout, const struct job_progress *progress, struct job_run *jr);
void job_run_release(struct job_run *jr);

/* This machine as a worker reports it: "linux x86_64, glibc 2.36"; the
 * caller frees it. */
char *worker_platform(void);

#endif
