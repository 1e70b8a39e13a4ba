#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "tracer/arch.h"
#include "tracer/breakpoint.h"

#define PAGE_SIZE_BP 4096ULL
#define FLUSH_CHUNK (64 * 1024)
#define PAGE_OF(a) ((a) & ~(PAGE_SIZE_BP - 1))

void
bp_image_init(struct bp_image *img)
{
	img->hit = xcalloc(img->nlines ? img->nlines : 1, 1);
	img->hit_log = xcalloc(img->nlines ? img->nlines : 1,
	    sizeof(*img->hit_log));
	img->nhit = 0;
	img->stops = 0;
}

/* Forget the pristine copy, mapped or allocated. */
static void
pristine_drop(struct bp_image *img)
{
	if (img->pristine_map != NULL)
		munmap(img->pristine_map, img->pristine_map_len);
	else
		free((void *)(uintptr_t)img->pristine);
	img->pristine_map = NULL;
	img->pristine = NULL;
}

void
bp_image_release(struct bp_image *img)
{
	free(img->hit);
	free(img->trap_lines);
	free(img->hit_log);
	pristine_drop(img);
	free(img->path);
	memset(img, 0, sizeof(*img));
}

static int
open_mem(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	return open(path, O_RDWR | O_CLOEXEC);
}

struct aspace *
aspace_new(pid_t pid)
{
	struct aspace *as;
	int fd;

	if ((fd = open_mem(pid)) == -1) {
		error_errno("cannot open the memory of pid %d", (int)pid);
		return NULL;
	}
	as = xcalloc(1, sizeof(*as));
	as->refs = 1;
	as->memfd = fd;
	as->pid = pid;
	return as;
}

void
aspace_put(struct aspace *as)
{
	if (as == NULL || --as->refs > 0)
		return;
	for (size_t i = 0; i < as->nmods; i++) {
		free(as->mods[i].armed);
		free(as->mods[i].ever);
	}
	free(as->mods);
	free(as->skip);
	close(as->memfd);
	free(as);
}

/* Whether any line at address index ai is set in the per-line flags. */
static bool
addr_any_line(const struct as_mod *m, size_t ai, const uint8_t *flags)
{
	const struct bp_image *img = m->img;

	for (uint32_t k = img->addr_line_start[ai];
	     k < img->addr_line_start[ai + 1]; k++)
		if (flags[img->addr_lines[k]])
			return true;
	return false;
}

static bool
addr_armed(const struct as_mod *m, size_t ai)
{
	return addr_any_line(m, ai, m->armed);
}

static bool
addr_ever_armed(const struct as_mod *m, size_t ai)
{
	return addr_any_line(m, ai, m->ever);
}

