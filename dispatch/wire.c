/* doc/PROTOCOL.worker frames and messages. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/pct.h"
#include "common/xalloc.h"
#include "dispatch/wire.h"

static const char type_names[][5] = {
    [WIRE_HELO] = "HELO",
    [WIRE_SETU] = "SETU",
    [WIRE_REDY] = "REDY",
    [WIRE_FAIL] = "FAIL",
    [WIRE_TASK] = "TASK",
    [WIRE_FILE] = "FILE",
    [WIRE_SOUT] = "SOUT",
    [WIRE_SERR] = "SERR",
    [WIRE_DONE] = "DONE",
};

#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

const char *
wire_type_name(enum wire_type type)
{
	if ((size_t)type >= NTYPES)
		BUG("bad wire type %d", (int)type);
	return type_names[type];
}

/* A printable excerpt of n bytes at p, for messages. */
static void
excerpt(char *dst, size_t size, const char *p, size_t n)
{
	size_t i = 0, max = size > 4 ? size - 4 : 0;

	for (; i < n && i < max; i++) {
		unsigned char c = (unsigned char)p[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < n && size >= 4) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	if (size > 0)
		dst[i < size ? i : size - 1] = '\0';
}

/* Frames. */

void
wire_reader_init(struct wire_reader *rd)
{
	buf_init(&rd->in);
	rd->off = 0;
}

void
wire_reader_release(struct wire_reader *rd)
{
	buf_release(&rd->in);
	rd->off = 0;
}

void
wire_reader_feed(struct wire_reader *rd, const void *data, size_t len)
{
	if (len == 0)
		return;
	/* Drop what was handed out before the buffer grows. */
	if (rd->off > 0 && (rd->off == rd->in.len || rd->off > 65536)) {
		memmove(rd->in.data, rd->in.data + rd->off,
		    rd->in.len - rd->off);
		rd->in.len -= rd->off;
		rd->off = 0;
	}
	buf_add(&rd->in, data, len);
}

bool
wire_reader_pending(const struct wire_reader *rd)
{
	return rd->in.len > rd->off;
}

static uint32_t
get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
wire_reader_next(struct wire_reader *rd, struct wire_frame *framep, char *err,
    size_t errsize)
{
	size_t avail = rd->in.len - rd->off;
	const unsigned char *p;
	uint32_t len;
	char shown[16];

	if (avail < WIRE_HEADER_LEN)
		return 0;
	p = (const unsigned char *)rd->in.data + rd->off;
	for (size_t t = 0; t < NTYPES; t++) {
		if (memcmp(p, type_names[t], 4) != 0)
			continue;
		len = get_be32(p + 4);
		if (len > WIRE_MAX_PAYLOAD)
			return error_buf(err, errsize,
			    "%s frame of %" PRIu32 " bytes (at most %u)",
			    type_names[t], len, WIRE_MAX_PAYLOAD);
		if (avail - WIRE_HEADER_LEN < len)
			return 0;
		framep->type = (enum wire_type)t;
		framep->payload = (const char *)p + WIRE_HEADER_LEN;
		framep->len = len;
		rd->off += WIRE_HEADER_LEN + len;
		return 1;
	}
	excerpt(shown, sizeof(shown), (const char *)p, avail);
	return error_buf(err, errsize, "not a frame: '%s'", shown);
}

/* Writing. */

size_t
wire_begin(struct buf *out, enum wire_type type)
{
	size_t start = out->len;

	buf_add(out, wire_type_name(type), 4);
	buf_add(out, "\0\0\0\0", 4);
	return start;
}

void
wire_end(struct buf *out, size_t start)
{
	size_t len = out->len - start - WIRE_HEADER_LEN;
	unsigned char *p = (unsigned char *)out->data + start + 4;

	if (len > WIRE_MAX_PAYLOAD)
		BUG("frame of %zu bytes", len);
	p[0] = (unsigned char)(len >> 24);
	p[1] = (unsigned char)(len >> 16);
	p[2] = (unsigned char)(len >> 8);
	p[3] = (unsigned char)len;
}

void
wire_record(struct buf *out, const char *name, size_t n,
    const char *const fields[])
{
	buf_addstr(out, name);
	for (size_t i = 0; i < n; i++) {
		buf_addch(out, ' ');
		buf_add_pct(out, fields[i], "");
	}
	buf_addch(out, '\n');
}

void
wire_record_str(struct buf *out, const char *name, const char *value)
{
	wire_record(out, name, 1, &value);
}

void
wire_record_u64(struct buf *out, const char *name, uint64_t v)
{
	buf_printf(out, "%s %" PRIu64 "\n", name, v);
}

void
wire_record_ranges(struct buf *out, const char *name, const uint32_t *lines,
    size_t n)
{
	buf_addstr(out, name);
	buf_addch(out, ' ');
	if (n == 0)
		buf_addch(out, '-');
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j + 1 < n && lines[j + 1] == lines[j] + 1)
			j++;
		buf_printf(out, i > 0 ? ",%" PRIu32 : "%" PRIu32, lines[i]);
		if (j > i)
			buf_printf(out, "-%" PRIu32, lines[j]);
		i = j;
	}
	buf_addch(out, '\n');
}

