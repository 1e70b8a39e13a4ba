#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char *s;

	buf_grow(b, 0);
	s = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	buf_init(b);
	return s;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need < b->len)
		fatal("buffer size overflows");
	if (need > b->alloc) {
		size_t n = b->alloc ? b->alloc : 64;

		while (n < need)
			n *= 2;
		b->data = xreallocarray(b->data, n, 1);
		b->alloc = n;
		b->data[b->len] = '\0';
	}
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	buf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_add_u32(struct buf *b, uint32_t v)
{
	char digits[10];
	size_t n = 0;

	do {
		digits[sizeof(digits) - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_add(b, digits + sizeof(digits) - n, n);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	buf_grow(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->alloc - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		BUG("vsnprintf failed");
	if ((size_t)n >= b->alloc - b->len) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, b->alloc - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}
