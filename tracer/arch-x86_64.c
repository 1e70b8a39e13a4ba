#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <unistd.h>

#include "tracer/arch.h"

/* Only the PC is touched: PEEKUSER/POKEUSER move one word, where
 * PTRACE_GETREGS would copy the whole register set both ways. */
#define PC_OFFSET offsetof(struct user_regs_struct, rip)

int
arch_get_pc(pid_t tid, uint64_t *pcp)
{
	long v;

	errno = 0;
	v = ptrace(PTRACE_PEEKUSER, tid, (void *)PC_OFFSET, NULL);
	if (v == -1 && errno != 0)
		return -1;
	*pcp = (uint64_t)v;
	return 0;
}

int
arch_set_pc(pid_t tid, uint64_t pc)
{
	return ptrace(PTRACE_POKEUSER, tid, (void *)PC_OFFSET, (void *)pc) ==
		-1 ?
	    -1 :
	    0;
}

#define SP_OFFSET offsetof(struct user_regs_struct, rsp)

int
arch_emulate_return(pid_t tid, int memfd)
{
	uint64_t sp, ret;
	long v;

	errno = 0;
	v = ptrace(PTRACE_PEEKUSER, tid, (void *)SP_OFFSET, NULL);
	if (v == -1 && errno != 0)
		return -1;
	sp = (uint64_t)v;
	if (pread(memfd, &ret, sizeof(ret), (off_t)sp) != (ssize_t)sizeof(ret))
		return -1;
	if (ptrace(PTRACE_POKEUSER, tid, (void *)SP_OFFSET,
		(void *)(sp + 8)) == -1)
		return -1;
	return arch_set_pc(tid, ret);
}

int
arch_return_offset(const uint8_t *code, size_t len)
{
	static const uint8_t endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

	if (len >= 1 && code[0] == 0xc3)
		return 0;
	if (len >= 5 && memcmp(code, endbr64, sizeof(endbr64)) == 0 &&
	    code[4] == 0xc3)
		return 4;
	return -1;
}
