/* --tx specs (execnet's XSpec, stricter) and shell-like word splitting. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/buf.h"
#include "common/xalloc.h"
#include "dispatch/txspec.h"

/* Shell words. */

static void
words_add(char ***wordsp, size_t *np, struct buf *word)
{
	*wordsp = xreallocarray(*wordsp, *np + 2, sizeof(**wordsp));
	(*wordsp)[(*np)++] = buf_detach(word, NULL);
	(*wordsp)[*np] = NULL;
}

/* One double-quoted stretch starting after the quote; returns the position
 * after the closing quote, or NULL when there is none. */
static const char *
words_dquote(const char *p, struct buf *word)
{
	for (; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0' && strchr("\"\\$`\n", p[1])) {
			if (p[1] != '\n')
				buf_addch(word, p[1]);
			p++;
			continue;
		}
		buf_addch(word, *p);
	}
	return *p == '"' ? p + 1 : NULL;
}

int
words_split(const char *line, char ***wordsp, char *err, size_t errsize)
{
	struct buf word = BUF_INIT;
	char **words = xcalloc(1, sizeof(*words));
	size_t n = 0;
	bool in_word = false;
	const char *p = line, *q;

	*wordsp = NULL;
	while (*p != '\0') {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (in_word)
				words_add(&words, &n, &word);
			in_word = false;
			p++;
			continue;
		}
		in_word = true;
		if (*p == '\'') {
			if ((q = strchr(p + 1, '\'')) == NULL)
				goto unclosed;
			buf_add(&word, p + 1, (size_t)(q - p - 1));
			buf_grow(&word, 0);
			p = q + 1;
		} else if (*p == '"') {
			buf_grow(&word, 0);
			if ((p = words_dquote(p + 1, &word)) == NULL)
				goto unclosed;
		} else if (*p == '\\') {
			if (p[1] == '\0') {
				error_buf(err, errsize,
				    "a lone backslash ends '%s'", line);
				goto fail;
			}
			if (p[1] != '\n')
				buf_addch(&word, p[1]);
			p += 2;
		} else
			buf_addch(&word, *p++);
	}
	if (in_word)
		words_add(&words, &n, &word);
	*wordsp = words;
	return (int)n;
unclosed:
	error_buf(err, errsize, "unclosed quote in '%s'", line);
fail:
	buf_release(&word);
	words_free(words);
	return -1;
}

void
words_free(char **words)
{
	if (words == NULL)
		return;
	for (size_t i = 0; words[i] != NULL; i++)
		free(words[i]);
	free(words);
}

void
words_quote(struct buf *out, const char *word)
{
	if (word[0] != '\0' &&
	    strspn(word,
	        "abcdefghijklmnopqrstuvwxyz"
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	        "_-./=:,+@%") == strlen(word)) {
		buf_addstr(out, word);
		return;
	}
	buf_addch(out, '\'');
	for (; *word != '\0'; word++) {
		if (*word == '\'')
			buf_addstr(out, "'\\''");
		else
			buf_addch(out, *word);
	}
	buf_addch(out, '\'');
}

/* Specs. */

struct parse {
	const char *text;
	struct txspec *spec;
	char *err;
	size_t errsize;
};

static int spec_error(struct parse *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
spec_error(struct parse *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->errsize == 0)
		return -1;
	n = snprintf(ps->err, ps->errsize, "--tx '%s': ", ps->text);
	if (n < 0 || (size_t)n >= ps->errsize)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errsize - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A decimal number in [min, max], all of s. */
static bool
parse_int(const char *s, long min, long max, long *vp)
{
	char *end;
	long v;

	if (s[0] == '\0' || s[0] == ' ' || s[0] == '+')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*vp = v;
	return true;
}

/* "COUNT*": the count, and the rest of the spec after the star. */
static int
parse_count(struct parse *ps, const char *s, const char **restp)
{
	const char *star = strchr(s, '*');
	const char *slash = strstr(s, "//");
	char *num;
	long n;
	bool ok;

	ps->spec->count = 1;
	*restp = s;
	if (star == NULL || (slash != NULL && slash < star))
		return 0;
	num = xstrndup(s, (size_t)(star - s));
	ok = parse_int(num, 1, 4096, &n);
	if (!ok)
		spec_error(ps,
		    "the count in segment '%s*' must be a number "
		    "from 1 to 4096",
		    num);
	free(num);
	if (!ok)
		return -1;
	ps->spec->count = (unsigned)n;
	*restp = star + 1;
	return 0;
}

/* HOST, [HOST], HOST:PORT or [HOST]:PORT into spec. */
static int
parse_hostport(struct parse *ps, const char *seg, const char *s, bool port_ok)
{
	const char *colon;
	long port;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close == s + 1)
			return spec_error(ps, "bad host in segment '%s'", seg);
		ps->spec->host = xstrndup(s + 1, (size_t)(close - s - 1));
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] != '\0' && colon == NULL)
			return spec_error(ps, "bad host in segment '%s'", seg);
	} else {
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			return spec_error(ps,
			    "an IPv6 address needs brackets "
			    "in segment '%s'",
			    seg);
		ps->spec->host =
		    colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	}
	if (ps->spec->host[0] == '\0' || strpbrk(ps->spec->host, " \t@/"))
		return spec_error(ps, "bad host in segment '%s'", seg);
	if (colon == NULL)
		return 0;
	if (!port_ok)
		return spec_error(ps, "two ports in segment '%s'", seg);
	if (!parse_int(colon + 1, 1, 65535, &port))
		return spec_error(ps, "bad port '%s' in segment '%s'",
		    colon + 1, seg);
	ps->spec->port = (int)port;
	return 0;
}

