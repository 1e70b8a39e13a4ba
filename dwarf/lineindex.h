/* The index of a line table (struct linetab), built from its decoded rows
 * and laid out as one block, the same in memory and in the cache; inside
 * dwarf/ only. */
#ifndef COVTRACE_DWARF_LINEINDEX_H
#define COVTRACE_DWARF_LINEINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwarf/dwarf.h"

/* A statement row as decoded. */
struct linerow {
	uint64_t addr;	/* link-time address */
	uint32_t file;	/* index into linetab.files */
	uint32_t line;
};

/* The size of the block holding an index of these counts, a multiple of 8
 * bytes. */
size_t lineindex_size(size_t naddrs, size_t nlines, size_t nrefs);
/* Point the index arrays of lt, whose counts are set, into block (8-byte
 * aligned, lineindex_size() bytes). */
void lineindex_place(struct linetab *lt, const void *block);
/* Build the index of lt (in a new block, lt->index) from rows sorted by
 * address, file and line. */
void lineindex_build(struct linetab *lt, const struct linerow *rows,
    size_t nrows);
/* Whether the offset arrays of lt's index begin and end where they should.
 * This catches a block that does not belong to its counts; what lies in
 * between was built by lineindex_build and is vouched for by the cache
 * entry's hash, which a check of every entry would cost as much as. */
bool lineindex_valid(const struct linetab *lt);

#endif
