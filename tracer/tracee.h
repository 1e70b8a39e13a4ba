/* The process table: every thread being traced (tracer/ internal). */
#ifndef COVTRACE_TRACER_TRACEE_H
#define COVTRACE_TRACER_TRACEE_H

#include <stdbool.h>
#include <sys/types.h>

#include "tracer/breakpoint.h"

struct tracee {
	pid_t tid;
	struct aspace *as;	/* NULL until the parent's fork event says */
	bool waiting_parent;	/* reported its first stop before that */
	int held_status;	/* the stop it reported meanwhile */
	bool parked;		/* kept stopped (attach, detach) */
	bool group_stop;	/* parked in a group-stop */
	int pending_sig;	/* to deliver when it is let go */
};

/* The tracee with this tid, or NULL. */
struct tracee *tracee_find(pid_t tid);
/* The tracee with this tid, created (with no address space) if new. */
struct tracee *tracee_get(pid_t tid);
/* Forget a tracee and drop its address space. */
void tracee_remove(struct tracee *t);
/* Give t the address space as (taking over the caller's reference). */
void tracee_set_aspace(struct tracee *t, struct aspace *as);
size_t tracee_count(void);
/* Iterate: start with *pos = 0; NULL at the end.  The table must not
 * change during the walk. */
struct tracee *tracee_next(size_t *pos);

#endif
