/* doc/PROTOCOL.worker frames and messages (dispatch/wire.c). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "dispatch/wire.h"
#include "t/tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed b into a reader one byte at a time; the one frame it holds. */
static int
read_bytewise(struct wire_reader *rd, const struct buf *b, struct wire_frame *f)
{
	char err[256];
	int r = 0;

	for (size_t i = 0; i < b->len && r == 0; i++) {
		wire_reader_feed(rd, b->data + i, 1);
		r = wire_reader_next(rd, f, err, sizeof(err));
		if (r == 1 && i + 1 != b->len)
			return -1;
	}
	return r;
}

static void
test_file_roundtrip(void)
{
	uint32_t lines[] = {3, 4, 5, 9, 12, 4000000000u};
	uint32_t hit[] = {4, 5, 12};
	struct func_lines funcs[] = {
	    {(char *)"main", 3, true},
	    {(char *)"odd name%\n", 9, false},
	};
	struct file_lines fl = {
	    .build_id = (char *)"3f2a",
	    .image = (char *)"/bin/with space",
	    .path = (char *)"/src/main.c",
	    .nlines = 6,
	    .lines = lines,
	    .nhit = 3,
	    .hit = hit,
	    .nfuncs = 2,
	    .funcs = funcs,
	};
	struct buf b = BUF_INIT;
	struct wire_reader rd;
	struct wire_frame f;
	struct wire_file m;
	char err[256];

	wire_put_file(&b, 7, &fl);
	ok(strstr(b.data + 8, "lines 3-5,9,12,4000000000\nhit 4-5,12\n") !=
	        NULL,
	    "lines are written as ranges");
	ok(strstr(b.data + 8, "image /bin/with%20space\n") != NULL,
	    "fields are encoded");
	wire_reader_init(&rd);
	is_int(read_bytewise(&rd, &b, &f), 1, "a frame in 1-byte pieces");
	is_int(f.type, WIRE_FILE, "... is a FILE");
	if (!ok(wire_get_file(&f, &m, err, sizeof(err)) == 0, "it decodes"))
		diag("%s", err);
	is_int((long long)m.job, 7, "job");
	is_str(m.fl.image, "/bin/with space", "image");
	ok(m.fl.nlines == 6 && m.fl.lines[5] == 4000000000u, "lines");
	ok(m.fl.nhit == 3 && m.fl.hit[0] == 4 && m.fl.hit[2] == 12, "hit");
	ok(m.fl.nfuncs == 2 && strcmp(m.fl.funcs[1].name, "odd name%\n") == 0 &&
	        !m.fl.funcs[1].hit && m.fl.funcs[0].hit,
	    "functions");
	file_lines_release(&m.fl);
	wire_reader_release(&rd);
	buf_release(&b);
}

/* A frame of type with payload text must be refused, saying want. */
static void
refused(enum wire_type type, const char *payload, const char *want)
{
	struct buf b = BUF_INIT;
	struct wire_reader rd;
	struct wire_frame f;
	char err[256] = "";
	int r = -1;
	union {
		struct wire_file file;
		struct wire_done done;
		struct wire_hello hello;
		struct wire_setup setup;
		struct wire_task task;
	} m;

	wire_put_raw(&b, type, payload, strlen(payload));
	wire_reader_init(&rd);
	wire_reader_feed(&rd, b.data, b.len);
	if (!ok(wire_reader_next(&rd, &f, err, sizeof(err)) == 1,
	        "%s frame read", wire_type_name(type))) {
		wire_reader_release(&rd);
		buf_release(&b);
		return;
	}
	switch (type) {
	case WIRE_FILE:
		r = wire_get_file(&f, &m.file, err, sizeof(err));
		break;
	case WIRE_DONE:
		r = wire_get_done(&f, &m.done, err, sizeof(err));
		break;
	case WIRE_HELO:
		r = wire_get_hello(&f, &m.hello, err, sizeof(err));
		break;
	case WIRE_SETU:
		r = wire_get_setup(&f, &m.setup, err, sizeof(err));
		break;
	case WIRE_TASK:
		r = wire_get_task(&f, &m.task, err, sizeof(err));
		break;
	default:
		break;
	}
	ok(r == -1, "%s refused: %s", wire_type_name(type), want);
	if (!ok(strstr(err, want) != NULL, "... with the right message"))
		diag("got: %s", err);
	wire_reader_release(&rd);
	buf_release(&b);
}

