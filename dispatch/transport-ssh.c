/*
 * The ssh transport: a worker on another host, run over an SSH exec
 * channel that covtrace opens itself with libssh2 (dispatch/ssh.c).  Before
 * the worker starts, the --rsyncdir trees are copied to its directory over
 * SFTP on the same connection.
 *
 * The dispatcher poll()s one descriptor per worker, but an SSH connection
 * needs more than its socket: keepalives must go out on time even while
 * nothing else happens, and libssh2 may hold received data that the
 * socket no longer shows.  So the descriptor handed out is an epoll
 * instance holding the socket and a timerfd: the timer fires when a
 * keepalive is due or when libssh2 holds data, and the dispatcher's
 * read() then does what is needed.  While the dispatcher has bytes to
 * send, the socket itself is handed out, with POLLOUT.  Writes are
 * buffered here, so a write never has to be repeated with the same bytes
 * (which libssh2 requires after LIBSSH2_ERROR_EAGAIN).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/dispatch.h"
#include "dispatch/rsync.h"
#include "dispatch/ssh.h"
#include "dispatch/transport.h"

/* What every ssh worker of this run shares, set once by remote_setup()
 * before any worker starts, and only read after that. */
static struct {
	struct ssh_opts ssh;
	struct rsync_opts rsync;
} config;

struct ssh_tx {
	struct tx_conn base;
	struct ssh_conn *ssh;
	struct ssh_chan *chan;
	char *id;
	char *what; /* "worker gw0 ('ssh=host1')" */
	char *host; /* the host as the spec names it */
	char *cmdline;
	int epfd; /* the socket and tfd */
	int tfd; /* keepalives, and data held by libssh2 */
	short sock_events; /* as registered in epfd */
	struct buf out; /* bytes the channel did not take yet */
	size_t out_off;
	bool eof_wanted; /* close_input was called */
	bool eof_sent;
	bool spoke; /* the worker sent anything */
	bool read_due; /* libssh2 may have read data since the
	                  last read() ended in EAGAIN */
	bool dead;
};

static struct ssh_tx *
tx_of(struct tx_conn *c)
{
	return (struct ssh_tx *)c;
}

/* Connection and start */

static int
sync_trees(struct ssh_tx *t, const struct txspec *spec)
{
	struct ssh_sftp *sftp;
	struct rsync_dest *d;
	char *where;
	int r;

	if (config.rsync.ndirs == 0)
		return 0;
	if (ssh_sftp_open(t->ssh, &sftp) == -1)
		return -1;
	where = xasprintf("%s:", t->host);
	d = rsync_dest_sftp(sftp);
	r = rsync_dirs(d, spec->chdir, &config.rsync, where, NULL);
	rsync_dest_free(d);
	ssh_sftp_free(sftp);
	free(where);
	return r;
}

static int
poll_setup(struct ssh_tx *t)
{
	struct epoll_event ev = {.events = EPOLLIN};

	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	t->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->epfd == -1 || t->tfd == -1)
		return error_errno("cannot start %s", t->what);
	ev.data.fd = t->tfd;
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->tfd, &ev) == -1)
		return error_errno("cannot start %s", t->what);
	ev.data.fd = ssh_conn_fd(t->ssh);
	t->sock_events = POLLIN;
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) == -1)
		return error_errno("cannot start %s", t->what);
	return 0;
}

static void tx_free(struct ssh_tx *t);

static int
ssh_start(const struct txspec *spec, const char *id, struct tx_conn **connp)
{
	struct ssh_tx *t = xcalloc(1, sizeof(*t));
	struct ssh_host h;

	*connp = NULL;
	t->base.transport = &transport_ssh;
	t->epfd = t->tfd = -1;
	t->id = xstrdup(id);
	t->what = xasprintf("worker %s ('%s')", id, spec->text);
	t->host = xstrdup(spec->host);
	buf_init(&t->out);
	ssh_host_resolve(NULL, spec->user, spec->host, spec->port, &h);
	if (ssh_connect(&h, &config.ssh, &t->ssh) == -1) {
		ssh_host_release(&h);
		goto fail;
	}
	ssh_host_release(&h);
	if (sync_trees(t, spec) == -1)
		goto fail;
	t->cmdline = txspec_worker_cmdline(spec, "covtrace");
	if (ssh_exec(t->ssh, t->cmdline, &t->chan) == -1)
		goto fail;
	ssh_conn_set_blocking(t->ssh, false);
	if (poll_setup(t) == -1)
		goto fail;
	debug("%s: '%s' on %s", t->what, t->cmdline, ssh_conn_name(t->ssh));
	*connp = &t->base;
	return 0;
fail:
	error("cannot start %s", t->what);
	tx_free(t);
	return -1;
}

