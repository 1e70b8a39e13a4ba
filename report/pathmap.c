/* --path-map: rewrite source path prefixes, so that data from another
 * machine, container or build directory lines up with this one. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "report/report.h"

/* The length of from without trailing slashes ("/" stays "/"). */
static size_t
prefix_len(const char *from)
{
	size_t n = strlen(from);

	while (n > 1 && from[n - 1] == '/')
		n--;
	return n;
}

static bool
prefix_matches(const char *from, size_t n, const char *path)
{
	if (n == 0 || strncmp(path, from, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || from[n - 1] == '/';
}

char *
path_map_apply(const struct path_map *maps, size_t nmaps, const char *path)
{
	for (size_t i = 0; i < nmaps; i++) {
		size_t n = prefix_len(maps[i].from), tn;
		const char *rest = path + n;

		if (!prefix_matches(maps[i].from, n, path))
			continue;
		while (*rest == '/')
			rest++;
		tn = prefix_len(maps[i].to);
		if (*rest == '\0')
			return tn > 0 ? xstrndup(maps[i].to, tn) : xstrdup(".");
		if (tn == 0) /* an empty TO makes the paths relative */
			return xstrdup(rest);
		if (maps[i].to[tn - 1] == '/') /* TO is the root */
			return xasprintf("/%s", rest);
		return xasprintf("%.*s/%s", (int)tn, maps[i].to, rest);
	}
	return NULL;
}

void
coverage_map_paths(struct coverage *cov, const struct path_map *maps,
    size_t nmaps)
{
	bool renamed = false;

	for (size_t i = 0; i < cov->nfiles; i++) {
		char *to = path_map_apply(maps, nmaps, cov->files[i].path);

		if (to == NULL)
			continue;
		free(cov->files[i].path);
		cov->files[i].path = to;
		renamed = true;
	}
	/* Finishing sorts the files again and folds those that met. */
	if (renamed || !coverage_is_finished(cov))
		coverage_finish(cov);
}
