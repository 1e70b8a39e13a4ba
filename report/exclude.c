/*
 * Exclusion markers.  They are applied when a report is made, not when the
 * data is saved: the data file keeps every statement, so a marker added
 * later, or an --exclude-line given to `covtrace report`, takes effect
 * without tracing again, and sources read through --path-map count.
 */
#include "config.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "report/report.h"
#include "report/source.h"

struct excluder {
	size_t n;
	regex_t *re;
};

struct excluder *
excluder_new(const char *const *regexes, size_t n)
{
	struct excluder *ex = xcalloc(1, sizeof(*ex));

	ex->re = xcalloc(n + 1, sizeof(*ex->re));
	for (size_t i = 0; i < n; i++) {
		char msg[256];
		int rc =
		    regcomp(&ex->re[i], regexes[i], REG_EXTENDED | REG_NOSUB);

		if (rc != 0) {
			regerror(rc, &ex->re[i], msg, sizeof(msg));
			error("bad --exclude-line regular expression '%s': %s",
			    regexes[i], msg);
			excluder_free(ex);
			return NULL;
		}
		ex->n++;
	}
	return ex;
}

void
excluder_free(struct excluder *ex)
{
	if (ex == NULL)
		return;
	for (size_t i = 0; i < ex->n; i++)
		regfree(&ex->re[i]);
	free(ex->re);
	free(ex);
}

/* The two families of markers, each with its own open region. */
struct family {
	const char *prefix; /* "LCOV_EXCL_" */
	size_t plen;
	uint32_t open_at; /* the START line of the open region, or 0 */
};

enum marker { M_NONE, M_LINE, M_START, M_STOP };

/* Which marker of the family the text carries. */
static enum marker
find_marker(const struct family *fam, const char *text)
{
	const char *p = text;

	while ((p = strstr(p, fam->prefix)) != NULL) {
		p += fam->plen;
		if (strncmp(p, "LINE", 4) == 0)
			return M_LINE;
		if (strncmp(p, "START", 5) == 0)
			return M_START;
		if (strncmp(p, "STOP", 4) == 0)
			return M_STOP;
	}
	return M_NONE;
}

/* Whether line ln (text) is excluded by fam, updating its region. */
static bool
family_excludes(struct family *fam, const char *path, uint32_t ln,
    const char *text)
{
	bool inside = fam->open_at != 0;

	switch (find_marker(fam, text)) {
	case M_NONE:
		return inside;
	case M_LINE:
		return true;
	case M_START:
		if (inside)
			warning("'%s' line %u: %sSTART inside the region "
			        "opened at line %u",
			    path, ln, fam->prefix, fam->open_at);
		else
			fam->open_at = ln;
		return true;
	case M_STOP:
		if (!inside)
			warning("'%s' line %u: %sSTOP without %sSTART", path,
			    ln, fam->prefix, fam->prefix);
		fam->open_at = 0;
		return true;
	}
	return inside;
}

