/* Workers and contexts in the coverage model and the data file (version
 * 3): tags on hit lines, their union, their records and the reader's
 * checks. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "report/report.h"
#include "t/tap.h"

static uint32_t
crc32_bitwise(const char *p, size_t len)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < len; i++) {
		crc ^= (unsigned char)p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

static char *
sealed(const char *body, int nfiles)
{
	return xasprintf("%send %d %08x\n", body, nfiles,
	    crc32_bitwise(body, strlen(body)));
}

/* A coverage of one file, lines 1-4 (1-3 hit), run by two jobs on two
 * workers, added out of order. */
static struct coverage *
make_cov(const char *wa, const char *wb)
{
	struct coverage *cov = coverage_new();
	struct cov_worker a = {(char *)wa, (char *)"h", (char *)"p",
	    (char *)"/a", false};
	struct cov_worker b = {(char *)wb, (char *)"h", (char *)"p",
	    (char *)"/b", true};
	uint32_t wia = coverage_worker(cov, &a), wib = coverage_worker(cov, &b);
	uint32_t cz = coverage_context(cov, "t/z.sh");
	uint32_t ca = coverage_context(cov, "t/a.sh");
	struct cov_file *f = coverage_file(cov, "/src/x.c");

	for (uint32_t l = 1; l <= 4; l++)
		cov_file_add_line(f, l, l < 4);
	cov_file_add_context(f, 3, cz);
	cov_file_add_context(f, 1, ca);
	cov_file_add_context(f, 2, ca);
	cov_file_add_context(f, 1, ca);
	cov_file_add_worker(f, 1, wib);
	cov_file_add_worker(f, 2, wia);
	cov_file_add_worker(f, 3, wia);
	coverage_finish(cov);
	return cov;
}

static void
test_finish(void)
{
	struct coverage *cov = make_cov("gw10", "gw2");
	const struct cov_file *f = &cov->files[0];
	const struct cov_tag *t;
	size_t n;

	is_str(cov->workers[0].id, "gw2", "workers sort as numbers: gw2");
	is_str(cov->workers[1].id, "gw10", "... before gw10");
	ok(cov->workers[0].lost && !cov->workers[1].lost,
	    "the lost flag moves with its worker");
	is_str(cov->contexts[0], "t/a.sh", "contexts sort by name");
	is_int(f->nctx, 3, "repeated context tags fold");
	t = cov_tags_of_line(f->ctx, f->nctx, 3, &n);
	ok(t != NULL && n == 1 && strcmp(cov->contexts[t->id], "t/z.sh") == 0,
	    "context tags are renumbered with their table");
	t = cov_tags_of_line(f->wtags, f->nwtags, 1, &n);
	ok(t != NULL && n == 1 && strcmp(cov->workers[t->id].id, "gw2") == 0,
	    "worker tags are renumbered with their table");
	ok(cov_tags_of_line(f->ctx, f->nctx, 4, &n) == NULL && n == 0,
	    "a line without tags has none");
	ok(coverage_is_finished(cov), "the result is finished");
	coverage_free(cov);
}

static void
test_merge(void)
{
	struct coverage *a = make_cov("gw0", "gw1");
	struct coverage *b = make_cov("gw1", "gw3");
	struct coverage *m = coverage_new();
	char *t1, *t2;
	size_t l1, l2;

	coverage_merge(m, a);
	coverage_merge(m, b);
	is_int(m->nworkers, 3, "merged workers are unioned by id");
	ok(m->workers[1].lost, "gw1, lost in one input, stays lost");
	is_int(m->ncontexts, 2, "merged contexts are unioned by name");
	t1 = datafile_format(m, &l1);
	coverage_free(m);
	m = coverage_new();
	coverage_merge(m, b);
	coverage_merge(m, a);
	t2 = datafile_format(m, &l2);
	ok(l1 == l2 && memcmp(t1, t2, l1) == 0,
	    "the union is the same in either order");
	free(t1);
	free(t2);
	coverage_free(a);
	coverage_free(b);
	coverage_free(m);
}

