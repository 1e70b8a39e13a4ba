#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>

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
