/*
 * predict.c - simulate one run of a spec against the cache and decide each
 * task.  Follows the container driver (driver/container.go, driver/cache.go,
 * semantics doc §0 and §2): caching layers first, then the fingerprint, then
 * the lookup scoped by pipelineInfo.name; a hit re-links the cached
 * execution's outputs (same artifact ids) so consumers can hit, a run
 * produces new ids so artifact consumers miss.  Only executions that ran
 * with caching on create entries.  The decision ladder only: key parts
 * come from parts.c (from producers decided first), the table from cache.c.
 */
#include "model/predict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/order.h"
#include "model/parts.h"
#include "model/trigger.h"
#include "model/policy_file.h"
#include "base/banned.h"

/* ---- per-run state ---- */

/*
 * Equal keys within one run (kfp-cache-semantics.md §9): the tasks that
 * write, or may write, an entry, by symbolic key, newest first; and per
 * task the execution whose outputs its consumers read.
 */
struct same_run {
	struct run_order order;
	struct strmap writers;     /* key -> the newest writer (struct task *) */
	const struct task **prev;  /* per task: the writer before it with its key */
	const char **origin;       /* per task: its outputs' execution */
};

struct run {
	struct prediction *pr;
	const struct dag *d;
	const struct policy *p;
	struct cache *c;
	bool keep_log;             /* predict_options.keep_log */
	bool *decided;             /* per task: its result is final */
	struct parts_run parts;    /* what key parts are made from */
	struct trigger_state *trig;/* per task: does it trigger (model/trigger.h) */
	struct cache_scope scope;  /* the lookup's: pipeline name and namespace */
	bool ns_named;             /* not the default namespace: logs name it */
	struct same_run same;      /* equal keys within the run */
	const struct live_cache *live; /* predict_options.live */
};

static void logf_(struct run *r, struct task_result *res, const char *fmt, ...)
	KC_PRINTF(3, 4);

static void logf_(struct run *r, struct task_result *res, const char *fmt, ...)
{
	struct arena *a = &r->pr->arena;
	struct strbuf sb = STRBUF_INIT;
	const char **l;
	va_list ap;

	/* The decision log is only kept for `explain`; history makes many runs. */
	if (!r->keep_log)
		return;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	l = arena_array(a, res->nlog + 1, sizeof(*l));
	if (res->nlog)
		memcpy(l, res->log, res->nlog * sizeof(*l));
	l[res->nlog++] = arena_strndup(a, sb_str(&sb), sb.len);
	res->log = l;
	sb_release(&sb);
}

static int cmp_task_ptr_path(const void *x, const void *y)
{
	const struct task *a = *(const struct task *const *)x, *b = *(const struct task *const *)y;

	return path_cmp(a->path, b->path);
}

/* The root causes of x, deduplicated and sorted by path, into res. */
static void set_causes(struct run *r, struct task_result *res, const struct parts_deps *x)
{
	const struct task **v = arena_array(&r->pr->arena, x->ncauses, sizeof(*v));
	size_t i, n = 0;

	if (x->ncauses)
		memcpy(v, x->causes, x->ncauses * sizeof(*v));
	if (x->ncauses > 1)
		qsort(v, x->ncauses, sizeof(*v), cmp_task_ptr_path);
	for (i = 0; i < x->ncauses; i++)
		if (!n || v[n - 1] != v[i])
			v[n++] = v[i];
	res->causes = v;
	res->ncauses = n;
}

/*
 * The same task path's key parts in the newest earlier run, if any, copied
 * into the prediction: committing this run replaces the cache's (a history
 * reports each commit after its run joined the cache).  A text equal to
 * the current part's is shared with it, so only changed and removed parts
 * cost a copy.
 */
static void load_prev(struct run *r, const struct task *t, struct task_result *res)
{
	const struct keypart *p = cache_prev_parts(r->c, t->path, &res->nprev);
	struct keypart *v;
	size_t i;

	res->prev = NULL;
	if (!p)
		return;
	v = arena_array(&r->pr->arena, res->nprev ? res->nprev : 1, sizeof(*v));
	for (i = 0; i < res->nprev; i++) {
		const struct keypart *cur = result_part(res, p[i].name);
		v[i] = p[i];
		v[i].name = arena_strdup(&r->pr->arena, p[i].name);
		if (cur && !strcmp(cur->digest, p[i].digest) && cur->text && p[i].text &&
		    !strcmp(cur->text, p[i].text))
			v[i].text = cur->text;
		else if (p[i].text)
			v[i].text = arena_strdup(&r->pr->arena, p[i].text);
	}
	res->prev = v;
}

struct reasons {
	struct reason *v;
	size_t n, alloc;
};

static void add_reason(struct reasons *rs, enum reason_kind kind, const char *detail)
{
	KC_GROW(rs->v, rs->alloc, rs->n + 1);
	rs->v[rs->n].kind = kind;
	rs->v[rs->n].detail = detail;
	rs->n++;
}

/*
 * The key parts that differ from the previous version of the same task
 * path, as REASON_CHANGED (part names borrowed from res).  *had_prev: there
 * was such a version.
 */
static void own_changes(const struct task_result *res, struct reasons *out, bool *had_prev)
{
	size_t i, j;

	*had_prev = res->prev != NULL;
	if (!res->prev)
		return;
	for (i = 0; i < res->nparts; i++) {
		const struct keypart *cur = &res->parts[i];
		bool same = false;
		if (cur->upstream)
			continue;
		for (j = 0; j < res->nprev; j++)
			if (!strcmp(res->prev[j].name, cur->name)) {
				same = !strcmp(res->prev[j].digest, cur->digest);
				break;
			}
		if (!same)
			add_reason(out, REASON_CHANGED, cur->name);
	}
	for (j = 0; j < res->nprev; j++) {
		bool found = false;
		for (i = 0; i < res->nparts; i++)
			if (!strcmp(res->prev[j].name, res->parts[i].name))
				found = true;
		if (!found)
			add_reason(out, REASON_CHANGED, res->prev[j].name);
	}
}

/* A HIT on cache entry e: its outputs are reused. */
static void set_hit(struct run *r, struct task_result *res, const struct cache_entry *e)
{
	res->decision = DECISION_HIT;
	res->distance = -1;
	res->hit = *e;
	res->hit_exec = arena_printf(&r->pr->arena, "%s:%s", e->run, e->path);
}

