/* The data file: exact text, round trips, and every way to read a bad one. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomicfile.h"
#include "common/buf.h"
#include "common/xalloc.h"
#include "report/report.h"
#include "t/tap.h"

/* The file test_write_exact expects; its CRC-32 comes from Python's
 * zlib.crc32, so the test also pins the checksum to zlib's. */
static const char expected_text[] =
    "covtrace-data 3\n"
    "run host=h platform=p cwd=/ start=-5 duration=0.000000 status=139 "
    "command=\n"
    "run host=build%20box platform=linux%20x86_64,%20glibc%202.36 "
    "cwd=/home/u/my%20proj start=1700000000 duration=1.250000 status=0 "
    "command=./t%20--name%3Da%25b%20'x%20y'\n"
    "module 0123abcd /bin/prog\n"
    "module - /lib/libc%20%C3%A9.so\n"
    "file /home/u/my%20proj/a.c\n"
    "modules 0 1\n"
    "lines 1-3,5,7-9\n"
    "hit 1-3,8\n"
    "function 1 1 main\n"
    "function 7 0 a%3Db\n"
    "function 7 1 helper%20%C3%A9\n"
    "file /home/u/my%20proj/b.c\n"
    "modules -\n"
    "lines -\n"
    "hit -\n"
    "file /z.c\n"
    "modules 1\n"
    "lines 4294967295\n"
    "hit 4294967295\n"
    "function 4294967295 0 \n"
    "end 3 990ca7ca\n";

static char *tmpdir;

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
add_run(struct coverage *cov, const char *host, const char *platform,
    const char *cwd, const char *command, int64_t start, double duration,
    int status)
{
	struct cov_run run = {.host = xstrdup(host),
	    .platform = xstrdup(platform),
	    .cwd = xstrdup(cwd),
	    .command = xstrdup(command),
	    .start = start,
	    .duration = duration,
	    .status = status};

	coverage_add_run(cov, &run);
	free(run.host);
	free(run.platform);
	free(run.cwd);
	free(run.command);
}

/* The coverage that expected_text holds, built in a scrambled order. */
static struct coverage *
sample_coverage(void)
{
	struct coverage *cov = coverage_new();
	struct cov_file *f;
	uint32_t m0, m1;

	add_run(cov, "build box", "linux x86_64, glibc 2.36", "/home/u/my proj",
	    "./t --name=a%b 'x y'", 1700000000, 1.25, 0);
	add_run(cov, "h", "p", "/", "", -5, 0, 139);
	m0 = coverage_module(cov, "0123abcd", "/bin/prog");
	m1 = coverage_module(cov, "", "/lib/libc \xc3\xa9.so");
	f = coverage_file(cov, "/z.c");
	cov_file_add_line(f, UINT32_MAX, true);
	cov_file_add_module(f, m1);
	coverage_file(cov, "/home/u/my proj/b.c");
	f = coverage_file(cov, "/home/u/my proj/a.c");
	cov_file_add_module(f, m1);
	cov_file_add_module(f, m0);
	for (uint32_t l = 9; l >= 1; l--)
		if (l != 4 && l != 6)
			cov_file_add_line(f, l, l <= 3 || l == 8);
	cov_file_add_line(f, 2, false);
	cov_file_add_func(f, "helper \xc3\xa9", 7, false);
	cov_file_add_func(f, "a=b", 7, false);
	cov_file_add_func(f, "helper \xc3\xa9", 7, true);
	cov_file_add_func(f, "main", 1, true);
	cov_file_add_func(coverage_file(cov, "/z.c"), "", UINT32_MAX, false);
	/* The same run again adds nothing. */
	add_run(cov, "h", "p", "/", "", -5, 0, 139);
	return cov;
}

static char *
read_text(const char *path)
{
	char *data;
	size_t len;

	if (file_read_all(path, &data, &len) == -1)
		return xstrdup("(unreadable)");
	return data;
}

static void
write_text(const char *path, const char *text, size_t len)
{
	if (atomicfile_write(path, text, len) == -1) {
		printf("Bail out! cannot write '%s'\n", path);
		exit(1);
	}
}

