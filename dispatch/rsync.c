/* --rsyncdir: a local tree copied to a worker's directory, through one of
 * two destinations (a plug-in point, STYLE.md rule 2): the local file
 * system, or SFTP.  Both sides are listed one directory at a time, which
 * over SFTP is one round trip per directory, so an unchanged tree costs
 * little more than its directory count. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "dispatch/rsync.h"
#include "dispatch/ssh.h"

/* The operations a destination offers; 0 or -1 (logged). */
struct rsync_dest_ops {
	/* lstat; 1 when path does not exist. */
	int (*lstat)(void *ctx, const char *path, struct ssh_stat *st);
	int (*list)(void *ctx, const char *dir,
	    int (*fn)(void *fctx, const char *name, const struct ssh_stat *st),
	    void *fctx);
	int (*mkdir)(void *ctx, const char *path, uint32_t mode);
	int (*put)(void *ctx, const char *path, int fd, const struct stat *st);
	int (*symlink)(void *ctx, const char *path, const char *target);
	int (*readlink)(void *ctx, const char *path, char **targetp);
	int (*unlink)(void *ctx, const char *path);
	int (*rmdir)(void *ctx, const char *path);
	int (*chmod)(void *ctx, const char *path, uint32_t mode);
};

struct rsync_dest {
	const struct rsync_dest_ops *ops;
	void *ctx;
};

/* One entry of a directory listing. */
struct entry {
	char *name;
	struct ssh_stat st;
};

struct listing {
	struct entry *e;
	size_t n, alloc;
};

static void
listing_release(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].name);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

static int
listing_add(void *ctx, const char *name, const struct ssh_stat *st)
{
	struct listing *l = ctx;

	XGROW(l->e, l->n + 1, l->alloc);
	l->e[l->n].name = xstrdup(name);
	l->e[l->n].st = *st;
	l->n++;
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
	    ((const struct entry *)b)->name);
}

static void
listing_sort(struct listing *l)
{
	if (l->n > 1)
		qsort(l->e, l->n, sizeof(*l->e), entry_cmp);
}

static void
stat_from_local(const struct stat *sb, struct ssh_stat *st)
{
	memset(st, 0, sizeof(*st));
	if (S_ISREG(sb->st_mode))
		st->type = SSH_FILE_REG;
	else if (S_ISDIR(sb->st_mode))
		st->type = SSH_FILE_DIR;
	else if (S_ISLNK(sb->st_mode))
		st->type = SSH_FILE_LINK;
	st->mode = sb->st_mode & 07777;
	st->size = (uint64_t)sb->st_size;
	st->mtime = (int64_t)sb->st_mtim.tv_sec;
}

/* The local destination */

static int
local_lstat(void *ctx, const char *path, struct ssh_stat *st)
{
	struct stat sb;

	(void)ctx;
	if (lstat(path, &sb) == -1)
		return errno == ENOENT ? 1
		                       : error_errno("cannot stat '%s'", path);
	stat_from_local(&sb, st);
	return 0;
}

static int
local_list(void *ctx, const char *dir,
    int (*fn)(void *fctx, const char *name, const struct ssh_stat *st),
    void *fctx)
{
	struct dirent *de;
	struct ssh_stat st;
	struct stat sb;
	DIR *d;
	int r = 0;

	(void)ctx;
	if ((d = opendir(dir)) == NULL)
		return error_errno("cannot read directory '%s'", dir);
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
		    -1) {
			r = error_errno("cannot stat '%s/%s'", dir, de->d_name);
			break;
		}
		stat_from_local(&sb, &st);
		r = fn(fctx, de->d_name, &st);
	}
	closedir(d);
	return r;
}

static int
local_mkdir(void *ctx, const char *path, uint32_t mode)
{
	(void)ctx;
	if (mkdir(path, mode) == -1)
		return error_errno("cannot create directory '%s'", path);
	return 0;
}

static int
copy_fd(int in, int out, off_t len, const char *from, const char *to)
{
	char buf[65536];
	ssize_t n, w;

	while (len > 0) {
		n = read(in, buf, sizeof(buf));
		if (n <= 0)
			return n == 0
			    ? error("'%s' shrank while being copied", from)
			    : error_errno("cannot read '%s'", from);
		len -= n;
		for (char *p = buf; n > 0; p += w, n -= w)
			if ((w = write(out, p, (size_t)n)) < 0)
				return error_errno("cannot write '%s'", to);
	}
	return 0;
}

