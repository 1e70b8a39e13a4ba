/*
 * The worker side of doc/PROTOCOL.worker (`covtrace --worker`), and the
 * running of one job, which --dist no does in the dispatcher itself.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/platform.h"
#include "common/xalloc.h"
#include "dispatch/wire.h"
#include "dispatch/worker.h"

/* How often a running job sends what it has covered so far. */
#define WORKER_PROGRESS_MS 1000

/*
 * Collecting what measure_command hands out into per-file line sets.  The
 * sink sees an image's files through the image's own strings, so a file is
 * found by the identity of its (build-id, image, file) pointers.
 */

struct coll_file {
	const void *key[3];
	struct file_lines fl;
	size_t lines_alloc, hit_alloc, funcs_alloc;
};

struct collector {
	const struct job_progress *progress;	/* or NULL */
	struct coll_file *v;
	size_t n, alloc;
	size_t *slots; /* index + 1; 0 is empty */
	size_t nslots; /* a power of two */
	size_t last; /* index + 1 of the last file found */
};

static size_t
key_hash(const void *const key[3])
{
	uint64_t h = 0;

	for (int i = 0; i < 3; i++)
		h = (h ^ (uint64_t)(uintptr_t)key[i]) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 17);
}

static void
collector_index(struct collector *c, size_t i)
{
	size_t mask = c->nslots - 1, s = key_hash(c->v[i].key) & mask;

	while (c->slots[s] != 0)
		s = (s + 1) & mask;
	c->slots[s] = i + 1;
}

static void
collector_grow(struct collector *c)
{
	free(c->slots);
	c->nslots = c->nslots ? c->nslots * 2 : 64;
	c->slots = xcalloc(c->nslots, sizeof(*c->slots));
	for (size_t i = 0; i < c->n; i++)
		collector_index(c, i);
}

static bool
key_eq(const void *const a[3], const void *const b[3])
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

static struct coll_file *
collector_file(struct collector *c, const char *build_id, const char *image,
    const char *file)
{
	const void *key[3] = {build_id, image, file};
	struct coll_file *cf;
	size_t mask, s;

	if (c->last > 0 && key_eq(c->v[c->last - 1].key, key))
		return &c->v[c->last - 1];
	if (2 * (c->n + 1) > c->nslots)
		collector_grow(c);
	mask = c->nslots - 1;
	for (s = key_hash(key) & mask; c->slots[s] != 0; s = (s + 1) & mask)
		if (key_eq(c->v[c->slots[s] - 1].key, key)) {
			c->last = c->slots[s];
			return &c->v[c->last - 1];
		}
	XGROW(c->v, c->n + 1, c->alloc);
	cf = &c->v[c->n];
	memset(cf, 0, sizeof(*cf));
	memcpy(cf->key, key, sizeof(key));
	cf->fl.build_id = xstrdup(build_id != NULL ? build_id : "");
	cf->fl.image = xstrdup(image != NULL ? image : "");
	cf->fl.path = xstrdup(file);
	c->slots[s] = ++c->n;
	c->last = c->n;
	return cf;
}

static void
collect_line(void *ctx, const char *build_id, const char *image,
    const char *file, uint32_t line, bool hit)
{
	struct coll_file *cf = collector_file(ctx, build_id, image, file);
	struct file_lines *fl = &cf->fl;

	if (line == 0)
		return;
	XGROW(fl->lines, fl->nlines + 1, cf->lines_alloc);
	fl->lines[fl->nlines++] = line;
	if (hit) {
		XGROW(fl->hit, fl->nhit + 1, cf->hit_alloc);
		fl->hit[fl->nhit++] = line;
	}
}

