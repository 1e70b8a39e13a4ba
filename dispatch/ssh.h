/* SSH connections that covtrace makes itself, with libssh2 (not the ssh
 * program): ~/.ssh/config, known_hosts, ssh-agent and key files,
 * keepalives, an exec channel for a remote worker and SFTP for --rsyncdir.
 * Internal to dispatch/. */
#ifndef COVTRACE_DISPATCH_SSH_H
#define COVTRACE_DISPATCH_SSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Seconds between keepalives when none is asked for, and how many may go
 * unanswered: a host silent for SSH_KEEPALIVE_COUNT intervals is dead. */
#define SSH_KEEPALIVE_DEFAULT 5
#define SSH_KEEPALIVE_COUNT 3
/* Seconds for the TCP connection and for each blocking step after it. */
#define SSH_TIMEOUT_DEFAULT 20

struct ssh_opts {
	bool accept_new; /* add unknown host keys to known_hosts */
	int keepalive; /* seconds; 0: SSH_KEEPALIVE_DEFAULT */
	int timeout; /* seconds; 0: SSH_TIMEOUT_DEFAULT */
};

/* A destination after ~/.ssh/config was applied. */
struct ssh_host {
	char *name; /* as the user wrote it, for messages */
	char *hostname; /* what is connected to (HostName) */
	char *user;
	int port;
	char **identity_files; /* IdentityFile, ~ expanded; none: defaults */
	size_t nidentity_files;
};

/* Split "[USER@]HOST[:PORT]", "[USER@][HOST]:PORT" (IPv6) or execnet's
 * "-p PORT [USER@]HOST" into its parts; *userp is NULL and *portp is 0 when
 * not given.  Returns -1 (logged) for a malformed destination. */
int ssh_dest_parse(const char *dest, char **userp, char **hostp, int *portp);

/* Fill h for host (and user and port, NULL and 0 when not given) from the
 * Host blocks of the ssh config file at path (NULL: ~/.ssh/config), as ssh
 * does: the first value found wins, an explicit user or port beats the
 * file.  A missing file is no error. */
int ssh_host_resolve(const char *path, const char *user, const char *host,
    int port, struct ssh_host *h);
void ssh_host_release(struct ssh_host *h);

/* The home directory whose .ssh/ is read: $HOME, else the password file. */
const char *ssh_home_dir(void);

/* The SHA256 fingerprint of a public key blob, as OpenSSH prints it:
 * "SHA256:" and unpadded base64.  The caller frees it. */
char *ssh_fingerprint_sha256(const unsigned char *digest, size_t len);

struct ssh_conn;

/* Connect, check the host key against ~/.ssh/known_hosts and authenticate
 * (ssh-agent, then the key files).  Every failure is logged with the host's
 * name and returns -1. */
int ssh_connect(const struct ssh_host *h, const struct ssh_opts *opts,
    struct ssh_conn **connp);
void ssh_conn_free(struct ssh_conn *c);
/* "NAME" or "NAME (USER@HOSTNAME:PORT)", for messages; borrowed. */
const char *ssh_conn_name(const struct ssh_conn *c);
/* The socket, for poll(), and the events that libssh2 waits for on it. */
int ssh_conn_fd(const struct ssh_conn *c);
short ssh_conn_events(const struct ssh_conn *c);
/* Send a keepalive when one is due; *next_msp gets the milliseconds until
 * the next call is needed.  Returns -1 (logged) when the host has been
 * silent for too long: the connection is dead. */
int ssh_conn_keepalive(struct ssh_conn *c, int *next_msp);
/* End the connection at once, without a goodbye: sshd ends the session,
 * and the remote command reads end-of-file. */
void ssh_conn_drop(struct ssh_conn *c);
/* Switch every channel of c to non-blocking (true) or blocking I/O. */
void ssh_conn_set_blocking(struct ssh_conn *c, bool blocking);

struct ssh_chan;

/* Run command through the remote user's shell on a new channel. */
int ssh_exec(struct ssh_conn *c, const char *command, struct ssh_chan **chp);
/* Read standard output.  Standard error is forwarded to ours, each line
 * prefixed with the host's name.  Returns the bytes read, 0 at the end,
 * -1 with errno EAGAIN when nothing is there yet (non-blocking), or -1
 * (logged, errno EIO) when the channel or the connection failed. */
