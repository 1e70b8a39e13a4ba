#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/dispatch.h"
#include "dispatch/image.h"

/* Lines handed to line_sink.file_lines at a time at most. */
#define EMIT_CHUNK 4096

static struct bp_image *
image_for_file(void *ctx, const char *path, enum image_kind kind)
{
	struct image_set *set = ctx;
	struct image *im = image_set_get(set, path);

	if (im == NULL || im->lt == NULL)
		return NULL;
	if (!im->lt->has_debug) {
		if (kind == IMAGE_FIRST_EXEC)
			set->first_without_lines = true;
		if (kind == IMAGE_FIRST_EXEC)
			warning("no line information in '%s'", path);
		else
			verbose("no line information in '%s'", path);
		return NULL;
	}
	if (!im->measured) {
		verbose("no selected source file in '%s'", path);
		return NULL;
	}
	return &im->bp;
}

static int
rendezvous(void *ctx, const char *path, uint64_t *brkp, uint64_t *rdebugp)
{
	static const char *const names[] = {"_dl_debug_state", "_r_debug"};
	uint64_t v[2];

	(void)ctx;
	if (elf_symbol_values(path, names, v, 2) == -1)
		return -1;
	*brkp = v[0];
	*rdebugp = v[1];
	return 0;
}

/* Hand the lines of one measured image to the sink; line ids are in
 * (file, line) order. */
static void
emit_image(const struct image *im, const struct line_sink *sink)
{
	const struct bp_image *bp = &im->bp;
	uint32_t *lines;

	if (sink->file_lines == NULL) {
		for (size_t l = 0; l < bp->nlines; l++) {
			const struct linepos *lr = &im->lines[l];

			sink->line(sink->ctx, im->lt->build_id, im->path,
			    im->lt->files[lr->file], lr->line, bp->hit[l] != 0);
		}
		return;
	}
	/* A file's lines are a run of line ids, and so are their flags; they
	 * go out in pieces through a small buffer. */
	lines = xmalloc(EMIT_CHUNK * sizeof(*lines));
	for (size_t l = 0; l < bp->nlines;) {
		uint32_t file = im->lines[l].file;
		size_t end = l;

		for (; end < bp->nlines && end - l < EMIT_CHUNK &&
		     im->lines[end].file == file;
		     end++)
			lines[end - l] = im->lines[end].line;
		sink->file_lines(sink->ctx, im->lt->build_id, im->path,
		    im->lt->files[file], lines, bp->hit + l, end - l);
		l = end;
	}
	free(lines);
}

/* The index of the first breakpoint address at or above entry, searched
 * for from index from on, below which every address is lower: functions
 * come in address order, so each search starts where the last one ended
 * and gallops, a few steps through nearby memory where a binary search
 * over the whole table would miss the cache at each step. */
