/* The data file: coverage saved as versioned text (covtrace-data(5)). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/atomicfile.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/pct.h"
#include "common/xalloc.h"
#include "report/report.h"

#define DATAFILE_MAGIC "covtrace-data "
#define DATAFILE_VERSION 3
/* The oldest version this reader still takes: 1 has no function records,
 * 2 no worker, context, context-hit or worker-hit records. */
#define DATAFILE_VERSION_MIN 1
/* A fuzzed "lines 1-4294967295" must not allocate 32 GiB: the reader refuses
 * files with more statement lines than this, in all files together. */
#define DATAFILE_MAX_LINES (1u << 24)
/* Context and worker tags, in all files together, are bounded the same
 * way. */
#define DATAFILE_MAX_TAGS (1u << 26)
/* Durations are written in microseconds; longer than this is nonsense. */
#define DURATION_MAX 1e12

/* Four bytes of p as a little-endian number, whatever the host's order. */
static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/*
 * The zlib (IEEE 802.3) CRC-32, as zlib's crc32(0, data, len) computes it,
 * eight bytes a step ("slicing-by-8"): table t[k] advances a byte's CRC
 * over k more zero bytes.  A byte a step waits for a load per byte, which
 * was most of the time spent writing or checking a large data file.
 */
static uint32_t
crc32_ieee(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t t[8][256], crc = 0xffffffff;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320 ^ (c >> 1) : c >> 1;
		t[0][i] = c;
	}
	for (int k = 1; k < 8; k++)
		for (uint32_t i = 0; i < 256; i++)
			t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
	for (; len >= 8; p += 8, len -= 8) {
		uint32_t a = crc ^ le32(p), b = le32(p + 4);

		crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^
		    t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^ t[3][b & 0xff] ^
		    t[2][(b >> 8) & 0xff] ^ t[1][(b >> 16) & 0xff] ^
		    t[0][b >> 24];
	}
	for (; len > 0; p++, len--)
		crc = t[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffff;
}

/*
 * Writing.
 */

/* The data file also encodes '=', which separates a key from its value. */
static void
add_encoded(struct buf *b, const char *s)
{
	buf_add_pct(b, s, "=");
}