/* Reasons into the prediction's arena. */
static void set_reasons(struct run *r, struct task_result *res, const struct reason *v, size_t n)
{
	struct reason *out = arena_array(&r->pr->arena, n, sizeof(*out));
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].kind = v[i].kind;
		out[i].detail = v[i].detail ? arena_strdup(&r->pr->arena, v[i].detail) : NULL;
	}
	res->reasons = out;
	res->nreasons = n;
}

/* The task is its own root cause, for the reasons v[0..n). */
static void set_self_causes(struct run *r, const struct task *t, struct task_result *res,
			    enum decision d, const struct reason *v, size_t n)
{
	const struct task **c = arena_array(&r->pr->arena, 1, sizeof(*c));

	res->decision = d;
	set_reasons(r, res, v, n);
	c[0] = t;
	res->causes = c;
	res->ncauses = 1;
	res->distance = 0;
}

static void set_self_cause(struct run *r, const struct task *t, struct task_result *res,
			   enum decision d, enum reason_kind kind, const char *detail)
{
	struct reason one = { kind, detail };

	set_self_causes(r, t, res, d, &one, 1);
}

static void set_upstream(struct run *r, struct task_result *res, enum decision d,
			 enum reason_kind kind, const struct parts_deps *x)
{
	struct reason one = { kind, NULL };

	res->decision = d;
	set_reasons(r, res, &one, 1);
	set_causes(r, res, x);
	res->distance = x->distance + 1;
}

/* The policy layers' verdict on t (model/policy.h), into res and the log. */
static void eval_policy(struct run *r, const struct task *t, struct task_result *res)
{
	policy_eval(r->p, t, r->d->pipeline_name, &res->pol);
	res->has_policy = true;
	logf_(r, res, "policy: %s layer -> caching %s", layer_name(res->pol.layer),
	      res->pol.enabled ? "enabled" : "disabled");
	if (res->pol.rule)
		logf_(r, res, "policy rule '%s' (%s, %s)", res->pol.rule->id,
		      r->p->file->source, res->pol.rule->pointer);
	if (res->pol.note)
		logf_(r, res, "note: %s", res->pol.note);
}

/* Caching is off: fresh artifacts nobody else shares, and no fingerprint. */
static void set_disabled(struct run *r, const struct task *t, struct task_result *res)
{
	res->exec_id = arena_printf(&r->pr->arena, "%s:%s", r->pr->label, t->path);
	set_self_cause(r, t, res, DECISION_DISABLED, REASON_LAYER, layer_name(res->pol.layer));
	res->fingerprint[0] = '\0';
	res->fingerprint_why = "caching is off: the driver computes no fingerprint";
}

/*
 * One reason of `kind` per detail, the task its own root cause: MISS
 * run_unique:<what> for each per-run value, UNKNOWN unresolved_param:<name>
 * for each root parameter without a value, in input order.
 */
static void set_self_each(struct run *r, const struct task *t, struct task_result *res,
			  enum decision d, enum reason_kind kind, const char *const *details,
			  size_t n)
{
	struct reasons rs = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < n; i++)
		add_reason(&rs, kind, details[i]);
	set_self_causes(r, t, res, d, rs.v, rs.n);
	free(rs.v);
}

/*
 * A key with inputs not known before the run (and no artifact known to be
 * new) can still be decided by its static parts (image, command, args,
 * outputs, constant inputs): when they match no entry in the scope, no
 * value of the unknown inputs makes it hit (WILD_NO_ENTRY, a certain
 * MISS); when they match one, the unknown inputs decide (WILD_MAY_HIT:
 * UNKNOWN, even if the newest baseline's version differs).
 */
enum wild_match {
	WILD_NONE,              /* every input known, or an artifact that is new */
	WILD_NO_ENTRY,
	WILD_MAY_HIT
};

static enum wild_match static_match(const struct run *r, const struct task_result *res,
				    const struct parts_deps *x)
{
	/* A cold analysis misses on its own rung: the index is not asked. */
	if (r->pr->cold || x->art_runs ||
	    !(x->unknown || x->nunresolved || x->run_name || x->noneof))
		return WILD_NONE;
	return cache_static_match(r->c, &r->scope, res->parts, res->nparts)
	       ? WILD_MAY_HIT : WILD_NO_ENTRY;
}

/*
 * What t's key would give if its first open OneOf took candidate alt: a
 * hit (an entry and every other input known), a certain miss (no entry,
 * and none with its static parts where inputs are still unknown), or
 * undecided.  The parts are made again, with that branch forced.
 */
enum branch_outcome {
	BRANCH_HITS,
	BRANCH_MISSES,
	BRANCH_OPEN
};

static enum branch_outcome branch_outcome(struct run *r, const struct task *t,
					  struct task_result *res,
					  const struct parts_deps *x, size_t alt)
{
	const struct oneof_alt *a = &x->oneof[0]->alts[alt];
	struct task_result tmp = *res;
	struct parts_deps xt;
	struct cache_entry hit;
	enum branch_outcome o = BRANCH_OPEN;
	bool known, entry;

	tmp.parts = NULL;
	tmp.nparts = 0;
	parts_deps_init(&xt);
	r->parts.force = x->oneof[0];
	r->parts.force_alt = alt;
	if (parts_container(&r->parts, t, &tmp, &xt) < 0) {
		logf_(r, res, "oneof: if %s is taken: the key cannot be made (%s)", a->branch->path,
		      err_msg());
		goto done;
	}
	res->branch_keys[res->nbranch_keys++] = arena_strdup(&r->pr->arena, tmp.key);
	known = !xt.art_runs && !xt.unknown && !xt.nunresolved && !xt.run_name && !xt.noneof;
	entry = cache_lookup(&hit, r->c, CACHE_EXEC, &r->scope, tmp.key);
	if (xt.nrun_unique || xt.art_runs ||
	    (!entry && (known || !cache_static_match(r->c, &r->scope, tmp.parts, tmp.nparts))))
		o = BRANCH_MISSES;
	else if (entry && known)
		o = BRANCH_HITS;
	if (o == BRANCH_HITS)
		logf_(r, res, "oneof: if %s is taken: key %.16s: HIT on %s:%s", a->branch->path,
		      tmp.key, hit.run, hit.path);
	else
		logf_(r, res, "oneof: if %s is taken: key %.16s: %s", a->branch->path, tmp.key,
		      o == BRANCH_MISSES ? "a miss" : "not known before the run");
done:
	r->parts.force = NULL;
	parts_deps_release(&xt);
	return o;
}

