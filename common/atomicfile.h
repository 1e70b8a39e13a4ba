/* Replace a file atomically: write a temporary beside it, fsync, rename. */
#ifndef COVTRACE_COMMON_ATOMICFILE_H
#define COVTRACE_COMMON_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Write len bytes to path through a temporary file; -1 (logged) on failure. */
int atomicfile_write(const char *path, const void *data, size_t len);

/* The same without a message: -1 with errno set.  sync: fsync first. */
int atomicfile_write_quiet(const char *path, const void *data, size_t len,
    bool sync);

/* Write all len bytes to fd, resuming after EINTR and short writes; -1
 * with errno set, nothing logged. */
int write_full(int fd, const void *data, size_t len);

/* Read a whole file into a malloc'd buffer (NUL-terminated); -1 on failure
 * with errno set, nothing logged. */
int file_read_all(const char *path, char **datap, size_t *lenp);

#endif
