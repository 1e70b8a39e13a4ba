/* Replace a file atomically: write a temporary beside it, fsync, rename. */
#ifndef COVTRACE_COMMON_ATOMICFILE_H
#define COVTRACE_COMMON_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Write len bytes to path through a temporary file; -1 (logged) on failure. */
int atomicfile_write(const char *path, const void *data, size_t len);

/* atomicfile_write in two halves, for a caller with other work to do while
 * the disk catches up: atomicfile_begin writes the temporary file and
 * starts putting it on disk, atomicfile_commit syncs and renames it. */
struct atomicfile {
	char *path;
	char *tmp; /* the temporary file beside path */
	int fd; /* open on tmp */
	bool sync;
};

/* Begin replacing path with len bytes of data; -1 (logged) on failure,
 * with nothing left to commit. */
int atomicfile_begin(struct atomicfile *af, const char *path, const void *data,
    size_t len);
/* Finish what atomicfile_begin began, which must be finished; -1 (logged)
 * on failure, with the temporary file removed.  af is released either
 * way. */
int atomicfile_commit(struct atomicfile *af);

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
