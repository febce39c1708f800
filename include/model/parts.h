/*
 * parts.h - a task's symbolic key parts (image, command, args, inputs,
 * outputs, PVC names, or component and custom key), the symbolic key over
 * them, and the exact KFP fingerprint where every input is static.  Inputs
 * from producers are tokens made of the producers' results, which
 * predict_run has decided first (d->order); this module never decides.
 * Only predict.c uses it.
 */
#ifndef KFPCACHE_PARTS_H
#define KFPCACHE_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "model/dag.h"
#include "model/policy.h"
#include "model/result.h"
#include "model/trigger.h"

/* What one run's key parts are made from; borrowed, except texts. */
struct parts_run {
	struct arena *arena;                  /* the prediction's: parts and texts go there */
	const char *spec_name;                /* for messages */
	const struct policy *p;
	const struct task_result *results;    /* parallel to dag->tasks */
	const bool *decided;                  /* per task: its result is final */
	const struct trigger_state *trig;     /* per task: does it trigger (a OneOf's branch) */
	/*
	 * Read alternative force_alt of the OneOf force (predict.c asks what
	 * the key would be if that branch were taken); NULL: as KFP decides.
	 */
	const struct rval *force;
	size_t force_alt;
	struct strmap texts;                  /* spec node -> its part text, once per run */
};
void parts_run_init(struct parts_run *r, struct arena *a, const char *spec_name,
		    const struct policy *p, const struct task_result *results,
		    const bool *decided, const struct trigger_state *trig);
void parts_run_release(struct parts_run *r);

/*
 * The value input `in` reads from a producer that hit a deployment's live
 * cache (results[i].live): its cached output parameter, or its output
 * artifact's MLMD id as a one-item list; NULL for any other input or an
 * output transformed on the way.  decided NULL: every result is final.
 * Nodes go into arena a.
 */
const struct node *parts_live_value(struct arena *a, const struct task_result *results,
				    const bool *decided, const struct task_input *in);

/* What a key's inputs depend on, gathered while building their tokens. */
struct parts_deps {
	const char **run_unique;       /* the per-run values, in input order */
	size_t nrun_unique, run_unique_alloc;
	const char **unresolved;       /* the unresolved root parameters, each once, in input order */
	size_t nunresolved, unresolved_alloc;
	bool run_name;
	/*
	 * The dsl.OneOf inputs whose branch is not known before the run: the
	 * rval (for parts_run.force) and its candidate branches, "a|b".
	 */
	const struct rval **oneof;
	const char **oneof_branches;
	size_t noneof, oneof_alloc, oneof_branches_alloc;
	bool art_runs;                 /* an artifact from a producer that runs */
	bool unknown;                  /* a value from a producer that runs, or an UNKNOWN one */
	const struct task **causes;    /* root causes (may repeat) */
	size_t ncauses, causes_alloc;
	int distance;                  /* min producer distance, -1 none */
};
void parts_deps_init(struct parts_deps *x);
void parts_deps_release(struct parts_deps *x);

/*
 * Container task t: its parts into res->parts (res->pol decided: a custom
 * cache key replaces the other parts), what they depend on into x, then
 * the symbolic key into res->key and the exact fingerprint (or why there
 * is none).  -1 with the error set: a producer not decided yet (a bug in
 * the order) or a value canonical JSON cannot hold.
 */
int parts_container(struct parts_run *r, const struct task *t, struct task_result *res,
		    struct parts_deps *x);

/*
 * The alternatives of OneOf v (nalts > 0) KFP's driver may read, as
 * indexes into cand (v->nalts slots): one when the branch is known, none
 * when no branch can trigger.
 */
size_t parts_oneof_candidates(const struct parts_run *r, const struct rval *v, size_t *cand);

/* Importer t: its parts (inputs, URI, type, metadata) and symbolic key; as above. */
int parts_importer(struct parts_run *r, const struct task *t, struct task_result *res,
		   struct parts_deps *x);

#endif
