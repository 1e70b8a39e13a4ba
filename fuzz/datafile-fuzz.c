/*
 * libFuzzer target for the data-file reader (`make fuzz`).  Any input must
 * be refused with one message or read; what is read must write, read back
 * and write again to the same bytes, and every text writer must take it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
write_all_formats(const struct coverage *cov)
{
	static const char *const kinds[] = {"term", "markdown", "lcov", "xml",
	    "json"};
	struct report_opts opts = {.show_missing = true,
	    .cwd = "/",
	    .now = 0,
	    .version = "fuzz"};
	FILE *out = fopen("/dev/null", "w");

	if (out == NULL)
		abort();
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (report_writer_find(kinds[i])->write(cov, &opts, out) != 0)
			abort();
	fclose(out);
}

/* The checksum the end record carries, so that mutated bodies get past it
 * and reach the record parser. */
static uint32_t
crc32_ieee(const char *p, size_t len)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < len; i++) {
		crc ^= (unsigned char)p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

static size_t
count_files(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i + 5 <= len; i++)
		if ((i == 0 || p[i - 1] == '\n') &&
		    memcmp(p + i, "file ", 5) == 0)
			n++;
	return n;
}

static void
check(const char *data, size_t size)
{
	struct coverage *cov = NULL, *again = NULL;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;

	if (datafile_parse("fuzz", data, size, &cov) == -1)
		return;
	if ((text = datafile_format(cov, &len)) == NULL)
		abort();
	if (datafile_parse("again", text, len, &again) == -1)
		abort();
	if ((text2 = datafile_format(again, &len2)) == NULL || len != len2 ||
	    memcmp(text, text2, len) != 0)
		abort();
	write_all_formats(cov);
	free(text);
	free(text2);
	coverage_free(cov);
	coverage_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	char *sealed;
	int n;

	check(body, size);
	/* The input again as a body, sealed with a correct end record. */
	if (size > 0 && body[size - 1] != '\n')
		return 0;
	sealed = malloc(size + 32);
	if (sealed == NULL)
		abort();
	memcpy(sealed, body, size);
	n = snprintf(sealed + size, 32, "end %zu %08x\n",
	    count_files(body, size), crc32_ieee(body, size));
	check(sealed, size + (size_t)n);
	free(sealed);
	return 0;
}
