/*
 * gitio.c - spec versions read out of git with libgit2: REV:PATH contents,
 * the version before PATH's last change (the default baseline: what the
 * cache holds after runs of the previous spec) and whether a file on disk is
 * tracked.  With history.c, the only file that includes git2.h.
 */
#define _XOPEN_SOURCE 700       /* realpath() */

#include "load/gitio.h"

#include <errno.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "load/gitio_internal.h"
#include "base/banned.h"

struct gitrepo {
	git_repository *repo;
};

const char *gitio_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

static void oid_hex(char out[41], const git_oid *id)
{
	git_oid_tostr(out, 41, id);
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
	if (git_libgit2_init() < 0)
		return err_set("%s: cannot initialise libgit2: %s", dir, gitio_msg());
	/*
	 * Re-hashing every blob read costs as much as parsing it; zlib's and the
	 * pack's checksums still catch corrupt objects (git cat-file does not
	 * re-hash either).
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
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

void *gitrepo_raw(struct gitrepo *r)
{
	return r->repo;
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
 * `label` names the commit in messages (the user's REV, or a commit id).
 */
int gitio_blob_at(git_commit *c, const char *label, const char *path, git_oid *out,
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

int gitrepo_read(struct gitrepo *r, const char *rev, const char *path,
		 char **buf, size_t *len, char blob_hex[41])
{
	git_commit *c = NULL;
	git_blob *blob = NULL;
	git_oid id;
	git_object_size_t size;
	bool present;
	char hex[41];
	int ret = -1;

	*buf = NULL;
	*len = 0;
	blob_hex[0] = '\0';
	if (resolve_commit(r, rev, &c, false) < 0 ||
	    gitio_blob_at(c, rev, path, &id, &present) < 0)
		goto done;
	if (!present) {
		err_set("%s:%s: path not found at revision", rev, path);
		goto done;
	}
	oid_hex(hex, &id);
	if (git_blob_lookup(&blob, r->repo, &id) < 0) {
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
	    gitio_blob_at(cur, rev, path, &want, &present) < 0)
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
		if (gitio_blob_at(cur, hex, path, &id, &present) < 0)
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
