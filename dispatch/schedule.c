/*
 * The dispatcher: start the workers, hand out jobs (--dist load or each),
 * poll() them all, pass on what they send, and handle their deaths.  The
 * loop reads like the protocol (doc/PROTOCOL.worker):
 *
 *	while (!finished(d)) { wait_events(d); handle_events(d); schedule(d); }
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/dispatch.h"
#include "dispatch/ssh.h"
#include "dispatch/transport.h"
#include "dispatch/wire.h"
#include "dispatch/worker.h"

/* How long a worker may stay silent after its job's --timeout before the
 * dispatcher kills it. */
#define TIMEOUT_GRACE 10.0
/* How long a worker has to get ready (its HELO and REDY) by default. */
#define START_TIMEOUT 60.0
/* A job is run at most this often: once, and once more after a worker
 * died under it. */
#define MAX_TRIES 2

const struct transport *
transport_find(enum txspec_kind kind)
{
	switch (kind) {
	case TXSPEC_POPEN:
		return &transport_popen;
	case TXSPEC_SSH:
		return &transport_ssh;
	}
	BUG("unknown transport kind %d", (int)kind);
}

/* Jobs waiting to run: one queue for --dist load, one per worker slot for
 * --dist each.  A retried job goes to the front. */
struct queue {
	size_t *v;
	size_t n, alloc;
	unsigned char *tries; /* per job: how often it was handed out */
};

static void
queue_init(struct queue *q, size_t njobs)
{
	memset(q, 0, sizeof(*q));
	q->tries = xcalloc(njobs > 0 ? njobs : 1, 1);
	XGROW(q->v, njobs, q->alloc);
	for (size_t i = 0; i < njobs; i++)
		q->v[q->n++] = njobs - 1 - i; /* popped from the end */
}

static void
queue_release(struct queue *q)
{
	free(q->v);
	free(q->tries);
}

static void
queue_push_front(struct queue *q, size_t job)
{
	XGROW(q->v, q->n + 1, q->alloc);
	q->v[q->n++] = job;
}

enum wstate {
	WS_STARTING, /* waiting for HELO and REDY */
	WS_IDLE,
	WS_BUSY,
	WS_CLOSING, /* told to exit, waiting for the end of its stream */
	WS_GONE,
};

struct wk {
	char *id;
	const struct txspec *spec;
	const struct transport *tx;
	struct tx_conn *conn;
	enum wstate state;
	bool hello, ready;
	struct queue *q;
	struct wire_reader rd;
	struct buf out;
	size_t out_off;
	struct worker_info info;
	char *host, *platform, *cwd, *fail;
	/* The job it runs. */
	size_t job;
	double job_start; /* monotonic */
	double job_epoch;
	double deadline; /* monotonic, of its job or its start; 0: none */
	bool killed_for_timeout;
	struct buf jout, jerr;
};

struct dispatcher {
	const struct dispatch_opts *opts;
	const struct job_list *jl;
	const struct dispatch_sink *sink;
	struct wk **w;
	size_t nw;
	size_t nslots; /* workers asked for */
	struct queue *queues; /* 1 (load) or nslots (each) */
	size_t nqueues;
	int restarts_left;
	unsigned next_id;
	bool failed; /* jobs were left unrun */
};

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted++;
}

static bool
id_taken(const struct dispatcher *d, const char *id)
{
	for (size_t i = 0; i < d->nw; i++)
		if (strcmp(d->w[i]->id, id) == 0)
			return true;
	for (size_t i = 0; i < d->opts->nspecs; i++)
		if (d->opts->specs[i].id != NULL &&
		    strcmp(d->opts->specs[i].id, id) == 0)
			return true;
	return false;
}

/* The next free gwN. */
static char *
next_id(struct dispatcher *d)
{
	for (;;) {
		char *id = xasprintf("gw%u", d->next_id++);

		if (!id_taken(d, id))
			return id;
		free(id);
	}
}

