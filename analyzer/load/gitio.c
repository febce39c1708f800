/*
 * gitio.c - spec versions read out of git with libgit2: REV:PATH contents,
 * the version before PATH's last change (the default baseline: what the
 * cache holds after runs of the previous spec), whether a file on disk is
 * tracked, and the walk, diff and tree primitives history.c builds on.  The
 * only file that includes git2.h.
 */
#define _XOPEN_SOURCE 700       /* realpath() */

#include "load/gitio.h"

#include <errno.h>
#include <git2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "load/similar.h"
#include "base/banned.h"

/* libgit2's object cache and mapped pack windows (see gitio_open) */
#define TREE_CACHE_BYTES (8u << 20)
#define PACK_MAP_BYTES (32u << 20)
#define PACK_WINDOW_BYTES (4u << 20)

struct gitrepo {
	git_repository *repo;
};

/* libgit2's last error message, or a generic one. */
static const char *gitio_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

static void oid_hex(char out[41], const git_oid *id)
{
	git_oid_tostr(out, 41, id);
}

/*
 * libgit2 up (its counter pairs this with git_libgit2_shutdown) and its
 * process-wide settings: under a lock, since diff and history open
 * repositories from several threads.
 */
static int libgit2_begin(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int ret;

	pthread_mutex_lock(&lock);
	ret = git_libgit2_init() < 0 ? -1 : 0;
	if (!ret) {
		/*
		 * Re-hashing every blob read costs as much as parsing it;
		 * zlib's and the pack's checksums still catch corrupt
		 * objects (git cat-file does not re-hash either).
		 */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		/*
		 * libgit2 keeps the trees and commits it reads in a cache of
		 * up to 256 MiB, and maps a pack in 1 GiB windows up to
		 * 8 GiB, all resident once touched: a walk over thousands of
		 * commits reads each tree about once, so both only grow
		 * (205 MiB peak on kubeflow/pipelines' --glob history).  A
		 * small cache still holds what a commit shares with its
		 * parent; small windows let old parts of the pack be unmapped
		 * (62 MiB).
		 */
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)TREE_CACHE_BYTES);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)PACK_WINDOW_BYTES);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)PACK_MAP_BYTES);
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

/*
 * Open with discovery.  *missing (optional) tells "no repository here"
 * apart from a repository that cannot be opened.  libgit2 is initialised
 * per open repository and shut down with it (its counter pairs them).
 */
