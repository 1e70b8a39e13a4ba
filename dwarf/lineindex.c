/*
 * The line index: block layout (native byte order), for counts naddrs,
 * nlines and nrefs:
 *
 *	uint64_t       addrs[naddrs]
 *	struct linepos lines[nlines]
 *	uint32_t       addr_line_start[naddrs + 1]
 *	uint32_t       addr_lines[nrefs]
 *	uint32_t       line_addr_start[nlines + 1]
 *	uint32_t       line_addrs[nrefs]
 *	padding to a multiple of 8 bytes
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "dwarf/lineindex.h"

size_t
lineindex_size(size_t naddrs, size_t nlines, size_t nrefs)
{
	size_t n = naddrs * sizeof(uint64_t) + nlines * sizeof(struct linepos) +
	    (naddrs + 1 + nrefs + nlines + 1 + nrefs) * sizeof(uint32_t);

	return (n + 7) & ~(size_t)7;
}

void
lineindex_place(struct linetab *lt, const void *block)
{
	const char *p = block;

	lt->addrs = (const uint64_t *)(uintptr_t)p;
	p += lt->naddrs * sizeof(uint64_t);
	lt->lines = (const struct linepos *)(uintptr_t)p;
	p += lt->nlines * sizeof(struct linepos);
	lt->addr_line_start = (const uint32_t *)(uintptr_t)p;
	p += (lt->naddrs + 1) * sizeof(uint32_t);
	lt->addr_lines = (const uint32_t *)(uintptr_t)p;
	p += lt->nrefs * sizeof(uint32_t);
	lt->line_addr_start = (const uint32_t *)(uintptr_t)p;
	p += (lt->nlines + 1) * sizeof(uint32_t);
	lt->line_addrs = (const uint32_t *)(uintptr_t)p;
}

static int
key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The distinct (file, line) pairs of the rows, sorted, into *linesp; the
 * line id of each row into ids.  A direct table indexed by file and line
 * number does it in linear time; sorting takes over when line numbers are
 * too sparse for such a table. */
static size_t
number_lines(const struct linerow *rows, size_t nrows, size_t nfiles,
    uint32_t *ids, struct linepos **linesp)
{
	uint32_t *maxline = xcalloc(nfiles + 1, sizeof(*maxline));
	size_t *base = xcalloc(nfiles + 1, sizeof(*base));
	struct linepos *lines;
	size_t span = 0, n = 0;

	for (size_t i = 0; i < nrows; i++)
		if (rows[i].line > maxline[rows[i].file])
			maxline[rows[i].file] = rows[i].line;
	for (size_t f = 0; f < nfiles; f++) {
		base[f] = span;
		span += (size_t)maxline[f] + 1;
	}
	if (span <= 16 * nrows + 4096) {
		uint32_t *slot = xcalloc(span + 1, sizeof(*slot));

		for (size_t i = 0; i < nrows; i++)
			slot[base[rows[i].file] + rows[i].line] = 1;
		for (size_t s = 0; s < span; s++)
			n += slot[s];
		lines = xcalloc(n + 1, sizeof(*lines));
		n = 0;
		for (size_t f = 0; f < nfiles; f++)
			for (size_t l = 0; l <= maxline[f]; l++) {
				if (slot[base[f] + l] == 0)
					continue;
				lines[n].file = (uint32_t)f;
				lines[n].line = (uint32_t)l;
				slot[base[f] + l] = (uint32_t)++n;
			}
		for (size_t i = 0; i < nrows; i++)
			ids[i] = slot[base[rows[i].file] + rows[i].line] - 1;
		free(slot);
	} else {
		uint64_t *keys = xcalloc(nrows + 1, sizeof(*keys));

		for (size_t i = 0; i < nrows; i++)
			keys[i] = (uint64_t)rows[i].file << 32 | rows[i].line;
		qsort(keys, nrows, sizeof(*keys), key_cmp);
		for (size_t i = 0; i < nrows; i++)
			if (n == 0 || keys[n - 1] != keys[i])
				keys[n++] = keys[i];
		lines = xcalloc(n + 1, sizeof(*lines));
		for (size_t k = 0; k < n; k++) {
			lines[k].file = (uint32_t)(keys[k] >> 32);
			lines[k].line = (uint32_t)keys[k];
		}
		for (size_t i = 0; i < nrows; i++) {
			uint64_t key =
			    (uint64_t)rows[i].file << 32 | rows[i].line;
			size_t lo = 0, hi = n;

			while (hi - lo > 1) {
				size_t mid = lo + (hi - lo) / 2;

				if (keys[mid] <= key)
					lo = mid;
				else
					hi = mid;
			}
			ids[i] = (uint32_t)lo;
		}
		free(keys);
	}
	free(maxline);
	free(base);
	*linesp = lines;
	return n;
}

void
lineindex_build(struct linetab *lt, const struct linerow *rows, size_t nrows)
{
	uint32_t *ids = xcalloc(nrows + 1, sizeof(*ids)), *fill;
	uint32_t *als, *al, *las, *la;
	struct linepos *lines;
	uint64_t *addrs;
	size_t na = 0, k = 0;

	lt->nlines = number_lines(rows, nrows, lt->nfiles, ids, &lines);
	lt->naddrs = 0;
	lt->nrefs = 0;
	for (size_t i = 0; i < nrows; i++) {
		bool same_addr = i > 0 && rows[i].addr == rows[i - 1].addr;

		lt->naddrs += !same_addr;
		lt->nrefs += !(same_addr && ids[i] == ids[i - 1]);
	}
	lt->index =
	    xcalloc(1, lineindex_size(lt->naddrs, lt->nlines, lt->nrefs));
	lineindex_place(lt, lt->index);
	/* The arrays are const for the index's users, not for its builder. */
	addrs = (uint64_t *)(uintptr_t)lt->addrs;
	als = (uint32_t *)(uintptr_t)lt->addr_line_start;
	al = (uint32_t *)(uintptr_t)lt->addr_lines;
	las = (uint32_t *)(uintptr_t)lt->line_addr_start;
	la = (uint32_t *)(uintptr_t)lt->line_addrs;
	memcpy((void *)(uintptr_t)lt->lines, lines,
	    lt->nlines * sizeof(*lines));
	free(lines);
	for (size_t i = 0; i < nrows; i++) {
		if (i > 0 && rows[i].addr == rows[i - 1].addr) {
			if (ids[i] != ids[i - 1])
				al[k++] = ids[i];
			continue;
		}
		addrs[na] = rows[i].addr;
		als[na++] = (uint32_t)k;
		al[k++] = ids[i];
	}
	als[na] = (uint32_t)k;
	free(ids);
	/* The inverse map, by counting; addresses come out ascending. */
	for (k = 0; k < lt->nrefs; k++)
		las[al[k] + 1]++;
	for (size_t l = 0; l < lt->nlines; l++)
		las[l + 1] += las[l];
	fill = xcalloc(lt->nlines + 1, sizeof(*fill));
	for (size_t a = 0; a < lt->naddrs; a++)
		for (k = als[a]; k < als[a + 1]; k++)
			la[las[al[k]] + fill[al[k]]++] = (uint32_t)a;
	free(fill);
}

bool
lineindex_valid(const struct linetab *lt)
{
	return lt->addr_line_start[0] == 0 &&
	    lt->addr_line_start[lt->naddrs] == lt->nrefs &&
	    lt->line_addr_start[0] == 0 &&
	    lt->line_addr_start[lt->nlines] == lt->nrefs;
}