static bool
regex_excludes(const struct excluder *ex, const char *text)
{
	for (size_t i = 0; i < ex->n; i++)
		if (regexec(&ex->re[i], text, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* The first "_EXCL_" in [p, end), or NULL.  A search for its 'X', a rare
 * byte in C, runs many times faster than memmem over a large source. */
static const char *
find_excl(const char *p, const char *end)
{
	const char *x;

	if (end - p < 6)
		return NULL;
	for (x = p + 2; (x = memchr(x, 'X', (size_t)(end - x))) != NULL; x++)
		if (end - x >= 4 && memcmp(x - 2, "_EXCL_", 6) == 0)
			return x - 2;
	return NULL;
}

/* The lines that may carry a marker, those that hold "_EXCL_", found by
 * one scan of the whole text rather than a search per line; NULL when
 * there is none. */
static bool *
marker_lines(const struct source *src)
{
	const char *p = src->text, *end = src->text + src->len;
	bool *mark = NULL;

	while ((p = find_excl(p, end)) != NULL) {
		if (mark == NULL)
			mark = xcalloc(src->nlines + 1, sizeof(*mark));
		mark[source_line_at(src, p) - 1] = true;
		p += 6;
	}
	return mark;
}

/* Per source line: excluded or not (index 0 is line 1); NULL when no line
 * is. */
static bool *
excluded_lines(const struct excluder *ex, const char *path,
    const struct source *src, const struct cov_file *f)
{
	struct family fams[] = {
	    {"LCOV_EXCL_", 10, 0},
	    {"GCOVR_EXCL_", 11, 0},
	};
	const size_t nfams = sizeof(fams) / sizeof(*fams);
	bool *mark = marker_lines(src), *excl;
	bool regexes = ex != NULL && ex->n > 0;
	size_t si = 0, fi = 0;

	if (mark == NULL && !regexes)
		return NULL;
	excl = xcalloc(src->nlines + 1, sizeof(*excl));
	for (uint32_t ln = 1; ln <= src->nlines; ln++) {
		const char *text = src->lines[ln - 1];
		bool wanted;

		for (size_t k = 0; k < nfams; k++)
			if (mark != NULL && mark[ln - 1]
			        ? family_excludes(&fams[k], path, ln, text)
			        : fams[k].open_at != 0)
				excl[ln - 1] = true;
		if (excl[ln - 1] || !regexes)
			continue;
		/* Regular expressions cost; only lines that count try them. */
		while (si < f->nlines && f->lines[si].line < ln)
			si++;
		while (fi < f->nfuncs && f->funcs[fi].line < ln)
			fi++;
		wanted = (si < f->nlines && f->lines[si].line == ln) ||
		    (fi < f->nfuncs && f->funcs[fi].line == ln);
		if (wanted && regex_excludes(ex, text))
			excl[ln - 1] = true;
	}
	for (size_t k = 0; k < nfams; k++)
		if (fams[k].open_at != 0)
			warning("'%s' line %u: %sSTART without a matching "
			        "%sSTOP; excluded to the end of the file",
			    path, fams[k].open_at, fams[k].prefix,
			    fams[k].prefix);
	free(mark);
	return excl;
}

static bool
is_excluded(const bool *excl, size_t nsrc, uint32_t line)
{
	return line >= 1 && line <= nsrc && excl[line - 1];
}

/* Move the excluded statements and functions of f out. */
static void
apply(struct cov_file *f, const bool *excl, size_t nsrc)
{
	size_t n = 0, nf = 0, nx = f->nexcluded;

	for (size_t i = 0; i < f->nlines; i++)
		if (is_excluded(excl, nsrc, f->lines[i].line))
			nx++;
	if (nx > f->nexcluded)
		f->excluded =
		    xreallocarray(f->excluded, nx, sizeof(*f->excluded));
	for (size_t i = 0; i < f->nlines; i++) {
		if (is_excluded(excl, nsrc, f->lines[i].line))
			f->excluded[f->nexcluded++] = f->lines[i].line;
		else
			f->lines[n++] = f->lines[i];
	}
	f->nlines = n;
	for (size_t i = 0; i < f->nfuncs; i++) {
		if (is_excluded(excl, nsrc, f->funcs[i].line))
			free(f->funcs[i].name);
		else
			f->funcs[nf++] = f->funcs[i];
	}
	f->nfuncs = nf;
}

/* Whether the source at path must be read whole: it may hold a marker, or
 * there are regular expressions to try.  Without --exclude-line most
 * sources hold no marker, and a scan that only looks for one costs a
 * fraction of reading the file whole and splitting it into lines. */
static int
needs_reading(const struct excluder *ex, const char *path)
{
	if (ex != NULL && ex->n > 0)
		return 1;
	return source_scan(path, find_excl, 6);
}

void
coverage_exclude(struct coverage *cov, const struct excluder *ex)
{
	for (size_t i = 0; i < cov->nfiles; i++) {
		struct cov_file *f = &cov->files[i];
		struct source src;
		bool *excl;
		int r;

		if ((r = needs_reading(ex, f->path)) == 0)
			continue;
		if (r == -1 || source_read(f->path, &src) == -1) {
			verbose("no exclusion markers read from '%s': %s",
			    f->path, strerror(errno));
			continue;
		}
		if ((excl = excluded_lines(ex, f->path, &src, f)) != NULL)
			apply(f, excl, src.nlines);
		free(excl);
		source_release(&src);
	}
}
