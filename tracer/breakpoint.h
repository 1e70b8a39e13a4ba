/* Address spaces and their one-shot breakpoints (tracer/ internal).
 *
 * An image (struct bp_image) is shared by every process that runs the
 * binary; an address space holds, per mapped image, only an "armed" flag
 * per line.  The bytes written are always composed from the image's
 * pristine copy of its text plus a trap at every still-armed address, so a
 * write never disturbs another breakpoint on the same page. */
#ifndef COVTRACE_TRACER_BREAKPOINT_H
#define COVTRACE_TRACER_BREAKPOINT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "tracer/tracer.h"

struct as_mod {
	struct bp_image *img;
	uint64_t bias;		/* runtime address - link-time address */
	uint64_t lo, hi;	/* runtime [lo, hi) spanning every address */
	uint8_t *armed;		/* per line */
	uint8_t *ever;		/* per line: was armed here at some time */
	size_t synced;		/* entries of img->hit_log applied here */
	bool all_armed;		/* every line was armed by mod_want and none
				 * disarmed since */
	bool library;		/* mapped by the dynamic linker */
	unsigned gen;		/* last link-map walk that saw it */
};

struct skip_lib {
	uint64_t bias;
	unsigned gen;
};

struct aspace {
	int refs;
	int memfd;		/* /proc/PID/mem, kept open */
	pid_t pid;
	size_t nmods;
	struct as_mod *mods;
	/* The dynamic linker's rendezvous: a permanent trap at rv_brk. */
	uint64_t rv_brk;	/* 0: none */
	uint64_t rv_rdebug;	/* runtime address of _r_debug */
	uint8_t rv_orig;	/* the byte under the trap */
	unsigned rv_gen;
	size_t nskip;
	struct skip_lib *skip;	/* libraries not measured */
	bool restored;		/* every byte written was put back */
	/* While the program runs its own SIGTRAP handler, nothing is armed
	 * (a trap with SIGTRAP blocked would make the kernel reset the
	 * handler); a trap where the handler returns to arms again. */
	bool quiet;
	uint64_t resume_pc;	/* 0: none */
	uint8_t resume_orig;
};

/* A new, empty address space for pid, or NULL (logged) if its memory cannot
 * be opened. */
struct aspace *aspace_new(pid_t pid);
void aspace_put(struct aspace *as);
/* A copy of parent's breakpoint state for a forked child whose memory is a
 * copy of the parent's; both are then synced with the images' hit logs. */
struct aspace *aspace_fork(struct aspace *parent, pid_t child);
/* Map img at bias and arm every line not yet covered; -1 (logged) when the
 * image cannot be armed, in which case nothing was written. */
int aspace_add_image(struct aspace *as, struct bp_image *img, uint64_t bias,
    uint64_t *armedp);

/* The program is about to run its own SIGTRAP handler, which returns to
 * resume: disarm everything until a thread gets there.  -1 (logged) when
 * no trap can be set there: then nothing is armed again. */
int aspace_quiet(struct aspace *as, uint64_t resume);
/* Put back every byte covtrace wrote into this address space. */
void aspace_restore(struct aspace *as);
/* Forget the image at index i (its mapping is gone). */
void aspace_remove_mod(struct aspace *as, size_t i);

enum trap_kind {
	TRAP_NOT_OURS,	/* deliver SIGTRAP to the program */
	TRAP_HIT,	/* a breakpoint of ours: rewind the PC to trap_addr */
};

/* Classify a SIGTRAP at pc; on TRAP_HIT record the line(s), disarm them in
 * this address space and set *rewindp to the PC to resume at. */
enum trap_kind aspace_trap(struct aspace *as, uint64_t pc, uint64_t *rewindp);

#endif
