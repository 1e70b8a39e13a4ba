/* libssh2 through dlopen() (see dispatch/ssh-lib.h): the table of its
 * functions, filled once by the first SSH connection. */
#include "config.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "dispatch/ssh-lib.h"

/* Set once by ssh_lib_load() and only read after that, like the dynamic
 * linker's own tables; the handle is never closed. */
static struct {
	bool loaded;
	struct ssh_lib fns;
} lib;

/* The address of symbol name in handle, or NULL after logging why the
 * first missing one of a load is missing (*missingp says whether one was). */
static void *
lib_symbol(void *handle, const char *name, bool *missingp)
{
	void *p;

	dlerror();
	if ((p = dlsym(handle, name)) == NULL && !*missingp) {
		const char *why = dlerror();

		error("cannot load %s: %s", LIBSSH2_SONAME,
		    why != NULL ? why : name);
		*missingp = true;
	}
	return p;
}

int
ssh_lib_load(void)
{
	struct ssh_lib fns;
	bool missing = false;
	void *handle;

	if (lib.loaded)
		return 0;
	if ((handle = dlopen(LIBSSH2_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return error("cannot load %s: %s", LIBSSH2_SONAME, dlerror());
#define SSH_LIB_RESOLVE(name)                                                  \
	fns.name = (__typeof__(fns.name))lib_symbol(handle, "libssh2_" #name,  \
	    &missing);
	SSH_LIB_FUNCS(SSH_LIB_RESOLVE)
#undef SSH_LIB_RESOLVE
	if (missing) {
		dlclose(handle);
		return -1;
	}
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
