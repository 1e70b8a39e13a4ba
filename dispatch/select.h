/* Which source files are measured: --cov (dispatch/ internal). */
#ifndef COVTRACE_DISPATCH_SELECT_H
#define COVTRACE_DISPATCH_SELECT_H

#include <stdbool.h>
#include <stddef.h>

struct selection {
	size_t n;
	char **prefixes;	/* absolute, normalized; each also as realpath */
};

/* Build the selection from --cov paths (none: the current directory). */
void selection_init(struct selection *sel, const char *const *cov, size_t n);
void selection_release(struct selection *sel);
/* Whether the source path (absolute, normalized) is selected. */
bool selection_match(const struct selection *sel, const char *path);

#endif
