#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomicfile.h"
#include "common/log.h"
#include "common/xalloc.h"

int
write_full(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Free af's names, keeping errno. */
static void
release(struct atomicfile *af)
{
	int saved = errno;

	free(af->path);
	free(af->tmp);
	af->path = NULL;
	af->tmp = NULL;
	af->fd = -1;
	errno = saved;
}

/* Remove af's temporary file, keeping errno. */
static void
discard(struct atomicfile *af)
{
	int saved = errno;

	if (af->fd != -1)
		close(af->fd);
	af->fd = -1;
	unlink(af->tmp);
	errno = saved;
}

/* atomicfile_begin without a message: -1 with errno set. */
static int
begin(struct atomicfile *af, const char *path, const void *data, size_t len,
    bool sync)
{
	af->path = xstrdup(path);
	af->tmp = xasprintf("%s.tmp.XXXXXX", path);
	af->sync = sync;
	if ((af->fd = mkstemp(af->tmp)) == -1 || fchmod(af->fd, 0644) == -1 ||
	    write_full(af->fd, data, len) == -1) {
		if (af->fd != -1)
			discard(af);
		return -1;
	}
	/* Start the writeback now: the fsync of the commit then finds the
	 * data on its way to the disk.  Failing here costs only that head
	 * start. */
	if (sync)
		sync_file_range(af->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	return 0;
}

/* Sync, close and rename af's temporary, or remove it; -1 with errno set. */
static int
commit(struct atomicfile *af)
{
	int fd = af->fd;

	if (af->tmp == NULL || fd == -1)
		BUG("committing a file that was not begun");
	if (af->sync && fsync(fd) == -1) {
		discard(af);
		return -1;
	}
	af->fd = -1;
	if (close(fd) == -1 || rename(af->tmp, af->path) == -1) {
		discard(af);
		return -1;
	}
	return 0;
}

int
atomicfile_begin(struct atomicfile *af, const char *path, const void *data,
    size_t len)
{
	if (begin(af, path, data, len, true) == -1) {
		error_errno("cannot write '%s'", path);
		release(af);
		return -1;
	}
	return 0;
}

int
atomicfile_commit(struct atomicfile *af)
{
	int r = 0;

	if (commit(af) == -1)
		r = error_errno("cannot write '%s'", af->path);
	release(af);
	return r;
}

int
atomicfile_write_quiet(const char *path, const void *data, size_t len,
    bool sync)
{
	struct atomicfile af;
	int r;

	r = begin(&af, path, data, len, sync) == -1 ? -1 : commit(&af);
	release(&af);
	return r;
}

int
atomicfile_write(const char *path, const void *data, size_t len)
{
	if (atomicfile_write_quiet(path, data, len, true) == -1)
		return error_errno("cannot write '%s'", path);
	return 0;
}

int
file_read_all(const char *path, char **datap, size_t *lenp)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0, alloc;
	int fd, saved;

	*datap = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	alloc = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	data = xmalloc(alloc);
	for (;;) {
		ssize_t n;

		if (len + 1 >= alloc) {
			alloc *= 2;
			data = xreallocarray(data, alloc, 1);
		}
		n = read(fd, data + len, alloc - len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	data[len] = '\0';
	*datap = data;
	*lenp = len;
	return 0;
fail:
	saved = errno;
	close(fd);
	free(data);
	errno = saved;
	return -1;
}
