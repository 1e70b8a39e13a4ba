/*
 * Cache entry layout (native byte order, for this machine only):
 *
 *	char     magic[8]	"CTLTAB8\n"
 *	uint64_t size		the whole entry, in bytes
 *	uint64_t flags		1: pie, 2: has_debug
 *	uint64_t entry		e_entry
 *	uint64_t nfiles, strbytes, rows_skipped
 *	uint64_t naddrs, nlines, nrefs, nfuncs, names_len
 *	uint64_t head_hash	of the header (with head_hash 0) and strings
 *	char     strings[strbytes]	nfiles NUL-terminated paths, then NULs
 *				up to an 8-byte boundary
 *	struct linefunc funcs[nfuncs]
 *	the line index		as dwarf/lineindex.c lays it out
 *	char     names[names_len]	function names
 *	char     pad[]		NULs up to an 8-byte boundary
 *	uint64_t hash		of every byte before it
 *
 * The file names come first with a hash of their own, so that an image
 * with no selected source costs a read of its names, not of its index.
 * The index is the tracer's breakpoint table as it is: a loaded entry is
 * used where it is mapped, with no work beyond checking it.
 * Entries are written to a temporary file and renamed into place, so a
 * reader sees a whole entry or none; the sizes and hashes catch the rest.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomicfile.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dwarf/cache.h"
#include "dwarf/lineindex.h"

#define CACHE_MAGIC "CTLTAB8\n"

struct cache_header {
	char magic[8];
	uint64_t size;
	uint64_t flags;
	uint64_t entry;
	uint64_t nfiles;
	uint64_t strbytes;
	uint64_t rows_skipped;
	uint64_t naddrs;
	uint64_t nlines;
	uint64_t nrefs;
	uint64_t nfuncs;
	uint64_t names_len;
	uint64_t head_hash;
};

/* A fast 64-bit hash over 8-byte words, in eight independent lanes so that
 * the multiplications overlap; catches truncation and garbage.  A changed
 * word always changes its lane's state: xor with the same word and
 * multiplication by an odd constant are both one-to-one.  The lanes are
 * eight variables, not an array, so that they stay in registers: with an
 * array the compiler kept them in memory, and checking a 2.8 MB entry took
 * twice as long. */
#define HASH_MUL 0xff51afd7ed558ccdULL
#define HASH_LANE(h, p, j)                                                     \
	do {                                                                   \
		uint64_t hl_w;                                                 \
		memcpy(&hl_w, (p) + 8 * (j), 8);                               \
		(h) = ((h) ^ hl_w) * HASH_MUL;                                 \
	} while (0)

static uint64_t
cache_hash(uint64_t seed, const unsigned char *p, size_t len)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL ^ seed;
	uint64_t h0 = k, h1 = k + 1, h2 = k + 2, h3 = k + 3, h4 = k + 4,
		 h5 = k + 5, h6 = k + 6, h7 = k + 7, w = len;
	size_t i = 0;

	for (; i + 64 <= len; i += 64) {
		HASH_LANE(h0, p + i, 0);
		HASH_LANE(h1, p + i, 1);
		HASH_LANE(h2, p + i, 2);
		HASH_LANE(h3, p + i, 3);
		HASH_LANE(h4, p + i, 4);
		HASH_LANE(h5, p + i, 5);
		HASH_LANE(h6, p + i, 6);
		HASH_LANE(h7, p + i, 7);
	}
	for (; i < len; i++)
		h0 = (h0 ^ p[i]) * 0xc4ceb9fe1a85ec53ULL;
	{
		const uint64_t lanes[8] = {h0, h1, h2, h3, h4, h5, h6, h7};

		for (int j = 0; j < 8; j++) {
			w = (w ^ lanes[j] ^ (lanes[j] >> 29)) *
			    0xc4ceb9fe1a85ec53ULL;
			w ^= w >> 32;
		}
	}
	return w;
}

static uint64_t
head_hash(const struct cache_header *h, const char *strings)
{
	struct cache_header copy = *h;

	copy.head_hash = 0;
	return cache_hash(cache_hash(0, (const unsigned char *)&copy,
			      sizeof(copy)),
	    (const unsigned char *)strings, h->strbytes);
}

/* The bytes after the strings: functions, index, names, padding, hash. */
static uint64_t
body_size(const struct cache_header *h)
{
	return h->nfuncs * sizeof(struct linefunc) +
	    lineindex_size(h->naddrs, h->nlines, h->nrefs) +
	    ((h->names_len + 7) & ~(uint64_t)7) + 8;
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
read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	return n == (ssize_t)len ? 0 : -1;
}

/* Read and check the header and the file names. */
static int
read_head(int fd, struct cache_header *h, struct linetab *lt)
{
	struct stat st;
	char *strings, *s, *end;

	if (fstat(fd, &st) == -1 || read_at(fd, h, sizeof(*h), 0) == -1 ||
	    memcmp(h->magic, CACHE_MAGIC, 8) != 0 ||
	    h->size != (uint64_t)st.st_size || h->strbytes > h->size ||
	    h->nfiles > h->strbytes || h->naddrs > h->size / 8 ||
	    h->nlines > h->size / 8 || h->nrefs > h->size / 8 ||
	    h->naddrs >= UINT32_MAX || h->nlines >= UINT32_MAX ||
	    h->nrefs >= UINT32_MAX ||
	    h->nfuncs > h->size / sizeof(struct linefunc) ||
	    h->names_len > h->size ||
	    sizeof(*h) + h->strbytes + body_size(h) != h->size)
		return -1;
	/* The paths stay in the block they are read into. */
	strings = lt->files_block = xmalloc(h->strbytes + 1);
	if (read_at(fd, strings, h->strbytes, sizeof(*h)) == -1 ||
	    head_hash(h, strings) != h->head_hash)
		return -1;
	strings[h->strbytes] = '\0';
	lt->files = xcalloc(h->nfiles + 1, sizeof(*lt->files));
	s = strings;
	end = strings + h->strbytes;
	for (; lt->nfiles < h->nfiles; lt->nfiles++) {
		const char *nul = memchr(s, '\0', (size_t)(end - s));

		if (nul == NULL)
			return -1;
		lt->files[lt->nfiles] = s;
		s = (char *)nul + 1;
	}
	lt->pie = (h->flags & 1) != 0;
	lt->has_debug = (h->flags & 2) != 0;
	lt->entry = h->entry;
	lt->rows_skipped = h->rows_skipped;
	return 0;
}