/* Write buf, composed for runtime [lo, hi), with our own traps in it. */
static int
write_composed(struct aspace *as, uint64_t lo, uint64_t hi, uint8_t *buf)
{
	ssize_t n;

	if (as->rv_brk >= lo && as->rv_brk < hi)
		buf[as->rv_brk - lo] = ARCH_TRAP_BYTE;
	if (as->resume_pc >= lo && as->resume_pc < hi)
		buf[as->resume_pc - lo] = ARCH_TRAP_BYTE;
	n = pwrite(as->memfd, buf, hi - lo, (off_t)lo);
	if (n != (ssize_t)(hi - lo)) {
		debug("pwrite at %#" PRIx64 " in pid %d: %s", lo, (int)as->pid,
		    n == -1 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/* Write runtime [lo, hi) of m, inside one page (the addresses of a line
 * that share a page): the pristine text with a trap at every armed address.
 * first is the index of the first address >= lo. */
static int
flush_range(struct aspace *as, const struct as_mod *m, uint64_t lo,
    uint64_t hi, size_t first)
{
	const struct bp_image *img = m->img;
	uint8_t buf[PAGE_SIZE_BP];

	if (hi - lo > sizeof(buf))
		BUG("flush_range of %" PRIu64 " bytes", hi - lo);
	memcpy(buf, img->pristine + (lo - m->lo), hi - lo);
	for (size_t i = first; i < img->naddrs && img->addrs[i] + m->bias < hi;
	     i++)
		if (addr_armed(m, i))
			buf[img->addrs[i] + m->bias - lo] = ARCH_TRAP_BYTE;
	return write_composed(as, lo, hi, buf);
}

/* Write every page of m holding an armed address (with ever: an address
 * armed at some time), as flush_range() makes it, contiguous pages in one
 * pwrite.  The pages are composed in the same pass over the addresses that
 * finds them.  *armedp gets the number of traps written. */
static int
flush_pages(struct aspace *as, const struct as_mod *m, bool ever,
    uint64_t *armedp)
{
	static uint8_t buf[FLUSH_CHUNK];
	const struct bp_image *img = m->img;
	uint64_t lo = 0, hi = 0, armed = 0; /* buf holds runtime [lo, hi) */

	*armedp = 0;
	for (size_t i = 0; i < img->naddrs;) {
		uint64_t a = img->addrs[i] + m->bias, plo, phi;

		if (!(m->all_armed && !ever) && !addr_armed(m, i) &&
		    !(ever && addr_ever_armed(m, i))) {
			i++;
			continue;
		}
		plo = PAGE_OF(a) > m->lo ? PAGE_OF(a) : m->lo;
		phi = PAGE_OF(a) + PAGE_SIZE_BP < m->hi ?
		    PAGE_OF(a) + PAGE_SIZE_BP :
		    m->hi;
		if (phi > hi) {
			/* A page not composed yet: after a gap, or when buf
			 * is full, what buf holds goes out first. */
			if (hi > lo && (plo > hi || phi - lo > FLUSH_CHUNK)) {
				if (write_composed(as, lo, hi, buf) == -1)
					return -1;
				lo = hi;
			}
			if (hi == lo || plo > hi)
				lo = hi = plo;
			memcpy(buf + (hi - lo), img->pristine + (hi - m->lo),
			    phi - hi);
			hi = phi;
		}
		/* The rest of the addresses on this page. */
		if (m->all_armed && !ever) {
			size_t first = i;

			for (; i < img->naddrs && img->addrs[i] + m->bias < phi;
			     i++)
				buf[img->addrs[i] + m->bias - lo] =
				    ARCH_TRAP_BYTE;
			armed += i - first;
			continue;
		}
		for (; i < img->naddrs && img->addrs[i] + m->bias < phi; i++)
			if (addr_armed(m, i)) {
				buf[img->addrs[i] + m->bias - lo] =
				    ARCH_TRAP_BYTE;
				armed++;
			}
	}
	if (hi > lo && write_composed(as, lo, hi, buf) == -1)
		return -1;
	*armedp = armed;
	return 0;
}

/* Disarm line l in m: its addresses, one pwrite per page they share. */
static void
disarm_line(struct aspace *as, struct as_mod *m, uint32_t l)
{
	const struct bp_image *img = m->img;
	uint32_t k = img->line_addr_start[l], end = img->line_addr_start[l + 1];

	m->armed[l] = 0;
	m->all_armed = false;
	while (k < end) {
		uint32_t first = img->line_addrs[k], last = first;
		uint64_t page = PAGE_OF(img->addrs[first] + m->bias);

		while (k + 1 < end &&
		    PAGE_OF(img->addrs[img->line_addrs[k + 1]] + m->bias) ==
			page)
			last = img->line_addrs[++k];
		k++;
		flush_range(as, m, img->addrs[first] + m->bias,
		    img->addrs[last] + m->bias + 1, first);
	}
}

/* Disarm the lines that other processes covered since the last sync. */
static void
sync_mod(struct aspace *as, struct as_mod *m)
{
	const struct bp_image *img = m->img;

	for (; m->synced < img->nhit; m->synced++) {
		uint32_t l = img->hit_log[m->synced];

		if (m->armed[l])
			disarm_line(as, m, l);
	}
}

struct aspace *
aspace_fork(struct aspace *parent, pid_t child)
{
	struct aspace *as = aspace_new(child);

	if (as == NULL)
		return NULL;
	as->rv_brk = parent->rv_brk;
	as->rv_rdebug = parent->rv_rdebug;
	as->rv_orig = parent->rv_orig;
	as->rv_gen = parent->rv_gen;
	as->quiet = parent->quiet;
	as->resume_pc = parent->resume_pc;
	as->resume_orig = parent->resume_orig;
	as->nskip = parent->nskip;
	as->skip = xcalloc(parent->nskip + 1, sizeof(*as->skip));
	memcpy(as->skip, parent->skip, parent->nskip * sizeof(*as->skip));
	as->nmods = parent->nmods;
	as->mods = xcalloc(parent->nmods ? parent->nmods : 1,
	    sizeof(*as->mods));
	for (size_t i = 0; i < parent->nmods; i++) {
		struct as_mod *pm = &parent->mods[i], *cm = &as->mods[i];

		*cm = *pm;
		cm->armed = xmalloc(pm->img->nlines ? pm->img->nlines : 1);
		memcpy(cm->armed, pm->armed, pm->img->nlines);
		cm->ever = xmalloc(pm->img->nlines ? pm->img->nlines : 1);
		memcpy(cm->ever, pm->ever, pm->img->nlines);
		sync_mod(parent, pm);
		sync_mod(as, cm);
	}
	return as;
}

static int
read_pristine(struct aspace *as, struct bp_image *img, uint64_t lo,
    uint64_t hi)
{
	uint8_t *p = xmalloc(hi - lo);
	ssize_t n = pread(as->memfd, p, hi - lo, (off_t)lo);

	if (n != (ssize_t)(hi - lo)) {
		free(p);
		return error("cannot read the text of '%s' in pid %d at %#" PRIx64,
		    img->path, (int)as->pid, lo);
	}
	/* Our own traps may already sit in this text. */
	if (as->rv_brk >= lo && as->rv_brk < hi)
		p[as->rv_brk - lo] = as->rv_orig;
	if (as->resume_pc >= lo && as->resume_pc < hi)
		p[as->resume_pc - lo] = as->resume_orig;
	img->pristine = p;
	return 0;
}

/* Whether the code the source read from the file is what the process has
 * mapped: the first and last bytes are compared, a page of each. */
static bool
pristine_matches(struct aspace *as, const struct bp_image *img, uint64_t lo,
    uint64_t hi)
{
	uint8_t buf[PAGE_SIZE_BP];
	size_t n = hi - lo < sizeof(buf) ? hi - lo : sizeof(buf);
	bool same;

	if (pread(as->memfd, buf, n, (off_t)lo) != (ssize_t)n ||
	    memcmp(buf, img->pristine, n) != 0)
		return false;
	same = pread(as->memfd, buf, n, (off_t)(hi - n)) == (ssize_t)n &&
	    memcmp(buf, img->pristine + (hi - n - lo), n) == 0;
	if (!same)
		debug("the code of '%s' in memory differs from the file",
		    img->path);
	return same;
}

/* The index of link-time address a in img, or -1. */
static ssize_t
find_addr(const struct bp_image *img, uint64_t a)
{
	size_t lo = 0, hi = img->naddrs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->addrs[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < img->naddrs && img->addrs[lo] == a ? (ssize_t)lo : -1;
}

/* The lines never to arm: those with an address at a trap instruction of
 * the program's own.  Found once per image, when its pristine text is
 * settled, by looking for trap bytes in the text rather than looking at
 * the byte of every address; both come in ascending order, so one pass
 * over the addresses matches them (a binary search per trap byte missed
 * the cache at every step). */
static void
find_program_traps(struct bp_image *img)
{
	const uint8_t *text = img->pristine, *p = text;
	size_t len = img->addrs[img->naddrs - 1] - img->addrs[0] + 1, alloc = 0;
	size_t ai = 0;

	img->traps_known = true;
	while (
	    (p = memchr(p, ARCH_TRAP_BYTE, len - (size_t)(p - text))) != NULL) {
		uint64_t a = img->addrs[0] + (uint64_t)(p - text);

		while (ai < img->naddrs && img->addrs[ai] < a)
			ai++;
		if (ai < img->naddrs && img->addrs[ai] == a)
			for (uint32_t k = img->addr_line_start[ai];
			     k < img->addr_line_start[ai + 1]; k++) {
				XGROW(img->trap_lines, img->ntrap_lines + 1,
				    alloc);
				img->trap_lines[img->ntrap_lines++] =
				    img->addr_lines[k];
			}
		p++;
	}
}

/* Arm the lines this address space should trap on: those not covered
 * yet, except at a trap instruction of the program's own. */
static void
mod_want(struct as_mod *m)
{
	const struct bp_image *img = m->img;

	for (size_t l = 0; l < img->nlines; l++)
		m->armed[l] = !img->hit[l];
	for (size_t k = 0; k < img->ntrap_lines; k++)
		m->armed[img->trap_lines[k]] = 0;
	for (size_t l = 0; l < img->nlines; l++)
		m->ever[l] |= m->armed[l];
	m->synced = img->nhit;
	/* The first process of an image arms every line: then flushing need
	 * not look at the lines of each address. */
	m->all_armed = img->nhit == 0 && img->ntrap_lines == 0;
}

int
aspace_quiet(struct aspace *as, uint64_t resume)
{
	uint8_t orig, trap = ARCH_TRAP_BYTE;
	uint64_t n;

	if (as->quiet)
		return 0;
	as->quiet = true;
	for (size_t i = 0; i < as->nmods; i++) {
		memset(as->mods[i].armed, 0, as->mods[i].img->nlines);
		as->mods[i].all_armed = false;
		flush_pages(as, &as->mods[i], true, &n);
	}
	if (pread(as->memfd, &orig, 1, (off_t)resume) != 1 ||
	    orig == ARCH_TRAP_BYTE || resume == as->rv_brk)
		return error("cannot set a trap at %#" PRIx64 " in pid %d; the rest of its run is not measured",
		    resume, (int)as->pid);
	if (pwrite(as->memfd, &trap, 1, (off_t)resume) != 1)
		return error_errno("cannot write into pid %d", (int)as->pid);
	as->resume_pc = resume;
	as->resume_orig = orig;
	return 0;
}

/* The program is back from its SIGTRAP handler: re-arm. */
static void
unquiet(struct aspace *as)
{
	uint64_t n;

	if (pwrite(as->memfd, &as->resume_orig, 1, (off_t)as->resume_pc) != 1)
		debug("cannot remove the resume trap in pid %d", (int)as->pid);
	as->resume_pc = 0;
	as->quiet = false;
	for (size_t i = 0; i < as->nmods; i++) {
		mod_want(&as->mods[i]);
		flush_pages(as, &as->mods[i], false, &n);
	}
}

int
aspace_add_image(struct aspace *as, struct bp_image *img, uint64_t bias,
    uint64_t *armedp)
{
	struct as_mod m = { .img = img, .bias = bias };
	uint64_t armed = 0;

	*armedp = 0;
	if (img->naddrs == 0)
		return 0;
	m.lo = img->addrs[0] + bias;
	m.hi = img->addrs[img->naddrs - 1] + bias + 1;
	if (img->pristine_from_file && !pristine_matches(as, img, m.lo, m.hi))
		pristine_drop(img);
	img->pristine_from_file = false;
	if (img->pristine == NULL && read_pristine(as, img, m.lo, m.hi) == -1)
		return -1;
	if (!img->traps_known)
		find_program_traps(img);
	m.armed = xcalloc(img->nlines ? img->nlines : 1, 1);
	m.ever = xcalloc(img->nlines ? img->nlines : 1, 1);
	if (!as->quiet)
		mod_want(&m);
	int fr = !as->quiet ? flush_pages(as, &m, false, &armed) : 0;
	if (fr == -1) {
		free(m.armed);
		free(m.ever);
		return error("cannot write breakpoints into '%s' in pid %d",
		    img->path, (int)as->pid);
	}
	as->mods = xreallocarray(as->mods, as->nmods + 1, sizeof(*as->mods));
	as->mods[as->nmods++] = m;
	*armedp = armed;
	return 0;
}

void
aspace_restore(struct aspace *as)
{
	uint64_t n;

	if (as->restored)
		return;
	as->restored = true;
	if (as->rv_brk != 0 &&
	    pwrite(as->memfd, &as->rv_orig, 1, (off_t)as->rv_brk) != 1)
		debug("cannot remove the rendezvous trap in pid %d",
		    (int)as->pid);
	as->rv_brk = 0;
	if (as->resume_pc != 0 &&
	    pwrite(as->memfd, &as->resume_orig, 1, (off_t)as->resume_pc) != 1)
		debug("cannot remove the resume trap in pid %d", (int)as->pid);
	as->resume_pc = 0;
	for (size_t i = 0; i < as->nmods; i++) {
		struct as_mod *m = &as->mods[i];

		memset(m->armed, 0, m->img->nlines);
		m->all_armed = false;
		if (flush_pages(as, m, true, &n) == -1)
			error("cannot restore the code of '%s' in pid %d",
			    m->img->path, (int)as->pid);
	}
}

void
aspace_remove_mod(struct aspace *as, size_t i)
{
	free(as->mods[i].armed);
	free(as->mods[i].ever);
	memmove(&as->mods[i], &as->mods[i + 1],
	    (as->nmods - i - 1) * sizeof(*as->mods));
	as->nmods--;
}

static void
record_hit(struct bp_image *img, uint32_t l)
{
	if (img->hit[l])
		return;
	img->hit[l] = 1;
	img->hit_log[img->nhit++] = l;
}

enum trap_kind
aspace_trap(struct aspace *as, uint64_t pc, uint64_t *rewindp)
{
	uint64_t a = pc - ARCH_TRAP_PC_ADVANCE;

	if (as->resume_pc != 0 && a == as->resume_pc) {
		unquiet(as);
		*rewindp = a;
		return TRAP_HIT;
	}
	for (size_t i = 0; i < as->nmods; i++) {
		struct as_mod *m = &as->mods[i];
		struct bp_image *img = m->img;
		ssize_t ai;

		if (a < m->lo || a >= m->hi)
			continue;
		if ((ai = find_addr(img, a - m->bias)) == -1)
			return TRAP_NOT_OURS;
		/* The program's own trap instruction ran its line; the trap
		 * is the program's. */
		if (img->pristine[a - m->lo] == ARCH_TRAP_BYTE) {
			for (uint32_t k = img->addr_line_start[ai];
			     k < img->addr_line_start[ai + 1]; k++)
				record_hit(img, img->addr_lines[k]);
			return TRAP_NOT_OURS;
		}
		/* A trap where nothing was ever armed here is not ours. */
		if (!addr_ever_armed(m, (size_t)ai))
			return TRAP_NOT_OURS;
		img->stops++;
		for (uint32_t k = img->addr_line_start[ai];
		     k < img->addr_line_start[ai + 1]; k++) {
			uint32_t l = img->addr_lines[k];

			record_hit(img, l);
			if (m->armed[l])
				disarm_line(as, m, l);
		}
		*rewindp = a;
		return TRAP_HIT;
	}
	return TRAP_NOT_OURS;
}
