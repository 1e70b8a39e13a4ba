/* TAP output for the C unit tests (git's t/unit-tests/test-lib.h idea). */
#ifndef COVTRACE_T_TAP_H
#define COVTRACE_T_TAP_H

#include <stdbool.h>
#include <stdnoreturn.h>

/* Announce n tests ("1..n"); without a plan, done_testing prints one. */
void plan(int n);
/* Report one test; returns cond so that callers can add diagnostics. */
bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Compare and report, showing both values on failure. */
bool is_int(long long got, long long want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Print a "# " diagnostic line (or lines) on stdout. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Skip the whole test program: "1..0 # SKIP reason", exit 0.  Under
 * automake's tap-driver.sh exit status 77 would count as an error. */
noreturn void skip_all(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Print the plan if none was given; the exit status for main(). */
int done_testing(void);

/* Send stderr to a temporary file until captured_stderr(), which returns
 * what was written (the caller frees it). */
void capture_stderr(void);
char *captured_stderr(void);

#endif
