/* Shared libraries, learnt from the dynamic linker's own rendezvous: a
 * permanent trap on _dl_debug_state (r_brk), which the loader calls before
 * and after every change of its link map.  At each call with r_state ==
 * RT_CONSISTENT, the link map is walked: new objects are armed at their
 * load bias (l_addr), vanished ones forgotten.  The hook is a bare "ret",
 * so the trap is resumed by emulating that return: no single-step, and the
 * trap stays in place for every thread. */
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "tracer/arch.h"
#include "tracer/follow.h"

#define RT_CONSISTENT 0
#define MAX_LINK_MAP 65536

/* struct r_debug and struct link_map as the x86_64 loader lays them out. */
struct r_debug64 {
	int32_t r_version;
	int32_t pad;
	uint64_t r_map;
	uint64_t r_brk;
	int32_t r_state;
	int32_t pad2;
	uint64_t r_ldbase;
};

struct link_map64 {
	uint64_t l_addr;
	uint64_t l_name;
	uint64_t l_ld;
	uint64_t l_next;
	uint64_t l_prev;
};

/* The file mapped at base in pid, from /proc/PID/maps. */
static int
mapped_file(pid_t pid, uint64_t base, char *path, size_t size)
{
	char maps[64], line[PATH_MAX + 128];
	FILE *f;
	int r = -1;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	if ((f = fopen(maps, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		uint64_t s;
		int off = 0;

		if (sscanf(line, "%" SCNx64 "-%*x %*s %*s %*s %*s %n",
			&s, &off) < 1 ||
		    s != base || off == 0 || line[off] != '/')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, size, "%s", line + off);
		r = 0;
		break;
	}
	fclose(f);
	return r;
}

void
solib_exec(struct follow_ctx *fc, struct tracee *t)
{
	struct aspace *as = t->as;
	uint64_t base = auxv_value(t->tid, AT_BASE), brk, rdebug;
	uint8_t code[8], trap = ARCH_TRAP_BYTE;
	char interp[PATH_MAX];
	int off;

	if (as == NULL || base == 0 || fc->src->rendezvous == NULL ||
	    mapped_file(t->tid, base, interp, sizeof(interp)) == -1)
		return;
	if (fc->src->rendezvous(fc->src->ctx, interp, &brk, &rdebug) == -1) {
		verbose("no rendezvous in '%s': shared libraries of pid %d are not measured",
		    interp, (int)t->tid);
		return;
	}
	if (pread(as->memfd, code, sizeof(code), (off_t)(base + brk)) !=
		(ssize_t)sizeof(code) ||
	    (off = arch_return_offset(code, sizeof(code))) == -1) {
		verbose("unexpected code at _dl_debug_state in '%s': shared libraries of pid %d are not measured",
		    interp, (int)t->tid);
		return;
	}
	as->rv_brk = base + brk + (uint64_t)off;
	as->rv_rdebug = base + rdebug;
	as->rv_orig = code[off];
	if (pwrite(as->memfd, &trap, 1, (off_t)as->rv_brk) != 1) {
		as->rv_brk = 0;
		debug("cannot set the rendezvous trap in pid %d", (int)t->tid);
	}
}

static bool
read_string(int memfd, uint64_t addr, char *buf, size_t size)
{
	ssize_t n = pread(memfd, buf, size - 1, (off_t)addr);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strlen(buf) < (size_t)n || (size_t)n < size - 1;
}

static bool
skipped(struct aspace *as, uint64_t bias)
{
	for (size_t i = 0; i < as->nskip; i++)
		if (as->skip[i].bias == bias) {
			as->skip[i].gen = as->rv_gen;
			return true;
		}
	return false;
}

/* Mark the library at bias as seen, arming it if it is new. */
static void
take_library(struct follow_ctx *fc, struct tracee *t, const char *path,
    uint64_t bias)
{
	struct aspace *as = t->as;
	struct bp_image *img;
	uint64_t armed;

	for (size_t i = 0; i < as->nmods; i++)
		if (as->mods[i].library && as->mods[i].bias == bias) {
			as->mods[i].gen = as->rv_gen;
			return;
		}
	if (skipped(as, bias))
		return;
	img = fc->src->image_for_file(fc->src->ctx, path, IMAGE_LIBRARY);
	if (img == NULL || img->naddrs == 0 ||
	    !range_mapped_exec(t->tid, img->addrs[0] + bias,
		img->addrs[img->naddrs - 1] + bias + 1) ||
	    aspace_add_image(as, img, bias, &armed) == -1) {
		as->skip = xreallocarray(as->skip, as->nskip + 1,
		    sizeof(*as->skip));
		as->skip[as->nskip].bias = bias;
		as->skip[as->nskip++].gen = as->rv_gen;
		return;
	}
	as->mods[as->nmods - 1].library = true;
	as->mods[as->nmods - 1].gen = as->rv_gen;
	fc->stats->armed += armed;
	debug("pid %d: %" PRIu64 " breakpoints in '%s' at bias %#" PRIx64,
	    (int)t->tid, armed, path, bias);
}

/* Walk the link map: arm what is new, forget what is gone. */
static void
walk_link_map(struct follow_ctx *fc, struct tracee *t, uint64_t lm)
{
	struct aspace *as = t->as;
	char name[PATH_MAX];
	size_t n = 0, kept = 0;

	as->rv_gen++;
	for (; lm != 0 && n < MAX_LINK_MAP; n++) {
		struct link_map64 l;

		if (pread(as->memfd, &l, sizeof(l), (off_t)lm) !=
		    (ssize_t)sizeof(l))
			break;
		lm = l.l_next;
		if (l.l_name == 0 ||
		    !read_string(as->memfd, l.l_name, name, sizeof(name)) ||
		    name[0] == '\0')
			continue;
		/* A name relative to the process's directory at dlopen time:
		 * ask the kernel which file is mapped there. */
		if (name[0] != '/' &&
		    mapped_file(t->tid, l.l_addr, name, sizeof(name)) == -1)
			continue;
		take_library(fc, t, name, l.l_addr);
	}
	for (size_t i = as->nmods; i-- > 0;)
		if (as->mods[i].library && as->mods[i].gen != as->rv_gen)
			aspace_remove_mod(as, i);
	/* An unmeasured library that is gone frees its place for another
	 * object. */
	for (size_t i = 0; i < as->nskip; i++)
		if (as->skip[i].gen == as->rv_gen)
			as->skip[kept++] = as->skip[i];
	as->nskip = kept;
}

bool
solib_trap(struct follow_ctx *fc, struct tracee *t, uint64_t pc)
{
	struct aspace *as = t->as;
	struct r_debug64 rd;

	if (as == NULL || as->rv_brk == 0 ||
	    pc - ARCH_TRAP_PC_ADVANCE != as->rv_brk)
		return false;
	if (arch_emulate_return(t->tid, as->memfd) == -1)
		debug("cannot return from the rendezvous in pid %d",
		    (int)t->tid);
	if (pread(as->memfd, &rd, sizeof(rd), (off_t)as->rv_rdebug) ==
		(ssize_t)sizeof(rd) &&
	    rd.r_state == RT_CONSISTENT)
		walk_link_map(fc, t, rd.r_map);
	return true;
}

void
solib_attach(struct follow_ctx *fc, struct tracee *t)
{
	struct r_debug64 rd;

	solib_exec(fc, t);
	if (t->as == NULL || t->as->rv_brk == 0)
		return;
	if (pread(t->as->memfd, &rd, sizeof(rd), (off_t)t->as->rv_rdebug) ==
	    (ssize_t)sizeof(rd))
		walk_link_map(fc, t, rd.r_map);
}