static void
collect_function(void *ctx, const char *build_id, const char *image,
    const char *file, const char *name, uint32_t line, bool hit)
{
	struct coll_file *cf;
	struct func_lines *fn;

	if (line == 0)
		return;
	cf = collector_file(ctx, build_id, image, file);
	XGROW(cf->fl.funcs, cf->fl.nfuncs + 1, cf->funcs_alloc);
	fn = &cf->fl.funcs[cf->fl.nfuncs++];
	fn->name = xstrdup(name != NULL ? name : "");
	fn->line = line;
	fn->hit = hit;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
sort_unique(uint32_t *v, size_t *np)
{
	size_t n = 0;

	if (*np < 2)
		return;
	qsort(v, *np, sizeof(*v), u32_cmp);
	for (size_t i = 0; i < *np; i++)
		if (n == 0 || v[n - 1] != v[i])
			v[n++] = v[i];
	*np = n;
}

/* Hand the collected files to jr, each with its lines sorted. */
static void
collector_finish(struct collector *c, struct job_run *jr)
{
	jr->files = xcalloc(c->n > 0 ? c->n : 1, sizeof(*jr->files));
	for (size_t i = 0; i < c->n; i++) {
		struct file_lines *fl = &c->v[i].fl;

		sort_unique(fl->lines, &fl->nlines);
		sort_unique(fl->hit, &fl->nhit);
		jr->files[i] = *fl;
	}
	jr->nfiles = c->n;
	free(c->v);
	free(c->slots);
	memset(c, 0, sizeof(*c));
}

/*
 * Capturing a job's output: its descriptors 1 and 2 are memory files for
 * as long as it runs; 0 is /dev/null.
 */

struct redirect {
	int saved[3];
	int out, err;
};

static int
capture_fd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd == -1) {
		FILE *fp = tmpfile();

		if (fp == NULL)
			return -1;
		fd = fcntl(fileno(fp), F_DUPFD_CLOEXEC, 3);
		fclose(fp);
	}
	return fd;
}

