/*
 * lint.c - cache-safety findings.  After predict in the flow: the spec is
 * run twice against an empty cache (the steady state) so "can never hit"
 * comes from the same decision logic as analyze, not from a second copy of
 * KFP's rules.  The rules follow the semantics doc: the key holds the image
 * reference, not the image (#13862); per-run placeholders, final status,
 * the workspace and generated PVC names differ every run (§3, §1.2); a
 * producer that runs makes new artifact ids (#8236); the client's override
 * reaches root tasks only (#10287); the lookup is scoped by the pipeline
 * name (§2); a custom key replaces every other part (§1.4); a condition
 * the driver cannot evaluate fails the task it guards (§8); a driver that
 * fails on its inputs fails the run (§10); no key holds what a Secret or
 * ConfigMap puts in the environment (§12).
 */
#include "model/lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/key.h"
#include "model/predict.h"
#include "model/trigger.h"
#include "base/banned.h"

const struct lint_rule lint_rules[] = {
	{ "KC001", "mutable-image", SEVERITY_WARNING,
	  "a cached task runs a mutable image reference (tag latest, no tag, no digest): the key holds the reference, so a re-pushed image is served from cache",
	  "pin the image by digest (image@sha256:...) or an immutable version tag" },
	{ "KC002", "per-run-input", SEVERITY_WARNING,
	  "a cached task takes a per-run placeholder or a final status: its key differs on every run, so it can never hit",
	  "turn caching off for the task (set_caching_options(False)) or stop passing the per-run value" },
	{ "KC003", "per-run-volume", SEVERITY_WARNING,
	  "a cached task uses the workspace or a PVC whose name is generated per run: the PVC name is in the key, so it can never hit",
	  "mount a PVC with a fixed name, or turn caching off for the task" },
	{ "KC004", "cache-key-hides-change", SEVERITY_ERROR,
	  "a custom cache key stayed the same while the task's image, command or arguments changed: the old version's results are served",
	  "change the cacheKey with the code (e.g. put the image tag or a code version in it)" },
	{ "KC005", "disabled-producer", SEVERITY_WARNING,
	  "caching is off on a task whose artifacts feed tasks with caching on: they get new artifact ids every run and can never hit",
	  "turn caching on for the producer, or off for its consumers" },
	{ "KC006", "run-override-nested", SEVERITY_WARNING,
	  "the run-level enable_caching override does not reach a nested task: KFP's client rewrites root-DAG tasks only",
	  "set caching in the pipeline source (set_caching_options) or use the deployment switch CACHEENABLED" },
	{ "KC007", "mutable-location", SEVERITY_WARNING,
	  "a cached task reads a mutable external location (gs://, s3://, http(s)://, /mnt/..., a database URL): the key holds the location, not the data",
	  "put a version, date or content hash in the location, or turn caching off for the task" },
	{ "KC008", "no-outputs", SEVERITY_WARNING,
	  "a cached task declares no outputs: it runs for its side effects, which a cache hit skips",
	  "turn caching off for the task (set_caching_options(False))" },
	{ "KC009", "reimport", SEVERITY_WARNING,
	  "an importer with reimport: true feeds tasks with caching on: every run makes a new artifact id, so they can never hit",
	  "set reimport=False (the same URI, type and metadata keep the artifact id), or turn caching off for the consumers" },
	{ "KC010", "pipeline-renamed", SEVERITY_WARNING,
	  "pipelineInfo.name changed since the previous version: the cache is scoped by it, so every task misses once",
	  "keep the pipeline name; rename only on purpose" },
	{ "KC011", "condition-error", SEVERITY_ERROR,
	  "a condition KFP cannot evaluate (triggerPolicy.condition in the kfp-1.8 form inputs.parameters[...], a type or syntax error): its driver fails, and nothing it guards runs",
	  "recompile with the KFP 2 SDK (it writes conditions over inputs.parameter_values), compare values of one type, and keep the condition valid CEL" },
	{ "KC012", "driver-error", SEVERITY_ERROR,
	  "KFP's driver fails on a task, decided before the run (a null into an input that is not optional, as every group input is; a loop over a value that is not a list; an input neither passed, optional nor defaulted; an input artifact a sub-pipeline's caller does not pass; a dsl.OneOf none of whose branches triggers): nothing inside or after it runs, and the run fails",
	  "give the parameter a default (or pass it), iterate over a list, pass the input or make it optional with a default, let a branch of the dsl.OneOf trigger" },
	{ "KC013", "env-from-secret", SEVERITY_NOTE,
	  "a cached task takes environment variables from a Secret or ConfigMap (kfp-kubernetes secretAsEnv, configMapAsEnv): no cache key holds their values (not even master's, which keys container.env), so a changed secret is served from cache",
	  "put a version of the secret's content in an input (or the secret's name), or turn caching off for the task" },
};
const size_t lint_nrules = KC_ARRAY_SIZE(lint_rules);

