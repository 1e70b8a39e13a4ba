/* Which source files are measured: --cov (dispatch/ internal). */
#ifndef COVTRACE_DISPATCH_SELECT_H
#define COVTRACE_DISPATCH_SELECT_H

#include <stdbool.h>
#include <stddef.h>

struct selection {
	size_t n;
	char **prefixes;	/* absolute, normalized; each also as realpath */
	size_t nrel;
	char **relative;	/* --cov paths given relative, normalized */
	bool all;		/* "/" was selected: every path, relative too */
	size_t ninclude, nexclude;
	char **include;		/* --cov-include globs: absolute, or no '/' */
	char **exclude;		/* --cov-exclude globs */
};

/* Build the selection from --cov paths (none: the current directory). */
void selection_init(struct selection *sel, const char *const *cov, size_t n);
/* Narrow it with --cov-include and --cov-exclude shell globs: a glob with
 * no '/' matches file names anywhere; another relative glob is taken from
 * the current directory. */
void selection_filter(struct selection *sel, const char *const *include,
    size_t ninclude, const char *const *exclude, size_t nexclude);
/* Whether path matches the shell glob pattern: '*' and '?' stop at '/',
 * '**' crosses directories ("a/ **" with no space: everything below a). */
bool glob_match(const char *pattern, const char *path);
void selection_release(struct selection *sel);
/* Whether the source path (normalized) is selected.  A relative path, as
 * builds with -fdebug-prefix-map leave in DWARF, matches a --cov path given
 * relative, or "/".  System and compiler headers (/usr/include, the
 * compiler's include directories) match only a --cov path inside them. */
bool selection_match(const struct selection *sel, const char *path);

#endif
