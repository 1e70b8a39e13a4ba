/* Running commands under the tracer and resolving what they covered into
 * source lines.  This part joins dwarf/ and tracer/. */
#ifndef COVTRACE_DISPATCH_DISPATCH_H
#define COVTRACE_DISPATCH_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
};

/* Receives the result, one statement line at a time, grouped by image and
 * then by file. */
struct line_sink {
	void (*line)(void *ctx, const char *build_id, const char *image,
	    const char *file, uint32_t line, bool hit);
	/* A function (DWARF subprogram) of a selected source file: its name,
	 * the line of its entry point, and whether it ran.  May be NULL. */
	void (*function)(void *ctx, const char *build_id, const char *image,
	    const char *file, const char *name, uint32_t line, bool hit);
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

#endif
