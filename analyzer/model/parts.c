/*
 * parts.c - a task's symbolic key parts, assembled from its spec and from
 * its producers' results (the execution whose outputs it reads: the cached
 * one on a hit, a fresh one when the producer runs), and KFP's exact
 * fingerprint (driver/cache.go, cacheutils/cache.go) where inputs are static.
 * Between dag/policy/key and the decisions in predict.c.
 */
#include "model/parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/key.h"
#include "base/banned.h"

void parts_run_init(struct parts_run *r, struct arena *a, const char *spec_name,
		    const struct policy *p, const struct task_result *results,
		    const bool *decided, const struct trigger_state *trig)
{
	memset(r, 0, sizeof(*r));
	r->trig = trig;
	r->arena = a;
	r->spec_name = spec_name;
	r->p = p;
	r->results = results;
	r->decided = decided;
	strmap_init(&r->texts);
}

void parts_run_release(struct parts_run *r)
{
	strmap_release(&r->texts);
}

void parts_deps_init(struct parts_deps *x)
{
	memset(x, 0, sizeof(*x));
	x->distance = -1;
}

void parts_deps_release(struct parts_deps *x)
{
	free(x->run_unique);
	free(x->unresolved);
	free(x->causes);
	free(x->oneof);
	free(x->oneof_branches);
}

static void add_run_unique(struct parts_deps *x, const char *what)
{
	KC_GROW(x->run_unique, x->run_unique_alloc, x->nrun_unique + 1);
	x->run_unique[x->nrun_unique++] = what;
}

static void add_unresolved(struct parts_deps *x, const char *name)
{
	size_t i;

	for (i = 0; i < x->nunresolved; i++)
		if (!strcmp(x->unresolved[i], name))
			return;
	KC_GROW(x->unresolved, x->unresolved_alloc, x->nunresolved + 1);
	x->unresolved[x->nunresolved++] = name;
}

static void add_cause(struct parts_deps *x, const struct task *t)
{
	KC_GROW(x->causes, x->causes_alloc, x->ncauses + 1);
	x->causes[x->ncauses++] = t;
}

/* It runs this time: a race of equal keys runs too, or hits the other's new outputs. */
static bool result_runs(const struct task_result *r)
{
	return r->decision == DECISION_MISS || r->decision == DECISION_MISS_UPSTREAM ||
	       r->decision == DECISION_DISABLED || result_has_reason(r, REASON_SAME_RUN_RACE);
}

/*
 * The result of producer p, which predict_run has decided already: it
 * walks d->order, producers before their consumers, and the order's edges
 * (dag.c each_edge) are every ref of a task's inputs and PVC names.  An
 * rval's inner value carries the same refs as the rval itself (dag.c
 * apply_selector, loop items), so it adds no producer; dag_build rejects
 * cycles.  NULL (with the error set) would be a bug in that order.
 */
static const struct task_result *producer_result(struct parts_run *r, const struct task *p)
{
	if (!r->decided[p->index]) {
		err_set("internal error: producer '%s' is not decided before its consumer", p->path);
		return NULL;
	}
	return &r->results[p->index];
}

/*
 * An input from producer p, which does not hit: an artifact from a producer
 * that runs has new ids; any other value is not known before the run.  The
 * chain goes on from p's own root causes.
 */
static void add_upstream(struct parts_deps *x, const struct task *p,
			 const struct task_result *pr, bool artifact)
{
	size_t k;

	if (artifact && result_runs(pr))
		x->art_runs = true;
	else
		x->unknown = true;
	for (k = 0; k < pr->ncauses; k++)
		add_cause(x, pr->causes[k]);
	if (!pr->ncauses)
		add_cause(x, p);
	if (x->distance < 0 || pr->distance < x->distance)
		x->distance = pr->distance < 0 ? 0 : pr->distance;
}

/*
 * Which alternative of OneOf v KFP's driver reads: it tries the selectors
 * in order and takes the first whose branch completed or was cached
 * (resolve.go:1061-1089, :1110-1146), so a branch that does not trigger
 * is passed over, one that triggers ends the search, and one whose
 * condition is not known before the run may or may not be the one.  The
 * candidates into cand (v->nalts slots): one when the choice is known,
 * none when no branch can trigger (the driver fails: "No successful task
 * found", resolve.go:1082-1088).
 */
