#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <termios.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "tracer/arch.h"
#include "tracer/follow.h"
#include "tracer/tracee.h"
#include "tracer/tracer.h"

#define ATTACH_OPTIONS                                                         \
	(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |      \
	    PTRACE_O_TRACEEXEC)
/* A command covtrace started dies with covtrace; an attached one does not. */
#define SEIZE_OPTIONS (ATTACH_OPTIONS | PTRACE_O_EXITKILL)

static volatile sig_atomic_t forward_pid;

struct run {
	struct follow_ctx fc;
	const struct tracer_opts *opts;
	timer_t timer;
	bool ticking;
	pid_t top;
	int top_status;
	bool top_exited;
	bool parking;		/* stops are kept, not resumed */
};

/* Set by SIGINT, SIGTERM or SIGHUP while attached: detach. */
static volatile sig_atomic_t stop_requested;
/* Set by the tick timer's SIGALRM. */
static volatile sig_atomic_t tick_due;

void
tracer_forward_signal(int sig)
{
	pid_t pid = forward_pid;

	if (pid > 0)
		kill(pid, sig);
}

static void
forward_handler(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	(void)uc;
	/* A signal from the terminal reached the program's process group
	 * already; only one sent to covtrace alone is passed on. */
	if (si == NULL || si->si_code != SI_KERNEL)
		tracer_forward_signal(sig);
	errno = saved;
}

static void
ignore_handler(int sig)
{
	(void)sig;
}

/* While tracing, SIGINT, SIGTERM and SIGHUP go on to the program, and the
 * terminal's stop signals do not stop covtrace by themselves: covtrace
 * stops when the program does (see job_control_stop). */
static void
set_forwarding(bool on)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP };
	static const int tty[] = { SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (on) {
		sa.sa_sigaction = forward_handler;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
	} else {
		sa.sa_handler = SIG_DFL;
	}
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaction(fwd[i], &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on ? ignore_handler : SIG_DFL;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(tty) / sizeof(tty[0]); i++)
		sigaction(tty[i], &sa, NULL);
}

/* The program stopped for a terminal stop signal (^Z): when covtrace runs
 * in the terminal's foreground, it stops too, so that the shell sees the
 * job stopped; the shell's SIGCONT to the job continues both. */
static void
job_control_stop(int sig)
{
	if (sig == SIGSTOP || !isatty(STDIN_FILENO) ||
	    tcgetpgrp(STDIN_FILENO) != getpgrp())
		return;
	raise(SIGSTOP);
}

static void
ptrace_cont(pid_t tid, int sig)
{
	if (ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig) == -1 &&
	    errno != ESRCH)
		debug("PTRACE_CONT %d: %s", (int)tid, strerror(errno));
}

/* Let t go on with sig, or keep it stopped while parking. */
static void
resume(struct run *r, struct tracee *t, int sig)
{
	if (r->parking) {
		t->parked = true;
		t->pending_sig = sig;
		return;
	}
	ptrace_cont(t->tid, sig);
}

static bool
is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	    sig == SIGTTOU;
}

/* A SIGTRAP signal-delivery-stop: ours (rewound, true) or the program's. */
static bool
handle_trap(struct run *r, struct tracee *t)
{
	siginfo_t si;
	uint64_t pc, rewind;

	if (t->as == NULL ||
	    ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &si) == -1 ||
	    si.si_code != SI_KERNEL || arch_get_pc(t->tid, &pc) == -1)
		return false;
	if (solib_trap(&r->fc, t, pc))
		return true;
	if (aspace_trap(t->as, pc, &rewind) != TRAP_HIT)
		return false;
	r->fc.stats->stops++;
	if (arch_set_pc(t->tid, rewind) == -1)
		debug("cannot rewind pid %d", (int)t->tid);
	return true;
}

/* Whether thread tid has a handler for SIGTRAP (SigCgt in its status). */
static bool
catches_sigtrap(pid_t tid)
{
	char path[64], line[256];
	unsigned long long mask = 0;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = sscanf(line, "SigCgt: %llx", &mask) == 1;
	fclose(f);
	return (mask >> (SIGTRAP - 1) & 1) != 0;
}

/* A SIGTRAP of the program's own is about to be delivered.  Its handler
 * runs with SIGTRAP blocked, and a breakpoint hit then would make the
 * kernel reset the handler to the default: keep the address space quiet
 * until the handler returns to where the thread stands now. */