static int repo_open(struct gitrepo **out, const char *dir, bool *missing)
{
	git_repository *repo = NULL;
	int e;

	*out = NULL;
	if (missing)
		*missing = false;
	if (libgit2_begin() < 0)
		return err_set("%s: cannot initialise libgit2: %s", dir, gitio_msg());
	e = git_repository_open_ext(&repo, dir, 0, NULL);
	if (e < 0) {
		if (e == GIT_ENOTFOUND) {
			if (missing)
				*missing = true;
			err_set("%s: not a git repository (or any parent directory)", dir);
		} else {
			err_set("%s: %s", dir, gitio_msg());
		}
		git_libgit2_shutdown();
		return -1;
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->repo = repo;
	return 0;
}

const char *gitrepo_path(const struct gitrepo *r)
{
	return git_repository_path(r->repo);
}

int gitrepo_open(struct gitrepo **out, const char *dir)
{
	return repo_open(out, dir ? dir : ".", NULL);
}

void gitrepo_free(struct gitrepo *r)
{
	if (!r)
		return;
	git_repository_free(r->repo);
	free(r);
	git_libgit2_shutdown();
}

const char *gitrepo_workdir(const struct gitrepo *r)
{
	return git_repository_workdir(r->repo);
}

/*
 * Did revparse fail because no such revision is named?  A name that
 * resolves to an object the repository cannot read (a truncated pack, a
 * lost loose object) fails in the object database instead: that is damage
 * to report, not an unknown revision.
 */
static bool rev_is_unknown(int e)
{
	const git_error *ge = git_error_last();

	if (e == GIT_EINVALIDSPEC)
		return true;
	return e == GIT_ENOTFOUND && (!ge || ge->klass != GIT_ERROR_ODB);
}

/* REV peeled to a commit.  quiet: record no error. */
static int resolve_commit(struct gitrepo *r, const char *rev, git_commit **out,
			  bool quiet)
{
	git_object *obj = NULL, *peeled = NULL;
	int e, ret = -1;

	*out = NULL;
	e = git_revparse_single(&obj, r->repo, rev);
	if (e < 0) {
		if (quiet)
			goto done;
		if (rev_is_unknown(e))
			err_set("%s: unknown revision", rev);
		else if (e == GIT_EAMBIGUOUS)
			err_set("%s: ambiguous revision", rev);
		else
			err_set("%s: %s", rev, gitio_msg());     /* e.g. a corrupt object */
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		if (!quiet)
			err_set("%s: not a commit (%s)", rev, gitio_msg());
		goto done;
	}
	*out = (git_commit *)peeled;
	peeled = NULL;
	ret = 0;
done:
	git_object_free(obj);
	git_object_free(peeled);
	return ret;
}

int gitrepo_find_rev(struct gitrepo *r, const char *rev, const char *path, bool *found)
{
	git_object *obj = NULL, *peeled = NULL;
	int e, ret = 0;

	*found = false;
	e = git_revparse_single(&obj, r->repo, rev);
	if (e < 0) {
		if (!rev_is_unknown(e) && e != GIT_EAMBIGUOUS)
			ret = err_set("%s:%s: cannot read the commit: %s", rev, path, gitio_msg());
		goto done;
	}
	*found = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0;
done:
	git_object_free(obj);
	git_object_free(peeled);
	return ret;
}

/* PATH is a symbolic link in commit c: say so, and to what. */
static int symlink_error(git_commit *c, const char *label, const char *path,
			 const git_oid *id)
{
	git_blob *blob = NULL;
	char hex[41];
	int ret;

	if (git_blob_lookup(&blob, git_commit_owner(c), id) < 0) {
		oid_hex(hex, id);
		return err_set("%s:%s: a symbolic link in git (its target, object %s, "
			       "cannot be read: %s)", label, path, hex, gitio_msg());
	}
	ret = err_set("%s:%s: a symbolic link in git to '%.*s', not a spec file", label, path,
		      (int)(git_blob_rawsize(blob) > 1024 ? 1024 : git_blob_rawsize(blob)),
		      (const char *)git_blob_rawcontent(blob));
	git_blob_free(blob);
	return ret;
}

/*
 * The blob id of PATH in commit c; *present is false when PATH is absent.
 * A tree at PATH is an error.  `label` names the commit in messages (the
 * user's REV, or a commit id).
 */
static int blob_at(git_commit *c, const char *label, const char *path, git_oid *out,
		   bool *present)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	char hex[41];
	int e, ret = -1;

	*present = false;
	if (git_commit_tree(&tree, c) < 0) {
		oid_hex(hex, git_commit_tree_id(c));
		err_set("%s: cannot read tree %s: %s", label, hex, gitio_msg());
		goto done;
	}
	e = git_tree_entry_bypath(&entry, tree, path);
	if (e == GIT_ENOTFOUND) {
		ret = 0;
		goto done;
	}
	if (e < 0) {
		err_set("%s:%s: %s", label, path, gitio_msg());
		goto done;
	}
	if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
		symlink_error(c, label, path, git_tree_entry_id(entry));
		goto done;
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		err_set("%s:%s: not a file at that revision (a %s)", label, path,
			git_object_type2string(git_tree_entry_type(entry)));
		goto done;
	}
	git_oid_cpy(out, git_tree_entry_id(entry));
	*present = true;
	ret = 0;
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return ret;
}

/* The paths of a tree whose file name is `name`, for "did you mean". */
struct same_name {
	const char *name, *rev;
	struct strbuf list;
	size_t n;
};

static int same_name_cb(const char *path, struct gitio_file *f, void *payload)
{
	struct same_name *s = payload;
	const char *base = strrchr(path, '/');

	(void)f;
	if (strcmp(base ? base + 1 : path, s->name))
		return 0;
	if (s->n++ < 5)
		sb_addf(&s->list, "%s%s:%s", s->n > 1 ? ", " : "", s->rev, path);
	return 0;
}

/*
 * PATH is not in REV's tree: say so as git's "does not exist in", and name
 * the paths of that tree with the same file name (a file given from the
 * wrong directory, or moved).
 */
static int not_in_rev(struct gitrepo *r, const char *rev, const char *path)
{
	const char *base = strrchr(path, '/');
	struct same_name s = { base ? base + 1 : path, rev, STRBUF_INIT, 0 };
	int ret;

	if (gitio_tree_each(r, rev, same_name_cb, &s) < 0)
		err_clear();
	if (!s.n)
		ret = err_set("%s:%s: '%s' is not in %s", rev, path, path, rev);
	else
		ret = err_set("%s:%s: '%s' is not in %s; did you mean %s%s?", rev, path, path,
			      rev, sb_str(&s.list), s.n > 5 ? ", ..." : "");
	sb_release(&s.list);
	return ret;
}

int gitrepo_read(struct gitrepo *r, const char *rev, const char *path,
		 char **buf, size_t *len, char blob_hex[41])
{
	git_commit *c = NULL;
	git_blob *blob = NULL;
	git_oid id;
	git_object_size_t size;
	bool present;
	char hex[41];
	int e, ret = -1;

	*buf = NULL;
	*len = 0;
	blob_hex[0] = '\0';
	if (resolve_commit(r, rev, &c, false) < 0 ||
	    blob_at(c, rev, path, &id, &present) < 0)
		goto done;
	if (!present) {
		not_in_rev(r, rev, path);
		goto done;
	}
	oid_hex(hex, &id);
	if ((e = git_blob_lookup(&blob, r->repo, &id)) < 0) {
		/* libgit2 1.5 cannot fetch from a promisor remote: say what is missing. */
		if (e == GIT_ENOTFOUND)
			err_set("%s:%s: blob %.12s is missing from this clone (a partial clone?)",
				rev, path, hex);
		else
			err_set("%s:%s: cannot read object %s: %s", rev, path, hex, gitio_msg());
		goto done;
	}
	size = git_blob_rawsize(blob);
	if (size >= SIZE_MAX) {
		err_set("%s:%s: object %s too large", rev, path, hex);
		goto done;
	}
	*len = (size_t)size;
	*buf = xmalloc(*len + 1);
	if (*len)
		memcpy(*buf, git_blob_rawcontent(blob), *len);
	(*buf)[*len] = '\0';
	memcpy(blob_hex, hex, sizeof(hex));
	ret = 0;
done:
	git_blob_free(blob);
	git_commit_free(c);
	return ret;
}