/*
 * A key with a dsl.OneOf input whose branch is not known before the run:
 * the key with each candidate branch taken (into res->branch_keys, which
 * commit_run inserts: the run wrote one of them), and whether none of
 * them may hit, a certain MISS; else it is UNKNOWN naming the candidates,
 * and explain shows which branch would hit (the baseline's, when its
 * producer hits).  Only a key with one such OneOf is tried per branch.
 */
static bool oneof_misses(struct run *r, const struct task *t, struct task_result *res,
			 const struct parts_deps *x)
{
	const struct rval *v;
	size_t *cand, n, i;
	bool misses;

	if (x->noneof != 1)
		return false;
	v = x->oneof[0];
	cand = xcalloc(v->nalts, sizeof(*cand));
	n = parts_oneof_candidates(&r->parts, v, cand);
	misses = n > 0;
	if (!n)
		logf_(r, res, "oneof: no branch the driver reads triggers, so KFP's driver fails (\"processing "
		      "OneOf: No successful task found\", resolve.go:1082-1088; before 2.17 an artifact "
		      "OneOf reads the last selector only, 2.16.0 resolve.go:1037-1041)");
	res->branch_keys = arena_array(&r->pr->arena, n ? n : 1, sizeof(*res->branch_keys));
	for (i = 0; i < n; i++)
		if (branch_outcome(r, t, res, x, cand[i]) != BRANCH_MISSES)
			misses = false;
	free(cand);
	return misses;
}

static void set_oneof_unknown(struct run *r, struct task_result *res, const struct parts_deps *x)
{
	struct reasons rs = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < x->noneof; i++)
		add_reason(&rs, REASON_ONEOF_BRANCH, x->oneof_branches[i]);
	res->decision = DECISION_UNKNOWN;
	set_reasons(r, res, rs.v, rs.n);
	set_causes(r, res, x);
	res->distance = x->distance + 1;
	free(rs.v);
}

/*
 * The container driver's ladder over a key whose parts are made (x: what
 * they depend on): the first rung that applies decides.  A hit needs the
 * entry and inputs all known and reused; a miss names its own change
 * before an upstream cause.
 */
static int decide_live(struct run *r, const struct task *t, struct task_result *res,
		       const struct parts_deps *x);

/*
 * The HIT rung over the simulated cache: an entry with res's key whose
 * execution its inputs let it reuse (all known, none made by this run).
 */
static bool simulated_hit(struct run *r, const struct task_result *res,
			  const struct parts_deps *x, struct cache_entry *hit)
{
	return cache_lookup(hit, r->c, CACHE_EXEC, &r->scope, res->key) && !x->art_runs &&
	       !x->unknown && !x->nunresolved && !x->run_name && !x->noneof;
}

static int decide_container(struct run *r, const struct task *t, struct task_result *res,
			    const struct parts_deps *x)
{
	enum cache_scope_state where = cache_scope_state(r->c, &r->scope);
	struct cache_entry hit;
	struct reasons changes = { NULL, 0, 0 };
	bool had_prev;
	enum wild_match wild = static_match(r, res, x);
	bool branches_miss;

	/*
	 * What consumers see of this execution.  A disabled task makes fresh
	 * artifacts nobody else shares; an execution that may create a cache
	 * entry is named by its run and key, so every later hit on that key
	 * (whichever of several equal-key executions KFP's newest-row lookup
	 * returns) re-links "the" artifacts of that entry.
	 */
	res->exec_id = arena_printf(&r->pr->arena, "%s#%.16s", r->pr->label, res->key);

	if (!res->pol.enabled) {
		set_disabled(r, t, res);
		return 0;
	}
	if (r->live && t->stub != STUB_DELETEPVC)
		return decide_live(r, t, res, x);
	branches_miss = oneof_misses(r, t, res, x);
	/*
	 * KFP's deletepvc driver returns on a hit before its entry code and
	 * writes an entry only on a branch that needs a cached id
	 * (kfp-cache-semantics.md §11, k8s.go:1193-1228): it never hits.
	 */
	if (t->stub == STUB_DELETEPVC) {
		set_self_cause(r, t, res, DECISION_MISS, REASON_NEVER_CACHED, "deletepvc");
	} else if (r->pr->cold) {
		set_self_cause(r, t, res, DECISION_MISS, REASON_COLD_CACHE, NULL);
	} else if (where == CACHE_SCOPE_OTHER_PIPELINE) {
		set_self_cause(r, t, res, DECISION_MISS, REASON_PIPELINE_NAME, NULL);
	} else if (where == CACHE_SCOPE_OTHER_NAMESPACE) {
		set_self_cause(r, t, res, DECISION_MISS, REASON_NAMESPACE, r->scope.ns);
	} else if (x->nrun_unique) {
		set_self_each(r, t, res, DECISION_MISS, REASON_RUN_UNIQUE, x->run_unique,
			      x->nrun_unique);
	} else if (simulated_hit(r, res, x, &hit)) {
		set_hit(r, res, &hit);
		res->exec_id = arena_printf(&r->pr->arena, "%s#%.16s", hit.run, res->key);
	} else if (own_changes(res, &changes, &had_prev), changes.n && wild != WILD_MAY_HIT) {
		set_self_causes(r, t, res, DECISION_MISS, changes.v, changes.n);
	} else if (x->art_runs) {
		set_upstream(r, res, DECISION_MISS_UPSTREAM, REASON_UPSTREAM_ARTIFACT, x);
	} else if (wild == WILD_NO_ENTRY || branches_miss) {
		/* Unknown inputs, but no entry has these static parts (or keys). */
		set_self_cause(r, t, res, DECISION_MISS, had_prev ? REASON_COLD_CACHE : REASON_NEW_TASK,
			       NULL);
	} else if (x->noneof) {
		set_oneof_unknown(r, res, x);
	} else if (x->unknown) {
		set_upstream(r, res, DECISION_UNKNOWN, REASON_UPSTREAM_VALUE, x);
	} else if (x->nunresolved) {
		set_self_each(r, t, res, DECISION_UNKNOWN, REASON_UNRESOLVED_PARAM, x->unresolved,
			      x->nunresolved);
	} else if (x->run_name) {
		set_self_cause(r, t, res, DECISION_UNKNOWN, REASON_RUN_NAME, NULL);
	} else if (!had_prev) {
		set_self_cause(r, t, res, DECISION_MISS, REASON_NEW_TASK, NULL);
	} else {
		/* Same key as before, but no entry: it never ran with caching on. */
		set_self_cause(r, t, res, DECISION_MISS, REASON_COLD_CACHE, NULL);
	}
	logf_(r, res, "lookup: key %.16s in scope pipeline/%s%s%s: %s", res->key,
	      r->scope.pipeline, r->ns_named ? ", namespace " : "", r->ns_named ? r->scope.ns : "",
	      res->decision == DECISION_HIT ? res->hit_exec : "no entry");
	if (wild != WILD_NONE && res->decision != DECISION_HIT)
		logf_(r, res, "static parts (image, command, args, outputs, known inputs): %s",
		      wild == WILD_MAY_HIT ? "an entry in scope has them, so the unknown inputs decide"
					   : "no entry in scope has them: a miss whatever the unknown inputs are");
	free(changes.v);
	return 0;
}

