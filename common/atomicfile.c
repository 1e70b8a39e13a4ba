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

int
atomicfile_write_quiet(const char *path, const void *data, size_t len,
    bool sync)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd, r = -1, saved;

	if ((fd = mkstemp(tmp)) == -1)
		goto out;
	if (fchmod(fd, 0644) == -1 || write_full(fd, data, len) == -1 ||
	    (sync && fsync(fd) == -1)) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto out;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto out;
	}
	r = 0;
out:
	saved = errno;
	free(tmp);
	errno = saved;
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