size_t parts_oneof_candidates(const struct parts_run *r, const struct rval *v, size_t *cand)
{
	size_t i, n = 0;

	if (r->force == v) {
		cand[0] = r->force_alt;
		return 1;
	}
	for (i = 0; i < v->nalts; i++) {
		const struct trigger_state *st = &r->trig[v->alts[i].branch->index];
		if (!trigger_runs(st))
			continue;
		cand[n++] = i;
		if (st->v == TRIGGER_YES && !st->race && !st->fail_maybe)
			break;
	}
	return n;
}

static void add_oneof(struct parts_deps *x, const struct rval *v, const char *branches)
{
	KC_GROW(x->oneof, x->oneof_alloc, x->noneof + 1);
	KC_GROW(x->oneof_branches, x->oneof_branches_alloc, x->noneof + 1);
	x->oneof[x->noneof] = v;
	x->oneof_branches[x->noneof++] = branches;
}

static int rval_token(struct parts_run *r, const struct rval *v, bool artifact,
		      struct strbuf *sb, struct parts_deps *x);

/*
 * The token of OneOf v: the chosen alternative's, named by its branch; or,
 * when the branch is not known, the candidates, each branch's condition a
 * root cause (the part then depends on something outside the task).
 */
static int oneof_token(struct parts_run *r, const struct rval *v, bool artifact,
		       struct strbuf *sb, struct parts_deps *x)
{
	size_t *cand = xcalloc(v->nalts, sizeof(*cand));
	size_t n = parts_oneof_candidates(r, v, cand), i;
	struct strbuf names = STRBUF_INIT;
	int ret = 0;

	if (n == 1) {
		sb_addf(sb, "oneof:%s=", v->alts[cand[0]].branch->path);
		ret = rval_token(r, &v->alts[cand[0]].val, artifact, sb, x);
		goto done;
	}
	for (i = 0; i < n; i++) {
		const struct trigger_state *st = &r->trig[v->alts[cand[i]].branch->index];
		if (i)
			sb_addc(&names, '|');
		sb_adds(&names, v->alts[cand[i]].branch->path);
		add_cause(x, st->cause ? st->cause : v->alts[cand[i]].branch);
	}
	if (!n) {
		sb_adds(&names, "none");
		add_cause(x, v->alts[0].branch);
	}
	sb_addf(sb, "oneof?(%s)", sb_str(&names));
	add_oneof(x, v, arena_strndup(r->arena, sb_str(&names), names.len));
	if (x->distance < 0)
		x->distance = 0;
done:
	sb_release(&names);
	free(cand);
	return ret;
}

/*
 * Token text for a resolved value, from the producers' results; records
 * what it depends on.
 */
static int rval_token(struct parts_run *r, const struct rval *v, bool artifact,
		      struct strbuf *sb, struct parts_deps *x)
{
	size_t i;

	switch (v->kind) {
	case RV_STATIC:
		return canon_json(sb, v->value);
	case RV_ABSENT:
		sb_adds(sb, "absent");
		return 0;
	case RV_RUN_UNIQUE:
		sb_addf(sb, "run_unique:%s", v->what);
		add_run_unique(x, v->what);
		return 0;
	case RV_RUN_NAME:
		sb_adds(sb, "{{$.pipeline_job_name}}");
		x->run_name = true;
		return 0;
	case RV_UNRESOLVED:
		sb_addf(sb, "unresolved:%s", v->what);
		add_unresolved(x, v->what);
		return 0;
	case RV_OUTPUT:
		break;
	}
	if (v->nalts)
		return oneof_token(r, v, artifact, sb, x);
	sb_addf(sb, "%s(", v->xform ? v->xform : "");
	for (i = 0; i < v->nrefs; i++) {
		const struct task *p = v->refs[i].producer;
		const struct task_result *pr = producer_result(r, p);
		if (!pr)
			return -1;
		if (i)
			sb_addc(sb, ',');
		/*
		 * An artifact is identified by the execution that made it (MLMD
		 * ids); a parameter by its value, which executions with equal keys
		 * share, so by the producer's key.
		 */
		if (artifact || p->kind == TASK_IMPORTER)
			sb_addf(sb, "%s/%s", pr->exec_id, v->refs[i].output);
		else
			sb_addf(sb, "value:%.16s/%s", pr->key, v->refs[i].output);
		/* A same_run HIT hands on what the earlier task made. */
		if (!result_hits_earlier_run(pr))
			add_upstream(x, p, result_source(r->results, pr), artifact);
	}
	sb_addc(sb, ')');
	if (v->inner) {
		sb_addc(sb, '<');
		if (rval_token(r, v->inner, artifact, sb, x) < 0)
			return -1;
		sb_addc(sb, '>');
	}
	return 0;
}