void
wire_put_raw(struct buf *out, enum wire_type type, const void *data, size_t len)
{
	size_t start = wire_begin(out, type);

	buf_add(out, data, len);
	wire_end(out, start);
}

static void
record_seconds(struct buf *out, const char *name, double s)
{
	uint64_t us;

	if (!(s >= 0))
		s = 0;
	if (s > 1e9)
		s = 1e9;
	us = (uint64_t)(s * 1e6 + 0.5);
	buf_printf(out, "%s %" PRIu64 ".%06" PRIu64 "\n", name, us / 1000000,
	    us % 1000000);
}

void
wire_put_hello(struct buf *out, const struct wire_hello *m)
{
	size_t start = wire_begin(out, WIRE_HELO);

	wire_record_u64(out, "protocol", m->protocol);
	wire_record_str(out, "version", m->version);
	wire_record_str(out, "platform", m->platform);
	wire_record_str(out, "host", m->host);
	wire_record_u64(out, "pid", m->pid);
	wire_end(out, start);
}

void
wire_put_setup(struct buf *out, const struct wire_setup *m)
{
	size_t start = wire_begin(out, WIRE_SETU);

	wire_record_u64(out, "protocol", m->protocol);
	wire_record_str(out, "id", m->id);
	wire_record_u64(out, "workers", m->workers);
	if (m->chdir != NULL)
		wire_record_str(out, "chdir", m->chdir);
	for (size_t i = 0; i < m->nenv; i++) {
		const char *f[] = {m->env[i].name, m->env[i].value};

		wire_record(out, "env", 2, f);
	}
	if (m->nice_set)
		buf_printf(out, "nice %d\n", m->nice);
	for (size_t i = 0; i < m->ncov; i++)
		wire_record_str(out, "cov", m->cov[i]);
	for (size_t i = 0; i < m->ninclude; i++)
		wire_record_str(out, "include", m->include[i]);
	for (size_t i = 0; i < m->nexclude; i++)
		wire_record_str(out, "exclude", m->exclude[i]);
	if (m->no_cache)
		wire_record(out, "no-cache", 0, NULL);
	wire_record_str(out, "cpu", m->cpu_same ? "same" : "any");
	wire_record_str(out, "idle", m->idle_sleep ? "sleep" : "poll");
	buf_printf(out, "verbosity %d\n", m->verbosity);
	wire_end(out, start);
}

void
wire_put_ready(struct buf *out, const char *cwd)
{
	size_t start = wire_begin(out, WIRE_REDY);

	wire_record_str(out, "cwd", cwd);
	wire_end(out, start);
}

void
wire_put_fail(struct buf *out, const char *message)
{
	size_t start = wire_begin(out, WIRE_FAIL);

	wire_record_str(out, "message", message);
	wire_end(out, start);
}

