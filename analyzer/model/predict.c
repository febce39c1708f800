/*
 * predict.c - simulate one run of a spec against the cache and decide each
 * task.  Follows the container driver (driver/container.go, driver/cache.go,
 * semantics doc §0 and §2): caching layers first, then the fingerprint, then
 * the lookup scoped by pipelineInfo.name; a hit re-links the cached
 * execution's outputs (same artifact ids) so consumers can hit, a run
 * produces new ids so artifact consumers miss.  Only executions that ran
 * with caching on create entries.
 */
#include "model/predict.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/key.h"
#include "model/policy_file.h"
#include "base/banned.h"

const char *decision_name(enum decision d)
{
	switch (d) {
	case DECISION_NONE: return "";
	case DECISION_HIT: return "HIT";
	case DECISION_MISS: return "MISS";
	case DECISION_MISS_UPSTREAM: return "MISS_UPSTREAM";
	case DECISION_DISABLED: return "DISABLED";
	case DECISION_UNKNOWN: return "UNKNOWN";
	}
	return "";
}

/* ---- per-run state ---- */

struct run {
	struct prediction *pr;
	const struct dag *d;
	const struct policy *p;
	struct cache *c;
	bool keep_log;             /* predict_options.keep_log */
	bool *decided;             /* per task: its result is final */
	struct strmap texts;       /* node address -> struct memo_text (arena) */
};

/* What a key's inputs depend on, gathered while building tokens. */
struct deps {
	const char **run_unique;       /* the per-run values, in input order */
	size_t nrun_unique, run_unique_alloc;
	const char *unresolved;        /* first unresolved param */
	bool run_name;
	bool art_runs;                 /* an artifact from a producer that runs */
	bool unknown;                  /* a value from a producer that runs, or an UNKNOWN one */
	const struct task **causes;    /* root causes (may repeat) */
	size_t ncauses, causes_alloc;
	int distance;                  /* min producer distance, -1 none */
};

static void deps_init(struct deps *x)
{
	memset(x, 0, sizeof(*x));
	x->distance = -1;
}

static void deps_release(struct deps *x)
{
	free(x->run_unique);
	free(x->causes);
}

static void add_run_unique(struct deps *x, const char *what)
{
	KC_GROW(x->run_unique, x->run_unique_alloc, x->nrun_unique + 1);
	x->run_unique[x->nrun_unique++] = what;
}

static void add_cause(struct deps *x, const struct task *t)
{
	KC_GROW(x->causes, x->causes_alloc, x->ncauses + 1);
	x->causes[x->ncauses++] = t;
}

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

static bool decision_runs(enum decision d)
{
	return d == DECISION_MISS || d == DECISION_MISS_UPSTREAM || d == DECISION_DISABLED;
}

/*
 * The result of producer p, which predict_run has decided already: it
 * walks d->order, producers before their consumers, and the order's edges
 * (dag.c each_edge) are every ref of a task's inputs and PVC names.  An
 * rval's inner value carries the same refs as the rval itself (dag.c
 * apply_selector, loop items), so it adds no producer.  NULL (with the
 * error set) would be a bug in that order.
 */
static const struct task_result *producer_result(struct run *r, const struct task *p)
{
	if (!r->decided[p->index]) {
		err_set("internal error: producer '%s' is not decided before its consumer", p->path);
		return NULL;
	}
	return &r->pr->results[p->index];
}

/*
 * Token text for a resolved value, from the producers' results; records
 * what it depends on.
 */
static int rval_token(struct run *r, const struct rval *v, bool artifact,
		      struct strbuf *sb, struct deps *x)
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
		if (!x->unresolved)
			x->unresolved = v->what;
		return 0;
	case RV_OUTPUT:
		break;
	}
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
		if (pr->decision == DECISION_HIT)
			continue;
		if (artifact && decision_runs(pr->decision))
			x->art_runs = true;
		else
			x->unknown = true;
		if (pr->ncauses) {
			size_t k;
			for (k = 0; k < pr->ncauses; k++)
				add_cause(x, pr->causes[k]);
		} else {
			add_cause(x, p);
		}
		if (x->distance < 0 || pr->distance < x->distance)
			x->distance = pr->distance < 0 ? 0 : pr->distance;
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