/* A bitwise CRC-32, independent of the table-driven one under test. */
static uint32_t
crc32_bitwise(const char *s, size_t len)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < len; i++) {
		crc ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/* body plus an end record with a correct checksum and nfiles. */
static char *
with_end(const char *body, int nfiles)
{
	return xasprintf("%send %d %08x\n", body, nfiles,
	    crc32_bitwise(body, strlen(body)));
}

/* Read text from a file and return what datafile_read printed. */
static char *
read_error_len(const char *text, size_t len, int *rp)
{
	char *path = tmp_path("bad");
	struct coverage *cov = NULL;
	char *err;

	write_text(path, text, len);
	capture_stderr();
	*rp = datafile_read(path, &cov);
	err = captured_stderr();
	coverage_free(cov);
	free(path);
	return err;
}

static void
check_error(const char *text, const char *want, const char *name)
{
	char *path = tmp_path("bad");
	char *full = xasprintf("covtrace: '%s'%s\n", path, want);
	char *err;
	int r;

	err = read_error_len(text, strlen(text), &r);
	if (is_int(r, -1, "%s: read fails", name))
		is_str(err, full, "%s: message", name);
	free(err);
	free(full);
	free(path);
}

/* Like check_error for a body that gets a correct end record. */
static void
check_body(const char *body, int nfiles, const char *want, const char *name)
{
	char *text = with_end(body, nfiles);

	check_error(text, want, name);
	free(text);
}

static void
test_write_exact(void)
{
	struct coverage *cov = sample_coverage();
	char *path = tmp_path("exact"), *text;

	is_int(datafile_write(cov, path), 0, "write an unfinished coverage");
	text = read_text(path);
	is_str(text, expected_text, "the text is exactly as documented");
	free(text);
	coverage_finish(cov);
	is_int(datafile_write(cov, path), 0, "write a finished coverage");
	text = read_text(path);
	is_str(text, expected_text, "finished or not, the text is the same");
	free(text);
	coverage_free(cov);
	free(path);
}

static void
test_round_trip(void)
{
	char *path = tmp_path("trip"), *path2 = tmp_path("trip2"), *text;
	struct coverage *cov = NULL;

	write_text(path, expected_text, strlen(expected_text));
	if (!is_int(datafile_read(path, &cov), 0, "read the documented text"))
		goto out;
	ok(cov->nruns == 2 && cov->nmodules == 2 && cov->nfiles == 3,
	    "2 runs, 2 modules and 3 files read");
	is_str(cov->runs[1].command, "./t --name=a%b 'x y'",
	    "percent-encoding is undone");
	ok(cov->runs[1].duration == 1.25 && cov->runs[0].start == -5 &&
	        cov->runs[0].status == 139,
	    "numbers read back");
	ok(cov->files[0].nfuncs == 3 && cov->files[0].funcs[0].hit &&
	        !cov->files[0].funcs[1].hit && cov->files[0].funcs[2].hit &&
	        cov->files[0].funcs[2].line == 7,
	    "functions read back");
	is_str(cov->files[0].funcs[2].name, "helper \xc3\xa9",
	    "function names are decoded");
	ok(cov->files[2].nfuncs == 1 && cov->files[2].funcs[0].name[0] == 0,
	    "an empty function name reads back");
	is_str(cov->modules[1].build_id, "", "build-id '-' reads as none");
	is_str(cov->modules[1].path, "/lib/libc \xc3\xa9.so",
	    "bytes above 0x7f read back");
	ok(cov->files[0].nlines == 7 && cov->files[0].lines[7 - 1].line == 9 &&
	        cov->files[0].lines[5].hit && !cov->files[0].lines[4].hit,
	    "lines and hits read back");
	ok(coverage_is_finished(cov), "a read coverage is finished");
	is_int(datafile_write(cov, path2), 0, "write it again");
	text = read_text(path2);
	is_str(text, expected_text, "read then written is byte for byte equal");
	free(text);
out:
	coverage_free(cov);
	free(path);
	free(path2);
}

static void
test_cannot_read(void)
{
	char *path = tmp_path("missing"), *want, *err;
	struct coverage *cov = (struct coverage *)1;

	capture_stderr();
	is_int(datafile_read(path, &cov), -1, "a missing file fails");
	err = captured_stderr();
	want = xasprintf("covtrace: cannot read data file '%s': no such file\n",
	    path);
	is_str(err, want, "a missing file is named as missing");
	ok(cov == NULL, "the out-parameter is cleared on failure");
	free(err);
	free(want);
	free(path);
	capture_stderr();
	is_int(datafile_read(tmpdir, &cov), -1, "a directory fails");
	err = captured_stderr();
	want = xasprintf("covtrace: cannot read data file '%s': %s\n", tmpdir,
	    strerror(EISDIR));
	is_str(err, want, "a directory is named as one");
	free(err);
	free(want);
}

static void
test_not_ours(void)
{
	char *text = xstrdup(expected_text);

	check_error("", " is not a covtrace data file", "empty file");
	check_error("hello\n", " is not a covtrace data file", "other text");
	check_error("\x7f"
	            "ELF\x02\x01\x01",
	    " is not a covtrace data file", "an ELF file");
	check_error("covtrace-data one\n", " is not a covtrace data file",
	    "a version that is not a number");
	text[14] = '7';
	check_error(text, ": unsupported data file version 7", "version 7");
	free(text);
}

static void
test_truncated(void)
{
	size_t len = strlen(expected_text), nbad = 0;
	char *text = xstrdup(expected_text);

	*strstr(text, "end 3") = '\0';
	check_error(text, " is truncated (no end record)", "no end record");
	strcat(text, "end 3 f40");
	check_error(text, " is truncated (no end record)",
	    "half an end record");
	for (size_t n = 0; n < len; n++) {
		int r;
		char *err = read_error_len(expected_text, n, &r);

		if (r != -1 || strncmp(err, "covtrace: ", 10) != 0 ||
		    strchr(err, '\n') != err + strlen(err) - 1) {
			diag("cut at %zu: %d, '%s'", n, r, err);
			nbad++;
		}
		free(err);
	}
	is_int((long long)nbad, 0, "every cut fails with one line");
	free(text);
}

static void
test_checksum(void)
{
	char *text = xstrdup(expected_text);

	*strstr(text, "lines 1-3,5") = 'L';
	check_error(text, ": checksum mismatch", "a changed byte");
	free(text);
	text = xstrdup(expected_text);
	*strstr(text, "990ca7ca") = '3';
	check_error(text, ": checksum mismatch", "a changed checksum");
	free(text);
	check_error("covtrace-data 1\nend 0 123\n", " line 2: bad end record",
	    "a short checksum");
	check_error("covtrace-data 1\nend x 00000000\n",
	    " line 2: bad end record", "a bad file count");
	check_error("covtrace-data 1\nend 0 00000000 x\n",
	    " line 2: bad end record", "an end record too long");
}

/* Bodies of every length modulo 8, short and long, read back: the
 * checksum takes eight bytes a step, then the rest one by one. */
static void
test_checksum_lengths(void)
{
	struct buf body = BUF_INIT;
	size_t nbad = 0;

	buf_addstr(&body,
	    "covtrace-data 2\nfile /a.c\nmodules -\n"
	    "lines 1-200\nhit -\n");
	for (uint32_t n = 1; n <= 200; n++) {
		char *text = with_end(body.data, 1);
		struct coverage *cov = NULL;

		if (datafile_parse("lengths", text, strlen(text), &cov) == -1) {
			diag("%zu bytes", body.len);
			nbad++;
		}
		coverage_free(cov);
		free(text);
		buf_printf(&body, "function %u 0 f%.*s\n", n, (int)(n % 13),
		    "xxxxxxxxxxxxx");
	}
	is_int((long long)nbad, 0, "checksums of 200 lengths");
	buf_release(&body);
}

#define HDR "covtrace-data 1\n"
#define FILE_A "file /a.c\nmodules -\n"

static void
test_bad_records(void)
{
	check_body(HDR FILE_A "lines 5-3\nhit -\n", 1,
	    " line 4: bad line range '5-3'", "a backward range");
	check_body(HDR FILE_A "lines 0-3\nhit -\n", 1,
	    " line 4: bad line range '0-3'", "line 0");
	check_body(HDR FILE_A "lines 4294967296\nhit -\n", 1,
	    " line 4: bad line range '4294967296'", "a line beyond 2^32-1");
	check_body(HDR FILE_A "lines 1,,2\nhit -\n", 1,
	    " line 4: bad line range ''", "an empty range");
	check_body(HDR FILE_A "lines 1,03\nhit -\n", 1,
	    " line 4: bad line range '03'", "a leading zero");
	check_body(HDR FILE_A "lines 5,2\nhit -\n", 1,
	    " line 4: line range '2' out of order", "descending lines");
	check_body(HDR FILE_A "lines 1-3\nhit 2-4\n", 1,
	    " line 5: hit lines 2-4 are not all statement lines",
	    "hits beyond the statements");
	check_body(HDR FILE_A "lines 1,3\nhit 1-3\n", 1,
	    " line 5: hit lines 1-3 are not all statement lines",
	    "a hit range over a non-statement");
	check_body(HDR FILE_A "lines 1-4294967295\nhit -\n", 1,
	    " line 4: more than 16777216 statement lines", "too many lines");
	check_body(HDR "file /b.c\nmodules -\nlines -\nhit -\n" FILE_A
	               "lines -\nhit -\n",
	    2, " line 6: files not sorted by path at '/a.c'", "unsorted files");
	check_body(HDR FILE_A "lines -\nhit -\n" FILE_A "lines -\nhit -\n", 2,
	    " line 6: files not sorted by path at '/a.c'", "a duplicate file");
	check_body(HDR FILE_A "lines 1\nhit 1\n", 2,
	    " line 6: end record counts 2 files, found 1", "a wrong count");
}

#define HDR2 "covtrace-data 2\n"

static void
test_bad_functions(void)
{
	check_body(HDR FILE_A "lines 1\nhit 1\nfunction 1 1 f\n", 1,
	    " line 6: function records need data file version 2",
	    "a function in a version 1 file");
	check_body(HDR2 FILE_A "lines 1\nhit 1\nfunction 0 1 f\n", 1,
	    " line 6: bad function line '0'", "a function at line 0");
	check_body(HDR2 FILE_A "lines 1\nhit 1\nfunction 1 2 f\n", 1,
	    " line 6: bad function hit flag '2'", "a bad hit flag");
	check_body(HDR2 FILE_A "lines 1\nhit 1\nfunction 1 1\n", 1,
	    " line 6: bad function record", "a function without a name");
	check_body(HDR2 FILE_A "lines 1\nhit 1\nfunction 2 1 f\n"
	                       "function 1 1 g\n",
	    1, " line 7: function records not sorted at 'g'",
	    "functions out of line order");
	check_body(HDR2 FILE_A "lines 1\nhit 1\nfunction 1 1 f\n"
	                       "function 1 1 f\n",
	    1, " line 7: function records not sorted at 'f'",
	    "a function twice");
	check_body(HDR2 FILE_A "lines 1\nhit 1\nfunction 1 1 a%20\n"
	                       "function 1 1 a b\n",
	    1, " line 7: bad function name 'a b'",
	    "an unencoded space in a name");
	check_body(HDR2 FILE_A "function 1 1 f\n", 1,
	    " line 4: expected a 'lines' record, found 'function'",
	    "a function before the lines");
	check_body(HDR2 "function 1 1 f\n", 0,
	    " line 2: unexpected 'function' record", "a function outside a file");
}

/* Version 1 files (no functions, runs and modules in any order) still read,
 * and are written back as version 2. */
static void
test_version_1(void)
{
	char *body = xstrdup("covtrace-data 1\n"
			     "run host=b platform=p cwd=/ start=9 duration=0 "
			     "status=0 command=y\n"
			     "run host=a platform=p cwd=/ start=1 duration=0 "
			     "status=0 command=x\n"
			     "module 12 /z\nmodule 34 /a\n"
			     "file /a.c\nmodules 0\nlines 1-2\nhit 2\n");
	char *text = with_end(body, 1), *path = tmp_path("trip"), *out;
	struct coverage *cov = NULL;

	write_text(path, text, strlen(text));
	if (is_int(datafile_read(path, &cov), 0, "a version 1 file reads")) {
		is_str(cov->runs[0].host, "a", "runs come sorted by start");
		is_str(cov->modules[0].path, "/a", "modules come sorted");
		is_int(cov->files[0].modules[0], 1,
		    "and file module indices follow them");
		is_int(datafile_write(cov, path), 0, "it can be written again");
		out = read_text(path);
		ok(strncmp(out, "covtrace-data 3\n", 16) == 0,
		    "as version 3");
		free(out);
	}
	coverage_free(cov);
	free(text);
	free(body);
	free(path);
}

static void
test_bad_structure(void)
{
	check_body(HDR "bogus 1\n", 0, " line 2: unknown record 'bogus'",
	    "an unknown record");
	check_body(HDR "file /a.c\nlines 1\n", 1,
	    " line 3: expected a 'modules' record, found 'lines'",
	    "a file without modules");
	check_body(HDR FILE_A, 1,
	    " line 4: expected a 'lines' record, found 'end'",
	    "a file block cut short");
	check_body(HDR "module - /x\nrun host=h\n", 0,
	    " line 3: unexpected 'run' record", "a run after a module");
	check_body(HDR "end 0 00000000\n", 0,
	    " line 2: unexpected 'end' record", "two end records");
	check_body(HDR "file\n", 0, " line 2: incomplete 'file' record",
	    "a record without arguments");
}

static void
test_bad_fields(void)
{
	check_body(HDR "file /a%2.c\n", 0, " line 2: bad file path '/a%2.c'",
	    "a short escape");
	check_body(HDR "file /a%00.c\n", 0, " line 2: bad file path '/a%00.c'",
	    "an escaped NUL");
	check_body(HDR "file /a=b\n", 0, " line 2: bad file path '/a=b'",
	    "an unescaped '='");
	check_body(HDR "module 12 /x\nmodule 12 /x\n", 0,
	    " line 3: duplicate module '/x'", "a duplicate module");
	check_body(HDR "module XY /x\n", 0, " line 2: bad build-id 'XY'",
	    "a build-id that is not lowercase hex");
	check_body(HDR "module 12 /x\nfile /a.c\nmodules 1\n", 0,
	    " line 4: bad module index '1'", "a module index out of range");
	check_body(HDR "module 12 /x\nmodule 34 /y\nfile /a.c\nmodules 1 0\n",
	    0, " line 5: module indices not ascending at '0'",
	    "descending module indices");
	check_body(HDR "run host=h platform=p cwd=/ start=1 duration=1.5 "
	               "command=x\n",
	    0, " line 2: run record lacks 'status='", "a run without status");
	check_body(HDR "run host=h platform=p cwd=/ start=1 duration=-1 "
	               "status=0 command=x\n",
	    0, " line 2: bad duration '-1'", "a negative duration");
	check_body(HDR "run host=h platform=p cwd=/ start=1 duration=1 "
	               "status=2147483648 command=x\n",
	    0, " line 2: bad status '2147483648'", "a status beyond int");
	check_body(HDR "run host=h platform=p cwd=/ start=1 duration=1 "
	               "status=0 command=x y\n",
	    0, " line 2: unexpected field 'y' in run record", "an extra field");
	check_body(HDR "bog\x01us\n", 0, " line 2: unknown record 'bog?us'",
	    "control bytes are not echoed");
}

static void
test_trailing(void)
{
	char *text = xasprintf("%sx\n", expected_text);

	check_error(text, " line 23: data after the end record",
	    "data after the end record");
	free(text);
}

/* A tiny deterministic generator, so that failures can be replayed. */
static uint32_t
rnd(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*state >> 33);
}

