#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "dispatch/dispatch.h"
#include "dispatch/image.h"

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

	for (size_t l = 0; l < bp->nlines; l++) {
		const struct linepos *lr = &im->lines[l];

		sink->line(sink->ctx, im->lt->build_id, im->path,
		    im->lt->files[lr->file], lr->line, bp->hit[l] != 0);
	}
}

/* Whether the function starting at entry (and running up to end) ran: the
 * lines of its first breakpoint address inside it were hit. */
static bool
function_ran(const struct bp_image *bp, uint64_t entry, uint64_t end)
{
	size_t lo = 0, hi = bp->naddrs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bp->addrs[mid] < entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == bp->naddrs || bp->addrs[lo] >= end)
		return false;
	for (uint32_t k = bp->addr_line_start[lo];
	     k < bp->addr_line_start[lo + 1]; k++)
		if (bp->hit[bp->addr_lines[k]])
			return true;
	return false;
}

/* Hand the functions of the selected files of one image to the sink. */
static void
emit_functions(const struct image_set *set, const struct image *im,
    const struct line_sink *sink)
{
	const struct linetab *lt = im->lt;

	for (size_t i = 0; i < lt->nfuncs; i++) {
		const struct linefunc *f = &lt->funcs[i];
		const char *file = lt->files[f->file];

		bool ran;

		if (!selection_match(&set->sel, file))
			continue;
		ran = function_ran(&im->bp, f->addr, f->end);
		debug("function %s at %s:%u %s", lt->names + f->name, file,
		    f->line, ran ? "ran" : "did not run");
		if (sink->function != NULL)
			sink->function(sink->ctx, lt->build_id, im->path, file,
		    lt->names + f->name, f->line, ran);
	}
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
