/* Allocation that never returns NULL: out of memory is fatal. */
#ifndef COVTRACE_COMMON_XALLOC_H
#define COVTRACE_COMMON_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A malloc'd copy of the formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arrp so that it holds at least need elements of size bytes. */
#define XGROW(arrp, need, allocp)                                              \
	do {                                                                   \
		if ((need) > (allocp)) {                                       \
			size_t xg_n = (allocp) ? (allocp) * 2 : 16;            \
			while (xg_n < (need))                                  \
				xg_n *= 2;                                     \
			(arrp) = xreallocarray((arrp), xg_n, sizeof(*(arrp))); \
			(allocp) = xg_n;                                       \
		}                                                              \
	} while (0)

#endif
