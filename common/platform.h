/* The platform line of reports and worker hellos. */
#ifndef COVTRACE_COMMON_PLATFORM_H
#define COVTRACE_COMMON_PLATFORM_H

/* "linux x86_64, glibc 2.36": the kernel name in lower case, the machine
 * and the C library's version; the caller frees it. */
char *platform_string(void);

#endif