static void
send_setup(struct dispatcher *d, struct wk *w)
{
	const struct dispatch_opts *o = d->opts;
	struct wire_setup s = {
	    .protocol = WIRE_PROTOCOL,
	    .id = w->id,
	    .workers = (unsigned)d->nslots,
	    .chdir = w->spec->chdir,
	    .env = w->spec->env,
	    .nenv = w->spec->nenv,
	    .nice_set = w->spec->nice_set,
	    .nice = w->spec->nice,
	    .cov = (char **)o->measure.cov,
	    .ncov = o->measure.ncov,
	    .include = (char **)o->measure.include,
	    .ninclude = o->measure.ninclude,
	    .exclude = (char **)o->measure.exclude,
	    .nexclude = o->measure.nexclude,
	    .no_cache = o->measure.no_cache,
	    .cpu_same = o->measure.cpu == CPU_SAME,
	    .idle_sleep = !o->measure.idle_poll,
	    .verbosity = o->verbosity,
	};

	wire_put_setup(&w->out, &s);
}

/* Start a worker for spec into queue q; NULL (logged) when it cannot. */
static struct wk *
worker_start(struct dispatcher *d, const struct txspec *spec, char *id,
    struct queue *q)
{
	struct wk *w = xcalloc(1, sizeof(*w));

	w->id = id;
	w->spec = spec;
	w->q = q;
	w->info.id = w->id;
	wire_reader_init(&w->rd);
	if ((w->tx = transport_find(spec->kind)) == NULL ||
	    w->tx->start(spec, id, &w->conn) == -1) {
		free(w->id);
		free(w);
		return NULL;
	}
	verbose("worker %s: started ('%s')", id, spec->text);
	w->deadline = clock_monotonic() +
	    (d->opts->start_timeout > 0 ? d->opts->start_timeout
	                                : START_TIMEOUT);
	/* SETU goes out before HELO comes in: one round trip less. */
	send_setup(d, w);
	d->w = xreallocarray(d->w, d->nw + 1, sizeof(*d->w));
	d->w[d->nw++] = w;
	return w;
}

static void
worker_free(struct wk *w)
{
	wire_reader_release(&w->rd);
	buf_release(&w->out);
	buf_release(&w->jout);
	buf_release(&w->jerr);
	free(w->host);
	free(w->platform);
	free(w->cwd);
	free(w->fail);
	free(w->id);
	free(w);
}

static size_t
busy_count(const struct dispatcher *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nw; i++)
		n += d->w[i]->state == WS_BUSY;
	return n;
}

static size_t
live_count(const struct dispatcher *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nw; i++)
		n += d->w[i]->state != WS_GONE;
	return n;
}

static void
report_job(struct dispatcher *d, struct wk *w, size_t job,
    enum job_outcome outcome, int status, bool will_retry)
{
	struct job_result r = {
	    .job = job,
	    .worker = w != NULL ? &w->info : NULL,
	    .outcome = outcome,
	    .will_retry = will_retry,
	    .status = status,
	    .start = w != NULL ? w->job_epoch : clock_realtime(),
	    .duration = w != NULL ? clock_monotonic() - w->job_start : 0,
	    .out = w != NULL ? w->jout.data : NULL,
	    .outlen = w != NULL ? w->jout.len : 0,
	    .err = w != NULL ? w->jerr.data : NULL,
	    .errlen = w != NULL ? w->jerr.len : 0,
	};

	if (d->sink->job != NULL)
		d->sink->job(d->sink->ctx, &r);
}

/* The worker's wait status, in words. */
static void
describe_status(char *buf, size_t size, int status)
{
	if (status == -1)
		snprintf(buf, size, "its connection was lost");
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(buf, size, "wait status %#x", (unsigned)status);
}

/* The job a dead worker was running: retried once, else failed. */
static void
orphan_job(struct dispatcher *d, struct wk *w)
{
	size_t job = w->job;
	bool retry = !w->killed_for_timeout && w->q->tries[job] < MAX_TRIES &&
	    !interrupted;

	if (w->killed_for_timeout) {
		report_job(d, w, job, JOB_TIMEOUT, 137, false);
		return;
	}
	report_job(d, w, job, JOB_LOST, 255, retry);
	if (retry)
		queue_push_front(w->q, job);
}