void
wire_put_task(struct buf *out, const struct wire_task *m)
{
	size_t start = wire_begin(out, WIRE_TASK);

	wire_record_u64(out, "job", m->job);
	wire_record_str(out, "command", m->command);
	if (m->timeout > 0)
		record_seconds(out, "timeout", m->timeout);
	wire_end(out, start);
}

void
wire_put_file(struct buf *out, uint64_t job, const struct file_lines *fl)
{
	size_t start = wire_begin(out, WIRE_FILE);

	wire_record_u64(out, "job", job);
	wire_record_str(out, "build-id", fl->build_id);
	wire_record_str(out, "image", fl->image);
	wire_record_str(out, "file", fl->path);
	wire_record_ranges(out, "lines", fl->lines, fl->nlines);
	wire_record_ranges(out, "hit", fl->hit, fl->nhit);
	for (size_t i = 0; i < fl->nfuncs; i++) {
		char line[16];
		const char *f[] = {line, fl->funcs[i].hit ? "1" : "0",
		    fl->funcs[i].name};

		snprintf(line, sizeof(line), "%" PRIu32, fl->funcs[i].line);
		wire_record(out, "function", 3, f);
	}
	wire_end(out, start);
}

void
wire_put_done(struct buf *out, const struct wire_done *m)
{
	size_t start = wire_begin(out, WIRE_DONE);

	wire_record_u64(out, "job", m->job);
	buf_printf(out, "status %d\n", m->status < 0 ? 255 : m->status);
	record_seconds(out, "duration", m->duration);
	wire_record_str(out, "timeout", m->timeout ? "1" : "0");
	if (m->dropped_out > 0 || m->dropped_err > 0)
		buf_printf(out, "dropped %" PRIu64 " %" PRIu64 "\n",
		    m->dropped_out, m->dropped_err);
	wire_end(out, start);
}

/* Reading records.  A frame's payload is split into records, their fields
 * decoded; the typed decoders then pick the records they know. */

struct rec {
	const char *name; /* borrowed from the payload */
	size_t namelen;
	size_t nfields;
	char **fields;
};

struct recs {
	size_t n;
	struct rec *v;
	const char *type; /* for messages */
	char *err;
	size_t errsize;
};

static void
recs_release(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		for (size_t k = 0; k < rs->v[i].nfields; k++)
			free(rs->v[i].fields[k]);
		free(rs->v[i].fields);
	}
	free(rs->v);
	rs->n = 0;
	rs->v = NULL;
}

/* Decode one field of n bytes at p. */
static int
decode_field(struct recs *rs, const char *p, size_t n, char **outp)
{
	char shown[40];

	if (pct_decode(p, n, "", outp) == 0)
		return 0;
	excerpt(shown, sizeof(shown), p, n);
	return error_buf(rs->err, rs->errsize, "badly encoded field '%s' in %s",
	    shown, rs->type);
}