static char *
mutate(uint64_t *state, size_t *lenp)
{
	static const char alphabet[] = "0123456789-, \n%=abcdefhilmnorstu/";
	size_t len = strlen(expected_text),
	       end = strstr(expected_text, "end 3") - expected_text;
	char *s = xmalloc(len + 8), *out;
	int nmut = 1 + (int)(rnd(state) % 4);

	memcpy(s, expected_text, end);
	len = end;
	for (int i = 0; i < nmut && len > 1; i++) {
		size_t at = rnd(state) % len;
		char c = alphabet[rnd(state) % (sizeof(alphabet) - 1)];

		if (rnd(state) % 3 == 0)
			memmove(s + at, s + at + 1, len-- - at - 1);
		else
			s[at] = rnd(state) % 8 ? c : (char)rnd(state);
	}
	s[len] = '\0';
	/* Mostly with a valid checksum, so that the parser sees the damage. */
	out = rnd(state) % 8 ? with_end(s, (int)(rnd(state) % 4))
	                     : xasprintf("%send 3 f407182e\n", s);
	free(s);
	*lenp = strlen(out);
	return out;
}

/* -1: path is refused; 1: it reads, and what is written from it reads back;
 * -2: a bug. */
static int
read_write_read(const char *path, const char *path2)
{
	struct coverage *a = NULL, *b = NULL;
	int r = -2;

	if (datafile_read(path, &a) == -1)
		return -1;
	if (datafile_write(a, path2) == 0 && datafile_read(path2, &b) == 0)
		r = 1;
	coverage_free(a);
	coverage_free(b);
	return r;
}