/* Is c a graft point of a shallow clone (listed in $GIT_COMMON_DIR/shallow)? */
static bool is_shallow_boundary(struct gitrepo *r, const git_commit *c)
{
	struct strbuf path = STRBUF_INIT;
	char *list = NULL, *line;
	size_t len;
	char hex[41];
	bool found = false;

	if (git_repository_is_shallow(r->repo) != 1)
		return false;
	sb_adds(&path, git_repository_commondir(r->repo));
	sb_adds(&path, "shallow");
	if (read_file(sb_str(&path), &list, &len) < 0) {
		err_clear();
		goto done;
	}
	oid_hex(hex, git_commit_id(c));
	for (line = list; !found && line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		found = !strncmp(line, hex, 40);
	}
done:
	free(list);
	sb_release(&path);
	return found;
}

static int shallow_error(const char *rev, const char *path, const git_commit *c)
{
	char hex[41];

	oid_hex(hex, git_commit_id(c));
	return err_set("%s:%s: history is shallow at commit %.12s, the previous "
		       "version is not available (git fetch --unshallow)", rev, path, hex);
}

int gitrepo_prev_version(struct gitrepo *r, const char *rev, const char *path,
			 bool *found, char out_commit[41])
{
	git_commit *cur = NULL, *parent = NULL;
	git_oid want, id;
	bool present;
	char hex[41];
	int e, ret = -1;

	*found = false;
	out_commit[0] = '\0';
	if (resolve_commit(r, rev, &cur, false) < 0 ||
	    blob_at(cur, rev, path, &want, &present) < 0)
		goto done;
	if (!present) {
		err_set("%s:%s: path not found at revision", rev, path);
		goto done;
	}
	for (;;) {
		if (git_commit_parentcount(cur) == 0) {
			/* A root commit: PATH was never different before REV. */
			if (is_shallow_boundary(r, cur)) {
				shallow_error(rev, path, cur);
				goto done;
			}
			break;
		}
		e = git_commit_parent(&parent, cur, 0);
		if (e < 0) {
			if (e == GIT_ENOTFOUND && git_repository_is_shallow(r->repo) == 1) {
				shallow_error(rev, path, cur);
			} else {
				oid_hex(hex, git_commit_id(cur));
				err_set("%s: cannot read the parent of commit %s: %s", rev,
					hex, gitio_msg());
			}
			goto done;
		}
		git_commit_free(cur);
		cur = parent;
		parent = NULL;
		oid_hex(hex, git_commit_id(cur));
		if (blob_at(cur, hex, path, &id, &present) < 0)
			goto done;
		/*
		 * Absent: PATH was (re)added after this commit.  The version
		 * before a deletion is not "the previous version" of a new
		 * file, so there is none and the caller starts cold.
		 */
		if (!present)
			break;
		if (!git_oid_equal(&id, &want)) {
			*found = true;
			memcpy(out_commit, hex, sizeof(hex));
			break;
		}
	}
	ret = 0;
done:
	git_commit_free(parent);
	git_commit_free(cur);
	return ret;
}

/* Is path a file in HEAD's tree?  An unborn HEAD tracks nothing. */
static int tracked_at_head(struct gitrepo *r, const char *path, bool *tracked)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int e, ret = -1;

	*tracked = false;
	if (git_repository_head_unborn(r->repo) == 1)
		return 0;
	if (resolve_commit(r, "HEAD", &c, false) < 0)
		goto done;
	if (git_commit_tree(&tree, c) < 0) {
		err_set("HEAD: cannot read tree: %s", gitio_msg());
		goto done;
	}
	e = git_tree_entry_bypath(&entry, tree, path);
	if (e < 0 && e != GIT_ENOTFOUND) {
		err_set("HEAD:%s: %s", path, gitio_msg());
		goto done;
	}
	*tracked = e == 0 && git_tree_entry_type(entry) == GIT_OBJECT_BLOB;
	ret = 0;
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(c);
	return ret;
}

