/* A growable byte buffer, always NUL-terminated (git's strbuf). */
#ifndef COVTRACE_COMMON_BUF_H
#define COVTRACE_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Hand the string to the caller, who frees it; b is empty afterwards. */
char *buf_detach(struct buf *b, size_t *lenp);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
/* buf_printf(b, "%u", v) without printf, which costs most of the time of
 * text with a number per line, such as a data file of millions of lines. */
void buf_add_u32(struct buf *b, uint32_t v);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