static int
redirect_begin(struct redirect *r)
{
	int null;

	r->out = capture_fd("covtrace-stdout");
	r->err = capture_fd("covtrace-stderr");
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (r->out == -1 || r->err == -1 || null == -1) {
		error_errno("cannot capture the output of a job");
		if (null != -1)
			close(null);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	for (int fd = 0; fd < 3; fd++)
		r->saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	dup2(null, 0);
	dup2(r->out, 1);
	dup2(r->err, 2);
	close(null);
	return 0;
}

static void
capture_read(int fd, struct buf *b, uint64_t *droppedp)
{
	off_t size = lseek(fd, 0, SEEK_END);
	size_t keep = size > 0 ? (size_t)size : 0, got = 0;

	if (keep > JOB_CAPTURE_MAX)
		keep = JOB_CAPTURE_MAX;
	buf_grow(b, keep);
	while (got < keep) {
		ssize_t n =
		    pread(fd, b->data + b->len + got, keep - got, (off_t)got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	b->len += got;
	b->data[b->len] = '\0';
	*droppedp = size > 0 ? (uint64_t)size - got : 0;
}

static void
redirect_end(struct redirect *r, struct job_run *jr)
{
	fflush(stdout);
	fflush(stderr);
	for (int fd = 0; fd < 3; fd++) {
		if (r->saved[fd] >= 0) {
			dup2(r->saved[fd], fd);
			close(r->saved[fd]);
		}
	}
	capture_read(r->out, &jr->out, &jr->dropped_out);
	capture_read(r->err, &jr->err, &jr->dropped_err);
	close(r->out);
	close(r->err);
}

/*
 * --timeout: a thread that waits for the deadline, then kills every
 * process this thread traces.  The tracer's wait loop then sees them die.
 */

struct watchdog {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	pid_t tracer; /* the tracing thread's tid */
	bool done;
	bool fired;
};

/* SIGKILL every process whose tracer is tid. */
static void
kill_tracees(pid_t tid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[64], line[256];
		pid_t pid = (pid_t)atoi(e->d_name);
		FILE *fp;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		if ((fp = fopen(path, "re")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "TracerPid:", 10) == 0) {
				if (atoi(line + 10) == (int)tid)
					kill(pid, SIGKILL);
				break;
			}
		fclose(fp);
	}
	closedir(d);
}

static void *
watchdog_main(void *arg)
{
	struct watchdog *wd = arg;

	pthread_mutex_lock(&wd->mu);
	while (!wd->done) {
		if (pthread_cond_timedwait(&wd->cv, &wd->mu, &wd->deadline) !=
		        ETIMEDOUT ||
		    wd->done)
			continue;
		wd->fired = true;
		pthread_mutex_unlock(&wd->mu);
		kill_tracees(wd->tracer);
		pthread_mutex_lock(&wd->mu);
		/* Children forked meanwhile are killed on the next round. */
		wd->deadline.tv_nsec += 200000000;
		if (wd->deadline.tv_nsec >= 1000000000) {
			wd->deadline.tv_sec++;
			wd->deadline.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_unlock(&wd->mu);
	return NULL;
}

static int
watchdog_start(struct watchdog *wd, double timeout)
{
	pthread_condattr_t ca;
	double whole;

	memset(wd, 0, sizeof(*wd));
	wd->tracer = (pid_t)syscall(SYS_gettid);
	clock_gettime(CLOCK_MONOTONIC, &wd->deadline);
	whole = (double)(long long)timeout;
	wd->deadline.tv_sec += (time_t)whole;
	wd->deadline.tv_nsec += (long)((timeout - whole) * 1e9);
	if (wd->deadline.tv_nsec >= 1000000000) {
		wd->deadline.tv_sec++;
		wd->deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_init(&wd->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wd->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&wd->thread, NULL, watchdog_main, wd) != 0) {
		pthread_cond_destroy(&wd->cv);
		pthread_mutex_destroy(&wd->mu);
		return error("cannot start the --timeout thread");
	}
	return 0;
}

/* Stop the thread; returns whether it fired. */
static bool
watchdog_stop(struct watchdog *wd)
{
	pthread_mutex_lock(&wd->mu);
	wd->done = true;
	pthread_cond_signal(&wd->cv);
	pthread_mutex_unlock(&wd->mu);
	pthread_join(wd->thread, NULL);
	pthread_cond_destroy(&wd->cv);
	pthread_mutex_destroy(&wd->mu);
	return wd->fired;
}

/* Running a job. */

/* A snapshot of the job so far: hand it on, then start collecting the
 * next one afresh (the dispatcher takes the union of them all). */
static void
collect_progress(void *ctx)
{
	struct collector *c = ctx;
	const struct job_progress *p = c->progress;
	struct job_run snap;

	memset(&snap, 0, sizeof(snap));
	collector_finish(c, &snap);
	c->progress = p;
	if (p != NULL)
		p->files(p->ctx, snap.files, snap.nfiles);
	job_run_release(&snap);
}

/* Trace argv with output redirected; the status, or 126/127. */
static int
trace_job(const struct measure_opts *mo, char **argv, double timeout,
    struct collector *c, bool *timed_outp)
{
	struct line_sink sink = {
	    .line = collect_line,
	    .function = collect_function,
	    .progress = c->progress != NULL ? collect_progress : NULL,
	    .ctx = c,
	};
	struct tracer_stats stats;
	struct watchdog wd;
	bool watching = false;
	char *path;
	int wstatus = 0, status;

	if ((path = command_resolve(argv[0], &status)) == NULL)
		return status;
	if (timeout > 0)
		watching = watchdog_start(&wd, timeout) == 0;
	if (measure_command(mo, path, argv, &sink, &wstatus, &stats) == -1)
		status = WEXITSTATUS(wstatus);
	else
		status = measure_exit_status(wstatus);
	if (watching)
		*timed_outp = watchdog_stop(&wd);
	free(path);
	return status;
}

void
job_run(const struct measure_opts *mo, const char *command, double timeout,
    struct job_run *jr)
{
	job_run_progress(mo, command, timeout, NULL, jr);
}

void
job_run_progress(const struct measure_opts *mo, const char *command,
    double timeout, const struct job_progress *progress, struct job_run *jr)
{
	struct collector c = { .progress = progress };
	struct redirect r;
	char **argv = NULL, err[512];
	double t0 = clock_monotonic();

	memset(jr, 0, sizeof(*jr));
	jr->start = clock_realtime();
	if (redirect_begin(&r) == -1) {
		jr->status = 1;
		return;
	}
	if (words_split(command, &argv, err, sizeof(err)) == -1) {
		error("cannot run the job: %s", err);
		jr->status = 2;
	} else if (argv[0] == NULL) {
		error("cannot run an empty command");
		jr->status = 2;
	} else {
		/* Each job's "no line information in /bin/sh" would be noise:
		 * measuring warnings show with -v. */
		int level = log_get_level();

		if (level == LOG_NORMAL)
			log_set_level(LOG_QUIET);
		jr->status = trace_job(mo, argv, timeout, &c, &jr->timed_out);
		log_set_level(level);
	}
	redirect_end(&r, jr);
	words_free(argv);
	collector_finish(&c, jr);
	jr->duration = clock_monotonic() - t0;
}

void
job_run_release(struct job_run *jr)
{
	buf_release(&jr->out);
	buf_release(&jr->err);
	for (size_t i = 0; i < jr->nfiles; i++)
		file_lines_release(&jr->files[i]);
	free(jr->files);
	memset(jr, 0, sizeof(*jr));
}

char *
worker_platform(void)
{
	return platform_string();
}

/*
 * The worker: the protocol on descriptors moved away from 0 and 1.
 */

struct worker {
	int in, out;
	struct wire_reader rd;
	struct buf wbuf;
	bool set_up;
	struct wire_setup setup;
	struct measure_opts mo;
};

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send what is in w->wbuf. */
static int
worker_flush(struct worker *w)
{
	int r = write_all(w->out, w->wbuf.data, w->wbuf.len);

	buf_reset(&w->wbuf);
	if (r == -1)
		return error_errno("worker: cannot write to the dispatcher");
	return 0;
}

static int worker_fail(struct worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Say FAIL with the message, log it, and return -1. */
static int
worker_fail(struct worker *w, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wire_put_fail(&w->wbuf, msg);
	worker_flush(w);
	return error("worker: %s", msg);
}

/* Move the protocol to descriptors above 2; 0 and 1 become /dev/null. */
static int
worker_take_fds(struct worker *w)
{
	int null;

	w->in = fcntl(0, F_DUPFD_CLOEXEC, 3);
	w->out = fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (w->in == -1 || w->out == -1)
		return error_errno("worker: no protocol stream");
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return error_errno("worker: cannot open /dev/null");
	dup2(null, 0);
	dup2(null, 1);
	close(null);
	return 0;
}

/* The next frame: 1, 0 at the end of the stream, -1 (reported). */
static int
worker_read(struct worker *w, struct wire_frame *f)
{
	char err[256], chunk[65536];

	for (;;) {
		ssize_t n;
		int r = wire_reader_next(&w->rd, f, err, sizeof(err));

		if (r != 0)
			return r == 1
			    ? 1
			    : worker_fail(w, "protocol error: %s", err);
		n = read(w->in, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return error_errno("worker: cannot read from the "
			                   "dispatcher");
		if (n == 0) {
			if (wire_reader_pending(&w->rd))
				return worker_fail(w,
				    "the stream ends inside "
				    "a frame");
			return 0;
		}
		wire_reader_feed(&w->rd, chunk, (size_t)n);
	}
}

static void
worker_hello(struct worker *w)
{
	char host[256];
	struct wire_hello h = {
	    .protocol = WIRE_PROTOCOL,
	    .version = (char *)PACKAGE_VERSION,
	    .host = host,
	    .pid = (uint64_t)getpid(),
	};

	if (gethostname(host, sizeof(host)) == -1)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	h.platform = worker_platform();
	wire_put_hello(&w->wbuf, &h);
	free(h.platform);
}

/* mkdir -p */
static int
make_dirs(const char *dir)
{
	char *p = xstrdup(dir);
	int r = 0;

	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST)
			r = -1;
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return r;
}

static int
worker_environ(struct worker *w)
{
	const struct wire_setup *s = &w->setup;
	char count[32];

	if (s->chdir != NULL && chdir(s->chdir) == -1 &&
	    (errno != ENOENT || make_dirs(s->chdir) == -1 ||
	        chdir(s->chdir) == -1))
		return worker_fail(w, "cannot enter '%s': %s", s->chdir,
		    strerror(errno));
	for (size_t i = 0; i < s->nenv; i++)
		if (setenv(s->env[i].name, s->env[i].value, 1) == -1)
			return worker_fail(w, "cannot set '%s': %s",
			    s->env[i].name, strerror(errno));
	snprintf(count, sizeof(count), "%u", s->workers);
	setenv("COVTRACE_WORKER", s->id, 1);
	setenv("COVTRACE_WORKER_COUNT", count, 1);
	errno = 0;
	if (s->nice_set && nice(s->nice) == -1 && errno != 0)
		warning_errno("worker: cannot change the nice value");
	return 0;
}

static int
worker_setup(struct worker *w, const struct wire_frame *f)
{
	char err[256], cwd[PATH_MAX];

	if (w->set_up)
		return worker_fail(w, "a second SETU");
	if (wire_get_setup(f, &w->setup, err, sizeof(err)) == -1)
		return worker_fail(w, "protocol error: %s", err);
	if (w->setup.protocol != WIRE_PROTOCOL)
		return worker_fail(w,
		    "the dispatcher speaks protocol %u, this "
		    "worker (covtrace %s) speaks %d",
		    w->setup.protocol, PACKAGE_VERSION, WIRE_PROTOCOL);
	log_set_level(w->setup.verbosity);
	if (worker_environ(w) == -1)
		return -1;
	w->mo.cov = (const char *const *)w->setup.cov;
	w->mo.ncov = w->setup.ncov;
	w->mo.include = (const char *const *)w->setup.include;
	w->mo.ninclude = w->setup.ninclude;
	w->mo.exclude = (const char *const *)w->setup.exclude;
	w->mo.nexclude = w->setup.nexclude;
	w->mo.no_cache = w->setup.no_cache;
	w->mo.cpu = w->setup.cpu_same ? CPU_SAME : CPU_ANY;
	w->mo.idle_poll = !w->setup.idle_sleep;
	/* A long job streams its coverage once a second. */
	w->mo.progress_ms = WORKER_PROGRESS_MS;
	w->set_up = true;
	wire_put_ready(&w->wbuf, getcwd(cwd, sizeof(cwd)) ? cwd : "");
	return worker_flush(w);
}

/* Queue the frames of a finished job: files, output, then DONE. */
static void
put_result(struct buf *out, uint64_t job, const struct job_run *jr)
{
	struct wire_done done = {
	    .job = job,
	    .status = jr->status,
	    .duration = jr->duration,
	    .timeout = jr->timed_out,
	    .dropped_out = jr->dropped_out,
	    .dropped_err = jr->dropped_err,
	};

	for (size_t i = 0; i < jr->nfiles; i++)
		wire_put_file(out, job, &jr->files[i]);
	for (size_t off = 0; off < jr->out.len; off += WIRE_MAX_CHUNK)
		wire_put_raw(out, WIRE_SOUT, jr->out.data + off,
		    jr->out.len - off < WIRE_MAX_CHUNK ? jr->out.len - off
		                                       : WIRE_MAX_CHUNK);
	for (size_t off = 0; off < jr->err.len; off += WIRE_MAX_CHUNK)
		wire_put_raw(out, WIRE_SERR, jr->err.data + off,
		    jr->err.len - off < WIRE_MAX_CHUNK ? jr->err.len - off
		                                       : WIRE_MAX_CHUNK);
	wire_put_done(out, &done);
}

struct task_progress {
	struct worker *w;
	uint64_t job;
};

/* Stream what a running job has covered so far: a worker that dies loses
 * at most the last progress interval. */
static void
send_progress(void *ctx, const struct file_lines *files, size_t n)
{
	struct task_progress *tp = ctx;

	for (size_t i = 0; i < n; i++)
		wire_put_file(&tp->w->wbuf, tp->job, &files[i]);
	if (n > 0)
		worker_flush(tp->w);
}

static int
worker_task(struct worker *w, const struct wire_frame *f)
{
	struct wire_task t;
	struct job_run jr;
	struct task_progress tp = { .w = w };
	struct job_progress prog = { .files = send_progress, .ctx = &tp };
	char err[256];

	if (!w->set_up)
		return worker_fail(w, "TASK before SETU");
	if (wire_get_task(f, &t, err, sizeof(err)) == -1)
		return worker_fail(w, "protocol error: %s", err);
	tp.job = t.job;
	job_run_progress(&w->mo, t.command, t.timeout, &prog, &jr);
	put_result(&w->wbuf, t.job, &jr);
	job_run_release(&jr);
	wire_task_release(&t);
	return worker_flush(w);
}

int
worker_main(void)
{
	struct worker w;
	struct wire_frame f;
	int r;

	memset(&w, 0, sizeof(w));
	wire_reader_init(&w.rd);
	if (worker_take_fds(&w) == -1)
		return 1;
	worker_hello(&w);
	r = worker_flush(&w);
	while (r == 0 && (r = worker_read(&w, &f)) == 1) {
		if (f.type == WIRE_SETU)
			r = worker_setup(&w, &f);
		else if (f.type == WIRE_TASK)
			r = worker_task(&w, &f);
		else
			r = worker_fail(&w, "unexpected %s frame",
			    wire_type_name(f.type));
	}
	wire_reader_release(&w.rd);
	buf_release(&w.wbuf);
	wire_setup_release(&w.setup);
	return r == 0 ? 0 : 1;
}