/* Start a replacement in the dead worker's place, if allowed. */
static void
replace(struct dispatcher *d, struct wk *dead)
{
	struct wk *w;

	if (!dead->ready || interrupted || dead->q->n == 0)
		return;
	if (d->restarts_left == 0) {
		warning("worker %s is not replaced: --max-worker-restart "
		        "reached",
		    dead->id);
		return;
	}
	d->restarts_left--;
	w = worker_start(d, dead->spec, next_id(d), dead->q);
	if (w != NULL)
		warning("worker %s replaces worker %s", w->id, dead->id);
}

/* The worker is gone, expectedly or not: reap it, report it. */
static void
worker_gone(struct dispatcher *d, struct wk *w)
{
	bool expected = w->state == WS_CLOSING;
	bool had_job = w->state == WS_BUSY;
	char how[128];
	int status = -1;

	w->tx->finish(w->conn, &status);
	w->conn = NULL;
	w->state = WS_GONE;
	if (expected)
		return;
	describe_status(how, sizeof(how), status);
	if (w->fail != NULL)
		error("worker %s failed: %s", w->id, w->fail);
	else if (had_job)
		error("worker %s died (%s) while running %s", w->id, how,
		    d->jl->v[w->job].name);
	else
		error("worker %s died (%s)%s", w->id, how,
		    w->ready ? "" : " before it was ready");
	w->info.lost = true;
	if (w->ready && d->sink->worker != NULL)
		d->sink->worker(d->sink->ctx, &w->info);
	if (had_job)
		orphan_job(d, w);
	replace(d, w);
}

