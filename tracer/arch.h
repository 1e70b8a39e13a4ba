/* What differs between processors: the trap opcode and the PC register. */
#ifndef COVTRACE_TRACER_ARCH_H
#define COVTRACE_TRACER_ARCH_H

#include <stdint.h>
#include <sys/types.h>

/* The one-byte trap instruction and how far the PC has moved past it. */
#define ARCH_TRAP_BYTE 0xcc
#define ARCH_TRAP_PC_ADVANCE 1

/* Read the PC of a stopped thread into *pcp; -1 if the thread is gone. */
int arch_get_pc(pid_t tid, uint64_t *pcp);
/* Set the PC of a stopped thread; -1 if the thread is gone. */
int arch_set_pc(pid_t tid, uint64_t pc);

#endif
