/* The on-disk cache of decoded line tables, keyed by build-id. */
#ifndef COVTRACE_DWARF_CACHE_H
#define COVTRACE_DWARF_CACHE_H

#include "dwarf/dwarf.h"

/* Load the entry for build_id; -1 when there is none or it is damaged (a
 * damaged entry is removed so that it is rebuilt). */
int cache_load(const char *dir, const char *build_id, struct linetab **tablep);
/* Store lt under its build-id; failures only cost speed, so they are quiet. */
void cache_store(const char *dir, const struct linetab *lt);

#endif
