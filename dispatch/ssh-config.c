/* Where an ssh= worker connects to: the destination as written, then the
 * Host blocks of ~/.ssh/config (HostName, User, Port, IdentityFile), read
 * the way ssh(1) reads them. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/ssh.h"

const char *
ssh_home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && home[0] == '/')
		return home;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return "/";
}

static char *
local_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *u;

	if (pw != NULL && pw->pw_name != NULL)
		return xstrdup(pw->pw_name);
	u = getenv("USER");
	return xstrdup(u != NULL ? u : "root");
}

static int
parse_port(const char *s, int *portp)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*portp = (int)v;
	return 0;
}

/* HOST, HOST:PORT, [HOST] or [HOST]:PORT; a bare IPv6 address has more
 * than one colon and no port. */
static int
split_host_port(const char *s, char **hostp, int *portp)
{
	const char *colon;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close == s + 1)
			return -1;
		if (close[1] == ':') {
			if (parse_port(close + 2, portp) == -1)
				return -1;
		} else if (close[1] != '\0') {
			return -1;
		}
		*hostp = xstrndup(s + 1, (size_t)(close - s - 1));
		return 0;
	}
	colon = strchr(s, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		if (colon == s || parse_port(colon + 1, portp) == -1)
			return -1;
		*hostp = xstrndup(s, (size_t)(colon - s));
		return 0;
	}
	*hostp = xstrdup(s);
	return 0;
}

static int
parse_user_host(const char *s, char **userp, char **hostp, int *portp)
{
	const char *at = strrchr(s, '@');

	if (at != NULL) {
		if (at == s)
			return -1;
		*userp = xstrndup(s, (size_t)(at - s));
		s = at + 1;
	}
	if (s[0] == '\0' || strpbrk(s, " \t/") != NULL)
		return -1;
	return split_host_port(s, hostp, portp);
}

int
ssh_dest_parse(const char *dest, char **userp, char **hostp, int *portp)
{
	char *copy = xstrdup(dest), *words[3], *save = NULL, *w;
	const char *where = NULL;
	int n = 0, port = 0, r = -1;

	*userp = NULL;
	*hostp = NULL;
	*portp = 0;
	for (w = strtok_r(copy, " \t", &save); w != NULL;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == 3)
			goto out;
		words[n++] = w;
	}
	if (n == 3 && strcmp(words[0], "-p") == 0) {
		if (parse_port(words[1], &port) == -1)
			goto out;
		where = words[2];
	} else if (n == 3 && strcmp(words[1], "-p") == 0) {
		if (parse_port(words[2], &port) == -1)
			goto out;
		where = words[0];
	} else if (n == 1) {
		where = words[0];
	} else {
		goto out;
	}
	if (parse_user_host(where, userp, hostp, portp) == -1)
		goto out;
	if (port != 0) {
		if (*portp != 0 && *portp != port)
			goto out;
		*portp = port;
	}
	r = 0;
out:
	free(copy);
	if (r == -1) {
		free(*userp);
		free(*hostp);
		*userp = NULL;
		*hostp = NULL;
		*portp = 0;
		return error("bad ssh destination '%s' (expected "
		             "[USER@]HOST[:PORT] or -p PORT [USER@]HOST)",
		    dest);
	}
	return 0;
}

/* ssh's match_pattern: '*' and '?' wildcards, case-insensitive. */
static bool
pattern_match(const char *s, const char *p)
{
	for (;;) {
		if (*p == '\0')
			return *s == '\0';
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return true;
			for (; *s != '\0'; s++)
				if (pattern_match(s, p))
					return true;
			return false;
		}
		if (*s == '\0')
			return false;
		if (*p != '?' &&
		    tolower((unsigned char)*p) != tolower((unsigned char)*s))
			return false;
		s++;
		p++;
	}
}

/* Split a config line's arguments on blanks, honouring double quotes. */
static size_t
split_args(char *s, char **argv, size_t max)
{
	size_t n = 0;

	while (n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (*s == '"') {
			argv[n++] = ++s;
			while (*s != '\0' && *s != '"')
				s++;
		} else {
			argv[n++] = s;
			while (*s != '\0' && *s != ' ' && *s != '\t')
				s++;
		}
		if (*s == '\0')
			break;
		*s++ = '\0';
	}
	return n;
}

/* Whether a Host line's patterns select host: one pattern matches and no
 * negated one does. */
static bool
host_line_matches(char **pats, size_t n, const char *host)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (pats[i][0] == '!') {
			if (pattern_match(host, pats[i] + 1))
				return false;
		} else if (pattern_match(host, pats[i])) {
			any = true;
		}
	}
	return any;
}

/* %h (host), %r (remote user), %u (local user), %d (home), %% and a
 * leading ~/. */