/* [USER@]HOST[:PORT] */
static int
parse_target(struct parse *ps, const char *seg, const char *s, bool port_ok)
{
	const char *at = strrchr(s, '@');

	if (ps->spec->host != NULL)
		return spec_error(ps, "two hosts in segment '%s'", seg);
	if (at != NULL) {
		if (at == s || ps->spec->user != NULL)
			return spec_error(ps, "bad user in segment '%s'", seg);
		ps->spec->user = xstrndup(s, (size_t)(at - s));
		s = at + 1;
	}
	return parse_hostport(ps, seg, s, port_ok);
}

/* execnet's "-p PORT [-l USER] [USER@]HOST", options as ssh(1) takes
 * them (-pPORT too). */
static int
parse_ssh_words(struct parse *ps, const char *seg, char **w)
{
	long port;

	for (; *w != NULL; w++) {
		const char *arg;
		char opt;

		if ((*w)[0] != '-') {
			if (parse_target(ps, seg, *w, ps->spec->port == 0) ==
			    -1)
				return -1;
			continue;
		}
		opt = (*w)[1];
		if ((opt != 'p' && opt != 'l'))
			return spec_error(ps,
			    "unsupported ssh option '%s' in "
			    "segment '%s' (only -p and -l)",
			    *w, seg);
		arg = (*w)[2] != '\0' ? *w + 2 : *++w;
		if (arg == NULL)
			return spec_error(ps,
			    "option -%c needs a value in "
			    "segment '%s'",
			    opt, seg);
		if (opt == 'l') {
			if (ps->spec->user != NULL || arg[0] == '\0')
				return spec_error(ps,
				    "bad user in segment "
				    "'%s'",
				    seg);
			ps->spec->user = xstrdup(arg);
		} else if (ps->spec->port != 0 ||
		    !parse_int(arg, 1, 65535, &port))
			return spec_error(ps, "bad port '%s' in segment '%s'",
			    arg, seg);
		else
			ps->spec->port = (int)port;
	}
	if (ps->spec->host == NULL)
		return spec_error(ps, "no host in segment '%s'", seg);
	return 0;
}

/* The first segment: popen, or ssh=TARGET. */
static int
parse_transport(struct parse *ps, const char *seg)
{
	char **w = NULL;
	char werr[256];
	int r;

	if (strcmp(seg, "popen") == 0) {
		ps->spec->kind = TXSPEC_POPEN;
		return 0;
	}
	if (strncmp(seg, "ssh=", 4) != 0) {
		size_t n = strcspn(seg, "=");

		if (seg[0] == '\0')
			return spec_error(ps,
			    "empty segment where the "
			    "transport should be (popen or "
			    "ssh=HOST)");
		return spec_error(ps,
		    "unknown transport '%.*s' in segment "
		    "'%s' (expected popen or ssh=HOST)",
		    (int)n, seg, seg);
	}
	ps->spec->kind = TXSPEC_SSH;
	if (words_split(seg + 4, &w, werr, sizeof(werr)) == -1)
		return spec_error(ps, "%s", werr);
	if (w[0] == NULL)
		r = spec_error(ps, "no host in segment '%s'", seg);
	else if (w[1] == NULL && w[0][0] != '-')
		r = parse_target(ps, seg, w[0], true);
	else
		r = parse_ssh_words(ps, seg, w);
	words_free(w);
	return r;
}

