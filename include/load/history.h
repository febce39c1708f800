/*
 * history.h - the commits that changed a spec, walked through gitio: oldest
 * first, first-parent by default, following renames and copies on request
 * as `git log --follow` does (gitio.c, similar.c); and the discovery of
 * every compiled KFP spec in a tree.
 */
#ifndef KFPCACHE_HISTORY_H
#define KFPCACHE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load/gitio.h"

struct hist_entry {
	char commit[41];
	char blob[41];            /* "" when PATH is deleted by this commit */
	char *path;               /* PATH as named at this commit */
	char *author;
	char *subject;
	int64_t time;             /* author time, seconds since the epoch */
	int offset;               /* author UTC offset, minutes */
	char change;              /* 'A' added, 'M' modified, 'D' deleted, 'R' renamed, 'C' copied */
	bool blob_missing;        /* the blob is not in this clone (a partial clone) */
	bool in_window;           /* inside --range/--since/--until (else it only warms the cache) */
};

struct hist_options {
	const char *range;        /* "A..B", "B" or NULL (HEAD) */
	int64_t since, until;     /* commit-time bounds, 0 = none */
	bool all_parents;         /* include commits of merged branches */
	bool follow;              /* follow PATH through renames and copies, as git log --follow */
	unsigned follow_threshold; /* git's -M similarity % for a rename or copy; 0 = 50 */
};

/* git's default rename score, -M50 (diffcore.h DEFAULT_RENAME_SCORE). */
#define HISTORY_FOLLOW_THRESHOLD 50

/*
 * The commits that changed PATH (its bytes or its name), oldest first.  All
 * ancestors are returned, so the cache can be built from the runs before a
 * window; in_window marks those inside --range A..B (not reachable from A)
 * and --since/--until.
 * Errors: unknown revision, PATH never present, shallow boundary, corrupt
 * objects.  *out is malloc'd: history_entries_free().
 */
int history_log(struct gitrepo *r, const char *path, const struct hist_options *o,
		struct hist_entry **out, size_t *n);
void history_entries_free(struct hist_entry *e, size_t n);

/*
 * history_log of several paths in one walk of the history: outs[k] and
 * ns[k] are paths[k]'s.  On error none is set.
 */
int history_log_many(struct gitrepo *r, char *const *paths, size_t npaths,
		     const struct hist_options *o, struct hist_entry **outs, size_t *ns);

/*
 * How many entries' blobs are missing from this clone (a partial clone),
 * and *first the oldest of them (unset when none).
 */
size_t history_missing_blobs(const struct hist_entry *e, size_t n, size_t *first);

/*
 * Compiled KFP specs in the tree of `rev`: *.yaml, *.yml and *.json files
 * holding pipelineInfo, root and deploymentSpec; with `glob`, only paths it
 * matches ("**" spans directories).  Sorted; malloc'd strings in a
 * malloc'd array.
 */
int history_discover(struct gitrepo *r, const char *rev, const char *glob,
		     char ***paths, size_t *n);

/* "2026-05-06T10:00:00+02:00" for an author time and offset. */
void history_format_date(char out[32], int64_t time, int offset);

/* Parse --since/--until: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]. */
int history_parse_date(const char *text, int64_t *out);

#endif
