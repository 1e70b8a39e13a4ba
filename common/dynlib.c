#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include "common/dynlib.h"
#include "common/log.h"

void *
dynlib_open(const char *soname, const char *prefix, const char *const *names,
    void **syms, size_t n)
{
	char name[128];
	void *handle;

	if ((handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		error("cannot load %s: %s", soname, dlerror());
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *why;

		snprintf(name, sizeof(name), "%s%s", prefix, names[i]);
		dlerror();
		if ((syms[i] = dlsym(handle, name)) != NULL)
			continue;
		why = dlerror();
		error("cannot load %s: %s", soname, why != NULL ? why : name);
		dlclose(handle);
		return NULL;
	}
	return handle;
}
