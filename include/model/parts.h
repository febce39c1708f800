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

/* What one run's key parts are made from; borrowed, except texts. */
struct parts_run {
	struct arena *arena;                  /* the prediction's: parts and texts go there */
	const char *spec_name;                /* for messages */
	const struct policy *p;
	const struct task_result *results;    /* parallel to dag->tasks */
	const bool *decided;                  /* per task: its result is final */
	struct strmap texts;                  /* spec node -> its part text, once per run */
};
void parts_run_init(struct parts_run *r, struct arena *a, const char *spec_name,
		    const struct policy *p, const struct task_result *results,
		    const bool *decided);
void parts_run_release(struct parts_run *r);

/* What a key's inputs depend on, gathered while building their tokens. */
struct parts_deps {
	const char **run_unique;       /* the per-run values, in input order */
	size_t nrun_unique, run_unique_alloc;
	const char **unresolved;       /* the unresolved root parameters, each once, in input order */
	size_t nunresolved, unresolved_alloc;
	bool run_name;
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

/* Importer t: its parts (inputs, URI, type, metadata) and symbolic key; as above. */
int parts_importer(struct parts_run *r, const struct task *t, struct task_result *res,
		   struct parts_deps *x);

#endif
