/* ELF and DWARF in, line tables out.  Knows nothing about processes. */
#ifndef COVTRACE_DWARF_DWARF_H
#define COVTRACE_DWARF_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A statement line: a source file and a line number. */
struct linepos {
	uint32_t file;	/* index into linetab.files */
	uint32_t line;
};

/* A function with code: a DWARF subprogram with an entry point. */
struct linefunc {
	uint64_t addr;		/* entry point, link-time */
	uint64_t end;		/* end of the range holding the entry point */
	uint32_t file;		/* index into linetab.files (declaring file) */
	uint32_t line;		/* line of the declaration (the definition) */
	uint32_t name;		/* offset into linetab.names */
	uint32_t pad;
};

/* The statement rows of one ELF image that are safe to arm (is_stmt, not an
 * end_sequence, line > 0, inside an executable PT_LOAD segment and a known
 * function), as an index ready for the tracer: the distinct lines, the
 * distinct addresses and the maps between them, as compressed rows.  The
 * cache holds it in this form, so that a cached table is used in place. */
struct linetab {
	char build_id[41];	/* lowercase hex, "" when the file has none */
	bool pie;		/* ET_DYN */
	uint64_t entry;		/* e_entry */
	bool has_debug;		/* a DWARF line table was found */
	size_t nfiles;
	char **files;		/* normalized source paths */
	char *files_block;	/* when the paths lie in one block (read
				 * from the cache), that block */
	size_t nlines;
	const struct linepos *lines;	 /* sorted by file and line; a line's
					  * id is its index */
	size_t naddrs;
	const uint64_t *addrs;		 /* link-time addresses, ascending */
	size_t nrefs;			 /* (address, line) pairs */
	const uint32_t *addr_line_start; /* naddrs + 1 offsets into
					  * addr_lines */
	const uint32_t *addr_lines;	 /* line ids per address, ascending */
	const uint32_t *line_addr_start; /* nlines + 1 offsets into
					  * line_addrs */
	const uint32_t *line_addrs;	 /* address indices per line,
					  * ascending */
	uint64_t rows_skipped;	/* rows refused as unsafe or invalid */
	bool rows_elided;	/* no wanted file: the index and the functions
				 * were left in the cache */
	size_t nfuncs;
	struct linefunc *funcs;	/* sorted by address */
	size_t names_len;
	char *names;		/* NUL-terminated function names */
	void *index;		/* the block holding the index, when decoded */
	/* The file's bytes of [addrs[0], addrs[naddrs - 1]], as the loader
	 * maps them: a private mapping of text_map_len bytes at text_map
	 * (NULL when not mapped), for whoever takes it over. */
	const uint8_t *text;
	void *text_map;
	size_t text_map_len;
	void *map;		/* when the index, funcs and names lie in a
				 * mapped cache entry */
	size_t map_len;
};

struct linetab_opts {
	bool no_cache;		/* neither read nor write the on-disk cache */
	const char *cache_dir;	/* NULL: $XDG_CACHE_HOME/covtrace or ~/.cache/covtrace */
	/* Which source files the caller wants rows for (NULL: all). */
	bool (*want_file)(void *ctx, const char *path);
	void *want_ctx;
};

/* Load the line table of the ELF file at path (from the cache when it holds
 * this build-id).  Returns 0, or -1 (logged) when the file is not a usable
 * ELF file.  A file without line information gives has_debug == false. */
int linetab_load(const char *path, const struct linetab_opts *opts,
    struct linetab **tablep);
void linetab_free(struct linetab *lt);

/* The values of the n named symbols in the ELF file at path (from its
 * dynamic symbol table, else its symbol table), opened once; -1 when one
 * of them is missing. */
int elf_symbol_values(const char *path, const char *const *names,
    uint64_t *values, size_t n);

/* Read len bytes of the file image of the ELF file at path at link-time
 * address vaddr, as the loader maps them; -1 when they do not lie in one
 * loadable segment or the file has text relocations (then the code in
 * memory differs from the file). */
int elf_read_vaddr(const char *path, uint64_t vaddr, void *buf, size_t len);
/* The same bytes as a read-only private mapping of the file: *datap points
 * at vaddr inside the mapping *mapp of *maplenp bytes (munmap it). */
int elf_map_vaddr(const char *path, uint64_t vaddr, size_t len, void **mapp,
    size_t *maplenp, const uint8_t **datap);

/* Normalize a path lexically: collapse "//", "/./" and "dir/..". */
char *path_normalize(const char *path);

#endif
