/* Unit tests for --rsyncdir with the local destination: layout, modes,
 * symbolic links and mtimes kept; unchanged files not sent again; local
 * deletions mirrored inside the synced tree only; --rsyncignore. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "dispatch/rsync.h"
#include "t/tap.h"

static char *top;

static char *
path(const char *rel)
{
	return xasprintf("%s/%s", top, rel);
}

static void
put(const char *rel, const char *text, mode_t mode, time_t mtime)
{
	char *p = path(rel);
	struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
	FILE *f = fopen(p, "w");

	if (f == NULL)
		skip_all("cannot create '%s': %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	utimensat(AT_FDCWD, p, ts, 0);
	free(p);
}

static void
dir(const char *rel)
{
	char *p = path(rel);

	mkdir(p, 0755);
	free(p);
}

static void
change_mode(const char *rel, mode_t mode)
{
	char *p = path(rel);

	chmod(p, mode);
	free(p);
}

static void
remove_path(const char *rel)
{
	char *p = path(rel);

	unlink(p);
	free(p);
}

static void
link_to(const char *rel, const char *target)
{
	char *p = path(rel);

	if (symlink(target, p) == -1)
		skip_all("cannot create a symbolic link: %s", strerror(errno));
	free(p);
}

static struct stat
lst(const char *rel)
{
	struct stat sb;
	char *p = path(rel);

	memset(&sb, 0, sizeof(sb));
	if (lstat(p, &sb) == -1)
		sb.st_mode = 0;
	free(p);
	return sb;
}

static char *
slurp(const char *rel)
{
	char buf[256] = "";
	char *p = path(rel);
	FILE *f = fopen(p, "r");

	if (f != NULL) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);

		buf[n] = '\0';
		fclose(f);
	}
	free(p);
	return xstrdup(buf);
}

static int
sync_tree(const struct rsync_opts *o, struct rsync_stats *st)
{
	struct rsync_dest *d = rsync_dest_local();
	char *from = path("src/proj"), *to = path("dst/env/proj");
	int r;

	memset(st, 0, sizeof(*st));
	r = rsync_tree(d, from, to, o, st);
	rsync_dest_free(d);
	free(from);
	free(to);
	return r;
}

static void
check_first_copy(const struct rsync_opts *o)
{
	struct rsync_stats st;
	char linkbuf[64] = "";
	char *p, *s;
	ssize_t n;

	is_int(sync_tree(o, &st), 0, "the first copy succeeds");
	is_int(st.files_sent, 3, "three files sent (the ignored one is not)");
	is_int((long long)st.bytes_sent, 17, "their bytes counted");
	is_int(st.links_made, 1, "one symbolic link made");
	s = slurp("dst/env/proj/sub/deep/run.sh");
	is_str(s, "#!/bin/sh\n", "a file two levels down has its content");
	free(s);
	ok((lst("dst/env/proj/sub/deep/run.sh").st_mode & 0777) == 0755,
	    "an executable stays executable");
	ok((lst("dst/env/proj/ro.txt").st_mode & 0777) == 0444,
	    "a read-only file stays read-only");
	is_int(lst("dst/env/proj/a.txt").st_mtim.tv_sec, 1000000000,
	    "the mtime is kept");
	ok(S_ISLNK(lst("dst/env/proj/link").st_mode), "a link stays a link");
	p = path("dst/env/proj/link");
	n = readlink(p, linkbuf, sizeof(linkbuf) - 1);
	free(p);
	linkbuf[n > 0 ? n : 0] = '\0';
	is_str(linkbuf, "sub/deep/run.sh", "with the same target");
	ok(lst("dst/env/proj/skip.o").st_mode == 0,
	    "an ignored file is not sent");
}

int
main(void)
{
	const char *ign[] = {"*.o"};
	struct rsync_opts o = {.ignores = ign, .nignores = 1};
	char tmpl[] = "/tmp/rsync-test.XXXXXX";
	struct rsync_stats st;
	char *s;

	if ((top = mkdtemp(tmpl)) == NULL)
		skip_all("mkdtemp: %s", strerror(errno));
	dir("src");
	dir("src/proj");
	dir("src/proj/sub");
	dir("src/proj/sub/deep");
	put("src/proj/a.txt", "one\n", 0644, 1000000000);
	put("src/proj/ro.txt", "ro\n", 0444, 1000000001);
	put("src/proj/sub/deep/run.sh", "#!/bin/sh\n", 0755, 1000000002);
	put("src/proj/skip.o", "obj", 0644, 1000000003);
	link_to("src/proj/link", "sub/deep/run.sh");

	check_first_copy(&o);

	is_int(sync_tree(&o, &st), 0, "a second copy succeeds");
	is_int(st.files_sent + st.links_made + st.deleted, 0,
	    "and sends nothing");
	is_int(st.unchanged, 4, "every file and link is unchanged");

	put("src/proj/a.txt", "two\n", 0644, 1000000100);
	change_mode("src/proj/sub/deep/run.sh", 0700);
	is_int(sync_tree(&o, &st), 0, "a copy after changes succeeds");
	is_int(st.files_sent, 1, "sends the one file whose mtime changed");
	is_int(st.changed, 1, "and only sets the mode of the other");
	s = slurp("dst/env/proj/a.txt");
	is_str(s, "two\n", "the new content arrived");
	free(s);

	put("dst/env/outside.txt", "keep\n", 0644, 1000000000);
	put("dst/env/proj/stale.txt", "old\n", 0644, 1000000000);
	put("dst/env/proj/remote.o", "obj\n", 0644, 1000000000);
	remove_path("src/proj/ro.txt");
	is_int(sync_tree(&o, &st), 0, "a copy after a deletion succeeds");
	is_int(st.deleted, 2, "deletes what the source no longer has");
	ok(lst("dst/env/proj/ro.txt").st_mode == 0 &&
	        lst("dst/env/proj/stale.txt").st_mode == 0,
	    "both files are gone");
	ok(lst("dst/env/outside.txt").st_mode != 0,
	    "a file outside the synced directory is kept");
	ok(lst("dst/env/proj/remote.o").st_mode != 0,
	    "an ignored file on the destination is kept");

	remove_path("src/proj/link");
	dir("src/proj/link");
	put("src/proj/link/x", "x", 0644, 1000000000);
	is_int(sync_tree(&o, &st), 0, "a link that became a directory");
	ok(S_ISDIR(lst("dst/env/proj/link").st_mode), "is a directory now");

	s = rsync_dest_path("env1", "some/where/proj/");
	is_str(s, "env1/proj", "the destination is CHDIR/NAME");
	free(s);
	s = rsync_dest_path(NULL, "proj");
	is_str(s, "proj", "or NAME alone without a chdir");
	free(s);

	s = xasprintf("rm -rf '%s'", top);
	if (system(s) != 0)
		diag("cannot remove %s", top);
	free(s);
	return done_testing();
}