static char *
expand_tokens(const char *s, const char *host, const char *ruser)
{
	struct buf b = BUF_INIT;
	char *luser = local_user();

	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
		buf_addstr(&b, ssh_home_dir());
		s++;
	}
	for (; *s != '\0'; s++) {
		if (*s != '%' || s[1] == '\0') {
			buf_addch(&b, *s);
			continue;
		}
		switch (*++s) {
		case 'h':
			buf_addstr(&b, host);
			break;
		case 'r':
			buf_addstr(&b, ruser != NULL ? ruser : luser);
			break;
		case 'u':
			buf_addstr(&b, luser);
			break;
		case 'd':
			buf_addstr(&b, ssh_home_dir());
			break;
		default:
			buf_addch(&b, *s);
			break;
		}
	}
	free(luser);
	buf_addch(&b, '\0');
	b.len--;
	return buf_detach(&b, NULL);
}

struct config_state {
	const char *host; /* as given: what Host patterns match */
	char *hostname;
	char *user;
	int port;
	char **ids; /* unexpanded: %r needs the final user */
	size_t nids, ids_alloc;
};

static void
config_keyword(struct config_state *st, const char *path, int lineno,
    const char *key, char **args, size_t nargs)
{
	if (nargs == 0)
		return;
	if (strcasecmp(key, "HostName") == 0 && st->hostname == NULL) {
		st->hostname = xstrdup(args[0]);
	} else if (strcasecmp(key, "User") == 0 && st->user == NULL) {
		st->user = xstrdup(args[0]);
	} else if (strcasecmp(key, "Port") == 0 && st->port == 0) {
		if (parse_port(args[0], &st->port) == -1)
			warning("%s:%d: bad port '%s' ignored", path, lineno,
			    args[0]);
	} else if (strcasecmp(key, "IdentityFile") == 0) {
		XGROW(st->ids, st->nids + 1, st->ids_alloc);
		st->ids[st->nids++] = xstrdup(args[0]);
	}
}

static void
config_read(FILE *f, const char *path, struct config_state *st)
{
	char *line = NULL, *args[64], *key, *p;
	size_t alloc = 0, nargs;
	bool active = true;
	int lineno = 0;

	while (getline(&line, &alloc, f) != -1) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		for (key = line; *key == ' ' || *key == '\t'; key++)
			;
		if (*key == '\0' || *key == '#')
			continue;
		p = key + strcspn(key, " \t=");
		if (*p != '\0') {
			*p++ = '\0';
			p += strspn(p, " \t");
			if (*p == '=')
				p++;
		}
		nargs = split_args(p, args, sizeof(args) / sizeof(args[0]));
		if (strcasecmp(key, "Host") == 0)
			active = host_line_matches(args, nargs, st->host);
		else if (strcasecmp(key, "Match") == 0)
			active = nargs == 1 && strcasecmp(args[0], "all") == 0;
		else if (active)
			config_keyword(st, path, lineno, key, args, nargs);
	}
	free(line);
}

void
ssh_host_release(struct ssh_host *h)
{
	free(h->name);
	free(h->hostname);
	free(h->user);
	for (size_t i = 0; i < h->nidentity_files; i++)
		free(h->identity_files[i]);
	free(h->identity_files);
	memset(h, 0, sizeof(*h));
}

int
ssh_host_resolve(const char *path, const char *user, const char *host, int port,
    struct ssh_host *h)
{
	struct config_state st = {.host = host};
	char *deflt = NULL, *hn;
	FILE *f;

	memset(h, 0, sizeof(*h));
	if (path == NULL)
		path = deflt = xasprintf("%s/.ssh/config", ssh_home_dir());
	if ((f = fopen(path, "r")) != NULL) {
		config_read(f, path, &st);
		fclose(f);
	} else if (errno != ENOENT) {
		warning_errno("cannot read '%s'", path);
	}
	free(deflt);
	h->name = xstrdup(host);
	hn = st.hostname != NULL ? expand_tokens(st.hostname, host, NULL)
	                         : xstrdup(host);
	h->hostname = hn;
	if (user != NULL)
		h->user = xstrdup(user);
	else if (st.user != NULL)
		h->user = xstrdup(st.user);
	else
		h->user = local_user();
	h->port = port != 0 ? port : st.port != 0 ? st.port : 22;
	h->identity_files = xcalloc(st.nids + 1, sizeof(char *));
	for (size_t i = 0; i < st.nids; i++) {
		h->identity_files[i] = expand_tokens(st.ids[i], hn, h->user);
		free(st.ids[i]);
	}
	h->nidentity_files = st.nids;
	free(st.ids);
	free(st.hostname);
	free(st.user);
	debug("%s: %s@%s port %d, %zu identity file(s)", host, h->user,
	    h->hostname, h->port, h->nidentity_files);
	return 0;
}
