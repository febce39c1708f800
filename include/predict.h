/*
 * predict.h - the cache model and per-task decisions.  A run of a spec is
 * simulated against a cache (the symbolic keys earlier runs created, scoped
 * by pipeline name); each executor task gets HIT / MISS / MISS_UPSTREAM /
 * DISABLED / UNKNOWN with a reason, root cause and distance.  Keys are
 * Merkle-style: static parts plus, per input from a producer, the identity
 * of the execution whose outputs it reads (the cached one on a hit, a fresh
 * one when the producer runs).  Exact KFP fingerprints where inputs are static.
 */
#ifndef KFPCACHE_PREDICT_H
#define KFPCACHE_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "dag.h"
#include "policy.h"
#include "util.h"

enum decision {
	DECISION_NONE,          /* dag rows */
	DECISION_HIT,
	DECISION_MISS,
	DECISION_MISS_UPSTREAM,
	DECISION_DISABLED,
	DECISION_UNKNOWN
};
#define DECISION_COUNT 6
const char *decision_name(enum decision d);   /* "HIT", ...; "" for NONE */

struct keypart {
	const char *name;       /* image, command, args, input:<n>, outputs, pvc, cache_key, component */
	const char *text;       /* readable value (canonical JSON or symbolic) */
	bool upstream;          /* depends on a producer that runs this time */
	char digest[17];        /* 64-bit hash of the text, in hex (equality only) */
};

struct task_result {
	const struct task *task;
	enum decision decision;
	bool has_policy;                /* executor rows */
	struct policy_result pol;
	const char *reason;             /* ";"-joined vocabulary tokens */
	const char *root_cause;         /* ";"-joined task paths, or "" */
	int distance;                   /* -1 when not applicable */
	char fingerprint[65];           /* exact KFP fingerprint, or "" */
	const char *fingerprint_why;    /* why there is none */
	char key[65];                   /* symbolic key */
	struct keypart *parts;
	size_t nparts;
	const struct keypart *prev;     /* the same path's parts in the newest baseline (text NULL) */
	size_t nprev;
	const char *exec_id;            /* execution whose outputs consumers read */
	const char *hit_exec;           /* HIT: the cached execution */
	const char **log;               /* explain lines */
	size_t nlog;
};

struct cache;
struct cache *cache_new(void);
void cache_free(struct cache *c);
size_t cache_entries(const struct cache *c);

struct prediction {
	struct arena arena;
	const struct dag *dag;          /* borrowed */
	const char *label;              /* run label, e.g. "baseline-1", "current" */
	struct task_result *results;    /* parallel to dag->tasks */
	size_t n;
	size_t counts[DECISION_COUNT];
	size_t executors;
	size_t run_override_unreached;  /* nested executors the run override misses */
	bool cold;                      /* the cache was empty */
};

/*
 * Simulate dag's run `label` against cache c.  With commit, the executions
 * that ran are added to c (for baselines and history).  *out: prediction_free().
 */
int predict_run(struct prediction **out, const struct dag *d, const struct policy *p,
		struct cache *c, const char *label, bool commit);
void prediction_free(struct prediction *pr);

/* Keep the per-task decision log (task_result.log) in later runs: explain. */
void predict_keep_log(bool on);

const struct task_result *prediction_find(const struct prediction *pr, const char *path);

#endif
