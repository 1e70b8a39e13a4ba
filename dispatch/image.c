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
		free(im->lines);
		free(im->path);
		free(im);
	}
	free(set->v);
	selection_release(&set->sel);
	memset(set, 0, sizeof(*set));
}

/* Line ids for the selected (file, line) pairs, numbered in (file, line)
 * order through a direct index: base[file] + line holds the id + 1.  The
 * index costs four bytes per line of each selected file's longest line
 * number, far less than a hash table over the rows. */
struct line_index {
	size_t *base;		/* per file; SIZE_MAX when not selected */
	uint32_t *ids;
	size_t n;
};

static void
line_index_build(struct line_index *ix, struct image *im,
    const bool *selected)
{
	const struct linetab *lt = im->lt;
	uint32_t *maxline = xcalloc(lt->nfiles + 1, sizeof(*maxline));
	size_t nlines = 0;

	for (size_t i = 0; i < lt->nrows; i++)
		if (selected[lt->rows[i].file] &&
		    lt->rows[i].line > maxline[lt->rows[i].file])
			maxline[lt->rows[i].file] = lt->rows[i].line;
	ix->base = xcalloc(lt->nfiles + 1, sizeof(*ix->base));
	ix->n = 0;
	for (size_t f = 0; f < lt->nfiles; f++) {
		ix->base[f] = ix->n;
		ix->n += selected[f] ? (size_t)maxline[f] + 1 : 0;
	}
	ix->ids = xcalloc(ix->n + 1, sizeof(*ix->ids));
	for (size_t i = 0; i < lt->nrows; i++)
		if (selected[lt->rows[i].file])
			ix->ids[ix->base[lt->rows[i].file] + lt->rows[i].line] = 1;
	for (size_t f = 0; f < lt->nfiles; f++)
		for (size_t l = 0; selected[f] && l <= maxline[f]; l++)
			if (ix->ids[ix->base[f] + l] != 0)
				nlines++;
	im->lines = xcalloc(nlines + 1, sizeof(*im->lines));
	im->bp.nlines = 0;
	for (size_t f = 0; f < lt->nfiles; f++)
		for (size_t l = 0; selected[f] && l <= maxline[f]; l++) {
			uint32_t *slot = &ix->ids[ix->base[f] + l];

			if (*slot == 0)
				continue;
			im->lines[im->bp.nlines].file = (uint32_t)f;
			im->lines[im->bp.nlines].line = (uint32_t)l;
			*slot = (uint32_t)++im->bp.nlines;
		}
	free(maxline);
}

/* Fill the address table and the address -> lines map from the selected
 * rows (sorted by address). */
static void
build_addr_map(struct image *im, const bool *selected)
{
	const struct linetab *lt = im->lt;
	struct bp_image *bp = &im->bp;
	struct line_index ix;
	size_t nrefs = 0;

	line_index_build(&ix, im, selected);
	bp->addrs = xcalloc(lt->nrows + 1, sizeof(*bp->addrs));
	bp->addr_line_start = xcalloc(lt->nrows + 2, sizeof(uint32_t));
	bp->addr_lines = xcalloc(lt->nrows + 1, sizeof(uint32_t));
	for (size_t i = 0; i < lt->nrows; i++) {
		const struct linerow *row = &lt->rows[i];
		uint32_t id;
		bool dup = false;

		if (!selected[row->file])
			continue;
		id = ix.ids[ix.base[row->file] + row->line] - 1;
		if (bp->naddrs == 0 || bp->addrs[bp->naddrs - 1] != row->addr) {
			bp->addrs[bp->naddrs++] = row->addr;
			bp->addr_line_start[bp->naddrs - 1] = (uint32_t)nrefs;
		}
		for (size_t k = bp->addr_line_start[bp->naddrs - 1]; k < nrefs;
		     k++)
			dup |= bp->addr_lines[k] == id;
		if (!dup)
			bp->addr_lines[nrefs++] = id;
	}
	bp->addr_line_start[bp->naddrs] = (uint32_t)nrefs;
	free(ix.base);
	free(ix.ids);
}

/* The inverse map, line -> addresses, by counting. */
static void
build_line_map(struct bp_image *bp)
{
	uint32_t nrefs = bp->addr_line_start[bp->naddrs];
	uint32_t *fill = xcalloc(bp->nlines + 1, sizeof(*fill));

	bp->line_addr_start = xcalloc(bp->nlines + 1, sizeof(uint32_t));
	bp->line_addrs = xcalloc(nrefs + 1, sizeof(uint32_t));
	for (uint32_t k = 0; k < nrefs; k++)
		bp->line_addr_start[bp->addr_lines[k] + 1]++;
	for (size_t l = 0; l < bp->nlines; l++)
		bp->line_addr_start[l + 1] += bp->line_addr_start[l];
	for (size_t a = 0; a < bp->naddrs; a++)
		for (uint32_t k = bp->addr_line_start[a];
		     k < bp->addr_line_start[a + 1]; k++) {
			uint32_t l = bp->addr_lines[k];

			bp->line_addrs[bp->line_addr_start[l] + fill[l]++] =
			    (uint32_t)a;
		}
	free(fill);
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
	len = bp->addrs[bp->naddrs - 1] - bp->addrs[0] + 1;
	if (elf_map_vaddr(im->path, bp->addrs[0], len, &bp->pristine_map,
		&bp->pristine_map_len, &bp->pristine) == 0)
		bp->pristine_from_file = true;
}

static void
image_build(struct image_set *set, struct image *im)
{
	const struct linetab *lt = im->lt;
	bool *selected = xcalloc(lt->nfiles + 1, sizeof(*selected));
	bool any = false;

	for (size_t f = 0; f < lt->nfiles; f++)
		{
		selected[f] = selection_match(&set->sel, lt->files[f]);
		any |= selected[f];
	}
	if (any) {
		build_addr_map(im, selected);
		build_line_map(&im->bp);
		im->bp.pie = lt->pie;
		im->bp.entry = lt->entry;
		im->bp.path = xstrdup(im->path);
		bp_image_init(&im->bp);
		read_file_text(im);
		im->measured = im->bp.nlines > 0;
		if (!im->measured)
			bp_image_release(&im->bp);
	}
	free(selected);
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
