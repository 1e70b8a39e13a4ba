/* A driver for dispatch/ssh.c and dispatch/rsync.c that the t38xx scripts
 * and bench/ssh-bench.sh run against the sshd servers of t/sshd-lib.sh.
 * It is not a TAP test itself: each subcommand does one thing and prints
 * what the scripts check.
 *
 *	ssh-test [-v]... [-a] [-k SECS] [-i GLOB]... SUBCOMMAND ARG...
 *
 *	dest STRING		split an ssh= destination
 *	config HOST		HOST after ~/.ssh/config
 *	connect HOST		connect and authenticate
 *	exec HOST CMD [INPUT]	run CMD, INPUT on its stdin, copy its stdout
 *	watch HOST CMD		run CMD with keepalives until the end or
 *				until the connection is found dead
 *	rsync HOST FROM TO	rsync_tree over SFTP
 *	lrsync FROM TO		rsync_tree to a local directory
 *	realpath HOST PATH	the remote absolute path
 *	bench-setup HOST FROM TO N   N times connect + rsync; mean ms
 *	bench-echo HOST N	N round trips through a remote `cat`; mean us
 *
 * -a accepts new host keys, -k sets the keepalive interval, -i adds an
 * --rsyncignore glob.  HOST is anything ssh= takes ("-p 22 me@box").
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/rsync.h"
#include "dispatch/ssh.h"

static struct ssh_opts sopts;
static const char *ignores[16];
static struct rsync_opts ropts = {.ignores = ignores};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
open_host(const char *dest, struct ssh_conn **cp)
{
	struct ssh_host h;
	char *user, *host;
	int port, r;

	if (ssh_dest_parse(dest, &user, &host, &port) == -1)
		return -1;
	ssh_host_resolve(NULL, user, host, port, &h);
	r = ssh_connect(&h, &sopts, cp);
	ssh_host_release(&h);
	free(user);
	free(host);
	return r;
}

static int
cmd_dest(const char *s)
{
	char *user, *host;
	int port;

	if (ssh_dest_parse(s, &user, &host, &port) == -1)
		return 1;
	printf("user=%s host=%s port=%d\n", user ? user : "", host, port);
	free(user);
	free(host);
	return 0;
}

static int
cmd_config(const char *dest)
{
	struct ssh_host h;
	char *user, *host;
	int port;

	if (ssh_dest_parse(dest, &user, &host, &port) == -1)
		return 1;
	ssh_host_resolve(NULL, user, host, port, &h);
	printf("%s@%s port %d\n", h.user, h.hostname, h.port);
	for (size_t i = 0; i < h.nidentity_files; i++)
		printf("identity %s\n", h.identity_files[i]);
	ssh_host_release(&h);
	free(user);
	free(host);
	return 0;
}

/* Copy the channel's stdout to ours until it ends, polling as the
 * dispatcher does; with keepalive, stop when the connection is dead. */
static int
pump(struct ssh_conn *c, struct ssh_chan *ch, bool keepalive)
{
	char buf[65536];
	ssize_t n;
	int next = -1;

	for (;;) {
		struct pollfd p = {.fd = ssh_conn_fd(c),
		    .events = ssh_conn_events(c)};

		if (keepalive && ssh_conn_keepalive(c, &next) == -1)
			return -1;
		if (!ssh_chan_pending(ch) && poll(&p, 1, next) == -1 &&
		    errno != EINTR)
			return -1;
		while ((n = ssh_chan_read(ch, buf, sizeof(buf))) > 0) {
			fwrite(buf, 1, (size_t)n, stdout);
			fflush(stdout);
		}
		if (n == 0)
			return 0;
		if (errno != EAGAIN)
			return -1;
	}
}

static int
cmd_exec(const char *dest, const char *cmd, const char *input, bool watch)
{
	struct ssh_conn *c;
	struct ssh_chan *ch = NULL;
	double t0 = now();
	int status = -1, r = 1;

	if (open_host(dest, &c) == -1)
		return 1;
	if (ssh_exec(c, cmd, &ch) == -1)
		goto out;
	if (input != NULL && ssh_chan_write(ch, input, strlen(input)) == -1)
		goto out;
	ssh_chan_send_eof(ch);
	ssh_conn_set_blocking(c, false);
	if (pump(c, ch, watch) == -1) {
		fflush(stdout);
		fprintf(stderr, "lost after %.0f s\n", now() - t0);
		goto out;
	}
	fflush(stdout);
	if (ssh_chan_close(ch, &status) == -1)
		goto out;
	fprintf(stderr, "status %d\n", status);
	r = 0;
out:
	ssh_chan_free(ch);
	ssh_conn_free(c);
	return r;
}

static int
sync_over(struct ssh_conn *c, const char *from, const char *to,
    struct rsync_stats *st)
{
	struct ssh_sftp *s;
	struct rsync_dest *d;
	int r;

	if (ssh_sftp_open(c, &s) == -1)
		return -1;
	d = rsync_dest_sftp(s);
	r = rsync_tree(d, from, to, &ropts, st);
	rsync_dest_free(d);
	ssh_sftp_free(s);
	return r;
}