static bool
valid_name(const char *p, size_t n)
{
	if (n == 0 || p[0] < 'a' || p[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		        (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
			return false;
	return true;
}

/* Split one record line (without its newline) into rec. */
static int
parse_record(struct recs *rs, const char *p, size_t n, struct rec *rec)
{
	const char *sp = memchr(p, ' ', n);
	size_t namelen = sp != NULL ? (size_t)(sp - p) : n;
	char shown[40];

	memset(rec, 0, sizeof(*rec));
	if (!valid_name(p, namelen)) {
		excerpt(shown, sizeof(shown), p, n);
		return error_buf(rs->err, rs->errsize, "bad record '%s' in %s",
		    shown, rs->type);
	}
	rec->name = p;
	rec->namelen = namelen;
	while (sp != NULL) {
		const char *f = sp + 1, *end = p + n;

		sp = memchr(f, ' ', (size_t)(end - f));
		rec->fields = xreallocarray(rec->fields, rec->nfields + 1,
		    sizeof(*rec->fields));
		if (decode_field(rs, f, (size_t)((sp ? sp : end) - f),
		        &rec->fields[rec->nfields]) == -1)
			return -1;
		rec->nfields++;
	}
	return 0;
}

static int
parse_records(const struct wire_frame *f, struct recs *rs)
{
	size_t off = 0;

	while (off < f->len) {
		const char *p = f->payload + off;
		const char *nl = memchr(p, '\n', f->len - off);
		struct rec rec;

		if (nl == NULL)
			return error_buf(rs->err, rs->errsize,
			    "%s payload does not end in a newline", rs->type);
		rs->v = xreallocarray(rs->v, rs->n + 1, sizeof(*rs->v));
		if (parse_record(rs, p, (size_t)(nl - p), &rec) == -1) {
			rs->v[rs->n++] = rec;
			return -1;
		}
		rs->v[rs->n++] = rec;
		off += (size_t)(nl - p) + 1;
	}
	return 0;
}

static bool
rec_is(const struct rec *r, const char *name)
{
	return r->namelen == strlen(name) &&
	    memcmp(r->name, name, r->namelen) == 0;
}

/* The one record called name with nfields fields: 0 with *recp set (NULL
 * when absent and optional), -1 when missing, repeated or misshapen. */
static int
rec_one(struct recs *rs, const char *name, size_t nfields, bool required,
    const struct rec **recp)
{
	*recp = NULL;
	for (size_t i = 0; i < rs->n; i++) {
		if (!rec_is(&rs->v[i], name))
			continue;
		if (*recp != NULL)
			return error_buf(rs->err, rs->errsize,
			    "repeated '%s' record in %s", name, rs->type);
		if (rs->v[i].nfields != nfields)
			return error_buf(rs->err, rs->errsize,
			    "'%s' record in %s has %zu fields, not %zu", name,
			    rs->type, rs->v[i].nfields, nfields);
		*recp = &rs->v[i];
	}
	if (*recp == NULL && required)
		return error_buf(rs->err, rs->errsize, "%s lacks a '%s' record",
		    rs->type, name);
	return 0;
}

/* Check that every record called name has nfields fields. */
static int
rec_check_all(struct recs *rs, const char *name, size_t nfields)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rec_is(&rs->v[i], name) && rs->v[i].nfields != nfields)
			return error_buf(rs->err, rs->errsize,
			    "'%s' record in %s has %zu fields, not %zu", name,
			    rs->type, rs->v[i].nfields, nfields);
	return 0;
}

/* A string field of the one record called name (NULL when absent and
 * optional); the caller frees it. */
static int
rec_string(struct recs *rs, const char *name, bool required, char **sp)
{
	const struct rec *r;

	*sp = NULL;
	if (rec_one(rs, name, 1, required, &r) == -1)
		return -1;
	if (r != NULL)
		*sp = xstrdup(r->fields[0]);
	return 0;
}

static bool
parse_u64(const char *s, uint64_t max, uint64_t *vp)
{
	uint64_t v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 20 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || d > max || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*vp = v;
	return true;
}

static bool
parse_int(const char *s, int min, int max, int *vp)
{
	bool neg = s[0] == '-';
	uint64_t v;

	if (!parse_u64(s + neg, neg ? (uint64_t) - (int64_t)min : (uint64_t)max,
	        &v) ||
	    (neg && v == 0))
		return false;
	*vp = neg ? (int)-(int64_t)v : (int)v;
	return true;
}

/* SECONDS[.FRACTION], at most 1e9 seconds and nine fraction digits. */
static bool
parse_seconds(const char *s, double *vp)
{
	const char *dot = strchr(s, '.');
	char *ip = xstrndup(s, dot ? (size_t)(dot - s) : strlen(s));
	uint64_t secs, frac = 0;
	double scale = 1;
	bool ok = parse_u64(ip, 1000000000, &secs);

	free(ip);
	if (!ok)
		return false;
	if (dot != NULL) {
		size_t n = strlen(dot + 1);

		if (n == 0 || n > 9)
			return false;
		for (size_t i = 1; i <= n; i++) {
			unsigned d = (unsigned char)dot[i] - '0';

			if (d > 9)
				return false;
			frac = frac * 10 + d;
			scale *= 10;
		}
	}
	*vp = (double)secs + (double)frac / scale;
	return true;
}

static int
rec_u64(struct recs *rs, const char *name, uint64_t max, bool required,
    uint64_t *vp, bool *presentp)
{
	const struct rec *r;

	if (presentp != NULL)
		*presentp = false;
	if (rec_one(rs, name, 1, required, &r) == -1)
		return -1;
	if (r == NULL)
		return 0;
	if (!parse_u64(r->fields[0], max, vp))
		return error_buf(rs->err, rs->errsize,
		    "bad number '%.32s' in the '%s' record of %s", r->fields[0],
		    name, rs->type);
	if (presentp != NULL)
		*presentp = true;
	return 0;
}

static int
rec_int(struct recs *rs, const char *name, int min, int max, int *vp,
    bool *presentp)
{
	const struct rec *r;

	*presentp = false;
	if (rec_one(rs, name, 1, false, &r) == -1)
		return -1;
	if (r == NULL)
		return 0;
	if (!parse_int(r->fields[0], min, max, vp))
		return error_buf(rs->err, rs->errsize,
		    "bad number '%.32s' in the '%s' record of %s", r->fields[0],
		    name, rs->type);
	*presentp = true;
	return 0;
}

static int
rec_seconds(struct recs *rs, const char *name, bool required, double *vp)
{
	const struct rec *r;

	*vp = 0;
	if (rec_one(rs, name, 1, required, &r) == -1)
		return -1;
	if (r != NULL && !parse_seconds(r->fields[0], vp))
		return error_buf(rs->err, rs->errsize,
		    "bad seconds '%.32s' in the '%s' record of %s",
		    r->fields[0], name, rs->type);
	return 0;
}

static int
rec_flag01(struct recs *rs, const char *name, bool *vp)
{
	const struct rec *r;

	*vp = false;
	if (rec_one(rs, name, 1, true, &r) == -1)
		return -1;
	if (strcmp(r->fields[0], "0") != 0 && strcmp(r->fields[0], "1") != 0)
		return error_buf(rs->err, rs->errsize,
		    "'%s' in %s must be 0 or 1, not '%.32s'", name, rs->type,
		    r->fields[0]);
	*vp = r->fields[0][0] == '1';
	return 0;
}

static void
recs_start(struct recs *rs, const struct wire_frame *f, enum wire_type want,
    char *err, size_t errsize)
{
	memset(rs, 0, sizeof(*rs));
	rs->type = wire_type_name(f->type);
	rs->err = err;
	rs->errsize = errsize;
	if (f->type != want)
		BUG("decoding %s as %s", rs->type, wire_type_name(want));
}

/* The typed decoders. */

void
wire_hello_release(struct wire_hello *m)
{
	free(m->version);
	free(m->platform);
	free(m->host);
	memset(m, 0, sizeof(*m));
}

int
wire_get_hello(const struct wire_frame *f, struct wire_hello *m, char *err,
    size_t errsize)
{
	struct recs rs;
	uint64_t proto = 0;
	int r = -1;

	memset(m, 0, sizeof(*m));
	recs_start(&rs, f, WIRE_HELO, err, errsize);
	if (parse_records(f, &rs) == -1 ||
	    rec_u64(&rs, "protocol", UINT32_MAX, true, &proto, NULL) == -1 ||
	    rec_string(&rs, "version", true, &m->version) == -1 ||
	    rec_string(&rs, "platform", true, &m->platform) == -1 ||
	    rec_string(&rs, "host", true, &m->host) == -1 ||
	    rec_u64(&rs, "pid", UINT32_MAX, true, &m->pid, NULL) == -1)
		goto out;
	m->protocol = (unsigned)proto;
	r = 0;
out:
	recs_release(&rs);
	if (r == -1)
		wire_hello_release(m);
	return r;
}

void
wire_setup_release(struct wire_setup *m)
{
	free(m->id);
	free(m->chdir);
	for (size_t i = 0; i < m->nenv; i++) {
		free(m->env[i].name);
		free(m->env[i].value);
	}
	free(m->env);
	for (size_t i = 0; i < m->ncov; i++)
		free(m->cov[i]);
	free(m->cov);
	for (size_t i = 0; i < m->ninclude; i++)
		free(m->include[i]);
	free(m->include);
	for (size_t i = 0; i < m->nexclude; i++)
		free(m->exclude[i]);
	free(m->exclude);
	memset(m, 0, sizeof(*m));
}

static void
add_str(char ***vp, size_t *np, const char *s)
{
	*vp = xreallocarray(*vp, *np + 1, sizeof(**vp));
	(*vp)[(*np)++] = xstrdup(s);
}

/* The repeatable records of SETU: env, cov, include and exclude. */
static int
setup_lists(struct recs *rs, struct wire_setup *m)
{
	if (rec_check_all(rs, "env", 2) == -1 ||
	    rec_check_all(rs, "cov", 1) == -1 ||
	    rec_check_all(rs, "include", 1) == -1 ||
	    rec_check_all(rs, "exclude", 1) == -1)
		return -1;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rec *r = &rs->v[i];

		if (rec_is(r, "env")) {
			if (r->fields[0][0] == '\0' ||
			    strchr(r->fields[0], '=') != NULL)
				return error_buf(rs->err, rs->errsize,
				    "bad variable name in SETU");
			m->env =
			    xreallocarray(m->env, m->nenv + 1, sizeof(*m->env));
			m->env[m->nenv].name = xstrdup(r->fields[0]);
			m->env[m->nenv++].value = xstrdup(r->fields[1]);
		} else if (rec_is(r, "cov"))
			add_str(&m->cov, &m->ncov, r->fields[0]);
		else if (rec_is(r, "include"))
			add_str(&m->include, &m->ninclude, r->fields[0]);
		else if (rec_is(r, "exclude"))
			add_str(&m->exclude, &m->nexclude, r->fields[0]);
	}
	return 0;
}

