/*
 * gitio.h - reading spec versions out of git with libgit2.  gitio.c and
 * history.c (through gitio_internal.h) are the only files that include git2.h.
 */
#ifndef KFPCACHE_GITIO_H
#define KFPCACHE_GITIO_H

#include <stdbool.h>
#include <stddef.h>

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
 * revision", "REV:PATH: path not found at revision", "REV:PATH: not a file
 * at that revision (a tree)", "REV:PATH: cannot read object ID: <libgit2>".
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

/* The underlying git_repository *, for history.c only. */
void *gitrepo_raw(struct gitrepo *r);

#endif
