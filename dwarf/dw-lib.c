/* libdw through dlopen() (see dwarf/dw-lib.h): the table of its functions,
 * filled once by the first line table that is decoded. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#include "common/dynlib.h"
#include "common/log.h"
#include "dwarf/dw-lib.h"

/* Set once by dw_lib_load() and only read after that, like the dynamic
 * linker's own tables; the handle is never closed.  A library that could
 * not be loaded is not tried again, so that the error is one line. */
static struct {
	bool loaded, failed;
	char *debuginfo_path;
	struct dw_lib fns;
} lib;

#define DW_LIB_NAME(name) #name,
static const char *const names[] = { DW_LIB_FUNCS(DW_LIB_NAME) };
#undef DW_LIB_NAME

int
dw_lib_load(void)
{
	void *syms[sizeof(names) / sizeof(names[0])];
	struct dw_lib *fns = &lib.fns;
	size_t i = 0;

	if (lib.loaded)
		return 0;
	if (lib.failed || dynlib_open(LIBDW_SONAME, "", names, syms,
			      sizeof(syms) / sizeof(syms[0])) == NULL) {
		lib.failed = true;
		return -1;
	}
#define DW_LIB_SET(name) fns->p_##name = (__typeof__(fns->p_##name))syms[i++];
	DW_LIB_FUNCS(DW_LIB_SET)
#undef DW_LIB_SET
	fns->offline_callbacks = (Dwfl_Callbacks){
		.find_elf = fns->p_dwfl_build_id_find_elf,
		.find_debuginfo = fns->p_dwfl_standard_find_debuginfo,
		.section_address = fns->p_dwfl_offline_section_address,
		.debuginfo_path = &lib.debuginfo_path,
	};
	lib.loaded = true;
	return 0;
}

const struct dw_lib *
dw_lib_get(void)
{
	if (!lib.loaded)
		BUG("libdw called before dw_lib_load()");
	return &lib.fns;
}
