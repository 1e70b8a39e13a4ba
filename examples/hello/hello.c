/* The example traced by `make example` and the README: a greeting with one
 * branch that a run without arguments never takes. */
#include <stdio.h>
#include <string.h>

static int
greet(const char *name)
{
	if (strlen(name) > 20) {
		fprintf(stderr, "hello: name too long\n");
		return 1;
	}
	printf("hello, %s\n", name);
	return 0;
}

int
main(int argc, char *argv[])
{
	int rc = 0;

	if (argc < 2)
		return greet("world");
	for (int i = 1; i < argc; i++)
		rc |= greet(argv[i]);
	return rc;
}