static void
test_mutations(void)
{
	uint64_t state = 42;
	size_t nbad = 0, nread = 0, len;
	char *path = tmp_path("bad"), *path2 = tmp_path("again");

	for (int i = 0; i < 3000; i++) {
		char *text = mutate(&state, &len), *err;
		int r;

		write_text(path, text, len);
		capture_stderr();
		r = read_write_read(path, path2);
		err = captured_stderr();
		if (r == -2 ||
		    (r == -1 &&
		        (strncmp(err, "covtrace: ", 10) != 0 ||
		            strchr(err, '\n') != err + strlen(err) - 1)) ||
		    (r == 1 && err[0] != '\0')) {
			diag("mutation %d: %d, '%s' from:\n%s", i, r, err,
			    text);
			nbad++;
		}
		nread += r == 1;
		free(err);
		free(text);
	}
	is_int((long long)nbad, 0,
	    "3000 damaged files: one line each or a "
	    "good read (%zu)",
	    nread);
	free(path);
	free(path2);
}

static void
test_write_fails(void)
{
	struct coverage *cov = coverage_new();
	char *path = tmp_path("no/such/dir"), *err;

	capture_stderr();
	is_int(datafile_write(cov, path), -1,
	    "writing into a missing dir fails");
	err = captured_stderr();
	ok(strncmp(err, "covtrace: cannot ", 17) == 0 &&
	        strstr(err, path) != NULL &&
	        strchr(err, '\n') == strrchr(err, '\n'),
	    "and says so in one line naming the file");
	free(err);
	free(path);
	coverage_free(cov);
}

static void
cleanup(void)
{
	static const char *const names[] = {"exact", "trip", "trip2", "bad",
	    "again"};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char *path = tmp_path(names[i]);

		unlink(path);
		free(path);
	}
	rmdir(tmpdir);
	free(tmpdir);
}

int
main(void)
{
	const char *t = getenv("TMPDIR");

	tmpdir = xasprintf("%s/datafile-test.XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		skip_all("cannot create a temporary directory");
	test_write_exact();
	test_round_trip();
	test_cannot_read();
	test_not_ours();
	test_truncated();
	test_checksum();
	test_checksum_lengths();
	test_bad_records();
	test_bad_functions();
	test_version_1();
	test_bad_structure();
	test_bad_fields();
	test_trailing();
	test_mutations();
	test_write_fails();
	cleanup();
	return done_testing();
}