static int worker_kill(struct dispatcher *d, struct wk *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* End a worker that misbehaved; its death is handled as any other. */
static int
worker_kill(struct dispatcher *d, struct wk *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	free(w->fail);
	w->fail = xstrdup(msg);
	w->tx->kill(w->conn);
	if (w->state == WS_CLOSING)
		w->state = WS_IDLE; /* not an expected end any more */
	worker_gone(d, w);
	return -1;
}

static int
on_hello(struct dispatcher *d, struct wk *w, const struct wire_frame *f)
{
	struct wire_hello h;
	char err[256];

	if (w->hello)
		return worker_kill(d, w, "protocol error: a second HELO");
	if (wire_get_hello(f, &h, err, sizeof(err)) == -1)
		return worker_kill(d, w, "protocol error: %s", err);
	if (h.protocol != WIRE_PROTOCOL) {
		worker_kill(d, w,
		    "it speaks protocol %u (covtrace %s), this "
		    "covtrace speaks %d: install this covtrace on %s",
		    h.protocol, h.version, WIRE_PROTOCOL,
		    w->spec->host != NULL ? w->spec->host : h.host);
		wire_hello_release(&h);
		return -1;
	}
	w->hello = true;
	w->host = h.host;
	w->platform = h.platform;
	h.host = h.platform = NULL;
	w->info.host = w->host;
	w->info.platform = w->platform;
	debug("worker %s: covtrace %s on %s, %s", w->id, h.version, w->host,
	    w->platform);
	wire_hello_release(&h);
	return 0;
}

static int
on_ready(struct dispatcher *d, struct wk *w, const struct wire_frame *f)
{
	char err[256];

	if (!w->hello || w->ready)
		return worker_kill(d, w, "protocol error: REDY out of turn");
	if (wire_get_ready(f, &w->cwd, err, sizeof(err)) == -1)
		return worker_kill(d, w, "protocol error: %s", err);
	w->ready = true;
	w->state = WS_IDLE;
	w->deadline = 0;
	w->info.cwd = w->cwd;
	verbose("worker %s: ready in %s (%s)", w->id, w->cwd, w->platform);
	if (d->sink->worker != NULL)
		d->sink->worker(d->sink->ctx, &w->info);
	return 0;
}

static int
on_file(struct dispatcher *d, struct wk *w, const struct wire_frame *f)
{
	struct wire_file m;
	char err[256];

	if (wire_get_file(f, &m, err, sizeof(err)) == -1)
		return worker_kill(d, w, "protocol error: %s", err);
	if (w->state != WS_BUSY || m.job != w->job) {
		file_lines_release(&m.fl);
		return worker_kill(d, w,
		    "protocol error: FILE for job %llu, "
		    "which it does not run",
		    (unsigned long long)m.job);
	}
	remote_map_file(w->cwd, &m.fl);
	d->sink->file(d->sink->ctx, &w->info, w->job, &m.fl);
	file_lines_release(&m.fl);
	return 0;
}

static int
on_output(struct dispatcher *d, struct wk *w, const struct wire_frame *f)
{
	struct buf *b = f->type == WIRE_SOUT ? &w->jout : &w->jerr;
	size_t room = b->len < JOB_CAPTURE_MAX ? JOB_CAPTURE_MAX - b->len : 0;

	if (w->state != WS_BUSY)
		return worker_kill(d, w, "protocol error: %s while idle",
		    wire_type_name(f->type));
	buf_add(b, f->payload, f->len < room ? f->len : room);
	return 0;
}

static int
on_done(struct dispatcher *d, struct wk *w, const struct wire_frame *f)
{
	struct wire_done m;
	enum job_outcome outcome;
	char err[256];

	if (wire_get_done(f, &m, err, sizeof(err)) == -1)
		return worker_kill(d, w, "protocol error: %s", err);
	if (w->state != WS_BUSY || m.job != w->job)
		return worker_kill(d, w,
		    "protocol error: DONE for job %llu, "
		    "which it does not run",
		    (unsigned long long)m.job);
	outcome = m.timeout ? JOB_TIMEOUT
	    : m.status == 0 ? JOB_PASSED
	                    : JOB_FAILED;
	w->state = WS_IDLE;
	w->deadline = 0;
	report_job(d, w, w->job, outcome, m.status, false);
	return 0;
}

static int
on_fail(struct dispatcher *d, struct wk *w, const struct wire_frame *f)
{
	char err[256], *message;

	if (wire_get_fail(f, &message, err, sizeof(err)) == -1)
		return worker_kill(d, w, "protocol error: %s", err);
	/* The worker exits next; its end of stream reports it. */
	free(w->fail);
	w->fail = message;
	return 0;
}

/* Handle one frame; -1 when the worker was ended for it. */
static int
on_frame(struct dispatcher *d, struct wk *w, const struct wire_frame *f)
{
	if (!w->hello && f->type != WIRE_HELO)
		return worker_kill(d, w, "protocol error: %s before HELO",
		    wire_type_name(f->type));
	switch (f->type) {
	case WIRE_HELO:
		return on_hello(d, w, f);
	case WIRE_REDY:
		return on_ready(d, w, f);
	case WIRE_FILE:
		return on_file(d, w, f);
	case WIRE_SOUT:
	case WIRE_SERR:
		return on_output(d, w, f);
	case WIRE_DONE:
		return on_done(d, w, f);
	case WIRE_FAIL:
		return on_fail(d, w, f);
	default:
		return worker_kill(d, w,
		    "protocol error: a %s frame from a "
		    "worker",
		    wire_type_name(f->type));
	}
}

/* Read what the worker sent and handle every whole frame. */
static void
worker_input(struct dispatcher *d, struct wk *w)
{
	char chunk[65536], err[256];
	struct wire_frame f;
	ssize_t n;
	int r;

	while ((n = w->tx->read(w->conn, chunk, sizeof(chunk))) > 0) {
		wire_reader_feed(&w->rd, chunk, (size_t)n);
		while (
		    (r = wire_reader_next(&w->rd, &f, err, sizeof(err))) == 1)
			if (on_frame(d, w, &f) == -1)
				return;
		if (r == -1) {
			worker_kill(d, w, "protocol error: %s", err);
			return;
		}
	}
	if (n == 0 || errno != EAGAIN) {
		if (w->state != WS_CLOSING && w->fail == NULL &&
		    wire_reader_pending(&w->rd))
			w->fail = xstrdup("its stream ends inside a frame");
		worker_gone(d, w);
	}
}

/* Send what is queued for the worker. */
static void
worker_output(struct wk *w)
{
	while (w->out_off < w->out.len) {
		ssize_t n = w->tx->write(w->conn, w->out.data + w->out_off,
		    w->out.len - w->out_off);

		if (n > 0) {
			w->out_off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EAGAIN)
			return;
		/* A broken stream: its reading side reports the death. */
		w->out_off = w->out.len;
		break;
	}
	buf_reset(&w->out);
	w->out_off = 0;
}

static void
give_job(struct dispatcher *d, struct wk *w)
{
	struct wire_task t = {0};
	size_t job = w->q->v[--w->q->n];

	w->q->tries[job]++;
	w->job = job;
	w->state = WS_BUSY;
	w->job_start = clock_monotonic();
	w->job_epoch = clock_realtime();
	w->deadline = d->opts->timeout > 0
	    ? w->job_start + d->opts->timeout + TIMEOUT_GRACE
	    : 0;
	w->killed_for_timeout = false;
	buf_reset(&w->jout);
	buf_reset(&w->jerr);
	t.job = job;
	t.command = d->jl->v[job].command;
	t.timeout = d->opts->timeout;
	wire_put_task(&w->out, &t);
	debug("worker %s: job %zu '%s'", w->id, job, t.command);
	worker_output(w);
}

static bool
queues_empty(const struct dispatcher *d)
{
	for (size_t i = 0; i < d->nqueues; i++)
		if (d->queues[i].n > 0)
			return false;
	return true;
}

/* Give idle workers jobs; when nothing is left, tell them to exit. */
static void
schedule(struct dispatcher *d)
{
	bool done = queues_empty(d) || interrupted;

	for (size_t i = 0; i < d->nw; i++) {
		struct wk *w = d->w[i];

		if (w->state != WS_IDLE)
			continue;
		if (!interrupted && w->q->n > 0)
			give_job(d, w);
		else if (done && busy_count(d) == 0) {
			w->state = WS_CLOSING;
			if (w->tx->close_input != NULL)
				w->tx->close_input(w->conn);
		}
	}
}

/* Kill workers whose job ran past --timeout and the grace period. */
static void
check_deadlines(struct dispatcher *d)
{
	double t = clock_monotonic();

	for (size_t i = 0; i < d->nw; i++) {
		struct wk *w = d->w[i];

		if (w->deadline == 0 || t <= w->deadline)
			continue;
		if (w->state == WS_STARTING)
			worker_kill(d, w, "it was not ready after %g s",
			    d->opts->start_timeout > 0 ? d->opts->start_timeout
			                               : START_TIMEOUT);
		else if (w->state == WS_BUSY) {
			w->killed_for_timeout = true;
			worker_kill(d, w,
			    "no answer %g s after the job's timeout",
			    TIMEOUT_GRACE);
		}
	}
}

static int
poll_timeout(const struct dispatcher *d)
{
	double t = clock_monotonic(), soonest = -1;

	for (size_t i = 0; i < d->nw; i++) {
		const struct wk *w = d->w[i];

		if ((w->state == WS_BUSY || w->state == WS_STARTING) &&
		    w->deadline > 0 &&
		    (soonest < 0 || w->deadline - t < soonest))
			soonest = w->deadline - t;
	}
	if (soonest < 0)
		return -1;
	return soonest < 0.001 ? 1 : (int)(soonest * 1000) + 1;
}

/* poll() every live worker and handle what happened. */
static void
wait_and_handle(struct dispatcher *d)
{
	struct pollfd *pfd = xcalloc(d->nw + 1, sizeof(*pfd));
	struct wk **who = xcalloc(d->nw + 1, sizeof(*who));
	size_t n = 0;

	for (size_t i = 0; i < d->nw; i++) {
		struct wk *w = d->w[i];

		if (w->state == WS_GONE)
			continue;
		pfd[n].fd = w->tx->pollfd(w->conn, w->out.len > w->out_off,
		    &pfd[n].events);
		who[n++] = w;
	}
	if (poll(pfd, n, poll_timeout(d)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (pfd[i].revents == 0 || who[i]->state == WS_GONE)
				continue;
			if (pfd[i].revents & POLLOUT)
				worker_output(who[i]);
			if (pfd[i].revents & ~POLLOUT)
				worker_input(d, who[i]);
		}
	}
	free(pfd);
	free(who);
	check_deadlines(d);
}

/* On a second ^C, end the workers now. */
static void
kill_all(struct dispatcher *d)
{
	for (size_t i = 0; i < d->nw; i++)
		if (d->w[i]->state != WS_GONE)
			d->w[i]->tx->kill(d->w[i]->conn);
}

/* Jobs that no worker is left to run. */
static void
give_up(struct dispatcher *d)
{
	for (size_t i = 0; i < d->nqueues; i++) {
		struct queue *q = &d->queues[i];

		while (q->n > 0) {
			d->failed = true;
			report_job(d, NULL, q->v[--q->n], JOB_NOT_RUN, 255,
			    false);
		}
	}
}

static void
start_workers(struct dispatcher *d)
{
	size_t slot = 0;

	for (size_t i = 0; i < d->opts->nspecs; i++) {
		const struct txspec *spec = &d->opts->specs[i];

		for (unsigned k = 0; k < spec->count; k++, slot++) {
			char *id =
			    spec->id != NULL ? xstrdup(spec->id) : next_id(d);
			struct queue *q = &d->queues[d->nqueues > 1 ? slot : 0];

			worker_start(d, spec, id, q);
		}
	}
}

static void
run_loop(struct dispatcher *d)
{
	int seen = 0;

	while (live_count(d) > 0) {
		if (interrupted != seen) {
			seen = interrupted;
			if (seen == 1)
				warning("interrupted: waiting for %zu running "
				        "job(s); ^C again to kill them",
				    busy_count(d));
			else
				kill_all(d);
		}
		schedule(d);
		if (live_count(d) == 0)
			break;
		wait_and_handle(d);
	}
	if (!queues_empty(d)) {
		if (!interrupted)
			error("no worker is left to run the remaining jobs");
		give_up(d);
	}
}

static void
set_interrupt_handlers(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_interrupt : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on ? SIG_IGN : SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
}

static size_t
count_slots(const struct dispatch_opts *o)
{
	size_t n = 0;

	for (size_t i = 0; i < o->nspecs; i++)
		n += o->specs[i].count;
	return n;
}

static int
run_distributed(struct dispatcher *d)
{
	d->nslots = count_slots(d->opts);
	d->nqueues = d->opts->dist == DIST_EACH ? d->nslots : 1;
	d->queues = xcalloc(d->nqueues, sizeof(*d->queues));
	for (size_t i = 0; i < d->nqueues; i++)
		queue_init(&d->queues[i], d->jl->n);
	d->restarts_left = d->opts->max_worker_restart >= 0
	    ? d->opts->max_worker_restart
	    : (int)(4 * d->nslots);
	interrupted = 0;
	set_interrupt_handlers(true);
	start_workers(d);
	run_loop(d);
	set_interrupt_handlers(false);
	for (size_t i = 0; i < d->nw; i++)
		worker_free(d->w[i]);
	free(d->w);
	for (size_t i = 0; i < d->nqueues; i++)
		queue_release(&d->queues[i]);
	free(d->queues);
	return d->failed ? -1 : 0;
}

/* --dist no: every job here, in this process, one after the other. */
static int
run_here(struct dispatcher *d)
{
	char host[256], cwd[PATH_MAX];
	char *platform = worker_platform();
	struct worker_info info = {.platform = platform, .host = host};

	if (gethostname(host, sizeof(host)) == -1)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	info.cwd = getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "";
	for (size_t i = 0; i < d->jl->n; i++) {
		struct job_run jr;
		struct job_result r = {.job = i, .worker = &info};

		job_run(&d->opts->measure, d->jl->v[i].command,
		    d->opts->timeout, &jr);
		for (size_t k = 0; k < jr.nfiles; k++)
			d->sink->file(d->sink->ctx, &info, i, &jr.files[k]);
		r.outcome = jr.timed_out ? JOB_TIMEOUT
		    : jr.status == 0     ? JOB_PASSED
		                         : JOB_FAILED;
		r.status = jr.status;
		r.start = jr.start;
		r.duration = jr.duration;
		r.out = jr.out.data;
		r.outlen = jr.out.len;
		r.err = jr.err.data;
		r.errlen = jr.err.len;
		if (d->sink->job != NULL)
			d->sink->job(d->sink->ctx, &r);
		job_run_release(&jr);
	}
	free(platform);
	return 0;
}

int
dispatch_run(const struct dispatch_opts *opts, const struct job_list *jl,
    const struct dispatch_sink *sink)
{
	struct dispatcher d = {
	    .opts = opts,
	    .jl = jl,
	    .sink = sink,
	};

	if (opts->dist == DIST_NO || opts->nspecs == 0)
		return run_here(&d);
	if (remote_setup(opts) == -1)
		return -1;
	return run_distributed(&d);
}
