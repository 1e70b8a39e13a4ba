/* A library loaded with dlopen() rather than linked, for the libraries
 * that most runs never call (dispatch/ssh-lib.c, dwarf/dw-lib.c). */
#ifndef COVTRACE_COMMON_DYNLIB_H
#define COVTRACE_COMMON_DYNLIB_H

#include <stddef.h>

/* dlopen() soname and set syms[i] to the address of prefix + names[i] for
 * each of the n names; returns the handle, or NULL after one error naming
 * soname when it or one of the symbols cannot be loaded. */
void *dynlib_open(const char *soname, const char *prefix,
    const char *const *names, void **syms, size_t n);

#endif