static void
before_program_trap(struct tracee *t)
{
	uint64_t pc;

	if (t->as == NULL || t->as->quiet || !catches_sigtrap(t->tid) ||
	    arch_get_pc(t->tid, &pc) == -1)
		return;
	debug("pid %d runs its SIGTRAP handler, back at %#" PRIx64,
	    (int)t->tid, pc);
	aspace_quiet(t->as, pc);
}

static void handle_status(struct run *r, pid_t pid, int status);

static void
handle_stop(struct run *r, struct tracee *t, int status)
{
	int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
	struct tracee *c;

	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		c = follow_clone(&r->fc, t, event);
		resume(r, t, 0);
		if (c != NULL)
			handle_status(r, c->tid, c->held_status);
		break;
	case PTRACE_EVENT_EXEC:
		t = follow_exec(&r->fc, t);
		resume(r, t, 0);
		break;
	case PTRACE_EVENT_STOP:
		/* A group-stop stays stopped until SIGCONT, as untraced. */
		if (is_stop_signal(sig) && r->parking) {
			t->parked = true;
			t->group_stop = true;
		} else if (is_stop_signal(sig)) {
			ptrace(PTRACE_LISTEN, t->tid, NULL, NULL);
			if (t->tid == r->top)
				job_control_stop(sig);
		} else {
			resume(r, t, 0);
		}
		break;
	case 0:
		if (sig == SIGTRAP && handle_trap(r, t)) {
			resume(r, t, 0);
			break;
		}
		if (sig == SIGTRAP)
			before_program_trap(t);
		resume(r, t, sig);
		break;
	default:
		resume(r, t, 0);
		break;
	}
}

static void
handle_status(struct run *r, pid_t pid, int status)
{
	struct tracee *t = tracee_find(pid);

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (pid == r->top) {
			r->top_status = status;
			r->top_exited = true;
			forward_pid = 0;
		}
		if (t != NULL)
			tracee_remove(t);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (t == NULL) {
		/* A new child reporting before its parent's fork event: hold
		 * it until we know its address space. */
		t = tracee_get(pid);
		t->waiting_parent = true;
		t->held_status = status;
		return;
	}
	handle_stop(r, t, status);
}

static void
pin_to_current_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		warning_errno("cannot pin to CPU %d", cpu);
}

/* Ask for a CPU wake-up latency of zero through /dev/cpu_dma_latency: idle
 * CPUs then poll instead of sleeping.  A stop leaves the traced thread's
 * CPU idle, and on an idle machine waking that CPU from a sleep state is
 * most of what a stop across CPUs costs.  The request holds while the
 * returned descriptor is open; -1 when it cannot be made (only root may,
 * usually), which is not an error. */
static int
request_idle_poll(const struct tracer_opts *opts)
{
	const int32_t zero = 0;
	int fd;

	if (!opts->idle_poll)
		return -1;
	if ((fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC)) == -1) {
		verbose(
		    "idle CPUs may sleep while tracing: cannot open /dev/cpu_dma_latency: %s",
		    strerror(errno));
		return -1;
	}
	if (write(fd, &zero, sizeof(zero)) != (ssize_t)sizeof(zero)) {
		verbose(
		    "idle CPUs may sleep while tracing: cannot write /dev/cpu_dma_latency: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
release_idle_poll(int fd)
{
	if (fd != -1)
		close(fd);
}

static void
child_exec(const char *path, char *const argv[], int errfd)
{
	int e;

	kill(getpid(), SIGSTOP);
	execv(path, argv);
	e = errno;
	if (write(errfd, &e, sizeof(e)) != (ssize_t)sizeof(e))
		_exit(126);
	_exit(e == ENOENT ? 127 : 126);
}

/* Wait for an untraced child (tracing was refused) and return its status. */
static int
wait_untraced(pid_t pid)
{
	int status;

	forward_pid = pid;
	set_forwarding(true);
	kill(pid, SIGCONT);
	while (waitpid(pid, &status, 0) == -1 || !(WIFEXITED(status) ||
						     WIFSIGNALED(status)))
		if (errno == ECHILD)
			return 0;
	forward_pid = 0;
	set_forwarding(false);
	return status;
}

static bool
set_id_program(const char *path)
{
	struct stat st;

	return geteuid() != 0 && stat(path, &st) == 0 &&
	    (st.st_mode & (S_ISUID | S_ISGID)) != 0;
}

static int
start_traced(struct run *r, const char *path, char *const argv[], int *errfd)
{
	int pfd[2], status;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) == -1)
		return error_errno("cannot create a pipe");
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		return error_errno("cannot fork");
	}
	if (pid == 0) {
		close(pfd[0]);
		child_exec(path, argv, pfd[1]);
	}
	close(pfd[1]);
	*errfd = pfd[0];

	r->top = pid;
	if (waitpid(pid, &status, WSTOPPED) == -1 || !WIFSTOPPED(status))
		return error("'%s' did not start", path);
	if (set_id_program(path)) {
		/* Under ptrace the kernel would drop its privileges. */
		warning("'%s' is set-user-ID or set-group-ID, running it untraced",
		    path);
		r->top_status = wait_untraced(pid);
		r->top_exited = true;
		return 0;
	}
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)SEIZE_OPTIONS) == -1) {
		warning_errno("cannot trace '%s', running it untraced", path);
		r->top_status = wait_untraced(pid);
		r->top_exited = true;
		return 0;
	}
	tracee_get(pid);
	r->fc.stats->processes++;
	forward_pid = pid;
	set_forwarding(true);
	kill(pid, SIGCONT);
	return 0;
}

