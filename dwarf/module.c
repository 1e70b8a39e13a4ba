#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "dwarf/dw-lib.h"
#include "dwarf/dwarf.h"
#include "dwarf/module.h"

/* The descriptor of the NT_GNU_BUILD_ID note in notes, or NULL. */
static const unsigned char *
find_build_id(Elf_Data *notes, size_t *lenp)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (notes == NULL || notes->d_buf == NULL)
		return NULL;
	while (off < notes->d_size &&
	    (off = gelf_getnote(notes, off, &nh, &name_off, &desc_off)) > 0)
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_descsz > 0 &&
		    nh.n_namesz == sizeof("GNU") &&
		    memcmp((const char *)notes->d_buf + name_off, "GNU",
			sizeof("GNU")) == 0) {
			*lenp = nh.n_descsz;
			return (const unsigned char *)notes->d_buf + desc_off;
		}
	return NULL;
}

/* The build-id note, read as libdwelf's dwelf_elf_gnu_build_id() reads
 * it (libdw is not loaded for a cached line table): from the SHT_NOTE
 * sections, or from the PT_NOTE segments of a file without sections. */
static const unsigned char *
elf_build_id(Elf *elf, size_t *lenp)
{
	const unsigned char *id = NULL;
	Elf_Scn *scn = NULL;
	size_t nph;

	if ((scn = elf_nextscn(elf, NULL)) != NULL) {
		for (; scn != NULL && id == NULL; scn = elf_nextscn(elf, scn)) {
			GElf_Shdr sh;

			if (gelf_getshdr(scn, &sh) != NULL &&
			    sh.sh_type == SHT_NOTE)
				id = find_build_id(elf_getdata(scn, NULL), lenp);
		}
		return id;
	}
	if (elf_getphdrnum(elf, &nph) != 0)
		return NULL;
	for (size_t i = 0; i < nph && id == NULL; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) == NULL ||
		    ph.p_type != PT_NOTE)
			continue;
		id = find_build_id(elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
		    ph.p_filesz, ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR),
		    lenp);
	}
	return id;
}

static void
read_build_id(struct module *mod)
{
	const unsigned char *id;
	size_t n = 0;

	mod->build_id[0] = '\0';
	if ((id = elf_build_id(mod->elf, &n)) == NULL || n == 0)
		return;
	if (n > 20) {
		mod->build_id_cut = true;
		n = 20;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(mod->build_id + 2 * i, 3, "%02x", id[i]);
}

static int
read_segments(struct module *mod)
{
	size_t nph;

	if (elf_getphdrnum(mod->elf, &nph) != 0)
		return error("cannot read program headers of '%s': %s",
		    mod->path, elf_errmsg(-1));
	mod->nxsegs = 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(mod->elf, (int)i, &ph) == NULL)
			continue;
		if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0)
			continue;
		if (mod->nxsegs == sizeof(mod->xsegs) / sizeof(mod->xsegs[0]))
			break;
		mod->xsegs[mod->nxsegs].lo = ph.p_vaddr;
		mod->xsegs[mod->nxsegs].hi = ph.p_vaddr + ph.p_memsz;
		mod->nxsegs++;
	}
	return 0;
}

int
module_open(const char *path, struct module *mod)
{
	GElf_Ehdr eh;

	memset(mod, 0, sizeof(*mod));
	mod->path = path;
	mod->fd = -1;
	elf_version(EV_CURRENT);
	if ((mod->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return error_errno("cannot open '%s'", path);
	mod->elf = elf_begin(mod->fd, ELF_C_READ_MMAP, NULL);
	if (mod->elf == NULL || elf_kind(mod->elf) != ELF_K_ELF ||
	    gelf_getehdr(mod->elf, &eh) == NULL) {
		error("'%s' is not an ELF file", path);
		module_close(mod);
		return -1;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		error("'%s' is not an executable or shared object", path);
		module_close(mod);
		return -1;
	}
	mod->pie = eh.e_type == ET_DYN;
	mod->entry = eh.e_entry;
	read_build_id(mod);
	if (read_segments(mod) == -1) {
		module_close(mod);
		return -1;
	}
	return 0;
}

static bool
has_debug_sections(Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return true; /* cannot tell: assume it may */
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name != NULL &&
		    (strncmp(name, ".debug_", 7) == 0 ||
		        strncmp(name, ".zdebug_", 8) == 0))
			return true;
	}
	return false;
}

