/* An SSH connection made with libssh2: TCP, the handshake, the host key
 * against known_hosts, authentication, keepalives, exec channels and SFTP.
 * Everything that speaks libssh2 is in this file.  The calls go through
 * the table of dispatch/ssh-lib.h, which ssh_connect() loads. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/ssh-lib.h"
#include "dispatch/ssh.h"

struct ssh_conn {
	LIBSSH2_SESSION *session;
	int fd;
	char *name; /* for messages */
	int keepalive; /* seconds */
	int timeout_ms;
	int64_t last_rx_ms; /* when the server last sent anything */
	int64_t last_ka_ms; /* when the last keepalive went out */
	int64_t next_ka_ms; /* when the next one is due */
	int unanswered; /* keepalives sent since last_rx_ms */
	bool dead;
};

struct ssh_chan {
	struct ssh_conn *conn;
	LIBSSH2_CHANNEL *channel;
	struct buf err_line; /* a partial line of standard error */
	struct buf err_tail; /* the last lines, for messages */
	bool eof_seen;
};

struct ssh_sftp {
	struct ssh_conn *conn;
	LIBSSH2_SFTP *sftp;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
session_error(LIBSSH2_SESSION *s)
{
	char *msg = NULL;

	libssh2_session_last_error(s, &msg, NULL, 0);
	return msg != NULL && msg[0] != '\0' ? msg : "unknown error";
}

/* libssh2's own recv, which also notes when the server last spoke: the
 * keepalive check needs to know, and libssh2 does not say. */
static LIBSSH2_RECV_FUNC(conn_recv)
{
	struct ssh_conn *c = *abstract;
	ssize_t r = recv(socket, buffer, length, flags);

	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (r > 0)
		c->last_rx_ms = now_ms();
	return r;
}

/* Base64 without padding, as OpenSSH prints fingerprints. */
char *
ssh_fingerprint_sha256(const unsigned char *d, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf b = BUF_INIT;

	buf_addstr(&b, "SHA256:");
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)d[i + 1] << 8;
		if (i + 2 < len)
			v |= d[i + 2];
		buf_addch(&b, b64[(v >> 18) & 63]);
		buf_addch(&b, b64[(v >> 12) & 63]);
		if (i + 1 < len)
			buf_addch(&b, b64[(v >> 6) & 63]);
		if (i + 2 < len)
			buf_addch(&b, b64[v & 63]);
	}
	return buf_detach(&b, NULL);
}

/* TCP */

static int
wait_connected(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	socklen_t len = sizeof(int);
	int r, err = 0;

	while ((r = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	if (r == 0)
		err = ETIMEDOUT;
	else if (r == -1)
		err = errno;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	errno = err;
	return err == 0 ? 0 : -1;
}

static int
tcp_connect(const struct ssh_host *h, const char *name, int timeout_ms)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL, *ai;
	char port[16];
	int fd = -1, err = 0, r, one = 1;

	snprintf(port, sizeof(port), "%d", h->port);
	if ((r = getaddrinfo(h->hostname, port, &hints, &res)) != 0)
		return error("ssh: %s: cannot resolve '%s': %s", name,
		    h->hostname, gai_strerror(r));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS &&
		        wait_connected(fd, timeout_ms) == 0))
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = err;
		return error_errno("ssh: %s: cannot connect to %s port %d",
		    name, h->hostname, h->port);
	}
	/* A job is a few small messages each way: no Nagle delays. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	return fd;
}

/* Host keys */

static int
knownhost_keytype(int hostkey_type)
{
	switch (hostkey_type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA:
		return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
	case LIBSSH2_HOSTKEY_TYPE_DSS:
		return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
		return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
	case LIBSSH2_HOSTKEY_TYPE_ED25519:
		return LIBSSH2_KNOWNHOST_KEY_ED25519;
	default:
		return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
	}
}

/* The key type as OpenSSH names it in messages. */
static const char *
hostkey_type_name(int hostkey_type)
{
	switch (hostkey_type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA:
		return "RSA";
	case LIBSSH2_HOSTKEY_TYPE_DSS:
		return "DSA";
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
		return "ECDSA";
	case LIBSSH2_HOSTKEY_TYPE_ED25519:
		return "ED25519";
	default:
		return "unknown";
	}
}

/* The host key algorithms of a known_hosts key type. */
static const char *
knownhost_algs(int keytype)
{
	switch (keytype) {
	case LIBSSH2_KNOWNHOST_KEY_SSHRSA:
		return "rsa-sha2-512,rsa-sha2-256,ssh-rsa";
	case LIBSSH2_KNOWNHOST_KEY_SSHDSS:
		return "ssh-dss";
	case LIBSSH2_KNOWNHOST_KEY_ECDSA_256:
		return "ecdsa-sha2-nistp256";
	case LIBSSH2_KNOWNHOST_KEY_ECDSA_384:
		return "ecdsa-sha2-nistp384";
	case LIBSSH2_KNOWNHOST_KEY_ECDSA_521:
		return "ecdsa-sha2-nistp521";
	case LIBSSH2_KNOWNHOST_KEY_ED25519:
		return "ssh-ed25519";
	default:
		return NULL;
	}
}

