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

/* A function (DWARF subprogram) of a source file. */
struct cov_func {
	char *name;
	uint32_t line;		/* the line of its entry point */
	bool hit;
};

/* A worker of a distributed run (covtrace -n, --tx). */
struct cov_worker {
	char *id;		/* "gw0" */
	char *host;
	char *platform;		/* "linux x86_64, glibc 2.36" */
	char *cwd;
	bool lost;		/* it died: part of its coverage may be missing */
};

/* A hit line with a label: the job it ran in (coverage.contexts) or the
 * worker it ran on (coverage.workers). */
struct cov_tag {
	uint32_t line;
	uint32_t id;		/* the index of the context or worker */
};

struct cov_file {
	char *path;		/* source path as in DWARF, normalized */
	size_t nlines;
	size_t alloc;
	struct cov_line *lines;	/* statements, sorted by line, unique */
	size_t nmodules;
	uint32_t *modules;	/* indices into coverage.modules, ascending */
	size_t nfuncs;
	size_t funcs_alloc;
	struct cov_func *funcs;	/* sorted by line, then name; unique */
	/* Statement lines taken out by exclusion markers (coverage_exclude);
	 * never saved in the data file. */
	size_t nexcluded;
	uint32_t *excluded;	/* ascending */
	/* Which contexts (--cov-context=test) and which workers ran each hit
	 * line; sorted by line, then id, and unique after finishing. */
	size_t nctx, ctx_alloc;
	struct cov_tag *ctx;
	size_t nwtags, wtags_alloc;
	struct cov_tag *wtags;
};

struct coverage {
	size_t nruns;
	struct cov_run *runs;	/* sorted by start time after finishing */
	size_t nmodules;
	struct cov_module *modules;	/* sorted by path, then build-id */
	size_t nfiles;
	size_t files_alloc;
	struct cov_file *files;	/* sorted by path after coverage_finish */
	size_t ncontexts;
	char **contexts;	/* job names; sorted after finishing */
	size_t nworkers;
	struct cov_worker *workers;	/* sorted by id (gw2 before gw10) */
};

struct coverage *coverage_new(void);
void coverage_free(struct coverage *cov);
/* Add a run; the strings are copied. */
void coverage_add_run(struct coverage *cov, const struct cov_run *run);
/* The index of the module with this build-id and path, added if new.  The
 * index holds until the next coverage_finish, which renumbers modules. */
uint32_t coverage_module(struct coverage *cov, const char *build_id,
    const char *path);
/* The file with this path, added if new; borrowed from cov. */
struct cov_file *coverage_file(struct coverage *cov, const char *path);
/* Record a statement line; hit lines stay hit when added again. */
void cov_file_add_line(struct cov_file *f, uint32_t line, bool hit);
/* Record n statement lines at once: lines[i], hit when hit[i] != 0. */
void cov_file_add_lines(struct cov_file *f, const uint32_t *lines,
    const uint8_t *hit, size_t n);
void cov_file_add_module(struct cov_file *f, uint32_t module);
/* Record a function; the name is copied.  A function added twice (same
 * line and name) ran when either ran. */
void cov_file_add_func(struct cov_file *f, const char *name, uint32_t line,
    bool hit);
/* The index of the context (a job's name) called name, added if new; like
 * a module index, it holds until the next coverage_finish. */
uint32_t coverage_context(struct coverage *cov, const char *name);
/* The index of the worker with w's id, added if new (strings copied); a
 * worker seen lost once stays lost.  It holds until coverage_finish. */
uint32_t coverage_worker(struct coverage *cov, const struct cov_worker *w);
/* Record that the hit line ran in context ctx, or on worker worker. */
void cov_file_add_context(struct cov_file *f, uint32_t line, uint32_t ctx);
void cov_file_add_worker(struct cov_file *f, uint32_t line, uint32_t worker);
/* The tags of one line in a finished file (a run of tags, n of them); NULL
 * when it has none. */
const struct cov_tag *cov_tags_of_line(const struct cov_tag *tags,
    size_t ntags, uint32_t line, size_t *np);
/*
 * Put cov in its canonical form, which every reader may rely on: files,
 * lines and functions sorted and merged, identical runs merged and runs
 * sorted, modules sorted and the files' module lists renumbered.  Two
 * coverages holding the same data are then equal field by field, whatever
 * order it was added in.
 */
void coverage_finish(struct coverage *cov);
/* Union src into dst (files by path, lines by number); dst is finished. */
void coverage_merge(struct coverage *dst, const struct coverage *src);
/* Statement and hit line counts of one file. */
void cov_file_counts(const struct cov_file *f, size_t *stmtsp, size_t *hitp);
/* Function and run-function counts of one file. */
void cov_file_func_counts(const struct cov_file *f, size_t *nfuncsp,
    size_t *hitp);
/* True when cov is in the canonical form coverage_finish leaves. */
bool coverage_is_finished(const struct coverage *cov);
/* A finished copy of cov, or cov itself when it is finished already; a copy
 * is left in *copyp for the caller to free (else NULL). */
const struct coverage *coverage_finished(const struct coverage *cov,
    struct coverage **copyp);
/* Warn about each image path that appears with more than one build-id
 * (different builds of one binary merged by source line). */
void coverage_check_modules(const struct coverage *cov);

/* --path-map: source path prefix FROM becomes TO. */
struct path_map {
	const char *from;
	const char *to;
};

/* The path with its prefix rewritten by the first matching rule (the caller
 * frees it), or NULL when no rule matches.  A rule matches when FROM is the
 * whole path or a prefix ending at a '/' of it. */
