/* What differs between processors: the trap opcode and the PC register. */
#ifndef COVTRACE_TRACER_ARCH_H
#define COVTRACE_TRACER_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The one-byte trap instruction and how far the PC has moved past it. */
#define ARCH_TRAP_BYTE 0xcc
#define ARCH_TRAP_PC_ADVANCE 1

/* Read the PC of a stopped thread into *pcp; -1 if the thread is gone. */
int arch_get_pc(pid_t tid, uint64_t *pcp);
/* Set the PC of a stopped thread; -1 if the thread is gone. */
int arch_set_pc(pid_t tid, uint64_t pc);

/* Return from the function a stopped thread is at the first instruction
 * of, as the instruction "ret" would; memfd is /proc/PID/mem. */
int arch_emulate_return(pid_t tid, int memfd);
/* The offset, from a function's address, of a plain return instruction
 * that its first bytes consist of ("ret", or "endbr64; ret"); -1 if the
 * bytes are anything else. */
int arch_return_offset(const uint8_t *code, size_t len);

#endif