static int
local_put(void *ctx, const char *path, int fd, const struct stat *sb)
{
	struct timespec ts[2] = {sb->st_atim, sb->st_mtim};
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW;
	int out, r;

	(void)ctx;
	out = open(path, flags, 0600);
	if (out == -1 && (errno == EACCES || errno == ELOOP)) {
		unlink(path);
		out = open(path, flags, 0600);
	}
	if (out == -1)
		return error_errno("cannot create '%s'", path);
	r = copy_fd(fd, out, sb->st_size, "the source", path);
	if (r == 0 &&
	    (fchmod(out, sb->st_mode & 07777) == -1 || futimens(out, ts) == -1))
		r = error_errno("cannot set the mode and time of '%s'", path);
	if (close(out) == -1 && r == 0)
		r = error_errno("cannot write '%s'", path);
	return r;
}

static int
local_symlink(void *ctx, const char *path, const char *target)
{
	(void)ctx;
	if (symlink(target, path) == -1)
		return error_errno("cannot create symbolic link '%s'", path);
	return 0;
}

static int
local_readlink_path(const char *path, char **targetp)
{
	char buf[PATH_MAX];
	ssize_t n;

	*targetp = NULL;
	if ((n = readlink(path, buf, sizeof(buf) - 1)) == -1)
		return error_errno("cannot read symbolic link '%s'", path);
	buf[n] = '\0';
	*targetp = xstrdup(buf);
	return 0;
}

static int
local_readlink(void *ctx, const char *path, char **targetp)
{
	(void)ctx;
	return local_readlink_path(path, targetp);
}

static int
local_unlink(void *ctx, const char *path)
{
	(void)ctx;
	if (unlink(path) == -1)
		return error_errno("cannot remove '%s'", path);
	return 0;
}

static int
local_rmdir(void *ctx, const char *path)
{
	(void)ctx;
	if (rmdir(path) == -1)
		return error_errno("cannot remove directory '%s'", path);
	return 0;
}

static int
local_chmod(void *ctx, const char *path, uint32_t mode)
{
	(void)ctx;
	if (chmod(path, mode) == -1)
		return error_errno("cannot change the mode of '%s'", path);
	return 0;
}

static const struct rsync_dest_ops rsync_dest_ops_local = {
    .lstat = local_lstat,
    .list = local_list,
    .mkdir = local_mkdir,
    .put = local_put,
    .symlink = local_symlink,
    .readlink = local_readlink,
    .unlink = local_unlink,
    .rmdir = local_rmdir,
    .chmod = local_chmod,
};

/* The SFTP destination */

static int
sftp_lstat(void *ctx, const char *path, struct ssh_stat *st)
{
	return ssh_sftp_lstat(ctx, path, st);
}

static int
sftp_list(void *ctx, const char *dir,
    int (*fn)(void *fctx, const char *name, const struct ssh_stat *st),
    void *fctx)
{
	return ssh_sftp_list(ctx, dir, fn, fctx);
}

static int
sftp_mkdir(void *ctx, const char *path, uint32_t mode)
{
	return ssh_sftp_mkdir(ctx, path, mode);
}

static int
sftp_put(void *ctx, const char *path, int fd, const struct stat *sb)
{
	return ssh_sftp_put(ctx, path, fd, (uint64_t)sb->st_size,
	    sb->st_mode & 07777, (int64_t)sb->st_mtim.tv_sec);
}

static int
sftp_symlink(void *ctx, const char *path, const char *target)
{
	return ssh_sftp_symlink(ctx, path, target);
}

static int
sftp_readlink(void *ctx, const char *path, char **targetp)
{
	return ssh_sftp_readlink(ctx, path, targetp);
}

static int
sftp_unlink(void *ctx, const char *path)
{
	return ssh_sftp_unlink(ctx, path);
}

static int
sftp_rmdir(void *ctx, const char *path)
{
	return ssh_sftp_rmdir(ctx, path);
}

static int
sftp_chmod(void *ctx, const char *path, uint32_t mode)
{
	return ssh_sftp_chmod(ctx, path, mode);
}

static const struct rsync_dest_ops rsync_dest_ops_sftp = {
    .lstat = sftp_lstat,
    .list = sftp_list,
    .mkdir = sftp_mkdir,
    .put = sftp_put,
    .symlink = sftp_symlink,
    .readlink = sftp_readlink,
    .unlink = sftp_unlink,
    .rmdir = sftp_rmdir,
    .chmod = sftp_chmod,
};

struct rsync_dest *
rsync_dest_local(void)
{
	struct rsync_dest *d = xcalloc(1, sizeof(*d));

	d->ops = &rsync_dest_ops_local;
	return d;
}