/*
 * Against a deployment's live cache: a task whose CacheKey is known is
 * looked up as its driver looks it up (driver/cache.go:119-134), exactly;
 * on a HIT its consumers read the cached execution's outputs (parts.c
 * live_value).  Without a fingerprint, what keeps it unknown says why.
 */
static int decide_live(struct run *r, const struct task *t, struct task_result *res,
		       const struct parts_deps *x)
{
	struct live_entry *e;
	struct cache_entry sim;
	int found;

	if (x->nrun_unique) {
		set_self_each(r, t, res, DECISION_MISS, REASON_RUN_UNIQUE, x->run_unique,
			      x->nrun_unique);
		return 0;
	}
	/*
	 * Mixed mode and history: the runs replayed on top of the live state
	 * (baselines, earlier commits) wrote their entries after every live
	 * row, so the driver's newest-first lookup (cacheutils/cache.go:
	 * 105-137) returns theirs first.
	 */
	if (simulated_hit(r, res, x, &sim)) {
		set_hit(r, res, &sim);
		res->exec_id = arena_printf(&r->pr->arena, "%s#%.16s", sim.run, res->key);
		logf_(r, res, "lookup: key %.16s in scope pipeline/%s, namespace %s: %s (a replayed "
		      "run's entry, newer than every live row)", res->key, r->scope.pipeline,
		      r->scope.ns, res->hit_exec);
		return 0;
	}
	if (!res->fingerprint[0]) {
		logf_(r, res, "live cache: no exact fingerprint (%s)", res->fingerprint_why);
		if (x->art_runs)
			set_upstream(r, res, DECISION_MISS_UPSTREAM, REASON_UPSTREAM_ARTIFACT, x);
		else if (x->noneof)
			set_oneof_unknown(r, res, x);
		else if (x->nunresolved)
			set_self_each(r, t, res, DECISION_UNKNOWN, REASON_UNRESOLVED_PARAM,
				      x->unresolved, x->nunresolved);
		else if (x->run_name)
			set_self_cause(r, t, res, DECISION_UNKNOWN, REASON_RUN_NAME, NULL);
		else if (x->unknown || x->ncauses)
			set_upstream(r, res, DECISION_UNKNOWN, REASON_UPSTREAM_VALUE, x);
		else
			set_self_cause(r, t, res, DECISION_UNKNOWN, REASON_UPSTREAM_VALUE, NULL);
		return 0;
	}
	e = arena_alloc(&r->pr->arena, sizeof(*e));
	found = r->live->lookup(r->live->ctx, &r->pr->arena, t->path, r->scope.pipeline,
				r->scope.ns, res->fingerprint, e);
	if (found < 0)
		return err_set("task '%s': %s", t->path, err_msg());
	if (found) {
		struct cache_entry hit = { e->run, arena_printf(&r->pr->arena, "execution %lld",
								 e->execution_id) };
		set_hit(r, res, &hit);
		res->live = e;
		res->exec_id = arena_printf(&r->pr->arena, "mlmd#%lld", e->execution_id);
		logf_(r, res, "live cache: fingerprint %s in pipeline/%s, namespace %s: entry %s, "
		      "execution %lld of run %s, created %lld s before the read",
		      res->fingerprint, r->scope.pipeline, r->scope.ns, e->uuid, e->execution_id,
		      e->run, e->age);
	} else {
		set_self_cause(r, t, res, DECISION_MISS, REASON_COLD_CACHE, NULL);
		logf_(r, res, "live cache: no entry with fingerprint %s in pipeline/%s, namespace %s",
		      res->fingerprint, r->scope.pipeline, r->scope.ns);
	}
	return 0;
}

/*
 * The artifact an importer's launcher (reimport false) looks for, as
 * ImportSpecToMLMDArtifact builds it (component/importer_launcher.go:
 * 187-323 in 2.17, :174-290 in 2.14): the URI (artifactUri.constant, else
 * the task's input named by artifactUri.runtimeParameter), the type of
 * typeSchema.schemaTitle, the metadata as custom properties
 * (metadata/converter.go:138-170: string, double, bool as int) and
 * store_session_info, the JSON of objectstore.SessionInfo{Provider, Params:
 * {fromEnv: true}} (objectstore/config.go:56-59; Go's encoding/json: field
 * names as keys, map keys sorted).  NULL with *why when it cannot be known
 * before the run.
 */