int gitrepo_tracked_path(const char *file, bool *tracked, char **repo_dir,
			 char **relpath)
{
	struct gitrepo *r = NULL;
	char *real = NULL, *dir = NULL, *top = NULL, *slash;
	const char *wd;
	bool missing;
	size_t n;
	int ret = -1;

	*tracked = false;
	*repo_dir = NULL;
	*relpath = NULL;
	if (!(real = realpath(file, NULL))) {
		err_set("%s: %s", file, strerror(errno));
		goto done;
	}
	dir = xstrdup(real);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';       /* a file in "/" */
	else
		*slash = '\0';
	if (repo_open(&r, dir, &missing) < 0) {
		if (missing) {
			err_clear();
			ret = 0;        /* outside any repository */
		}
		goto done;
	}
	if (!(wd = gitrepo_workdir(r))) {
		ret = 0;        /* bare: nothing is checked out */
		goto done;
	}
	if (!(top = realpath(wd, NULL))) {
		err_set("%s: %s", wd, strerror(errno));
		goto done;
	}
	n = strlen(top);
	if (n == 1)
		n = 0;          /* the work tree is "/" */
	if (strncmp(real, top, n) || real[n] != '/' || !strncmp(real + n, "/.git/", 6)) {
		ret = 0;
		goto done;
	}
	*repo_dir = xstrdup(wd);
	*relpath = xstrdup(real + n + 1);
	if (tracked_at_head(r, *relpath, tracked) < 0) {
		free(*repo_dir);
		free(*relpath);
		*repo_dir = NULL;
		*relpath = NULL;
		goto done;
	}
	ret = 0;
done:
	free(real);
	free(dir);
	free(top);
	gitrepo_free(r);
	return ret;
}

/* ---- the primitives of history.c: a revwalk, commits, renames, trees ---- */

struct gitio_walk {
	git_repository *repo;
	git_revwalk *w;
	const char *path;       /* named in the walk's messages */
	git_oid hide;           /* A of "A..B" */
	bool has_hide;
	/*
	 * date_order: git's own walk instead of libgit2's (whose time sort
	 * is not stable: commits of the same second come out in any order,
	 * parents before children): commits by committer date, newest
	 * first, equal dates in the order they were reached
	 * (commit.c commit_list_insert_by_date, revision.c process_parents).
	 */
	bool date_order;
	git_commit **q;
	size_t qn, qalloc;
	struct strmap seen;     /* hex ids queued once */
};

struct gitio_commit {
	git_commit *c;
};

struct gitio_file {
	git_repository *repo;
	const git_tree_entry *entry;
	const char *path;
	git_blob *blob;         /* read on demand, freed after the callback */
};

/* rev peeled to a commit's id; an unknown one is "REV: unknown revision". */
static int range_end(git_repository *repo, const char *rev, git_oid *out)
{
	git_object *obj = NULL, *peeled = NULL;

	if (git_revparse_single(&obj, repo, rev) < 0)
		return err_set("%s: unknown revision", rev);
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(obj);
		return err_set("%s: not a commit", rev);
	}
	git_oid_cpy(out, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	return 0;
}

/* Queue commit id unless it was: after the commits of its date or later. */
static int date_push(struct gitio_walk *w, const git_oid *id)
{
	git_commit *c = NULL;
	char hex[41];
	size_t at;

	oid_hex(hex, id);
	if (strmap_has(&w->seen, hex))
		return 0;
	if (git_commit_lookup(&c, w->repo, id) < 0) {
		if (git_repository_is_shallow(w->repo) == 1)
			return err_set("%s: history is shallow: an earlier commit is not in this "
				       "clone (git fetch --unshallow)", w->path);
		return err_set("commit %.12s: cannot read it: %s", hex, gitio_msg());
	}
	strmap_put(&w->seen, hex, NULL);
	for (at = 0; at < w->qn && git_commit_time(w->q[at]) >= git_commit_time(c); at++)
		;
	KC_GROW(w->q, w->qalloc, w->qn + 1);
	memmove(w->q + at + 1, w->q + at, (w->qn - at) * sizeof(*w->q));
	w->q[at] = c;
	w->qn++;
	return 0;
}

/* The newest queued commit, its parents queued in their order. */
static int date_next(struct gitio_walk *w, git_commit **out)
{
	unsigned k;

	*out = NULL;
	if (!w->qn)
		return 0;
	*out = w->q[0];
	memmove(w->q, w->q + 1, --w->qn * sizeof(*w->q));
	for (k = 0; k < git_commit_parentcount(*out); k++)
		if (date_push(w, git_commit_parent_id(*out, k)) < 0) {
			git_commit_free(*out);
			*out = NULL;
			return -1;
		}
	return 1;
}

/*
 * Push the tip of the range; A of "A..B" is remembered, not hidden: the
 * commits reachable from it are outside the window but still warm the cache.
 */
