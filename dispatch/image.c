#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/image.h"

void
image_set_init(struct image_set *set)
{
	memset(set, 0, sizeof(*set));
}

void
image_set_release(struct image_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct image *im = set->v[i];

		if (im->measured)
			bp_image_release(&im->bp);
		linetab_free(im->lt);
		free(im->own.lines);
		free(im->own.addrs);
		free(im->own.addr_line_start);
		free(im->own.addr_lines);
		free(im->own.line_addr_start);
		free(im->own.line_addrs);
		free(im->path);
		free(im);
	}
	free(set->v);
	selection_release(&set->sel);
	memset(set, 0, sizeof(*set));
}

/* The tables of an image of which only some files are selected: the lines
 * of those files, renumbered in the same order, the addresses that hold one
 * of them, and the maps between the two. */
static void
filter_tables(struct image *im, const bool *selected, size_t nsel)
{
	const struct linetab *lt = im->lt;
	uint32_t *newid = xcalloc(lt->nlines + 1, sizeof(*newid));
	uint32_t *fill = xcalloc(nsel + 1, sizeof(*fill));
	size_t n = 0, na = 0, nrefs = 0, k = 0;

	im->own.lines = xcalloc(nsel + 1, sizeof(*im->own.lines));
	for (size_t l = 0; l < lt->nlines; l++) {
		newid[l] = UINT32_MAX;
		if (selected[lt->lines[l].file]) {
			im->own.lines[n] = lt->lines[l];
			newid[l] = (uint32_t)n++;
		}
	}
	for (size_t a = 0; a < lt->naddrs; a++) {
		size_t m = 0;

		for (uint32_t r = lt->addr_line_start[a];
		     r < lt->addr_line_start[a + 1]; r++)
			m += newid[lt->addr_lines[r]] != UINT32_MAX;
		na += m > 0;
		nrefs += m;
	}
	im->own.addrs = xcalloc(na + 1, sizeof(*im->own.addrs));
	im->own.addr_line_start = xcalloc(na + 2, sizeof(uint32_t));
	im->own.addr_lines = xcalloc(nrefs + 1, sizeof(uint32_t));
	im->own.line_addr_start = xcalloc(nsel + 2, sizeof(uint32_t));
	im->own.line_addrs = xcalloc(nrefs + 1, sizeof(uint32_t));
	na = 0;
	for (size_t a = 0; a < lt->naddrs; a++) {
		size_t first = k;

		for (uint32_t r = lt->addr_line_start[a];
		     r < lt->addr_line_start[a + 1]; r++)
			if (newid[lt->addr_lines[r]] != UINT32_MAX)
				im->own.addr_lines[k++] =
				    newid[lt->addr_lines[r]];
		if (k == first)
			continue;
		im->own.addrs[na] = lt->addrs[a];
		im->own.addr_line_start[na++] = (uint32_t)first;
	}
	im->own.addr_line_start[na] = (uint32_t)k;
	/* The inverse map, by counting; addresses come out ascending. */
	for (k = 0; k < nrefs; k++)
		im->own.line_addr_start[im->own.addr_lines[k] + 1]++;
	for (size_t l = 0; l < nsel; l++)
		im->own.line_addr_start[l + 1] += im->own.line_addr_start[l];
	for (size_t a = 0; a < na; a++)
		for (k = im->own.addr_line_start[a];
		     k < im->own.addr_line_start[a + 1]; k++) {
			uint32_t l = im->own.addr_lines[k];

			im->own.line_addrs[im->own.line_addr_start[l] +
			    fill[l]++] = (uint32_t)a;
		}
	free(fill);
	free(newid);
	im->lines = im->own.lines;
	im->bp.nlines = nsel;
	im->bp.naddrs = na;
	im->bp.addrs = im->own.addrs;
	im->bp.addr_line_start = im->own.addr_line_start;
	im->bp.addr_lines = im->own.addr_lines;
	im->bp.line_addr_start = im->own.line_addr_start;
	im->bp.line_addrs = im->own.line_addrs;
}

/* The tables of an image whose lines are all selected: the line table's
 * index as it is, mapped from the cache or decoded. */
static void
use_index(struct image *im)
{
	const struct linetab *lt = im->lt;

	im->lines = lt->lines;
	im->bp.nlines = lt->nlines;
	im->bp.naddrs = lt->naddrs;
	im->bp.addrs = lt->addrs;
	im->bp.addr_line_start = lt->addr_line_start;
	im->bp.addr_lines = lt->addr_lines;
	im->bp.line_addr_start = lt->line_addr_start;
	im->bp.line_addrs = lt->line_addrs;
}

