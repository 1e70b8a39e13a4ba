#include "config.h"

#include <sys/utsname.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "common/buf.h"
#include "common/platform.h"

char *
platform_string(void)
{
	struct utsname u;
	struct buf b = BUF_INIT;

	if (uname(&u) == -1) {
		buf_addstr(&b, "unknown");
	} else {
		for (const char *s = u.sysname; *s != '\0'; s++)
			buf_addch(&b,
			    *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
		buf_printf(&b, " %s", u.machine);
	}
#ifdef __GLIBC__
	buf_printf(&b, ", glibc %s", gnu_get_libc_version());
#endif
	return buf_detach(&b, NULL);
}
