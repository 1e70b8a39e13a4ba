/* The images a run has seen, with their line tables and breakpoints
 * (dispatch/ internal). */
#ifndef COVTRACE_DISPATCH_IMAGE_H
#define COVTRACE_DISPATCH_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "dispatch/select.h"
#include "dwarf/dwarf.h"
#include "tracer/tracer.h"

struct image {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
	struct linetab *lt;	/* NULL when the file could not be read */
	struct image *same;	/* an earlier image with the same build-id */
	bool measured;		/* bp holds selected lines */
	struct bp_image bp;
	const struct linepos *lines; /* per line id of bp */
	/* The tables of bp when only some files of the line table are
	 * selected; else bp uses the line table's index as it is. */
	struct {
		struct linepos *lines;
		uint64_t *addrs;
		uint32_t *addr_line_start, *addr_lines;
		uint32_t *line_addr_start, *line_addrs;
	} own;
};

struct image_set {
	size_t n;
	struct image **v;
	struct selection sel;
	struct linetab_opts ltopts;
	bool first_without_lines;	/* the program itself has no lines */
};

void image_set_init(struct image_set *set);
void image_set_release(struct image_set *set);
/* The image for the file at path, loaded and built on first sight. */
struct image *image_set_get(struct image_set *set, const char *path);

#endif
