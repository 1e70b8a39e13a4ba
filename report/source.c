/* Source files, read whole and split into lines. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "report/source.h"

/* Larger sources are not read: no C file is that large, and a report must
 * not try to load a disk image that a data file names. */
#define SOURCE_MAX_BYTES ((off_t)256 << 20)
/* source_scan reads this much at a time: a few pages, reused, cost less
 * than the fresh pages a whole large file would be copied into. */
#define SCAN_CHUNK ((size_t)64 << 10)

static int
read_fd(int fd, size_t size, char **textp, size_t *lenp)
{
	char *text = xmalloc(size + 1);
	size_t len = 0;

	while (len < size) {
		ssize_t n = read(fd, text + len, size - len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(text);
			return -1;
		}
		if (n == 0)
			break; /* the file shrank meanwhile */
		len += (size_t)n;
	}
	text[len] = '\0';
	*textp = text;
	*lenp = len;
	return 0;
}

static void
split_lines(struct source *src, size_t len)
{
	size_t n = 0, alloc = 0;
	char *p = src->text, *end = src->text + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		XGROW(src->lines, n + 1, alloc);
		src->lines[n++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		p = nl + 1;
	}
	src->nlines = n;
}

/* Open path for reading if it is a regular file of a sensible size; the
 * descriptor, or -1 with errno set. */
static int
open_source(const char *path, struct stat *st)
{
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, st) == -1)
		goto fail;
	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (!S_ISREG(st->st_mode) || st->st_size > SOURCE_MAX_BYTES) {
		errno = !S_ISREG(st->st_mode) ? EINVAL : EFBIG;
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
source_read(const char *path, struct source *src)
{
	struct stat st;
	size_t len;
	int fd, saved;

	memset(src, 0, sizeof(*src));
	if ((fd = open_source(path, &st)) == -1)
		return -1;
	if (read_fd(fd, (size_t)st.st_size, &src->text, &len) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	src->len = len;
	split_lines(src, len);
	return 0;
}

int
source_scan(const char *path,
    const char *(*find)(const char *p, const char *end), size_t maxlen)
{
	char *buf;
	size_t keep = 0, size = SCAN_CHUNK;
	struct stat st;
	int fd, r = -1, saved;

	if (maxlen == 0 || maxlen > SCAN_CHUNK / 2)
		BUG("cannot scan for matches of %zu bytes", maxlen);
	if ((fd = open_source(path, &st)) == -1)
		return -1;
	/* A small file takes one read into a buffer its size (the rest of a
	 * chunk would be fresh pages for nothing); one that grew meanwhile
	 * takes more. */
	if ((size_t)st.st_size < size - maxlen)
		size = (size_t)st.st_size + maxlen;
	buf = xmalloc(size);
	for (;;) {
		ssize_t n = read(fd, buf + keep, size - keep);
		size_t len;

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n == 0 ? 0 : -1;
			break;
		}
		len = keep + (size_t)n;
		if (find(buf, buf + len) != NULL) {
			r = 1;
			break;
		}
		/* A match may begin in these bytes and end in the next read. */
		keep = len < maxlen - 1 ? len : maxlen - 1;
		memmove(buf, buf + len - keep, keep);
	}
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return r;
}

uint32_t
source_line_at(const struct source *src, const char *p)
{
	size_t lo = 0, hi = src->nlines;

	/* The last line that starts at or before p. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (src->lines[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo + 1;
}

void
source_release(struct source *src)
{
	free(src->text);
	free(src->lines);
	memset(src, 0, sizeof(*src));
}
