#include "config.h"

#include <string.h>

#include "common/xalloc.h"
#include "dwarf/dwarf.h"

/* Drop the last component of the normalized prefix out[0..*lenp). */
static void
pop_component(char *out, size_t *lenp, bool absolute)
{
	size_t len = *lenp;

	while (len > 0 && out[len - 1] != '/')
		len--;
	if (len > 0 && !(absolute && len == 1))
		len--;
	*lenp = len;
}

char *
path_normalize(const char *path)
{
	bool absolute = path[0] == '/';
	size_t n = strlen(path), len = 0, depth = 0;
	char *out = xmalloc(n + 2);
	const char *p = path;

	if (absolute)
		out[len++] = '/';
	while (*p != '\0') {
		const char *e = strchr(p, '/');
		size_t clen = e ? (size_t)(e - p) : strlen(p);

		if (clen == 0 || (clen == 1 && p[0] == '.')) {
			/* Skip empty and "." components. */
		} else if (clen == 2 && p[0] == '.' && p[1] == '.' &&
		    depth > 0) {
			pop_component(out, &len, absolute);
			depth--;
		} else if (clen == 2 && p[0] == '.' && p[1] == '.' &&
		    absolute) {
			/* "/.." is "/". */
		} else {
			if (len > 0 && out[len - 1] != '/')
				out[len++] = '/';
			memcpy(out + len, p, clen);
			len += clen;
			if (!(clen == 2 && p[0] == '.' && p[1] == '.'))
				depth++;
		}
		p += clen;
		if (*p == '/')
			p++;
	}
	if (len == 0)
		out[len++] = '.';
	out[len] = '\0';
	return out;
}