/* The file name in the .gnu_debuglink section, or NULL, as libdwelf's
 * dwelf_elf_gnu_debuglink() reads it: NUL-terminated before the CRC. */
static const char *
elf_debuglink(Elf *elf)
{
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (gelf_getshdr(scn, &sh) == NULL ||
		    (name = elf_strptr(elf, shstrndx, sh.sh_name)) == NULL)
			return NULL;
		if (strcmp(name, ".gnu_debuglink") == 0)
			break;
	}
	if (scn == NULL || (data = elf_rawdata(scn, NULL)) == NULL ||
	    data->d_buf == NULL || data->d_size <= sizeof(GElf_Word) ||
	    memchr(data->d_buf, '\0', data->d_size - sizeof(GElf_Word)) == NULL)
		return NULL;
	return data->d_buf;
}

static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Whether a debug file named name lies where libdwfl's search path
 * ":.debug:/usr/lib/debug" would find it for the file at path (absolute):
 * beside the file (not the file itself), in its .debug directory, or under
 * /usr/lib/debug followed by the file's directory or any tail of it. */
static bool
debug_file_near(const char *path, const char *name, bool beside)
{
	const char *slash = strrchr(path, '/'), *d;
	char buf[PATH_MAX];
	int dirlen = (int)(slash - path);

	if (beside) {
		snprintf(buf, sizeof(buf), "%.*s/%s", dirlen, path, name);
		if (file_exists(buf))
			return true;
	}
	snprintf(buf, sizeof(buf), "%.*s/.debug/%s", dirlen, path, name);
	if (file_exists(buf))
		return true;
	for (d = path; d != NULL && d <= slash; d = strchr(d + 1, '/')) {
		snprintf(buf, sizeof(buf), "/usr/lib/debug%.*s/%s",
		    (int)(slash - d), d, name);
		if (file_exists(buf))
			return true;
	}
	return false;
}

/* debug_file_near for every name libdwfl tries for the file at path: the
 * .gnu_debuglink name, else the file's name with ".debug" added, and the
 * file's own name away from beside it. */
static bool
debug_files_near(const char *path, const char *link)
{
	const char *base = strrchr(path, '/') + 1;
	char invented[PATH_MAX];

	snprintf(invented, sizeof(invented), "%s.debug", base);
	return debug_file_near(path, link != NULL ? link : invented, true) ||
	    debug_file_near(path, base, false);
}

bool
module_debug_possible(const struct module *mod)
{
	const char *urls = getenv("DEBUGINFOD_URLS"), *link;
	char path[PATH_MAX], *real;
	bool found;

	if ((urls != NULL && urls[0] != '\0') || mod->build_id_cut ||
	    has_debug_sections(mod->elf))
		return true;
	/* By build-id under /usr/lib/debug. */
	if (mod->build_id[0] != '\0') {
		snprintf(path, sizeof(path),
		    "/usr/lib/debug/.build-id/%.2s/%s.debug", mod->build_id,
		    mod->build_id + 2);
		if (file_exists(path))
			return true;
	}
	/* By name, as libdwfl looks for it: from the path the file was
	 * opened by, then from its real path (a library's path is often a
	 * symbolic link). */
	link = elf_debuglink(mod->elf);
	if (link != NULL && link[0] == '/')
		return file_exists(link);
	/* Relative to where the file is; a relative path says too little. */
	if (mod->path[0] != '/' || (real = realpath(mod->path, NULL)) == NULL)
		return true;
	found = debug_files_near(mod->path, link) ||
	    (strcmp(real, mod->path) != 0 && debug_files_near(real, link));
	free(real);
	return found;
}

int
module_find_dwarf(struct module *mod)
{
	Dwfl_Module *dm;
	int fd;

	if (dw_lib_load() == -1)
		return -1;
	if ((mod->dwfl = dwfl_begin(&dw_lib_get()->offline_callbacks)) == NULL)
		return 0;
	/* libdwfl takes ownership of the descriptor it is given. */
	if ((fd = dup(mod->fd)) == -1)
		return 0;
	dm = dwfl_report_offline(mod->dwfl, mod->path, mod->path, fd);
	dwfl_report_end(mod->dwfl, NULL, NULL);
	if (dm == NULL) {
		debug("libdwfl cannot report '%s': %s", mod->path,
		    dwfl_errmsg(-1));
		return 0;
	}
	mod->dwmod = dm;
	mod->dw = dwfl_module_getdwarf(dm, &mod->dwbias);
	if (mod->dw == NULL)
		debug("no DWARF for '%s': %s", mod->path, dwfl_errmsg(-1));
	return 0;
}

