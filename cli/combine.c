/* Parallel data files, `covtrace combine` and `covtrace erase`. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/run.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "report/report.h"

#define RANDOM_LEN 6

static bool
all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool
all_alnum(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

char *
parallel_data_file(const char *data_file)
{
	static const char alnum[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[RANDOM_LEN];
	char host[256], suffix[RANDOM_LEN + 1];

	if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	for (char *p = host; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		/* Only uniqueness matters; pid and time make it likely. */
		uint64_t x = (uint64_t)time(NULL) * 2654435761u ^
		    (uint64_t)getpid() << 16 ^ (uint64_t)clock();

		for (size_t i = 0; i < sizeof(rnd); i++, x >>= 8)
			rnd[i] = (unsigned char)x;
	}
	for (size_t i = 0; i < RANDOM_LEN; i++)
		suffix[i] = alnum[rnd[i] % (sizeof(alnum) - 1)];
	suffix[RANDOM_LEN] = '\0';
	return xasprintf("%s.%s.%ld.%s", data_file, host, (long)getpid(),
	    suffix);
}

/* Whether name is base.HOST.PID.RANDOM, a parallel data file of base. */
static bool
is_parallel_name(const char *name, const char *base)
{
	size_t bl = strlen(base);
	const char *rest, *dot2, *dot1;

	if (strncmp(name, base, bl) != 0 || name[bl] != '.')
		return false;
	rest = name + bl + 1;
	if ((dot2 = strrchr(rest, '.')) == NULL || dot2 == rest)
		return false;
	if (!all_alnum(dot2 + 1, strlen(dot2 + 1)))
		return false;
	for (dot1 = dot2 - 1; dot1 > rest && *dot1 != '.'; dot1--)
		;
	if (dot1 == rest)
		return false;
	return all_digits(dot1 + 1, (size_t)(dot2 - dot1 - 1));
}

struct names {
	size_t n;
	char **v;
};

static void
names_add(struct names *ns, char *name)
{
	ns->v = xreallocarray(ns->v, ns->n + 1, sizeof(*ns->v));
	ns->v[ns->n++] = name;
}

static void
names_release(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	ns->v = NULL;
	ns->n = 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The parallel data files of data_file found in dir, in name order. */
static int
find_parallel(const char *dir, const char *data_file, struct names *ns)
{
	const char *slash = strrchr(data_file, '/');
	const char *base = slash != NULL ? slash + 1 : data_file;
	size_t first = ns->n;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return error_errno("cannot read directory '%s'", dir);
	while ((de = readdir(d)) != NULL)
		if (is_parallel_name(de->d_name, base))
			names_add(ns,
			    strcmp(dir, ".") == 0
			        ? xstrdup(de->d_name)
			        : xasprintf("%s/%s", dir, de->d_name));
	closedir(d);
	if (ns->n - first > 1)
		qsort(ns->v + first, ns->n - first, sizeof(*ns->v), str_cmp);
	return 0;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* The files combine reads: the paths given (a directory stands for the
 * parallel files in it), or the parallel files beside the data file. */
static int
combine_inputs(const struct options *opts, struct names *ns)
{
	struct stat st;
	char *dir;
	int r;

	if (opts->ninputs == 0) {
		dir = dir_of(opts->data_file);
		r = find_parallel(dir, opts->data_file, ns);
		free(dir);
		return r;
	}
	for (size_t i = 0; i < opts->ninputs; i++) {
		const char *in = opts->inputs[i];

		if (stat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (find_parallel(in, opts->data_file, ns) == -1)
				return -1;
		} else
			names_add(ns, xstrdup(in));
	}
	return 0;
}

/* Read and union the inputs into *covp; -1 at the first bad one. */
static int
read_all(const struct options *opts, const struct names *ns,
    struct coverage **covp)
{
	struct coverage *all = coverage_new(), *one;
	struct stat st;

	*covp = NULL;
	if (opts->append && stat(opts->data_file, &st) == 0) {
		if (datafile_read(opts->data_file, &one) == -1)
			goto fail;
		coverage_merge(all, one);
		coverage_free(one);
	}
	for (size_t i = 0; i < ns->n; i++) {
		if (datafile_read(ns->v[i], &one) == -1)
			goto fail;
		coverage_map_paths(one, opts->path_maps, opts->npath_maps);
		coverage_merge(all, one);
		coverage_free(one);
		verbose("combined data file '%s'", ns->v[i]);
	}
	*covp = all;
	return 0;
fail:
	coverage_free(all);
	return -1;
}

/* Which inputs are the data file itself, which combine must not remove
 * (asked before the data file is replaced). */
static bool *
inputs_that_are(const struct names *ns, const char *data_file)
{
	bool *same = xcalloc(ns->n + 1, sizeof(*same));
	struct stat sd, si;

	if (stat(data_file, &sd) == -1)
		return same;
	for (size_t i = 0; i < ns->n; i++)
		same[i] = stat(ns->v[i], &si) == 0 && si.st_dev == sd.st_dev &&
		    si.st_ino == sd.st_ino;
	return same;
}

int
run_combine(const struct options *opts)
{
	struct names ns = {0};
	struct coverage *cov = NULL;
	bool *is_data_file = NULL;
	int status = 1;

	if (combine_inputs(opts, &ns) == -1)
		goto out;
	if (ns.n == 0) {
		error("no data files to combine (expected %s.HOST.PID.RANDOM "
		      "files)",
		    opts->data_file);
		goto out;
	}
	if (read_all(opts, &ns, &cov) == -1)
		goto out;
	is_data_file = inputs_that_are(&ns, opts->data_file);
	if (datafile_write(cov, opts->data_file) == -1)
		goto out;
	for (size_t i = 0; i < ns.n && !opts->keep; i++)
		if (!is_data_file[i] && unlink(ns.v[i]) == -1 &&
		    errno != ENOENT)
			warning_errno("cannot remove '%s'", ns.v[i]);
	status = 0;
out:
	free(is_data_file);
	coverage_free(cov);
	names_release(&ns);
	return status;
}

int
run_erase(const struct options *opts)
{
	struct names ns = {0};
	char *dir = dir_of(opts->data_file);
	struct stat st;
	int status = 0;

	if (unlink(opts->data_file) == -1 && errno != ENOENT)
		status = error_errno("cannot remove '%s'", opts->data_file);
	if (stat(dir, &st) == 0 &&
	    find_parallel(dir, opts->data_file, &ns) == -1)
		status = -1;
	for (size_t i = 0; i < ns.n; i++)
		if (datafile_probe(ns.v[i]) && unlink(ns.v[i]) == -1 &&
		    errno != ENOENT)
			status = error_errno("cannot remove '%s'", ns.v[i]);
	names_release(&ns);
	free(dir);
	return status == 0 ? 0 : 1;
}
