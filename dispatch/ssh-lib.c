/* libssh2 through dlopen() (see dispatch/ssh-lib.h): the table of its
 * functions, filled once by the first SSH connection. */
#include "config.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/dynlib.h"
#include "common/log.h"
#include "dispatch/ssh-lib.h"

/* Set once by ssh_lib_load() and only read after that, like the dynamic
 * linker's own tables; the handle is never closed. */
static struct {
	bool loaded;
	struct ssh_lib fns;
} lib;

#define SSH_LIB_NAME(name) #name,
static const char *const names[] = { SSH_LIB_FUNCS(SSH_LIB_NAME) };
#undef SSH_LIB_NAME

int
ssh_lib_load(void)
{
	void *syms[sizeof(names) / sizeof(names[0])];
	struct ssh_lib fns;
	size_t i = 0;
	void *handle;

	if (lib.loaded)
		return 0;
	if ((handle = dynlib_open(LIBSSH2_SONAME, "libssh2_", names, syms,
		 sizeof(syms) / sizeof(syms[0]))) == NULL)
		return -1;
#define SSH_LIB_SET(name) fns.name = (__typeof__(fns.name))syms[i++];
	SSH_LIB_FUNCS(SSH_LIB_SET)
#undef SSH_LIB_SET
	if (fns.init(0) != 0) {
		dlclose(handle);
		return error("cannot initialize %s", LIBSSH2_SONAME);
	}
	lib.fns = fns;
	lib.loaded = true;
	return 0;
}

const struct ssh_lib *
ssh_lib_get(void)
{
	if (!lib.loaded)
		BUG("libssh2 called before ssh_lib_load()");
	return &lib.fns;
}
