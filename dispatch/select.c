#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/select.h"
#include "dwarf/dwarf.h"

static void
add_prefix(struct selection *sel, char *p)
{
	for (size_t i = 0; i < sel->n; i++)
		if (strcmp(sel->prefixes[i], p) == 0) {
			free(p);
			return;
		}
	sel->prefixes = xreallocarray(sel->prefixes, sel->n + 1,
	    sizeof(*sel->prefixes));
	sel->prefixes[sel->n++] = p;
}

static void
add_path(struct selection *sel, const char *cwd, const char *path)
{
	char *abs = path[0] == '/' ? xstrdup(path) :
				     xasprintf("%s/%s", cwd, path);
	char *real = realpath(abs, NULL);
	char *norm = path_normalize(abs);

	if (strcmp(norm, "/") == 0)
		sel->all = true;
	if (path[0] != '/') {
		char *rel = path_normalize(path);

		/* "." and paths above the current directory say nothing
		 * about paths that are relative to an unknown root. */
		if (strcmp(rel, ".") == 0 || strncmp(rel, "..", 2) == 0) {
			free(rel);
		} else {
			sel->relative = xreallocarray(sel->relative,
			    sel->nrel + 1, sizeof(*sel->relative));
			sel->relative[sel->nrel++] = rel;
		}
	}
	add_prefix(sel, norm);
	if (real != NULL)
		add_prefix(sel, real);
	free(abs);
}

void
selection_init(struct selection *sel, const char *const *cov, size_t n)
{
	char cwd[PATH_MAX];

	sel->n = 0;
	sel->prefixes = NULL;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		fatal_errno("cannot get the current directory");
	if (n == 0)
		add_path(sel, cwd, ".");
	for (size_t i = 0; i < n; i++)
		add_path(sel, cwd, cov[i]);
}

void
selection_release(struct selection *sel)
{
	for (size_t i = 0; i < sel->n; i++)
		free(sel->prefixes[i]);
	for (size_t i = 0; i < sel->nrel; i++)
		free(sel->relative[i]);
	for (size_t i = 0; i < sel->ninclude; i++)
		free(sel->include[i]);
	for (size_t i = 0; i < sel->nexclude; i++)
		free(sel->exclude[i]);
	free(sel->prefixes);
	free(sel->relative);
	free(sel->include);
	free(sel->exclude);
	memset(sel, 0, sizeof(*sel));
}

static bool
has_prefix(const char *path, const char *p)
{
	size_t len = strlen(p);

	if (strncmp(path, p, len) != 0)
		return false;
	return path[len] == '\0' || path[len] == '/' ||
	    (len == 1 && p[0] == '/');
}

/* Directories of system and compiler headers: measured only when a --cov
 * path lies inside one of them. */
static const char *const system_dirs[] = {
	"/usr/include",
	"/usr/local/include",
	"/usr/lib/gcc",
	"/usr/lib/llvm-",
	"/usr/lib/clang",
};

static const char *
system_dir_of(const char *path)
{
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]);
	     i++) {
		size_t n = strlen(system_dirs[i]);

		if (strncmp(path, system_dirs[i], n) == 0 &&
		    (path[n] == '/' || path[n] == '\0' ||
			system_dirs[i][n - 1] == '-'))
			return system_dirs[i];
	}
	return NULL;
}

/* A system header matches only a --cov path inside the same system
 * directory. */
static bool
system_match(const struct selection *sel, const char *path,
    const char *sysdir)
{
	for (size_t i = 0; i < sel->n; i++)
		if (system_dir_of(sel->prefixes[i]) == sysdir &&
		    has_prefix(path, sel->prefixes[i]))
			return true;
	return false;
}

static bool selection_match_cov(const struct selection *sel,
    const char *path);

/* [class] at p against c; *endp gets the pattern after it.  A malformed
 * class (no closing bracket) matches a literal '['. */
static bool
class_match(const char *p, char c, const char **endp)
{
	bool negate = false, found = false;
	const char *q = p + 1;

	if (*q == '!' || *q == '^') {
		negate = true;
		q++;
	}
	for (bool first = true; *q != '\0' && (first || *q != ']');
	     first = false, q++) {
		if (q[1] == '-' && q[2] != ']' && q[2] != '\0') {
			found |= c >= q[0] && c <= q[2];
			q += 2;
		} else {
			found |= c == *q;
		}
	}
	if (*q != ']') {
		*endp = p + 1;
		return c == '[';
	}
	*endp = q + 1;
	return found != negate;
}

bool
glob_match(const char *p, const char *s)
{
	for (;;) {
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			if (*p == '/')
				p++;
			for (const char *t = s;; t++) {
				if (glob_match(p, t))
					return true;
				if (*t == '\0')
					return false;
			}
		}
		if (*p == '*') {
			p++;
			for (const char *t = s;; t++) {
				if (glob_match(p, t))
					return true;
				if (*t == '\0' || *t == '/')
					return false;
			}
		}
		if (*p == '\0')
			return *s == '\0';
		if (*s == '\0')
			return false;
		if (*p == '?' || *p == '[') {
			const char *next = p + 1;

			if (*s == '/' || (*p == '[' && !class_match(p, *s, &next)))
				return false;
			p = next;
			s++;
			continue;
		}
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (*p != *s)
			return false;
		p++;
		s++;
	}
}

static char **
globs_absolute(const char *cwd, const char *const *globs, size_t n)
{
	char **v = xcalloc(n + 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = globs[i][0] == '/' || strchr(globs[i], '/') == NULL ?
		    xstrdup(globs[i]) :
		    xasprintf("%s/%s", cwd, globs[i]);
	return v;
}

void
selection_filter(struct selection *sel, const char *const *include,
    size_t ninclude, const char *const *exclude, size_t nexclude)
{
	char cwd[PATH_MAX];

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		fatal_errno("cannot get the current directory");
	sel->include = globs_absolute(cwd, include, ninclude);
	sel->ninclude = ninclude;
	sel->exclude = globs_absolute(cwd, exclude, nexclude);
	sel->nexclude = nexclude;
}

/* A glob with no '/' matches the file name, anywhere; one with a '/'
 * matches the whole path. */
static bool
any_glob(char *const *globs, size_t n, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	for (size_t i = 0; i < n; i++)
		if (glob_match(globs[i], strchr(globs[i], '/') ? path : base))
			return true;
	return false;
}

bool
selection_match(const struct selection *sel, const char *path)
{
	if (sel->ninclude > 0 && !any_glob(sel->include, sel->ninclude, path))
		return false;
	if (any_glob(sel->exclude, sel->nexclude, path))
		return false;
	return selection_match_cov(sel, path);
}

/* The --cov part of the selection. */
static bool
selection_match_cov(const struct selection *sel, const char *path)
{
	const char *sysdir;

	if (path[0] == '/' && (sysdir = system_dir_of(path)) != NULL)
		return system_match(sel, path, sysdir);
	if (sel->all)
		return true;
	if (path[0] != '/') {
		for (size_t i = 0; i < sel->nrel; i++)
			if (has_prefix(path, sel->relative[i]))
				return true;
		return false;
	}
	for (size_t i = 0; i < sel->n; i++)
		if (has_prefix(path, sel->prefixes[i]))
			return true;
	return false;
}