static char *
known_hosts_path(void)
{
	return xasprintf("%s/.ssh/known_hosts", ssh_home_dir());
}

/* The name under which known_hosts records host:port. */
static char *
known_name(const struct ssh_host *h)
{
	if (h->port == 22)
		return xstrdup(h->hostname);
	return xasprintf("[%s]:%d", h->hostname, h->port);
}

/* Read known_hosts line by line: libssh2_knownhost_readfile stops at the
 * first line it cannot parse (a marker, a key type it does not know). */
static LIBSSH2_KNOWNHOSTS *
knownhosts_load(LIBSSH2_SESSION *s, const char *path)
{
	LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(s);
	char *line = NULL, *p;
	size_t alloc = 0;
	ssize_t len;
	FILE *f;
	int lineno = 0;

	if (kh == NULL || (f = fopen(path, "r")) == NULL) {
		if (kh != NULL && errno != ENOENT)
			warning_errno("cannot read '%s'", path);
		return kh;
	}
	while ((len = getline(&line, &alloc, f)) != -1) {
		lineno++;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '#' || *p == '\n' || *p == '\0' || *p == '@')
			continue;
		if (libssh2_knownhost_readline(kh, p, strlen(p),
		        LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
			debug("%s:%d: line skipped: %s", path, lineno,
			    session_error(s));
	}
	free(line);
	fclose(f);
	return kh;
}

/* Put the key types known_hosts has for h first in the host key algorithm
 * list, as ssh does, so that the key checked is one that is known. */
static void
prefer_known_types(LIBSSH2_SESSION *s, LIBSSH2_KNOWNHOSTS *kh,
    const struct ssh_host *h)
{
	struct libssh2_knownhost *e = NULL, *prev = NULL;
	struct buf b = BUF_INIT;
	const char **algs = NULL;
	int n, kt;

	while (libssh2_knownhost_get(kh, &e, prev) == 0) {
		prev = e;
		kt = e->typemask & LIBSSH2_KNOWNHOST_KEY_MASK;
		if (knownhost_algs(kt) == NULL || e->key == NULL ||
		    strstr(b.data != NULL ? b.data : "", knownhost_algs(kt)))
			continue;
		if (libssh2_knownhost_checkp(kh, h->hostname, h->port, e->key,
		        strlen(e->key),
		        LIBSSH2_KNOWNHOST_TYPE_PLAIN |
		            LIBSSH2_KNOWNHOST_KEYENC_BASE64 | kt,
		        NULL) != LIBSSH2_KNOWNHOST_CHECK_MATCH)
			continue;
		buf_printf(&b, "%s%s", b.len ? "," : "", knownhost_algs(kt));
	}
	if (b.len == 0)
		return;
	n = libssh2_session_supported_algs(s, LIBSSH2_METHOD_HOSTKEY, &algs);
	for (int i = 0; i < n; i++)
		if (strstr(b.data, algs[i]) == NULL)
			buf_printf(&b, ",%s", algs[i]);
	if (n > 0)
		libssh2_free(s, algs);
	/* libssh2 drops the names it does not support. */
	if (libssh2_session_method_pref(s, LIBSSH2_METHOD_HOSTKEY, b.data) != 0)
		debug("host key preference '%s' refused: %s", b.data,
		    session_error(s));
	buf_release(&b);
}

/* Append one line to known_hosts, making ~/.ssh if needed. */
static int
knownhosts_append(const char *path, const char *line)
{
	char *dir = xasprintf("%s/.ssh", ssh_home_dir()), last = '\n';
	int fd, r = -1;
	struct stat st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		error_errno("cannot create '%s'", dir);
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	         0600)) == -1) {
		error_errno("cannot open '%s'", path);
		goto out;
	}
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		int rfd = open(path, O_RDONLY | O_CLOEXEC);

		if (rfd != -1) {
			if (pread(rfd, &last, 1, st.st_size - 1) != 1)
				last = '\n';
			close(rfd);
		}
	}
	if ((last != '\n' && write(fd, "\n", 1) != 1) ||
	    write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		error_errno("cannot write '%s'", path);
		close(fd);
		goto out;
	}
	r = close(fd) == 0 ? 0 : error_errno("cannot write '%s'", path);
out:
	free(dir);
	return r;
}