ssize_t ssh_chan_read(struct ssh_chan *ch, void *buf, size_t len);
/* Write all of buf to standard input (blocking); -1 (logged) on failure. */
int ssh_chan_write(struct ssh_chan *ch, const void *buf, size_t len);
/* Write what can be written now (non-blocking): the bytes taken, or -1
 * with errno EAGAIN, or -1 (logged, errno EIO) on a lost connection. */
ssize_t ssh_chan_write_some(struct ssh_chan *ch, const void *buf, size_t len);
/* Whether libssh2 already holds data for ch that poll() cannot see. */
bool ssh_chan_pending(struct ssh_chan *ch);
/* Close standard input: the remote command reads end-of-file.  Returns 1
 * when it must be called again (non-blocking), -1 on failure. */
int ssh_chan_send_eof(struct ssh_chan *ch);
/* Close the channel; *statusp gets a wait status (exit code << 8, or the
 * signal number), or -1 when the remote side said nothing. */
int ssh_chan_close(struct ssh_chan *ch, int *statusp);
/* The last lines the remote command wrote on standard error; borrowed. */
const char *ssh_chan_stderr(const struct ssh_chan *ch);
void ssh_chan_free(struct ssh_chan *ch);

/* SFTP, in blocking mode, for --rsyncdir.  Paths are remote paths;
 * relative ones are relative to the remote home. */
struct ssh_sftp;

enum ssh_file_type {
	SSH_FILE_OTHER,
	SSH_FILE_REG,
	SSH_FILE_DIR,
	SSH_FILE_LINK,
};

struct ssh_stat {
	enum ssh_file_type type;
	uint32_t mode; /* permission bits */
	uint64_t size;
	int64_t mtime; /* seconds */
};

int ssh_sftp_open(struct ssh_conn *c, struct ssh_sftp **sftpp);
void ssh_sftp_free(struct ssh_sftp *s);
/* lstat; returns 1 when path does not exist. */
int ssh_sftp_lstat(struct ssh_sftp *s, const char *path, struct ssh_stat *st);
/* Call fn for every entry of the directory but . and .., with its lstat. */
int ssh_sftp_list(struct ssh_sftp *s, const char *dir,
    int (*fn)(void *ctx, const char *name, const struct ssh_stat *st),
    void *ctx);
int ssh_sftp_mkdir(struct ssh_sftp *s, const char *path, uint32_t mode);
/* Create path and its missing parents, as mkdir -p. */
int ssh_sftp_mkdirs(struct ssh_sftp *s, const char *path);
/* Write the len bytes of the open local file fd to path, then give it mode
 * and mtime. */
int ssh_sftp_put(struct ssh_sftp *s, const char *path, int fd, uint64_t len,
    uint32_t mode, int64_t mtime);
int ssh_sftp_symlink(struct ssh_sftp *s, const char *path, const char *target);
/* The target of the symbolic link path; the caller frees it. */
int ssh_sftp_readlink(struct ssh_sftp *s, const char *path, char **targetp);
int ssh_sftp_unlink(struct ssh_sftp *s, const char *path);
int ssh_sftp_rmdir(struct ssh_sftp *s, const char *path);
int ssh_sftp_chmod(struct ssh_sftp *s, const char *path, uint32_t mode);
/* The absolute, canonical form of path; the caller frees it. */
int ssh_sftp_realpath(struct ssh_sftp *s, const char *path, char **absp);

/* Around the ssh transport (dispatch/transport-ssh.c), for the
 * dispatcher. */
struct dispatch_opts;
struct file_lines;

/* Before any worker starts: keep the SSH and --rsyncdir options for the
 * ssh workers, and copy the --rsyncdir trees into the chdir of every popen
 * worker that has one other than the current directory. */
int remote_setup(const struct dispatch_opts *opts);
/* Give the source and image paths of fl, which a worker reported from its
 * directory worker_cwd, their local names (see rsync_map_path). */
void remote_map_file(const char *worker_cwd, struct file_lines *fl);

#endif
