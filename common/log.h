/* Messages to stderr: fatal, error, warning, verbose (-v) and debug (-vv). */
#ifndef COVTRACE_COMMON_LOG_H
#define COVTRACE_COMMON_LOG_H

#include <stddef.h>
#include <stdnoreturn.h>

enum log_level {
	LOG_QUIET = -1,
	LOG_NORMAL = 0,
	LOG_VERBOSE = 1,
	LOG_DEBUG = 2,
};

/* The level below which verbose() and debug() print nothing. */
void log_set_level(int level);
int log_get_level(void);

/* Print "covtrace: MSG" and exit with status 2. */
noreturn void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* The same, with ": strerror(errno)" appended. */
noreturn void fatal_errno(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Print "covtrace: MSG" and return -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Format a message into err (errsize bytes; nothing when 0) for the caller
 * to report, and return -1: for parsers that say what is wrong without
 * printing it. */
int error_buf(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Print "covtrace: warning: MSG" unless -q was given. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "covtrace: MSG" with -v. */
void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "covtrace: debug: MSG" with -vv. */
void debug_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report an impossible state and abort. */
noreturn void bug_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define debug(fmt, ...)                                                        \
	do {                                                                   \
		if (log_get_level() >= LOG_DEBUG)                              \
			debug_msg("%s: " fmt, __func__, ##__VA_ARGS__);        \
	} while (0)
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
