/* The coverage model: source files, their statement lines, and who ran them. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/platform.h"
#include "common/xalloc.h"
#include "report/report.h"

/*
 * coverage_new hands out the public part of this struct, so that
 * coverage_file can find files by path through a hash index that the public
 * header does not show.  The index maps a path to its position in files[].
 */
struct coverage_impl {
	struct coverage pub;
	size_t *slots; /* file index + 1; 0 marks an empty slot */
	size_t nslots; /* a power of two, or 0 */
	size_t nindexed; /* files[0..nindexed) are in the index */
};

static struct coverage_impl *
impl_of(struct coverage *cov)
{
	return (struct coverage_impl *)cov;
}

struct coverage *
coverage_new(void)
{
	struct coverage_impl *ci = xcalloc(1, sizeof(*ci));

	return &ci->pub;
}

static void
cov_file_release(struct cov_file *f)
{
	free(f->path);
	free(f->lines);
	free(f->modules);
	for (size_t i = 0; i < f->nfuncs; i++)
		free(f->funcs[i].name);
	free(f->funcs);
	free(f->excluded);
	free(f->ctx);
	free(f->wtags);
}

static void
cov_worker_release(struct cov_worker *w)
{
	free(w->id);
	free(w->host);
	free(w->platform);
	free(w->cwd);
}

static void
cov_run_release(struct cov_run *run)
{
	free(run->host);
	free(run->platform);
	free(run->cwd);
	free(run->command);
}

void
coverage_free(struct coverage *cov)
{
	if (cov == NULL)
		return;
	for (size_t i = 0; i < cov->nruns; i++)
		cov_run_release(&cov->runs[i]);
	for (size_t i = 0; i < cov->nmodules; i++) {
		free(cov->modules[i].build_id);
		free(cov->modules[i].path);
	}
	for (size_t i = 0; i < cov->nfiles; i++)
		cov_file_release(&cov->files[i]);
	for (size_t i = 0; i < cov->ncontexts; i++)
		free(cov->contexts[i]);
	for (size_t i = 0; i < cov->nworkers; i++)
		cov_worker_release(&cov->workers[i]);
	free(cov->contexts);
	free(cov->workers);
	free(cov->runs);
	free(cov->modules);
	free(cov->files);
	free(impl_of(cov)->slots);
	free(impl_of(cov));
}