static const struct lint_rule *rule_by_id(const char *id)
{
	size_t i;

	for (i = 0; i < lint_nrules; i++)
		if (!strcmp(lint_rules[i].id, id))
			return &lint_rules[i];
	return NULL;
}

/* ---- versions ---- */

struct task_snap {
	const char *image;
	const char *command;        /* canonical JSON */
	const char *args;
	const char *cache_key;
};

struct lint_version {
	struct arena arena;
	const char *pipeline;
	struct strmap tasks;        /* path -> struct task_snap * */
};

static const char *cache_key_of(const struct task *t)
{
	const char *k = node_get_str(node_get(t->spec, "cachingOptions"), "cacheKey");

	return k && *k ? k : NULL;
}

static const char *canon_text(struct arena *a, const struct node *n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *out;

	if (!n || canon_json(&sb, n) < 0)
		sb_reset(&sb);
	out = arena_strdup(a, sb_str(&sb));
	sb_release(&sb);
	return out;
}

struct lint_version *lint_version_new(const struct dag *d)
{
	struct lint_version *v = xcalloc(1, sizeof(*v));
	size_t i;

	arena_init(&v->arena);
	strmap_init(&v->tasks);
	v->pipeline = arena_strdup(&v->arena, d->pipeline_name);
	for (i = 0; i < d->ntasks; i++) {
		const struct task *t = d->tasks[i];
		struct task_snap *s;
		if (t->kind != TASK_CONTAINER)
			continue;
		s = arena_alloc(&v->arena, sizeof(*s));
		s->image = arena_strdup(&v->arena, t->image ? t->image : "");
		s->command = canon_text(&v->arena, node_get(t->container, "command"));
		s->args = canon_text(&v->arena, node_get(t->container, "args"));
		s->cache_key = cache_key_of(t) ? arena_strdup(&v->arena, cache_key_of(t)) : NULL;
		strmap_put(&v->tasks, t->path, s);
	}
	return v;
}

void lint_version_free(struct lint_version *v)
{
	if (!v)
		return;
	strmap_release(&v->tasks);
	arena_release(&v->arena);
	free(v);
}

/* ---- findings ---- */

struct lctx {
	struct lint_result *r;
	const struct dag *d;
	const struct policy *p;
	const struct prediction *steady;
	const struct trigger_state *trig;   /* per task (model/trigger.h) */
	size_t alloc;
};

static void add(struct lctx *c, const char *id, const struct task *t, const struct node *where,
		const char *fmt, ...) KC_PRINTF(5, 6);

