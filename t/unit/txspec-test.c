/* --tx spec grammar and shell-like word splitting (dispatch/txspec.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "dispatch/txspec.h"
#include "t/tap.h"

static void
good(const char *text, void (*check)(const struct txspec *, const char *))
{
	struct txspec spec;
	char err[512];

	if (!ok(txspec_parse(text, &spec, err, sizeof(err)) == 0, "'%s' parses",
	        text)) {
		diag("%s", err);
		return;
	}
	if (check != NULL)
		check(&spec, text);
	txspec_release(&spec);
}

/* The spec is refused with a message containing want. */
static void
bad(const char *text, const char *want)
{
	struct txspec spec;
	char err[512] = "";
	int r = txspec_parse(text, &spec, err, sizeof(err));

	ok(r == -1, "'%s' is refused", text);
	if (!ok(strstr(err, want) != NULL, "... saying '%s'", want))
		diag("got: %s", err);
}

static void
check_popen(const struct txspec *s, const char *text)
{
	is_int(s->kind, TXSPEC_POPEN, "%s: popen", text);
	is_int(s->count, 1, "%s: count 1", text);
	ok(s->chdir == NULL && s->covtrace == NULL && s->nenv == 0 &&
	        s->id == NULL && !s->nice_set,
	    "%s: no keys", text);
}

static void
check_popen_keys(const struct txspec *s, const char *text)
{
	is_int(s->count, 3, "%s: count 3", text);
	is_str(s->chdir, "/tmp/env 3", "%s: chdir", text);
	is_int(s->nenv, 2, "%s: two env keys", text);
	is_str(s->env[0].name, "A", "%s: env name", text);
	is_str(s->env[0].value, "1=2", "%s: env value keeps '='", text);
	is_str(s->env[1].value, "", "%s: empty env value", text);
	ok(s->nice_set && s->nice == -5, "%s: nice -5", text);
	ok(s->covtrace != NULL && strcmp(s->covtrace[0], "docker") == 0 &&
	        strcmp(s->covtrace[3], "my box") == 0 && s->covtrace[5] == NULL,
	    "%s: covtrace split as a shell would", text);
}

static void
check_python(const struct txspec *s, const char *text)
{
	ok(s->covtrace != NULL && strcmp(s->covtrace[0], "/opt/ct") == 0,
	    "%s: python= is covtrace=", text);
	is_str(s->id, "box", "%s: id", text);
}

static void
check_ssh_plain(const struct txspec *s, const char *text)
{
	is_int(s->kind, TXSPEC_SSH, "%s: ssh", text);
	ok(s->user == NULL, "%s: no user", text);
	is_str(s->host, "buildbox", "%s: host", text);
	is_int(s->port, 0, "%s: no port", text);
}

static void
check_ssh_full(const struct txspec *s, const char *text)
{
	is_str(s->user, "me", "%s: user", text);
	is_str(s->host, "host1", "%s: host", text);
	is_int(s->port, 2222, "%s: port", text);
	is_str(s->chdir, "testenv1", "%s: chdir", text);
}

static void
check_ssh_v6(const struct txspec *s, const char *text)
{
	is_str(s->host, "::1", "%s: IPv6 host without brackets", text);
	is_int(s->port, 22, "%s: port", text);
}

static void
check_ssh_count(const struct txspec *s, const char *text)
{
	is_int(s->count, 2, "%s: count", text);
	is_str(s->host, "h", "%s: host", text);
}

