#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/pct.h"
#include "common/xalloc.h"

int
hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
pct_needs(unsigned char c, const char *extra)
{
	return c <= 0x20 || c >= 0x7f || c == '%' ||
	    (c != '\0' && strchr(extra, c) != NULL);
}

void
buf_add_pct(struct buf *b, const char *s, const char *extra)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (pct_needs(c, extra)) {
			buf_addch(b, '%');
			buf_addch(b, hex[c >> 4]);
			buf_addch(b, hex[c & 15]);
		} else {
			buf_addch(b, (char)c);
		}
	}
}

int
pct_decode(const char *p, size_t n, const char *extra, char **outp)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		int hi, lo;

		if (c == '%' && i + 2 < n &&
		    (hi = hex_digit((unsigned char)p[i + 1])) >= 0 &&
		    (lo = hex_digit((unsigned char)p[i + 2])) >= 0 &&
		    (hi | lo) != 0) {
			out[k++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (pct_needs(c, extra)) {
			free(out);
			return -1;
		} else {
			out[k++] = (char)c;
		}
	}
	out[k] = '\0';
	*outp = out;
	return 0;
}