void
module_close(struct module *mod)
{
	if (mod->dwfl != NULL)
		dwfl_end(mod->dwfl);
	if (mod->elf != NULL)
		elf_end(mod->elf);
	if (mod->fd != -1)
		close(mod->fd);
	mod->dwfl = NULL;
	mod->elf = NULL;
	mod->dw = NULL;
	mod->fd = -1;
}

bool
module_addr_exec(const struct module *mod, uint64_t addr)
{
	for (size_t i = 0; i < mod->nxsegs; i++)
		if (addr >= mod->xsegs[i].lo && addr < mod->xsegs[i].hi)
			return true;
	return false;
}

static int
find_symbol(Elf *elf, Elf64_Word type, const char *name, uint64_t *valuep)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != type ||
		    sh.sh_entsize == 0 ||
		    (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *n;

			if (gelf_getsym(data, (int)i, &sym) == NULL ||
			    sym.st_shndx == SHN_UNDEF || sym.st_value == 0)
				continue;
			n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n != NULL && strcmp(n, name) == 0) {
				*valuep = sym.st_value;
				return 0;
			}
		}
	}
	return -1;
}

int
elf_symbol_values(const char *path, const char *const *names, uint64_t *values,
    size_t n)
{
	struct module mod;
	int r = 0;

	memset(values, 0, n * sizeof(*values));
	if (module_open(path, &mod) == -1)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++)
		if (find_symbol(mod.elf, SHT_DYNSYM, names[i], &values[i]) ==
		    -1)
			r = find_symbol(mod.elf, SHT_SYMTAB, names[i],
			    &values[i]);
	module_close(&mod);
	return r;
}

static bool
has_textrel(Elf *elf)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_DYNAMIC ||
		    sh.sh_entsize == 0 || (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Dyn dyn;

			if (gelf_getdyn(data, (int)i, &dyn) == NULL)
				break;
			if (dyn.d_tag == DT_TEXTREL ||
			    (dyn.d_tag == DT_FLAGS && (dyn.d_un.d_val & DF_TEXTREL)))
				return true;
		}
	}
	return false;
}

/* The file offset of link-time [vaddr, vaddr + len), or -1 when it is not
 * file-backed in one loadable segment or the file has text relocations. */
static off_t
vaddr_offset(struct module *mod, uint64_t vaddr, size_t len)
{
	size_t nph;

	if (elf_getphdrnum(mod->elf, &nph) != 0 || has_textrel(mod->elf))
		return -1;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(mod->elf, (int)i, &ph) == NULL ||
		    ph.p_type != PT_LOAD || vaddr < ph.p_vaddr ||
		    vaddr + len > ph.p_vaddr + ph.p_filesz)
			continue;
		return (off_t)(ph.p_offset + (vaddr - ph.p_vaddr));
	}
	return -1;
}

int
elf_read_vaddr(const char *path, uint64_t vaddr, void *buf, size_t len)
{
	struct module mod;
	off_t off;
	int r = -1;

	if (module_open(path, &mod) == -1)
		return -1;
	if ((off = vaddr_offset(&mod, vaddr, len)) != -1 &&
	    pread(mod.fd, buf, len, off) == (ssize_t)len)
		r = 0;
	module_close(&mod);
	return r;
}

int
module_map_vaddr(struct module *mod, uint64_t vaddr, size_t len, void **mapp,
    size_t *maplenp, const uint8_t **datap)
{
	long page = sysconf(_SC_PAGESIZE);
	off_t off, start;
	void *map;

	*mapp = NULL;
	if ((off = vaddr_offset(mod, vaddr, len)) == -1)
		return -1;
	start = off - off % page;
	map = mmap(NULL, len + (size_t)(off - start), PROT_READ,
	    MAP_PRIVATE | MAP_POPULATE, mod->fd, start);
	if (map == MAP_FAILED)
		return -1;
	*mapp = map;
	*maplenp = len + (size_t)(off - start);
	*datap = (const uint8_t *)map + (off - start);
	return 0;
}

int
elf_map_vaddr(const char *path, uint64_t vaddr, size_t len, void **mapp,
    size_t *maplenp, const uint8_t **datap)
{
	struct module mod;
	int r;

	*mapp = NULL;
	if (module_open(path, &mod) == -1)
		return -1;
	r = module_map_vaddr(&mod, vaddr, len, mapp, maplenp, datap);
	module_close(&mod);
	return r;
}