static void add_part_digest(struct parts_run *r, struct task_result *res, const char *name,
			    const char *text, const char *digest, bool upstream)
{
	struct arena *a = r->arena;
	size_t n = res->nparts;
	struct keypart *np = res->parts;

	/* Room for 4, then doubling at powers of two (only this appends). */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		np = arena_array(a, n ? n * 2 : 4, sizeof(*np));
		if (n)
			memcpy(np, res->parts, n * sizeof(*np));
	}
	np[res->nparts].name = arena_strdup(a, name);
	np[res->nparts].text = text;
	np[res->nparts].upstream = upstream;
	np[res->nparts].wild = false;
	memcpy(np[res->nparts].digest, digest, sizeof(np[res->nparts].digest) - 1);
	res->parts = np;
	res->nparts++;
}

/*
 * Part digests only tell parts apart within one cache (a 64-bit FNV-1a);
 * the symbolic key over them is SHA-256.
 */
static void part_digest(char out[17], const char *text, size_t len)
{
	snprintf(out, 17, "%016llx", (unsigned long long)kc_hash(text, len));
}

static void add_part(struct parts_run *r, struct task_result *res, const char *name,
		     const char *text, bool upstream)
{
	char digest[17];

	part_digest(digest, text, strlen(text));
	add_part_digest(r, res, name, text, digest, upstream);
}

struct memo_text {
	const char *text;
	char digest[17];
};

/*
 * A part taken from a spec node (command, args, ...).  Tasks sharing an
 * executor share the node, so its canonical text and digest are made once
 * per run.
 */
static int add_node_part(struct parts_run *r, struct task_result *res, const char *name,
			 const struct node *n)
{
	struct strbuf sb = STRBUF_INIT;
	struct memo_text *m;
	char addr[32];

	snprintf(addr, sizeof(addr), "%p", (const void *)n);
	if (!(m = strmap_get(&r->texts, addr))) {
		if (!n)
			sb_adds(&sb, "[]");
		else if (canon_json(&sb, n) < 0) {
			sb_release(&sb);
			return -1;
		}
		m = arena_alloc(r->arena, sizeof(*m));
		m->text = arena_strndup(r->arena, sb_str(&sb), sb.len);
		part_digest(m->digest, sb_str(&sb), sb.len);
		strmap_put(&r->texts, addr, m);
		sb_release(&sb);
	}
	add_part_digest(r, res, name, m->text, m->digest, false);
	return 0;
}

/*
 * The outputs part of a CacheKey: the component's output artifacts (name,
 * type, metadata; URIs are never hashed), executor-logs, and the output
 * parameters with their type names (driver.go provisionOutputs).
 */
static void key_outputs(struct key_spec *k, const struct task *t, bool logs,
			struct arena *a)
{
	const struct node *outa = node_path(t->comp, "outputDefinitions", "artifacts", NULL);
	const struct node *outp = node_path(t->comp, "outputDefinitions", "parameters", NULL);
	size_t na = node_is_map(outa) ? outa->n : 0, np = node_is_map(outp) ? outp->n : 0, i;
	struct key_outart *oa = arena_array(a, na, sizeof(*oa));
	const char **opn = arena_array(a, np, sizeof(*opn));
	const char **opt = arena_array(a, np, sizeof(*opt));

