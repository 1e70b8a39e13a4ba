/* --rsyncdir: copy local directory trees to where workers run, locally or
 * over SFTP, sending only what changed.  Internal to dispatch/. */
#ifndef COVTRACE_DISPATCH_RSYNC_H
#define COVTRACE_DISPATCH_RSYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ssh_sftp;

struct rsync_opts {
	const char *const *dirs; /* --rsyncdir, local paths */
	size_t ndirs;
	const char *const *ignores; /* --rsyncignore globs */
	size_t nignores;
};

struct rsync_stats {
	unsigned files_sent; /* regular files written */
	uint64_t bytes_sent; /* their sizes */
	unsigned links_made;
	unsigned dirs_made;
	unsigned changed; /* only the mode was set */
	unsigned deleted; /* entries removed (a directory counts once) */
	unsigned unchanged; /* files and links already up to date */
};

/* What a tree is copied to. */
struct rsync_dest;

/* The local file system (popen workers with a chdir). */
struct rsync_dest *rsync_dest_local(void);
/* A remote host through an open SFTP session (ssh workers). */
struct rsync_dest *rsync_dest_sftp(struct ssh_sftp *sftp);
void rsync_dest_free(struct rsync_dest *d);

/* Whether path (relative to a synced directory; name is its last part)
 * matches one of the --rsyncignore globs. */
bool rsync_ignored(const struct rsync_opts *opts, const char *path,
    const char *name);

/* Make the tree at to (created with its parents when missing) a copy of
 * the local directory from: the same layout, modes, symbolic links and
 * modification times.  A file with the same size and mtime is not sent
 * again; what to holds that from does not is deleted, except ignored
 * entries.  Adds to *stats. */
int rsync_tree(struct rsync_dest *d, const char *from, const char *to,
    const struct rsync_opts *opts, struct rsync_stats *stats);

/* Where --rsyncdir dir goes under a worker's directory chdir: chdir/NAME,
 * NAME being dir's last component; just NAME when chdir is NULL.  The
 * caller frees it. */
char *rsync_dest_path(const char *chdir, const char *dir);

/* rsync_tree for every --rsyncdir, into rsync_dest_path(chdir, dir);
 * where names the destination in the -v report ("host1:env1"). */
int rsync_dirs(struct rsync_dest *d, const char *chdir,
    const struct rsync_opts *opts, const char *where,
    struct rsync_stats *stats);

/* Map a path that a worker reported from its directory worker_cwd back
 * to the local one: under worker_cwd/NAME for each --rsyncdir DIR to DIR,
 * else under worker_cwd to the current directory.  NULL when path is not
 * under worker_cwd or worker_cwd is the current directory; the caller
 * frees the result. */
char *rsync_map_path(const struct rsync_opts *opts, const char *worker_cwd,
    const char *path);

#endif
