#include "config.h"

#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dwarf/cache.h"
#include "dwarf/dw-lib.h"
#include "dwarf/dwarf.h"
#include "dwarf/lineindex.h"
#include "dwarf/module.h"

/* Source file names interned into linetab.files. */
struct filemap {
	struct linetab *lt;
	size_t files_alloc;
	size_t nslots;
	uint32_t *slots;	/* file index + 1; 0 is empty */
	const char *last_raw;	/* libdw's string for the last file seen */
	uint32_t last_idx;
	const char *comp_dir;	/* of the current CU, or NULL */
	struct linerow *rows; /* the rows decoded so far */
	size_t nrows, rows_alloc;
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
	/* libdw leaves a DWARF 5 name relative when its directory entry is
	 * relative to the compilation directory.  A relative compilation
	 * directory (-fdebug-prefix-map=DIR=.) was already joined by libdw:
	 * then the path stays relative to an unknown build root. */
	if (raw[0] != '/' && fm->comp_dir != NULL && fm->comp_dir[0] == '/') {
		char *joined = xasprintf("%s/%s", fm->comp_dir, raw);

		path = path_normalize(joined);
		free(joined);
	} else {
		path = path_normalize(raw);
	}
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
    struct filemap *fm)
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
		XGROW(fm->rows, fm->nrows + 1, fm->rows_alloc);
		fm->rows[fm->nrows].addr = addr;
		fm->rows[fm->nrows].file = filemap_intern(fm, src);
		fm->rows[fm->nrows].line = (uint32_t)lineno;
		fm->nrows++;
	}
}

/* Code ranges of the known functions: DWARF subprograms and ELF function
 * symbols.  A row outside all of them is never armed. */
struct ranges {
	size_t n, alloc;
	struct xseg *v;
};

static void
ranges_add(struct ranges *rs, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return;
	XGROW(rs->v, rs->n + 1, rs->alloc);
	rs->v[rs->n].lo = lo;
	rs->v[rs->n].hi = hi;
	rs->n++;
}

struct func_walk {
	Dwarf_Die *cudie;
	struct module *mod;
	struct filemap *fm;
	struct ranges *rs;
	size_t funcs_alloc;
	struct buf names;
};

/* Record a function: its name (the linkage name when there is one, so that
 * C++ overloads stay apart), declaring file and line, entry point. */
static void
add_function(struct func_walk *fw, Dwarf_Die *die, Dwarf_Addr entry,
    Dwarf_Addr end)
{
	struct linetab *lt = fw->fm->lt;
	Dwarf_Attribute attr;
	const char *name = NULL, *file;
	int line = 0;

	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) != NULL)
		name = dwarf_formstring(&attr);
	if (name == NULL)
		name = dwarf_diename(die);
	file = dwarf_decl_file(die);
	/* elfutils 0.188 cannot name DWARF 5's file 0, which clang uses as
	 * DW_AT_decl_file: take the file of the row at the entry point. */
	if (file == NULL) {
		Dwarf_Line *l = dwarf_getsrc_die(fw->cudie, entry);

		file = l != NULL ? dwarf_linesrc(l, NULL, NULL) : NULL;
	}
	if (name == NULL || file == NULL || dwarf_decl_line(die, &line) != 0 ||
	    line <= 0 || !module_addr_exec(fw->mod, entry))
		return;
	XGROW(lt->funcs, lt->nfuncs + 1, fw->funcs_alloc);
	lt->funcs[lt->nfuncs].addr = entry;
	lt->funcs[lt->nfuncs].end = end;
	lt->funcs[lt->nfuncs].file = filemap_intern(fw->fm, file);
	lt->funcs[lt->nfuncs].line = (uint32_t)line;
	lt->funcs[lt->nfuncs].name = (uint32_t)fw->names.len;
	lt->funcs[lt->nfuncs].pad = 0;
	buf_add(&fw->names, name, strlen(name) + 1);
	lt->nfuncs++;
}

static int
func_cb(Dwarf_Die *die, void *arg)
{
	struct func_walk *fw = arg;
	Dwarf_Addr base, lo, hi, entry, entry_end = 0;
	ptrdiff_t off = 0;
	bool has_entry = dwarf_entrypc(die, &entry) == 0;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		ranges_add(fw->rs, lo, hi);
		if (has_entry && entry >= lo && entry < hi)
			entry_end = hi;
	}
	if (has_entry && entry_end != 0)
		add_function(fw, die, entry, entry_end);
	return DWARF_CB_OK;
}

static int
func_cmp(const void *a, const void *b)
{
	const struct linefunc *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

static void
add_symbol_ranges(struct module *mod, struct ranges *rs)
{
	int n;

	if (mod->dwmod == NULL || (n = dwfl_module_getsymtab(mod->dwmod)) <= 0)
		return;
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		int type;

		if (dwfl_module_getsym_info(mod->dwmod, i, &sym, &addr, NULL,
			NULL, NULL) == NULL)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type == STT_FUNC || type == STT_GNU_IFUNC) &&
		    sym.st_size > 0 && sym.st_shndx != SHN_UNDEF)
			ranges_add(rs, addr - mod->dwbias,
			    addr - mod->dwbias + sym.st_size);
	}
}

