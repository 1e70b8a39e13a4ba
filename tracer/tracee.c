/* The process table is the only mutable global state in covtrace: a hash
 * table from thread id to struct tracee, with open addressing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "tracer/tracee.h"

static struct tracee **slots;
static size_t nslots, nused, ntombs;
static struct tracee tombstone;

static size_t
slot_of(pid_t tid)
{
	return ((size_t)tid * 2654435761u) & (nslots - 1);
}

static void
rehash(size_t n)
{
	struct tracee **old = slots;
	size_t oldn = nslots;

	slots = xcalloc(n, sizeof(*slots));
	nslots = n;
	ntombs = 0;
	for (size_t i = 0; i < oldn; i++) {
		size_t j;

		if (old[i] == NULL || old[i] == &tombstone)
			continue;
		j = slot_of(old[i]->tid);
		while (slots[j] != NULL)
			j = (j + 1) & (nslots - 1);
		slots[j] = old[i];
	}
	free(old);
}

struct tracee *
tracee_find(pid_t tid)
{
	if (nslots == 0)
		return NULL;
	for (size_t j = slot_of(tid); slots[j] != NULL;
	     j = (j + 1) & (nslots - 1))
		if (slots[j] != &tombstone && slots[j]->tid == tid)
			return slots[j];
	return NULL;
}

struct tracee *
tracee_get(pid_t tid)
{
	struct tracee *t = tracee_find(tid);
	size_t j;

	if (t != NULL)
		return t;
	if ((nused + ntombs + 1) * 2 > nslots)
		rehash(nslots == 0 ? 64 : (nused + 1) * 4 > nslots ? nslots * 2 : nslots);
	t = xcalloc(1, sizeof(*t));
	t->tid = tid;
	j = slot_of(tid);
	while (slots[j] != NULL && slots[j] != &tombstone)
		j = (j + 1) & (nslots - 1);
	if (slots[j] == &tombstone)
		ntombs--;
	slots[j] = t;
	nused++;
	return t;
}

void
tracee_remove(struct tracee *t)
{
	for (size_t j = slot_of(t->tid); slots[j] != NULL;
	     j = (j + 1) & (nslots - 1)) {
		if (slots[j] == t) {
			slots[j] = &tombstone;
			ntombs++;
			nused--;
			break;
		}
	}
	aspace_put(t->as);
	free(t);
}

void
tracee_set_aspace(struct tracee *t, struct aspace *as)
{
	aspace_put(t->as);
	t->as = as;
}

size_t
tracee_count(void)
{
	return nused;
}

struct tracee *
tracee_next(size_t *pos)
{
	for (; *pos < nslots; (*pos)++)
		if (slots[*pos] != NULL && slots[*pos] != &tombstone)
			return slots[(*pos)++];
	return NULL;
}