static void
on_tick(int sig)
{
	(void)sig;
	tick_due = 1;
}

/* Start the tick timer: SIGALRM to this thread only (other threads of
 * covtrace may run), without SA_RESTART so that waitpid returns. */
static void
tick_start(struct run *r)
{
	struct sigevent sev;
	struct itimerspec its;
	struct sigaction sa;

	if (r->opts->tick == NULL || r->opts->tick_ms == 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	/* glibc 2.36 names the field only through the union. */
	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &r->timer) == -1) {
		debug("timer_create: %s", strerror(errno));
		return;
	}
	its.it_interval.tv_sec = r->opts->tick_ms / 1000;
	its.it_interval.tv_nsec = (long)(r->opts->tick_ms % 1000) * 1000000;
	its.it_value = its.it_interval;
	timer_settime(r->timer, 0, &its, NULL);
	r->ticking = true;
}

static void
tick_stop(struct run *r)
{
	struct sigaction sa;

	if (!r->ticking)
		return;
	timer_delete(r->timer);
	r->ticking = false;
	tick_due = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGALRM, &sa, NULL);
}

static void
tick_check(struct run *r)
{
	if (tick_due) {
		tick_due = 0;
		r->opts->tick(r->opts->tick_ctx);
	}
}

/* How long to poll for the next event before sleeping in waitpid. */
#define EVENT_SPIN_NS 50000L

/* The next event.  A tracee just resumed usually stops again within
 * microseconds; when covtrace sleeps meanwhile, its CPU idles and waking it
 * costs more than the stop itself (53 us a line against 20 us, measured
 * with 56,000 lines on 2 CPUs), so poll for a little while first. */
static pid_t
next_event(int *statusp)
{
	struct timespec t0, t;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if ((pid = waitpid(-1, statusp, __WALL | WNOHANG)) != 0)
			return pid;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec <
	    EVENT_SPIN_NS);
	return waitpid(-1, statusp, __WALL);
}

static void
event_loop(struct run *r)
{
	tick_start(r);
	while (tracee_count() > 0 && !stop_requested) {
		int status;
		pid_t pid = next_event(&status);

		if (r->ticking)
			tick_check(r);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			if (errno != ECHILD)
				error_errno("waitpid");
			break;
		}
		handle_status(r, pid, status);
	}
	tick_stop(r);
}

/* The number of tracees not yet parked. */
static size_t
unparked(void)
{
	struct tracee *t;
	size_t pos = 0, n = 0;

	while ((t = tracee_next(&pos)) != NULL)
		n += !t->parked;
	return n;
}

/* Stop every tracee and keep it stopped: PTRACE_INTERRUPT them all, then
 * handle what they report (breakpoints included) until each is parked. */
static void
park_all(struct run *r)
{
	struct tracee *t;
	size_t pos = 0;

	r->parking = true;
	while ((t = tracee_next(&pos)) != NULL)
		if (!t->parked)
			ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL);
	while (unparked() > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		handle_status(r, pid, status);
	}
	r->parking = false;
}