static void
test_specs(void)
{
	good("popen", check_popen);
	good("3*popen//chdir=/tmp/env 3//env:A=1=2//env:B=//nice=-5"
	     "//covtrace=docker exec -i 'my box' covtrace",
	    check_popen_keys);
	good("popen//python=/opt/ct//id=box", check_python);
	good("ssh=buildbox", check_ssh_plain);
	good("ssh=me@host1:2222//chdir=testenv1", check_ssh_full);
	good("ssh=-p 2222 me@host1//chdir=testenv1", check_ssh_full);
	good("ssh=-p2222 -l me host1//chdir=testenv1", check_ssh_full);
	good("ssh=[::1]:22", check_ssh_v6);
	good("2*ssh=h", check_ssh_count);

	bad("popen//", "empty segment");
	bad("popen////chdir=x", "empty segment");
	bad("", "empty segment where the transport should be");
	bad("socket=192.168.1.1:8888", "unknown transport 'socket'");
	bad("popen//foo=1", "unknown key 'foo' in segment 'foo=1'");
	bad("popen//dont_write_bytecode",
	    "segment 'dont_write_bytecode' "
	    "needs KEY=VALUE");
	bad("popen//chdir=a//chdir=b", "duplicate key in segment 'chdir=b'");
	bad("popen//python=a//covtrace=b",
	    "duplicate key in segment "
	    "'covtrace=b'");
	bad("popen//env:X=1//env:X=2", "duplicate key in segment 'env:X=2'");
	bad("0*popen", "count in segment '0*'");
	bad("-1*popen", "count in segment '-1*'");
	bad("x*popen", "count in segment 'x*'");
	bad("popen//nice=20", "segment 'nice=20' needs a number");
	bad("popen//covtrace='unclosed", "unclosed quote");
	bad("popen//covtrace=", "segment 'covtrace=' needs a command");
	bad("2*popen//id=a", "//id= names one worker");
	bad("popen//env:1X=2", "bad variable name in segment 'env:1X=2'");
	bad("ssh=", "no host in segment 'ssh='");
	bad("ssh=h:0", "bad port '0'");
	bad("ssh=h:99999", "bad port '99999'");
	bad("ssh=-i key h", "unsupported ssh option '-i'");
	bad("ssh=-p h", "bad port 'h'");
	bad("ssh=::1", "IPv6 address needs brackets");
	bad("ssh=a b", "two hosts");
	bad("ssh=@h", "bad user");
	bad("popen=x", "unknown transport 'popen'");
}

/* words_split gives want (words joined by '|'). */
static void
split_is(const char *line, int nwant, const char *want)
{
	char **w, err[256];
	struct buf b = BUF_INIT;
	int n = words_split(line, &w, err, sizeof(err));

	if (!is_int(n, nwant, "'%s' is %d words", line, nwant) || n < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(&b, '|');
		buf_addstr(&b, w[i]);
	}
	is_str(b.data != NULL ? b.data : "", want, "'%s' splits right", line);
	buf_release(&b);
	words_free(w);
}

static void
test_words(void)
{
	char **w, err[256];
	struct buf b = BUF_INIT;

	split_is("", 0, "");
	split_is("  a   b\tc ", 3, "a|b|c");
	split_is("'a b' \"c d\" e\\ f", 3, "a b|c d|e f");
	split_is("'' \"\" x", 3, "||x");
	split_is("a'b'\"c\"d", 1, "abcd");
	split_is("\"a \\\" \\\\ \\$ \\x\"", 1, "a \" \\ $ \\x");
	split_is("'it'\\''s'", 1, "it's");
	split_is("$HOME *", 2, "$HOME|*");
	ok(words_split("'open", &w, err, sizeof(err)) == -1 &&
	        strstr(err, "unclosed quote") != NULL,
	    "an unclosed quote is refused");
	ok(words_split("a\\", &w, err, sizeof(err)) == -1 &&
	        strstr(err, "lone backslash") != NULL,
	    "a lone backslash is refused");

	words_quote(&b, "it's a \"test\"");
	buf_addch(&b, ' ');
	words_quote(&b, "");
	buf_addch(&b, ' ');
	words_quote(&b, "plain/path-1.sh");
	split_is(b.data, 3, "it's a \"test\"||plain/path-1.sh");
	buf_release(&b);
}

static void
test_worker_argv(void)
{
	struct txspec spec;
	char err[256], **argv, *line;

	txspec_parse("popen", &spec, err, sizeof(err));
	argv = txspec_worker_argv(&spec, "/usr/bin/covtrace");
	ok(strcmp(argv[0], "/usr/bin/covtrace") == 0 &&
	        strcmp(argv[1], "--worker") == 0 && argv[2] == NULL,
	    "the default worker command");
	words_free(argv);
	txspec_release(&spec);

	txspec_parse("popen//covtrace=kubectl exec -i 'pod 1' -- covtrace",
	    &spec, err, sizeof(err));
	argv = txspec_worker_argv(&spec, "/usr/bin/covtrace");
	ok(strcmp(argv[0], "kubectl") == 0 && strcmp(argv[3], "pod 1") == 0 &&
	        strcmp(argv[6], "--worker") == 0 && argv[7] == NULL,
	    "a //covtrace= launcher gets --worker appended");
	words_free(argv);
	line = txspec_worker_cmdline(&spec, "covtrace");
	is_str(line, "kubectl exec -i 'pod 1' -- covtrace --worker",
	    "the command line for an exec channel");
	free(line);
	txspec_release(&spec);
}

int
main(void)
{
	test_specs();
	test_words();
	test_worker_argv();
	return done_testing();
}
