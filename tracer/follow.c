#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "tracer/follow.h"

#ifndef KCMP_VM
#define KCMP_VM 1
#endif

/* Whether parent and child share one address space (threads, vfork). */
static bool
shares_vm(pid_t parent, pid_t child, int event)
{
	long r = syscall(SYS_kcmp, parent, child, KCMP_VM, 0, 0);

	if (r == 0 || r > 0)
		return r == 0;
	/* Without kcmp, go by the event: vfork and clone share, fork not. */
	return event != PTRACE_EVENT_FORK;
}

struct tracee *
follow_clone(struct follow_ctx *fc, struct tracee *t, int event)
{
	unsigned long msg;
	struct tracee *c;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &msg) == -1)
		return NULL;
	c = tracee_get((pid_t)msg);
	if (t->as != NULL) {
		if (shares_vm(t->tid, c->tid, event)) {
			t->as->refs++;
			tracee_set_aspace(c, t->as);
		} else {
			tracee_set_aspace(c, aspace_fork(t->as, c->tid));
		}
	}
	if (event != PTRACE_EVENT_CLONE || c->as != t->as)
		fc->stats->processes++;
	if (c->waiting_parent) {
		c->waiting_parent = false;
		return c;
	}
	return NULL;
}

uint64_t
auxv_value(pid_t pid, uint64_t type)
{
	char path[64];
	uint64_t v[2], entry = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	while (read(fd, v, sizeof(v)) == (ssize_t)sizeof(v)) {
		if (v[0] == type) {
			entry = v[1];
			break;
		}
		if (v[0] == AT_NULL)
			break;
	}
	close(fd);
	return entry;
}

bool
range_mapped_exec(pid_t pid, uint64_t lo, uint64_t hi)
{
	char path[64], line[512];
	uint64_t covered = lo;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL && covered < hi) {
		uint64_t s, e;
		char perms[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &s, &e,
			perms) != 3)
			continue;
		if (perms[2] == 'x' && s <= covered && e > covered)
			covered = e;
	}
	fclose(f);
	return covered >= hi;
}

static void
arm_image(struct follow_ctx *fc, struct tracee *t, struct bp_image *img)
{
	uint64_t entry = auxv_value(t->tid, AT_ENTRY), bias = 0, armed;

	if (img->pie) {
		bias = entry - img->entry;
	} else if (entry != img->entry) {
		warning("'%s' in pid %d does not start where its ELF header says; not measuring it",
		    img->path, (int)t->tid);
		return;
	}
	if (entry == 0 || img->naddrs == 0)
		return;
	if (!range_mapped_exec(t->tid, img->addrs[0] + bias,
		img->addrs[img->naddrs - 1] + bias + 1)) {
		warning("the code of '%s' is not where expected in pid %d; not measuring it",
		    img->path, (int)t->tid);
		return;
	}
	if (aspace_add_image(t->as, img, bias, &armed) == 0) {
		fc->stats->armed += armed;
		debug("pid %d: %" PRIu64 " breakpoints in '%s' at bias %#" PRIx64,
		    (int)t->tid, armed, img->path, bias);
	}
}

struct tracee *
follow_exec(struct follow_ctx *fc, struct tracee *t)
{
	char link[64], exe[PATH_MAX];
	unsigned long former;
	struct bp_image *img;
	ssize_t n;
	bool first = !fc->first_exec_done;

	/* An exec from a non-leader thread: that thread takes the leader's
	 * tid and its own record goes away. */
	if (ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &former) == 0 &&
	    (pid_t)former != t->tid) {
		struct tracee *o = tracee_find((pid_t)former);

		if (o != NULL)
			tracee_remove(o);
	}
	fc->first_exec_done = true;
	fc->stats->execs++;
	tracee_set_aspace(t, aspace_new(t->tid));
	if (t->as == NULL)
		return t;
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)t->tid);
	if ((n = readlink(link, exe, sizeof(exe) - 1)) <= 0)
		return t;
	exe[n] = '\0';
	img = fc->src->image_for_file(fc->src->ctx, exe,
	    first ? IMAGE_FIRST_EXEC : IMAGE_EXEC);
	if (img != NULL)
		arm_image(fc, t, img);
	solib_exec(fc, t);
	return t;
}

void
follow_attach(struct follow_ctx *fc, struct tracee *t)
{
	char link[64], exe[PATH_MAX];
	struct bp_image *img;
	ssize_t n;

	fc->first_exec_done = true;
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)t->tid);
	if ((n = readlink(link, exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	img = fc->src->image_for_file(fc->src->ctx, exe, IMAGE_FIRST_EXEC);
	if (img != NULL)
		arm_image(fc, t, img);
	solib_attach(fc, t);
}