static const struct live_import *live_import_query(struct run *r, const struct task *t,
						   const char **why)
{
	static const char *const providers[] = { "gs", "s3", "minio", "mem" };
	struct arena *a = &r->pr->arena;
	const struct node *au = node_get(t->importer, "artifactUri");
	const struct node *md = node_get(t->importer, "metadata");
	const struct node *outs = node_path(t->comp, "outputDefinitions", "artifacts", NULL);
	const char *uri = node_get_str(au, "constant"), *param = node_get_str(au, "runtimeParameter");
	const char *colon;
	struct live_import *q = arena_alloc(a, sizeof(*q));
	struct live_prop *props;
	size_t i, np = 0;

	memset(q, 0, sizeof(*q));
	if (!uri)
		uri = node_str(node_path(au, "constantValue", "stringValue", NULL));
	for (i = 0; !uri && param && i < t->ninputs; i++) {
		const struct task_input *in = &t->inputs[i];
		if (in->artifact || strcmp(in->name, param))
			continue;
		uri = node_str(in->val.kind == RV_STATIC
				       ? in->val.value
				       : parts_live_value(a, r->pr->results, r->decided, in));
		if (!uri) {
			*why = arena_printf(a, "its artifact URI (input '%s') is known only at run time",
					    param);
			return NULL;
		}
	}
	if (!uri || !*uri) {
		*why = "it has no artifact URI (the launcher fails)";
		return NULL;
	}
	q->uri = uri;
	q->type_name = node_get_str(node_get(t->importer, "typeSchema"), "schemaTitle");
	if (!q->type_name) {
		*why = "its type is an instanceSchema, not a schemaTitle: not matched";
		return NULL;
	}
	q->output = outs && outs->type == NODE_MAP && outs->n == 1 ? outs->keys[0] : NULL;
	if (!q->output) {
		*why = "its component does not declare exactly one output artifact";
		return NULL;
	}
	colon = strstr(uri, "://");
	for (i = 0; colon && i < KC_ARRAY_SIZE(providers); i++)
		if ((size_t)(colon - uri) == strlen(providers[i]) &&
		    !memcmp(uri, providers[i], strlen(providers[i])))
			break;
	if (!colon || i == KC_ARRAY_SIZE(providers)) {
		/* oci:// (2.15+: no store_session_info) and unknown schemes are not matched. */
		*why = arena_printf(a, "its URI scheme is not one of gs, s3, minio, mem "
				    "(objectstore/config.go:130-139): not matched");
		return NULL;
	}
	props = arena_array(a, (md && md->type == NODE_MAP ? md->n : 0) + 1, sizeof(*props));
	for (i = 0; md && md->type == NODE_MAP && i < md->n; i++) {
		const struct node *v = md->items[i];
		props[np].name = md->keys[i];
		if (v->type == NODE_STRING) {
			props[np].kind = 's';
			props[np].text = v->str;
		} else if (v->type == NODE_NUMBER) {
			props[np].kind = 'd';
			props[np].text = arena_printf(a, "%.17g", v->number);
		} else if (v->type == NODE_BOOL) {
			props[np].kind = 'i';
			props[np].text = v->boolean ? "1" : "0";
		} else {
			*why = arena_printf(a, "its metadata '%s' is a %s (an MLMD struct value): not "
					    "compared", md->keys[i], node_type_name(v->type));
			return NULL;
		}
		np++;
	}
	props[np].name = "store_session_info";
	props[np].kind = 's';
	props[np++].text = arena_printf(a, "{\"Provider\":\"%.*s\",\"Params\":{\"fromEnv\":\"true\"}}",
					(int)(colon - uri), uri);
	q->props = props;
	q->nprops = np;
	return q;
}

/*
 * Against a live cache: the importer's launcher re-links an existing
 * artifact when ML Metadata holds one that matches (HIT: the same id, so
 * its consumers' fingerprints are exact), else creates a new one (MISS:
 * consumers see a fresh id).  Importers consult no cache entry: no driver
 * lookup, no tasks row (importer_launcher.go:117-166).
 */
static int decide_live_importer(struct run *r, const struct task *t, struct task_result *res)
{
	const char *why = NULL;
	const struct live_import *q = live_import_query(r, t, &why);
	struct live_entry *e;
	int found;

	if (!q) {
		logf_(r, res, "live cache: the artifact this importer re-links is not known: %s", why);
		set_self_cause(r, t, res, DECISION_UNKNOWN, REASON_UPSTREAM_VALUE, NULL);
		return 0;
	}
	e = arena_alloc(&r->pr->arena, sizeof(*e));
	memset(e, 0, sizeof(*e));
	found = r->live->import_lookup(r->live->ctx, &r->pr->arena, r->scope.pipeline, q, e);
	if (found < 0)
		return err_set("task '%s': %s", t->path, err_msg());
	if (found) {
		struct cache_entry hit = { "mlmd", arena_printf(&r->pr->arena, "artifact %s",
								 e->art_ids[0]) };
		set_hit(r, res, &hit);
		res->live = e;
		res->exec_id = arena_printf(&r->pr->arena, "mlmd-artifact#%s", e->art_ids[0]);
		logf_(r, res, "live cache: ML Metadata holds artifact %s (%s, %s, LIVE, in the context "
		      "of pipeline %s): the launcher re-links it", e->art_ids[0], q->type_name, q->uri,
		      r->scope.pipeline);
	} else {
		set_self_cause(r, t, res, DECISION_MISS, REASON_COLD_CACHE, NULL);
		logf_(r, res, "live cache: no LIVE %s artifact of URI %s with these properties in the "
		      "context of pipeline %s: the launcher creates a new one", q->type_name, q->uri,
		      r->scope.pipeline);
	}
	return 0;
}

/*
 * Importers never use the cache; with reimport false the same URI, type and
 * metadata re-link the existing MLMD artifact (metadata/client.go:1303-1347),
 * so consumers see the same id.  HIT means that artifact is reused.
 */
static int decide_importer(struct run *r, const struct task *t, struct task_result *res,
			   const struct parts_deps *x)
{
	/* The artifact re-link knows no namespace (cache.h). */
	const struct cache_scope scope = { r->scope.pipeline, NULL };
	struct cache_entry hit;
	struct reasons changes = { NULL, 0, 0 };
	bool had_prev;

	res->fingerprint_why = "importers are never cached";
	if (node_get_bool(t->importer, "reimport", false)) {
		res->exec_id = arena_printf(&r->pr->arena, "%s:%s", r->pr->label, t->path);
		set_self_cause(r, t, res, DECISION_MISS, REASON_RUN_UNIQUE, "reimport");
		return 0;
	}
	res->exec_id = arena_printf(&r->pr->arena, "import:%.16s", res->key);
	if (r->live) {
		if (decide_live_importer(r, t, res) < 0)
			return -1;
	} else if (r->pr->cold)
		set_self_cause(r, t, res, DECISION_MISS, REASON_COLD_CACHE, NULL);
	else if (x->nrun_unique)
		set_self_cause(r, t, res, DECISION_MISS, REASON_RUN_UNIQUE, "import_uri");
	else if (x->unknown || x->art_runs)
		set_upstream(r, res, DECISION_UNKNOWN, REASON_UPSTREAM_VALUE, x);
	else if (cache_lookup(&hit, r->c, CACHE_IMPORT, &scope, res->key))
		set_hit(r, res, &hit);
	else if (cache_scope_state(r->c, &scope) == CACHE_SCOPE_OTHER_PIPELINE)
		set_self_cause(r, t, res, DECISION_MISS, REASON_PIPELINE_NAME, NULL);
	else if (own_changes(res, &changes, &had_prev), changes.n)
		set_self_causes(r, t, res, DECISION_MISS, changes.v, changes.n);
	else
		set_self_cause(r, t, res, DECISION_MISS, had_prev ? REASON_COLD_CACHE : REASON_NEW_TASK,
			       NULL);
	free(changes.v);
	return 0;
}

