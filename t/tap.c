/* TAP output for the C unit tests. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t/tap.h"

static int planned = -1;
static int count;
static int failed;
static int saved_stderr = -1;
static FILE *capture_file;

void
plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Print text as diagnostics, one "# " line per line of text. */
static void
diag_text(const char *text)
{
	const char *nl;

	for (; *text != '\0'; text = nl + 1) {
		if ((nl = strchr(text, '\n')) == NULL) {
			printf("# %s\n", text);
			break;
		}
		printf("# %.*s\n", (int)(nl - text), text);
	}
}

static bool
vok(bool cond, const char *fmt, va_list ap)
{
	count++;
	if (!cond)
		failed++;
	printf("%sok %d - ", cond ? "" : "not ", count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

bool
ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

bool
is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	bool cond = got == want;

	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#   got: %lld\n#  want: %lld\n", got, want);
	return cond;
}

bool
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool cond;

	cond =
	    got != NULL && want != NULL ? strcmp(got, want) == 0 : got == want;
	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	if (!cond) {
		printf("#   got:\n");
		diag_text(got != NULL ? got : "(null)");
		printf("#  want:\n");
		diag_text(want != NULL ? want : "(null)");
	}
	return cond;
}

void
diag(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		text = NULL;
	va_end(ap);
	diag_text(text != NULL ? text : "(out of memory)");
	free(text);
}

void
skip_all(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(0);
}

int
done_testing(void)
{
	if (planned < 0)
		printf("1..%d\n", count);
	else if (planned != count) {
		printf("# planned %d tests but ran %d\n", planned, count);
		failed++;
	}
	if (failed > 0)
		printf("# failed %d of %d tests\n", failed, count);
	fflush(stdout);
	return failed > 0 ? 1 : 0;
}

void
capture_stderr(void)
{
	fflush(stderr);
	if (saved_stderr != -1 || (capture_file = tmpfile()) == NULL ||
	    (saved_stderr = dup(STDERR_FILENO)) == -1 ||
	    dup2(fileno(capture_file), STDERR_FILENO) == -1) {
		printf("Bail out! cannot capture stderr: %s\n",
		    strerror(errno));
		exit(1);
	}
}

char *
captured_stderr(void)
{
	struct stat st;
	char *text;
	int fd;

	fflush(stderr);
	if (saved_stderr == -1 || dup2(saved_stderr, STDERR_FILENO) == -1 ||
	    fstat((fd = fileno(capture_file)), &st) == -1 ||
	    (text = calloc(1, (size_t)st.st_size + 1)) == NULL) {
		printf("Bail out! cannot restore stderr\n");
		exit(1);
	}
	close(saved_stderr);
	saved_stderr = -1;
	if (pread(fd, text, (size_t)st.st_size, 0) != st.st_size)
		text[0] = '\0';
	fclose(capture_file);
	capture_file = NULL;
	return text;
}