/* Output */

static void
flush_out(struct ssh_tx *t)
{
	while (!t->dead && t->out_off < t->out.len) {
		ssize_t n = ssh_chan_write_some(t->chan,
		    t->out.data + t->out_off, t->out.len - t->out_off);

		t->read_due = true;
		if (n > 0) {
			t->out_off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EAGAIN)
			return;
		t->dead = true;
		return;
	}
	buf_reset(&t->out);
	t->out_off = 0;
	if (t->eof_wanted && !t->eof_sent && !t->dead) {
		int r = ssh_chan_send_eof(t->chan);

		t->eof_sent = r == 0;
		t->dead = r == -1;
	}
}

static bool
out_pending(const struct ssh_tx *t)
{
	return t->out_off < t->out.len || (t->eof_wanted && !t->eof_sent);
}

/* Arm the timer to fire after ms milliseconds (0: at once). */
static void
timer_arm(struct ssh_tx *t, int ms)
{
	struct itimerspec its = {0};

	if (ms <= 0) {
		its.it_value.tv_nsec = 1;
	} else {
		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = (long)(ms % 1000) * 1000000;
	}
	timerfd_settime(t->tfd, 0, &its, NULL);
}

static int
ssh_pollfd(struct tx_conn *conn, bool want_write, short *eventsp)
{
	struct ssh_tx *t = tx_of(conn);
	struct epoll_event ev = {.data.fd = ssh_conn_fd(t->ssh)};
	short want;
	int next = 0;

	flush_out(t);
	if (want_write && !t->dead) {
		*eventsp = POLLIN | POLLOUT;
		return ssh_conn_fd(t->ssh);
	}
	want = ssh_conn_events(t->ssh) | (out_pending(t) ? POLLOUT : 0);
	if (want != t->sock_events) {
		ev.events = EPOLLIN | ((want & POLLOUT) ? EPOLLOUT : 0);
		epoll_ctl(t->epfd, EPOLL_CTL_MOD, ev.data.fd, &ev);
		t->sock_events = want;
	}
	if (t->dead || ssh_conn_keepalive(t->ssh, &next) == -1) {
		t->dead = true;
		next = 0;
	} else if (t->read_due || ssh_chan_pending(t->chan)) {
		next = 0;
	}
	timer_arm(t, next);
	*eventsp = POLLIN;
	return t->epfd;
}

static ssize_t
ssh_read(struct tx_conn *conn, void *buf, size_t len)
{
	struct ssh_tx *t = tx_of(conn);
	uint64_t ticks;
	ssize_t n;
	int next;

	while (read(t->tfd, &ticks, sizeof(ticks)) > 0)
		;
	if (!t->dead)
		flush_out(t);
	if (!t->dead && ssh_conn_keepalive(t->ssh, &next) == -1)
		t->dead = true;
	if (t->dead) {
		errno = EIO;
		return -1;
	}
	n = ssh_chan_read(t->chan, buf, len);
	if (n > 0)
		t->spoke = true;
	else if (n == -1 && errno == EAGAIN)
		t->read_due = false;
	else if (n == -1)
		t->dead = true;
	return n;
}

static ssize_t
ssh_write(struct tx_conn *conn, const void *buf, size_t len)
{
	struct ssh_tx *t = tx_of(conn);

	if (t->dead) {
		errno = EPIPE;
		return -1;
	}
	buf_add(&t->out, buf, len);
	flush_out(t);
	return (ssize_t)len;
}

static void
ssh_close_input(struct tx_conn *conn)
{
	struct ssh_tx *t = tx_of(conn);

	t->eof_wanted = true;
	flush_out(t);
}

/* libssh2 1.10 cannot send a signal over a channel; dropping the
 * connection makes sshd end the session, and the worker, which reads
 * end-of-file, ends itself and the processes it traces. */
static void
ssh_kill(struct tx_conn *conn)
{
	struct ssh_tx *t = tx_of(conn);

	if (!t->dead)
		debug("%s: dropping the connection", t->what);
	t->dead = true;
	ssh_conn_drop(t->ssh);
}