/*
 * Whether the result says an entry no longer serves: it does not hit for a
 * reason of the change, not because the cache was empty, a per-run value
 * or the task's kind can never hit, a value is unknown, or its caching is
 * off (the one definition the timeline, diff and summary use).  A task
 * that misses because of a producer invalidates only when a root cause
 * does (a changed part, a new task, a new pipeline name or namespace): the consumers of a DISABLED producer miss in every run, and `diff`
 * of a file with itself has nothing that changed.  Root causes are
 * decided before their consumers (dag.h: d->order).
 */
static bool result_invalidates(const struct prediction *pr, const struct task_result *res)
{
	size_t i, k;

	if (res->decision != DECISION_MISS && res->decision != DECISION_MISS_UPSTREAM &&
	    res->decision != DECISION_UNKNOWN)
		return false;
	if (!res->nreasons)
		return true;
	for (i = 0; i < res->nreasons; i++)
		switch (res->reasons[i].kind) {
		case REASON_CHANGED:
		case REASON_NEW_TASK:
		case REASON_PIPELINE_NAME:
		case REASON_NAMESPACE:
			return true;
		case REASON_UPSTREAM_ARTIFACT:
		case REASON_UPSTREAM_VALUE:
			for (k = 0; k < res->ncauses; k++)
				if (res->causes[k] != res->task && result_cause(pr, res, k)->invalidates)
					return true;
			break;
		default:
			/*
			 * same_run_race only says which of two equal keys writes
			 * the entry: the reasons after it decide.
			 */
			break;
		}
	return false;
}

/* ---- same-run hits and races (kfp-cache-semantics.md §9) ---- */

static void same_run_init(struct same_run *s, const struct dag *d, struct arena *a)
{
	run_order_init(&s->order, d);
	strmap_init(&s->writers);
	s->prev = arena_array(a, d->ntasks, sizeof(*s->prev));
	s->origin = arena_array(a, d->ntasks, sizeof(*s->origin));
}

static void same_run_release(struct same_run *s)
{
	run_order_release(&s->order);
	strmap_release(&s->writers);
}

/* Past this many earlier writers of one key a task is not compared with more. */
#define SAME_RUN_MAX_SCAN 64

/*
 * Does t write an entry, or may it: caching on, it runs, and it did not hit
 * an earlier run (deletepvc never writes one, §11).
 */
static bool may_write(struct run *r, const struct task *t, const struct task_result *res)
{
	return t->kind == TASK_CONTAINER && res->pol.enabled && t->stub != STUB_DELETEPVC &&
	       trigger_runs(&r->trig[t->index]) &&
	       (res->decision == DECISION_MISS || res->decision == DECISION_MISS_UPSTREAM ||
		res->decision == DECISION_UNKNOWN);
}

/* Do two resolved values come from the same executions' outputs? */
static bool same_sources(struct run *r, const struct rval *a, const struct rval *b)
{
	size_t i;

	if (a->kind != b->kind || a->nrefs != b->nrefs)
		return false;
	/*
	 * A run's values are one per run, except the task's own uuid and the
	 * final status, which the driver makes per task.
	 */
	if (a->kind == RV_RUN_UNIQUE && a->what &&
	    (!strcmp(a->what, "task_uuid") || !strcmp(a->what, "final_status")))
		return false;
	for (i = 0; i < a->nrefs; i++) {
		const char *oa = r->same.origin[a->refs[i].producer->index];
		const char *ob = r->same.origin[b->refs[i].producer->index];
		/* A generated PVC name is its createpvc task's. */
		if (a->kind != RV_OUTPUT && a->refs[i].producer != b->refs[i].producer)
			return false;
		if (a->kind == RV_OUTPUT && (!oa || !ob || strcmp(oa, ob)))
			return false;
	}
	if (!a->inner || !b->inner)
		return !a->inner && !b->inner;
	return same_sources(r, a->inner, b->inner);
}

/*
 * Do a and b, of equal symbolic keys, have equal fingerprints in this
 * run: the exact ones when both are known; else inputs read from the same
 * executions (two producers with equal keys that both run make different
 * artifacts and may give different values).  A custom key reads no input.
 */
static bool same_key(struct run *r, const struct task *a, const struct task_result *ar,
		     const struct task *b, const struct task_result *br)
{
	size_t i;

	if (ar->fingerprint[0] && br->fingerprint[0])
		return !strcmp(ar->fingerprint, br->fingerprint);
	if (ar->pol.cache_key && br->pol.cache_key)
		return true;
	if (a->ninputs != b->ninputs || a->npvc_vals != b->npvc_vals)
		return false;
	for (i = 0; i < a->ninputs; i++)
		if (!same_sources(r, &a->inputs[i].val, &b->inputs[i].val))
			return false;
	for (i = 0; i < a->npvc_vals; i++)
		if (!same_sources(r, &a->pvc_vals[i], &b->pvc_vals[i]))
			return false;
	return true;
}

/*
 * May a's run decide whether t runs: a under a condition not decided
 * before the run that is not t's own (then t's hit is not certain).
 */
static bool writes_for(struct run *r, const struct task *a, const struct task *t)
{
	const struct trigger_state *as = &r->trig[a->index], *ts = &r->trig[t->index];

	return as->v != TRIGGER_MAYBE || (ts->v == TRIGGER_MAYBE && ts->cause == as->cause);
}

/*
 * t's driver looks up after a's launcher wrote the entry (cacheutils/
 * cache.go:105-138 does not filter by run): HIT on it, outputs and all.
 */
static void set_same_run_hit(struct run *r, const struct task *t, struct task_result *res,
			     const struct task *a)
{
	const struct task_result *ar = &r->pr->results[a->index];
	struct reason one = { REASON_SAME_RUN, NULL };
	const struct task **c = arena_array(&r->pr->arena, 1, sizeof(*c));

	res->decision = DECISION_HIT;
	set_reasons(r, res, &one, 1);
	c[0] = a;
	res->causes = c;
	res->ncauses = 1;
	res->distance = 1;
	res->hit.run = r->pr->label;
	res->hit.path = a->path;
	res->hit_exec = arena_printf(&r->pr->arena, "%s:%s", r->pr->label, a->path);
	res->exec_id = ar->exec_id;
	r->same.origin[t->index] = r->same.origin[a->index];
	logf_(r, res, "same run: %s has this key and KFP finishes it before this driver "
	      "starts: HIT on its entry (%s)", a->path, res->hit_exec);
}

/*
 * Nothing orders t and a: UNKNOWN same_run_race, `other` a root cause
 * with the reasons and causes it would miss for otherwise.
 */
