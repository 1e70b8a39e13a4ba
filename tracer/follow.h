/* Following the process tree: fork, vfork, clone and exec (tracer/ internal). */
#ifndef COVTRACE_TRACER_FOLLOW_H
#define COVTRACE_TRACER_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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

/* The auxiliary vector entry of the given type of pid, or 0. */
uint64_t auxv_value(pid_t pid, uint64_t type);
/* Whether runtime [lo, hi) lies inside executable mappings of pid. */
bool range_mapped_exec(pid_t pid, uint64_t lo, uint64_t hi);

/* t is the leader of a process just attached to: arm its program and the
 * libraries it has loaded. */
void follow_attach(struct follow_ctx *fc, struct tracee *t);
/* After attaching: the rendezvous trap and the libraries already there. */
void solib_attach(struct follow_ctx *fc, struct tracee *t);

/* After an exec: set the trap on the dynamic linker's rendezvous hook. */
void solib_exec(struct follow_ctx *fc, struct tracee *t);
/* A trap at pc: true when it was the rendezvous hook, now handled (the
 * libraries mapped or unmapped since the last one are taken in). */
bool solib_trap(struct follow_ctx *fc, struct tracee *t, uint64_t pc);

#endif