static int
setup_flags(struct recs *rs, struct wire_setup *m)
{
	const struct rec *r;
	bool present;

	if (rec_one(rs, "no-cache", 0, false, &r) == -1)
		return -1;
	m->no_cache = r != NULL;
	if (rec_one(rs, "cpu", 1, false, &r) == -1)
		return -1;
	if (r != NULL && strcmp(r->fields[0], "same") != 0 &&
	    strcmp(r->fields[0], "any") != 0)
		return error_buf(rs->err, rs->errsize,
		    "bad cpu '%.32s' in SETU", r->fields[0]);
	m->cpu_same = r != NULL && strcmp(r->fields[0], "same") == 0;
	if (rec_one(rs, "idle", 1, false, &r) == -1)
		return -1;
	if (r != NULL && strcmp(r->fields[0], "poll") != 0 &&
	    strcmp(r->fields[0], "sleep") != 0)
		return error_buf(rs->err, rs->errsize,
		    "bad idle '%.32s' in SETU", r->fields[0]);
	m->idle_sleep = r != NULL && strcmp(r->fields[0], "sleep") == 0;
	if (rec_int(rs, "nice", -20, 19, &m->nice, &m->nice_set) == -1 ||
	    rec_int(rs, "verbosity", -1, 9, &m->verbosity, &present) == -1)
		return -1;
	return 0;
}

