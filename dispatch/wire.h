/*
 * The frames and messages of doc/PROTOCOL.worker: encoding for both sides,
 * and a decoder that trusts nothing (it is fuzzed: fuzz/wire-fuzz.c).
 */
#ifndef COVTRACE_DISPATCH_WIRE_H
#define COVTRACE_DISPATCH_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "dispatch/dispatch.h"

#define WIRE_PROTOCOL 1
#define WIRE_HEADER_LEN 8
#define WIRE_MAX_PAYLOAD (16u << 20)
/* A FILE frame may expand to at most this many lines. */
#define WIRE_MAX_LINES (1u << 24)
/* SOUT and SERR frames carry at most this many bytes each. */
#define WIRE_MAX_CHUNK 65536

enum wire_type {
	WIRE_HELO,
	WIRE_SETU,
	WIRE_REDY,
	WIRE_FAIL,
	WIRE_TASK,
	WIRE_FILE,
	WIRE_SOUT,
	WIRE_SERR,
	WIRE_DONE,
};

/* A frame as the reader found it; payload is borrowed from the reader
 * until its next call. */
struct wire_frame {
	enum wire_type type;
	const char *payload;
	size_t len;
};

/* Frames out of a byte stream that arrives in pieces. */
struct wire_reader {
	struct buf in;
	size_t off; /* bytes of in already handed out */
};

void wire_reader_init(struct wire_reader *rd);
void wire_reader_release(struct wire_reader *rd);
/* Append received bytes. */
void wire_reader_feed(struct wire_reader *rd, const void *data, size_t len);
/* The next whole frame: 1 with *framep set, 0 when more bytes are needed,
 * -1 with a message in err when the stream is not frames. */
int wire_reader_next(struct wire_reader *rd, struct wire_frame *framep,
    char *err, size_t errsize);
/* True when bytes of an unfinished frame are buffered. */
bool wire_reader_pending(const struct wire_reader *rd);

/* The four letters of a type ("HELO"). */
const char *wire_type_name(enum wire_type type);

/* Writing: wire_begin, records, wire_end; or wire_put_raw for SOUT/SERR. */
size_t wire_begin(struct buf *out, enum wire_type type);
void wire_end(struct buf *out, size_t start);
/* A record with its n fields. */
void wire_record(struct buf *out, const char *name, size_t n,
    const char *const fields[]);
/* A record with one field. */
void wire_record_str(struct buf *out, const char *name, const char *value);
void wire_record_u64(struct buf *out, const char *name, uint64_t v);
void wire_record_ranges(struct buf *out, const char *name,
    const uint32_t *lines, size_t n);
void wire_put_raw(struct buf *out, enum wire_type type, const void *data,
    size_t len);

struct wire_hello {
	unsigned protocol;
	char *version;
	char *platform;
	char *host;
	uint64_t pid;
};

struct wire_setup {
	unsigned protocol;
	char *id;
	unsigned workers;
	char *chdir; /* NULL: stay */
	struct txspec_env *env;
	size_t nenv;
	bool nice_set;
	int nice;
	char **cov;
	size_t ncov;
	char **include; /* --cov-include globs */
	size_t ninclude;
	char **exclude; /* --cov-exclude globs */
	size_t nexclude;
	bool no_cache;
	bool cpu_same;
	bool idle_sleep; /* --idle=sleep */
	int verbosity;
};

struct wire_task {
	uint64_t job;
	char *command;
	double timeout; /* 0: none */
};

struct wire_file {
	uint64_t job;
	struct file_lines fl;
};

struct wire_done {
	uint64_t job;
	int status;
	double duration;
	bool timeout;
	uint64_t dropped_out;
	uint64_t dropped_err;
};

void wire_put_hello(struct buf *out, const struct wire_hello *m);
void wire_put_setup(struct buf *out, const struct wire_setup *m);
void wire_put_ready(struct buf *out, const char *cwd);
void wire_put_fail(struct buf *out, const char *message);
void wire_put_task(struct buf *out, const struct wire_task *m);
void wire_put_file(struct buf *out, uint64_t job, const struct file_lines *fl);
void wire_put_done(struct buf *out, const struct wire_done *m);

/* Decoders: 0 with *m filled (release it), or -1 with a one-line message
 * in err and *m cleared.  The frame must have the matching type. */
int wire_get_hello(const struct wire_frame *f, struct wire_hello *m, char *err,
    size_t errsize);
int wire_get_setup(const struct wire_frame *f, struct wire_setup *m, char *err,
    size_t errsize);
int wire_get_ready(const struct wire_frame *f, char **cwdp, char *err,
    size_t errsize);
int wire_get_fail(const struct wire_frame *f, char **messagep, char *err,
    size_t errsize);
int wire_get_task(const struct wire_frame *f, struct wire_task *m, char *err,
    size_t errsize);
int wire_get_file(const struct wire_frame *f, struct wire_file *m, char *err,
    size_t errsize);
int wire_get_done(const struct wire_frame *f, struct wire_done *m, char *err,
    size_t errsize);

void wire_hello_release(struct wire_hello *m);
void wire_setup_release(struct wire_setup *m);
void wire_task_release(struct wire_task *m);

#endif