static void add(struct lctx *c, const char *id, const struct task *t, const struct node *where,
		const char *fmt, ...)
{
	const struct lint_rule *rule = rule_by_id(id);
	struct finding *f;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	KC_GROW(c->r->findings, c->alloc, c->r->n + 1);
	f = &c->r->findings[c->r->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule->id;
	f->name = rule->name;
	f->severity = rule->severity;
	f->task = t ? arena_strdup(&c->r->arena, t->path) : "";
	f->message = arena_strdup(&c->r->arena, sb_str(&sb));
	f->fix = rule->fix;
	if (!where && t)
		where = t->spec;
	if (where) {
		f->line = where->line;
		f->col = where->col;
	}
	sb_release(&sb);
}

static const struct task_result *steady_of(const struct lctx *c, const struct task *t)
{
	return &c->steady->results[t->index];
}

static bool cached(const struct lctx *c, const struct task *t)
{
	const struct task_result *r = steady_of(c, t);

	return t->kind == TASK_CONTAINER && r->has_policy && r->pol.enabled;
}

/* Is `tok` one of the items of the list `joined` (util.h)? */
/* Does r miss for the per-run value `what`? */
static bool is_run_unique(const struct task_result *r, const char *what)
{
	size_t i;

	for (i = 0; i < r->nreasons; i++)
		if (r->reasons[i].kind == REASON_RUN_UNIQUE && !strcmp(r->reasons[i].detail, what))
			return true;
	return false;
}

/* The per-run values r misses for that belong to `group`. */
static void per_run_whats(const struct task_result *r, const char *const *group, struct strbuf *out)
{
	size_t i;

	for (i = 0; group[i]; i++)
		if (is_run_unique(r, group[i]))
			sb_addf(out, "%s%s", out->len ? ", " : "", group[i]);
}

/* KC001: tag latest, no tag, no digest. */
static const char *image_mutable(const char *image)
{
	const char *name, *tag;

	if (!image || !*image || strstr(image, "{{") || strchr(image, '@'))
		return NULL;
	if (!strncmp(image, "argostub/", 9))
		return NULL;
	name = strrchr(image, '/');
	name = name ? name + 1 : image;
	tag = strchr(name, ':');
	if (!tag)
		return "has no tag (Docker reads it as :latest)";
	if (!strcmp(tag + 1, "latest"))
		return "uses the tag latest";
	return NULL;
}

static void rule_image(struct lctx *c, const struct task *t)
{
	const char *why = image_mutable(t->image);

	if (why && cached(c, t))
		add(c, "KC001", t, node_get(t->container, "image"),
		    "image '%s' %s: a re-pushed image is served from cache", t->image, why);
}

static void rule_per_run(struct lctx *c, const struct task *t)
{
	static const char *const inputs[] = {
		"job_uuid", "job_resource_name", "task_uuid", "create_time", "schedule_time",
		"schedule_index", "final_status", NULL
	};
	static const char *const volumes[] = { "workspace", "pvc_name", NULL };
	const struct task_result *r = steady_of(c, t);
	struct strbuf sb = STRBUF_INIT;
	size_t i, k;

	if (!cached(c, t))
		return;
	per_run_whats(r, inputs, &sb);
	if (sb.len)
		add(c, "KC002", t, NULL, "input(s) differ on every run (%s): caching can never hit",
		    sb_str(&sb));
	sb_reset(&sb);
	per_run_whats(r, volumes, &sb);
	/* A PVC named by a createpvc that generates its name each run. */
	for (i = 0; i < t->npvc_vals && policy_hashes_pvc_names(c->p); i++) {
		const struct rval *v = &t->pvc_vals[i];
		for (k = 0; v->kind == RV_OUTPUT && k < v->nrefs; k++) {
			const struct task_result *pr = steady_of(c, v->refs[k].producer);
			if (is_run_unique(pr, "pvc_name"))
				sb_addf(&sb, "%sPVC made per run by %s", sb.len ? ", " : "",
					v->refs[k].producer->path);
		}
	}
	if (sb.len)
		add(c, "KC003", t, NULL, "the key holds a PVC name that differs on every run (%s): caching can never hit",
		    sb_str(&sb));
	sb_release(&sb);
}

static void rule_cache_key(struct lctx *c, const struct task *t, const struct lint_version *prev)
{
	const struct task_snap *s = prev ? strmap_get(&prev->tasks, t->path) : NULL;
	const char *key = cache_key_of(t);
	struct strbuf what = STRBUF_INIT;
	struct arena tmp;

	if (!s || !key || !s->cache_key || strcmp(key, s->cache_key) || !cached(c, t))
		return;
	arena_init(&tmp);
	if (strcmp(s->image, t->image ? t->image : ""))
		sb_addf(&what, "image %s -> %s", s->image, t->image);
	if (strcmp(s->command, canon_text(&tmp, node_get(t->container, "command"))))
		sb_addf(&what, "%scommand", what.len ? ", " : "");
	if (strcmp(s->args, canon_text(&tmp, node_get(t->container, "args"))))
		sb_addf(&what, "%sarguments", what.len ? ", " : "");
	if (what.len) {
		if (policy_honours_cache_key(c->p))
			add(c, "KC004", t, node_get(node_get(t->spec, "cachingOptions"), "cacheKey"),
			    "cacheKey '%s' is unchanged but %s changed: the old version's results are served",
			    key, sb_str(&what));
		else {
			add(c, "KC004", t, node_get(node_get(t->spec, "cachingOptions"), "cacheKey"),
			    "cacheKey '%s' is unchanged but %s changed: backend %d.%d ignores the key today, a backend that honours it (after 2.17) serves the old results",
			    key, sb_str(&what), c->p->kfp_major, c->p->kfp_minor);
			c->r->findings[c->r->n - 1].severity = SEVERITY_WARNING;
		}
	}
	sb_release(&what);
	arena_release(&tmp);
}

/* Executor tasks that read an artifact of `producer` and have caching on. */
static void cached_artifact_consumers(const struct lctx *c, const struct task *producer,
				      struct strbuf *names, size_t *n)
{
	size_t i, k, j;

	*n = 0;
	for (i = 0; i < c->d->ntasks; i++) {
		const struct task *t = c->d->tasks[i];
		bool reads = false;
		if (!cached(c, t))
			continue;
		for (k = 0; k < t->ninputs && !reads; k++) {
			const struct rval *v = &t->inputs[k].val;
			if (!t->inputs[k].artifact || v->kind != RV_OUTPUT)
				continue;
			for (j = 0; j < v->nrefs; j++)
				reads = reads || v->refs[j].producer == producer;
		}
		if (!reads)
			continue;
		if (*n < 3)
			sb_addf(names, "%s%s", *n ? ", " : "", t->path);
		(*n)++;
	}
	if (*n > 3)
		sb_addf(names, " and %zu more", *n - 3);
}

static void rule_disabled_producer(struct lctx *c, const struct task *t)
{
	const struct task_result *r = steady_of(c, t);
	struct strbuf names = STRBUF_INIT;
	size_t n;

	/* The deployment switch turns every task off: nothing to fix per task. */
	if (t->kind != TASK_CONTAINER || !r->has_policy || r->pol.enabled ||
	    r->pol.layer == LAYER_DEPLOYMENT)
		return;
	cached_artifact_consumers(c, t, &names, &n);
	if (n)
		add(c, "KC005", t, NULL,
		    "caching is off (%s layer) but %zu %s its artifacts and can never hit: %s",
		    layer_name(r->pol.layer), n, plural(n, "task with caching on reads", "tasks with caching on read"),
		    sb_str(&names));
	sb_release(&names);
}

static void rule_run_override(struct lctx *c, const struct task *t)
{
	const struct task_result *r = steady_of(c, t);

	if (policy_run_reach(c->p, t) != RUN_REACH_UNREACHED || t->kind != TASK_CONTAINER ||
	    !r->has_policy || (r->pol.layer != LAYER_SPEC && r->pol.layer != LAYER_DEFAULT) ||
	    r->pol.enabled == (c->p->run_caching == 1))
		return;
	add(c, "KC006", t, NULL,
	    "enable_caching=%s at submission does not reach this nested task: caching stays %s (%s layer)",
	    c->p->run_caching ? "True" : "False", r->pol.enabled ? "on" : "off",
	    layer_name(r->pol.layer));
}

static const char *mutable_location(const char *s)
{
	static const char *const prefixes[] = {
		"gs://", "s3://", "s3a://", "s3n://", "http://", "https://", "hdfs://", "abfs://",
		"abfss://", "wasb://", "wasbs://", "az://", "/mnt/", "postgres://", "postgresql://",
		"mysql://", "mariadb://", "mssql://", "sqlserver://", "oracle://", "mongodb://",
		"mongodb+srv://", "redis://", "jdbc:", "bigquery://", "bq://", "snowflake://",
		"sqlite://", "clickhouse://", NULL
	};
	size_t i;

	for (i = 0; prefixes[i]; i++)
		if (!strncasecmp(s, prefixes[i], strlen(prefixes[i])))
			return s;
	return NULL;
}

/* The first mutable-looking location among the strings of a value. */
static const char *find_location(const struct node *n, int depth)
{
	size_t i;
	const char *hit;

	if (!n || depth > 32)
		return NULL;
	if (n->type == NODE_STRING)
		return mutable_location(n->str);
	for (i = 0; (n->type == NODE_LIST || n->type == NODE_MAP) && i < n->n; i++)
		if ((hit = find_location(n->items[i], depth + 1)))
			return hit;
	return NULL;
}

static void rule_location(struct lctx *c, const struct task *t)
{
	struct strbuf names = STRBUF_INIT;
	size_t i, n = 0;

	if (t->kind == TASK_IMPORTER) {
		const struct node *uri = node_path(t->importer, "artifactUri", "runtimeValue", "constant", NULL);
		const char *loc = uri ? find_location(uri, 0) : NULL;
		for (i = 0; !loc && i < t->ninputs; i++)
			if (t->inputs[i].val.kind == RV_STATIC)
				loc = find_location(t->inputs[i].val.value, 0);
		if (!loc || node_get_bool(t->importer, "reimport", false))
			return;
		cached_artifact_consumers(c, t, &names, &n);
		if (n)
			add(c, "KC007", t, NULL,
			    "imports '%.200s' with a stable artifact id: new data at that location is served from cache to %zu %s: %s",
			    loc, n, plural(n, "task", "tasks"), sb_str(&names));
		sb_release(&names);
		return;
	}
	if (!cached(c, t))
		return;
	for (i = 0; i < t->ninputs; i++) {
		const struct task_input *in = &t->inputs[i];
		const char *loc;
		if (in->artifact || in->val.kind != RV_STATIC || !(loc = find_location(in->val.value, 0)))
			continue;
		add(c, "KC007", t, NULL,
		    "input '%s' is '%.200s': the key holds the location, not the data, so new data there is served from cache",
		    in->name, loc);
	}
}

static void rule_no_outputs(struct lctx *c, const struct task *t)
{
	const struct node *outa = node_path(t->comp, "outputDefinitions", "artifacts", NULL);
	const struct node *outp = node_path(t->comp, "outputDefinitions", "parameters", NULL);
	const struct task_result *r = steady_of(c, t);

	if (!cached(c, t) || (node_is_map(outa) && outa->n) || (node_is_map(outp) && outp->n))
		return;
	/* deletepvc runs in the driver and never writes an entry (k8s.go:1193-1223). */
	if (t->stub != STUB_NONE)
		return;
	/* A task that can never hit never skips its side effects. */
	if (r->decision == DECISION_MISS && result_has_reason(r, REASON_RUN_UNIQUE))
		return;
	add(c, "KC008", t, NULL,
	    "caching is on but component '%s' declares no outputs: a cache hit skips its side effects",
	    t->component);
}

static void rule_reimport(struct lctx *c, const struct task *t)
{
	struct strbuf names = STRBUF_INIT;
	size_t n;

	if (t->kind != TASK_IMPORTER || !node_get_bool(t->importer, "reimport", false))
		return;
	cached_artifact_consumers(c, t, &names, &n);
	if (n)
		add(c, "KC009", t, node_get(t->importer, "reimport"),
		    "reimport: true makes a new artifact id every run: %zu %s with caching on can never hit: %s",
		    n, plural(n, "task", "tasks"), sb_str(&names));
	sb_release(&names);
}

static void rule_renamed(struct lctx *c, const struct lint_version *prev)
{
	const struct node *name = node_path(c->d->spec->pipeline, "pipelineInfo", "name", NULL);

	if (prev && strcmp(prev->pipeline, c->d->pipeline_name))
		add(c, "KC010", NULL, name,
		    "pipelineInfo.name changed from '%s' to '%s': the cache is scoped by the name, so every task misses once",
		    prev->pipeline, c->d->pipeline_name);
}

/* KC011: the task's own condition; a task under it fails with it, not for itself. */
static void rule_condition(struct lctx *c, const struct task *t)
{
	const struct trigger_state *st = &c->trig[t->index];

	/* A driver that fails on its inputs never evaluates the condition (KC012). */
	if (st->own != CEL_ERROR || trigger_fails_here(c->trig, t))
		return;
	add(c, "KC011", t, node_path(t->spec, "triggerPolicy", "condition", NULL),
	    "KFP cannot evaluate the condition: %s error at byte %zu: %s; the driver fails the task%s",
	    cel_error_kind_name(st->err.kind), st->err.pos, st->err.msg,
	    t->kind == TASK_DAG ? " and nothing inside it runs" : "");
}

/* KC012: where the driver fails; the tasks it stops are not findings of their own. */
static void rule_driver_error(struct lctx *c, const struct task *t)
{
	if (!trigger_fails_here(c->trig, t))
		return;
	add(c, "KC012", t, t->spec, "%s; the run fails%s", c->trig[t->index].fail_message,
	    t->kind == TASK_DAG ? " and nothing inside it runs" : "");
}

/*
 * The env variables of a kfp-kubernetes `kind` list (secretAsEnv,
 * configMapAsEnv: [{keyToEnv: [{envVar}]}]), joined into names; how many.
 */
static size_t env_vars_of(const struct node *list, struct strbuf *names)
{
	size_t i, j, n = 0;

	for (i = 0; node_is_list(list) && i < list->n; i++) {
		const struct node *k2e = node_get(list->items[i], "keyToEnv");
		for (j = 0; node_is_list(k2e) && j < k2e->n; j++) {
			const char *v = node_get_str(k2e->items[j], "envVar");
			if (v && *v) {
				sb_addf(names, "%s%s", n ? ", " : "", v);
				n++;
			}
		}
	}
	return n;
}

/*
 * KC013: PR #14340 keys container.env but leaves out Secrets and config
 * maps on purpose (their values live in the cluster); no earlier backend
 * keys any env.  The platform spec's executor config names them.
 */
static void rule_env_from_secret(struct lctx *c, const struct task *t)
{
	static const char *const kinds[][2] = {
		{ "secretAsEnv", "Secret" }, { "configMapAsEnv", "ConfigMap" }
	};
	const struct node *cfg;
	size_t i;

	if (!cached(c, t) || !t->executor_label)
		return;
	cfg = node_path(c->d->spec->platform, "deploymentSpec", "executors", t->executor_label, NULL);
	for (i = 0; cfg && i < KC_ARRAY_SIZE(kinds); i++) {
		const struct node *list = node_get(cfg, kinds[i][0]);
		struct strbuf names = STRBUF_INIT;
		size_t n = env_vars_of(list, &names);
		if (n)
			add(c, "KC013", t, list,
			    "env %s from a %s (%s): no cache key holds %s, so a changed %s is served from cache",
			    sb_str(&names), kinds[i][1], kinds[i][0], n == 1 ? "its value" : "their values",
			    kinds[i][1]);
		sb_release(&names);
	}
}

static void rules_of_policy(struct lctx *c, const struct task *t)
{
	const struct policy_file *pf = c->p->file;
	size_t i;

	for (i = 0; pf && t->kind == TASK_CONTAINER && i < pf->nrules; i++) {
		const struct policy_rule *pr = &pf->rules[i];
		struct finding *f;
		const char *msg = NULL;
		if (!policy_rule_matches(pr, t, c->d->pipeline_name))
			continue;
		if (pr->message)
			msg = pr->message;
		else if (pr->require_cache_key && cached(c, t) && !cache_key_of(t))
			msg = "the policy requires a custom cache key (cachingOptions.cacheKey) on this task";
		if (!msg)
			continue;
		KC_GROW(c->r->findings, c->alloc, c->r->n + 1);
		f = &c->r->findings[c->r->n++];
		memset(f, 0, sizeof(*f));
		f->rule = pr->id;
		f->name = "policy";
		f->severity = pr->severity;
		f->task = arena_strdup(&c->r->arena, t->path);
		f->message = msg;
		f->fix = pr->why ? pr->why : pr->require_cache_key && !pr->message ?
			"set_caching_options(cache_key=...) with a key that changes with the code" :
			"see the policy file";
		f->line = t->spec->line;
		f->col = t->spec->col;
		f->policy_rule = pr;
	}
}

static int cmp_finding(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;
	int r = path_cmp(a->task, b->task);

	return r ? r : strcmp(a->rule, b->rule);
}

int lint_run(struct lint_result **out, const struct dag *d, const struct policy *p,
	     const struct lint_version *prev)
{
	struct lint_result *r = xcalloc(1, sizeof(*r));
	struct prediction *first = NULL, *steady = NULL;
	struct cache *cache = cache_new();
	struct lctx c;
	size_t i;
	int ret = -1;

	arena_init(&r->arena);
	r->spec = arena_strdup(&r->arena, d->spec->name);
	r->pipeline = arena_strdup(&r->arena, d->pipeline_name);
	r->compared = prev != NULL;
	/* The steady state: the spec against the cache its own run made. */
	if (predict_run(&first, d, p, cache, "lint-1",
			&(struct predict_options){ .commit = true }) < 0 ||
	    predict_run(&steady, d, p, cache, "lint-2", NULL) < 0)
		goto done;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.d = d;
	c.p = p;
	c.steady = steady;
	c.trig = steady->triggers;
	rule_renamed(&c, prev);
	for (i = 0; i < d->ntasks; i++) {
		const struct task *t = d->tasks[i];
		rule_condition(&c, t);
		rule_driver_error(&c, t);
		if (t->kind == TASK_DAG)
			continue;
		if (t->kind == TASK_CONTAINER) {
			rule_image(&c, t);
			rule_per_run(&c, t);
			rule_cache_key(&c, t, prev);
			rule_disabled_producer(&c, t);
			rule_run_override(&c, t);
			rule_no_outputs(&c, t);
			rule_env_from_secret(&c, t);
		}
		rule_location(&c, t);
		rule_reimport(&c, t);
		rules_of_policy(&c, t);
	}
	if (r->n)
		qsort(r->findings, r->n, sizeof(*r->findings), cmp_finding);
	for (i = 0; i < r->n; i++)
		r->counts[r->findings[i].severity]++;
	ret = 0;
done:
	prediction_free(first);
	prediction_free(steady);
	cache_free(cache);
	if (ret < 0) {
		lint_result_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void lint_result_free(struct lint_result *r)
{
	if (!r)
		return;
	free(r->findings);
	arena_release(&r->arena);
	free(r);
}
