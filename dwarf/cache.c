/*
 * Cache entry layout (native byte order, for this machine only):
 *
 *	char     magic[8]	"CTLTAB1\n"
 *	uint64_t size		the whole entry, in bytes
 *	uint64_t flags		1: pie, 2: has_debug
 *	uint64_t entry		e_entry
 *	uint64_t nfiles, nrows, strbytes, rows_skipped
 *	struct linerow rows[nrows]
 *	char     strings[strbytes]	nfiles NUL-terminated paths
 *	uint64_t hash		of every byte before it
 *
 * Entries are written to a temporary file and renamed into place, so a
 * reader sees a whole entry or none; the size and hash catch the rest.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomicfile.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dwarf/cache.h"

#define CACHE_MAGIC "CTLTAB1\n"

struct cache_header {
	char magic[8];
	uint64_t size;
	uint64_t flags;
	uint64_t entry;
	uint64_t nfiles;
	uint64_t nrows;
	uint64_t strbytes;
	uint64_t rows_skipped;
};

/* A fast 64-bit hash over 8-byte words; catches truncation and garbage. */
static uint64_t
cache_hash(const unsigned char *p, size_t len)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h[4] = { k, k ^ 1, k ^ 2, k ^ 3 }, w;
	size_t i = 0;

	for (; i + 32 <= len; i += 32)
		for (int j = 0; j < 4; j++) {
			memcpy(&w, p + i + 8 * j, 8);
			h[j] = (h[j] ^ w) * 0xff51afd7ed558ccdULL;
			h[j] ^= h[j] >> 29;
		}
	for (; i < len; i++)
		h[0] = (h[0] ^ p[i]) * 0xc4ceb9fe1a85ec53ULL;
	w = h[0] ^ (h[1] << 1) ^ (h[2] << 2) ^ (h[3] << 3) ^ len;
	w ^= w >> 33;
	return w * 0xff51afd7ed558ccdULL;
}

static char *
cache_path(const char *dir, const char *build_id)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (dir != NULL)
		return xasprintf("%s/%s.lt", dir, build_id);
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/covtrace/%s.lt", xdg, build_id);
	if (home != NULL && home[0] != '\0')
		return xasprintf("%s/.cache/covtrace/%s.lt", home, build_id);
	return NULL;
}

static int
cache_parse(const char *data, size_t len, struct linetab **tablep)
{
	struct cache_header h;
	struct linetab *lt;
	const char *s, *end;
	uint64_t hash;
	size_t rowbytes;

	if (len < sizeof(h) + 8)
		return -1;
	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, CACHE_MAGIC, 8) != 0 || h.size != len)
		return -1;
	memcpy(&hash, data + len - 8, 8);
	if (hash != cache_hash((const unsigned char *)data, len - 8))
		return -1;
	if (h.nrows > len / sizeof(struct linerow) || h.strbytes > len ||
	    h.nfiles > h.strbytes)
		return -1;
	rowbytes = h.nrows * sizeof(struct linerow);
	if (sizeof(h) + rowbytes + h.strbytes + 8 != len)
		return -1;
	lt = xcalloc(1, sizeof(*lt));
	lt->pie = (h.flags & 1) != 0;
	lt->has_debug = (h.flags & 2) != 0;
	lt->entry = h.entry;
	lt->rows_skipped = h.rows_skipped;
	lt->nrows = h.nrows;
	lt->rows = xmalloc(rowbytes);
	memcpy(lt->rows, data + sizeof(h), rowbytes);
	lt->files = xcalloc(h.nfiles, sizeof(*lt->files));
	s = data + sizeof(h) + rowbytes;
	end = s + h.strbytes;
	for (; lt->nfiles < h.nfiles; lt->nfiles++) {
		const char *nul = memchr(s, '\0', (size_t)(end - s));

		if (nul == NULL)
			goto bad;
		lt->files[lt->nfiles] = xstrdup(s);
		s = nul + 1;
	}
	for (size_t i = 0; i < lt->nrows; i++)
		if (lt->rows[i].file >= lt->nfiles)
			goto bad;
	*tablep = lt;
	return 0;
bad:
	linetab_free(lt);
	return -1;
}

int
cache_load(const char *dir, const char *build_id, struct linetab **tablep)
{
	char *path = cache_path(dir, build_id), *data = NULL;
	size_t len;
	int r = -1;

	*tablep = NULL;
	if (path == NULL)
		return -1;
	if (file_read_all(path, &data, &len) == -1)
		goto out;
	if (cache_parse(data, len, tablep) == -1) {
		verbose("damaged line-table cache entry '%s', rebuilding it",
		    path);
		unlink(path);
		goto out;
	}
	memcpy((*tablep)->build_id, build_id, sizeof((*tablep)->build_id));
	(*tablep)->build_id[sizeof((*tablep)->build_id) - 1] = '\0';
	debug("cache hit for %s", build_id);
	r = 0;
out:
	free(data);
	free(path);
	return r;
}

static int
mkdir_p(const char *dir)
{
	char *tmp = xstrdup(dir);
	int r = 0;

	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
			r = -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
		r = -1;
	free(tmp);
	return r;
}

void
cache_store(const char *dir, const struct linetab *lt)
{
	char *path = cache_path(dir, lt->build_id), *slash;
	struct cache_header h = { .magic = CACHE_MAGIC };
	struct buf b = BUF_INIT;
	uint64_t hash;

	if (path == NULL)
		return;
	h.flags = (lt->pie ? 1 : 0) | (lt->has_debug ? 2 : 0);
	h.entry = lt->entry;
	h.nfiles = lt->nfiles;
	h.nrows = lt->nrows;
	h.rows_skipped = lt->rows_skipped;
	for (size_t i = 0; i < lt->nfiles; i++)
		h.strbytes += strlen(lt->files[i]) + 1;
	h.size = sizeof(h) + lt->nrows * sizeof(struct linerow) + h.strbytes + 8;
	buf_add(&b, &h, sizeof(h));
	buf_add(&b, lt->rows, lt->nrows * sizeof(struct linerow));
	for (size_t i = 0; i < lt->nfiles; i++)
		buf_add(&b, lt->files[i], strlen(lt->files[i]) + 1);
	hash = cache_hash((const unsigned char *)b.data, b.len);
	buf_add(&b, &hash, 8);
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		mkdir_p(path);
		*slash = '/';
	}
	/* A cache that cannot be written only costs time: say it with -v.
	 * No fsync: a torn entry after a crash fails its hash and is
	 * rebuilt. */
	if (atomicfile_write_quiet(path, b.data, b.len, false) == -1)
		verbose("cannot write the line-table cache '%s': %s", path,
		    strerror(errno));
	buf_release(&b);
	free(path);
}
