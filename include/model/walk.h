/*
 * walk.h - replay a spec's history into a cache, one prediction per commit
 * (used by history and blame).  Versions that fail to load are reported to
 * the callback as errors and the walk goes on.
 */
#ifndef KFPCACHE_WALK_H
#define KFPCACHE_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "load/gitio.h"
#include "load/history.h"
#include "model/dag.h"
#include "model/policy.h"
#include "model/predict.h"

struct walk {
	struct gitrepo *repo;
	const struct policy *pol;
	struct dag_options dag_opts;
	const struct parse_limits *limits; /* for each version's spec_load_buf (NULL: defaults) */
	const char *spec_path;        /* for the progress line */
	bool previous_only;           /* --cache-model previous */
	bool progress;                /* progress on stderr */
	int jobs;                     /* threads: 1 = load and predict in turn */
	/*
	 * --cache-db: the live cache is the state before the first commit;
	 * every commit's run is replayed on top of it (NULL: none).  Its
	 * lookups run on the calling thread.  ns: the runs' namespace.
	 */
	const struct live_cache *live;
	const char *ns;
	/*
	 * Called for the in-window commits of lo..hi-1 in order: with the prediction, or with
	 * pr NULL and `error` (a version that did not load, or "deleted").
	 * The prediction is freed after the call.  Return -1 to stop.
	 */
	int (*on_commit)(struct walk *w, size_t index, const struct hist_entry *e,
			 const struct prediction *pr, const char *error);
	void *ctx;
};

/*
 * Replay entries[0..hi) into a fresh cache; commits before lo only warm it
 * (a shard's share of a long history still needs the cache its first commit
 * sees).  -1 on an internal error (the callback's, or prediction).
 */
int walk_spec(struct walk *w, const struct hist_entry *entries, size_t n,
	      size_t lo, size_t hi);

#endif
