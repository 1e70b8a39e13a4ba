/* Run one command under ptrace with one-shot line breakpoints.
 *
 * The tracer knows nothing about DWARF: a struct breakpoint_source hands it,
 * for every image a process execs, the addresses to arm grouped by source
 * line (as opaque line ids).  The tracer records in the image which lines ran;
 * an image is shared by every process that runs it, so a line covered by one
 * process is never armed again in a later one. */
#ifndef COVTRACE_TRACER_TRACER_H
#define COVTRACE_TRACER_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bp_image {
	/* Filled by the breakpoint source, which owns the tables. */
	size_t naddrs;
	const uint64_t *addrs;	    /* link-time addresses, sorted, unique */
	const uint32_t *addr_line_start; /* naddrs + 1 offsets into
					  * addr_lines */
	const uint32_t *addr_lines; /* the line ids of each address */
	size_t nlines;
	const uint32_t *line_addr_start; /* nlines + 1 offsets into
					  * line_addrs */
	const uint32_t *line_addrs; /* address indices of each line,
				     * ascending */
	bool pie;		    /* ET_DYN: mapped at a load bias */
	uint64_t entry;		    /* e_entry, matched against AT_ENTRY */
	char *path;		    /* for messages */
	const uint8_t *pristine;    /* original bytes of [addrs[0],
				     * addrs[naddrs-1]]: from the file when
				     * the source mapped them, else read from
				     * the first process that maps it */
	bool pristine_from_file;    /* to be checked against memory */
	void *pristine_map;	    /* the file mapping holding pristine */
	size_t pristine_map_len;

	/* Kept by the tracer. */
	uint8_t *hit;		/* nlines flags: the line ran in some process */
	size_t nhit;		/* lines hit */
	uint32_t *hit_log;	/* line ids in the order they were first hit */
	uint64_t stops;		/* breakpoint stops taken in this image */
	bool traps_known;	/* trap_lines is filled in */
	uint32_t *trap_lines;	/* lines at a trap instruction of the
				 * program's own: never armed */
	size_t ntrap_lines;
};

/* Set up the tracer's part of an image whose addresses are filled in. */
void bp_image_init(struct bp_image *img);
/* Free what bp_image_init allocated, the pristine copy and the path; the
 * tables stay the source's. */
void bp_image_release(struct bp_image *img);

enum image_kind {
	IMAGE_FIRST_EXEC,	/* the program covtrace was asked to run */
	IMAGE_EXEC,		/* a program exec'd later in the tree */
	IMAGE_LIBRARY,		/* a shared object the dynamic linker mapped */
};

struct breakpoint_source {
	/* The image for the ELF file at path that a process has just exec'd
	 * or mapped, or NULL when nothing in it is measured.  The image must
	 * stay valid until tracer_run returns; returning the same image for
	 * the same binary shares its coverage between processes. */
	struct bp_image *(*image_for_file)(void *ctx, const char *path,
	    enum image_kind kind);
	/* The link-time addresses of _dl_debug_state and _r_debug in the
	 * dynamic linker at path; -1 when it has none. */
	int (*rendezvous)(void *ctx, const char *path, uint64_t *brkp,
	    uint64_t *rdebugp);
	void *ctx;
};

enum cpu_placement {
	CPU_ANY = 0,	/* let the kernel place the tracer and the tracees */
	CPU_SAME,	/* pin the tracer and every tracee to one CPU */
};

struct tracer_opts {
	enum cpu_placement cpu;
	/* Ask the kernel to keep idle CPUs polling while tracing (the PM QoS
	 * CPU latency request), when it lets covtrace. */
	bool idle_poll;
	/* Called every tick_ms milliseconds while the traced processes run
	 * (0: never), from the tracer's own thread, between two events. */
	void (*tick)(void *ctx);
	void *tick_ctx;
	unsigned tick_ms;
};

struct tracer_stats {
	uint64_t processes;	/* processes traced */
	uint64_t execs;		/* images exec'd */
	uint64_t armed;		/* addresses armed, all processes together */
	uint64_t stops;		/* breakpoint stops */
};

/* Run the program at path with argv under ptrace until it and every process
 * it started have exited.  *statusp gets the wait status of the first
 * process.  Returns 0, or -1 (logged) when the program could not be started;
 * then *statusp holds 126 or 127 as an exit status. */
int tracer_run(const char *path, char *const argv[],
    const struct tracer_opts *opts, const struct breakpoint_source *src,
    int *statusp, struct tracer_stats *stats);

/* Attach to the running process pid and all its threads, measure until it
 * exits or until covtrace gets SIGINT, SIGTERM or SIGHUP, then restore every
 * byte written and detach, leaving it running.  *statusp gets its wait
 * status if it exited, else 0.  Returns -1 (logged) if it cannot be
 * attached to. */
int tracer_attach(pid_t pid, const struct tracer_opts *opts,
    const struct breakpoint_source *src, int *statusp,
    struct tracer_stats *stats);

/* Forward sig to the traced command (safe to call from a signal handler). */
void tracer_forward_signal(int sig);

#endif
