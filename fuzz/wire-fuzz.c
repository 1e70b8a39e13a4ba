/*
 * libFuzzer target for the worker protocol decoder (`make fuzz`): the
 * dispatcher reads what workers send as untrusted bytes.  Any input must be
 * split into frames or refused with a message; every frame must decode or
 * be refused; what decodes must encode and decode again to the same thing.
 * The input is fed in two pieces, split where its first byte says, so that
 * frames that arrive in parts are exercised too.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "dispatch/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same_or_abort(const struct buf *a, const struct buf *b)
{
	if (a->len != b->len || memcmp(a->data, b->data, a->len) != 0)
		abort();
}

/* Decode the one frame in b; it must succeed. */
static struct wire_frame
only_frame(struct wire_reader *rd, const struct buf *b)
{
	struct wire_frame f;
	char err[256];

	wire_reader_feed(rd, b->data, b->len);
	if (wire_reader_next(rd, &f, err, sizeof(err)) != 1)
		abort();
	return f;
}

static void
check_file(const struct wire_frame *f)
{
	struct wire_file m, again;
	struct wire_reader rd;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct wire_frame f2;
	char err[256];

	if (wire_get_file(f, &m, err, sizeof(err)) == -1)
		return;
	wire_put_file(&b1, m.job, &m.fl);
	wire_reader_init(&rd);
	f2 = only_frame(&rd, &b1);
	if (wire_get_file(&f2, &again, err, sizeof(err)) == -1)
		abort();
	wire_put_file(&b2, again.job, &again.fl);
	same_or_abort(&b1, &b2);
	file_lines_release(&m.fl);
	file_lines_release(&again.fl);
	wire_reader_release(&rd);
	buf_release(&b1);
	buf_release(&b2);
}

static void
check_done(const struct wire_frame *f)
{
	struct wire_done m, again;
	struct wire_reader rd;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct wire_frame f2;
	char err[256];

	if (wire_get_done(f, &m, err, sizeof(err)) == -1)
		return;
	wire_put_done(&b1, &m);
	wire_reader_init(&rd);
	f2 = only_frame(&rd, &b1);
	if (wire_get_done(&f2, &again, err, sizeof(err)) == -1)
		abort();
	wire_put_done(&b2, &again);
	same_or_abort(&b1, &b2);
	wire_reader_release(&rd);
	buf_release(&b1);
	buf_release(&b2);
}

static void
check_hello(const struct wire_frame *f)
{
	struct wire_hello m, again;
	struct wire_reader rd;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct wire_frame f2;
	char err[256];

	if (wire_get_hello(f, &m, err, sizeof(err)) == -1)
		return;
	wire_put_hello(&b1, &m);
	wire_reader_init(&rd);
	f2 = only_frame(&rd, &b1);
	if (wire_get_hello(&f2, &again, err, sizeof(err)) == -1)
		abort();
	wire_put_hello(&b2, &again);
	same_or_abort(&b1, &b2);
	wire_hello_release(&m);
	wire_hello_release(&again);
	wire_reader_release(&rd);
	buf_release(&b1);
	buf_release(&b2);
}

/* The decoders a worker's side uses, which must refuse or accept. */
static void
check_other(const struct wire_frame *f)
{
	struct wire_setup s;
	struct wire_task t;
	char err[256], *str;

	switch (f->type) {
	case WIRE_SETU:
		if (wire_get_setup(f, &s, err, sizeof(err)) == 0)
			wire_setup_release(&s);
		break;
	case WIRE_TASK:
		if (wire_get_task(f, &t, err, sizeof(err)) == 0)
			wire_task_release(&t);
		break;
	case WIRE_REDY:
		if (wire_get_ready(f, &str, err, sizeof(err)) == 0)
			free(str);
		break;
	case WIRE_FAIL:
		if (wire_get_fail(f, &str, err, sizeof(err)) == 0)
			free(str);
		break;
	default:
		break;
	}
}

static void
check_frame(const struct wire_frame *f)
{
	switch (f->type) {
	case WIRE_FILE:
		check_file(f);
		break;
	case WIRE_DONE:
		check_done(f);
		break;
	case WIRE_HELO:
		check_hello(f);
		break;
	default:
		check_other(f);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_reader rd;
	struct wire_frame f;
	size_t split = size > 0 ? data[0] % (size + 1) : 0;
	char err[256];
	int r = 0;

	wire_reader_init(&rd);
	wire_reader_feed(&rd, data, split);
	while ((r = wire_reader_next(&rd, &f, err, sizeof(err))) == 1)
		check_frame(&f);
	if (r == 0) {
		wire_reader_feed(&rd, data + split, size - split);
		while ((r = wire_reader_next(&rd, &f, err, sizeof(err))) == 1)
			check_frame(&f);
	}
	wire_reader_release(&rd);
	return 0;
}