int
wire_get_setup(const struct wire_frame *f, struct wire_setup *m, char *err,
    size_t errsize)
{
	struct recs rs;
	uint64_t proto = 0, workers = 0;
	int r = -1;

	memset(m, 0, sizeof(*m));
	recs_start(&rs, f, WIRE_SETU, err, errsize);
	if (parse_records(f, &rs) == -1 ||
	    rec_u64(&rs, "protocol", UINT32_MAX, true, &proto, NULL) == -1 ||
	    rec_string(&rs, "id", true, &m->id) == -1 ||
	    rec_u64(&rs, "workers", 1u << 20, true, &workers, NULL) == -1 ||
	    rec_string(&rs, "chdir", false, &m->chdir) == -1 ||
	    setup_lists(&rs, m) == -1 || setup_flags(&rs, m) == -1)
		goto out;
	m->protocol = (unsigned)proto;
	m->workers = (unsigned)workers;
	r = 0;
out:
	recs_release(&rs);
	if (r == -1)
		wire_setup_release(m);
	return r;
}

static int
get_one_string(const struct wire_frame *f, enum wire_type type,
    const char *name, char **sp, char *err, size_t errsize)
{
	struct recs rs;
	int r = -1;

	*sp = NULL;
	recs_start(&rs, f, type, err, errsize);
	if (parse_records(f, &rs) == 0 && rec_string(&rs, name, true, sp) == 0)
		r = 0;
	recs_release(&rs);
	return r;
}