static int
parse_env(struct parse *ps, const char *seg, const char *assign)
{
	const char *eq = strchr(assign, '=');
	struct txspec *spec = ps->spec;
	char *name;

	if (eq == NULL || eq == assign)
		return spec_error(ps, "segment '%s' needs env:NAME=VALUE", seg);
	name = xstrndup(assign, (size_t)(eq - assign));
	if (strspn(name,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789_") != strlen(name) ||
	    (name[0] >= '0' && name[0] <= '9')) {
		free(name);
		return spec_error(ps, "bad variable name in segment '%s'", seg);
	}
	for (size_t i = 0; i < spec->nenv; i++) {
		if (strcmp(spec->env[i].name, name) == 0) {
			free(name);
			return spec_error(ps, "duplicate key in segment '%s'",
			    seg);
		}
	}
	spec->env =
	    xreallocarray(spec->env, spec->nenv + 1, sizeof(*spec->env));
	spec->env[spec->nenv].name = name;
	spec->env[spec->nenv++].value = xstrdup(eq + 1);
	return 0;
}

static int
parse_covtrace(struct parse *ps, const char *seg, const char *value)
{
	char werr[256];
	int n = words_split(value, &ps->spec->covtrace, werr, sizeof(werr));

	if (n == -1)
		return spec_error(ps, "segment '%s': %s", seg, werr);
	if (n == 0)
		return spec_error(ps, "segment '%s' needs a command", seg);
	return 0;
}

static int
parse_key(struct parse *ps, const char *seg, const char *key, const char *value)
{
	struct txspec *spec = ps->spec;
	long n;

	if (strcmp(key, "chdir") == 0) {
		if (value[0] == '\0')
			return spec_error(ps, "segment '%s' needs a directory",
			    seg);
		spec->chdir = xstrdup(value);
		return 0;
	}
	if (strcmp(key, "covtrace") == 0 || strcmp(key, "python") == 0)
		return parse_covtrace(ps, seg, value);
	if (strcmp(key, "id") == 0) {
		if (value[0] == '\0' || strpbrk(value, " \t\n[]") != NULL)
			return spec_error(ps, "bad worker id in segment '%s'",
			    seg);
		spec->id = xstrdup(value);
		return 0;
	}
	if (strcmp(key, "nice") == 0) {
		if (!parse_int(value, -20, 19, &n))
			return spec_error(ps,
			    "segment '%s' needs a number "
			    "from -20 to 19",
			    seg);
		spec->nice = (int)n;
		spec->nice_set = true;
		return 0;
	}
	return spec_error(ps,
	    "unknown key '%s' in segment '%s' (expected "
	    "chdir, covtrace, env:NAME, id or nice)",
	    key, seg);
}

/* Whether key (python counts as covtrace) was given before. */
static bool
key_given(const struct txspec *spec, const char *key)
{
	if (strcmp(key, "chdir") == 0)
		return spec->chdir != NULL;
	if (strcmp(key, "covtrace") == 0 || strcmp(key, "python") == 0)
		return spec->covtrace != NULL;
	if (strcmp(key, "id") == 0)
		return spec->id != NULL;
	if (strcmp(key, "nice") == 0)
		return spec->nice_set;
	return false;
}

/* One //KEY=VALUE segment. */
static int
parse_segment(struct parse *ps, const char *seg)
{
	const char *eq = strchr(seg, '=');
	char *key;
	int r;

	if (seg[0] == '\0')
		return spec_error(ps, "empty segment (a '//' too many)");
	if (strncmp(seg, "env:", 4) == 0)
		return parse_env(ps, seg, seg + 4);
	if (eq == NULL)
		return spec_error(ps, "segment '%s' needs KEY=VALUE", seg);
	key = xstrndup(seg, (size_t)(eq - seg));
	if (key_given(ps->spec, key))
		r = spec_error(ps, "duplicate key in segment '%s'", seg);
	else
		r = parse_key(ps, seg, key, eq + 1);
	free(key);
	return r;
}

int
txspec_parse(const char *text, struct txspec *spec, char *err, size_t errsize)
{
	struct parse ps = {text, spec, err, errsize};
	const char *p;
	char *seg;
	int r;

	memset(spec, 0, sizeof(*spec));
	spec->text = xstrdup(text);
	if (parse_count(&ps, text, &p) == -1)
		goto fail;
	for (bool first = true;; first = false) {
		const char *end = strstr(p, "//");
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		seg = xstrndup(p, n);
		r = first ? parse_transport(&ps, seg) : parse_segment(&ps, seg);
		free(seg);
		if (r == -1)
			goto fail;
		if (end == NULL)
			break;
		p = end + 2;
	}
	if (spec->id != NULL && spec->count > 1) {
		spec_error(&ps, "//id= names one worker, not %u", spec->count);
		goto fail;
	}
	return 0;
fail:
	txspec_release(spec);
	return -1;
}

void
txspec_release(struct txspec *spec)
{
	free(spec->text);
	free(spec->user);
	free(spec->host);
	free(spec->chdir);
	words_free(spec->covtrace);
	for (size_t i = 0; i < spec->nenv; i++) {
		free(spec->env[i].name);
		free(spec->env[i].value);
	}
	free(spec->env);
	free(spec->id);
	memset(spec, 0, sizeof(*spec));
}

char **
txspec_worker_argv(const struct txspec *spec, const char *default_cmd)
{
	size_t n = 0;
	char **argv;

	if (spec->covtrace != NULL)
		while (spec->covtrace[n] != NULL)
			n++;
	argv = xcalloc(n + 3, sizeof(*argv));
	if (spec->covtrace != NULL)
		for (size_t i = 0; i < n; i++)
			argv[i] = xstrdup(spec->covtrace[i]);
	else
		argv[n++] = xstrdup(default_cmd);
	argv[n++] = xstrdup("--worker");
	return argv;
}

char *
txspec_worker_cmdline(const struct txspec *spec, const char *default_cmd)
{
	char **argv = txspec_worker_argv(spec, default_cmd);
	struct buf b = BUF_INIT;

	for (size_t i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			buf_addch(&b, ' ');
		words_quote(&b, argv[i]);
	}
	words_free(argv);
	return buf_detach(&b, NULL);
}