static void
print_stats(const struct rsync_stats *st)
{
	printf("sent=%u bytes=%llu links=%u dirs=%u changed=%u deleted=%u "
	       "unchanged=%u\n",
	    st->files_sent, (unsigned long long)st->bytes_sent, st->links_made,
	    st->dirs_made, st->changed, st->deleted, st->unchanged);
}

static int
cmd_rsync(const char *dest, const char *from, const char *to)
{
	struct rsync_stats st = {0};
	struct ssh_conn *c;
	int r;

	if (open_host(dest, &c) == -1)
		return 1;
	r = sync_over(c, from, to, &st);
	ssh_conn_free(c);
	if (r == -1)
		return 1;
	print_stats(&st);
	return 0;
}

static int
cmd_lrsync(const char *from, const char *to)
{
	struct rsync_dest *d = rsync_dest_local();
	struct rsync_stats st = {0};
	int r = rsync_tree(d, from, to, &ropts, &st);

	rsync_dest_free(d);
	if (r == -1)
		return 1;
	print_stats(&st);
	return 0;
}

static int
cmd_realpath(const char *dest, const char *path)
{
	struct ssh_conn *c;
	struct ssh_sftp *s;
	char *abs;
	int r = 1;

	if (open_host(dest, &c) == -1)
		return 1;
	if (ssh_sftp_open(c, &s) == 0) {
		if (ssh_sftp_realpath(s, path, &abs) == 0) {
			printf("%s\n", abs);
			free(abs);
			r = 0;
		}
		ssh_sftp_free(s);
	}
	ssh_conn_free(c);
	return r;
}

static int
cmd_bench_setup(const char *dest, const char *from, const char *to, int n)
{
	double t0 = now();

	for (int i = 0; i < n; i++) {
		struct rsync_stats st = {0};
		struct ssh_conn *c;

		if (open_host(dest, &c) == -1)
			return 1;
		if (sync_over(c, from, to, &st) == -1) {
			ssh_conn_free(c);
			return 1;
		}
		ssh_conn_free(c);
	}
	printf("%.1f\n", (now() - t0) * 1000 / n);
	return 0;
}

static int
cmd_bench_echo(const char *dest, int n)
{
	struct ssh_conn *c;
	struct ssh_chan *ch = NULL;
	char buf[256];
	double t0;
	int r = 1, status;

	if (open_host(dest, &c) == -1)
		return 1;
	if (ssh_exec(c, "cat", &ch) == -1)
		goto out;
	ssh_conn_set_blocking(c, false);
	t0 = now();
	for (int i = 0; i < n; i++) {
		size_t got = 0;

		if (ssh_chan_write(ch, "TASK job 1 command ./t\n", 23) == -1)
			goto out;
		while (got < 23) {
			struct pollfd p = {.fd = ssh_conn_fd(c),
			    .events = ssh_conn_events(c)};
			ssize_t k = ssh_chan_read(ch, buf, sizeof(buf));

			if (k > 0) {
				got += (size_t)k;
				continue;
			}
			if (k == 0 || errno != EAGAIN)
				goto out;
			poll(&p, 1, 1000);
		}
	}
	printf("%.0f\n", (now() - t0) * 1e6 / n);
	ssh_chan_close(ch, &status);
	r = 0;
out:
	ssh_chan_free(ch);
	ssh_conn_free(c);
	return r;
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: ssh-test [-v] [-a] [-k SECS] [-i GLOB] "
	    "SUBCOMMAND ARG...\n");
	return 2;
}

int
main(int argc, char **argv)
{
	int level = LOG_NORMAL, opt;

	while ((opt = getopt(argc, argv, "+vak:i:")) != -1) {
		switch (opt) {
		case 'v':
			level++;
			break;
		case 'a':
			sopts.accept_new = true;
			break;
		case 'k':
			sopts.keepalive = atoi(optarg);
			break;
		case 'i':
			if (ropts.nignores < 16)
				ignores[ropts.nignores++] = optarg;
			break;
		default:
			return usage();
		}
	}
	log_set_level(level);
	argv += optind;
	argc -= optind;
	if (argc < 1)
		return usage();
#define IS(name, nargs) (strcmp(argv[0], name) == 0 && argc == (nargs) + 1)
	if (IS("dest", 1))
		return cmd_dest(argv[1]);
	if (IS("config", 1))
		return cmd_config(argv[1]);
	if (IS("connect", 1)) {
		struct ssh_conn *c;

		if (open_host(argv[1], &c) == -1)
			return 1;
		printf("connected to %s\n", ssh_conn_name(c));
		ssh_conn_free(c);
		return 0;
	}
	if (IS("exec", 2) || IS("exec", 3))
		return cmd_exec(argv[1], argv[2], argc == 4 ? argv[3] : NULL,
		    false);
	if (IS("watch", 2))
		return cmd_exec(argv[1], argv[2], NULL, true);
	if (IS("rsync", 3))
		return cmd_rsync(argv[1], argv[2], argv[3]);
	if (IS("lrsync", 2))
		return cmd_lrsync(argv[1], argv[2]);
	if (IS("realpath", 2))
		return cmd_realpath(argv[1], argv[2]);
	if (IS("bench-setup", 4))
		return cmd_bench_setup(argv[1], argv[2], argv[3],
		    atoi(argv[4]));
	if (IS("bench-echo", 2))
		return cmd_bench_echo(argv[1], atoi(argv[2]));
	return usage();
}