static void
test_roundtrip(void)
{
	struct coverage *cov = make_cov("gw0", "gw1"), *back = NULL;
	size_t len, len2;
	char *text = datafile_format(cov, &len), *text2;

	ok(strstr(text, "covtrace-data 3\n") == text, "version 3 is written");
	ok(strstr(text,
	       "\nworker id=gw0 host=h platform=p cwd=/a lost=0\n"
	       "worker id=gw1 host=h platform=p cwd=/b lost=1\n"
	       "context t/a.sh\ncontext t/z.sh\nfile ") != NULL,
	    "worker and context records, in order, before the files");
	ok(strstr(text,
	       "\nhit 1-3\ncontext-hit 0 1-2\ncontext-hit 1 3\n"
	       "worker-hit 0 2-3\nworker-hit 1 1\nend ") != NULL,
	    "context-hit and worker-hit records close the file block");
	if (!is_int(datafile_parse("t", text, len, &back), 0, "it reads back"))
		goto out;
	text2 = datafile_format(back, &len2);
	ok(len == len2 && memcmp(text, text2, len) == 0,
	    "and writes the same bytes again");
	free(text2);
out:
	free(text);
	coverage_free(back);
	coverage_free(cov);
}

static void
refused(const char *body, int nfiles, const char *want)
{
	char *text = sealed(body, nfiles);
	struct coverage *cov = NULL;
	char *err;

	capture_stderr();
	ok(datafile_parse("t", text, strlen(text), &cov) == -1, "refused: %s",
	    want);
	err = captured_stderr();
	if (!ok(strstr(err, want) != NULL, "... saying so"))
		diag("got: %s", err);
	free(err);
	free(text);
	coverage_free(cov);
}

#define FILE_X "file /x.c\nmodules -\nlines 1-4\nhit 1-3\n"
#define W0 "worker id=gw0 host=h platform=p cwd=/ lost=0\n"

static void
test_refused(void)
{
	refused("covtrace-data 2\n" W0, 0,
	    "worker records need data file version 3");
	refused("covtrace-data 2\ncontext a\n", 0,
	    "context records need data file version 3");
	refused("covtrace-data 3\nworker id=gw0 host=h platform=p cwd=/\n", 0,
	    "worker record lacks 'lost='");
	refused("covtrace-data 3\nworker id= host=h platform=p cwd=/ lost=0\n",
	    0, "bad worker record");
	refused("covtrace-data 3\nworker id=g host=h platform=p cwd=/ lost=2\n",
	    0, "bad worker record");
	refused("covtrace-data 3\n" W0 W0, 0, "duplicate worker 'gw0'");
	refused("covtrace-data 3\ncontext a\ncontext a\n", 0,
	    "duplicate context 'a'");
	refused("covtrace-data 3\ncontext a\n" W0, 0,
	    "unexpected 'worker' record");
	refused("covtrace-data 3\ncontext a\n" FILE_X "context-hit 1 1\n", 1,
	    "bad context-hit record");
	refused("covtrace-data 3\ncontext a\n" FILE_X "context-hit 0 4\n", 1,
	    "context-hit line 4 is not a hit line");
	refused("covtrace-data 3\ncontext a\ncontext b\n" FILE_X
	        "context-hit 1 1\ncontext-hit 0 2\n",
	    1, "context-hit records not ascending at '0'");
	refused("covtrace-data 3\ncontext a\n" W0 FILE_X, 0,
	    "unexpected 'worker' record");
	refused("covtrace-data 3\n" W0 "context a\n" FILE_X
	        "worker-hit 0 1\ncontext-hit 0 1\n",
	    1, "unexpected 'context-hit' record");
	refused("covtrace-data 3\n" W0 FILE_X "worker-hit 0 3-1\n", 1,
	    "bad line range '3-1'");
}

int
main(void)
{
	test_finish();
	test_merge();
	test_roundtrip();
	test_refused();
	return done_testing();
}
