/*
 * gitio_internal.h - the libgit2 helpers gitio.c shares with history.c, the
 * only two files that include git2.h.  Not part of the gitio contract.
 */
#ifndef KFPCACHE_GITIO_INTERNAL_H
#define KFPCACHE_GITIO_INTERNAL_H

#include <git2.h>
#include <stdbool.h>

/* libgit2's last error message, or a generic one. */
const char *gitio_msg(void);

/*
 * The blob id of PATH in commit c; *present is false when PATH is absent.
 * A tree at PATH is an error.  `label` names the commit in messages (the
 * user's REV, or a short commit id).
 */
int gitio_blob_at(git_commit *c, const char *label, const char *path, git_oid *out,
		  bool *present);

#endif