static int push_range(struct gitio_walk *w, const char *range)
{
	const char *dots = range ? strstr(range, "..") : NULL;
	git_object *obj = NULL;
	const char *tip = range;
	char *from;
	int ret;

	if (!range && git_revwalk_push_head(w->w) < 0)
		return err_set("HEAD: %s", gitio_msg());
	if (!range && !w->date_order)
		return 0;
	if (!range)
		tip = "HEAD";
	if (dots) {
		from = xstrndup(range, (size_t)(dots - range));
		ret = range_end(w->repo, *from ? from : "HEAD", &w->hide);
		free(from);
		if (ret < 0)
			return -1;
		w->has_hide = true;
		tip = dots[2] ? dots + 2 : "HEAD";
	}
	if (git_revparse_single(&obj, w->repo, tip) < 0)
		return err_set("%s: unknown revision", tip);
	if (range)
		git_revwalk_push(w->w, git_object_id(obj));
	ret = w->date_order ? date_push(w, git_object_id(obj)) : 0;
	git_object_free(obj);
	return ret;
}

int gitio_walk_begin(struct gitio_walk **out, struct gitrepo *r, const char *range,
		     bool first_parent, bool date_order, const char *path)
{
	struct gitio_walk *w = xcalloc(1, sizeof(*w));

	*out = NULL;
	w->repo = r->repo;
	w->path = path;
	w->date_order = date_order;
	strmap_init(&w->seen);
	if (git_revwalk_new(&w->w, r->repo) < 0) {
		err_set("cannot walk history: %s", gitio_msg());
		goto fail;
	}
	git_revwalk_sorting(w->w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (first_parent)
		git_revwalk_simplify_first_parent(w->w);
	if (push_range(w, range) < 0)
		goto fail;
	*out = w;
	return 0;
fail:
	gitio_walk_free(w);
	return -1;
}

static struct gitio_commit *commit_wrap(git_commit *c)
{
	struct gitio_commit *gc = xmalloc(sizeof(*gc));

	gc->c = c;
	return gc;
}

int gitio_walk_next(struct gitio_walk *w, struct gitio_commit **out)
{
	git_commit *c = NULL;
	git_oid id;
	char hex[41];
	int e;

	*out = NULL;
	if (w->date_order) {
		if ((e = date_next(w, &c)) == 1)
			*out = commit_wrap(c);
		return e;
	}
	e = git_revwalk_next(&id, w->w);
	if (e == GIT_ITEROVER)
		return 0;
	if (e < 0) {
		if (git_repository_is_shallow(w->repo) == 1)
			return err_set("%s: history is shallow: an earlier commit is not in this "
				       "clone (git fetch --unshallow)", w->path);
		return err_set("history walk failed: %s", gitio_msg());
	}
	if (git_commit_lookup(&c, w->repo, &id) < 0) {
		oid_hex(hex, &id);
		return err_set("commit %.12s: cannot read it: %s", hex, gitio_msg());
	}
	*out = commit_wrap(c);
	return 1;
}

int gitio_walk_parent(struct gitio_commit **out, struct gitio_walk *w,
		      const struct gitio_commit *c, unsigned k)
{
	git_commit *p = NULL;
	char hex[41];

	*out = NULL;
	if (git_commit_parent(&p, c->c, k) < 0) {
		oid_hex(hex, git_commit_id(c->c));
		if (git_repository_is_shallow(w->repo) == 1)
			return err_set("%s: history is shallow at commit %.12s (git fetch --unshallow)",
				       w->path, hex);
		return err_set("commit %.12s: cannot read its parent: %s", hex, gitio_msg());
	}
	*out = commit_wrap(p);
	return 0;
}

bool gitio_walk_hides(const struct gitio_walk *w, const struct gitio_commit *c)
{
	const git_oid *id = git_commit_id(c->c);

	return w->has_hide && (git_oid_equal(&w->hide, id) ||
			       git_graph_descendant_of(w->repo, &w->hide, id) == 1);
}

void gitio_walk_free(struct gitio_walk *w)
{
	if (!w)
		return;
	while (w->qn)
		git_commit_free(w->q[--w->qn]);
	free(w->q);
	strmap_release(&w->seen);
	git_revwalk_free(w->w);
	free(w);
}

void gitio_commit_free(struct gitio_commit *c)
{
	if (!c)
		return;
	git_commit_free(c->c);
	free(c);
}

void gitio_commit_info(struct gitio_commit_info *out, const struct gitio_commit *c)
{
	const git_signature *a = git_commit_author(c->c);
	const char *msg = git_commit_message(c->c);

	oid_hex(out->id, git_commit_id(c->c));
	out->time = (int64_t)git_commit_time(c->c);
	out->author = a && a->name ? a->name : "";
	out->author_time = a ? (int64_t)a->when.time : out->time;
	out->author_offset = a ? a->when.offset : 0;
	out->message = msg ? msg : "";
}

unsigned gitio_commit_parentcount(const struct gitio_commit *c)
{
	return git_commit_parentcount(c->c);
}

int gitio_commit_blob(const struct gitio_commit *c, const char *path, char blob_hex[41],
		      bool *present)
{
	char label[41];
	git_oid id;

	blob_hex[0] = '\0';
	oid_hex(label, git_commit_id(c->c));
	label[12] = '\0';
	if (blob_at(c->c, label, path, &id, present) < 0)
		return -1;
	if (*present)
		oid_hex(blob_hex, &id);
	return 0;
}

/* Add prefix + name (+ '/' for a whole directory) to the changed set. */
static void change_add(struct strmap *out, struct strbuf *prefix, const char *name, bool dir)
{
	size_t len = prefix->len;

	sb_adds(prefix, name);
	if (dir)
		sb_addc(prefix, '/');
	strmap_put(out, prefix->buf, NULL);
	prefix->len = len;
	prefix->buf[len] = '\0';
}

struct tree_filter {
	gitio_wanted_fn *wanted;
	void *ctx;
};

/* Is prefix + name, or something under it, of interest? */
static bool entry_wanted(const struct tree_filter *f, const struct strbuf *prefix, const char *name)
{
	struct strbuf p = STRBUF_INIT;
	bool ok;

	if (!f->wanted)
		return true;
	sb_add(&p, prefix->buf ? prefix->buf : "", prefix->len);
	sb_adds(&p, name);
	ok = f->wanted(p.buf, p.len, f->ctx);
	sb_release(&p);
	return ok;
}

/* Entries of a (NULL: none) that b lacks or holds otherwise; with both, both ways. */
static int tree_changes(git_repository *repo, const git_tree *a, const git_tree *b,
			struct strbuf *prefix, struct strmap *out, const struct tree_filter *f)
{
	size_t i, n = a ? git_tree_entrycount(a) : 0;

	for (i = 0; i < n; i++) {
		const git_tree_entry *ea = git_tree_entry_byindex(a, i);
		const char *name = git_tree_entry_name(ea);
		const git_tree_entry *eb = b ? git_tree_entry_byname(b, name) : NULL;
		bool ta = git_tree_entry_type(ea) == GIT_OBJECT_TREE;
		bool tb = eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE;
		git_tree *sa = NULL, *sb = NULL;
		size_t len = prefix->len;
		int r;

		if (eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
		    git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
			continue;
		if (!entry_wanted(f, prefix, name))
			continue;
		if (!ta || !tb) {
			change_add(out, prefix, name, false);
			if (ta || tb)
				change_add(out, prefix, name, true);
			continue;
		}
		if (git_tree_lookup(&sa, repo, git_tree_entry_id(ea)) < 0 ||
		    git_tree_lookup(&sb, repo, git_tree_entry_id(eb)) < 0) {
			git_tree_free(sa);
			return -1;
		}
		sb_adds(prefix, name);
		sb_addc(prefix, '/');
		r = tree_changes(repo, sa, sb, prefix, out, f);
		prefix->len = len;
		prefix->buf[len] = '\0';
		git_tree_free(sa);
		git_tree_free(sb);
		if (r < 0)
			return -1;
	}
	/* What only b has. */
	n = b ? git_tree_entrycount(b) : 0;
	for (i = 0; i < n; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(b, i);
		const char *name = git_tree_entry_name(eb);

		if ((!a || !git_tree_entry_byname(a, name)) && entry_wanted(f, prefix, name))
			change_add(out, prefix, name, git_tree_entry_type(eb) == GIT_OBJECT_TREE);
	}
	return 0;
}

bool gitio_commit_changes(const struct gitio_commit *c, struct strmap *changed,
			  gitio_wanted_fn *wanted, void *ctx)
{
	const struct tree_filter f = { wanted, ctx };
	git_commit *p = NULL;
	git_tree *a = NULL, *b = NULL;
	struct strbuf prefix = STRBUF_INIT;
	bool ok = false;

	if (!git_commit_parentcount(c->c))
		return false;
	sb_adds(&prefix, "");
	if (git_commit_parent(&p, c->c, 0) == 0 && git_commit_tree(&a, p) == 0 &&
	    git_commit_tree(&b, c->c) == 0)
		ok = tree_changes(git_commit_owner(c->c), a, b, &prefix, changed, &f) == 0;
	git_error_clear();
	sb_release(&prefix);
	git_tree_free(a);
	git_tree_free(b);
	git_commit_free(p);
	return ok;
}

bool gitio_changes_has(const struct strmap *changed, const char *path)
{
	struct strbuf dir = STRBUF_INIT;
	const char *slash;
	bool hit = strmap_has(changed, path);

	for (slash = strchr(path, '/'); !hit && slash; slash = strchr(slash + 1, '/')) {
		sb_reset(&dir);
		sb_add(&dir, path, (size_t)(slash - path) + 1);
		hit = strmap_has(changed, dir.buf);
	}
	sb_release(&dir);
	return hit;
}

/* ---- following a path: git's rename and copy detection (similar.c) ---- */

struct follow_src {
	char *path;
	git_oid id;
	bool stays;               /* still a file in the commit */
	bool unmodified;          /* the same blob at the same path in the commit */
};

static int follow_src_cmp(const void *a, const void *b)
{
	return strcmp(((const struct follow_src *)a)->path, ((const struct follow_src *)b)->path);
}

struct follow {
	git_repository *repo;
	git_tree *ctree;
	const char *label;        /* the commit, 12 digits */
	const char *path;         /* the followed path */
	struct follow_src *v;
	struct sim_src *s;        /* after sorting: what similar.c decides on */
	size_t n, alloc;
};

/*
 * Every regular file of the parent is a source: git's follow sets
 * find_copies_harder (tree-diff.c try_to_follow_renames), which makes
 * diff_setup_done detect copies too, from files the commit left alone.
 */
static int follow_collect(const char *root, const git_tree_entry *entry, void *payload)
{
	struct follow *f = payload;
	git_tree_entry *now = NULL;
	git_filemode_t mode = git_tree_entry_filemode(entry);
	struct strbuf path = STRBUF_INIT;

	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
	    (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE))
		return 0;
	sb_addf(&path, "%s%s", root, git_tree_entry_name(entry));
	KC_GROW(f->v, f->alloc, f->n + 1);
	memset(&f->v[f->n], 0, sizeof(f->v[f->n]));
	git_oid_cpy(&f->v[f->n].id, git_tree_entry_id(entry));
	/* A path that is still a file (or link) stays: a copy, not a rename, source. */
	if (git_tree_entry_bypath(&now, f->ctree, path.buf) == 0 &&
	    git_tree_entry_type(now) == GIT_OBJECT_BLOB) {
		f->v[f->n].stays = true;
		f->v[f->n].unmodified = git_oid_equal(git_tree_entry_id(now), &f->v[f->n].id) &&
					git_tree_entry_filemode(now) == mode;
	}
	git_tree_entry_free(now);
	f->v[f->n++].path = sb_detach(&path, NULL);
	return 0;
}

/* A blob rename detection needs: its bytes, or an error naming commit and path. */
static int follow_blob(git_blob **out, struct follow *f, const git_oid *id, const char *path)
{
	char hex[41];
	int e;

	if ((e = git_blob_lookup(out, f->repo, id)) == 0)
		return 0;
	oid_hex(hex, id);
	if (e == GIT_ENOTFOUND)
		return err_set("commit %s: following %s: blob %.12s of '%s' is missing from this "
			       "clone (a partial clone?): fetch it, or use --no-follow", f->label,
			       f->path, hex, path);
	return err_set("commit %s: following %s: cannot read blob %.12s of '%s': %s", f->label,
		       f->path, hex, path, gitio_msg());
}

/* Its size only, as git checks sizes before it reads (estimate_similarity). */
static int follow_size(size_t *out, struct follow *f, const git_oid *id, const char *path)
{
	git_odb *odb = NULL;
	git_object_t type;
	size_t size;
	git_blob *b = NULL;
	int e = -1;

	if (git_repository_odb(&odb, f->repo) == 0)
		e = git_odb_read_header(&size, &type, odb, id);
	git_odb_free(odb);
	if (e == 0) {
		*out = size;
		return 0;
	}
	if (follow_blob(&b, f, id, path) < 0)
		return -1;
	*out = (size_t)git_blob_rawsize(b);
	git_blob_free(b);
	return 0;
}

/*
 * git's diffcore_rename limit (diff.renameLimit, 1000 in git 2.39): beyond
 * 1000 x 1000 pairs it drops the unmodified sources, or gives up.
 */
#define FOLLOW_RENAME_LIMIT 1000

static int follow_score(struct follow *f, const git_oid *dst_id, int minimum)
{
	git_blob *db = NULL, *sb = NULL;
	struct sim_spans ds, ss;
	size_t i, dsize, ssize, limited = 0;
	bool skip_unmodified = false;
	int ret = -1;

	if (f->n > (size_t)FOLLOW_RENAME_LIMIT * FOLLOW_RENAME_LIMIT) {
		for (i = 0; i < f->n; i++)
			limited += !f->v[i].unmodified;
		if (limited > (size_t)FOLLOW_RENAME_LIMIT * FOLLOW_RENAME_LIMIT)
			return 0;
		skip_unmodified = true;
	}
	if (follow_blob(&db, f, dst_id, f->path) < 0)
		return -1;
	dsize = (size_t)git_blob_rawsize(db);
	sim_spans_init(&ds, git_blob_rawcontent(db), dsize);
	for (i = 0; i < f->n; i++) {
		if (skip_unmodified && f->v[i].unmodified)
			continue;
		if (follow_size(&ssize, f, &f->v[i].id, f->v[i].path) < 0)
			goto done;
		if (!sim_sizes_close(ssize, dsize, minimum))
			continue;
		if (follow_blob(&sb, f, &f->v[i].id, f->v[i].path) < 0)
			goto done;
		sim_spans_init(&ss, git_blob_rawcontent(sb), ssize);
		f->s[i].score = sim_score(&ss, ssize, &ds, dsize);
		sim_spans_release(&ss);
		git_blob_free(sb);
		sb = NULL;
	}
	ret = 0;
done:
	sim_spans_release(&ds);
	git_blob_free(db);
	return ret;
}

int gitio_follow_source(char **old, char *status, unsigned *score,
			const struct gitio_commit *parent, const struct gitio_commit *c,
			const char *path, unsigned threshold)
{
	struct follow f;
	git_tree *pt = NULL;
	git_tree_entry *dst = NULL;
	char label[41];
	int minimum = (int)(threshold * SIM_MAX_SCORE / 100);
	long pick;
	size_t i;
	int ret = -1;

	*old = NULL;
	*status = 0;
	*score = 0;
	memset(&f, 0, sizeof(f));
	oid_hex(label, git_commit_id(c->c));
	label[12] = '\0';
	f.repo = git_commit_owner(c->c);
	f.label = label;
	f.path = path;
	if (git_commit_tree(&pt, parent->c) < 0 || git_commit_tree(&f.ctree, c->c) < 0) {
		err_set("commit %s: following %s: cannot read the trees: %s", label, path,
			gitio_msg());
		goto done;
	}
	if (git_tree_entry_bypath(&dst, f.ctree, path) < 0) {
		ret = 0;        /* not a file here: nothing to follow */
		goto done;
	}
	if (git_tree_walk(pt, GIT_TREEWALK_PRE, follow_collect, &f) < 0) {
		err_set("commit %s: following %s: cannot read the parent's tree: %s", label, path,
			gitio_msg());
		goto done;
	}
	/* git's order of sources: the diff's, by path (an empty parent tree has none). */
	if (f.n)
		qsort(f.v, f.n, sizeof(*f.v), follow_src_cmp);
	f.s = xcalloc(f.n ? f.n : 1, sizeof(*f.s));
	for (i = 0; i < f.n; i++) {
		f.s[i].path = f.v[i].path;
		f.s[i].stays = f.v[i].stays;
		f.s[i].exact = git_oid_equal(&f.v[i].id, git_tree_entry_id(dst));
		f.s[i].score = 0;
	}
	pick = sim_pick_exact(f.s, f.n, path);
	if (pick >= 0) {
		*score = 100;
	} else {
		if (follow_score(&f, git_tree_entry_id(dst), minimum) < 0)
			goto done;
		pick = sim_pick_similar(f.s, f.n, path, minimum);
		if (pick >= 0)
			*score = (unsigned)(f.s[pick].score * 100 / SIM_MAX_SCORE);
	}
	if (pick >= 0) {
		*old = xstrdup(f.v[pick].path);
		*status = f.s[pick].stays ? 'C' : 'R';
	}
	ret = 0;
done:
	for (i = 0; i < f.n; i++)
		free(f.v[i].path);
	free(f.v);
	free(f.s);
	git_tree_entry_free(dst);
	git_tree_free(f.ctree);
	git_tree_free(pt);
	return ret;
}

bool gitio_has_blob(const struct gitio_commit *c, const char *blob_hex)
{
	git_odb *odb = NULL;
	git_oid id;
	bool has = true;

	if (git_oid_fromstr(&id, blob_hex) == 0 &&
	    git_repository_odb(&odb, git_commit_owner(c->c)) == 0)
		has = git_odb_exists(odb, &id) == 1;
	git_odb_free(odb);
	return has;
}

int gitio_file_read(struct gitio_file *f, const char **buf, size_t *len)
{
	if (!f->blob && git_blob_lookup(&f->blob, f->repo, git_tree_entry_id(f->entry)) < 0)
		return err_set("%s: cannot read object: %s", f->path, gitio_msg());
	*buf = git_blob_rawcontent(f->blob);
	*len = (size_t)git_blob_rawsize(f->blob);
	return 0;
}

struct tree_walk {
	git_repository *repo;
	gitio_file_fn *fn;
	void *payload;
	bool failed;
};

static int tree_walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
	struct tree_walk *t = payload;
	struct strbuf path = STRBUF_INIT;
	struct gitio_file f;
	int e;

	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		return 0;
	sb_addf(&path, "%s%s", root, git_tree_entry_name(entry));
	f.repo = t->repo;
	f.entry = entry;
	f.path = path.buf;
	f.blob = NULL;
	e = t->fn(path.buf, &f, t->payload);
	git_blob_free(f.blob);
	sb_release(&path);
	if (e < 0) {
		t->failed = true;
		return -1;
	}
	return 0;
}

int gitio_tree_each(struct gitrepo *r, const char *rev, gitio_file_fn *fn, void *payload)
{
	struct tree_walk t = { r->repo, fn, payload, false };
	git_object *obj = NULL;
	git_tree *tree = NULL;
	int ret = -1;

	if (!rev)
		rev = "HEAD";
	if (git_revparse_single(&obj, r->repo, rev) < 0) {
		err_set("%s: unknown revision", rev);
		goto done;
	}
	if (git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) < 0) {
		err_set("%s: no tree: %s", rev, gitio_msg());
		goto done;
	}
	/*
	 * As before the split: a subtree libgit2 cannot read ends the walk
	 * early without an error; only the callback's failure is one.
	 */
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, tree_walk_cb, &t) < 0 && t.failed)
		goto done;
	ret = 0;
done:
	git_tree_free(tree);
	git_object_free(obj);
	return ret;
}
