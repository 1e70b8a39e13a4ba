#!/usr/bin/env bash
# Write the C sources of the benchmark workloads into a directory.
#
# Usage: bench/gen-workloads.sh OUTDIR
#
# Files written (compile each with `cc -g -O0`; threads.c also needs -pthread):
#   empty.c    empty main
#   hot.c      96 lines in a hot loop, 10^8 iterations (argv[1] overrides)
#   big.c      2,000 functions x 25 statements, all run once (about 56k
#              lines); with any argument, only f0 runs (the arming cost)
#   child.c    a small program; driver.c fork+execs it 200 times
#   driver.c   usage: driver CHILD [COUNT]
#   forks.c    200 forks; each child runs child_only(), then _exit
#   threads.c  8 threads x 10^8 iterations (argv[1] overrides the count)
#   maxrss.c   not a workload: runs a command and writes its peak RSS
#              (ru_maxrss of wait4, in KiB, like GNU time's %M) to a file
# Every workload prints a checksum on stdout and exits 0 when it went right,
# so that a traced run can be compared with an untraced one.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
mkdir -p "$out"

# The number of functions and statements of big.c, and the statement
# lines of the hot loop, as the issue sets them.
nfuncs=2000
nstmts=25
hotlines=96

cat >"$out/empty.c" <<'EOF'
int main(void)
{
	return 0;
}
EOF

# hot.c: the loop body is $hotlines lines, spread over 8 accumulators so
# that the untraced run is not one long dependency chain.
{
	cat <<'EOF'
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000000UL;
	unsigned long a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;

	for (unsigned long i = 0; i < n; i++) {
EOF
	awk -v n="$hotlines" 'BEGIN {
		for (k = 0; k < n; k++)
			printf "\t\ta%d += i + %d;\n", k % 8, k
	}'
	cat <<'EOF'
	}
	printf("%lu\n", a0 ^ (a1 << 1) ^ (a2 << 2) ^ (a3 << 3) ^ (a4 << 4) ^
	    (a5 << 5) ^ (a6 << 6) ^ (a7 << 7));
	return 0;
}
EOF
} >"$out/hot.c"

# big.c: each function is 27 lines of the line table (its first line,
# $nstmts statements, its closing brace); main calls each on a line of
# its own.
awk -v nf="$nfuncs" -v ns="$nstmts" 'BEGIN {
	print "#include <stdio.h>"
	print ""
	print "static unsigned long sink;"
	print ""
	for (f = 0; f < nf; f++)
		printf "void f%d(unsigned long x);\n", f
	for (f = 0; f < nf; f++) {
		printf "\nvoid f%d(unsigned long x) {\n", f
		for (s = 0; s < ns - 1; s++)
			printf "\tx = x * 31 + %d;\n", (f * ns + s) % 977
		print "\tsink += x;"
		print "}"
	}
	print ""
	print "int main(int argc, char **argv)"
	print "{"
	print "\t(void)argv;"
	print "\tif (argc > 1) {"
	print "\t\tf0(1);"
	print "\t\tprintf(\"%lu\\n\", sink);"
	print "\t\treturn 0;"
	print "\t}"
	for (f = 0; f < nf; f++)
		printf "\tf%d(%d);\n", f, f
	print "\tprintf(\"%lu\\n\", sink);"
	print "\treturn 0;"
	print "}"
}' >"$out/big.c"

cat >"$out/child.c" <<'EOF'
int main(int argc, char **argv)
{
	unsigned long x = (unsigned long)argc;

	(void)argv;
	for (int i = 0; i < 100; i++)
		x = x * 31 + (unsigned long)i;
	return x == 0;
}
EOF

cat >"$out/driver.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 200, ok = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: driver CHILD [COUNT]\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execl(argv[1], argv[1], (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			ok++;
	}
	printf("%d of %d children exited 0\n", ok, n);
	return ok == n ? 0 : 1;
}
EOF

# forks.c: every line runs (in the parent or in a child), so a report that
# misses a line of child_only() means the children were not covered.
cat >"$out/forks.c" <<'EOF'
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long child_only(unsigned long k)
{
	unsigned long x = k + 1;

	x = x * 7 + 1;
	x ^= x >> 3;
	x = x * 31 + 5;
	x ^= x >> 7;
	x = x * 131 + 9;
	return x | 1;
}

int main(void)
{
	int n = 200, ok = 0;

	for (int i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) return 1;
		if (pid == 0) _exit(child_only((unsigned long)i) == 0);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) ok++;
	}
	printf("%d of %d children exited 0\n", ok, n);
	return ok != n;
}
EOF

cat >"$out/threads.c" <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 8

static unsigned long iterations = 100000000UL;
static unsigned long sums[NTHREADS];

static void *work(void *arg)
{
	unsigned long *sum = arg, s = 0;

	for (unsigned long i = 0; i < iterations; i++)
		s += i;
	*sum = s;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[NTHREADS];
	unsigned long total = 0;

	if (argc > 1)
		iterations = strtoul(argv[1], NULL, 10);
	for (int t = 0; t < NTHREADS; t++)
		if (pthread_create(&tid[t], NULL, work, &sums[t]) != 0)
			return 1;
	for (int t = 0; t < NTHREADS; t++) {
		pthread_join(tid[t], NULL);
		total += sums[t];
	}
	printf("%lu\n", total);
	return 0;
}
EOF

cat >"$out/maxrss.c" <<'EOF'
/* maxrss FILE COMMAND [ARG]...: run COMMAND, write its peak RSS in KiB
 * (ru_maxrss from wait4: the largest of COMMAND and its waited-for
 * descendants, as GNU time's %M) to FILE, exit with its status. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: maxrss FILE COMMAND [ARG]...\n");
		return 2;
	}
	if ((pid = fork()) < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("wait4");
		return 2;
	}
	if ((f = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	fprintf(f, "%ld\n", ru.ru_maxrss);
	fclose(f);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
EOF