static void set_race(struct run *r, struct task_result *res,
		     const struct task *other)
{
	struct reasons rs = { NULL, 0, 0 };
	struct parts_deps x;
	size_t i;

	parts_deps_init(&x);
	add_reason(&rs, REASON_SAME_RUN_RACE, NULL);
	for (i = 0; i < res->nreasons; i++)
		add_reason(&rs, res->reasons[i].kind, res->reasons[i].detail);
	for (i = 0; i < res->ncauses; i++) {
		KC_GROW(x.causes, x.causes_alloc, x.ncauses + 1);
		x.causes[x.ncauses++] = res->causes[i];
	}
	KC_GROW(x.causes, x.causes_alloc, x.ncauses + 1);
	x.causes[x.ncauses++] = other;
	res->decision = DECISION_UNKNOWN;
	set_reasons(r, res, rs.v, rs.n);
	set_causes(r, res, &x);
	res->invalidates = result_invalidates(r->pr, res);
	logf_(r, res, "same run: %s has this key and nothing orders the two: whichever "
	      "finishes first may serve the other", other->path);
	free(rs.v);
	parts_deps_release(&x);
}

/* A race marks a task that would miss, once. */
static bool may_race(const struct task_result *res)
{
	return res->decision == DECISION_MISS || res->decision == DECISION_MISS_UPSTREAM;
}

/*
 * t, decided by the ladder, against the tasks decided before it with its
 * key (run_order puts what KFP finishes first before it): HIT same_run on
 * one that KFP finishes before t starts, else a race with one nothing
 * orders with t, unless their conditions exclude each other.
 */
static void same_run_check(struct run *r, const struct task *t, struct task_result *res)
{
	struct same_run *s = &r->same;
	const struct task *a, *race = NULL;
	size_t scanned = 0;

	s->origin[t->index] = res->exec_id;
	if (!may_write(r, t, res))
		return;
	s->origin[t->index] = t->path;
	for (a = strmap_get(&s->writers, res->key); a && scanned < SAME_RUN_MAX_SCAN;
	     a = s->prev[a->index], scanned++) {
		struct task_result *ar = &r->pr->results[a->index];
		if (!same_key(r, a, ar, t, res)) {
			logf_(r, res, "same run: %s has this symbolic key but another fingerprint "
			      "(the exact ones differ, or it reads other executions' outputs)", a->path);
			continue;
		}
		if (!writes_for(r, a, t))
			continue;
		if (run_order_before(&s->order, a, t)) {
			set_same_run_hit(r, t, res, a);
			return;
		}
		if (!race && !run_order_before(&s->order, t, a) && !run_order_exclusive(a, t))
			race = a;
	}
	if (race && may_race(&r->pr->results[race->index]))
		set_race(r, &r->pr->results[race->index], t);
	if (race && may_race(res))
		set_race(r, res, race);
	s->prev[t->index] = strmap_get(&s->writers, res->key);
	strmap_put(&s->writers, res->key, (void *)t);
}

/*
 * An executor that does not trigger: NOT_RUN for a false condition (its
 * own, a group's or a dependency's), UNKNOWN when a condition cannot be
 * evaluated (KFP's driver fails on it: lint reports it).  Its key parts
 * are still made (explain shows what the key would be, and the next run
 * compares with them), but the run leaves no entry for it (launcher_v2.go
 * writes entries only after the command ran).
 */
static bool not_triggered(struct run *r, const struct task *t, struct task_result *res)
{
	const struct trigger_state *st = &r->trig[t->index];

	if (trigger_runs(st))
		return false;
	res->exec_id = arena_printf(&r->pr->arena, "%s:not-run:%s", r->pr->label, t->path);
	if (st->v == TRIGGER_NO) {
		set_self_cause(r, st->cause, res, DECISION_NOT_RUN, REASON_CONDITION, NULL);
	} else if (st->v == TRIGGER_FAIL) {
		/* KFP's driver fails there: nothing inside or after it starts (§10). */
		set_self_cause(r, st->cause, res, DECISION_NOT_RUN, REASON_DRIVER_ERROR,
			       r->trig[st->cause->index].fail_detail);
		logf_(r, res, "driver: %s", r->trig[st->cause->index].fail_message);
	} else {
		const struct trigger_state *cs = &r->trig[st->cause->index];
		set_self_cause(r, st->cause, res, DECISION_UNKNOWN, REASON_CONDITION_ERROR,
			       cel_error_kind_name(cs->err.kind));
	}
	res->distance = st->distance;
	return true;
}

/*
 * Decide t, whose producers are decided: the policy (a custom cache key
 * replaces the parts), the key parts from the producers' results, the
 * previous version's parts, then the ladder.  DAG tasks get no decision.
 */
static int decide(struct run *r, const struct task *t)
{
	struct task_result *res = &r->pr->results[t->index];
	struct parts_deps x;
	int ret = -1;

	res->task = t;
	res->distance = -1;
	parts_deps_init(&x);
	res->conditional = r->trig[t->index].v == TRIGGER_MAYBE || r->trig[t->index].race ||
			   r->trig[t->index].fail_maybe;
	if (r->trig[t->index].race)
		logf_(r, res, "may not start: the driver of %s fails and nothing orders this task "
		      "before it (Argo starts no new task of a failed DAG)", r->trig[t->index].race->path);
	if (t->kind == TASK_CONTAINER) {
		eval_policy(r, t, res);
		if (parts_container(&r->parts, t, res, &x) < 0)
			goto done;
		load_prev(r, t, res);
		if (!not_triggered(r, t, res) && decide_container(r, t, res, &x) < 0)
			goto done;
		same_run_check(r, t, res);
	} else if (t->kind == TASK_IMPORTER) {
		if (parts_importer(&r->parts, t, res, &x) < 0)
			goto done;
		load_prev(r, t, res);
		if (!not_triggered(r, t, res) && decide_importer(r, t, res, &x) < 0)
			goto done;
		r->same.origin[t->index] = res->exec_id;
	}
	res->invalidates = result_invalidates(r->pr, res);
	r->decided[t->index] = true;
	ret = 0;
done:
	parts_deps_release(&x);
	return ret;
}

/*
 * A OneOf whose branch was not known: the run wrote the entry of one
 * candidate's key.  Like a task whose condition is not known (replayed as
 * if it ran), each is taken to exist, so a later run that takes a known
 * branch hits when its producer does.
 */