/* Let every parked tracee go on. */
static void
unpark_all(void)
{
	struct tracee *t;
	size_t pos = 0;

	while ((t = tracee_next(&pos)) != NULL) {
		if (!t->parked)
			continue;
		t->parked = false;
		if (t->group_stop)
			ptrace(PTRACE_LISTEN, t->tid, NULL, NULL);
		else
			ptrace_cont(t->tid, t->pending_sig);
		t->group_stop = false;
		t->pending_sig = 0;
	}
}

/* Restore every byte written and detach from every tracee; signals that
 * were on their way are delivered by the detach. */
static void
detach_all(struct run *r)
{
	struct tracee *t;
	size_t pos = 0;

	park_all(r);
	while ((t = tracee_next(&pos)) != NULL)
		if (t->as != NULL)
			aspace_restore(t->as);
	pos = 0;
	while ((t = tracee_next(&pos)) != NULL)
		if (ptrace(PTRACE_DETACH, t->tid, NULL,
			(void *)(long)t->pending_sig) == -1)
			debug("cannot detach from %d: %s", (int)t->tid,
			    strerror(errno));
	verbose("detached from pid %d", (int)r->top);
}

static void
request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* While attached, SIGINT, SIGTERM and SIGHUP end the measurement.  No
 * SA_RESTART: waitpid must return so that the loop sees the request. */
static void
set_stop_handlers(bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? request_stop : SIG_DFL;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Seize every thread of pid, re-reading the thread list until it holds
 * no thread not yet seized.  Returns the number seized. */
static size_t
seize_threads(pid_t pid)
{
	char dir[64];
	size_t total = 0, added;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	do {
		DIR *d = opendir(dir);
		struct dirent *e;

		added = 0;
		if (d == NULL)
			break;
		while ((e = readdir(d)) != NULL) {
			pid_t tid = (pid_t)atoi(e->d_name);

			if (tid <= 0 || tracee_find(tid) != NULL)
				continue;
			if (ptrace(PTRACE_SEIZE, tid, NULL,
				(void *)ATTACH_OPTIONS) == -1) {
				if (tid == pid)
					break;
				continue;
			}
			tracee_get(tid);
			added++;
		}
		closedir(d);
		total += added;
	} while (added > 0);
	return total;
}

int
tracer_attach(pid_t pid, const struct tracer_opts *opts,
    const struct breakpoint_source *src, int *statusp,
    struct tracer_stats *stats)
{
	struct run r = { .fc = { .src = src, .stats = stats }, .top = pid,
		.opts = opts };
	struct aspace *as;
	struct tracee *t;
	size_t pos = 0;
	int qos;

	memset(stats, 0, sizeof(*stats));
	*statusp = 0;
	stop_requested = 0;
	if (seize_threads(pid) == 0 || tracee_find(pid) == NULL)
		return error_errno("cannot attach to pid %d", (int)pid);
	set_stop_handlers(true);
	park_all(&r);
	if ((as = aspace_new(pid)) == NULL) {
		detach_all(&r);
		set_stop_handlers(false);
		return -1;
	}
	qos = request_idle_poll(opts);
	while ((t = tracee_next(&pos)) != NULL) {
		as->refs++;
		tracee_set_aspace(t, as);
	}
	aspace_put(as);
	stats->processes = 1;
	follow_attach(&r.fc, tracee_find(pid));
	unpark_all();
	event_loop(&r);
	if (tracee_count() > 0)
		detach_all(&r);
	set_stop_handlers(false);
	release_idle_poll(qos);
	*statusp = r.top_status;
	return 0;
}

int
tracer_run(const char *path, char *const argv[],
    const struct tracer_opts *opts, const struct breakpoint_source *src,
    int *statusp, struct tracer_stats *stats)
{
	struct run r = { .fc = { .src = src, .stats = stats }, .opts = opts };
	int errfd = -1, e, qos;

	memset(stats, 0, sizeof(*stats));
	if (opts->cpu == CPU_SAME)
		pin_to_current_cpu();
	if (start_traced(&r, path, argv, &errfd) == -1) {
		if (errfd != -1)
			close(errfd);
		*statusp = 126 << 8;
		return -1;
	}
	qos = request_idle_poll(opts);
	event_loop(&r);
	release_idle_poll(qos);
	forward_pid = 0;
	set_forwarding(false);
	if (!r.fc.first_exec_done &&
	    read(errfd, &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		close(errfd);
		errno = e;
		error_errno("cannot execute '%s'", path);
		*statusp = (e == ENOENT ? 127 : 126) << 8;
		return -1;
	}
	close(errfd);
	*statusp = r.top_status;
	return 0;
}
