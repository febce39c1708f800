/*
 * gitio.h - reading spec versions out of git, and the walk, commit, rename
 * and tree primitives history.c builds on.  gitio.c is the only file that
 * includes git2.h: no libgit2 type appears here, so it can be replaced there.
 */
#ifndef KFPCACHE_GITIO_H
#define KFPCACHE_GITIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap;

struct gitrepo;

/* Open the repository containing dir (discovering upward); NULL = ".". */
int gitrepo_open(struct gitrepo **out, const char *dir);
void gitrepo_free(struct gitrepo *r);

/* Work tree root, with a trailing '/', or NULL for a bare repository. */
const char *gitrepo_workdir(const struct gitrepo *r);

/*
 * Does `rev` resolve to a commit?  *found false, no error recorded, when it
 * names none; -1 when it names an object the repository cannot read (a
 * damaged repository), the error naming REV:PATH (PATH: for messages).
 */
int gitrepo_find_rev(struct gitrepo *r, const char *rev, const char *path, bool *found);

/*
 * Read PATH at REV: *buf (malloc'd, NUL-terminated, caller frees), its
 * length, and the blob id in hex (41 bytes).  Errors: "REV: unknown
 * revision", "REV:PATH: 'PATH' is not in REV" (then "; did you mean
 * REV:a/NAME, REV:b/NAME?" naming up to five paths of REV's tree with
 * PATH's file name), "REV:PATH: not a file at that revision (a tree)",
 * "REV:PATH: cannot read object ID: <libgit2>".
 */
int gitrepo_read(struct gitrepo *r, const char *rev, const char *path,
		 char **buf, size_t *len, char blob_hex[41]);

/*
 * The default baseline for REV:PATH: walking first parents from REV, the
 * first commit whose PATH differs from REV's version of it (i.e. the
 * version before PATH's most recent change).  *found is false when there is
 * none (PATH was added and never changed, or the walk reaches a commit
 * without PATH: it was deleted and re-added): the caller then uses a cold
 * cache.  out_commit gets that commit's id in hex ("" when not found).
 * Errors: "REV: unknown revision", "REV:PATH: path not found at revision",
 * "REV:PATH: history is shallow at commit X, ..." (a shallow clone's
 * boundary reached before an answer), corrupt objects (libgit2's message).
 */
int gitrepo_prev_version(struct gitrepo *r, const char *rev, const char *path,
			 bool *found, char out_commit[41]);

/*
 * For a file on disk: whether it is tracked at HEAD of its repository, and
 * its path relative to the work tree (malloc'd into *relpath).  *tracked is
 * false (and no error) when the file is outside any repository.  Whenever
 * the file is inside a work tree, tracked or not, *repo_dir (the work tree
 * with a trailing '/') and *relpath are set, malloc'd; else both are NULL.
 * Fails when the file does not exist or the repository cannot be read.
 */
int gitrepo_tracked_path(const char *file, bool *tracked, char **repo_dir,
			 char **relpath);

/* The repository's .git directory (to open it again in another thread). */
const char *gitrepo_path(const struct gitrepo *r);

/* ---- history's primitives ---- */

struct gitio_walk;
struct gitio_commit;

/*
 * Walk the commits of `range` ("A..B", "B", or NULL for HEAD) newest first,
 * topologically then by time, or by committer time only (date_order: git
 * log's own order without --topo-order); first_parent follows first
 * parents only.  The
 * commits reachable from A are walked too (they warm the cache):
 * gitio_walk_hides() tells them.  `path` (borrowed for the walk's life) only
 * names the file in messages.  Errors: "REV: unknown revision", "A: not a
 * commit", "HEAD: <libgit2>".  *out: gitio_walk_free().
 */
int gitio_walk_begin(struct gitio_walk **out, struct gitrepo *r, const char *range,
		     bool first_parent, bool date_order, const char *path);
/*
 * The next commit into *out (the caller's: gitio_commit_free()): 1, or 0 at
 * the end, or -1: "commit X: cannot read it", "PATH: history is shallow: ...".
 */
