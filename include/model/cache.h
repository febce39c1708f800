/*
 * cache.h - the cache table a simulated run is decided against: the entries
 * earlier runs created, each scoped by pipelineInfo.name and namespace as
 * KFP's driver scopes its lookup (driver/cache.go, cacheutils/cache.go:
 * 105-121), the artifacts importers created, and
 * each task path's key parts in the newest committed run (what a MISS is
 * compared with).  It stores and answers; predict.c decides.
 */
#ifndef KFPCACHE_CACHE_H
#define KFPCACHE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

/* The two tables of a cache. */
enum cache_table {
	CACHE_EXEC,     /* executions that may be hit: executors that ran with caching on */
	CACHE_IMPORT    /* artifacts importers created (re-linked while reimport is false) */
};

/*
 * The source of an entry: the execution whose outputs a hit reuses, named
 * by the run that created it and the task path in that run.  Both strings
 * are borrowed from the cache and live until cache_free.
 *
 * This is what lets other sources of entries plug in without a change to
 * the decisions: a table of the run being predicted (same-run hits, a task
 * whose key equals that of a task earlier in the run) is another struct
 * cache filled as the run goes, whose entries carry the run's own label;
 * a deployment's live cache (KFP's `tasks` table) fills a cache with
 * run = the KFP run id and path = the task's name.
 */
struct cache_entry {
	const char *run;        /* run label: "baseline-1", a commit, a run id */
	const char *path;       /* task path of the execution */
};

/*
 * One part of a symbolic key (predict.c makes them).  The cache keeps the
 * newest committed run's parts of each task path with their texts (what
 * "old -> new" shows; digests only after cache_drop_texts), each distinct
 * text once, shared.
 */
struct keypart {
	const char *name;       /* image, command, args, input:<n>, outputs, pvc, cache_key, component */
	const char *text;       /* readable value (canonical JSON or symbolic) */
	bool upstream;          /* depends on a producer that does not hit (runs, or UNKNOWN) */
	char digest[17];        /* 64-bit hash of the text, in hex (equality only) */
	/*
	 * Its value is not known before the run (a value from a producer that
	 * does not hit, a root parameter without one, the run's name): it may
	 * equal anything, so the static index (cache_static_match) skips it.
	 */
	bool wild;
};

struct cache;

/* An empty cache; aborts on out-of-memory.  cache_free accepts NULL. */
struct cache *cache_new(void);
void cache_free(struct cache *c);

/*
 * Keep no part texts (cache_prev_parts then gives text NULL): for a
 * consumer whose reports show no "old -> new" value, as history's timeline
 * and per-commit CSV and DOT, so that a long history holds digests only.
 * Call before the first cache_set_parts.
 */
void cache_drop_texts(struct cache *c);

/*
 * Keys are hex digests of at least 32 digits (a symbolic key, or a KFP
 * fingerprint); an entry keeps their first 96 bits, so a history of
 * thousands of commits costs tens of bytes per entry.
 */

/*
 * Where a run's entries live: KFP's lookup filters by pipeline name and by
 * namespace (cacheutils/cache.go:105-121).  ns NULL: not namespaced, as the
 * importers' re-link, which matches in the pipeline context named by the
 * pipeline alone (metadata/client.go:411,1303-1347).
 */
struct cache_scope {
	const char *pipeline;
	const char *ns;
};

/*
 * Look `key` up in table t within scope s.  True and *out filled when an
 * entry exists; false (*out untouched) when not, including when the cache
 * has no entry in that scope at all.
 */
bool cache_lookup(struct cache_entry *out, const struct cache *c, enum cache_table t,
		  const struct cache_scope *s, const char *key);

/*
 * Add the entry `key` in scope s, created by task `path` of run `run`
 * (strings are copied).  An existing entry is kept: of equal keys the
 * first inserted names the entry.
 */
void cache_insert(struct cache *c, enum cache_table t, const struct cache_scope *s,
		  const char *key, const char *run, const char *path);

/* Whether the cache's executions (CACHE_EXEC) are in scope s, or elsewhere. */
enum cache_scope_state {
	CACHE_SCOPE_HELD,             /* entries in s, or no executions at all */
	CACHE_SCOPE_OTHER_PIPELINE,   /* none under this pipeline name: a renamed pipeline */
	CACHE_SCOPE_OTHER_NAMESPACE   /* this pipeline's entries are in other namespaces */
};
enum cache_scope_state cache_scope_state(const struct cache *c, const struct cache_scope *s);

/*
 * The parts task `path` had in the newest committed run, or NULL (*n = 0)
 * when no committed run had the path.  Borrowed: valid (texts included)
 * until the next cache_set_parts of that path or cache_free; a result
 * that outlives the next commit copies them (predict.c load_prev).
 */
const struct keypart *cache_prev_parts(const struct cache *c, const char *path, size_t *n);

/*
 * Remember parts[0..n) as `path`'s newest (names, digests, flags, and the
 * texts, shared with every other path's equal text).  Memory: one copy of
 * each distinct text in the newest parts of some path, freed when no
 * path's newest parts have it any more.
 */
void cache_set_parts(struct cache *c, const char *path, const struct keypart *parts,
		     size_t n);

/*
 * The static-part index: per scope, the parts of every entry's key with
 * their wild flags (texts dropped).  cache_static_insert adds the parts of
 * an entry just inserted; cache_static_match says whether some entry in
 * scope s could have the key of parts[0..n): the same part
 * names, and equal digests wherever neither side is wild.  False means no
 * value of the wild parts can make the key hit: a certain miss.
 */
void cache_static_insert(struct cache *c, const struct cache_scope *s,
			 const struct keypart *parts, size_t n);
bool cache_static_match(const struct cache *c, const struct cache_scope *s,
			const struct keypart *parts, size_t n);

/*
 * A run has been committed (after its inserts and parts).  A cache no run
 * was committed to is empty (a cold analysis); one a run was committed to
 * is not, even when that run added no entry.
 */
void cache_end_run(struct cache *c);
bool cache_is_empty(const struct cache *c);

#endif
