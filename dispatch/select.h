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
};

/* Build the selection from --cov paths (none: the current directory). */
void selection_init(struct selection *sel, const char *const *cov, size_t n);
void selection_release(struct selection *sel);
/* Whether the source path (normalized) is selected.  A relative path, as
 * builds with -fdebug-prefix-map leave in DWARF, matches a --cov path given
 * relative, or "/".  System and compiler headers (/usr/include, the
 * compiler's include directories) match only a --cov path inside them. */
bool selection_match(const struct selection *sel, const char *path);

#endif