int gitio_walk_next(struct gitio_walk *w, struct gitio_commit **out);
/*
 * Parent k of c into *out (the caller's).  Errors: "PATH: history is
 * shallow at commit X (git fetch --unshallow)", "commit X: cannot read its
 * parent: <libgit2>".
 */
int gitio_walk_parent(struct gitio_commit **out, struct gitio_walk *w,
		      const struct gitio_commit *c, unsigned k);
/* Is c A of "A..B" or reachable from it (outside the window)?  false without A. */
bool gitio_walk_hides(const struct gitio_walk *w, const struct gitio_commit *c);
void gitio_walk_free(struct gitio_walk *w);
void gitio_commit_free(struct gitio_commit *c);

/* A commit's facts; the strings are borrowed from the commit. */
struct gitio_commit_info {
	char id[41];              /* hex */
	int64_t time;             /* committer time */
	const char *author;       /* "" when the commit has none */
	int64_t author_time;      /* the committer time when there is no author */
	int author_offset;        /* minutes east of UTC */
	const char *message;      /* the whole message, "" when none */
};
void gitio_commit_info(struct gitio_commit_info *out, const struct gitio_commit *c);
unsigned gitio_commit_parentcount(const struct gitio_commit *c);

/*
 * The blob id (hex) of PATH in c; *present false (blob_hex "") when PATH is
 * absent.  A tree, a symbolic link or an unreadable tree at PATH is an
 * error naming c by its 12-digit id.
 */
int gitio_commit_blob(const struct gitio_commit *c, const char *path, char blob_hex[41],
		      bool *present);

/*
 * The paths whose tree entries differ between c and its first parent
 * (added, removed, changed in id or mode; no rename detection), into
 * `changed` (keys; values NULL): a file's path, or a directory's followed
 * by '/' when everything under it changed (a tree added, removed, or
 * replaced by a file).  Identical subtrees are skipped by id, so this costs
 * what the commit changed, not the size of the tree.  True when computed;
 * false for a root commit or one whose parent or trees cannot be read (the
 * caller then looks at the paths one by one, which reports the error).
 * With `wanted`, only the entries it accepts are compared or descended
 * into: wanted(path, len, ctx) says whether a path of interest is the
 * path[0..len) or lies under it (a commit that edits other directories
 * costs one comparison of their ids); NULL: every entry.
 */
typedef bool gitio_wanted_fn(const char *path, size_t len, void *ctx);
bool gitio_commit_changes(const struct gitio_commit *c, struct strmap *changed,
			  gitio_wanted_fn *wanted, void *ctx);
bool gitio_changes_has(const struct strmap *changed, const char *path);

/*
 * Where c's PATH came from when c adds it, as `git log --follow` decides
 * (git 2.39, tree-diff.c try_to_follow_renames: rename and copy detection
 * over every file of parent, find_copies_harder): *old the source path
 * (malloc'd, NULL when none), *status 'R' (the source is gone from c) or
 * 'C', *score its similarity in percent (git's measure, similar.c);
 * threshold is git's -M percentage (50).  Errors name the commit and path:
 * a blob missing from a partial clone, an unreadable tree or blob.
 */
int gitio_follow_source(char **old, char *status, unsigned *score,
			const struct gitio_commit *parent, const struct gitio_commit *c,
			const char *path, unsigned threshold);

/* Is the blob in the object database (a partial clone leaves blobs out)? */
bool gitio_has_blob(const struct gitio_commit *c, const char *blob_hex);

/*
 * Every file of the tree of `rev` (NULL = HEAD), pre-order: fn gets its
 * path and a handle valid during the call; returning -1 (error recorded)
 * stops the walk and fails it.  A subtree libgit2 cannot read ends the walk
 * early without an error.  Errors: "REV: unknown revision", "REV: no tree".
 */
struct gitio_file;
typedef int gitio_file_fn(const char *path, struct gitio_file *f, void *payload);
int gitio_tree_each(struct gitrepo *r, const char *rev, gitio_file_fn *fn, void *payload);
/* The file's bytes, borrowed until fn returns.  Error: "PATH: cannot read object". */
int gitio_file_read(struct gitio_file *f, const char **buf, size_t *len);

#endif
