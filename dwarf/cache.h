/* The on-disk cache of decoded line tables, keyed by build-id. */
#ifndef COVTRACE_DWARF_CACHE_H
#define COVTRACE_DWARF_CACHE_H

#include "dwarf/dwarf.h"

/* Load the entry for build_id; -1 when there is none or it is damaged (a
 * damaged entry is removed so that it is rebuilt).  When opts->want_file
 * wants none of its files, the rows are not read (rows_elided). */
int cache_load(const struct linetab_opts *opts, const char *build_id,
    struct linetab **tablep);
/* Store lt under its build-id; failures only cost speed, so they are quiet. */
void cache_store(const char *dir, const struct linetab *lt);

#endif