static char *
xstrdup_or_empty(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

void
coverage_add_run(struct coverage *cov, const struct cov_run *run)
{
	struct cov_run *r;

	/* Runs are few: growing by one keeps the struct free of a capacity. */
	cov->runs = xreallocarray(cov->runs, cov->nruns + 1, sizeof(*r));
	r = &cov->runs[cov->nruns++];
	*r = *run;
	r->host = xstrdup_or_empty(run->host);
	r->platform = xstrdup_or_empty(run->platform);
	r->cwd = xstrdup_or_empty(run->cwd);
	r->command = xstrdup_or_empty(run->command);
}

uint32_t
coverage_module(struct coverage *cov, const char *build_id, const char *path)
{
	struct cov_module *m;

	if (build_id == NULL)
		build_id = "";
	if (path == NULL)
		path = "";
	for (size_t i = 0; i < cov->nmodules; i++) {
		m = &cov->modules[i];
		if (strcmp(m->build_id, build_id) == 0 &&
		    strcmp(m->path, path) == 0)
			return (uint32_t)i;
	}
	if (cov->nmodules >= UINT32_MAX)
		BUG("too many modules");
	cov->modules =
	    xreallocarray(cov->modules, cov->nmodules + 1, sizeof(*m));
	m = &cov->modules[cov->nmodules];
	m->build_id = xstrdup(build_id);
	m->path = xstrdup(path);
	return (uint32_t)cov->nmodules++;
}

uint32_t
coverage_context(struct coverage *cov, const char *name)
{
	/* Searched from the end: a job adds its lines one file at a time. */
	for (size_t i = cov->ncontexts; i-- > 0;)
		if (strcmp(cov->contexts[i], name) == 0)
			return (uint32_t)i;
	if (cov->ncontexts >= UINT32_MAX)
		BUG("too many contexts");
	cov->contexts = xreallocarray(cov->contexts, cov->ncontexts + 1,
	    sizeof(*cov->contexts));
	cov->contexts[cov->ncontexts] = xstrdup(name);
	return (uint32_t)cov->ncontexts++;
}

static int
worker_place_cmp(const struct cov_worker *x, const struct cov_worker *y)
{
	int c;

	if ((c = strcmp(x->host, y->host)) != 0 ||
	    (c = strcmp(x->platform, y->platform)) != 0)
		return c;
	return strcmp(x->cwd, y->cwd);
}

/* Fold other into keep, one worker id seen twice (combining the data of
 * two runs): lost if either was, and the smaller host, platform and
 * directory, so that the result does not depend on the order. */
static void
worker_fold(struct cov_worker *keep, const struct cov_worker *other)
{
	keep->lost |= other->lost;
	if (worker_place_cmp(other, keep) >= 0)
		return;
	free(keep->host);
	free(keep->platform);
	free(keep->cwd);
	keep->host = xstrdup(other->host);
	keep->platform = xstrdup(other->platform);
	keep->cwd = xstrdup(other->cwd);
}

uint32_t
coverage_worker(struct coverage *cov, const struct cov_worker *w)
{
	struct cov_worker *nw;

	for (size_t i = 0; i < cov->nworkers; i++) {
		if (strcmp(cov->workers[i].id, w->id) == 0) {
			struct cov_worker other = {
			    .host = w->host != NULL ? w->host : (char *)"",
			    .platform =
				w->platform != NULL ? w->platform : (char *)"",
			    .cwd = w->cwd != NULL ? w->cwd : (char *)"",
			    .lost = w->lost,
			};

			worker_fold(&cov->workers[i], &other);
			return (uint32_t)i;
		}
	}
	cov->workers = xreallocarray(cov->workers, cov->nworkers + 1,
	    sizeof(*cov->workers));
	nw = &cov->workers[cov->nworkers];
	nw->id = xstrdup_or_empty(w->id);
	nw->host = xstrdup_or_empty(w->host);
	nw->platform = xstrdup_or_empty(w->platform);
	nw->cwd = xstrdup_or_empty(w->cwd);
	nw->lost = w->lost;
	return (uint32_t)cov->nworkers++;
}

static void
add_tag(struct cov_tag **vp, size_t *np, size_t *allocp, uint32_t line,
    uint32_t id)
{
	XGROW(*vp, *np + 1, *allocp);
	(*vp)[*np].line = line;
	(*vp)[*np].id = id;
	(*np)++;
}

void
cov_file_add_context(struct cov_file *f, uint32_t line, uint32_t ctx)
{
	add_tag(&f->ctx, &f->nctx, &f->ctx_alloc, line, ctx);
}

void
cov_file_add_worker(struct cov_file *f, uint32_t line, uint32_t worker)
{
	add_tag(&f->wtags, &f->nwtags, &f->wtags_alloc, line, worker);
}

const struct cov_tag *
cov_tags_of_line(const struct cov_tag *tags, size_t ntags, uint32_t line,
    size_t *np)
{
	size_t lo = 0, hi = ntags, end;

	*np = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tags[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ntags && tags[end].line == line; end++)
		;
	*np = end - lo;
	return end > lo ? &tags[lo] : NULL;
}

static uint64_t
path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
index_insert(struct coverage_impl *ci, size_t fileidx)
{
	size_t mask = ci->nslots - 1;
	size_t i = (size_t)path_hash(ci->pub.files[fileidx].path) & mask;

	while (ci->slots[i] != 0)
		i = (i + 1) & mask;
	ci->slots[i] = fileidx + 1;
}

/* Rebuild the index with room for at least need files at half load. */
static void
index_rebuild(struct coverage_impl *ci, size_t need)
{
	size_t n = 64;

	while (n / 2 < need)
		n *= 2;
	free(ci->slots);
	ci->slots = xcalloc(n, sizeof(*ci->slots));
	ci->nslots = n;
	for (size_t i = 0; i < ci->pub.nfiles; i++)
		index_insert(ci, i);
	ci->nindexed = ci->pub.nfiles;
}

static struct cov_file *
index_find(struct coverage_impl *ci, const char *path)
{
	size_t mask = ci->nslots - 1;
	size_t i = (size_t)path_hash(path) & mask;

	for (; ci->slots[i] != 0; i = (i + 1) & mask) {
		struct cov_file *f = &ci->pub.files[ci->slots[i] - 1];

		if (strcmp(f->path, path) == 0)
			return f;
	}
	return NULL;
}

struct cov_file *
coverage_file(struct coverage *cov, const char *path)
{
	struct coverage_impl *ci = impl_of(cov);
	struct cov_file *f;

	if (ci->nindexed != cov->nfiles || ci->nslots / 2 < cov->nfiles + 1)
		index_rebuild(ci, cov->nfiles + 1);
	if ((f = index_find(ci, path)) != NULL)
		return f;
	XGROW(cov->files, cov->nfiles + 1, cov->files_alloc);
	f = &cov->files[cov->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	index_insert(ci, cov->nfiles++);
	ci->nindexed = cov->nfiles;
	return f;
}

void
cov_file_add_line(struct cov_file *f, uint32_t line, bool hit)
{
	if (line == 0)
		BUG("line 0 in '%s'", f->path);
	XGROW(f->lines, f->nlines + 1, f->alloc);
	f->lines[f->nlines].line = line;
	f->lines[f->nlines].hit = hit;
	f->nlines++;
}

void
cov_file_add_lines(struct cov_file *f, const uint32_t *lines,
    const uint8_t *hit, size_t n)
{
	struct cov_line *l;

	XGROW(f->lines, f->nlines + n, f->alloc);
	l = f->lines + f->nlines;
	for (size_t i = 0; i < n; i++) {
		if (lines[i] == 0)
			BUG("line 0 in '%s'", f->path);
		l[i].line = lines[i];
		l[i].hit = hit[i] != 0;
	}
	f->nlines += n;
}

static bool
is_pow2_or_zero(size_t n)
{
	return (n & (n - 1)) == 0;
}

void
cov_file_add_module(struct cov_file *f, uint32_t module)
{
	if (f->nmodules > 0 && f->modules[f->nmodules - 1] == module)
		return;
	/* No capacity field: the array doubles whenever nmodules reaches a
	 * power of two, so the allocation always covers nmodules + 1. */
	if (is_pow2_or_zero(f->nmodules))
		f->modules = xreallocarray(f->modules,
		    f->nmodules ? f->nmodules * 2 : 1, sizeof(*f->modules));
	f->modules[f->nmodules++] = module;
}

void
cov_file_add_func(struct cov_file *f, const char *name, uint32_t line,
    bool hit)
{
	struct cov_func *fn;

	if (line == 0)
		BUG("function '%s' at line 0 in '%s'", name, f->path);
	XGROW(f->funcs, f->nfuncs + 1, f->funcs_alloc);
	fn = &f->funcs[f->nfuncs++];
	fn->name = xstrdup(name);
	fn->line = line;
	fn->hit = hit;
}

static int
line_cmp(const void *a, const void *b)
{
	const struct cov_line *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

static int
func_cmp(const void *a, const void *b)
{
	const struct cov_func *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
u32_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int
file_cmp(const void *a, const void *b)
{
	const struct cov_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* The duration as the data file keeps it, in whole microseconds. */
static int64_t
duration_us(double d)
{
	if (!(d >= 0))
		return 0;
	if (d > 1e12)
		d = 1e12;
	return (int64_t)(d * 1e6 + 0.5);
}

static int
run_cmp(const void *a, const void *b)
{
	const struct cov_run *x = a, *y = b;
	int64_t dx = duration_us(x->duration), dy = duration_us(y->duration);
	int c;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (dx != dy)
		return dx < dy ? -1 : 1;
	if ((c = strcmp(x->host, y->host)) != 0 ||
	    (c = strcmp(x->cwd, y->cwd)) != 0 ||
	    (c = strcmp(x->command, y->command)) != 0 ||
	    (c = strcmp(x->platform, y->platform)) != 0)
		return c;
	return x->status < y->status ? -1 : x->status > y->status;
}

static int
module_cmp(const struct cov_module *x, const struct cov_module *y)
{
	int c = strcmp(x->path, y->path);

	return c != 0 ? c : strcmp(x->build_id, y->build_id);
}

static bool
lines_finished(const struct cov_file *f)
{
	for (size_t i = 1; i < f->nlines; i++)
		if (f->lines[i - 1].line >= f->lines[i].line)
			return false;
	return true;
}

static bool
modules_finished(const struct cov_file *f)
{
	for (size_t i = 1; i < f->nmodules; i++)
		if (f->modules[i - 1] >= f->modules[i])
			return false;
	return true;
}

static bool
funcs_finished(const struct cov_file *f)
{
	for (size_t i = 1; i < f->nfuncs; i++)
		if (func_cmp(&f->funcs[i - 1], &f->funcs[i]) >= 0)
			return false;
	return true;
}

static void
finish_lines(struct cov_file *f)
{
	size_t n = 0;

	if (lines_finished(f))
		return;
	qsort(f->lines, f->nlines, sizeof(*f->lines), line_cmp);
	for (size_t i = 0; i < f->nlines; i++) {
		if (n > 0 && f->lines[n - 1].line == f->lines[i].line)
			f->lines[n - 1].hit |= f->lines[i].hit;
		else
			f->lines[n++] = f->lines[i];
	}
	f->nlines = n;
}

static void
finish_modules(struct cov_file *f)
{
	size_t n = 0;

	if (modules_finished(f))
		return;
	qsort(f->modules, f->nmodules, sizeof(*f->modules), u32_cmp);
	for (size_t i = 0; i < f->nmodules; i++)
		if (n == 0 || f->modules[n - 1] != f->modules[i])
			f->modules[n++] = f->modules[i];
	f->nmodules = n;
}

static void
finish_funcs(struct cov_file *f)
{
	size_t n = 0;

	if (funcs_finished(f))
		return;
	qsort(f->funcs, f->nfuncs, sizeof(*f->funcs), func_cmp);
	for (size_t i = 0; i < f->nfuncs; i++) {
		if (n > 0 && func_cmp(&f->funcs[n - 1], &f->funcs[i]) == 0) {
			f->funcs[n - 1].hit |= f->funcs[i].hit;
			free(f->funcs[i].name);
		} else
			f->funcs[n++] = f->funcs[i];
	}
	f->nfuncs = n;
}

static int
tag_cmp(const void *a, const void *b)
{
	const struct cov_tag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static bool
tags_finished(const struct cov_tag *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (tag_cmp(&v[i - 1], &v[i]) >= 0)
			return false;
	return true;
}

static void
finish_tags(struct cov_tag *v, size_t *np)
{
	size_t n = 0;

	if (tags_finished(v, *np))
		return;
	qsort(v, *np, sizeof(*v), tag_cmp);
	for (size_t i = 0; i < *np; i++)
		if (n == 0 || tag_cmp(&v[n - 1], &v[i]) != 0)
			v[n++] = v[i];
	*np = n;
}

static void
append_tags(struct cov_tag **vp, size_t *np, size_t *allocp,
    const struct cov_tag *src, size_t nsrc, const uint32_t *map)
{
	if (nsrc == 0)
		return;
	XGROW(*vp, *np + nsrc, *allocp);
	for (size_t i = 0; i < nsrc; i++) {
		(*vp)[*np + i].line = src[i].line;
		(*vp)[*np + i].id = map != NULL ? map[src[i].id] : src[i].id;
	}
	*np += nsrc;
}

/* Append the lines and functions of src to dst; coverage_finish merges
 * duplicates. */
static void
append_lines(struct cov_file *dst, const struct cov_file *src)
{
	if (src->nlines > 0) {
		XGROW(dst->lines, dst->nlines + src->nlines, dst->alloc);
		memcpy(dst->lines + dst->nlines, src->lines,
		    src->nlines * sizeof(*src->lines));
		dst->nlines += src->nlines;
	}
	for (size_t i = 0; i < src->nfuncs; i++)
		cov_file_add_func(dst, src->funcs[i].name, src->funcs[i].line,
		    src->funcs[i].hit);
}

/* Move the lines and modules of src into dst, and free src. */
static void
absorb_file(struct cov_file *dst, struct cov_file *src)
{
	append_lines(dst, src);
	append_tags(&dst->ctx, &dst->nctx, &dst->ctx_alloc, src->ctx,
	    src->nctx, NULL);
	append_tags(&dst->wtags, &dst->nwtags, &dst->wtags_alloc, src->wtags,
	    src->nwtags, NULL);
	for (size_t i = 0; i < src->nmodules; i++)
		cov_file_add_module(dst, src->modules[i]);
	cov_file_release(src);
}

/* Sort the files by path and fold files that share a path into one. */
static void
finish_files(struct coverage *cov)
{
	size_t n = 0;

	if (cov->nfiles < 2)
		return;
	qsort(cov->files, cov->nfiles, sizeof(*cov->files), file_cmp);
	for (size_t i = 0; i < cov->nfiles; i++) {
		if (n > 0 &&
		    strcmp(cov->files[n - 1].path, cov->files[i].path) == 0)
			absorb_file(&cov->files[n - 1], &cov->files[i]);
		else
			cov->files[n++] = cov->files[i];
	}
	cov->nfiles = n;
}

/* Sort the runs and drop repeated ones: combining a file twice adds
 * nothing. */
static void
finish_runs(struct coverage *cov)
{
	size_t n = 0;

	if (cov->nruns < 2)
		return;
	qsort(cov->runs, cov->nruns, sizeof(*cov->runs), run_cmp);
	for (size_t i = 0; i < cov->nruns; i++) {
		if (n > 0 && run_cmp(&cov->runs[n - 1], &cov->runs[i]) == 0)
			cov_run_release(&cov->runs[i]);
		else
			cov->runs[n++] = cov->runs[i];
	}
	cov->nruns = n;
}

static bool
modules_sorted(const struct coverage *cov)
{
	for (size_t i = 1; i < cov->nmodules; i++)
		if (module_cmp(&cov->modules[i - 1], &cov->modules[i]) >= 0)
			return false;
	return true;
}

/* Sort the modules and renumber the files' references to them. */
static void
finish_module_table(struct coverage *cov)
{
	size_t n = cov->nmodules;
	struct cov_module *sorted;
	uint32_t *order, *newidx;

	if (modules_sorted(cov))
		return;
	order = xcalloc(n, sizeof(*order));
	newidx = xcalloc(n, sizeof(*newidx));
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	/* Insertion sort on indices: modules are few, and qsort has no
	 * context pointer in C11. */
	for (size_t i = 1; i < n; i++) {
		uint32_t k = order[i];
		size_t j = i;

		for (; j > 0 && module_cmp(&cov->modules[order[j - 1]],
				    &cov->modules[k]) > 0;
		     j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
	sorted = xcalloc(n, sizeof(*sorted));
	for (size_t i = 0; i < n; i++) {
		sorted[i] = cov->modules[order[i]];
		newidx[order[i]] = (uint32_t)i;
	}
	free(cov->modules);
	cov->modules = sorted;
	for (size_t i = 0; i < cov->nfiles; i++) {
		struct cov_file *f = &cov->files[i];

		for (size_t j = 0; j < f->nmodules; j++)
			f->modules[j] = newidx[f->modules[j]];
	}
	free(order);
	free(newidx);
}

static int
context_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
worker_cmp(const void *a, const void *b)
{
	const struct cov_worker *x = a, *y = b;

	return strverscmp(x->id, y->id);
}

static bool
table_sorted(const void *v, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	for (size_t i = 1; i < n; i++)
		if (cmp((const char *)v + (i - 1) * size,
			(const char *)v + i * size) >= 0)
			return false;
	return true;
}

/*
 * Sort a table of n entries of size bytes and fold equal ones (fold merges
 * the second into the first and releases it); *mapp gets, for each old
 * index, the new one.
 */
static size_t
sort_table(void *v, size_t n, size_t size,
    int (*cmp)(const void *, const void *), void (*fold)(void *, void *),
    uint32_t **mapp)
{
	char *base = v, *sorted = xcalloc(n > 0 ? n : 1, size);
	uint32_t *order = xcalloc(n > 0 ? n : 1, sizeof(*order));
	uint32_t *map = xcalloc(n > 0 ? n : 1, sizeof(*map));
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	/* Insertion sort on indices: tables are small, and qsort has no
	 * context pointer in C11. */
	for (size_t i = 1; i < n; i++) {
		uint32_t k = order[i];
		size_t j = i;

		for (; j > 0 && cmp(base + order[j - 1] * size, base + k * size) > 0;
		     j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
	for (size_t i = 0; i < n; i++) {
		char *e = base + order[i] * size;

		if (m > 0 && cmp(sorted + (m - 1) * size, e) == 0)
			fold(sorted + (m - 1) * size, e);
		else
			memcpy(sorted + m++ * size, e, size);
		map[order[i]] = (uint32_t)(m - 1);
	}
	memcpy(base, sorted, m * size);
	free(sorted);
	free(order);
	*mapp = map;
	return m;
}

static void
fold_context(void *keep, void *drop)
{
	(void)keep;
	free(*(char **)drop);
}

static void
fold_worker(void *keep, void *drop)
{
	worker_fold(keep, drop);
	cov_worker_release(drop);
}

static void
renumber_tags(struct cov_tag *v, size_t n, const uint32_t *map)
{
	for (size_t i = 0; i < n; i++)
		v[i].id = map[v[i].id];
}

/* Sort the contexts and workers, and renumber the files' tags. */
static void
finish_tag_tables(struct coverage *cov)
{
	uint32_t *map;

	if (!table_sorted(cov->contexts, cov->ncontexts,
		sizeof(*cov->contexts), context_cmp)) {
		cov->ncontexts = sort_table(cov->contexts, cov->ncontexts,
		    sizeof(*cov->contexts), context_cmp, fold_context, &map);
		for (size_t i = 0; i < cov->nfiles; i++)
			renumber_tags(cov->files[i].ctx, cov->files[i].nctx,
			    map);
		free(map);
	}
	if (!table_sorted(cov->workers, cov->nworkers, sizeof(*cov->workers),
		worker_cmp)) {
		cov->nworkers = sort_table(cov->workers, cov->nworkers,
		    sizeof(*cov->workers), worker_cmp, fold_worker, &map);
		for (size_t i = 0; i < cov->nfiles; i++)
			renumber_tags(cov->files[i].wtags,
			    cov->files[i].nwtags, map);
		free(map);
	}
}

void
coverage_finish(struct coverage *cov)
{
	finish_runs(cov);
	finish_module_table(cov);
	finish_tag_tables(cov);
	finish_files(cov);
	for (size_t i = 0; i < cov->nfiles; i++) {
		finish_lines(&cov->files[i]);
		finish_modules(&cov->files[i]);
		finish_funcs(&cov->files[i]);
		finish_tags(cov->files[i].ctx, &cov->files[i].nctx);
		finish_tags(cov->files[i].wtags, &cov->files[i].nwtags);
	}
	index_rebuild(impl_of(cov), cov->nfiles);
}

static bool
runs_finished(const struct coverage *cov)
{
	for (size_t i = 1; i < cov->nruns; i++)
		if (run_cmp(&cov->runs[i - 1], &cov->runs[i]) >= 0)
			return false;
	return true;
}

bool
coverage_is_finished(const struct coverage *cov)
{
	if (!runs_finished(cov) || !modules_sorted(cov) ||
	    !table_sorted(cov->contexts, cov->ncontexts,
		sizeof(*cov->contexts), context_cmp) ||
	    !table_sorted(cov->workers, cov->nworkers, sizeof(*cov->workers),
		worker_cmp))
		return false;
	for (size_t i = 0; i < cov->nfiles; i++) {
		if (i > 0 &&
		    strcmp(cov->files[i - 1].path, cov->files[i].path) >= 0)
			return false;
		if (!lines_finished(&cov->files[i]) ||
		    !modules_finished(&cov->files[i]) ||
		    !funcs_finished(&cov->files[i]) ||
		    !tags_finished(cov->files[i].ctx, cov->files[i].nctx) ||
		    !tags_finished(cov->files[i].wtags, cov->files[i].nwtags))
			return false;
	}
	return true;
}

const struct coverage *
coverage_finished(const struct coverage *cov, struct coverage **copyp)
{
	*copyp = NULL;
	if (coverage_is_finished(cov))
		return cov;
	*copyp = coverage_new();
	coverage_merge(*copyp, cov);
	return *copyp;
}

/* Index maps from src's tables to dst's. */
struct merge_maps {
	uint32_t *mod, *ctx, *wk;
	size_t nmod;
};

static void
merge_file(struct coverage *dst, const struct cov_file *sf,
    const struct merge_maps *mm)
{
	struct cov_file *df = coverage_file(dst, sf->path);
	const uint32_t *modmap = mm->mod;
	size_t nmodmap = mm->nmod;

	append_lines(df, sf);
	append_tags(&df->ctx, &df->nctx, &df->ctx_alloc, sf->ctx, sf->nctx,
	    mm->ctx);
	append_tags(&df->wtags, &df->nwtags, &df->wtags_alloc, sf->wtags,
	    sf->nwtags, mm->wk);
	for (size_t i = 0; i < sf->nmodules; i++) {
		if (sf->modules[i] >= nmodmap)
			BUG("module index %u out of range", sf->modules[i]);
		cov_file_add_module(df, modmap[sf->modules[i]]);
	}
}

void
coverage_merge(struct coverage *dst, const struct coverage *src)
{
	struct merge_maps mm = { .nmod = src->nmodules };

	if (dst == src)
		BUG("merging a coverage into itself");
	for (size_t i = 0; i < src->nruns; i++)
		coverage_add_run(dst, &src->runs[i]);
	mm.mod = xcalloc(src->nmodules + 1, sizeof(*mm.mod));
	mm.ctx = xcalloc(src->ncontexts + 1, sizeof(*mm.ctx));
	mm.wk = xcalloc(src->nworkers + 1, sizeof(*mm.wk));
	for (size_t i = 0; i < src->nmodules; i++)
		mm.mod[i] = coverage_module(dst, src->modules[i].build_id,
		    src->modules[i].path);
	for (size_t i = 0; i < src->ncontexts; i++)
		mm.ctx[i] = coverage_context(dst, src->contexts[i]);
	for (size_t i = 0; i < src->nworkers; i++)
		mm.wk[i] = coverage_worker(dst, &src->workers[i]);
	for (size_t i = 0; i < src->nfiles; i++)
		merge_file(dst, &src->files[i], &mm);
	free(mm.mod);
	free(mm.ctx);
	free(mm.wk);
	coverage_finish(dst);
}

void
cov_file_counts(const struct cov_file *f, size_t *stmtsp, size_t *hitp)
{
	size_t hit = 0;

	for (size_t i = 0; i < f->nlines; i++)
		if (f->lines[i].hit)
			hit++;
	*stmtsp = f->nlines;
	*hitp = hit;
}

void
cov_file_func_counts(const struct cov_file *f, size_t *nfuncsp, size_t *hitp)
{
	size_t hit = 0;

	for (size_t i = 0; i < f->nfuncs; i++)
		if (f->funcs[i].hit)
			hit++;
	*nfuncsp = f->nfuncs;
	*hitp = hit;
}

void
coverage_check_modules(const struct coverage *cov)
{
	/* Modules are sorted by path, so one path's build-ids are adjacent. */
	for (size_t i = 0; i < cov->nmodules;) {
		const struct cov_module *m = &cov->modules[i];
		size_t j = i + 1;

		while (j < cov->nmodules &&
		    strcmp(cov->modules[j].path, m->path) == 0)
			j++;
		if (j - i > 1)
			warning("'%s' was measured in %zu builds (build-ids "
				"%s ... %s); their lines are merged by source "
				"line",
			    m->path, j - i, m->build_id[0] ? m->build_id : "none",
			    cov->modules[j - 1].build_id);
		i = j;
	}
}

/*
 * coverage.py's display_covered() at precision 0: round(100 * hit / stmts)
 * with Python's half-to-even rounding, except that a percentage strictly
 * between 0 and 1 shows as 1 and one strictly between 99 and 100 as 99.
 * Integer arithmetic gives the same answer as Python's doubles here.
 */
int
report_percent(size_t stmts, size_t hit)
{
	uint64_t num, q, rem;

	if (stmts == 0)
		return 100;
	if (hit > stmts)
		hit = stmts;
	num = 100 * (uint64_t)hit;
	if (hit > 0 && num < stmts)
		return 1;
	if (hit < stmts && num > 99 * (uint64_t)stmts)
		return 99;
	q = num / stmts;
	rem = num % stmts;
	if (2 * rem > stmts || (2 * rem == stmts && q % 2 == 1))
		q++;
	return (int)q;
}

char *
report_platform(void)
{
	return platform_string();
}

/*
 * coverage.py's display_covered(): values strictly between 0 and the
 * smallest step show as that step, values strictly between 100 less a step
 * and 100 as 100 less a step, and the rest rounded to precision digits.
 * glibc's %.*f rounds the exact binary value, halves to even, as Python's
 * round() and % formatting do, so the two agree digit for digit.
 */
void
report_format_percent(char *buf, size_t size, size_t stmts, size_t hit,
    int precision)
{
	double pc, step = 1;

	if (precision < 0)
		precision = 0;
	for (int i = 0; i < precision; i++)
		step /= 10;
	if (hit > stmts)
		hit = stmts;
	pc = stmts == 0 ? 100.0 : 100.0 * (double)hit / (double)stmts;
	if (pc > 0 && pc < step)
		pc = step;
	else if (pc > 100.0 - step && pc < 100.0)
		pc = 100.0 - step;
	snprintf(buf, size, "%.*f", precision, pc);
}

double
report_displayed_percent(size_t stmts, size_t hit, int precision)
{
	char buf[64];

	report_format_percent(buf, sizeof(buf), stmts, hit, precision);
	return strtod(buf, NULL);
}