static size_t
first_addr_at(const struct bp_image *bp, size_t from, uint64_t entry)
{
	size_t lo = from, hi, step = 1;

	if (lo >= bp->naddrs || bp->addrs[lo] >= entry)
		return lo;
	/* addrs[lo] < entry: find hi with addrs[hi] >= entry, or the end. */
	for (;;) {
		hi = lo + step;
		if (hi >= bp->naddrs) {
			hi = bp->naddrs;
			break;
		}
		if (bp->addrs[hi] >= entry)
			break;
		lo = hi;
		step *= 2;
	}
	for (lo++; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (bp->addrs[mid] < entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether the function whose first breakpoint address is addrs[a], if any
 * below end, ran: the lines of that address were hit. */
static bool
function_ran(const struct bp_image *bp, size_t a, uint64_t end)
{
	if (a == bp->naddrs || bp->addrs[a] >= end)
		return false;
	for (uint32_t k = bp->addr_line_start[a];
	     k < bp->addr_line_start[a + 1]; k++)
		if (bp->hit[bp->addr_lines[k]])
			return true;
	return false;
}

enum { FILE_UNSEEN, FILE_SELECTED, FILE_LEFT_OUT };

/* Hand the functions of the selected files of one image to the sink. */
static void
emit_functions(const struct image_set *set, const struct image *im,
    const struct line_sink *sink)
{
	const struct linetab *lt = im->lt;
	/* Whether each file is selected, asked once per file, not once per
	 * function. */
	unsigned char *fsel = xcalloc(lt->nfiles + 1, 1);
	size_t a = 0;
	uint64_t last = 0;

	for (size_t i = 0; i < lt->nfuncs; i++) {
		const struct linefunc *f = &lt->funcs[i];
		const char *file = lt->files[f->file];
		bool ran;

		if (fsel[f->file] == FILE_UNSEEN)
			fsel[f->file] = selection_match(&set->sel, file)
			    ? FILE_SELECTED
			    : FILE_LEFT_OUT;
		if (fsel[f->file] == FILE_LEFT_OUT)
			continue;
		if (f->addr < last)
			a = 0; /* not in address order after all */
		last = f->addr;
		a = first_addr_at(&im->bp, a, f->addr);
		ran = function_ran(&im->bp, a, f->end);
		debug("function %s at %s:%u %s", lt->names + f->name, file,
		    f->line, ran ? "ran" : "did not run");
		if (sink->function != NULL)
			sink->function(sink->ctx, lt->build_id, im->path, file,
			    lt->names + f->name, f->line, ran);
	}
	free(fsel);
}

/* Hand every measured image to the sink; false when there is none. */
static bool
emit_all(const struct image_set *set, const struct line_sink *sink,
    bool final)
{
	bool any = false;

	for (size_t i = 0; i < set->n; i++) {
		const struct image *im = set->v[i];

		if (im->same != NULL || !im->measured)
			continue;
		if (final)
			verbose("%s: %zu lines, %zu run, %llu stops, %llu unsafe line-table rows skipped",
			    im->path, im->bp.nlines, im->bp.nhit,
			    (unsigned long long)im->bp.stops,
			    (unsigned long long)im->lt->rows_skipped);
		emit_image(im, sink);
		emit_functions(set, im, sink);
		any = true;
	}
	return any;
}

struct progress {
	const struct image_set *set;
	const struct line_sink *sink;
};

/* While the command runs: what it covered so far, then sink->progress. */
static void
progress_tick(void *ctx)
{
	const struct progress *p = ctx;

	emit_all(p->set, p->sink, false);
	p->sink->progress(p->sink->ctx);
}

/* Run one measurement (a command, or an attach when argv is NULL) and hand
 * the result to the sink. */
static int
measure(const struct measure_opts *opts, const char *path, char *const argv[],
    pid_t pid, const struct line_sink *sink, int *statusp,
    struct tracer_stats *stats)
{
	struct tracer_opts topts = { .cpu = opts->cpu,
		.idle_poll = opts->idle_poll };
	struct image_set set;
	struct breakpoint_source src = {
		.image_for_file = image_for_file,
		.rendezvous = rendezvous,
		.ctx = &set,
	};
	struct progress prog = { .set = &set, .sink = sink };
	int r;

	image_set_init(&set);
	selection_init(&set.sel, opts->cov, opts->ncov);
	selection_filter(&set.sel, opts->include, opts->ninclude, opts->exclude,
	    opts->nexclude);
	set.ltopts.no_cache = opts->no_cache;
	if (sink->progress != NULL && opts->progress_ms > 0) {
		topts.tick = progress_tick;
		topts.tick_ctx = &prog;
		topts.tick_ms = opts->progress_ms;
	}
	if (argv != NULL)
		r = tracer_run(path, argv, &topts, &src, statusp, stats);
	else
		r = tracer_attach(pid, &topts, &src, statusp, stats);
	/* Say so when nothing was measured, unless the program's own lack
	 * of line information was said already. */
	if (!emit_all(&set, sink, true) && r == 0 && !set.first_without_lines)
		warning("no data was collected: no source file under the --cov paths ran");
	image_set_release(&set);
	return r;
}

int
measure_command(const struct measure_opts *opts, const char *path,
    char *const argv[], const struct line_sink *sink, int *statusp,
    struct tracer_stats *stats)
{
	return measure(opts, path, argv, 0, sink, statusp, stats);
}

int
measure_attach(const struct measure_opts *opts, pid_t pid,
    const struct line_sink *sink, int *statusp, struct tracer_stats *stats)
{
	return measure(opts, NULL, NULL, pid, sink, statusp, stats);
}

int
measure_exit_status(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return 1;
}