static void insert_branch_keys(struct run *r, const struct task_result *res)
{
	size_t i;

	for (i = 0; i < res->nbranch_keys; i++)
		cache_insert(r->c, CACHE_EXEC, &r->scope, res->branch_keys[i], r->pr->label,
			     res->task->path);
}

/*
 * Commit the run to the cache: the entries its executions create (only
 * those that ran with caching on; importers always, as the artifacts they
 * made), and every executor's parts for the next run to compare with.
 */
static void commit_run(struct run *r)
{
	const struct cache_scope import_scope = { r->scope.pipeline, NULL };
	size_t i;

	for (i = 0; i < r->pr->n; i++) {
		const struct task_result *res = &r->pr->results[i];
		const struct task *t = res->task;
		bool ran = trigger_runs(&r->trig[i]);
		if (!task_is_executor(t))
			continue;
		/* A task that did not run leaves no entry; its parts still count. */
		if (ran && t->kind == TASK_IMPORTER)
			cache_insert(r->c, CACHE_IMPORT, &import_scope, res->key, r->pr->label, t->path);
		else if (ran && res->pol.enabled && res->decision != DECISION_HIT &&
			 t->stub != STUB_DELETEPVC) {
			cache_insert(r->c, CACHE_EXEC, &r->scope, res->key, r->pr->label, t->path);
			cache_static_insert(r->c, &r->scope, res->parts, res->nparts);
			insert_branch_keys(r, res);
		}
		cache_set_parts(r->c, t->path, res->parts, res->nparts);
	}
	cache_end_run(r->c);
}

/*
 * One walk of the run: which tasks trigger (with tv: values a live cache
 * serves), then every task decided producers first.
 */
static int run_pass(struct run *r, const struct trigger_values *tv)
{
	const struct dag *d = r->d;
	size_t i;

	r->trig = arena_array(&r->pr->arena, d->ntasks, sizeof(*r->trig));
	trigger_eval_with(d, r->trig, &r->pr->arena, tv);
	r->pr->triggers = r->trig;
	parts_run_init(&r->parts, &r->pr->arena, d->spec->name, r->p, r->pr->results, r->decided,
		       r->trig);
	same_run_init(&r->same, d, &r->pr->arena);
	/*
	 * Producers first, so the key parts are assembled from results
	 * already decided, and decide() never recurses; and what KFP finishes
	 * before a task's driver starts before it (model/order.h), so a
	 * same-run hit finds the entry it hits.
	 */
	for (i = 0; i < d->ntasks; i++)
		if (decide(r, r->same.order.tasks[i]) < 0)
			return -1;
	return 0;
}

/* The previous pass's results, read by trigger_eval_with. */
struct pass_values {
	struct arena *a;
	const struct task_result *results;
	const bool *decided;
};

static const struct node *pass_value(void *ctx, const struct task_input *in)
{
	const struct pass_values *pv = ctx;

	return parts_live_value(pv->a, pv->results, pv->decided, in);
}

/* How many condition inputs the live cache's HITs of this pass give values to. */
static size_t conditions_resolved(const struct run *r)
{
	size_t i, j, n = 0;

	for (i = 0; i < r->d->ntasks; i++) {
		const struct task *t = r->d->tasks[i];
		if (!task_condition(t))
			continue;
		for (j = 0; j < t->ninputs; j++)
			if (!t->inputs[j].artifact && t->inputs[j].val.kind == RV_OUTPUT &&
			    parts_live_value(&r->pr->arena, r->pr->results, r->decided, &t->inputs[j]))
				n++;
	}
	return n;
}

int predict_run(struct prediction **out, const struct dag *d, const struct policy *p,
		struct cache *c, const char *label, const struct predict_options *opt)
{
	struct prediction *pr = xcalloc(1, sizeof(*pr));
	struct run r;
	size_t i, resolved, nresolved = 0;
	int ret = -1;

	arena_init(&pr->arena);
	pr->dag = d;
	pr->label = arena_strdup(&pr->arena, label);
	pr->n = d->ntasks;
	pr->results = arena_array(&pr->arena, d->ntasks, sizeof(*pr->results));
	/* A live cache is what it holds, never "cold": its misses are exact. */
	pr->cold = cache_is_empty(c) && !(opt && opt->live);
	memset(&r, 0, sizeof(r));
	r.pr = pr;
	r.d = d;
	r.p = p;
	r.c = c;
	r.keep_log = opt && opt->keep_log;
	r.live = opt ? opt->live : NULL;
	r.scope.pipeline = d->pipeline_name;
	r.scope.ns = opt && opt->ns ? opt->ns : PREDICT_DEFAULT_NAMESPACE;
	r.ns_named = strcmp(r.scope.ns, PREDICT_DEFAULT_NAMESPACE) != 0;
	pr->ns = arena_strdup(&pr->arena, r.scope.ns);
	r.decided = xcalloc(d->ntasks ? d->ntasks : 1, sizeof(*r.decided));
	if (run_pass(&r, NULL) < 0)
		goto done;
	/*
	 * Against a live cache a condition over a HIT producer's outputs is
	 * decidable once the producer is decided: run again with those values
	 * (trigger.h trigger_values) until no more conditions are decided.
	 */
	while (r.live && (resolved = conditions_resolved(&r)) > nresolved) {
		struct pass_values pv = { &pr->arena, pr->results, xcalloc(d->ntasks, sizeof(bool)) };
		struct trigger_values tv = { pass_value, &pv };
		int pass;
		memcpy((bool *)pv.decided, r.decided, d->ntasks * sizeof(bool));
		nresolved = resolved;
		pr->results = arena_array(&pr->arena, d->ntasks, sizeof(*pr->results));
		memset(r.decided, 0, d->ntasks * sizeof(*r.decided));
		parts_run_release(&r.parts);
		same_run_release(&r.same);
		pass = run_pass(&r, &tv);
		free((bool *)pv.decided);
		if (pass < 0)
			goto done;
	}
	for (i = 0; i < d->ntasks; i++) {
		const struct task *t = d->tasks[i];
		pr->counts[pr->results[i].decision]++;
		if (task_is_executor(t))
			pr->executors++;
		if (t->kind == TASK_CONTAINER && policy_run_reach(p, t) == RUN_REACH_UNREACHED)
			pr->run_override_unreached++;
	}
	if (opt && opt->commit)
		commit_run(&r);
	ret = 0;
done:
	free(r.decided);
	parts_run_release(&r.parts);
	same_run_release(&r.same);
	if (ret < 0) {
		prediction_free(pr);
		return -1;
	}
	*out = pr;
	return 0;
}