static int
xseg_cmp(const void *a, const void *b)
{
	const struct xseg *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

/* Sort and merge overlapping ranges. */
static void
ranges_merge(struct ranges *rs)
{
	size_t k = 0;

	qsort(rs->v, rs->n, sizeof(*rs->v), xseg_cmp);
	for (size_t i = 0; i < rs->n; i++) {
		if (k > 0 && rs->v[i].lo <= rs->v[k - 1].hi) {
			if (rs->v[i].hi > rs->v[k - 1].hi)
				rs->v[k - 1].hi = rs->v[i].hi;
			continue;
		}
		rs->v[k++] = rs->v[i];
	}
	rs->n = k;
}

static bool
ranges_contain(const struct ranges *rs, uint64_t addr)
{
	size_t lo = 0, hi = rs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->v[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rs->n && rs->v[lo].lo <= addr;
}

/* Keep only the rows inside a known function. */
static void
filter_rows(struct filemap *fm, struct ranges *rs)
{
	size_t k = 0;

	if (rs->n > 0)
		ranges_merge(rs);
	for (size_t i = 0; i < fm->nrows; i++) {
		if (ranges_contain(rs, fm->rows[i].addr))
			fm->rows[k++] = fm->rows[i];
		else
			fm->lt->rows_skipped++;
	}
	fm->nrows = k;
}

static void
decode_lines(struct module *mod, struct linetab *lt)
{
	struct ranges rs = { 0 };
	struct func_walk fw = { .mod = mod, .rs = &rs, .names = BUF_INIT };
	struct filemap fm = {.lt = lt};
	Dwarf_CU *cu = NULL, *next;
	uint8_t unit_type;
	Dwarf_Die cudie;
	Dwarf_Attribute comp_attr;

	while (dwarf_get_units(mod->dw, cu, &next, NULL, &unit_type, &cudie,
		   NULL) == 0) {
		Dwarf_Lines *lines;
		size_t nlines;

		cu = next;
		if (unit_type == DW_UT_type || unit_type == DW_UT_split_type)
			continue;
		fm.comp_dir = dwarf_formstring(
		    dwarf_attr(&cudie, DW_AT_comp_dir, &comp_attr));
		fm.last_raw = NULL;
		if (dwarf_getsrclines(&cudie, &lines, &nlines) == 0) {
			lt->has_debug = true;
			add_cu_lines(mod, lines, nlines, &fm);
		}
		fw.fm = &fm;
		fw.cudie = &cudie;
		dwarf_getfuncs(&cudie, func_cb, &fw, 0);
	}
	free(fm.slots);
	lt->names = buf_detach(&fw.names, &lt->names_len);
	if (lt->nfuncs > 0)
		qsort(lt->funcs, lt->nfuncs, sizeof(*lt->funcs), func_cmp);
	add_symbol_ranges(mod, &rs);
	filter_rows(&fm, &rs);
	free(rs.v);
	if (fm.nrows > 0)
		qsort(fm.rows, fm.nrows, sizeof(*fm.rows), row_cmp);
	lineindex_build(lt, fm.rows, fm.nrows);
	free(fm.rows);
}

void
linetab_free(struct linetab *lt)
{
	if (lt == NULL)
		return;
	if (lt->files_block != NULL)
		free(lt->files_block);
	else
		for (size_t i = 0; i < lt->nfiles; i++)
			free(lt->files[i]);
	free(lt->files);
	if (lt->text_map != NULL)
		munmap(lt->text_map, lt->text_map_len);
	if (lt->map != NULL) {
		munmap(lt->map, lt->map_len);
	} else {
		free(lt->index);
		free(lt->funcs);
		free(lt->names);
	}
	free(lt);
}

int
linetab_load(const char *path, const struct linetab_opts *opts,
    struct linetab **tablep)
{
	struct linetab *lt = NULL;
	struct module mod;
	bool store, no_libdw;

	*tablep = NULL;
	if (module_open(path, &mod) == -1)
		return -1;
	if (!opts->no_cache && mod.build_id[0] != '\0' &&
	    cache_load(opts, mod.build_id, &lt) == 0) {
		/* "No line information" is cached too, since looking for
		 * it costs milliseconds (libdwfl may even load
		 * libdebuginfod), but holds only while no debug information
		 * has appeared for the file. */
		if (lt->has_debug || !module_debug_possible(&mod)) {
			/* The code under the breakpoints, while the file is
			 * open: the tracer's pristine copy. */
			if (!lt->rows_elided && lt->naddrs > 0)
				module_map_vaddr(&mod, lt->addrs[0],
				    lt->addrs[lt->naddrs - 1] - lt->addrs[0] + 1,
				    &lt->text_map, &lt->text_map_len,
				    &lt->text);
			module_close(&mod);
			*tablep = lt;
			return 0;
		}
		debug(
		    "'%s': debug information may have appeared since it was cached",
		    path);
		linetab_free(lt);
		lt = NULL;
	}
	lt = xcalloc(1, sizeof(*lt));
	memcpy(lt->build_id, mod.build_id, sizeof(lt->build_id));
	lt->pie = mod.pie;
	lt->entry = mod.entry;
	no_libdw = module_find_dwarf(&mod) == -1;
	if (mod.dw != NULL)
		decode_lines(&mod, lt);
	else
		lineindex_build(lt, NULL, 0);
	/* A "none" that the next load would not trust is not stored, nor one
	 * that only says libdw could not be loaded this time. */
	store = !opts->no_cache && !no_libdw && lt->build_id[0] != '\0' &&
	    (lt->has_debug || !module_debug_possible(&mod));
	module_close(&mod);
	if (store)
		cache_store(opts->cache_dir, lt);
	*tablep = lt;
	return 0;
}
