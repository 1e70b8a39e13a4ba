/* An ELF file opened for reading its line table (dwarf/ internal). */
#ifndef COVTRACE_DWARF_MODULE_H
#define COVTRACE_DWARF_MODULE_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>

struct xseg {
	uint64_t lo, hi;	/* [lo, hi) of an executable PT_LOAD */
};

struct module {
	const char *path;
	int fd;
	Elf *elf;
	Dwfl *dwfl;
	Dwfl_Module *dwmod;
	Dwarf *dw;		/* NULL when no debug info was found */
	Dwarf_Addr dwbias;	/* added by libdwfl to DWARF addresses */
	char build_id[41];
	bool build_id_cut;	/* longer than the 20 bytes kept */
	bool pie;
	uint64_t entry;
	size_t nxsegs;
	struct xseg xsegs[16];
};

/* Open path and its ELF headers; -1 (logged) when it is not an ELF file. */
int module_open(const char *path, struct module *mod);
/* Find the DWARF data, in the file or through debuglink and build-id,
 * loading libdw first; -1 (logged once) when libdw cannot be loaded, 0
 * otherwise, with mod->dw NULL when there is no DWARF. */
int module_find_dwarf(struct module *mod);
void module_close(struct module *mod);
/* Whether debug information for mod could be found now: the file has
 * DWARF sections, a separate debug file lies where libdwfl looks for one,
 * or debuginfod may be asked.  Then a cached "no line information" is not
 * to be trusted. */
bool module_debug_possible(const struct module *mod);
/* elf_map_vaddr() on an open module. */
int module_map_vaddr(struct module *mod, uint64_t vaddr, size_t len,
    void **mapp, size_t *maplenp, const uint8_t **datap);
/* Whether addr lies inside an executable segment. */
bool module_addr_exec(const struct module *mod, uint64_t addr);

#endif
