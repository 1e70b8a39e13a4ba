/* Coverage by source line, the data file, and the report writers. */
#ifndef COVTRACE_REPORT_REPORT_H
#define COVTRACE_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Where a piece of coverage came from: one traced command. */
struct cov_run {
	char *host;
	char *platform;		/* "linux x86_64, glibc 2.36" */
	char *cwd;
	char *command;		/* the argv, shell-quoted and joined */
	int64_t start;		/* seconds since the epoch */
	double duration;	/* seconds */
	int status;		/* exit status as covtrace reports it */
};

/* An ELF image that contributed statements, named by its build-id. */
struct cov_module {
	char *build_id;		/* lowercase hex, or "" */
	char *path;
};

struct cov_line {
	uint32_t line;
	bool hit;
};

struct cov_file {
	char *path;		/* source path as in DWARF, normalized */
	size_t nlines;
	size_t alloc;
	struct cov_line *lines;	/* statements, sorted by line, unique */
	size_t nmodules;
	uint32_t *modules;	/* indices into coverage.modules, ascending */
};

struct coverage {
	size_t nruns;
	struct cov_run *runs;
	size_t nmodules;
	struct cov_module *modules;
	size_t nfiles;
	size_t files_alloc;
	struct cov_file *files;	/* sorted by path after coverage_finish */
};

struct coverage *coverage_new(void);
void coverage_free(struct coverage *cov);
/* Add a run; the strings are copied. */
void coverage_add_run(struct coverage *cov, const struct cov_run *run);
/* The index of the module with this build-id and path, added if new. */
uint32_t coverage_module(struct coverage *cov, const char *build_id,
    const char *path);
/* The file with this path, added if new; borrowed from cov. */
struct cov_file *coverage_file(struct coverage *cov, const char *path);
/* Record a statement line; hit lines stay hit when added again. */
void cov_file_add_line(struct cov_file *f, uint32_t line, bool hit);
void cov_file_add_module(struct cov_file *f, uint32_t module);
/* Sort files and lines and merge duplicates; call before reading. */
void coverage_finish(struct coverage *cov);
/* Union src into dst (files by path, lines by number). */
void coverage_merge(struct coverage *dst, const struct coverage *src);
/* Statement and hit line counts of one file. */
void cov_file_counts(const struct cov_file *f, size_t *stmtsp, size_t *hitp);
/* True when files, lines and module lists are sorted and unique, as
 * coverage_finish leaves them. */
bool coverage_is_finished(const struct coverage *cov);

/* Save cov to path atomically in the documented format (covtrace-data(5)).
 * Returns 0, or -1 (logged). */
int datafile_write(const struct coverage *cov, const char *path);
/* Read a data file.  Returns 0, or -1 after logging one line that names the
 * file and what is wrong with it. */
int datafile_read(const char *path, struct coverage **covp);

struct report_opts {
	bool show_missing;	/* term-missing */
	const char *cwd;	/* names below it are shown relative */
};

struct report_writer {
	const char *name;
	int (*write)(const struct coverage *cov, const struct report_opts *opts,
	    FILE *out);
};

extern const struct report_writer report_writer_term;

/* Format the percentage as pytest-cov shows it: 100% only when nothing is
 * missed, 0% only when nothing is hit. */
int report_percent(size_t stmts, size_t hit);
/* This machine as a run's platform names it: "linux x86_64, glibc 2.36".
 * The caller frees the string. */
char *report_platform(void);

#endif