#define FILE_HEAD "job 1\nbuild-id ab\nimage /x\nfile /a.c\n"

static void
test_refused(void)
{
	refused(WIRE_FILE, FILE_HEAD "lines 5-3\nhit -\n",
	    "bad line range '5-3'");
	refused(WIRE_FILE, FILE_HEAD "lines 0\nhit -\n", "bad line range '0'");
	refused(WIRE_FILE, FILE_HEAD "lines 4,3\nhit -\n",
	    "bad line range '3'");
	refused(WIRE_FILE, FILE_HEAD "lines 1-4294967295\nhit -\n",
	    "bad line range");
	refused(WIRE_FILE, FILE_HEAD "lines 4294967296\nhit -\n",
	    "bad line range");
	refused(WIRE_FILE, FILE_HEAD "lines 01\nhit -\n", "bad line range");
	refused(WIRE_FILE, FILE_HEAD "lines 1-3\nhit 4\n",
	    "hit lines that are not statement lines");
	refused(WIRE_FILE, FILE_HEAD "lines 1\n", "FILE lacks a 'hit' record");
	refused(WIRE_FILE, FILE_HEAD "lines 1\nhit -\nhit -\n",
	    "repeated 'hit' record");
	refused(WIRE_FILE, FILE_HEAD "lines 1 2\nhit -\n",
	    "'lines' record in FILE has 2 fields, not 1");
	refused(WIRE_FILE, FILE_HEAD "lines 1\nhit -",
	    "does not end in a newline");
	refused(WIRE_FILE, FILE_HEAD "lines 1\nhit -\nBad\n",
	    "bad record 'Bad'");
	refused(WIRE_FILE,
	    "job 1\nbuild-id XY\nimage /x\nfile /a.c\nlines 1\n"
	    "hit -\n",
	    "bad build-id");
	refused(WIRE_FILE,
	    "job 1\nbuild-id \nimage /x y\nfile /a.c\n"
	    "lines 1\nhit -\n",
	    "'image' record in FILE has 2 fields");
	refused(WIRE_FILE,
	    "job 1\nbuild-id \nimage /x%00\nfile /a.c\n"
	    "lines 1\nhit -\n",
	    "badly encoded field");
	refused(WIRE_FILE, FILE_HEAD "lines 1\nhit -\nfunction 0 1 f\n",
	    "bad function record");
	refused(WIRE_DONE, "job 1\nstatus 256\nduration 1\ntimeout 0\n",
	    "bad number '256'");
	refused(WIRE_DONE,
	    "job 1\nstatus 0\nduration 1.1234567890\ntimeout 0\n",
	    "bad seconds");
	refused(WIRE_DONE, "job 1\nstatus 0\nduration 1\ntimeout 2\n",
	    "must be 0 or 1");
	refused(WIRE_DONE, "job -1\nstatus 0\nduration 1\ntimeout 0\n",
	    "bad number '-1'");
	refused(WIRE_HELO, "protocol 1\nversion 1\nplatform p\nhost h\n",
	    "HELO lacks a 'pid' record");
	refused(WIRE_SETU, "protocol 1\nid gw0\nworkers 1\nnice 30\n",
	    "bad number '30'");
	refused(WIRE_SETU, "protocol 1\nid gw0\nworkers 1\nenv A=B c\n",
	    "bad variable name");
	refused(WIRE_TASK, "job 1\n", "TASK lacks a 'command' record");
}

static void
test_frames(void)
{
	struct wire_reader rd;
	struct wire_frame f;
	char err[256] = "";
	static const unsigned char big[8] = {'F', 'I', 'L', 'E', 0x01, 0, 0, 1};

	wire_reader_init(&rd);
	wire_reader_feed(&rd, "HELO\0\0", 6);
	is_int(wire_reader_next(&rd, &f, err, sizeof(err)), 0,
	    "half a header is not a frame yet");
	ok(wire_reader_pending(&rd), "... and is pending");
	wire_reader_release(&rd);

	wire_reader_init(&rd);
	wire_reader_feed(&rd, "bash: covtrace: not found\n", 26);
	is_int(wire_reader_next(&rd, &f, err, sizeof(err)), -1,
	    "text is not a frame");
	ok(strstr(err, "not a frame: 'bash: covtra...'") != NULL,
	    "... and the message shows it");
	wire_reader_release(&rd);

	wire_reader_init(&rd);
	wire_reader_feed(&rd, big, sizeof(big));
	is_int(wire_reader_next(&rd, &f, err, sizeof(err)), -1,
	    "a frame over 16 MiB is refused before it arrives");
	ok(strstr(err, "at most") != NULL, "... saying so");
	wire_reader_release(&rd);
}