	for (i = 0; i < na; i++) {
		oa[i].name = outa->keys[i];
		oa[i].artifact_type = node_get(outa->items[i], "artifactType");
		oa[i].metadata = node_get(outa->items[i], "metadata");
	}
	for (i = 0; i < np; i++) {
		const char *ty = node_get_str(outp->items[i], "parameterType");
		opn[i] = outp->keys[i];
		opt[i] = ty ? ty : "PARAMETER_TYPE_ENUM_UNSPECIFIED";
	}
	k->noutarts = na;
	k->outarts = oa;
	k->publish_logs = logs;
	k->noutparams = np;
	k->outparam_names = opn;
	k->outparam_types = opt;
}

/*
 * The value input `in` reads from a producer that hit a deployment's live
 * cache: the cached execution's output parameter, or its output artifact's
 * MLMD id as a one-item list (the driver re-links those on a hit,
 * driver/cache.go:56-78, and its consumers resolve them, resolve.go).  NULL
 * for any other input, or an output transformed on the way (select,
 * collected, a loop item, OneOf): those stay symbolic.
 */
const struct node *parts_live_value(struct arena *a, const struct task_result *results,
				    const bool *decided, const struct task_input *in)
{
	const struct rval *v = &in->val;
	const struct task_result *pr;
	size_t i;

	if (v->kind != RV_OUTPUT || v->nrefs != 1 || (v->xform && *v->xform) || v->inner ||
	    v->nalts || (decided && !decided[v->refs[0].producer->index]))
		return NULL;
	pr = &results[v->refs[0].producer->index];
	if (!pr->live || pr->decision != DECISION_HIT)
		return NULL;
	if (!in->artifact)
		return pr->live->params ? node_get(pr->live->params, v->refs[0].output) : NULL;
	for (i = 0; i < pr->live->nartifacts; i++)
		if (!strcmp(pr->live->art_names[i], v->refs[0].output)) {
			struct node *list = node_new(a, NODE_LIST);
			node_append(a, list, NULL, 0,
				    node_new_str(a, pr->live->art_ids[i], strlen(pr->live->art_ids[i])));
			return list;
		}
	return NULL;
}

static const struct node *live_value(const struct parts_run *r, const struct task_input *in)
{
	return parts_live_value(r->arena, r->results, r->decided, in);
}

/*
 * The inputs part of a CacheKey, all known: parameter values, for each
 * artifact input its (pinned) MLMD ids, and what producers that hit a live
 * cache give.  Absent inputs are dropped.
 */
static void key_inputs(struct key_spec *k, const struct parts_run *r, const struct task *t,
		       struct arena *a)
{
	const char **pnames = arena_array(a, t->ninputs, sizeof(*pnames));
	const struct node **pvals = arena_array(a, t->ninputs, sizeof(*pvals));
	const char **anames = arena_array(a, t->ninputs, sizeof(*anames));
	const char ***aids = arena_array(a, t->ninputs, sizeof(*aids));
	size_t *acounts = arena_array(a, t->ninputs, sizeof(*acounts));
	size_t i, np = 0, na = 0;

	for (i = 0; i < t->ninputs; i++) {
		const struct task_input *in = &t->inputs[i];
		const struct node *value = in->val.kind == RV_STATIC ? in->val.value
								    : live_value(r, in);
		if (!value)
			continue;
		if (in->artifact) {
			const struct node *ids = value;
			const char **list = arena_array(a, ids->n, sizeof(*list));
			size_t j;
			for (j = 0; j < ids->n; j++)
				list[j] = ids->items[j]->str;
			anames[na] = in->name;
			aids[na] = list;
			acounts[na++] = ids->n;
		} else {
			pnames[np] = in->name;
			pvals[np++] = value;
		}
	}
	k->nartifacts = na;
	k->artifact_names = anames;
	k->artifact_ids = (const char *const *const *)aids;
	k->artifact_counts = acounts;
	k->nparams = np;
	k->param_names = pnames;
	k->param_values = pvals;
}