/* The original code under the breakpoints, from the file: cheaper than
 * reading it out of the process.  The tracer checks it against memory. */
static void
read_file_text(struct image *im)
{
	struct bp_image *bp = &im->bp;
	size_t len;

	if (bp->naddrs == 0)
		return;
	/* Mapped when the line table was loaded: the range of the selected
	 * addresses lies inside it.  The mapping becomes the image's. */
	if (im->lt->text != NULL) {
		struct linetab *lt = im->lt;

		bp->pristine = lt->text + (bp->addrs[0] - lt->addrs[0]);
		bp->pristine_map = lt->text_map;
		bp->pristine_map_len = lt->text_map_len;
		bp->pristine_from_file = true;
		lt->text = NULL;
		lt->text_map = NULL;
		return;
	}
	len = bp->addrs[bp->naddrs - 1] - bp->addrs[0] + 1;
	if (elf_map_vaddr(im->path, bp->addrs[0], len, &bp->pristine_map,
		&bp->pristine_map_len, &bp->pristine) == 0)
		bp->pristine_from_file = true;
}

static void
image_build(struct image_set *set, struct image *im)
{
	const struct linetab *lt = im->lt;
	bool *selected;
	size_t nsel = 0;

	if (lt->rows_elided || lt->nlines == 0)
		return;
	selected = xcalloc(lt->nfiles + 1, sizeof(*selected));
	for (size_t f = 0; f < lt->nfiles; f++)
		selected[f] = selection_match(&set->sel, lt->files[f]);
	for (size_t l = 0; l < lt->nlines; l++)
		nsel += selected[lt->lines[l].file];
	if (nsel == lt->nlines)
		use_index(im);
	else if (nsel > 0)
		filter_tables(im, selected, nsel);
	free(selected);
	if (nsel == 0)
		return;
	im->bp.pie = lt->pie;
	im->bp.entry = lt->entry;
	im->bp.path = xstrdup(im->path);
	bp_image_init(&im->bp);
	read_file_text(im);
	im->measured = true;
}

static struct image *
find_loaded(const struct image_set *set, const struct stat *st)
{
	for (size_t i = set->n; i-- > 0;) {
		struct image *im = set->v[i];

		if (im->dev == st->st_dev && im->ino == st->st_ino &&
		    im->size == st->st_size &&
		    im->mtime_ns == (int64_t)st->st_mtim.tv_sec * 1000000000 +
			    st->st_mtim.tv_nsec)
			return im;
	}
	return NULL;
}

static struct image *
find_build_id(const struct image_set *set, const struct image *self,
    const char *build_id)
{
	if (build_id[0] == '\0')
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i] != self && set->v[i]->lt != NULL &&
		    set->v[i]->same == NULL &&
		    strcmp(set->v[i]->lt->build_id, build_id) == 0)
			return set->v[i];
	return NULL;
}

static bool
want_file(void *ctx, const char *path)
{
	return selection_match(ctx, path);
}

struct image *
image_set_get(struct image_set *set, const char *path)
{
	struct image *im;
	struct stat st;
	double t0, t1;

	if (stat(path, &st) == -1)
		return NULL;
	if ((im = find_loaded(set, &st)) != NULL)
		return im->same != NULL ? im->same : im;
	im = xcalloc(1, sizeof(*im));
	im->path = xstrdup(path);
	im->dev = st.st_dev;
	im->ino = st.st_ino;
	im->size = st.st_size;
	im->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
	    st.st_mtim.tv_nsec;
	set->v = xreallocarray(set->v, set->n + 1, sizeof(*set->v));
	set->v[set->n++] = im;
	set->ltopts.want_file = want_file;
	set->ltopts.want_ctx = &set->sel;
	t0 = clock_monotonic() * 1e6;
	if (linetab_load(path, &set->ltopts, &im->lt) == -1)
		return im;
	if ((im->same = find_build_id(set, im, im->lt->build_id)) != NULL)
		return im->same;
	t1 = clock_monotonic() * 1e6;
	image_build(set, im);
	debug("'%s': line table %.0f us, breakpoint table %.0f us", path,
	    t1 - t0, clock_monotonic() * 1e6 - t1);
	return im;
}