static void
test_unknown_records_ignored(void)
{
	struct buf b = BUF_INIT;
	struct wire_reader rd;
	struct wire_frame f;
	struct wire_done m;
	char err[256];
	const char *p = "job 3\nlater-record x y z\nstatus 1\nduration 0.5\n"
	                "timeout 1\ndropped 10 0\n";

	wire_put_raw(&b, WIRE_DONE, p, strlen(p));
	wire_reader_init(&rd);
	wire_reader_feed(&rd, b.data, b.len);
	wire_reader_next(&rd, &f, err, sizeof(err));
	ok(wire_get_done(&f, &m, err, sizeof(err)) == 0 && m.job == 3 &&
	        m.status == 1 && m.timeout && m.dropped_out == 10 &&
	        m.duration == 0.5,
	    "unknown records are ignored; the others are read");
	wire_reader_release(&rd);
	buf_release(&b);
}

static void
test_setup_roundtrip(void)
{
	struct txspec_env env[] = {{(char *)"A", (char *)"x y"}};
	char *cov[] = {(char *)"src", (char *)"/abs path"};
	struct wire_setup s =
	                      {
	                          .protocol = 1,
	                          .id = (char *)"gw3",
	                          .workers = 4,
	                          .chdir = (char *)"/tmp/env3",
	                          .env = env,
	                          .nenv = 1,
	                          .nice_set = true,
	                          .nice = -3,
	                          .cov = cov,
	                          .ncov = 2,
	                          .no_cache = true,
	                          .cpu_same = true,
	                          .verbosity = -1,
	                      },
	                  m;
	struct buf b = BUF_INIT;
	struct wire_reader rd;
	struct wire_frame f;
	char err[256];

	wire_put_setup(&b, &s);
	wire_reader_init(&rd);
	wire_reader_feed(&rd, b.data, b.len);
	wire_reader_next(&rd, &f, err, sizeof(err));
	if (!ok(wire_get_setup(&f, &m, err, sizeof(err)) == 0, "SETU decodes"))
		diag("%s", err);
	ok(strcmp(m.id, "gw3") == 0 && m.workers == 4 &&
	        strcmp(m.chdir, "/tmp/env3") == 0 && m.nenv == 1 &&
	        strcmp(m.env[0].value, "x y") == 0 && m.nice_set &&
	        m.nice == -3 && m.ncov == 2 &&
	        strcmp(m.cov[1], "/abs path") == 0 && m.no_cache &&
	        m.cpu_same && m.verbosity == -1,
	    "SETU round trip");
	wire_setup_release(&m);
	wire_reader_release(&rd);
	buf_release(&b);
}

/* The fuzz target on a few inputs, so that it keeps building and its
 * checks keep holding. */
static void
test_fuzz_target(void)
{
	struct buf b = BUF_INIT;
	uint32_t lines[] = {1, 2};
	struct file_lines fl = {(char *)"", (char *)"i", (char *)"f", 2, lines,
	    1, lines, 0, NULL};
	struct wire_done done = {1, 0, 0.25, false, 0, 0};
	struct wire_hello h = {1, (char *)"v", (char *)"p", (char *)"h", 1};

	buf_addch(&b, 3);
	wire_put_hello(&b, &h);
	wire_put_file(&b, 1, &fl);
	wire_put_raw(&b, WIRE_SOUT, "out", 3);
	wire_put_done(&b, &done);
	LLVMFuzzerTestOneInput((const uint8_t *)b.data + 1, b.len - 1);
	LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	ok(true, "the fuzz target takes good and bad input");
	buf_release(&b);
}

int
main(void)
{
	test_frames();
	test_file_roundtrip();
	test_refused();
	test_unknown_records_ignored();
	test_setup_roundtrip();
	test_fuzz_target();
	return done_testing();
}