int
wire_get_ready(const struct wire_frame *f, char **cwdp, char *err,
    size_t errsize)
{
	return get_one_string(f, WIRE_REDY, "cwd", cwdp, err, errsize);
}

int
wire_get_fail(const struct wire_frame *f, char **messagep, char *err,
    size_t errsize)
{
	return get_one_string(f, WIRE_FAIL, "message", messagep, err, errsize);
}

void
wire_task_release(struct wire_task *m)
{
	free(m->command);
	memset(m, 0, sizeof(*m));
}

int
wire_get_task(const struct wire_frame *f, struct wire_task *m, char *err,
    size_t errsize)
{
	struct recs rs;
	int r = -1;

	memset(m, 0, sizeof(*m));
	recs_start(&rs, f, WIRE_TASK, err, errsize);
	if (parse_records(f, &rs) == -1 ||
	    rec_u64(&rs, "job", UINT64_MAX, true, &m->job, NULL) == -1 ||
	    rec_string(&rs, "command", true, &m->command) == -1 ||
	    rec_seconds(&rs, "timeout", false, &m->timeout) == -1)
		goto out;
	r = 0;
out:
	recs_release(&rs);
	if (r == -1)
		wire_task_release(m);
	return r;
}

/* Parse "3-5,9" (or "-") into lines, appending to *vp; *totalp counts
 * every line of the frame against WIRE_MAX_LINES. */