/*
 * The container's env entries as the master driver keys them (key.h):
 * container.env of the executor, a list of {name, value}.  KFP's driver
 * reads the spec with protojson, which refuses any other shape, so this
 * does too, naming the entry.  Secrets and config maps of the kfp-kubernetes
 * platform spec are not in it (PR #14340: left out on purpose; lint KC013).
 */
static int key_env(struct key_spec *k, const struct parts_run *r, const struct task *t)
{
	const struct node *env = node_get(t->container, "env");
	const char **names, **values;
	size_t i;

	k->nenv = 0;
	if (!policy_hashes_env(r->p) || !env || env->type == NODE_NULL)
		return 0;
	if (!node_is_list(env))
		return err_set("%u:%u: container.env is a %s, not a list", env->line, env->col,
			       node_type_name(env->type));
	names = arena_array(r->arena, env->n, sizeof(*names));
	values = arena_array(r->arena, env->n, sizeof(*values));
	for (i = 0; i < env->n; i++) {
		const struct node *e = env->items[i], *name, *value;

		if (!node_is_map(e))
			return err_set("%u:%u: container.env[%zu] is a %s, not a map", e->line,
				       e->col, i, node_type_name(e->type));
		name = node_get(e, "name");
		value = node_get(e, "value");
		if ((name && name->type != NODE_STRING && name->type != NODE_NULL) ||
		    (value && value->type != NODE_STRING && value->type != NODE_NULL)) {
			const struct node *bad = name && name->type != NODE_STRING &&
						 name->type != NODE_NULL ? name : value;
			return err_set("%u:%u: container.env[%zu].%s is a %s, not a string",
				       bad->line, bad->col, i, bad == name ? "name" : "value",
				       node_type_name(bad->type));
		}
		names[i] = node_str(name);
		values[i] = node_str(value);
	}
	k->nenv = env->n;
	k->env_names = names;
	k->env_values = values;
	return 0;
}

/* Why t's CacheKey cannot be known before the run, or NULL. */
static const char *fingerprint_blocker(const struct parts_run *r, const struct task *t)
{
	size_t i;

	/*
	 * The driver adds the claim name it draws (uuid, or uuid + suffix) to
	 * the executor inputs before the fingerprint (k8s.go:961-975): a
	 * fingerprint without it would be one KFP never computes.
	 */
	if (t->stub == STUB_CREATEPVC && !task_createpvc_name(t))
		return "createpvc names its claim per run, a uuid or a uuid and pvc_name_suffix, and "
		       "the driver hashes that name as an input (k8s.go:961-975)";

	for (i = 0; i < t->ninputs; i++) {
		const struct task_input *in = &t->inputs[i];
		if (live_value(r, in))
			continue;
		if (in->artifact && !in->val.pinned)
			return "input artifacts are hashed by run-time MLMD ids";
		if (in->val.kind != RV_STATIC && in->val.kind != RV_ABSENT)
			return "an input is known only at run time";
	}
	for (i = 0; i < t->npvc_vals; i++)
		if (t->pvc_vals[i].kind != RV_STATIC && policy_hashes_pvc_names(r->p))
			return "a PVC name is known only at run time";
	return NULL;
}

/* Static, fully known inputs: build KFP's own CacheKey and hash it. */
static void exact_fingerprint(struct parts_run *r, const struct task *t,
			      struct task_result *res, bool logs)
{
	const struct node *cmd = node_get(t->container, "command");
	const struct node *args = node_get(t->container, "args");
	struct key_spec k;
	const char **cmdargs, **pvc;
	size_t i, nc = 0, npvc = 0;
	struct arena *a = r->arena;

