/* libdw, loaded with dlopen() by the first line table that has to be
 * decoded rather than linked: loading it and the liblzma and libbz2 it
 * needs costs every covtrace start about 0.15 ms, and a warm cache decodes
 * nothing.  dwarf/module.c and dwarf/linetab.c call libdw and libdwfl by
 * their usual names, which the #defines below turn into calls through the
 * table that dw_lib_load() fills.  Internal to dwarf/. */
#ifndef COVTRACE_DWARF_DW_LIB_H
#define COVTRACE_DWARF_DW_LIB_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

/* Every libdw function covtrace calls or hands to libdwfl. */
#define DW_LIB_FUNCS(X)                                                        \
	X(dwarf_attr)                                                          \
	X(dwarf_attr_integrate)                                                \
	X(dwarf_decl_file)                                                     \
	X(dwarf_decl_line)                                                     \
	X(dwarf_diename)                                                       \
	X(dwarf_entrypc)                                                       \
	X(dwarf_formstring)                                                    \
	X(dwarf_get_units)                                                     \
	X(dwarf_getfuncs)                                                      \
	X(dwarf_getsrc_die)                                                    \
	X(dwarf_getsrclines)                                                   \
	X(dwarf_lineaddr)                                                      \
	X(dwarf_linebeginstatement)                                            \
	X(dwarf_lineendsequence)                                               \
	X(dwarf_lineno)                                                        \
	X(dwarf_linesrc)                                                       \
	X(dwarf_onesrcline)                                                    \
	X(dwarf_ranges)                                                        \
	X(dwfl_begin)                                                          \
	X(dwfl_build_id_find_elf)                                              \
	X(dwfl_end)                                                            \
	X(dwfl_errmsg)                                                         \
	X(dwfl_module_getdwarf)                                                \
	X(dwfl_module_getsym_info)                                             \
	X(dwfl_module_getsymtab)                                               \
	X(dwfl_offline_section_address)                                        \
	X(dwfl_report_end)                                                     \
	X(dwfl_report_offline)                                                 \
	X(dwfl_standard_find_debuginfo)

/* One pointer per function, typed as libdw.h and libdwfl.h declare it,
 * and the callbacks of an offline Dwfl, which point into libdwfl. */
#define DW_LIB_POINTER(name) __typeof__(name) *p_##name;
struct dw_lib {
	DW_LIB_FUNCS(DW_LIB_POINTER)
	Dwfl_Callbacks offline_callbacks;
};
#undef DW_LIB_POINTER

/* Load libdw (LIBDW_SONAME); once loaded, return at once.  Returns -1 when
 * it cannot be loaded, logged the first time only. */
int dw_lib_load(void);
/* The functions of the loaded libdw; BUG() before dw_lib_load(). */
const struct dw_lib *dw_lib_get(void);

/* The names the rest of dwarf/ calls. */
#define dwarf_attr (dw_lib_get()->p_dwarf_attr)
#define dwarf_attr_integrate (dw_lib_get()->p_dwarf_attr_integrate)
#define dwarf_decl_file (dw_lib_get()->p_dwarf_decl_file)
#define dwarf_decl_line (dw_lib_get()->p_dwarf_decl_line)
#define dwarf_diename (dw_lib_get()->p_dwarf_diename)
#define dwarf_entrypc (dw_lib_get()->p_dwarf_entrypc)
#define dwarf_formstring (dw_lib_get()->p_dwarf_formstring)
#define dwarf_get_units (dw_lib_get()->p_dwarf_get_units)
#define dwarf_getfuncs (dw_lib_get()->p_dwarf_getfuncs)
#define dwarf_getsrc_die (dw_lib_get()->p_dwarf_getsrc_die)
#define dwarf_getsrclines (dw_lib_get()->p_dwarf_getsrclines)
#define dwarf_lineaddr (dw_lib_get()->p_dwarf_lineaddr)
#define dwarf_linebeginstatement (dw_lib_get()->p_dwarf_linebeginstatement)
#define dwarf_lineendsequence (dw_lib_get()->p_dwarf_lineendsequence)
#define dwarf_lineno (dw_lib_get()->p_dwarf_lineno)
#define dwarf_linesrc (dw_lib_get()->p_dwarf_linesrc)
#define dwarf_onesrcline (dw_lib_get()->p_dwarf_onesrcline)
#define dwarf_ranges (dw_lib_get()->p_dwarf_ranges)
#define dwfl_begin (dw_lib_get()->p_dwfl_begin)
#define dwfl_end (dw_lib_get()->p_dwfl_end)
#define dwfl_errmsg (dw_lib_get()->p_dwfl_errmsg)
#define dwfl_module_getdwarf (dw_lib_get()->p_dwfl_module_getdwarf)
#define dwfl_module_getsym_info (dw_lib_get()->p_dwfl_module_getsym_info)
#define dwfl_module_getsymtab (dw_lib_get()->p_dwfl_module_getsymtab)
#define dwfl_report_end (dw_lib_get()->p_dwfl_report_end)
#define dwfl_report_offline (dw_lib_get()->p_dwfl_report_offline)

#endif
