/*
 * predict.h - per-task decisions.  A run of a spec is simulated against a
 * cache (model/cache.h: the symbolic keys earlier runs created, scoped by
 * pipeline name); each executor task gets HIT / MISS / MISS_UPSTREAM /
 * DISABLED / UNKNOWN with a reason, root cause and distance.  Keys are
 * Merkle-style: static parts plus, per input from a producer, the identity
 * of the execution whose outputs it reads (the cached one on a hit, a fresh
 * one when the producer runs).  Exact KFP fingerprints where inputs are static.
 */
#ifndef KFPCACHE_PREDICT_H
#define KFPCACHE_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "model/cache.h"
#include "model/dag.h"
#include "model/policy.h"
#include "model/result.h"

/*
 * A live cache (cmd/ wires it to load/cachedb.h).  lookup answers KFP's
 * driver query for task `path`'s exact fingerprint in scope pipeline/ns: 1
 * on a hit (*out filled in arena a), 0 on an exact miss, -1 on an error
 * (message set).  The path lets a replay of a recorded run look up as that
 * task's driver did, at its moment.
 */
struct live_cache {
	int (*lookup)(void *ctx, struct arena *a, const char *path, const char *pipeline,
		      const char *ns, const char *fingerprint, struct live_entry *out);
	/*
	 * An importer with reimport false: the artifact its launcher would
	 * re-link (component/importer_launcher.go:168-185, metadata/client.go:
	 * 1303-1347), 1 with *out's one artifact named q->output, 0 when none
	 * matches (the launcher creates a new one), -1 on an error.
	 */
	int (*import_lookup)(void *ctx, struct arena *a, const char *pipeline,
			     const struct live_import *q, struct live_entry *out);
	void *ctx;
};

/* How predict_run runs; all false is a plain prediction. */
struct predict_options {
	bool commit;      /* add the executions that ran to the cache (baselines, history) */
	bool keep_log;    /* fill task_result.log, the decision log explain prints */
	const char *ns;   /* the run's namespace (NULL: PREDICT_DEFAULT_NAMESPACE) */
	/*
	 * Decide against a deployment's live cache instead of the simulated
	 * one: tasks with an exact fingerprint HIT or MISS exactly; a HIT's
	 * cached outputs make its consumers' fingerprints exact.
	 */
	const struct live_cache *live;
};

/*
 * A standalone install runs every pipeline in `kubeflow`; the driver reads
 * its pod's namespace (v2/config/env.go:95-103, cmd/driver/main.go:363).
 */
#define PREDICT_DEFAULT_NAMESPACE "kubeflow"

/*
 * Simulate dag's run `label` against cache c, as `opt` says (NULL: all
 * false).  *out: prediction_free().
 */
int predict_run(struct prediction **out, const struct dag *d, const struct policy *p,
		struct cache *c, const char *label, const struct predict_options *opt);

#endif
