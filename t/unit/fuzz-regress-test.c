/* Replays every input that once crashed the data-file reader under
 * `make fuzz` (t/data/fuzz-regress/), and the fuzzer's seed corpus, through
 * the fuzz target itself: an input that crashes again aborts this test. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomicfile.h"
#include "common/xalloc.h"
#include "t/tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
replay_dir(const char *dir)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (!ok(d != NULL, "the directory '%s' can be read", dir))
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xasprintf("%s/%s", dir, de->d_name);
		}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *data;
		size_t len;

		if (!ok(file_read_all(names[i], &data, &len) == 0, "read '%s'",
		        names[i]))
			continue;
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		ok(true, "'%s' does not crash the reader", names[i]);
		free(data);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
main(void)
{
	const char *srcdir = getenv("TEST_SRCDIR");
	char *dir;

	if (srcdir == NULL || srcdir[0] == '\0')
		skip_all("TEST_SRCDIR is not set (run it through make check)");
	dir = xasprintf("%s/data/fuzz-regress", srcdir);
	replay_dir(dir);
	free(dir);
	dir = xasprintf("%s/../fuzz/corpus", srcdir);
	replay_dir(dir);
	free(dir);
	return done_testing();
}