	if (res->pol.cache_key) {
		key_custom_fingerprint(res->fingerprint, t->component, res->pol.cache_key);
		return;
	}
	if ((res->fingerprint_why = fingerprint_blocker(r, t)))
		return;
	memset(&k, 0, sizeof(k));
	key_inputs(&k, r, t, a);
	key_outputs(&k, t, logs, a);
	k.image = t->image;
	cmdargs = arena_array(a, (node_is_list(cmd) ? cmd->n : 0) + (node_is_list(args) ? args->n : 0),
			      sizeof(*cmdargs));
	for (i = 0; node_is_list(cmd) && i < cmd->n; i++)
		cmdargs[nc++] = node_str(cmd->items[i]) ? node_str(cmd->items[i]) : "";
	for (i = 0; node_is_list(args) && i < args->n; i++)
		cmdargs[nc++] = node_str(args->items[i]) ? node_str(args->items[i]) : "";
	k.ncmdargs = nc;
	k.cmdargs = cmdargs;
	pvc = arena_array(a, t->npvc_vals, sizeof(*pvc));
	if (policy_hashes_pvc_names(r->p))
		for (i = 0; i < t->npvc_vals; i++)
			if (node_str(t->pvc_vals[i].value))
				pvc[npvc++] = node_str(t->pvc_vals[i].value);
	k.npvc = key_sort_pvc(pvc, npvc);
	k.pvc_names = pvc;
	if (key_env(&k, r, t) < 0 || key_fingerprint(res->fingerprint, &k) < 0) {
		res->fingerprint[0] = '\0';
		res->fingerprint_why = arena_strdup(a, err_msg());
	}
}

/*
 * Whether v's token stands for a value not known before the run: a
 * parameter from a producer that does not hit, anything from an UNKNOWN
 * producer, a root parameter without a value, the run's name.  An artifact
 * of a producer that runs is known to be new (it matches no entry); a
 * per-run value is known to differ.
 */
static bool rval_wild(const struct parts_run *r, const struct rval *v, bool artifact)
{
	size_t i;

	if (v->kind == RV_UNRESOLVED || v->kind == RV_RUN_NAME)
		return true;
	if (v->kind != RV_OUTPUT)
		return false;
	if (v->nalts) {
		size_t *cand = xcalloc(v->nalts, sizeof(*cand));
		bool wild = parts_oneof_candidates(r, v, cand) != 1 ||
			    rval_wild(r, &v->alts[cand[0]].val, artifact);
		free(cand);
		return wild;
	}
	for (i = 0; i < v->nrefs; i++) {
		const struct task_result *pr = &r->results[v->refs[i].producer->index];
		/* A same_run HIT reads what the earlier task makes (a race makes new ids). */
		const struct task_result *src = result_source(r->results, pr);
		if ((src->decision == DECISION_UNKNOWN && !result_runs(src)) ||
		    (!result_hits_earlier_run(pr) && !artifact))
			return true;
	}
	return v->inner && rval_wild(r, v->inner, artifact);
}

/*
 * The part "input:<name>" of input `in`, its token built in sb.  With
 * mark_upstream the part says whether it depends on a producer that does
 * not hit: one that runs, or one whose own decision is UNKNOWN (it may run
 * or hit), so a MISS does not list it as a change of the task's own.
 */
static int input_part(struct parts_run *r, struct task_result *res,
		      const struct task_input *in, bool mark_upstream, struct strbuf *sb,
		      struct parts_deps *x)
{
	struct parts_deps before = *x;
	char name[512];

	sb_reset(sb);
	if (rval_token(r, &in->val, in->artifact, sb, x) < 0)
		return -1;
	snprintf(name, sizeof(name), "input:%s", in->name);
	add_part(r, res, name, arena_strndup(r->arena, sb_str(sb), sb->len),
		 mark_upstream && (x->art_runs != before.art_runs ||
				   x->unknown != before.unknown || x->ncauses != before.ncauses));
	res->parts[res->nparts - 1].wild = rval_wild(r, &in->val, in->artifact);
	return 0;
}

/*
 * k8s.go:961-975: a PVC created without a name (pvc_name absent or empty)
 * gets uuid+suffix, added as an input.  A pvc_name from a producer is used
 * as is: its input part already follows the producer.
 */
static void generated_pvc_name(struct parts_run *r, const struct task *t,
			       struct task_result *res, struct parts_deps *x)
{
	if (task_createpvc_name(t))
		return;
	add_part(r, res, "input:<generated pvc name>", "run_unique:pvc_name", false);
	add_run_unique(x, "pvc_name");
}

static int container_parts(struct parts_run *r, const struct task *t,
			   struct task_result *res, struct parts_deps *x, bool logs)
{
	struct strbuf sb = STRBUF_INIT;
	struct key_spec k;
	struct arena *a = r->arena;
	size_t i;
	int ret = -1;