/* Say clearly why a worker that never spoke is gone. */
static void
explain_silent_end(struct ssh_tx *t, int status)
{
	const char *err = ssh_chan_stderr(t->chan);

	if (status == 127 << 8)
		error("ssh: %s: '%s' was not found there: install covtrace "
		      "on %s, or give its path with //covtrace=PATH",
		    ssh_conn_name(t->ssh), t->cmdline, t->host);
	else if (status != -1)
		error("ssh: %s: '%s' ended before it spoke (%s %d)%s%s",
		    ssh_conn_name(t->ssh), t->cmdline,
		    (status & 0x7f) != 0 ? "signal" : "exit status",
		    (status & 0x7f) != 0 ? status & 0x7f : status >> 8,
		    err[0] != '\0' ? ": " : "", err);
}

static int
ssh_finish(struct tx_conn *conn, int *statusp)
{
	struct ssh_tx *t = tx_of(conn);
	int status = -1, r = 0;

	if (!t->dead) {
		flush_out(t);
		if (ssh_chan_close(t->chan, &status) == -1)
			status = -1;
	}
	if (!t->spoke)
		explain_silent_end(t, status);
	*statusp = status;
	tx_free(t);
	return r;
}

static void
tx_free(struct ssh_tx *t)
{
	if (t == NULL)
		return;
	ssh_chan_free(t->chan);
	if (t->dead && t->ssh != NULL)
		ssh_conn_drop(t->ssh);
	ssh_conn_free(t->ssh);
	if (t->epfd != -1)
		close(t->epfd);
	if (t->tfd != -1)
		close(t->tfd);
	buf_release(&t->out);
	free(t->cmdline);
	free(t->host);
	free(t->what);
	free(t->id);
	free(t);
}

const struct transport transport_ssh = {
    .name = "ssh",
    .start = ssh_start,
    .pollfd = ssh_pollfd,
    .read = ssh_read,
    .write = ssh_write,
    .close_input = ssh_close_input,
    .kill = ssh_kill,
    .finish = ssh_finish,
};

/* Setup before the workers start */

/* The absolute form of a local chdir, relative to the current directory. */
static char *
local_dir(const char *dir)
{
	char cwd[PATH_MAX];

	if (dir[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(dir);
	return xasprintf("%s/%s", cwd, dir);
}

/* Copy the trees to the chdir of every popen worker that has one other
 * than this directory, once per directory. */
static int
sync_local_workers(const struct dispatch_opts *opts)
{
	struct rsync_dest *d = rsync_dest_local();
	char **done = xcalloc(opts->nspecs + 1, sizeof(char *));
	char cwd[PATH_MAX] = "";
	size_t ndone = 0;
	int r = 0;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	for (size_t i = 0; i < opts->nspecs && r == 0; i++) {
		const struct txspec *s = &opts->specs[i];
		char *abs, *real;
		bool seen = false;

		if (s->kind != TXSPEC_POPEN || s->chdir == NULL)
			continue;
		abs = local_dir(s->chdir);
		real = realpath(abs, NULL);
		for (size_t k = 0; k < ndone; k++)
			seen = seen || strcmp(done[k], abs) == 0;
		if (!seen && (real == NULL || strcmp(real, cwd) != 0)) {
			r = rsync_dirs(d, abs, &config.rsync, "", NULL);
			done[ndone++] = abs;
			abs = NULL;
		}
		free(abs);
		free(real);
	}
	for (size_t k = 0; k < ndone; k++)
		free(done[k]);
	free(done);
	rsync_dest_free(d);
	return r;
}

int
remote_setup(const struct dispatch_opts *opts)
{
	config.ssh.accept_new = opts->ssh_accept_new;
	config.ssh.keepalive = opts->ssh_keepalive;
	config.rsync.dirs = opts->rsync_dirs;
	config.rsync.ndirs = opts->nrsync_dirs;
	config.rsync.ignores = opts->rsync_ignores;
	config.rsync.nignores = opts->nrsync_ignores;
	if (config.rsync.ndirs == 0)
		return 0;
	return sync_local_workers(opts);
}

static void
map_one(const char *worker_cwd, char **pathp)
{
	char *local;

	if (*pathp == NULL)
		return;
	if ((local = rsync_map_path(&config.rsync, worker_cwd, *pathp)) == NULL)
		return;
	free(*pathp);
	*pathp = local;
}

void
remote_map_file(const char *worker_cwd, struct file_lines *fl)
{
	map_one(worker_cwd, &fl->path);
	map_one(worker_cwd, &fl->image);
}