/* Map the entry and check the hash of all of it; the functions, the index
 * and the names are used in place (read-only, private mapping). */
static int
read_body(int fd, const struct cache_header *h, struct linetab *lt)
{
	size_t off = sizeof(*h) + h->strbytes;
	const char *data;
	uint64_t hash;
	void *map;

	map = mmap(NULL, h->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	lt->map = map;
	lt->map_len = h->size;
	data = map;
	memcpy(&hash, data + h->size - 8, 8);
	if (off % 8 != 0 ||
	    hash != cache_hash(0, (const unsigned char *)data, h->size - 8))
		return -1;
	lt->nfuncs = h->nfuncs;
	lt->funcs = (struct linefunc *)(uintptr_t)(data + off);
	off += h->nfuncs * sizeof(struct linefunc);
	lt->naddrs = h->naddrs;
	lt->nlines = h->nlines;
	lt->nrefs = h->nrefs;
	lineindex_place(lt, data + off);
	off += lineindex_size(h->naddrs, h->nlines, h->nrefs);
	lt->names_len = h->names_len;
	lt->names = (char *)(uintptr_t)(data + off);
	if (h->nfuncs > 0 &&
	    (h->names_len == 0 || lt->names[h->names_len - 1] != '\0'))
		return -1;
	for (size_t i = 0; i < lt->nfuncs; i++)
		if (lt->funcs[i].file >= lt->nfiles ||
		    lt->funcs[i].name >= lt->names_len)
			return -1;
	return lineindex_valid(lt) ? 0 : -1;
}

static bool
any_wanted(const struct linetab_opts *opts, const struct linetab *lt)
{
	if (opts->want_file == NULL)
		return true;
	for (size_t i = 0; i < lt->nfiles; i++)
		if (opts->want_file(opts->want_ctx, lt->files[i]))
			return true;
	return false;
}

int
cache_load(const struct linetab_opts *opts, const char *build_id,
    struct linetab **tablep)
{
	char *path = cache_path(opts->cache_dir, build_id);
	struct linetab *lt = NULL;
	struct cache_header h;
	int fd = -1, r = -1;

	*tablep = NULL;
	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		goto out;
	lt = xcalloc(1, sizeof(*lt));
	if (read_head(fd, &h, lt) == -1)
		goto damaged;
	if (!any_wanted(opts, lt)) {
		/* Nothing selected: the index is not needed. */
		lt->rows_elided = true;
	} else if (read_body(fd, &h, lt) == -1) {
		goto damaged;
	}
	memcpy(lt->build_id, build_id, sizeof(lt->build_id));
	lt->build_id[sizeof(lt->build_id) - 1] = '\0';
	debug("cache hit for %s", build_id);
	*tablep = lt;
	lt = NULL;
	r = 0;
	goto out;
damaged:
	verbose("damaged line-table cache entry '%s', rebuilding it", path);
	unlink(path);
out:
	if (fd != -1)
		close(fd);
	linetab_free(lt);
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
	static const char zeros[8];
	struct cache_header h = { .magic = CACHE_MAGIC };
	struct buf b = BUF_INIT;
	uint64_t hash;
	size_t pad;

	if (path == NULL)
		return;
	h.flags = (lt->pie ? 1 : 0) | (lt->has_debug ? 2 : 0);
	h.entry = lt->entry;
	h.nfiles = lt->nfiles;
	h.rows_skipped = lt->rows_skipped;
	h.naddrs = lt->naddrs;
	h.nlines = lt->nlines;
	h.nrefs = lt->nrefs;
	h.nfuncs = lt->nfuncs;
	h.names_len = lt->names_len;
	for (size_t i = 0; i < lt->nfiles; i++)
		h.strbytes += strlen(lt->files[i]) + 1;
	/* What follows the names starts 8-byte aligned. */
	pad = (8 - (sizeof(h) + h.strbytes) % 8) % 8;
	h.strbytes += pad;
	h.size = sizeof(h) + h.strbytes + body_size(&h);
	buf_add(&b, &h, sizeof(h));
	for (size_t i = 0; i < lt->nfiles; i++)
		buf_add(&b, lt->files[i], strlen(lt->files[i]) + 1);
	buf_add(&b, zeros, pad);
	h.head_hash = head_hash(&h, b.data + sizeof(h));
	memcpy(b.data, &h, sizeof(h));
	buf_add(&b, lt->funcs, lt->nfuncs * sizeof(struct linefunc));
	buf_add(&b, lt->addrs,
	    lineindex_size(lt->naddrs, lt->nlines, lt->nrefs));
	buf_add(&b, lt->names, lt->names_len);
	buf_add(&b, zeros, (8 - lt->names_len % 8) % 8);
	hash = cache_hash(0, (const unsigned char *)b.data, b.len);
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