	if (res->pol.cache_key) {
		/* The custom key replaces every other part (driver/cache.go:88-96). */
		add_part(r, res, "component", arena_strdup(r->arena, t->component), false);
		add_part(r, res, "cache_key", arena_strdup(r->arena, res->pol.cache_key), false);
		return 0;
	}
	add_part(r, res, "image", arena_strdup(r->arena, t->image), false);
	if (add_node_part(r, res, "command", node_get(t->container, "command")) < 0 ||
	    add_node_part(r, res, "args", node_get(t->container, "args")) < 0)
		goto done;
	/* Only a backend that keys env has the part: no env, no part, as in KFP. */
	memset(&k, 0, sizeof(k));
	if (key_env(&k, r, t) < 0 ||
	    (k.nenv && add_node_part(r, res, "env", node_get(t->container, "env")) < 0))
		goto done;
	for (i = 0; i < t->ninputs; i++)
		if (t->inputs[i].val.kind != RV_ABSENT &&
		    input_part(r, res, &t->inputs[i], true, &sb, x) < 0)
			goto done;
	if (t->stub == STUB_CREATEPVC)
		generated_pvc_name(r, t, res, x);
	/* outputs: exactly what the CacheKey holds of them. */
	memset(&k, 0, sizeof(k));
	key_outputs(&k, t, logs, a);
	sb_reset(&sb);
	if (key_canonical(&sb, &k) < 0)
		goto done;
	add_part(r, res, "outputs", arena_strndup(r->arena, sb_str(&sb), sb.len), false);
	if (t->npvc_vals && policy_hashes_pvc_names(r->p)) {
		bool wild = false;
		sb_reset(&sb);
		for (i = 0; i < t->npvc_vals; i++) {
			if (i)
				sb_addc(&sb, ',');
			if (rval_token(r, &t->pvc_vals[i], false, &sb, x) < 0)
				goto done;
			wild = wild || rval_wild(r, &t->pvc_vals[i], false);
		}
		add_part(r, res, "pvc", arena_strndup(r->arena, sb_str(&sb), sb.len), false);
		res->parts[res->nparts - 1].wild = wild;
	}
	ret = 0;
done:
	if (ret < 0)
		err_set("%s: task '%s': %s", r->spec_name, t->path, err_msg());
	sb_release(&sb);
	return ret;
}

/* The symbolic key: a hash over every part's name and digest. */
static void symbolic_key(struct task_result *res)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < res->nparts; i++)
	{
		sb_adds(&sb, res->parts[i].name);
		sb_addc(&sb, '=');
		sb_adds(&sb, res->parts[i].digest);
		sb_addc(&sb, '\n');
	}
	key_sha256_hex(res->key, sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
}


/* KFP adds executor-logs to the outputs, except for its PVC stubs. */
static bool logs_in_key(const struct parts_run *r, const struct task *t)
{
	return policy_logs_in_key(r->p) && t->stub == STUB_NONE;
}

int parts_container(struct parts_run *r, const struct task *t, struct task_result *res,
		    struct parts_deps *x)
{
	bool logs = logs_in_key(r, t);

	if (container_parts(r, t, res, x, logs) < 0)
		return -1;
	symbolic_key(res);
	exact_fingerprint(r, t, res, logs);
	return 0;
}

int parts_importer(struct parts_run *r, const struct task *t, struct task_result *res,
		   struct parts_deps *x)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret = -1;

	/* Importer parts are never marked upstream: they are compared as they are. */
	for (i = 0; i < t->ninputs; i++)
		if (input_part(r, res, &t->inputs[i], false, &sb, x) < 0)
			goto done;
	if (add_node_part(r, res, "input:artifactUri", node_get(t->importer, "artifactUri")) < 0 ||
	    add_node_part(r, res, "outputs", node_get(t->importer, "typeSchema")) < 0 ||
	    add_node_part(r, res, "input:metadata", node_get(t->importer, "metadata")) < 0)
		goto done;
	symbolic_key(res);
	ret = 0;
done:
	sb_release(&sb);
	return ret;
}
