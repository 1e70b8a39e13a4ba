/* Running commands under the tracer and resolving what they covered into
 * source lines.  This part joins dwarf/ and tracer/. */
#ifndef COVTRACE_DISPATCH_DISPATCH_H
#define COVTRACE_DISPATCH_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dispatch/txspec.h"
#include "tracer/tracer.h"

struct measure_opts {
	const char *const *cov;	/* --cov paths; none: the current directory */
	size_t ncov;
	const char *const *include;	/* --cov-include globs */
	size_t ninclude;
	const char *const *exclude;	/* --cov-exclude globs */
	size_t nexclude;
	bool no_cache;
	enum cpu_placement cpu;
	bool idle_poll;	/* --idle=poll */
	/* With line_sink.progress: every progress_ms milliseconds of a run,
	 * what it covered so far is handed to the sink (0: only at the end). */
	unsigned progress_ms;
};

/* Receives the result, one statement line at a time, or a file's lines at
 * a time, grouped by image and then by file. */
struct line_sink {
	/* One statement line; may be NULL when file_lines is set. */
	void (*line)(void *ctx, const char *build_id, const char *image,
	    const char *file, uint32_t line, bool hit);
	/* Statement lines of one source file of an image, n of them in
	 * ascending order, and whether each ran (hit[i] != 0); when set, it
	 * is called instead of line, which costs a call per line.  A file's
	 * lines may come in several calls, each starting above where the
	 * last one ended.  May be NULL. */
	void (*file_lines)(void *ctx, const char *build_id, const char *image,
	    const char *file, const uint32_t *lines, const uint8_t *hit,
	    size_t n);
	/* A function (DWARF subprogram) of a selected source file: its name,
	 * the line of its entry point, and whether it ran.  May be NULL. */
	void (*function)(void *ctx, const char *build_id, const char *image,
	    const char *file, const char *name, uint32_t line, bool hit);
	/* After each snapshot handed out while the run goes on (see
	 * measure_opts.progress_ms); the final result follows at the end, in
	 * full.  May be NULL. */
	void (*progress)(void *ctx);
	void *ctx;
};

/* Trace argv (the program file at path) and hand every statement line of
 * the selected sources of every image it ran to sink.  *statusp gets the
 * wait status, or 126/127 << 8 when the program could not be run (then -1
 * is returned and the reason was logged). */
int measure_command(const struct measure_opts *opts, const char *path,
    char *const argv[], const struct line_sink *sink, int *statusp,
    struct tracer_stats *stats);

/* Attach to the running process pid (see tracer_attach) and hand what it
 * ran while attached to sink.  Returns -1 (logged) if it cannot attach. */
int measure_attach(const struct measure_opts *opts, pid_t pid,
    const struct line_sink *sink, int *statusp, struct tracer_stats *stats);
/* A measured program's wait status as a shell reports it: its exit status,
 * or 128 + N when signal N killed it. */
int measure_exit_status(int wstatus);

/*
 * Distributed runs (doc/PROTOCOL.worker): jobs, workers, and the dispatcher
 * that hands the one to the other and passes on what comes back.
 */

/* One job: a program path from PATH..., a line of --jobs-from, or the
 * command after --. */
struct job {
	char *name;		/* as progress lines show it */
	char *command;		/* a shell command line; the worker splits it */
};

struct job_list {
	size_t n;
	size_t alloc;
	struct job *v;
};

/* Add a job for every executable file named in paths, and for every
 * executable file below a named directory (recursively, sorted by name;
 * hidden files and those whose path or name matches one of the ignore
 * globs are skipped).  Returns -1 (logged) when a path does not exist. */
int job_list_add_paths(struct job_list *jl, char *const *paths, size_t n,
    const char *const *ignore, size_t nignore);
/* Add one job per line of file ("-": standard input); blank lines and
 * lines starting with '#' are skipped.  Returns -1 (logged) when the file
 * cannot be read or a line is not a well-formed command line. */