struct rsync_dest *
rsync_dest_sftp(struct ssh_sftp *sftp)
{
	struct rsync_dest *d = xcalloc(1, sizeof(*d));

	d->ops = &rsync_dest_ops_sftp;
	d->ctx = sftp;
	return d;
}

void
rsync_dest_free(struct rsync_dest *d)
{
	free(d);
}

/* The tree walk */

bool
rsync_ignored(const struct rsync_opts *opts, const char *path, const char *name)
{
	for (size_t i = 0; i < opts->nignores; i++)
		if (fnmatch(opts->ignores[i], name, 0) == 0 ||
		    fnmatch(opts->ignores[i], path, 0) == 0)
			return true;
	return false;
}

struct walk {
	struct rsync_dest *d;
	const struct rsync_opts *opts;
	struct rsync_stats *stats;
};

/* Remove path on the destination, a whole tree if it is a directory. */
static int
remove_tree(struct walk *w, const char *path, const struct ssh_stat *st)
{
	struct listing l = {0};
	int r = 0;

	if (st->type != SSH_FILE_DIR)
		return w->d->ops->unlink(w->d->ctx, path);
	if (w->d->ops->list(w->d->ctx, path, listing_add, &l) == -1) {
		listing_release(&l);
		return -1;
	}
	for (size_t i = 0; i < l.n && r == 0; i++) {
		char *sub = xasprintf("%s/%s", path, l.e[i].name);

		r = remove_tree(w, sub, &l.e[i].st);
		free(sub);
	}
	listing_release(&l);
	return r == 0 ? w->d->ops->rmdir(w->d->ctx, path) : -1;
}

static int sync_dir(struct walk *w, const char *from, const char *to,
    const char *rel, bool fresh);

static int
sync_file(struct walk *w, const char *from, const char *to)
{
	struct stat sb;
	int fd, r;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return error_errno("cannot open '%s'", from);
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return error_errno("cannot stat '%s'", from);
	}
	r = w->d->ops->put(w->d->ctx, to, fd, &sb);
	close(fd);
	if (r == 0) {
		w->stats->files_sent++;
		w->stats->bytes_sent += (uint64_t)sb.st_size;
		debug("sent '%s' (%lld bytes)", to, (long long)sb.st_size);
	}
	return r;
}

static int
sync_link(struct walk *w, const char *from, const char *to,
    const struct ssh_stat *have)
{
	char *target = NULL, *old = NULL;
	int r = -1;

	if (local_readlink_path(from, &target) == -1)
		return -1;
	if (have != NULL && have->type == SSH_FILE_LINK) {
		if (w->d->ops->readlink(w->d->ctx, to, &old) == -1)
			goto out;
		if (strcmp(old, target) == 0) {
			w->stats->unchanged++;
			r = 0;
			goto out;
		}
	}
	if (have != NULL && remove_tree(w, to, have) == -1)
		goto out;
	if ((r = w->d->ops->symlink(w->d->ctx, to, target)) == 0)
		w->stats->links_made++;
out:
	free(old);
	free(target);
	return r;
}

/* Bring one entry up to date: lst is the local lstat, have the
 * destination's (NULL: missing). */
static int
sync_entry(struct walk *w, const char *from, const char *to, const char *rel,
    const struct ssh_stat *lst, const struct ssh_stat *have)
{
	bool fresh = have == NULL;

	if (lst->type == SSH_FILE_LINK)
		return sync_link(w, from, to, have);
	if (have != NULL && have->type != lst->type) {
		if (remove_tree(w, to, have) == -1)
			return -1;
		w->stats->deleted++;
		have = NULL;
	}
	if (lst->type == SSH_FILE_DIR) {
		fresh = have == NULL;
		if (have == NULL) {
			if (w->d->ops->mkdir(w->d->ctx, to, lst->mode) == -1)
				return -1;
			w->stats->dirs_made++;
		}
		if (have == NULL || have->mode != lst->mode) {
			if (w->d->ops->chmod(w->d->ctx, to, lst->mode) == -1)
				return -1;
		}
		return sync_dir(w, from, to, rel, fresh);
	}
	if (have != NULL && have->size == lst->size &&
	    have->mtime == lst->mtime) {
		if (have->mode == lst->mode) {
			w->stats->unchanged++;
			return 0;
		}
		w->stats->changed++;
		return w->d->ops->chmod(w->d->ctx, to, lst->mode);
	}
	return sync_file(w, from, to);
}

