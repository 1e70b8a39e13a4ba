/* Reading source files for exclusion markers and the HTML pages; inside
 * report/ only. */
#ifndef COVTRACE_REPORT_SOURCE_H
#define COVTRACE_REPORT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

/* A source file split into lines (the newlines replaced by NULs). */
struct source {
	char *text;
	size_t len; /* bytes of text, the NULs that replaced newlines included */
	size_t nlines;
	char **lines; /* lines[0] is line 1 */
};

/* Read the regular file at path into *src; -1 with errno set (nothing
 * logged) when it cannot be read.  A FIFO or device is refused (EINVAL)
 * rather than read, since a data file may name anything. */
int source_read(const char *path, struct source *src);
void source_release(struct source *src);

/* The line (1-based) that holds text position p of src. */
uint32_t source_line_at(const struct source *src, const char *p);

#endif