static int
parse_ranges(struct recs *rs, const char *name, const char *s, uint32_t **vp,
    size_t *np, size_t *totalp)
{
	uint64_t last = 0;
	size_t alloc = *np;

	if (strcmp(s, "-") == 0)
		return 0;
	for (const char *p = s;;) {
		const char *comma = strchr(p, ',');
		char *tok =
		    xstrndup(p, comma ? (size_t)(comma - p) : strlen(p));
		char *dash = strchr(tok, '-');
		uint64_t a, b;
		bool ok;

		if (dash != NULL)
			*dash = '\0';
		ok = parse_u64(tok, UINT32_MAX, &a) &&
		    parse_u64(dash ? dash + 1 : tok, UINT32_MAX, &b) && a > 0 &&
		    a <= b && a > last && b - a < WIRE_MAX_LINES - *totalp;
		if (dash != NULL)
			*dash = '-';
		if (!ok) {
			error_buf(rs->err, rs->errsize,
			    "bad line range '%.32s' in the '%s' record of %s",
			    tok, name, rs->type);
			free(tok);
			return -1;
		}
		free(tok);
		*totalp += (size_t)(b - a + 1);
		XGROW(*vp, *np + (size_t)(b - a + 1), alloc);
		for (uint64_t l = a; l <= b; l++)
			(*vp)[(*np)++] = (uint32_t)l;
		last = b;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* Every hit line is a statement line (both ascend). */
static bool
is_subset(const uint32_t *sub, size_t nsub, const uint32_t *set, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < nsub; i++) {
		while (j < n && set[j] < sub[i])
			j++;
		if (j == n || set[j] != sub[i])
			return false;
	}
	return true;
}

static int
file_funcs(struct recs *rs, struct file_lines *fl)
{
	if (rec_check_all(rs, "function", 3) == -1)
		return -1;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rec *r = &rs->v[i];
		uint64_t line;
		struct func_lines *fn;

		if (!rec_is(r, "function"))
			continue;
		if (!parse_u64(r->fields[0], UINT32_MAX, &line) || line == 0 ||
		    (strcmp(r->fields[1], "0") != 0 &&
		        strcmp(r->fields[1], "1") != 0))
			return error_buf(rs->err, rs->errsize,
			    "bad function record in FILE");
		fl->funcs = xreallocarray(fl->funcs, fl->nfuncs + 1,
		    sizeof(*fl->funcs));
		fn = &fl->funcs[fl->nfuncs++];
		fn->name = xstrdup(r->fields[2]);
		fn->line = (uint32_t)line;
		fn->hit = r->fields[1][0] == '1';
	}
	return 0;
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
file_lines_get(struct recs *rs, struct file_lines *fl)
{
	const struct rec *lines, *hit;
	size_t total = 0;

	if (rec_string(rs, "build-id", true, &fl->build_id) == -1 ||
	    rec_string(rs, "image", true, &fl->image) == -1 ||
	    rec_string(rs, "file", true, &fl->path) == -1 ||
	    rec_one(rs, "lines", 1, true, &lines) == -1 ||
	    rec_one(rs, "hit", 1, true, &hit) == -1)
		return -1;
	if (!is_build_id(fl->build_id))
		return error_buf(rs->err, rs->errsize, "bad build-id in FILE");
	if (fl->path[0] == '\0')
		return error_buf(rs->err, rs->errsize,
		    "empty file name in FILE");
	if (parse_ranges(rs, "lines", lines->fields[0], &fl->lines, &fl->nlines,
	        &total) == -1 ||
	    parse_ranges(rs, "hit", hit->fields[0], &fl->hit, &fl->nhit,
	        &total) == -1)
		return -1;
	if (!is_subset(fl->hit, fl->nhit, fl->lines, fl->nlines))
		return error_buf(rs->err, rs->errsize,
		    "hit lines that are not statement lines in FILE");
	return file_funcs(rs, fl);
}

int
wire_get_file(const struct wire_frame *f, struct wire_file *m, char *err,
    size_t errsize)
{
	struct recs rs;
	int r = -1;

	memset(m, 0, sizeof(*m));
	recs_start(&rs, f, WIRE_FILE, err, errsize);
	if (parse_records(f, &rs) == -1 ||
	    rec_u64(&rs, "job", UINT64_MAX, true, &m->job, NULL) == -1 ||
	    file_lines_get(&rs, &m->fl) == -1)
		goto out;
	r = 0;
out:
	recs_release(&rs);
	if (r == -1)
		file_lines_release(&m->fl);
	return r;
}

int
wire_get_done(const struct wire_frame *f, struct wire_done *m, char *err,
    size_t errsize)
{
	struct recs rs;
	const struct rec *dropped;
	uint64_t status = 0;
	int r = -1;

	memset(m, 0, sizeof(*m));
	recs_start(&rs, f, WIRE_DONE, err, errsize);
	if (parse_records(f, &rs) == -1 ||
	    rec_u64(&rs, "job", UINT64_MAX, true, &m->job, NULL) == -1 ||
	    rec_u64(&rs, "status", 255, true, &status, NULL) == -1 ||
	    rec_seconds(&rs, "duration", true, &m->duration) == -1 ||
	    rec_flag01(&rs, "timeout", &m->timeout) == -1 ||
	    rec_one(&rs, "dropped", 2, false, &dropped) == -1)
		goto out;
	if (dropped != NULL &&
	    (!parse_u64(dropped->fields[0], UINT64_MAX, &m->dropped_out) ||
	        !parse_u64(dropped->fields[1], UINT64_MAX, &m->dropped_err))) {
		error_buf(err, errsize, "bad 'dropped' record in DONE");
		goto out;
	}
	m->status = (int)status;
	r = 0;
out:
	recs_release(&rs);
	if (r == -1)
		memset(m, 0, sizeof(*m));
	return r;
}

void
file_lines_release(struct file_lines *fl)
{
	free(fl->build_id);
	free(fl->image);
	free(fl->path);
	free(fl->lines);
	free(fl->hit);
	for (size_t i = 0; i < fl->nfuncs; i++)
		free(fl->funcs[i].name);
	free(fl->funcs);
	memset(fl, 0, sizeof(*fl));
}
