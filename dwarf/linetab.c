#include "config.h"

#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "dwarf/cache.h"
#include "dwarf/dwarf.h"
#include "dwarf/module.h"

/* Source file names interned into linetab.files. */
struct filemap {
	struct linetab *lt;
	size_t files_alloc;
	size_t nslots;
	uint32_t *slots;	/* file index + 1; 0 is empty */
	const char *last_raw;	/* libdw's string for the last file seen */
	uint32_t last_idx;
};

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
filemap_rehash(struct filemap *fm)
{
	size_t n = fm->nslots ? fm->nslots * 2 : 256;

	free(fm->slots);
	fm->slots = xcalloc(n, sizeof(*fm->slots));
	fm->nslots = n;
	for (size_t i = 0; i < fm->lt->nfiles; i++) {
		size_t j = str_hash(fm->lt->files[i]) & (n - 1);

		while (fm->slots[j] != 0)
			j = (j + 1) & (n - 1);
		fm->slots[j] = (uint32_t)i + 1;
	}
}

static uint32_t
filemap_intern(struct filemap *fm, const char *raw)
{
	struct linetab *lt = fm->lt;
	char *path;
	size_t j;

	if (raw == fm->last_raw)
		return fm->last_idx;
	path = path_normalize(raw);
	if ((lt->nfiles + 1) * 2 > fm->nslots)
		filemap_rehash(fm);
	j = str_hash(path) & (fm->nslots - 1);
	while (fm->slots[j] != 0) {
		if (strcmp(lt->files[fm->slots[j] - 1], path) == 0) {
			free(path);
			goto found;
		}
		j = (j + 1) & (fm->nslots - 1);
	}
	XGROW(lt->files, lt->nfiles + 1, fm->files_alloc);
	lt->files[lt->nfiles++] = path;
	fm->slots[j] = (uint32_t)lt->nfiles;
found:
	fm->last_raw = raw;
	fm->last_idx = fm->slots[j] - 1;
	return fm->last_idx;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct linerow *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

/* Append the safe statement rows of one CU's line table. */
static void
add_cu_lines(struct module *mod, Dwarf_Lines *lines, size_t nlines,
    struct filemap *fm, size_t *rows_alloc)
{
	struct linetab *lt = fm->lt;

	for (size_t i = 0; i < nlines; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr addr;
		bool stmt, endseq;
		const char *src;
		int lineno;

		if (l == NULL || dwarf_lineaddr(l, &addr) != 0 ||
		    dwarf_lineno(l, &lineno) != 0 ||
		    dwarf_linebeginstatement(l, &stmt) != 0 ||
		    dwarf_lineendsequence(l, &endseq) != 0)
			continue;
		if (!stmt || endseq)
			continue;
		if (lineno <= 0 || !module_addr_exec(mod, addr) ||
		    (src = dwarf_linesrc(l, NULL, NULL)) == NULL) {
			lt->rows_skipped++;
			continue;
		}
		XGROW(lt->rows, lt->nrows + 1, *rows_alloc);
		lt->rows[lt->nrows].addr = addr;
		lt->rows[lt->nrows].file = filemap_intern(fm, src);
		lt->rows[lt->nrows].line = (uint32_t)lineno;
		lt->nrows++;
	}
}

static void
decode_lines(struct module *mod, struct linetab *lt)
{
	struct filemap fm = { .lt = lt };
	size_t rows_alloc = 0;
	Dwarf_CU *cu = NULL, *next;
	uint8_t unit_type;
	Dwarf_Die cudie;

	while (dwarf_get_units(mod->dw, cu, &next, NULL, &unit_type, &cudie,
		   NULL) == 0) {
		Dwarf_Lines *lines;
		size_t nlines;

		cu = next;
		if (unit_type == DW_UT_type || unit_type == DW_UT_split_type)
			continue;
		if (dwarf_getsrclines(&cudie, &lines, &nlines) == 0) {
			lt->has_debug = true;
			add_cu_lines(mod, lines, nlines, &fm, &rows_alloc);
		}
	}
	free(fm.slots);
	qsort(lt->rows, lt->nrows, sizeof(*lt->rows), row_cmp);
}

void
linetab_free(struct linetab *lt)
{
	if (lt == NULL)
		return;
	for (size_t i = 0; i < lt->nfiles; i++)
		free(lt->files[i]);
	free(lt->files);
	free(lt->rows);
	free(lt);
}

int
linetab_load(const char *path, const struct linetab_opts *opts,
    struct linetab **tablep)
{
	struct linetab *lt = NULL;
	struct module mod;

	*tablep = NULL;
	if (module_open(path, &mod) == -1)
		return -1;
	if (!opts->no_cache && mod.build_id[0] != '\0' &&
	    cache_load(opts, mod.build_id, &lt) == 0) {
		module_close(&mod);
		*tablep = lt;
		return 0;
	}
	lt = xcalloc(1, sizeof(*lt));
	memcpy(lt->build_id, mod.build_id, sizeof(lt->build_id));
	lt->pie = mod.pie;
	lt->entry = mod.entry;
	module_find_dwarf(&mod);
	if (mod.dw != NULL)
		decode_lines(&mod, lt);
	module_close(&mod);
	if (!opts->no_cache && lt->build_id[0] != '\0' && lt->has_debug)
		cache_store(opts->cache_dir, lt);
	*tablep = lt;
	return 0;
}
