/*
 * --tx specs: where and how a worker runs, in a strict superset of
 * execnet's XSpec grammar (covtrace(1), OPTIONS, --tx):
 *
 *	[COUNT*]popen[//KEY=VALUE]...
 *	[COUNT*]ssh=[USER@]HOST[:PORT][//KEY=VALUE]...
 *	[COUNT*]ssh=-p PORT [-l USER] [USER@]HOST[//KEY=VALUE]...
 *
 * with the keys chdir=DIR, covtrace=CMD (python=CMD is an alias),
 * env:NAME=VALUE (repeatable with different names), id=NAME and nice=N.
 * Unknown transports and keys, empty segments, duplicate keys and a COUNT
 * that is not a positive number are errors that quote the segment.
 *
 * This header is part of dispatch/'s public interface: dispatch/dispatch.h
 * includes it.
 */
#ifndef COVTRACE_DISPATCH_TXSPEC_H
#define COVTRACE_DISPATCH_TXSPEC_H

#include <stdbool.h>
#include <stddef.h>

enum txspec_kind {
	TXSPEC_POPEN, /* a local process */
	TXSPEC_SSH, /* a libssh2 exec channel */
};

struct txspec_env {
	char *name;
	char *value;
};

struct txspec {
	enum txspec_kind kind;
	char *text; /* the spec as given, for messages */
	unsigned count; /* COUNT*: how many workers it stands for */
	/* ssh= only; NULL or 0 when not given. */
	char *user;
	char *host; /* a name or an address, without [ ] */
	int port;
	/* The keys; NULL when not given. */
	char *chdir;
	char **covtrace; /* //covtrace= split as a shell would */
	struct txspec_env *env; /* in the order given */
	size_t nenv;
	char *id; /* //id=NAME: the worker's id (COUNT must be 1) */
	bool nice_set;
	int nice; /* //nice=N, -20 to 19 */
};

/* Parse one --tx argument into spec.  Returns 0, or -1 with a one-line
 * message in err (nothing logged): "--tx 'popen//foo=1': unknown key
 * 'foo' in segment 'foo=1'".  spec is cleared either way. */
int txspec_parse(const char *text, struct txspec *spec, char *err,
    size_t errsize);
void txspec_release(struct txspec *spec);

/* The worker's command: the spec's //covtrace= words, else default_cmd
 * (a program path, one word), then "--worker".  NULL-terminated; free it
 * with words_free. */
char **txspec_worker_argv(const struct txspec *spec, const char *default_cmd);
/* The same as one shell command line (each word shell-quoted), for an SSH
 * exec channel; the caller frees it. */
char *txspec_worker_cmdline(const struct txspec *spec, const char *default_cmd);

/* Split line into words as a POSIX shell would, without any expansion:
 * blanks separate words; '...' keeps everything; "..." keeps everything
 * but \" \\ \$ \` and \newline; \c outside quotes is c.  *wordsp gets a
 * NULL-terminated array (free it with words_free), maybe empty.  Returns
 * the number of words, or -1 with a message in err when a quote is not
 * closed or the line ends in a lone backslash. */
int words_split(const char *line, char ***wordsp, char *err, size_t errsize);
void words_free(char **words);
/* Append word to a buffer shell-quoted, so that words_split gives it back. */
struct buf;
void words_quote(struct buf *out, const char *word);

#endif
