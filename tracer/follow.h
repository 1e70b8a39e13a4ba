/* Following the process tree: fork, vfork, clone and exec (tracer/ internal). */
#ifndef COVTRACE_TRACER_FOLLOW_H
#define COVTRACE_TRACER_FOLLOW_H

#include <stdbool.h>

#include "tracer/tracee.h"
#include "tracer/tracer.h"

struct follow_ctx {
	const struct breakpoint_source *src;
	struct tracer_stats *stats;
	bool first_exec_done;
};

/* t reported PTRACE_EVENT_FORK, _VFORK or _CLONE: set up the new child.
 * Returns the child if it had already reported its first stop, so that the
 * caller can handle that stop now. */
struct tracee *follow_clone(struct follow_ctx *fc, struct tracee *t,
    int event);
/* t reported PTRACE_EVENT_EXEC: give it a fresh address space and arm the
 * new image.  Returns the tracee that now stands for the process. */
struct tracee *follow_exec(struct follow_ctx *fc, struct tracee *t);

#endif