static const struct entry *
find_entry(const struct listing *l, const char *name)
{
	struct entry key = {.name = (char *)name};

	if (l->n == 0)
		return NULL;
	return bsearch(&key, l->e, l->n, sizeof(*l->e), entry_cmp);
}

/* Bring every local entry of from over to to. */
static int
sync_mine(struct walk *w, const char *from, const char *to, const char *rel,
    const struct listing *mine, const struct listing *theirs)
{
	int r = 0;

	for (size_t i = 0; i < mine->n && r == 0; i++) {
		const struct entry *e = &mine->e[i];
		const struct entry *t = find_entry(theirs, e->name);
		char *sub_rel = rel[0] != '\0'
		    ? xasprintf("%s/%s", rel, e->name)
		    : xstrdup(e->name);
		char *sub_from = xasprintf("%s/%s", from, e->name);
		char *sub_to = xasprintf("%s/%s", to, e->name);

		if (rsync_ignored(w->opts, sub_rel, e->name))
			debug("ignored '%s'", sub_from);
		else if (e->st.type == SSH_FILE_OTHER)
			verbose("rsync: '%s' is not a file, a directory or a "
			        "symbolic link: not copied",
			    sub_from);
		else
			r = sync_entry(w, sub_from, sub_to, sub_rel, &e->st,
			    t != NULL ? &t->st : NULL);
		free(sub_rel);
		free(sub_from);
		free(sub_to);
	}
	return r;
}

/* Delete what to has and from has not, but for ignored entries. */
static int
delete_theirs(struct walk *w, const char *to, const char *rel,
    const struct listing *mine, const struct listing *theirs)
{
	int r = 0;

	for (size_t i = 0; i < theirs->n && r == 0; i++) {
		const struct entry *t = &theirs->e[i];
		char *sub_rel, *sub_to;

		if (find_entry(mine, t->name) != NULL)
			continue;
		sub_rel = rel[0] != '\0' ? xasprintf("%s/%s", rel, t->name)
		                         : xstrdup(t->name);
		sub_to = xasprintf("%s/%s", to, t->name);
		if (!rsync_ignored(w->opts, sub_rel, t->name)) {
			r = remove_tree(w, sub_to, &t->st);
			if (r == 0)
				w->stats->deleted++;
		}
		free(sub_rel);
		free(sub_to);
	}
	return r;
}

static int
sync_dir(struct walk *w, const char *from, const char *to, const char *rel,
    bool fresh)
{
	struct listing mine = {0}, theirs = {0};
	int r = -1;

	if (local_list(NULL, from, listing_add, &mine) == -1 ||
	    (!fresh &&
	        w->d->ops->list(w->d->ctx, to, listing_add, &theirs) == -1))
		goto out;
	listing_sort(&mine);
	listing_sort(&theirs);
	r = sync_mine(w, from, to, rel, &mine, &theirs);
	if (r == 0)
		r = delete_theirs(w, to, rel, &mine, &theirs);
out:
	listing_release(&mine);
	listing_release(&theirs);
	return r;
}

/* mkdir -p on the destination. */
static int
make_dirs(struct walk *w, const char *path)
{
	char *p = xstrdup(path), *slash = p;
	struct ssh_stat st;
	int r = 0;

	for (;;) {
		slash = strchr(slash + (*slash == '/'), '/');
		if (slash != NULL)
			*slash = '\0';
		if (p[0] != '\0' &&
		    (r = w->d->ops->lstat(w->d->ctx, p, &st)) == 1) {
			r = w->d->ops->mkdir(w->d->ctx, p, 0755);
			w->stats->dirs_made += r == 0;
		}
		if (r == -1 || slash == NULL)
			break;
		*slash = '/';
		while (slash[1] == '/')
			slash++;
	}
	free(p);
	return r == -1 ? -1 : 0;
}

int
rsync_tree(struct rsync_dest *d, const char *from, const char *to,
    const struct rsync_opts *opts, struct rsync_stats *stats)
{
	struct walk w = {.d = d, .opts = opts, .stats = stats};
	struct ssh_stat have, mine;
	struct stat sb;
	int r;

	if (stat(from, &sb) == -1)
		return error_errno("--rsyncdir '%s'", from);
	if (!S_ISDIR(sb.st_mode))
		return error("--rsyncdir '%s': not a directory", from);
	stat_from_local(&sb, &mine);
	if ((r = d->ops->lstat(d->ctx, to, &have)) == -1)
		return -1;
	if (r == 1) {
		char *slash = strrchr(to, '/');

		if (slash != NULL && slash != to) {
			char *parent = xstrndup(to, (size_t)(slash - to));

			r = make_dirs(&w, parent);
			free(parent);
			if (r == -1)
				return -1;
		}
		return sync_entry(&w, from, to, "", &mine, NULL);
	}
	return sync_entry(&w, from, to, "", &mine, &have);
}

