/* Percent-encoding of the text fields of the data file and of the worker
 * protocol: a byte below 0x21 or above 0x7e, '%', or one of a caller's
 * extra bytes is written %XX (upper-case hex). */
#ifndef COVTRACE_COMMON_PCT_H
#define COVTRACE_COMMON_PCT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* The value of hex digit c (either case), or -1. */
int hex_digit(unsigned char c);
/* Whether c is written encoded (extra: more such bytes, or ""). */
bool pct_needs(unsigned char c, const char *extra);
/* Append s to b, encoded. */
void buf_add_pct(struct buf *b, const char *s, const char *extra);
/* Decode the n bytes at p into a new string in *outp; -1 (nothing
 * logged, *outp untouched) when a byte that needs encoding stands bare.
 * "%00" and a '%' without two hex digits after it stay as they are, and
 * so fail when '%' needs encoding. */
int pct_decode(const char *p, size_t n, const char *extra, char **outp);

#endif