char *path_map_apply(const struct path_map *maps, size_t nmaps,
    const char *path);
/* Rename the files of cov by maps; files that meet merge.  cov is left
 * finished. */
void coverage_map_paths(struct coverage *cov, const struct path_map *maps,
    size_t nmaps);

/*
 * Exclusion markers.  Statement lines that carry LCOV_EXCL_LINE or
 * GCOVR_EXCL_LINE, lie between LCOV_EXCL_START and LCOV_EXCL_STOP (or the
 * GCOVR_ pair), or match one of the regular expressions, move from the
 * statements to cov_file.excluded; so do functions whose line is excluded.
 * Sources are read at their path (relative paths from the current
 * directory); a file that cannot be read keeps all its statements.
 */
struct excluder;

/* Compile the extended regular expressions; NULL (logged) on a bad one. */
struct excluder *excluder_new(const char *const *regexes, size_t n);
void excluder_free(struct excluder *ex);
/* Apply the markers to every file of cov (finished); warns about a START
 * left open, naming the file and line. */
void coverage_exclude(struct coverage *cov, const struct excluder *ex);

/* Save cov to path atomically in the documented format (covtrace-data(5)).
 * Returns 0, or -1 (logged). */
int datafile_write(const struct coverage *cov, const char *path);
/* The data file text of cov (finished); the caller frees it.  NULL (logged)
 * when cov cannot be saved. */
char *datafile_format(const struct coverage *cov, size_t *lenp);
/* Read a data file.  Returns 0, or -1 after logging one line that names the
 * file and what is wrong with it. */
int datafile_read(const char *path, struct coverage **covp);
/* Parse data file text held in memory; name is used in messages. */
int datafile_parse(const char *name, const char *data, size_t len,
    struct coverage **covp);
/* True when the file at path starts like a covtrace data file. */
bool datafile_probe(const char *path);

enum report_sort {
	REPORT_SORT_NAME,
	REPORT_SORT_STMTS,
	REPORT_SORT_MISS,
	REPORT_SORT_COVER,
};

struct report_opts {
	bool show_missing;	/* term-missing */
	bool skip_covered;	/* leave out files with nothing missed */
	int precision;		/* digits after the point of a percentage */
	enum report_sort sort;
	bool sort_reverse;
	const char *cwd;	/* names below it are shown relative */
	int64_t now;		/* the report's timestamp, seconds */
	const char *version;	/* covtrace's version, for generator notes */
};

struct report_writer {
	const char *name;		/* as in --cov-report=NAME */
	const char *what;		/* "LCOV": "Coverage LCOV written to ..." */
	const char *default_dest;	/* NULL: standard error */
	/* A text format writes to out; a site (HTML) fills the directory
	 * dir instead.  Exactly one of the two is set.  Both return 0, or
	 * -1 (logged). */
	int (*write)(const struct coverage *cov, const struct report_opts *opts,
	    FILE *out);
	int (*write_dir)(const struct coverage *cov,
	    const struct report_opts *opts, const char *dir);
};

extern const struct report_writer report_writer_term;
extern const struct report_writer report_writer_markdown;
extern const struct report_writer report_writer_lcov;
extern const struct report_writer report_writer_cobertura;
extern const struct report_writer report_writer_json;
extern const struct report_writer report_writer_html;

/* `covtrace report --by-worker`: each worker's platform, directory and
 * hit count, then the lines that ran on some workers only, with the
 * workers they ran on.  Returns 0, or -1 (logged) when cov has no workers
 * or out fails. */
int report_by_worker(const struct coverage *cov,
    const struct report_opts *opts, FILE *out);

/* The writer called name ("term", "lcov", "xml" ...), or NULL. */
const struct report_writer *report_writer_find(const char *name);

/* Format the percentage as pytest-cov shows it: 100% only when nothing is
 * missed, 0% only when nothing is hit. */
int report_percent(size_t stmts, size_t hit);
/* The same with precision digits after the point, as coverage.py's
 * display_covered(), into buf ("93.75"); no '%'. */
void report_format_percent(char *buf, size_t size, size_t stmts, size_t hit,
    int precision);
/* The number report_format_percent shows. */
double report_displayed_percent(size_t stmts, size_t hit, int precision);
/* The path relative to cwd when it lies below cwd, else the path itself;
 * borrowed from path. */
const char *report_display_name(const char *path, const char *cwd);
/* This machine as a run's platform names it: "linux x86_64, glibc 2.36".
 * The caller frees the string. */
char *report_platform(void);

/* One row of a summary table (term, markdown, the HTML index). */
struct report_row {
	const char *name;	/* borrowed from the file's path */
	const struct cov_file *file;	/* NULL for the total */
	size_t stmts;
	size_t miss;
	size_t nfuncs;
	size_t funcs_hit;
};

struct report_rows {
	size_t n;
	struct report_row *rows;	/* sorted as opts ask, skipped left out */
	size_t skipped;		/* files left out by skip_covered */
	struct report_row total;	/* every file, skipped ones included */
};

/* The rows of cov (finished) as opts sort and filter them. */
void report_rows_init(struct report_rows *rr, const struct coverage *cov,
    const struct report_opts *opts);
void report_rows_release(struct report_rows *rr);
/* The missed lines as ranges, "12-15, 20", added to out (a struct buf). */
struct buf;
void report_add_missing(struct buf *out, const struct cov_file *f);
/* The terminal table, what report_writer_term writes, added to out. */
void report_table(struct buf *out, const struct coverage *cov,
    const struct report_opts *opts);

#endif
