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

/* Whether find matches somewhere in the file at path, read as source_read
 * would read it: 1 or 0, or -1 with errno set.  The file goes through a
 * small buffer, so a large source is never held whole.  find returns the
 * first match in [p, end) or NULL; a match must be at most maxlen bytes
 * long to be found where two reads meet. */
int source_scan(const char *path,
    const char *(*find)(const char *p, const char *end), size_t maxlen);

/* The line (1-based) that holds text position p of src. */
uint32_t source_line_at(const struct source *src, const char *p);

#endif