static void
add_duration(struct buf *b, double d)
{
	int64_t us;

	if (!(d >= 0)) /* negative, or NaN */
		d = 0;
	if (d > DURATION_MAX)
		d = DURATION_MAX;
	us = (int64_t)(d * 1e6 + 0.5);
	buf_printf(b, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
}

static void
add_run(struct buf *b, const struct cov_run *run)
{
	buf_addstr(b, "run host=");
	add_encoded(b, run->host);
	buf_addstr(b, " platform=");
	add_encoded(b, run->platform);
	buf_addstr(b, " cwd=");
	add_encoded(b, run->cwd);
	buf_printf(b, " start=%" PRId64 " duration=", run->start);
	add_duration(b, run->duration);
	buf_printf(b, " status=%d command=", run->status);
	add_encoded(b, run->command);
	buf_addch(b, '\n');
}

static void
add_worker(struct buf *b, const struct cov_worker *w)
{
	buf_addstr(b, "worker id=");
	add_encoded(b, w->id);
	buf_addstr(b, " host=");
	add_encoded(b, w->host);
	buf_addstr(b, " platform=");
	add_encoded(b, w->platform);
	buf_addstr(b, " cwd=");
	add_encoded(b, w->cwd);
	buf_addstr(b, w->lost ? " lost=1\n" : " lost=0\n");
}

static void
add_context(struct buf *b, const char *name)
{
	buf_addstr(b, "context ");
	add_encoded(b, name);
	buf_addch(b, '\n');
}

static bool
is_build_id(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static int
add_module(struct buf *b, const struct cov_module *m)
{
	if (!is_build_id(m->build_id))
		return error(
		    "cannot save build-id '%s' of '%s': not lowercase hex",
		    m->build_id, m->path);
	buf_printf(b, "module %s ", m->build_id[0] ? m->build_id : "-");
	add_encoded(b, m->path);
	buf_addch(b, '\n');
	return 0;
}

/* Add "3-5,9,12": the lines with hit set (all lines when !only_hit). */
static void
add_ranges(struct buf *b, const struct cov_file *f, bool only_hit)
{
	const struct cov_line *l = f->lines;
	size_t n = 0;

	for (size_t i = 0; i < f->nlines; i++) {
		size_t j = i;

		if (only_hit && !l[i].hit)
			continue;
		while (j + 1 < f->nlines && l[j + 1].line == l[j].line + 1 &&
		    (!only_hit || l[j + 1].hit))
			j++;
		if (n++ > 0)
			buf_addch(b, ',');
		buf_add_u32(b, l[i].line);
		if (j > i) {
			buf_addch(b, '-');
			buf_add_u32(b, l[j].line);
		}
		i = j;
	}
	if (n == 0)
		buf_addch(b, '-');
}

static int
tag_by_id_cmp(const void *a, const void *b)
{
	const struct cov_tag *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* "KIND INDEX RANGES" for each id of the tags, ascending. */
static void
add_tag_records(struct buf *b, const char *kind, const struct cov_tag *tags,
    size_t n)
{
	struct cov_tag *v;

	if (n == 0)
		return;
	v = xcalloc(n, sizeof(*v));
	memcpy(v, tags, n * sizeof(*v));
	qsort(v, n, sizeof(*v), tag_by_id_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i, nr = 0;

		buf_printf(b, "%s %" PRIu32 " ", kind, v[i].id);
		for (; j < n && v[j].id == v[i].id; j++) {
			size_t k = j;

			while (k + 1 < n && v[k + 1].id == v[i].id &&
			    v[k + 1].line == v[k].line + 1)
				k++;
			if (nr++ > 0)
				buf_addch(b, ',');
			buf_add_u32(b, v[j].line);
			if (k > j) {
				buf_addch(b, '-');
				buf_add_u32(b, v[k].line);
			}
			j = k;
		}
		buf_addch(b, '\n');
		i = j;
	}
	free(v);
}

static void
add_file(struct buf *b, const struct coverage *cov, const struct cov_file *f)
{
	buf_addstr(b, "file ");
	add_encoded(b, f->path);
	buf_addstr(b, "\nmodules");
	for (size_t i = 0; i < f->nmodules; i++) {
		if (f->modules[i] >= cov->nmodules)
			BUG("module index %" PRIu32 " out of range",
			    f->modules[i]);
		buf_printf(b, " %" PRIu32, f->modules[i]);
	}
	buf_addstr(b, f->nmodules ? "\nlines " : " -\nlines ");
	add_ranges(b, f, false);
	buf_addstr(b, "\nhit ");
	add_ranges(b, f, true);
	buf_addch(b, '\n');
	for (size_t i = 0; i < f->nfuncs; i++) {
		buf_addstr(b, "function ");
		buf_add_u32(b, f->funcs[i].line);
		buf_addstr(b, f->funcs[i].hit ? " 1 " : " 0 ");
		add_encoded(b, f->funcs[i].name);
		buf_addch(b, '\n');
	}
	add_tag_records(b, "context-hit", f->ctx, f->nctx);
	add_tag_records(b, "worker-hit", f->wtags, f->nwtags);
}

static int
format_data(const struct coverage *cov, struct buf *b)
{
	buf_printf(b, "%s%d\n", DATAFILE_MAGIC, DATAFILE_VERSION);
	for (size_t i = 0; i < cov->nruns; i++)
		add_run(b, &cov->runs[i]);
	for (size_t i = 0; i < cov->nworkers; i++)
		add_worker(b, &cov->workers[i]);
	for (size_t i = 0; i < cov->ncontexts; i++)
		add_context(b, cov->contexts[i]);
	for (size_t i = 0; i < cov->nmodules; i++)
		if (add_module(b, &cov->modules[i]) == -1)
			return -1;
	for (size_t i = 0; i < cov->nfiles; i++)
		add_file(b, cov, &cov->files[i]);
	buf_printf(b, "end %zu %08" PRIx32 "\n", cov->nfiles,
	    crc32_ieee(b->data, b->len));
	return 0;
}

char *
datafile_format(const struct coverage *cov, size_t *lenp)
{
	struct coverage *copy;
	struct buf b = BUF_INIT;
	char *text = NULL;

	*lenp = 0;
	cov = coverage_finished(cov, &copy);
	if (format_data(cov, &b) == 0)
		text = buf_detach(&b, lenp);
	buf_release(&b);
	coverage_free(copy);
	return text;
}

int
datafile_write(const struct coverage *cov, const char *path)
{
	size_t len;
	char *text = datafile_format(cov, &len);
	int r = -1;

	if (text != NULL)
		r = atomicfile_write(path, text, len);
	free(text);
	return r;
}

/*
 * Reading.  The input is untrusted: every record is checked, every length is
 * bounded, and the first problem is reported as one line naming the file.
 */

struct span {
	const char *p;
	size_t n;
};

/* The fields of a record, split at single spaces. */
struct fields {
	struct span rest;
	bool more;
};

enum rstate {
	R_RUNS,
	R_WORKERS,
	R_CONTEXTS,
	R_MODULES,
	R_FILES,
	R_FILE_MODULES, /* after "file", expecting "modules" */
	R_FILE_LINES,
	R_FILE_HIT,
	R_FILE_FUNCS, /* after "hit": functions, another file or the end */
	R_FILE_CTX, /* after a context-hit record */
	R_FILE_WK, /* after a worker-hit record */
};

struct reader {
	const char *path;
	const char *data;
	size_t len;
	size_t lineno;
	unsigned version;
	enum rstate state;
	struct coverage *cov;
	struct cov_file *file; /* the file block being read */
	uint64_t nstmts; /* statement lines read so far */
	uint64_t ntags; /* context and worker tags read so far */
	uint64_t last_tag_id; /* of the last context-hit or worker-hit */
	char show[64];
};

static int bad(struct reader *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print "'PATH' line N: MSG" and return -1. */
static int
bad(struct reader *rd, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error("'%s' line %zu: %s", rd->path, rd->lineno, msg);
}

/* A printable excerpt of s for a message; valid until the next call. */
static const char *
show(struct reader *rd, struct span s)
{
	size_t max = sizeof(rd->show) - 4, n = 0;

	for (; n < s.n && n < max; n++) {
		unsigned char c = (unsigned char)s.p[n];

		rd->show[n] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n < s.n) {
		memcpy(rd->show + n, "...", 3);
		n += 3;
	}
	rd->show[n] = '\0';
	return rd->show;
}

static bool
span_eq(struct span s, const char *str)
{
	return s.n == strlen(str) && memcmp(s.p, str, s.n) == 0;
}

/* The next token up to sep (or the end); false when there is none left. */
static bool
next_token(struct fields *fs, char sep, struct span *tokp)
{
	const char *at;

	if (!fs->more)
		return false;
	tokp->p = fs->rest.p;
	if ((at = memchr(fs->rest.p, sep, fs->rest.n)) == NULL) {
		tokp->n = fs->rest.n;
		fs->more = false;
		return true;
	}
	tokp->n = (size_t)(at - fs->rest.p);
	fs->rest.p = at + 1;
	fs->rest.n -= tokp->n + 1;
	return true;
}

/* Split s at character c: *headp before it, *tailp after it. */
static bool
span_split(struct span s, char c, struct span *headp, struct span *tailp)
{
	const char *at = memchr(s.p, c, s.n);

	if (at == NULL)
		return false;
	headp->p = s.p;
	headp->n = (size_t)(at - s.p);
	tailp->p = at + 1;
	tailp->n = s.n - headp->n - 1;
	return true;
}

/* Parse a decimal number without sign or leading zeros, at most max. */
static bool
parse_u64(struct span s, uint64_t max, uint64_t *vp)
{
	uint64_t v = 0;

	if (s.n == 0 || s.n > 20 || (s.p[0] == '0' && s.n > 1))
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';

		if (d > 9 || d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*vp = v;
	return true;
}

static bool
parse_i64(struct span s, int64_t min, int64_t max, int64_t *vp)
{
	uint64_t v;

	if (s.n > 0 && s.p[0] == '-') {
		s.p++;
		s.n--;
		if (!parse_u64(s, -(uint64_t)min, &v))
			return false;
		*vp = v == 0 ? 0 : -(int64_t)(v - 1) - 1;
		return true;
	}
	if (!parse_u64(s, (uint64_t)max, &v))
		return false;
	*vp = (int64_t)v;
	return true;
}

/* "SECS" or "SECS.FRACTION" with at most nine digits of fraction. */
static bool
parse_duration(struct span s, double *dp)
{
	struct span ip, fp = {NULL, 0};
	uint64_t secs, frac = 0;
	double scale = 1;

	if (!span_split(s, '.', &ip, &fp))
		ip = s;
	else if (fp.n == 0 || fp.n > 9)
		return false;
	if (!parse_u64(ip, (uint64_t)DURATION_MAX, &secs))
		return false;
	for (size_t i = 0; i < fp.n; i++) {
		unsigned d = (unsigned char)fp.p[i] - '0';

		if (d > 9)
			return false;
		frac = frac * 10 + d;
		scale *= 10;
	}
	*dp = (double)secs + (double)frac / scale;
	return true;
}

/* Undo the percent-encoding of s into a new string; what names it. */
static int
decode(struct reader *rd, struct span s, const char *what, char **outp)
{
	if (pct_decode(s.p, s.n, "=", outp) == 0)
		return 0;
	bad(rd, "bad %s '%s'", what, show(rd, s));
	return -1; /* said so; the analyzer cannot see bad() */
}

/* The value of the next field, which must read "key=VALUE". */
static int
run_field(struct reader *rd, struct fields *fs, const char *key,
    struct span *valp)
{
	size_t kl = strlen(key);
	struct span tok;

	if (!next_token(fs, ' ', &tok) || tok.n <= kl ||
	    memcmp(tok.p, key, kl) != 0 || tok.p[kl] != '=')
		return bad(rd, "run record lacks '%s='", key);
	valp->p = tok.p + kl + 1;
	valp->n = tok.n - kl - 1;
	return 0;
}

static int
run_string(struct reader *rd, struct fields *fs, const char *key, char **strp)
{
	struct span v = {NULL, 0};

	if (run_field(rd, fs, key, &v) == -1)
		return -1;
	return decode(rd, v, key, strp);
}

static int
run_numbers(struct reader *rd, struct fields *fs, struct cov_run *run)
{
	struct span v = {NULL, 0};
	int64_t n;

	if (run_field(rd, fs, "start", &v) == -1)
		return -1;
	if (!parse_i64(v, INT64_MIN, INT64_MAX, &run->start))
		return bad(rd, "bad start '%s'", show(rd, v));
	if (run_field(rd, fs, "duration", &v) == -1)
		return -1;
	if (!parse_duration(v, &run->duration))
		return bad(rd, "bad duration '%s'", show(rd, v));
	if (run_field(rd, fs, "status", &v) == -1)
		return -1;
	if (!parse_i64(v, INT_MIN, INT_MAX, &n))
		return bad(rd, "bad status '%s'", show(rd, v));
	run->status = (int)n;
	return 0;
}

static int
parse_run(struct reader *rd, struct fields *fs)
{
	struct cov_run run = {0};
	int r = -1;

	if (run_string(rd, fs, "host", &run.host) == -1 ||
	    run_string(rd, fs, "platform", &run.platform) == -1 ||
	    run_string(rd, fs, "cwd", &run.cwd) == -1 ||
	    run_numbers(rd, fs, &run) == -1 ||
	    run_string(rd, fs, "command", &run.command) == -1)
		goto out;
	if (fs->more) {
		bad(rd, "unexpected field '%s' in run record",
		    show(rd, fs->rest));
		goto out;
	}
	coverage_add_run(rd->cov, &run);
	r = 0;
out:
	free(run.host);
	free(run.platform);
	free(run.cwd);
	free(run.command);
	return r;
}

static int
parse_module(struct reader *rd, struct fields *fs)
{
	struct span id;
	char *build_id = NULL, *path = NULL;
	size_t n = rd->cov->nmodules;
	int r = -1;

	if (!next_token(fs, ' ', &id) || !fs->more || id.n == 0) {
		bad(rd, "bad module record");
		goto out;
	}
	build_id = span_eq(id, "-") ? xstrdup("") : xstrndup(id.p, id.n);
	if (build_id[0] != '\0' &&
	    (strlen(build_id) != id.n || !is_build_id(build_id))) {
		bad(rd, "bad build-id '%s'", show(rd, id));
		goto out;
	}
	if (decode(rd, fs->rest, "module path", &path) == -1)
		goto out;
	if (coverage_module(rd->cov, build_id, path) != n) {
		bad(rd, "duplicate module '%s'", show(rd, fs->rest));
		goto out;
	}
	r = 0;
out:
	free(build_id);
	free(path);
	return r;
}

static int
parse_file(struct reader *rd, struct fields *fs)
{
	struct coverage *cov = rd->cov;
	char *path = NULL;

	if (decode(rd, fs->rest, "file path", &path) == -1)
		return -1;
	if (cov->nfiles > 0 &&
	    strcmp(cov->files[cov->nfiles - 1].path, path) >= 0) {
		free(path);
		return bad(rd, "files not sorted by path at '%s'",
		    show(rd, fs->rest));
	}
	rd->file = coverage_file(cov, path);
	free(path);
	return 0;
}

static int
parse_modules(struct reader *rd, struct fields *fs)
{
	struct span tok;
	uint64_t idx, prev = 0;

	if (span_eq(fs->rest, "-"))
		return 0;
	while (next_token(fs, ' ', &tok)) {
		if (!parse_u64(tok, UINT32_MAX, &idx) ||
		    idx >= rd->cov->nmodules)
			return bad(rd, "bad module index '%s'", show(rd, tok));
		if (rd->file->nmodules > 0 && idx <= prev)
			return bad(rd, "module indices not ascending at '%s'",
			    show(rd, tok));
		cov_file_add_module(rd->file, (uint32_t)idx);
		prev = idx;
	}
	return 0;
}

/* The next range "A" or "A-B" of a list that must ascend past *lastp. */
static int
next_range(struct reader *rd, struct fields *fs, uint64_t *lastp, uint64_t *ap,
    uint64_t *bp)
{
	struct span tok, a, b;

	if (!next_token(fs, ',', &tok))
		BUG("no range left");
	if (!span_split(tok, '-', &a, &b))
		a = b = tok;
	if (!parse_u64(a, UINT32_MAX, ap) || !parse_u64(b, UINT32_MAX, bp) ||
	    *ap == 0 || *bp < *ap)
		return bad(rd, "bad line range '%s'", show(rd, tok));
	if (*ap <= *lastp)
		return bad(rd, "line range '%s' out of order", show(rd, tok));
	*lastp = *bp;
	return 0;
}

static int
parse_lines(struct reader *rd, struct fields *fs)
{
	struct cov_file *f = rd->file;
	uint64_t a = 0, b = 0, last = 0;

	if (span_eq(fs->rest, "-"))
		return 0;
	while (fs->more) {
		if (next_range(rd, fs, &last, &a, &b) == -1)
			return -1;
		rd->nstmts += b - a + 1;
		if (rd->nstmts > DATAFILE_MAX_LINES)
			return bad(rd, "more than %u statement lines",
			    DATAFILE_MAX_LINES);
		/* A range grows the array once, not once per line. */
		XGROW(f->lines, f->nlines + (size_t)(b - a + 1), f->alloc);
		for (uint64_t l = a; l <= b; l++)
			f->lines[f->nlines++] =
			    (struct cov_line){.line = (uint32_t)l};
	}
	return 0;
}

static int
parse_hit(struct reader *rd, struct fields *fs)
{
	struct cov_file *f = rd->file;
	uint64_t a = 0, b = 0, last = 0;
	size_t i = 0;

	if (span_eq(fs->rest, "-"))
		return 0;
	while (fs->more) {
		size_t end;

		if (next_range(rd, fs, &last, &a, &b) == -1)
			return -1;
		while (i < f->nlines && f->lines[i].line < a)
			i++;
		/* Lines ascend strictly, so a..b are all statements exactly
		 * when both ends are, b - a entries apart. */
		end = i + (size_t)(b - a);
		if (i >= f->nlines || f->lines[i].line != a ||
		    end >= f->nlines || f->lines[end].line != b)
			return bad(rd,
			    "hit lines %" PRIu64 "-%" PRIu64
			    " are not all statement lines",
			    a, b);
		for (; i <= end; i++)
			f->lines[i].hit = true;
	}
	return 0;
}

static int
parse_function(struct reader *rd, struct fields *fs)
{
	struct cov_file *f = rd->file;
	struct span ln, hit;
	uint64_t line;
	char *name = NULL;
	const struct cov_func *prev;

	if (rd->version < 2)
		return bad(rd, "function records need data file version 2");
	if (!next_token(fs, ' ', &ln) || !next_token(fs, ' ', &hit) ||
	    !fs->more)
		return bad(rd, "bad function record");
	if (!parse_u64(ln, UINT32_MAX, &line) || line == 0)
		return bad(rd, "bad function line '%s'", show(rd, ln));
	if (!span_eq(hit, "0") && !span_eq(hit, "1"))
		return bad(rd, "bad function hit flag '%s'", show(rd, hit));
	if (decode(rd, fs->rest, "function name", &name) == -1)
		return -1;
	prev = f->nfuncs > 0 ? &f->funcs[f->nfuncs - 1] : NULL;
	if (prev != NULL && (prev->line > line ||
				(prev->line == line &&
				    strcmp(prev->name, name) >= 0))) {
		free(name);
		return bad(rd, "function records not sorted at '%s'",
		    show(rd, fs->rest));
	}
	cov_file_add_func(f, name, (uint32_t)line, span_eq(hit, "1"));
	free(name);
	return 0;
}

static int
need_v3(struct reader *rd, const char *what)
{
	if (rd->version < 3)
		return bad(rd, "%s records need data file version 3", what);
	return 0;
}

/* The value of the next field, which must read "key=VALUE". */
static int
worker_string(struct reader *rd, struct fields *fs, const char *key,
    char **strp)
{
	size_t kl = strlen(key);
	struct span tok, v;

	if (!next_token(fs, ' ', &tok) || tok.n <= kl ||
	    memcmp(tok.p, key, kl) != 0 || tok.p[kl] != '=')
		return bad(rd, "worker record lacks '%s='", key);
	v.p = tok.p + kl + 1;
	v.n = tok.n - kl - 1;
	return decode(rd, v, key, strp);
}

static int
parse_worker(struct reader *rd, struct fields *fs)
{
	struct cov_worker w = {0};
	char *lost = NULL;
	size_t n = rd->cov->nworkers;
	int r = -1;

	if (need_v3(rd, "worker") == -1 ||
	    worker_string(rd, fs, "id", &w.id) == -1 ||
	    worker_string(rd, fs, "host", &w.host) == -1 ||
	    worker_string(rd, fs, "platform", &w.platform) == -1 ||
	    worker_string(rd, fs, "cwd", &w.cwd) == -1 ||
	    worker_string(rd, fs, "lost", &lost) == -1)
		goto out;
	if (fs->more || (strcmp(lost, "0") != 0 && strcmp(lost, "1") != 0) ||
	    w.id[0] == '\0') {
		bad(rd, "bad worker record");
		goto out;
	}
	w.lost = lost[0] == '1';
	if (coverage_worker(rd->cov, &w) != n) {
		bad(rd, "duplicate worker '%s'", w.id);
		goto out;
	}
	r = 0;
out:
	free(w.id);
	free(w.host);
	free(w.platform);
	free(w.cwd);
	free(lost);
	return r;
}

static int
parse_context(struct reader *rd, struct fields *fs)
{
	char *name = NULL;
	size_t n = rd->cov->ncontexts;
	int r = -1;

	if (need_v3(rd, "context") == -1 ||
	    decode(rd, fs->rest, "context", &name) == -1)
		return -1;
	if (coverage_context(rd->cov, name) != n)
		bad(rd, "duplicate context '%s'", show(rd, fs->rest));
	else
		r = 0;
	free(name);
	return r;
}

/* Whether line is a hit line of f, whose lines ascend. */
static bool
is_hit_line(const struct cov_file *f, uint64_t line)
{
	size_t lo = 0, hi = f->nlines;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->lines[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nlines && f->lines[lo].line == line && f->lines[lo].hit;
}

/* "context-hit INDEX RANGES" or "worker-hit INDEX RANGES". */
static int
parse_tags(struct reader *rd, struct fields *fs, bool worker)
{
	const char *kind = worker ? "worker-hit" : "context-hit";
	size_t max = worker ? rd->cov->nworkers : rd->cov->ncontexts;
	bool first = rd->state != (worker ? R_FILE_WK : R_FILE_CTX);
	uint64_t idx, a = 0, b = 0, last = 0;
	struct span tok;

	if (need_v3(rd, kind) == -1)
		return -1;
	if (!next_token(fs, ' ', &tok) || !fs->more ||
	    !parse_u64(tok, UINT32_MAX, &idx) || idx >= max)
		return bad(rd, "bad %s record", kind);
	if (!first && idx <= rd->last_tag_id)
		return bad(rd, "%s records not ascending at '%s'", kind,
		    show(rd, tok));
	rd->last_tag_id = idx;
	while (fs->more) {
		if (next_range(rd, fs, &last, &a, &b) == -1)
			return -1;
		rd->ntags += b - a + 1;
		if (rd->ntags > DATAFILE_MAX_TAGS)
			return bad(rd, "more than %u context and worker lines",
			    DATAFILE_MAX_TAGS);
		for (uint64_t l = a; l <= b; l++) {
			if (!is_hit_line(rd->file, l))
				return bad(rd, "%s line %" PRIu64
					       " is not a hit line",
				    kind, l);
			if (worker)
				cov_file_add_worker(rd->file, (uint32_t)l,
				    (uint32_t)idx);
			else
				cov_file_add_context(rd->file, (uint32_t)l,
				    (uint32_t)idx);
		}
	}
	return 0;
}

static int
parse_context_hit(struct reader *rd, struct fields *fs)
{
	return parse_tags(rd, fs, false);
}

static int
parse_worker_hit(struct reader *rd, struct fields *fs)
{
	return parse_tags(rd, fs, true);
}

struct record {
	const char *name;
	unsigned states; /* the states in which it may appear */
	enum rstate next;
	int (*parse)(struct reader *rd, struct fields *fs);
};

#define IN(s) (1u << (s))

#define BEFORE_MODULES (IN(R_RUNS) | IN(R_WORKERS) | IN(R_CONTEXTS))
#define FILE_END (IN(R_FILE_FUNCS) | IN(R_FILE_CTX) | IN(R_FILE_WK))

static const struct record records[] = {
    {"run", IN(R_RUNS), R_RUNS, parse_run},
    {"worker", IN(R_RUNS) | IN(R_WORKERS), R_WORKERS, parse_worker},
    {"context", BEFORE_MODULES, R_CONTEXTS, parse_context},
    {"module", BEFORE_MODULES | IN(R_MODULES), R_MODULES, parse_module},
    {"file", BEFORE_MODULES | IN(R_MODULES) | IN(R_FILES) | FILE_END,
        R_FILE_MODULES, parse_file},
    {"modules", IN(R_FILE_MODULES), R_FILE_LINES, parse_modules},
    {"lines", IN(R_FILE_LINES), R_FILE_HIT, parse_lines},
    {"hit", IN(R_FILE_HIT), R_FILE_FUNCS, parse_hit},
    {"function", IN(R_FILE_FUNCS), R_FILE_FUNCS, parse_function},
    {"context-hit", IN(R_FILE_FUNCS) | IN(R_FILE_CTX), R_FILE_CTX,
        parse_context_hit},
    {"worker-hit", FILE_END, R_FILE_WK, parse_worker_hit},
    {"end", 0, R_FILES, NULL},
};

/* What a file block still needs, by state. */
static const char *
expected(enum rstate s)
{
	switch (s) {
	case R_FILE_MODULES:
		return "modules";
	case R_FILE_LINES:
		return "lines";
	case R_FILE_HIT:
		return "hit";
	default:
		return NULL;
	}
}

static int
parse_record(struct reader *rd, struct span line)
{
	struct fields fs = {line, true};
	const struct record *rec = NULL;
	struct span kw;

	next_token(&fs, ' ', &kw);
	/* The first letter first: a strlen of every name for every record
	 * was a good part of reading a data file. */
	for (size_t i = 0; i < sizeof(records) / sizeof(*records); i++) {
		if (kw.n > 0 && kw.p[0] == records[i].name[0] &&
		    span_eq(kw, records[i].name)) {
			rec = &records[i];
			break;
		}
	}
	if (rec == NULL)
		return bad(rd, "unknown record '%s'", show(rd, kw));
	if ((rec->states & IN(rd->state)) == 0) {
		if (expected(rd->state) != NULL)
			return bad(rd, "expected a '%s' record, found '%s'",
			    expected(rd->state), rec->name);
		return bad(rd, "unexpected '%s' record", rec->name);
	}
	if (!fs.more)
		return bad(rd, "incomplete '%s' record", rec->name);
	if (rec->parse(rd, &fs) == -1)
		return -1;
	rd->state = rec->next;
	return 0;
}

/* Parse the records between the header and the end record at endoff. */
static int
parse_records(struct reader *rd, size_t off, size_t endoff)
{
	while (off < endoff) {
		const char *nl = memchr(rd->data + off, '\n', endoff - off);
		struct span line = {rd->data + off,
		    (size_t)(nl - (rd->data + off))};

		rd->lineno++;
		if (parse_record(rd, line) == -1)
			return -1;
		off += line.n + 1;
	}
	rd->lineno++;
	if (expected(rd->state) != NULL)
		return bad(rd, "expected a '%s' record, found 'end'",
		    expected(rd->state));
	return 0;
}

/* Check the first line; set *offp past it. */
static int
check_header(struct reader *rd, size_t *offp)
{
	size_t ml = strlen(DATAFILE_MAGIC);
	const char *nl = memchr(rd->data, '\n', rd->len);
	struct span v;
	uint64_t version;

	v.n = nl ? (size_t)(nl - rd->data) : rd->len;
	if (v.n < ml || memcmp(rd->data, DATAFILE_MAGIC, ml) != 0)
		return error("'%s' is not a covtrace data file", rd->path);
	v.p = rd->data + ml;
	v.n -= ml;
	if (!parse_u64(v, 999999999, &version))
		return error("'%s' is not a covtrace data file", rd->path);
	if (version < DATAFILE_VERSION_MIN || version > DATAFILE_VERSION)
		return error("'%s': unsupported data file version %" PRIu64,
		    rd->path, version);
	rd->version = (unsigned)version;
	*offp = v.n + ml + 1;
	rd->lineno = 1;
	return 0;
}

static size_t
line_number_at(const struct reader *rd, size_t off)
{
	size_t n = 1;

	for (const char *p = rd->data;
	     (p = memchr(p, '\n', off - (size_t)(p - rd->data))) != NULL; p++)
		n++;
	return n;
}

static bool
is_end_record(const struct reader *rd, size_t off)
{
	return rd->len - off >= 4 && memcmp(rd->data + off, "end ", 4) == 0;
}

/* Find the end record, which must be the last line; set *endoffp to it. */
static int
find_end(struct reader *rd, size_t *endoffp)
{
	size_t off = rd->len - 1, last_end = 0;

	if (rd->len == 0 || rd->data[rd->len - 1] != '\n')
		return error("'%s' is truncated (no end record)", rd->path);
	while (off > 0 && rd->data[off - 1] != '\n')
		off--;
	if (is_end_record(rd, off)) {
		*endoffp = off;
		return 0;
	}
	/* Tell data after an end record apart from a missing one. */
	for (off = 0; off < rd->len; off++)
		if ((off == 0 || rd->data[off - 1] == '\n') &&
		    is_end_record(rd, off))
			last_end = off;
	if (last_end == 0)
		return error("'%s' is truncated (no end record)", rd->path);
	rd->lineno = line_number_at(rd, last_end) + 1;
	return bad(rd, "data after the end record");
}

/* Check the end record at endoff and the checksum of what precedes it. */
static int
check_end(struct reader *rd, size_t endoff, uint64_t *nfilesp)
{
	struct fields fs = {{rd->data + endoff, rd->len - endoff - 1}, true};
	struct span kw, count, crc;
	uint32_t want = 0;

	rd->lineno = line_number_at(rd, endoff);
	if (!next_token(&fs, ' ', &kw) || !next_token(&fs, ' ', &count) ||
	    !next_token(&fs, ' ', &crc) || fs.more ||
	    !parse_u64(count, SIZE_MAX, nfilesp) || crc.n != 8)
		return bad(rd, "bad end record");
	for (size_t i = 0; i < crc.n; i++) {
		int d = hex_digit((unsigned char)crc.p[i]);

		if (d < 0)
			return bad(rd, "bad end record");
		want = want << 4 | (uint32_t)d;
	}
	if (crc32_ieee(rd->data, endoff) != want)
		return error("'%s': checksum mismatch", rd->path);
	return 0;
}

static int
parse_data(struct reader *rd)
{
	size_t off = 0, endoff = 0;
	uint64_t nfiles = 0;

	if (check_header(rd, &off) == -1 || find_end(rd, &endoff) == -1 ||
	    check_end(rd, endoff, &nfiles) == -1)
		return -1;
	rd->lineno = 1;
	rd->state = R_RUNS;
	if (parse_records(rd, off, endoff) == -1)
		return -1;
	if (nfiles != rd->cov->nfiles)
		return bad(rd, "end record counts %" PRIu64 " files, found %zu",
		    nfiles, rd->cov->nfiles);
	return 0;
}

int
datafile_parse(const char *name, const char *data, size_t len,
    struct coverage **covp)
{
	struct reader rd = {.path = name, .data = data, .len = len};
	int r = -1;

	*covp = NULL;
	rd.cov = coverage_new();
	if (parse_data(&rd) == -1)
		goto out;
	/* Runs and modules may come in any order (version 1 did not sort
	 * them); the rest was checked to be in order already. */
	coverage_finish(rd.cov);
	*covp = rd.cov;
	rd.cov = NULL;
	r = 0;
out:
	coverage_free(rd.cov);
	return r;
}

int
datafile_read(const char *path, struct coverage **covp)
{
	char *data = NULL;
	struct stat st;
	size_t len;
	int r;

	*covp = NULL;
	/* A FIFO or a device would block or never end. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return error("cannot read data file '%s': it is not a regular "
			     "file",
		    path);
	if (file_read_all(path, &data, &len) == -1)
		return error("cannot read data file '%s': %s", path,
		    errno == ENOENT ? "no such file" : strerror(errno));
	r = datafile_parse(path, data, len, covp);
	free(data);
	return r;
}

bool
datafile_probe(const char *path)
{
	char head[sizeof(DATAFILE_MAGIC) - 1];
	FILE *fp = fopen(path, "r");
	bool r;

	if (fp == NULL)
		return false;
	r = fread(head, 1, sizeof(head), fp) == sizeof(head) &&
	    memcmp(head, DATAFILE_MAGIC, sizeof(head)) == 0;
	fclose(fp);
	return r;
}
