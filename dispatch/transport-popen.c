/*
 * The popen transport: a local worker process on one end of a socket pair,
 * which is its standard input and its standard output.  It runs in a
 * session of its own, so that the terminal's ^C reaches the dispatcher
 * alone, and the dispatcher decides what happens to the workers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/transport.h"

struct popen_conn {
	struct tx_conn base;
	pid_t pid;
	int fd;
};

static struct popen_conn *
conn_of(struct tx_conn *c)
{
	return (struct popen_conn *)c;
}

/* This covtrace's own program file, for the default worker command. */
static char *
self_path(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n <= 0)
		return xstrdup("covtrace");
	path[n] = '\0';
	return xstrdup(path);
}

static void
child(int fd, char **argv)
{
	setsid();
	if (dup2(fd, 0) == -1 || dup2(fd, 1) == -1)
		_exit(127);
	execvp(argv[0], argv);
	fprintf(stderr, "covtrace: cannot start a worker with '%s': %s\n",
	    argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int
popen_start(const struct txspec *spec, const char *id, struct tx_conn **connp)
{
	struct popen_conn *c;
	char *self = self_path();
	char **argv = txspec_worker_argv(spec, self);
	int sv[2];
	pid_t pid;

	*connp = NULL;
	free(self);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		words_free(argv);
		return error_errno("cannot start worker %s ('%s')", id,
		    spec->text);
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		error_errno("cannot start worker %s ('%s')", id, spec->text);
		close(sv[0]);
		close(sv[1]);
		words_free(argv);
		return -1;
	}
	if (pid == 0)
		child(sv[1], argv);
	close(sv[1]);
	words_free(argv);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	c = xcalloc(1, sizeof(*c));
	c->base.transport = &transport_popen;
	c->pid = pid;
	c->fd = sv[0];
	debug("worker %s: pid %d", id, (int)pid);
	*connp = &c->base;
	return 0;
}

static int
popen_pollfd(struct tx_conn *conn, bool want_write, short *eventsp)
{
	*eventsp = POLLIN | (want_write ? POLLOUT : 0);
	return conn_of(conn)->fd;
}

static ssize_t
popen_read(struct tx_conn *conn, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(conn_of(conn)->fd, buf, len, MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == ECONNRESET)
		return 0;
	return n;
}

static ssize_t
popen_write(struct tx_conn *conn, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(conn_of(conn)->fd, buf, len,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n;
}

static void
popen_close_input(struct tx_conn *conn)
{
	shutdown(conn_of(conn)->fd, SHUT_WR);
}

static void
popen_kill(struct tx_conn *conn)
{
	struct popen_conn *c = conn_of(conn);

	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
	}
}

static int
popen_finish(struct tx_conn *conn, int *statusp)
{
	struct popen_conn *c = conn_of(conn);
	int status = -1, r = 0;

	close(c->fd);
	while (waitpid(c->pid, &status, 0) == -1) {
		if (errno != EINTR) {
			r = error_errno("cannot wait for worker pid %d",
			    (int)c->pid);
			status = -1;
			break;
		}
	}
	*statusp = status;
	free(c);
	return r;
}

const struct transport transport_popen = {
    .name = "popen",
    .start = popen_start,
    .pollfd = popen_pollfd,
    .read = popen_read,
    .write = popen_write,
    .close_input = popen_close_input,
    .kill = popen_kill,
    .finish = popen_finish,
};
