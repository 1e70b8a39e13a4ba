/*
 * Transports: how the dispatcher starts a worker and talks to it.
 *
 * A transport starts one worker, `covtrace --worker` or the command of the
 * spec's //covtrace= key with `--worker` appended, and gives the dispatcher
 * a byte stream to it: what the dispatcher writes arrives on the worker's
 * standard input, and what the worker writes on its standard output comes
 * back.  The bytes are doc/PROTOCOL.worker frames; a transport never looks
 * at them.  The worker's standard error is not part of the stream: the
 * transport copies it to covtrace's standard error (popen inherits it; ssh
 * forwards the channel's extended data).  The worker applies //chdir,
 * //env: and //nice itself, from the protocol's setup message, so a
 * transport only has to start the command.
 *
 * The contract, for every implementation (one per file, STYLE.md rule 2):
 *
 *  - start(spec, id, &connp) starts a worker for spec (its kind is the
 *    transport's) and returns 0 with *connp set, or -1 after logging one
 *    line that names the spec.  It may block while connecting (an SSH
 *    handshake) but must not wait for the worker to speak.
 *  - pollfd(conn, want_write, &events) returns the one descriptor the
 *    dispatcher poll()s for this worker and sets the events to wait for:
 *    POLLIN always, POLLOUT when want_write (the dispatcher has bytes
 *    queued), and whatever else the transport needs (libssh2 may need
 *    POLLOUT to make progress on a read: libssh2_session_block_directions).
 *    The descriptor may change between calls.
 *  - read(conn, buf, len) never blocks: it returns the number of bytes
 *    read (> 0), 0 at the end of the stream (the worker closed its
 *    standard output or is gone), or -1 with errno EAGAIN when nothing can
 *    be read now; -1 with any other errno is a lost connection (the
 *    transport logs why at verbose level; the dispatcher reports the
 *    worker as lost).  The dispatcher calls read after poll() says the
 *    descriptor is ready, and may call it at any other time.
 *  - write(conn, buf, len) never blocks either: the number of bytes taken
 *    (> 0, maybe fewer than len), or -1 with errno EAGAIN or another errno
 *    as for read.
 *  - close_input(conn) ends the worker's standard input (EOF: the worker
 *    exits after its current job).  May be NULL when end of stream is only
 *    given by finish.
 *  - kill(conn) makes the worker go away now (SIGKILL, channel close):
 *    used on a timeout or a protocol error.  It never blocks for long and
 *    may be called more than once.
 *  - finish(conn, &status) closes the connection, waits for the worker to
 *    exit and frees conn.  *statusp gets the worker's wait status as
 *    waitpid(2) encodes it (an SSH exit status s as s << 8, an exit signal
 *    as its number), or -1 when it is unknown.  Returns 0, or -1 (logged)
 *    when the worker could not be waited for; conn is freed either way.
 *
 * Every connection struct starts with a struct tx_conn, so that the
 * dispatcher holds any connection through a struct tx_conn pointer:
 *
 *	struct popen_conn { struct tx_conn base; pid_t pid; int fd; };
 *
 * The transports are listed in transport_find() (dispatch/schedule.c).
 */
#ifndef COVTRACE_DISPATCH_TRANSPORT_H
#define COVTRACE_DISPATCH_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "dispatch/txspec.h"

struct tx_conn {
	const struct transport *transport;
};

struct transport {
	const char *name; /* "popen", "ssh": as in the spec */
	int (*start)(const struct txspec *spec, const char *id,
	    struct tx_conn **connp);
	int (*pollfd)(struct tx_conn *conn, bool want_write, short *eventsp);
	ssize_t (*read)(struct tx_conn *conn, void *buf, size_t len);
	ssize_t (*write)(struct tx_conn *conn, const void *buf, size_t len);
	void (*close_input)(struct tx_conn *conn);
	void (*kill)(struct tx_conn *conn);
	int (*finish)(struct tx_conn *conn, int *statusp);
};

extern const struct transport transport_popen;
extern const struct transport transport_ssh; /* transport-ssh.c */

/* The transport of a spec kind. */
const struct transport *transport_find(enum txspec_kind kind);

#endif
