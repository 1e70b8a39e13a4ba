/* Collecting jobs: PATH..., --jobs-from, -- COMMAND. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/dispatch.h"

/* Directories nested deeper than this (a symlink loop) are not entered. */
#define MAX_DEPTH 64

char *
command_resolve(const char *name, int *statusp)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(name, '/') != NULL) {
		if (stat(name, &st) == -1) {
			*statusp = errno == ENOENT ? 127 : 126;
			error_errno("cannot run '%s'", name);
			return NULL;
		}
		if (S_ISDIR(st.st_mode) || access(name, X_OK) == -1) {
			*statusp = 126;
			error("cannot execute '%s': %s", name,
			    S_ISDIR(st.st_mode) ? "Is a directory"
			                        : strerror(errno));
			return NULL;
		}
		return xstrdup(name);
	}
	if (path == NULL || path[0] == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char *e = strchrnul(p, ':');
		char *cand = e == p
		    ? xasprintf("./%s", name)
		    : xasprintf("%.*s/%s", (int)(e - p), p, name);

		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (*e == '\0')
			break;
		p = e;
	}
	*statusp = 127;
	error("command not found: '%s'", name);
	return NULL;
}

static void
job_list_add(struct job_list *jl, char *name, char *command)
{
	XGROW(jl->v, jl->n + 1, jl->alloc);
	jl->v[jl->n].name = name;
	jl->v[jl->n].command = command;
	jl->n++;
}

/* A job for the program file at path, run with the path as given. */
static void
add_program(struct job_list *jl, const char *path)
{
	struct buf cmd = BUF_INIT;

	if (strchr(path, '/') == NULL)
		buf_addstr(&cmd, "./");
	words_quote(&cmd, path);
	job_list_add(jl, xstrdup(path), buf_detach(&cmd, NULL));
}

static bool
ignored(const char *path, const char *name, const char *const *ignore,
    size_t nignore)
{
	for (size_t i = 0; i < nignore; i++)
		if (fnmatch(ignore[i], path, 0) == 0 ||
		    fnmatch(ignore[i], name, 0) == 0)
			return true;
	return false;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir but . and .., sorted by name; NULL (logged). */
static char **
read_dir(const char *dir, size_t *np)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	*np = 0;
	if (d == NULL) {
		error_errno("cannot read directory '%s'", dir);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* hidden, . and .. */
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	*np = n;
	return names;
}

static void
walk(struct job_list *jl, const char *dir, int depth, const char *const *ignore,
    size_t nignore)
{
	size_t n;
	char **names = read_dir(dir, &n);

	for (size_t i = 0; i < n; i++) {
		size_t dl = strlen(dir);
		char *path = dl > 0 && dir[dl - 1] == '/'
		    ? xasprintf("%s%s", dir, names[i])
		    : xasprintf("%s/%s", dir, names[i]);
		struct stat st;

		if (!ignored(path, names[i], ignore, nignore) &&
		    stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
				walk(jl, path, depth + 1, ignore, nignore);
			else if (S_ISREG(st.st_mode) && access(path, X_OK) == 0)
				add_program(jl, path);
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

int
job_list_add_paths(struct job_list *jl, char *const *paths, size_t n,
    const char *const *ignore, size_t nignore)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(paths[i], &st) == -1)
			return error_errno("cannot collect jobs from '%s'",
			    paths[i]);
		if (S_ISDIR(st.st_mode))
			walk(jl, paths[i], 0, ignore, nignore);
		else if (S_ISREG(st.st_mode) && access(paths[i], X_OK) == 0)
			add_program(jl, paths[i]);
		else
			return error("cannot run '%s' as a job: not an "
			             "executable file",
			    paths[i]);
	}
	return 0;
}

/* One line of --jobs-from, without its newline. */
static int
add_line(struct job_list *jl, const char *file, size_t lineno, char *line)
{
	char **words, err[512];
	size_t len = strlen(line);
	const char *p = line + strspn(line, " \t");
	int n;

	while (len > 0 &&
	    (line[len - 1] == ' ' || line[len - 1] == '\t' ||
	        line[len - 1] == '\r'))
		line[--len] = '\0';
	if (*p == '\0' || *p == '#')
		return 0;
	if ((n = words_split(p, &words, err, sizeof(err))) == -1)
		return error("'%s' line %zu: %s", file, lineno, err);
	words_free(words);
	job_list_add(jl, xstrdup(p), xstrdup(p));
	return 0;
}

int
job_list_read(struct job_list *jl, const char *file)
{
	bool is_stdin = strcmp(file, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(file, "re");
	char *line = NULL;
	size_t size = 0, lineno = 0;
	int r = 0;

	if (fp == NULL)
		return error_errno("cannot read jobs from '%s'", file);
	while (r == 0 && getline(&line, &size, fp) != -1) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		r = add_line(jl, file, lineno, line);
	}
	if (r == 0 && ferror(fp))
		r = error_errno("cannot read jobs from '%s'", file);
	free(line);
	if (!is_stdin)
		fclose(fp);
	return r;
}

void
job_list_add_argv(struct job_list *jl, char *const argv[])
{
	struct buf cmd = BUF_INIT;
	char *command;

	for (size_t i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			buf_addch(&cmd, ' ');
		words_quote(&cmd, argv[i]);
	}
	command = buf_detach(&cmd, NULL);
	job_list_add(jl, xstrdup(command), command);
}

void
job_list_release(struct job_list *jl)
{
	for (size_t i = 0; i < jl->n; i++) {
		free(jl->v[i].name);
		free(jl->v[i].command);
	}
	free(jl->v);
	memset(jl, 0, sizeof(*jl));
}