char *
rsync_dest_path(const char *chdir, const char *dir)
{
	char *copy = xstrdup(dir), *name, *r;
	size_t len = strlen(copy);

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	name = strrchr(copy, '/');
	name = name != NULL && name[1] != '\0' ? name + 1 : copy;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, "/") == 0) {
		char *abs = realpath(dir, NULL);

		if (abs != NULL) {
			free(copy);
			copy = abs;
			name = strrchr(copy, '/');
			name =
			    name != NULL && name[1] != '\0' ? name + 1 : copy;
		}
	}
	if (chdir == NULL || chdir[0] == '\0')
		r = xstrdup(name);
	else if (chdir[strlen(chdir) - 1] == '/')
		r = xasprintf("%s%s", chdir, name);
	else
		r = xasprintf("%s/%s", chdir, name);
	free(copy);
	return r;
}

static char *
human_bytes(uint64_t n)
{
	if (n < 10 * 1024)
		return xasprintf("%llu bytes", (unsigned long long)n);
	if (n < 10 * 1024 * 1024)
		return xasprintf("%.1f KiB", (double)n / 1024);
	return xasprintf("%.1f MiB", (double)n / (1024 * 1024));
}

int
rsync_dirs(struct rsync_dest *d, const char *chdir,
    const struct rsync_opts *opts, const char *where, struct rsync_stats *stats)
{
	for (size_t i = 0; i < opts->ndirs; i++) {
		struct rsync_stats s = {0};
		char *to = rsync_dest_path(chdir, opts->dirs[i]), *bytes;
		struct timespec t0, t1;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = rsync_tree(d, opts->dirs[i], to, opts, &s);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		bytes = human_bytes(s.bytes_sent);
		if (r == 0)
			verbose("rsync: '%s' to %s%s: %u file%s sent (%s), "
			        "%u link%s, %u deleted, %u unchanged in "
			        "%.3f s",
			    opts->dirs[i], where, to, s.files_sent,
			    s.files_sent == 1 ? "" : "s", bytes, s.links_made,
			    s.links_made == 1 ? "" : "s", s.deleted,
			    s.unchanged,
			    (double)(t1.tv_sec - t0.tv_sec) +
			        (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		free(bytes);
		free(to);
		if (stats != NULL) {
			stats->files_sent += s.files_sent;
			stats->bytes_sent += s.bytes_sent;
			stats->links_made += s.links_made;
			stats->dirs_made += s.dirs_made;
			stats->changed += s.changed;
			stats->deleted += s.deleted;
			stats->unchanged += s.unchanged;
		}
		if (r == -1)
			return error("cannot copy '%s' to %s%s", opts->dirs[i],
			    where, chdir != NULL ? chdir : "");
	}
	return 0;
}

/* The rest of path after prefix and a slash, or NULL. */
static const char *
under(const char *path, const char *prefix)
{
	size_t len = strlen(prefix);

	while (len > 1 && prefix[len - 1] == '/')
		len--;
	if (strncmp(path, prefix, len) != 0 || path[len] != '/')
		return NULL;
	return path + len;
}

char *
rsync_map_path(const struct rsync_opts *opts, const char *worker_cwd,
    const char *path)
{
	char cwd[PATH_MAX];
	const char *rest;

	if (worker_cwd == NULL || worker_cwd[0] != '/' ||
	    getcwd(cwd, sizeof(cwd)) == NULL || strcmp(cwd, worker_cwd) == 0)
		return NULL;
	for (size_t i = 0; i < opts->ndirs; i++) {
		char *dest = rsync_dest_path(worker_cwd, opts->dirs[i]), *local;

		rest = under(path, dest);
		free(dest);
		if (rest == NULL)
			continue;
		if ((local = realpath(opts->dirs[i], NULL)) == NULL)
			local = opts->dirs[i][0] == '/'
			    ? xstrdup(opts->dirs[i])
			    : xasprintf("%s/%s", cwd, opts->dirs[i]);
		dest = xasprintf("%s%s", local, rest);
		free(local);
		return dest;
	}
	if ((rest = under(path, worker_cwd)) != NULL)
		return xasprintf("%s%s", cwd, rest);
	return NULL;
}