static int
knownhosts_add(struct ssh_conn *c, LIBSSH2_KNOWNHOSTS *kh, const char *path,
    const char *kname, const char *key, size_t len, int kt)
{
	struct libssh2_knownhost *e = NULL;
	char line[16384];
	size_t outlen = 0;

	if (libssh2_knownhost_addc(kh, kname, NULL, key, len, "covtrace", 8,
	        LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
	            kt,
	        &e) != 0 ||
	    libssh2_knownhost_writeline(kh, e, line, sizeof(line), &outlen,
	        LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
		return error("ssh: %s: cannot add the host key: %s", c->name,
		    session_error(c->session));
	return knownhosts_append(path, line);
}

/* The server's host key, and the names messages give it. */
struct hostkey {
	const char *key;
	size_t len;
	int type; /* LIBSSH2_HOSTKEY_TYPE_* */
	char *fp; /* "SHA256:..." */
	char *kname; /* as known_hosts names the host */
	char *path; /* known_hosts */
};

static void
refuse_changed(const struct ssh_conn *c, const struct hostkey *hk)
{
	error("ssh: %s: the host key of '%s' has changed: it is now %s key "
	      "%s, which '%s' does not list; someone may be intercepting the "
	      "connection, or the key was replaced",
	    c->name, hk->kname, hostkey_type_name(hk->type), hk->fp, hk->path);
	error("ssh: %s: if the new key is expected, remove the old one with: "
	      "ssh-keygen -R '%s' -f '%s'",
	    c->name, hk->kname, hk->path);
}

static void
refuse_unknown(const struct ssh_conn *c, const struct hostkey *hk)
{
	error("ssh: %s: the host key of '%s' is not known: %s key %s", c->name,
	    hk->kname, hostkey_type_name(hk->type), hk->fp);
	error("ssh: %s: if that fingerprint is the host's, add the key to "
	      "'%s' (for example by connecting once with ssh) or run again "
	      "with --ssh-accept-new",
	    c->name, hk->path);
}

static int
accept_new(struct ssh_conn *c, LIBSSH2_KNOWNHOSTS *kh, const struct hostkey *hk)
{
	if (knownhosts_add(c, kh, hk->path, hk->kname, hk->key, hk->len,
	        knownhost_keytype(hk->type)) == -1)
		return -1;
	warning("ssh: %s: added %s key %s of '%s' to '%s'", c->name,
	    hostkey_type_name(hk->type), hk->fp, hk->kname, hk->path);
	return 0;
}

static int
check_host_key(struct ssh_conn *c, const struct ssh_host *h,
    const struct ssh_opts *opts)
{
	struct hostkey hk = {.kname = known_name(h),
	    .path = known_hosts_path()};
	const unsigned char *sha;
	LIBSSH2_KNOWNHOSTS *kh;
	int r = -1;

	kh = knownhosts_load(c->session, hk.path);
	hk.key = libssh2_session_hostkey(c->session, &hk.len, &hk.type);
	sha = (const unsigned char *)libssh2_hostkey_hash(c->session,
	    LIBSSH2_HOSTKEY_HASH_SHA256);
	if (kh == NULL || hk.key == NULL || sha == NULL) {
		error("ssh: %s: no host key: %s", c->name,
		    session_error(c->session));
		goto out;
	}
	hk.fp = ssh_fingerprint_sha256(sha, 32);
	switch (
	    libssh2_knownhost_checkp(kh, h->hostname, h->port, hk.key, hk.len,
	        LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
	            knownhost_keytype(hk.type),
	        NULL)) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		debug("%s: %s is known", c->name, hk.fp);
		r = 0;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		refuse_changed(c, &hk);
		break;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		if (opts->accept_new)
			r = accept_new(c, kh, &hk);
		else
			refuse_unknown(c, &hk);
		break;
	default:
		error("ssh: %s: cannot check the host key: %s", c->name,
		    session_error(c->session));
		break;
	}
out:
	if (kh != NULL)
		libssh2_knownhost_free(kh);
	free(hk.fp);
	free(hk.kname);
	free(hk.path);
	return r;
}

/* Authentication */

static int
auth_agent(struct ssh_conn *c, const char *user, struct buf *tried)
{
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	LIBSSH2_AGENT *agent;
	int r = -1, n = 0;

	if (getenv("SSH_AUTH_SOCK") == NULL)
		return -1;
	if ((agent = libssh2_agent_init(c->session)) == NULL)
		return -1;
	if (libssh2_agent_connect(agent) != 0 ||
	    libssh2_agent_list_identities(agent) != 0) {
		debug("%s: ssh-agent: %s", c->name, session_error(c->session));
		buf_printf(tried, "%sssh-agent (not reachable)",
		    tried->len ? ", " : "");
		goto out;
	}
	while (libssh2_agent_get_identity(agent, &id, prev) == 0) {
		n++;
		if (libssh2_agent_userauth(agent, user, id) == 0) {
			debug("%s: ssh-agent key '%s' accepted", c->name,
			    id->comment);
			r = 0;
			break;
		}
		prev = id;
	}
	buf_printf(tried, "%sssh-agent (%d key%s)", tried->len ? ", " : "", n,
	    n == 1 ? "" : "s");
out:
	libssh2_agent_disconnect(agent);
	libssh2_agent_free(agent);
	return r;
}

static int
auth_file(struct ssh_conn *c, const char *user, const char *path,
    struct buf *tried)
{
	char *pub = xasprintf("%s.pub", path);
	int r;

	if (access(path, R_OK) != 0) {
		free(pub);
		return -1;
	}
	r = libssh2_userauth_publickey_fromfile_ex(c->session, user,
	    (unsigned)strlen(user), access(pub, R_OK) == 0 ? pub : NULL, path,
	    NULL);
	if (r != 0)
		debug("%s: key '%s' not accepted: %s", c->name, path,
		    session_error(c->session));
	buf_printf(tried, "%s%s", tried->len ? ", " : "", path);
	free(pub);
	return r == 0 ? 0 : -1;
}

static int
authenticate(struct ssh_conn *c, const struct ssh_host *h)
{
	static const char *const defaults[] = {"id_ed25519", "id_ecdsa",
	    "id_rsa"};
	struct buf tried = BUF_INIT;
	const char *list;
	char *path;
	int r = -1;

	list = libssh2_userauth_list(c->session, h->user,
	    (unsigned)strlen(h->user));
	if (list == NULL && libssh2_userauth_authenticated(c->session))
		return 0;
	if (list == NULL &&
	    libssh2_session_last_errno(c->session) != LIBSSH2_ERROR_NONE)
		return error("ssh: %s: cannot authenticate: %s", c->name,
		    session_error(c->session));
	if (list == NULL || strstr(list, "publickey") == NULL)
		return error("ssh: %s: the server takes no public key for "
		             "user '%s' (it offers: %s)",
		    c->name, h->user, list != NULL ? list : "nothing");
	if (auth_agent(c, h->user, &tried) == 0)
		goto ok;
	for (size_t i = 0; i < h->nidentity_files; i++)
		if (auth_file(c, h->user, h->identity_files[i], &tried) == 0)
			goto ok;
	for (size_t i = 0; h->nidentity_files == 0 &&
	     i < sizeof(defaults) / sizeof(*defaults);
	     i++) {
		path = xasprintf("%s/.ssh/%s", ssh_home_dir(), defaults[i]);
		r = auth_file(c, h->user, path, &tried);
		free(path);
		if (r == 0)
			goto ok;
	}
	if (tried.len == 0)
		buf_addstr(&tried, "nothing: no ssh-agent and no key file");
	error("ssh: %s: permission denied for user '%s': the server accepted "
	      "no key (tried %s)",
	    c->name, h->user, tried.data);
	buf_release(&tried);
	return -1;
ok:
	buf_release(&tried);
	return 0;
}

/* The connection */

static char *
conn_name(const struct ssh_host *h)
{
	if (strcmp(h->name, h->hostname) == 0 && h->port == 22)
		return xstrdup(h->name);
	return xasprintf("%s (%s@%s port %d)", h->name, h->user, h->hostname,
	    h->port);
}

/* The host key preference needs known_hosts before the handshake. */
static int
prefer_known_hosts(struct ssh_conn *c, const struct ssh_host *h)
{
	char *path = known_hosts_path();
	LIBSSH2_KNOWNHOSTS *kh = knownhosts_load(c->session, path);

	if (kh != NULL) {
		prefer_known_types(c->session, kh, h);
		libssh2_knownhost_free(kh);
	}
	free(path);
	return 0;
}

int
ssh_connect(const struct ssh_host *h, const struct ssh_opts *opts,
    struct ssh_conn **connp)
{
	struct ssh_conn *c;
	int timeout = opts->timeout > 0 ? opts->timeout : SSH_TIMEOUT_DEFAULT;

	*connp = NULL;
	/* Every libssh2 object comes from a connection: this is the one
	 * place that has to load the library. */
	if (ssh_lib_load() == -1)
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->fd = -1;
	c->name = conn_name(h);
	c->keepalive =
	    opts->keepalive > 0 ? opts->keepalive : SSH_KEEPALIVE_DEFAULT;
	/* libssh2 takes an interval of 1 s for 2 s. */
	if (c->keepalive < 2)
		c->keepalive = 2;
	c->timeout_ms = timeout * 1000;
	if ((c->fd = tcp_connect(h, c->name, c->timeout_ms)) == -1)
		goto fail;
	c->session = libssh2_session_init_ex(NULL, NULL, NULL, c);
	if (c->session == NULL) {
		error("ssh: %s: cannot start a session", c->name);
		goto fail;
	}
	libssh2_session_callback_set(c->session, LIBSSH2_CALLBACK_RECV,
	    (void *)conn_recv);
	libssh2_session_set_blocking(c->session, 1);
	libssh2_session_set_timeout(c->session, c->timeout_ms);
	c->last_rx_ms = now_ms();
	c->next_ka_ms = c->last_rx_ms;
	if (prefer_known_hosts(c, h) == -1 ||
	    libssh2_session_handshake(c->session, c->fd) != 0) {
		error("ssh: %s: SSH handshake failed: %s", c->name,
		    session_error(c->session));
		goto fail;
	}
	if (check_host_key(c, h, opts) == -1 || authenticate(c, h) == -1)
		goto fail;
	libssh2_keepalive_config(c->session, 1, (unsigned)c->keepalive);
	debug("%s: connected", c->name);
	*connp = c;
	return 0;
fail:
	ssh_conn_free(c);
	return -1;
}

void
ssh_conn_free(struct ssh_conn *c)
{
	if (c == NULL)
		return;
	if (c->session != NULL) {
		if (!c->dead) {
			libssh2_session_set_blocking(c->session, 1);
			libssh2_session_set_timeout(c->session, 2000);
			libssh2_session_disconnect(c->session, "done");
		}
		libssh2_session_free(c->session);
	}
	if (c->fd != -1)
		close(c->fd);
	free(c->name);
	free(c);
}

const char *
ssh_conn_name(const struct ssh_conn *c)
{
	return c->name;
}

int
ssh_conn_fd(const struct ssh_conn *c)
{
	return c->fd;
}

short
ssh_conn_events(const struct ssh_conn *c)
{
	int dir = libssh2_session_block_directions(c->session);
	short ev = POLLIN;

	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		ev |= POLLOUT;
	return ev;
}

void
ssh_conn_drop(struct ssh_conn *c)
{
	c->dead = true;
	shutdown(c->fd, SHUT_RDWR);
}

void
ssh_conn_set_blocking(struct ssh_conn *c, bool blocking)
{
	libssh2_session_set_blocking(c->session, blocking ? 1 : 0);
}

/* A keepalive is due every interval.  The host is lost when the due time
 * comes with SSH_KEEPALIVE_COUNT of them sent since it last sent anything:
 * counting keepalives, not seconds, keeps a dispatcher that was busy
 * elsewhere for a while from taking a quiet host for a dead one. */
int
ssh_conn_keepalive(struct ssh_conn *c, int *next_msp)
{
	int64_t now = now_ms();
	int secs = 0, r;

	*next_msp = 0;
	if (c->dead)
		return -1;
	if (c->last_rx_ms > c->last_ka_ms)
		c->unanswered = 0;
	if (now < c->next_ka_ms) {
		*next_msp = (int)(c->next_ka_ms - now);
		return 0;
	}
	if (c->unanswered >= SSH_KEEPALIVE_COUNT) {
		c->dead = true;
		return error("ssh: %s: connection lost: no answer for %lld s "
		             "(%d keepalives, %d s apart)",
		    c->name, (long long)((now - c->last_rx_ms) / 1000),
		    c->unanswered, c->keepalive);
	}
	r = libssh2_keepalive_send(c->session, &secs);
	if (r != 0 && r != LIBSSH2_ERROR_EAGAIN) {
		c->dead = true;
		return error("ssh: %s: connection lost: %s", c->name,
		    session_error(c->session));
	}
	if (r == 0 && secs >= c->keepalive) {
		c->unanswered++;
		c->last_ka_ms = now;
	}
	c->next_ka_ms = now + (int64_t)c->keepalive * 1000;
	*next_msp = c->keepalive * 1000;
	return 0;
}

/* Channels */

static int
wait_socket(struct ssh_conn *c, int timeout_ms)
{
	struct pollfd p = {.fd = c->fd, .events = ssh_conn_events(c)};
	int r;

	while ((r = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	return r > 0 ? 0 : -1;
}

int
ssh_exec(struct ssh_conn *c, const char *command, struct ssh_chan **chp)
{
	LIBSSH2_CHANNEL *channel;
	struct ssh_chan *ch;

	*chp = NULL;
	libssh2_session_set_blocking(c->session, 1);
	if ((channel = libssh2_channel_open_session(c->session)) == NULL)
		return error("ssh: %s: cannot open a channel: %s", c->name,
		    session_error(c->session));
	if (libssh2_channel_exec(channel, command) != 0) {
		error("ssh: %s: cannot run '%s': %s", c->name, command,
		    session_error(c->session));
		libssh2_channel_free(channel);
		return -1;
	}
	debug("%s: running '%s'", c->name, command);
	ch = xcalloc(1, sizeof(*ch));
	ch->conn = c;
	ch->channel = channel;
	buf_init(&ch->err_line);
	buf_init(&ch->err_tail);
	*chp = ch;
	return 0;
}

static void
stderr_line(struct ssh_chan *ch, const char *line)
{
	fprintf(stderr, "%s: %s\n", ch->conn->name, line);
	if (ch->err_tail.len > 2048)
		buf_reset(&ch->err_tail);
	buf_printf(&ch->err_tail, "%s%s", ch->err_tail.len ? "\n" : "", line);
}

/* Forward what the remote command wrote on standard error, by lines. */
static void
drain_stderr(struct ssh_chan *ch, bool flush)
{
	char tmp[4096], *nl;
	ssize_t n;

	while ((n = libssh2_channel_read_stderr(ch->channel, tmp,
	            sizeof(tmp))) > 0)
		buf_add(&ch->err_line, tmp, (size_t)n);
	while (ch->err_line.len > 0 &&
	    ((nl = memchr(ch->err_line.data, '\n', ch->err_line.len)) != NULL ||
	        flush)) {
		size_t len = nl != NULL ? (size_t)(nl - ch->err_line.data)
		                        : ch->err_line.len;
		char *line = xstrndup(ch->err_line.data, len);

		stderr_line(ch, line);
		free(line);
		len += nl != NULL ? 1 : 0;
		memmove(ch->err_line.data, ch->err_line.data + len,
		    ch->err_line.len - len);
		ch->err_line.len -= len;
		ch->err_line.data[ch->err_line.len] = '\0';
	}
}

ssize_t
ssh_chan_read(struct ssh_chan *ch, void *buf, size_t len)
{
	ssize_t n;

	if (ch->conn->dead) {
		errno = EIO;
		return -1;
	}
	drain_stderr(ch, false);
	n = libssh2_channel_read(ch->channel, buf, len);
	if (n > 0)
		return n;
	if (n == LIBSSH2_ERROR_EAGAIN) {
		errno = EAGAIN;
		return -1;
	}
	if (n == 0 || libssh2_channel_eof(ch->channel)) {
		drain_stderr(ch, true);
		ch->eof_seen = true;
		return 0;
	}
	ch->conn->dead = true;
	error("ssh: %s: connection lost: %s", ch->conn->name,
	    session_error(ch->conn->session));
	errno = EIO;
	return -1;
}

int
ssh_chan_write(struct ssh_chan *ch, const void *buf, size_t len)
{
	const char *p = buf;
	int64_t deadline = now_ms() + ch->conn->timeout_ms;
	ssize_t n;

	while (len > 0) {
		if (ch->conn->dead)
			return -1;
		n = libssh2_channel_write(ch->channel, p, len);
		if (n == LIBSSH2_ERROR_EAGAIN) {
			int left = (int)(deadline - now_ms());

			if (left <= 0 || wait_socket(ch->conn, left) == -1) {
				ch->conn->dead = true;
				return error("ssh: %s: connection lost: "
				             "cannot send for %d s",
				    ch->conn->name,
				    ch->conn->timeout_ms / 1000);
			}
			continue;
		}
		if (n < 0) {
			ch->conn->dead = true;
			return error("ssh: %s: connection lost: %s",
			    ch->conn->name, session_error(ch->conn->session));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

bool
ssh_chan_pending(struct ssh_chan *ch)
{
	if (ch->conn->dead || ch->eof_seen)
		return false;
	/* It returns an error, not 0, when a short packet such as the reply
	 * to a keepalive is queued first: only 1 means data. */
	return libssh2_poll_channel_read(ch->channel, 0) == 1 ||
	    libssh2_poll_channel_read(ch->channel, 1) == 1 ||
	    libssh2_channel_eof(ch->channel) == 1;
}

int
ssh_chan_send_eof(struct ssh_chan *ch)
{
	int r;

	if (ch->conn->dead)
		return -1;
	r = libssh2_channel_send_eof(ch->channel);
	if (r == LIBSSH2_ERROR_EAGAIN)
		return 1;
	return r == 0 ? 0 : -1;
}

ssize_t
ssh_chan_write_some(struct ssh_chan *ch, const void *buf, size_t len)
{
	ssize_t n;

	if (ch->conn->dead) {
		errno = EIO;
		return -1;
	}
	n = libssh2_channel_write(ch->channel, buf, len);
	if (n >= 0)
		return n;
	if (n == LIBSSH2_ERROR_EAGAIN) {
		errno = EAGAIN;
		return -1;
	}
	ch->conn->dead = true;
	error("ssh: %s: connection lost: %s", ch->conn->name,
	    session_error(ch->conn->session));
	errno = EIO;
	return -1;
}

static int
signal_number(const char *name)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {{"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT},
	    {"ILL", SIGILL}, {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},
	    {"BUS", SIGBUS}, {"FPE", SIGFPE}, {"KILL", SIGKILL},
	    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
	    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcmp(name, sigs[i].name) == 0)
			return sigs[i].sig;
	return SIGKILL;
}

int
ssh_chan_close(struct ssh_chan *ch, int *statusp)
{
	LIBSSH2_SESSION *s = ch->conn->session;
	char *sig = NULL;
	size_t siglen = 0;

	*statusp = -1;
	if (ch->conn->dead)
		return -1;
	libssh2_session_set_blocking(s, 1);
	libssh2_session_set_timeout(s, 5000);
	libssh2_channel_send_eof(ch->channel);
	if (libssh2_channel_close(ch->channel) != 0 ||
	    libssh2_channel_wait_closed(ch->channel) != 0) {
		libssh2_session_set_timeout(s, ch->conn->timeout_ms);
		return -1;
	}
	libssh2_session_set_timeout(s, ch->conn->timeout_ms);
	drain_stderr(ch, true);
	if (libssh2_channel_get_exit_signal(ch->channel, &sig, &siglen, NULL,
	        NULL, NULL, NULL) == 0 &&
	    sig != NULL && siglen > 0) {
		*statusp = signal_number(sig);
		libssh2_free(s, sig);
	} else {
		*statusp = (libssh2_channel_get_exit_status(ch->channel) & 0xff)
		    << 8;
	}
	return 0;
}

const char *
ssh_chan_stderr(const struct ssh_chan *ch)
{
	return ch->err_tail.data != NULL ? ch->err_tail.data : "";
}

void
ssh_chan_free(struct ssh_chan *ch)
{
	if (ch == NULL)
		return;
	if (ch->channel != NULL) {
		if (!ch->conn->dead)
			libssh2_session_set_blocking(ch->conn->session, 1);
		libssh2_channel_free(ch->channel);
	}
	buf_release(&ch->err_line);
	buf_release(&ch->err_tail);
	free(ch);
}

/* SFTP */

static const char *
sftp_status_name(unsigned long code)
{
	switch (code) {
	case LIBSSH2_FX_NO_SUCH_FILE:
	case LIBSSH2_FX_NO_SUCH_PATH:
		return "No such file or directory";
	case LIBSSH2_FX_PERMISSION_DENIED:
		return "Permission denied";
	case LIBSSH2_FX_FILE_ALREADY_EXISTS:
		return "File exists";
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
		return "No space left on device";
	case LIBSSH2_FX_QUOTA_EXCEEDED:
		return "Disk quota exceeded";
	case LIBSSH2_FX_DIR_NOT_EMPTY:
		return "Directory not empty";
	case LIBSSH2_FX_NOT_A_DIRECTORY:
		return "Not a directory";
	case LIBSSH2_FX_OP_UNSUPPORTED:
		return "Operation not supported";
	default:
		return "Failure";
	}
}

static unsigned long
sftp_status(struct ssh_sftp *s)
{
	if (libssh2_session_last_errno(s->conn->session) !=
	    LIBSSH2_ERROR_SFTP_PROTOCOL)
		return (unsigned long)-1;
	return libssh2_sftp_last_error(s->sftp);
}

static int
sftp_error(struct ssh_sftp *s, const char *what, const char *path)
{
	unsigned long code = sftp_status(s);

	if (code == (unsigned long)-1) {
		s->conn->dead = s->conn->dead ||
		    libssh2_session_last_errno(s->conn->session) !=
		        LIBSSH2_ERROR_EAGAIN;
		return error("ssh: %s: cannot %s '%s': %s", s->conn->name, what,
		    path, session_error(s->conn->session));
	}
	return error("ssh: %s: cannot %s '%s': %s", s->conn->name, what, path,
	    sftp_status_name(code));
}

int
ssh_sftp_open(struct ssh_conn *c, struct ssh_sftp **sftpp)
{
	LIBSSH2_SFTP *sftp;

	*sftpp = NULL;
	libssh2_session_set_blocking(c->session, 1);
	if ((sftp = libssh2_sftp_init(c->session)) == NULL)
		return error("ssh: %s: cannot start SFTP: %s", c->name,
		    session_error(c->session));
	*sftpp = xcalloc(1, sizeof(**sftpp));
	(*sftpp)->conn = c;
	(*sftpp)->sftp = sftp;
	return 0;
}

void
ssh_sftp_free(struct ssh_sftp *s)
{
	if (s == NULL)
		return;
	libssh2_sftp_shutdown(s->sftp);
	free(s);
}

static void
stat_from_attrs(const LIBSSH2_SFTP_ATTRIBUTES *a, struct ssh_stat *st)
{
	unsigned long perm = a->permissions;

	memset(st, 0, sizeof(*st));
	if (a->flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) {
		if (LIBSSH2_SFTP_S_ISREG(perm))
			st->type = SSH_FILE_REG;
		else if (LIBSSH2_SFTP_S_ISDIR(perm))
			st->type = SSH_FILE_DIR;
		else if (LIBSSH2_SFTP_S_ISLNK(perm))
			st->type = SSH_FILE_LINK;
		st->mode = (uint32_t)(perm & 07777);
	}
	if (a->flags & LIBSSH2_SFTP_ATTR_SIZE)
		st->size = a->filesize;
	if (a->flags & LIBSSH2_SFTP_ATTR_ACMODTIME)
		st->mtime = (int64_t)a->mtime;
}

int
ssh_sftp_lstat(struct ssh_sftp *s, const char *path, struct ssh_stat *st)
{
	LIBSSH2_SFTP_ATTRIBUTES a;

	if (libssh2_sftp_lstat(s->sftp, path, &a) != 0) {
		unsigned long code = sftp_status(s);

		if (code == LIBSSH2_FX_NO_SUCH_FILE ||
		    code == LIBSSH2_FX_NO_SUCH_PATH)
			return 1;
		return sftp_error(s, "stat", path);
	}
	stat_from_attrs(&a, st);
	return 0;
}

int
ssh_sftp_list(struct ssh_sftp *s, const char *dir,
    int (*fn)(void *ctx, const char *name, const struct ssh_stat *st),
    void *ctx)
{
	LIBSSH2_SFTP_HANDLE *h;
	LIBSSH2_SFTP_ATTRIBUTES a;
	struct ssh_stat st;
	char name[4096];
	int n, r = 0;

	if ((h = libssh2_sftp_opendir(s->sftp, dir)) == NULL)
		return sftp_error(s, "read directory", dir);
	while ((n = libssh2_sftp_readdir(h, name, sizeof(name) - 1, &a)) > 0) {
		name[n] = '\0';
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		stat_from_attrs(&a, &st);
		if ((r = fn(ctx, name, &st)) != 0)
			break;
	}
	if (n < 0)
		r = sftp_error(s, "read directory", dir);
	libssh2_sftp_closedir(h);
	return r;
}

int
ssh_sftp_mkdir(struct ssh_sftp *s, const char *path, uint32_t mode)
{
	if (libssh2_sftp_mkdir(s->sftp, path, (long)mode) != 0)
		return sftp_error(s, "create directory", path);
	return 0;
}

int
ssh_sftp_mkdirs(struct ssh_sftp *s, const char *path)
{
	char *p = xstrdup(path), *slash = p;
	struct ssh_stat st;
	int r = 0;

	for (;;) {
		slash = strchr(slash + (*slash == '/'), '/');
		if (slash != NULL)
			*slash = '\0';
		if (p[0] != '\0' && (r = ssh_sftp_lstat(s, p, &st)) == 1)
			r = ssh_sftp_mkdir(s, p, 0755);
		if (r == -1 || slash == NULL)
			break;
		*slash = '/';
		while (slash[1] == '/')
			slash++;
	}
	free(p);
	return r == -1 ? -1 : 0;
}

static int
sftp_write_all(struct ssh_sftp *s, LIBSSH2_SFTP_HANDLE *h, int fd, uint64_t len,
    const char *path)
{
	char buf[65536];
	ssize_t n, w;

	while (len > 0) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return n == 0
			    ? error("'%s' shrank while being sent", path)
			    : error_errno("cannot read '%s'", path);
		len -= (uint64_t)n;
		for (char *p = buf; n > 0; p += w, n -= w)
			if ((w = libssh2_sftp_write(h, p, (size_t)n)) < 0)
				return sftp_error(s, "write", path);
	}
	return 0;
}

int
ssh_sftp_put(struct ssh_sftp *s, const char *path, int fd, uint64_t len,
    uint32_t mode, int64_t mtime)
{
	LIBSSH2_SFTP_ATTRIBUTES a = {0};
	LIBSSH2_SFTP_HANDLE *h;
	unsigned long flags =
	    LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC;
	int r;

	h = libssh2_sftp_open(s->sftp, path, flags, (long)(mode | 0600));
	if (h == NULL && sftp_status(s) == LIBSSH2_FX_PERMISSION_DENIED) {
		/* A read-only file: replace it. */
		libssh2_sftp_unlink(s->sftp, path);
		h = libssh2_sftp_open(s->sftp, path, flags,
		    (long)(mode | 0600));
	}
	if (h == NULL)
		return sftp_error(s, "create", path);
	r = sftp_write_all(s, h, fd, len, path);
	a.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS | LIBSSH2_SFTP_ATTR_ACMODTIME;
	a.permissions = mode & 07777;
	a.atime = a.mtime = (unsigned long)mtime;
	if (r == 0 && libssh2_sftp_fsetstat(h, &a) != 0)
		r = sftp_error(s, "set the mode and time of", path);
	if (libssh2_sftp_close(h) != 0 && r == 0)
		r = sftp_error(s, "close", path);
	return r;
}

static int
ssh_sftp_readlink_quiet(struct ssh_sftp *s, const char *path, char **targetp)
{
	char buf[4096];
	int n;

	*targetp = NULL;
	n = libssh2_sftp_symlink_ex(s->sftp, path, (unsigned)strlen(path), buf,
	    sizeof(buf) - 1, LIBSSH2_SFTP_READLINK);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	*targetp = xstrdup(buf);
	return 0;
}

int
ssh_sftp_readlink(struct ssh_sftp *s, const char *path, char **targetp)
{
	if (ssh_sftp_readlink_quiet(s, path, targetp) == -1)
		return sftp_error(s, "read symbolic link", path);
	return 0;
}

int
ssh_sftp_symlink(struct ssh_sftp *s, const char *path, const char *target)
{
	char *made = NULL;
	bool ok;

	/* OpenSSH's server takes the two paths in the opposite order to the
	 * SFTP draft; libssh2 sends them as given, so pass them swapped. */
	if (libssh2_sftp_symlink_ex(s->sftp, target, (unsigned)strlen(target),
	        (char *)path, (unsigned)strlen(path),
	        LIBSSH2_SFTP_SYMLINK) == 0)
		return 0;
	/* libssh2 1.10 reads the status of a SYMLINK reply at the wrong
	 * offset (it takes the request id for the status), so a link made
	 * may be reported as a failure: ask the server what is there. */
	if (libssh2_session_last_errno(s->conn->session) !=
	    LIBSSH2_ERROR_SFTP_PROTOCOL)
		return sftp_error(s, "create symbolic link", path);
	ok = ssh_sftp_readlink_quiet(s, path, &made) == 0 &&
	    strcmp(made, target) == 0;
	free(made);
	if (!ok)
		return error("ssh: %s: cannot create symbolic link '%s'",
		    s->conn->name, path);
	return 0;
}

int
ssh_sftp_unlink(struct ssh_sftp *s, const char *path)
{
	if (libssh2_sftp_unlink(s->sftp, path) != 0)
		return sftp_error(s, "remove", path);
	return 0;
}

int
ssh_sftp_rmdir(struct ssh_sftp *s, const char *path)
{
	if (libssh2_sftp_rmdir(s->sftp, path) != 0)
		return sftp_error(s, "remove directory", path);
	return 0;
}

int
ssh_sftp_chmod(struct ssh_sftp *s, const char *path, uint32_t mode)
{
	LIBSSH2_SFTP_ATTRIBUTES a = {0};

	a.flags = LIBSSH2_SFTP_ATTR_PERMISSIONS;
	a.permissions = mode & 07777;
	if (libssh2_sftp_setstat(s->sftp, path, &a) != 0)
		return sftp_error(s, "change the mode of", path);
	return 0;
}

int
ssh_sftp_realpath(struct ssh_sftp *s, const char *path, char **absp)
{
	char buf[4096];
	int n;

	*absp = NULL;
	n = libssh2_sftp_realpath(s->sftp, path, buf, sizeof(buf) - 1);
	if (n < 0)
		return sftp_error(s, "resolve", path);
	buf[n] = '\0';
	*absp = xstrdup(buf);
	return 0;
}