int job_list_read(struct job_list *jl, const char *file);
/* The program file a command name stands for, found as execvp(3) would;
 * the caller frees it.  NULL (logged) with *statusp set to 127 (not found)
 * or 126 (not executable) when there is none. */
char *command_resolve(const char *name, int *statusp);
/* Add argv as one job. */
void job_list_add_argv(struct job_list *jl, char *const argv[]);
void job_list_release(struct job_list *jl);

/* A function as a worker reports it. */
struct func_lines {
	char *name;
	uint32_t line;
	bool hit;
};

/* One source file of one image, as a worker resolved its hits. */
struct file_lines {
	char *build_id;		/* lowercase hex, or "" */
	char *image;
	char *path;
	size_t nlines;
	uint32_t *lines;	/* statement lines, ascending */
	size_t nhit;
	uint32_t *hit;		/* the lines that ran, ascending */
	size_t nfuncs;
	struct func_lines *funcs;
};

void file_lines_release(struct file_lines *fl);

enum dist_mode {
	DIST_NO,	/* every job here, one after the other */
	DIST_LOAD,	/* each job on whichever worker is idle */
	DIST_EACH,	/* every job on every worker */
};

struct worker_info {
	const char *id;		/* "gw0" */
	const char *host;
	const char *platform;	/* "linux x86_64, glibc 2.36" */
	const char *cwd;	/* the worker's directory */
	bool lost;		/* it died during the run */
};

enum job_outcome {
	JOB_PASSED,	/* exit status 0 */
	JOB_FAILED,	/* another exit status */
	JOB_TIMEOUT,	/* killed by --timeout */
	JOB_LOST,	/* its worker died while running it */
	JOB_NOT_RUN,	/* no worker was left to run it */
};

struct job_result {
	size_t job;		/* index into the job list */
	const struct worker_info *worker;	/* NULL when not run */
	enum job_outcome outcome;
	bool will_retry;	/* JOB_LOST: it runs again elsewhere */
	int status;		/* exit status as covtrace reports it */
	double start;		/* seconds since the epoch */
	double duration;	/* seconds */
	const char *out;	/* captured standard output */
	size_t outlen;
	const char *err;	/* captured standard error */
	size_t errlen;
};

/* What the dispatcher hands out while it runs; all callbacks may be NULL
 * but file.  The pointers are borrowed for the duration of the call. */
struct dispatch_sink {
	/* A worker is ready, or (lost set) has died. */
	void (*worker)(void *ctx, const struct worker_info *w);
	/* A source file's lines from job number job. */
	void (*file)(void *ctx, const struct worker_info *w, size_t job,
	    const struct file_lines *fl);
	/* A job has finished (or was given up). */
	void (*job)(void *ctx, const struct job_result *r);
	void *ctx;
};

struct dispatch_opts {
	struct measure_opts measure;
	const struct txspec *specs;	/* the workers: -n N or --tx */
	size_t nspecs;
	enum dist_mode dist;
	int max_worker_restart;	/* replacements allowed; -1: default */
	double timeout;		/* seconds per job; 0: none */
	double start_timeout;	/* seconds a worker has to get ready; 0: 60 */
	int verbosity;
	const char *self;	/* this covtrace, for popen workers */
	/* SSH workers and --rsyncdir (dispatch/transport-ssh.c). */
	const char *const *rsync_dirs;	/* --rsyncdir */
	size_t nrsync_dirs;
	const char *const *rsync_ignores;	/* --rsyncignore */
	size_t nrsync_ignores;
	bool ssh_accept_new;	/* --ssh-accept-new */
	int ssh_keepalive;	/* --ssh-keepalive seconds; 0: default */
};

/* Run every job as opts say, handing results to sink.  Returns 0 when
 * every job was run (passed or not), -1 (logged) when jobs were left
 * unrun because no worker could be started or every worker was lost. */
int dispatch_run(const struct dispatch_opts *opts, const struct job_list *jl,
    const struct dispatch_sink *sink);

/* `covtrace --worker`: speak PROTOCOL.worker on standard input and
 * output until the dispatcher closes the stream.  Returns the exit
 * status. */
int worker_main(void);

#endif