static void add_part_digest(struct run *r, struct task_result *res, const char *name,
			    const char *text, const char *digest, bool upstream)
{
	struct arena *a = &r->pr->arena;
	struct keypart *np = arena_array(a, res->nparts + 1, sizeof(*np));

	if (res->nparts)
		memcpy(np, res->parts, res->nparts * sizeof(*np));
	np[res->nparts].name = arena_strdup(a, name);
	np[res->nparts].text = text;
	np[res->nparts].upstream = upstream;
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

static void add_part(struct run *r, struct task_result *res, const char *name,
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
static int add_node_part(struct run *r, struct task_result *res, const char *name,
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
		m = arena_alloc(&r->pr->arena, sizeof(*m));
		m->text = arena_strndup(&r->pr->arena, sb_str(&sb), sb.len);
		part_digest(m->digest, sb_str(&sb), sb.len);
		strmap_put(&r->texts, addr, m);
		sb_release(&sb);
	}
	add_part_digest(r, res, name, m->text, m->digest, false);
	return 0;
}

static int cmp_task_ptr_path(const void *x, const void *y)
{
	const struct task *a = *(const struct task *const *)x, *b = *(const struct task *const *)y;

	return strcmp(a->path, b->path);
}

/* The root causes of x, deduplicated and sorted by path, into res. */
static void set_causes(struct run *r, struct task_result *res, const struct deps *x)
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

/* Static, fully known inputs: build KFP's own CacheKey and hash it. */
static void exact_fingerprint(struct run *r, const struct task *t,
			      struct task_result *res, bool logs)
{
	const struct node *cmd = node_get(t->container, "command");
	const struct node *args = node_get(t->container, "args");
	struct key_spec k;
	const char **pnames, **cmdargs, **pvc, **anames;
	const char ***aids;
	const struct node **pvals;
	size_t *acounts;
	size_t i, np = 0, na = 0, nc = 0, npvc = 0;
	struct arena *a = &r->pr->arena;

	if (res->pol.cache_key) {
		key_custom_fingerprint(res->fingerprint, t->component, res->pol.cache_key);
		return;
	}
	for (i = 0; i < t->ninputs; i++) {
		const struct task_input *in = &t->inputs[i];
		if (in->artifact && !in->val.pinned) {
			res->fingerprint_why = "input artifacts are hashed by run-time MLMD ids";
			return;
		}
		if (in->val.kind != RV_STATIC && in->val.kind != RV_ABSENT) {
			res->fingerprint_why = "an input is known only at run time";
			return;
		}
	}
	for (i = 0; i < t->npvc_vals; i++)
		if (t->pvc_vals[i].kind != RV_STATIC && policy_hashes_pvc_names(r->p)) {
			res->fingerprint_why = "a PVC name is known only at run time";
			return;
		}
	memset(&k, 0, sizeof(k));
	pnames = arena_array(a, t->ninputs, sizeof(*pnames));
	pvals = arena_array(a, t->ninputs, sizeof(*pvals));
	anames = arena_array(a, t->ninputs, sizeof(*anames));
	aids = arena_array(a, t->ninputs, sizeof(*aids));
	acounts = arena_array(a, t->ninputs, sizeof(*acounts));
	for (i = 0; i < t->ninputs; i++) {
		const struct task_input *in = &t->inputs[i];
		if (in->val.kind != RV_STATIC)
			continue;
		if (in->artifact) {
			const struct node *ids = in->val.value;
			const char **list = arena_array(a, ids->n, sizeof(*list));
			size_t j;
			for (j = 0; j < ids->n; j++)
				list[j] = ids->items[j]->str;
			anames[na] = in->name;
			aids[na] = list;
			acounts[na++] = ids->n;
		} else {
			pnames[np] = in->name;
			pvals[np++] = in->val.value;
		}
	}
	k.nartifacts = na;
	k.artifact_names = anames;
	k.artifact_ids = (const char *const *const *)aids;
	k.artifact_counts = acounts;
	k.nparams = np;
	k.param_names = pnames;
	k.param_values = pvals;
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
	if (key_fingerprint(res->fingerprint, &k) < 0) {
		res->fingerprint[0] = '\0';
		res->fingerprint_why = arena_strdup(a, err_msg());
	}
}

static bool is_argostub(const struct task *t)
{
	return t->image && (!strcmp(t->image, "argostub/createpvc") ||
			    !strcmp(t->image, "argostub/deletepvc"));
}

static int container_parts(struct run *r, const struct task *t,
			   struct task_result *res, struct deps *x, bool logs)
{
	struct strbuf sb = STRBUF_INIT;
	struct key_spec k;
	struct arena *a = &r->pr->arena;
	size_t i;
	int ret = -1;

	if (res->pol.cache_key) {
		/* The custom key replaces every other part (driver/cache.go:88-96). */
		add_part(r, res, "component", arena_strdup(&r->pr->arena, t->component), false);
		add_part(r, res, "cache_key", arena_strdup(&r->pr->arena, res->pol.cache_key), false);
		return 0;
	}
	add_part(r, res, "image", arena_strdup(&r->pr->arena, t->image), false);
	if (add_node_part(r, res, "command", node_get(t->container, "command")) < 0 ||
	    add_node_part(r, res, "args", node_get(t->container, "args")) < 0)
		goto done;
	for (i = 0; i < t->ninputs; i++) {
		const struct task_input *in = &t->inputs[i];
		struct deps before = *x;
		char name[512];
		if (in->val.kind == RV_ABSENT)
			continue;
		sb_reset(&sb);
		if (rval_token(r, &in->val, in->artifact, &sb, x) < 0)
			goto done;
		snprintf(name, sizeof(name), "input:%s", in->name);
		add_part(r, res, name, arena_strndup(&r->pr->arena, sb_str(&sb), sb.len),
			 x->art_runs != before.art_runs || x->unknown != before.unknown ||
			 x->ncauses != before.ncauses);
	}
	if (t->image && !strcmp(t->image, "argostub/createpvc")) {
		bool named = false;
		for (i = 0; i < t->ninputs; i++)
			if (!strcmp(t->inputs[i].name, "pvc_name") && t->inputs[i].val.kind == RV_STATIC)
				named = true;
		/* k8s.go:961-975: the generated uuid+suffix name becomes an input. */
		if (!named) {
			add_part(r, res, "input:<generated pvc name>", "run_unique:pvc_name", false);
			add_run_unique(x, "pvc_name");
		}
	}
	/* outputs: exactly what the CacheKey holds of them. */
	memset(&k, 0, sizeof(k));
	key_outputs(&k, t, logs, a);
	sb_reset(&sb);
	if (key_canonical(&sb, &k) < 0)
		goto done;
	add_part(r, res, "outputs", arena_strndup(&r->pr->arena, sb_str(&sb), sb.len), false);
	if (t->npvc_vals && policy_hashes_pvc_names(r->p)) {
		sb_reset(&sb);
		for (i = 0; i < t->npvc_vals; i++) {
			if (i)
				sb_addc(&sb, ',');
			if (rval_token(r, &t->pvc_vals[i], false, &sb, x) < 0)
				goto done;
		}
		add_part(r, res, "pvc", arena_strndup(&r->pr->arena, sb_str(&sb), sb.len), false);
	}
	ret = 0;
done:
	if (ret < 0)
		err_set("%s: task '%s': %s", r->d->spec->name, t->path, err_msg());
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

/* The same task path's key parts in the newest earlier run, if any. */
static void load_prev(struct run *r, const struct task *t, struct task_result *res)
{
	res->prev = cache_prev_parts(r->c, t->path, &res->nprev);
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
			 enum reason_kind kind, const struct deps *x)
{
	struct reason one = { kind, NULL };

	res->decision = d;
	set_reasons(r, res, &one, 1);
	set_causes(r, res, x);
	res->distance = x->distance + 1;
}

static int decide_container(struct run *r, const struct task *t, struct task_result *res)
{
	const char *pipeline = r->d->pipeline_name;
	bool logs = policy_logs_in_key(r->p) && !is_argostub(t);
	struct deps x;
	struct cache_entry hit;
	struct reasons changes = { NULL, 0, 0 };
	bool had_prev;
	int ret = -1;

	deps_init(&x);
	policy_eval(r->p, t, pipeline, &res->pol);
	res->has_policy = true;
	logf_(r, res, "policy: %s layer -> caching %s", layer_name(res->pol.layer),
	      res->pol.enabled ? "enabled" : "disabled");
	if (res->pol.rule)
		logf_(r, res, "policy rule '%s' (%s, %s)", res->pol.rule->id,
		      r->p->file->source, res->pol.rule->pointer);
	if (res->pol.note)
		logf_(r, res, "note: %s", res->pol.note);
	if (container_parts(r, t, res, &x, logs) < 0)
		goto done;
	symbolic_key(res);
	load_prev(r, t, res);
	exact_fingerprint(r, t, res, logs);
	/*
	 * What consumers see of this execution.  A disabled task makes fresh
	 * artifacts nobody else shares; an execution that may create a cache
	 * entry is named by its run and key, so every later hit on that key
	 * (whichever of several equal-key executions KFP's newest-row lookup
	 * returns) re-links "the" artifacts of that entry.
	 */
	res->exec_id = arena_printf(&r->pr->arena, "%s#%.16s", r->pr->label, res->key);

	if (!res->pol.enabled) {
		res->exec_id = arena_printf(&r->pr->arena, "%s:%s", r->pr->label, t->path);
		set_self_cause(r, t, res, DECISION_DISABLED, REASON_LAYER, layer_name(res->pol.layer));
		res->fingerprint[0] = '\0';
		res->fingerprint_why = "caching is off: the driver computes no fingerprint";
		ret = 0;
		goto done;
	}
	if (r->pr->cold) {
		set_self_cause(r, t, res, DECISION_MISS, REASON_COLD_CACHE, NULL);
	} else if (cache_other_scopes(r->c, pipeline)) {
		set_self_cause(r, t, res, DECISION_MISS, REASON_PIPELINE_NAME, NULL);
	} else if (x.nrun_unique) {
		struct reasons ru = { NULL, 0, 0 };
		size_t i;
		/* run_unique:<what> for each per-run value, in input order. */
		for (i = 0; i < x.nrun_unique; i++)
			add_reason(&ru, REASON_RUN_UNIQUE, x.run_unique[i]);
		set_self_causes(r, t, res, DECISION_MISS, ru.v, ru.n);
		free(ru.v);
	} else if (cache_lookup(&hit, r->c, CACHE_EXEC, pipeline, res->key) &&
		   !x.art_runs && !x.unknown && !x.unresolved && !x.run_name) {
		set_hit(r, res, &hit);
		res->exec_id = arena_printf(&r->pr->arena, "%s#%.16s", hit.run, res->key);
	} else if (own_changes(res, &changes, &had_prev), changes.n) {
		set_self_causes(r, t, res, DECISION_MISS, changes.v, changes.n);
	} else if (x.art_runs) {
		set_upstream(r, res, DECISION_MISS_UPSTREAM, REASON_UPSTREAM_ARTIFACT, &x);
	} else if (x.unknown) {
		set_upstream(r, res, DECISION_UNKNOWN, REASON_UPSTREAM_VALUE, &x);
	} else if (x.unresolved) {
		set_self_cause(r, t, res, DECISION_UNKNOWN, REASON_UNRESOLVED_PARAM, x.unresolved);
	} else if (x.run_name) {
		set_self_cause(r, t, res, DECISION_UNKNOWN, REASON_RUN_NAME, NULL);
	} else if (!had_prev) {
		set_self_cause(r, t, res, DECISION_MISS, REASON_NEW_TASK, NULL);
	} else {
		/* Same key as before, but no entry: it never ran with caching on. */
		set_self_cause(r, t, res, DECISION_MISS, REASON_COLD_CACHE, NULL);
	}
	logf_(r, res, "lookup: key %.16s in scope pipeline/%s: %s", res->key, pipeline,
	      res->decision == DECISION_HIT ? res->hit_exec : "no entry");
	ret = 0;
done:
	free(changes.v);
	deps_release(&x);
	return ret;
}

/*
 * Importers never use the cache; with reimport false the same URI, type and
 * metadata re-link the existing MLMD artifact (metadata/client.go:1303-1347),
 * so consumers see the same id.  HIT means that artifact is reused.
 */
static int decide_importer(struct run *r, const struct task *t, struct task_result *res)
{
	const char *pipeline = r->d->pipeline_name;
	struct strbuf sb = STRBUF_INIT;
	struct deps x;
	struct cache_entry hit;
	struct reasons changes = { NULL, 0, 0 };
	bool had_prev;
	size_t i;
	int ret = -1;

	deps_init(&x);
	for (i = 0; i < t->ninputs; i++) {
		char name[512];
		sb_reset(&sb);
		if (rval_token(r, &t->inputs[i].val, t->inputs[i].artifact, &sb, &x) < 0)
			goto done;
		snprintf(name, sizeof(name), "input:%s", t->inputs[i].name);
		add_part(r, res, name, arena_strndup(&r->pr->arena, sb_str(&sb), sb.len), false);
	}
	if (add_node_part(r, res, "input:artifactUri", node_get(t->importer, "artifactUri")) < 0 ||
	    add_node_part(r, res, "outputs", node_get(t->importer, "typeSchema")) < 0 ||
	    add_node_part(r, res, "input:metadata", node_get(t->importer, "metadata")) < 0)
		goto done;
	symbolic_key(res);
	load_prev(r, t, res);
	res->fingerprint_why = "importers are never cached";
	if (node_get_bool(t->importer, "reimport", false)) {
		res->exec_id = arena_printf(&r->pr->arena, "%s:%s", r->pr->label, t->path);
		set_self_cause(r, t, res, DECISION_MISS, REASON_RUN_UNIQUE, "reimport");
		ret = 0;
		goto done;
	}
	res->exec_id = arena_printf(&r->pr->arena, "import:%.16s", res->key);
	if (r->pr->cold)
		set_self_cause(r, t, res, DECISION_MISS, REASON_COLD_CACHE, NULL);
	else if (x.nrun_unique)
		set_self_cause(r, t, res, DECISION_MISS, REASON_RUN_UNIQUE, "import_uri");
	else if (x.unknown || x.art_runs)
		set_upstream(r, res, DECISION_UNKNOWN, REASON_UPSTREAM_VALUE, &x);
	else if (cache_lookup(&hit, r->c, CACHE_IMPORT, pipeline, res->key))
		set_hit(r, res, &hit);
	else if (cache_other_scopes(r->c, pipeline))
		set_self_cause(r, t, res, DECISION_MISS, REASON_PIPELINE_NAME, NULL);
	else if (own_changes(res, &changes, &had_prev), changes.n)
		set_self_causes(r, t, res, DECISION_MISS, changes.v, changes.n);
	else
		set_self_cause(r, t, res, DECISION_MISS, had_prev ? REASON_COLD_CACHE : REASON_NEW_TASK,
			       NULL);
	ret = 0;
done:
	free(changes.v);
	deps_release(&x);
	sb_release(&sb);
	return ret;
}

/*
 * Whether the result says an entry no longer serves: it does not hit for a
 * reason of the change, not because the cache was empty or a per-run value
 * can never hit (the one definition the timeline, diff and summary use).
 */
static bool result_invalidates(const struct task_result *res)
{
	if (res->decision != DECISION_MISS && res->decision != DECISION_MISS_UPSTREAM &&
	    res->decision != DECISION_UNKNOWN)
		return false;
	return !res->nreasons || (res->reasons[0].kind != REASON_RUN_UNIQUE &&
				  res->reasons[0].kind != REASON_COLD_CACHE);
}

/* Decide t, whose producers are decided (producer_result). */
static int decide(struct run *r, const struct task *t)
{
	struct task_result *res = &r->pr->results[t->index];

	res->task = t;
	res->distance = -1;
	if (t->kind == TASK_CONTAINER && decide_container(r, t, res) < 0)
		return -1;
	if (t->kind == TASK_IMPORTER && decide_importer(r, t, res) < 0)
		return -1;
	res->invalidates = result_invalidates(res);
	r->decided[t->index] = true;
	return 0;
}

/*
 * Commit the run to the cache: the entries its executions create (only
 * those that ran with caching on; importers always, as the artifacts they
 * made), and every executor's parts for the next run to compare with.
 */
static void commit_run(struct run *r)
{
	const char *pipeline = r->d->pipeline_name;
	size_t i;

	for (i = 0; i < r->pr->n; i++) {
		const struct task_result *res = &r->pr->results[i];
		const struct task *t = res->task;
		if (!task_is_executor(t))
			continue;
		if (t->kind == TASK_IMPORTER)
			cache_insert(r->c, CACHE_IMPORT, pipeline, res->key, r->pr->label, t->path);
		else if (res->pol.enabled && res->decision != DECISION_HIT)
			cache_insert(r->c, CACHE_EXEC, pipeline, res->key, r->pr->label, t->path);
		cache_set_parts(r->c, t->path, res->parts, res->nparts);
	}
	cache_end_run(r->c);
}

int predict_run(struct prediction **out, const struct dag *d, const struct policy *p,
		struct cache *c, const char *label, const struct predict_options *opt)
{
	struct prediction *pr = xcalloc(1, sizeof(*pr));
	struct run r;
	size_t i;
	int ret = -1;

	arena_init(&pr->arena);
	pr->dag = d;
	pr->label = arena_strdup(&pr->arena, label);
	pr->n = d->ntasks;
	pr->results = arena_array(&pr->arena, d->ntasks, sizeof(*pr->results));
	pr->cold = cache_is_empty(c);
	memset(&r, 0, sizeof(r));
	r.pr = pr;
	r.d = d;
	r.p = p;
	r.c = c;
	r.keep_log = opt && opt->keep_log;
	r.decided = xcalloc(d->ntasks ? d->ntasks : 1, sizeof(*r.decided));
	strmap_init(&r.texts);
	/*
	 * Producers first (dag.h: d->order), so the key parts are assembled
	 * from results already decided, and decide() never recurses.
	 */
	for (i = 0; i < d->ntasks; i++)
		if (decide(&r, d->order[i]) < 0)
			goto done;
	for (i = 0; i < d->ntasks; i++) {
		const struct task *t = d->tasks[i];
		pr->counts[pr->results[i].decision]++;
		if (task_is_executor(t))
			pr->executors++;
		if (p->run_caching >= 0 && !p->run_all && t->kind == TASK_CONTAINER && !t->in_root)
			pr->run_override_unreached++;
	}
	if (opt && opt->commit)
		commit_run(&r);
	ret = 0;
done:
	free(r.decided);
	strmap_release(&r.texts);
	if (ret < 0) {
		prediction_free(pr);
		return -1;
	}
	*out = pr;
	return 0;
}

void prediction_free(struct prediction *pr)
{
	if (!pr)
		return;
	arena_release(&pr->arena);
	free(pr);
}

const struct task_result *prediction_find(const struct prediction *pr, const char *path)
{
	const struct task *t = dag_find_task(pr->dag, path);

	return t ? &pr->results[t->index] : NULL;
}
