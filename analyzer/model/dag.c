/*
 * dag.c - spec -> task model.  Instantiates root.dag and every nested DAG
 * (sub-pipelines, conditions, exit handlers, ParallelFor bodies), resolving
 * each task input the way KFP's drivers do (driver/resolve.go, semantics doc
 * §3): level by level through the enclosing DAG's inputs, through DAG
 * outputs (valueFromParameter, valueFromOneof, artifactSelectors), with
 * per-run placeholders and loop items kept symbolic.  The producer/consumer
 * edges are defined once (each_edge) and read through dag_in_edges.
 */
#include "model/dag.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/canon.h"
#include "base/banned.h"

const char *task_kind_name(enum task_kind k)
{
	switch (k) {
	case TASK_CONTAINER: return "container";
	case TASK_IMPORTER: return "importer";
	case TASK_DAG: return "dag";
	}
	return "?";
}

bool task_is_executor(const struct task *t)
{
	return t->kind != TASK_DAG;
}

const char *task_condition(const struct task *t)
{
	const char *c = node_str(node_path(t->spec, "triggerPolicy", "condition", NULL));

	return c && *c ? c : NULL;
}

/* Tasks after expansion; a real spec has hundreds, the corpus at most 84. */
#define DAG_MAX_TASKS_DEFAULT 50000
/* Producers and sub-DAGs are resolved recursively: bound the stack depth. */
#define DAG_MAX_DEPTH 1000

/* Per-build state that does not outlive dag_build. */
struct builder {
	struct dag *d;
	const struct spec *s;
	const struct dag_options *opt;
	const struct node *components;
	const struct node *executors;
	const struct node *k8s_executors;
	struct strmap state;         /* path -> (void *)1 visiting, 2 done */
	struct task **all;
	size_t nall, alloc;
	size_t max_tasks;            /* opt->max_tasks or the default */
	int depth;                   /* process() recursion */
};

static int fail_at(struct builder *b, const struct node *n, const char *fmt, ...)
	KC_PRINTF(3, 4);

static int fail_at(struct builder *b, const struct node *n, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	char pos[32];

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	spec_pos(b->s, n, pos);
	if (*pos)
		err_set("%s:%s: %s", b->s->name, pos, sb_str(&sb));
	else
		err_set("%s: %s", b->s->name, sb_str(&sb));
	sb_release(&sb);
	return -1;
}

static void warn(struct builder *b, const char *fmt, ...) KC_PRINTF(2, 3);

static void warn(struct builder *b, const char *fmt, ...)
{
	struct dag *d = b->d;
	struct strbuf sb = STRBUF_INIT;
	const char **w;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	w = arena_array(&d->arena, d->nwarnings + 1, sizeof(*w));
	if (d->nwarnings)
		memcpy(w, d->warnings, d->nwarnings * sizeof(*w));
	w[d->nwarnings++] = arena_strdup(&d->arena, sb_str(&sb));
	d->warnings = w;
	sb_release(&sb);
}

static void set_fail(struct builder *b, struct task *t, const char *detail, const char *fmt, ...)
	KC_PRINTF(4, 5);

/*
 * KFP's driver fails on t (kfp-cache-semantics.md §10).  The first failure
 * found is the one kept, in the driver's order: parameters while they are
 * resolved, then artifacts, then the checks on the resolved set
 * (resolve.go:323-366, then 169-256 deferred at :259-266).
 */
static void set_fail(struct builder *b, struct task *t, const char *detail, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (t->fail_detail)
		return;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	t->fail_detail = arena_strdup(&b->d->arena, detail);
	t->fail_message = arena_strndup(&b->d->arena, sb_str(&sb), sb.len);
	sb_release(&sb);
}

/* ---- values ---- */

/* Per-run constants the driver replaces when a string equals them exactly. */
static const struct {
	const char *placeholder;
	enum rval_kind kind;
	const char *what;
} run_constants[] = {
	{ "{{$.pipeline_job_name}}", RV_RUN_NAME, "run_name" },
	{ "{{$.pipeline_job_resource_name}}", RV_RUN_UNIQUE, "job_resource_name" },
	{ "{{$.pipeline_job_uuid}}", RV_RUN_UNIQUE, "job_uuid" },
	{ "{{$.pipeline_task_uuid}}", RV_RUN_UNIQUE, "task_uuid" },
	{ "{{$.pipeline_job_create_time_utc}}", RV_RUN_UNIQUE, "create_time" },
	{ "{{$.pipeline_job_schedule_time_utc}}", RV_RUN_UNIQUE, "schedule_time" },
};

/* API-server macros expanded in run parameter strings (v2_template.go). */
static const struct {
	const char *macro;
	const char *what;
} run_macros[] = {
	{ "[[RunUUID]]", "job_uuid" },
	{ "[[CurrentTime]]", "create_time" },
	{ "[[ScheduledTime]]", "schedule_time" },
	{ "[[Index]]", "schedule_index" },
};

static bool str_has_workspace(const char *s)
{
	return s && (strstr(s, "{{$.workspace_path}}") || strstr(s, "/kfp-workspace"));
}

static void rval_static(struct rval *out, const struct node *v)
{
	memset(out, 0, sizeof(*out));
	out->kind = v && v->type == NODE_NULL ? RV_ABSENT : RV_STATIC;
	out->value = v;
	if (v && v->type == NODE_STRING)
		out->workspace = str_has_workspace(v->str);
}

/* runtimeValue.constant (resolve.go:422-457). */
static void resolve_constant(struct builder *b, struct task *t,
			     const struct node *c, struct rval *out)
{
	struct arena *a = &b->d->arena;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (c && c->type == NODE_STRING) {
		for (i = 0; i < KC_ARRAY_SIZE(run_constants); i++) {
			if (strcmp(c->str, run_constants[i].placeholder))
				continue;
			out->kind = run_constants[i].kind;
			out->what = run_constants[i].what;
			return;
		}
		if (!strcmp(c->str, "{{$.pipeline_task_name}}")) {
			/* --task_name is the task's key in its parent DAG. */
			rval_static(out, node_new_str(a, t->key, strlen(t->key)));
			return;
		}
		if (!b->opt->no_workspace && strstr(c->str, "{{$.workspace_path}}")) {
			struct strbuf sb = STRBUF_INIT;
			const char *p = c->str, *q;
			while ((q = strstr(p, "{{$.workspace_path}}"))) {
				sb_add(&sb, p, (size_t)(q - p));
				sb_adds(&sb, "/kfp-workspace");
				p = q + strlen("{{$.workspace_path}}");
			}
			sb_adds(&sb, p);
			rval_static(out, node_new_str(a, sb.buf, sb.len));
			out->workspace = true;
			sb_release(&sb);
			return;
		}
	}
	rval_static(out, c ? c : node_new(a, NODE_NULL));
}

/* Go strconv.FormatFloat(f, 'f', -1, 64): shortest digits, no exponent. */
static void text_number(struct strbuf *sb, double d)
{
	char buf[64], digits[32], *e;
	int prec, exp10, nd, i;
	size_t k = 0;

	if (d == 0) {
		sb_adds(sb, signbit(d) ? "-0" : "0");
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*e", prec, d);
	e = strchr(buf, 'e');
	exp10 = (int)strtol(e + 1, NULL, 10);
	for (i = 0; buf + i < e; i++)
		if (buf[i] >= '0' && buf[i] <= '9')
			digits[k++] = buf[i];
	digits[k] = '\0';
	nd = (int)k;
	if (d < 0)
		sb_addc(sb, '-');
	if (exp10 < 0) {
		sb_adds(sb, "0.");
		for (i = 0; i < -exp10 - 1; i++)
			sb_addc(sb, '0');
		sb_adds(sb, digits);
	} else if (exp10 + 1 >= nd) {
		sb_adds(sb, digits);
		for (i = nd; i < exp10 + 1; i++)
			sb_addc(sb, '0');
	} else {
		sb_add(sb, digits, (size_t)exp10 + 1);
		sb_addc(sb, '.');
		sb_adds(sb, digits + exp10 + 1);
	}
}

/*
 * STRING-typed component inputs get the text form of non-string values
 * (resolve.go:169-256, metadata.PbValueToText).
 */
static int to_string_value(struct builder *b, const struct node *v,
			   const struct node **out)
{
	struct strbuf sb = STRBUF_INIT;

	switch (v->type) {
	case NODE_STRING:
		*out = v;
		return 0;
	case NODE_NULL:
		break;
	case NODE_BOOL:
		sb_adds(&sb, v->boolean ? "true" : "false");
		break;
	case NODE_NUMBER:
		/* No NaN or Inf reaches the driver: protojson cannot carry them. */
		if (!isfinite(v->number))
			return canon_number(&sb, v->number);    /* records why */
		text_number(&sb, v->number);
		break;
	case NODE_LIST:
	case NODE_MAP:
		if (canon_json(&sb, v) < 0) {
			sb_release(&sb);
			return -1;
		}
		break;
	}
	*out = node_new_str(&b->d->arena, sb_str(&sb), sb.len);
	sb_release(&sb);
	return 0;
}

/*
 * A protobuf Value carries no NaN or infinity (1e999 in JSON reads as one):
 * record why for the first such number in v, so the builder can say where.
 */
static int check_finite(const struct node *v)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret = 0;

	if (v->type == NODE_NUMBER && !isfinite(v->number))
		ret = canon_number(&sb, v->number);     /* records why */
	for (i = 0; ret == 0 && (v->type == NODE_LIST || v->type == NODE_MAP) && i < v->n; i++)
		ret = check_finite(v->items[i]);
	sb_release(&sb);
	return ret;
}

/* ---- lookups ---- */

static const struct node *input_def(const struct node *comp, bool artifact,
				    const char *name)
{
	return node_path(comp, "inputDefinitions",
			 artifact ? "artifacts" : "parameters", name, NULL);
}

static const char *scope_key(struct arena *a, bool artifact, const char *name)
{
	return artifact ? arena_printf(a, "a:%s", name) : name;
}

static int process(struct builder *b, struct task *t);
static int instantiate(struct builder *b, struct dag_inst *inst);

static int find_sibling(struct builder *b, struct task *t, const char *key,
			const struct node *at, struct task **out)
{
	struct task *p = strmap_get(&t->scope->by_key, key);

	if (!p)
		return fail_at(b, at, "task '%s' refers to unknown producer task '%s'",
			       t->path, key);
	if (process(b, p) < 0)
		return -1;
	*out = p;
	return 0;
}

static void rval_add_refs(struct arena *a, struct rval *r, const struct ref *refs,
			  size_t n)
{
	struct ref *nr = arena_array(a, r->nrefs + n, sizeof(*nr));

	if (r->nrefs)
		memcpy(nr, r->refs, r->nrefs * sizeof(*nr));
	memcpy(nr + r->nrefs, refs, n * sizeof(*nr));
	r->refs = nr;
	r->nrefs += n;
}

static int output_of(struct builder *b, struct task *p, bool artifact,
		     const char *key, const struct node *at, struct rval *out);

/*
 * Follow one DAG output selector inside instance `inst`; its branch (the
 * producerSubtask) into *branch when not NULL.
 */
static int dag_selector(struct builder *b, struct dag_inst *inst, bool artifact,
			const struct node *sel, struct rval *acc, const struct task **branch)
{
	const char *sub = node_get_str(sel, "producerSubtask");
	const char *k = node_get_str(sel, artifact ? "outputArtifactKey"
					: "outputParameterKey");
	struct task *p = NULL;
	struct rval r;

	if (!sub || !k)
		return fail_at(b, sel, "DAG output selector needs producerSubtask and %s",
			       artifact ? "outputArtifactKey" : "outputParameterKey");
	p = strmap_get(&inst->by_key, sub);
	if (!p)
		return fail_at(b, sel, "DAG output refers to unknown producer subtask '%s'", sub);
	if (output_of(b, p, artifact, k, sel, &r) < 0)
		return -1;
	rval_add_refs(&b->d->arena, acc, r.refs, r.nrefs);
	/* A OneOf passed up through a DAG output stays a OneOf. */
	if (r.nalts && acc->nrefs == r.nrefs) {
		acc->xform = r.xform;
		acc->alts = r.alts;
		acc->nalts = r.nalts;
	}
	if (branch)
		*branch = p;
	return 0;
}

/*
 * A dsl.OneOf output: the selectors of list from `first` on, in order, one
 * alternative each (rval.alts), and all their refs in acc.  KFP's driver
 * takes the first whose producerSubtask completed or was cached
 * (resolve.go:1061-1089 for artifacts, :1110-1146 for parameters); predict
 * decides which from the branches' trigger states.  Before 2.17 an
 * artifact OneOf reads the last selector only (first = the last).
 */
static int dag_oneof(struct builder *b, struct dag_inst *inst, bool artifact,
		     const struct node *list, size_t first, struct rval *acc)
{
	size_t n = list->n - first, i;
	struct oneof_alt *alts = arena_array(&b->d->arena, n, sizeof(*alts));

	for (i = 0; i < n; i++) {
		memset(&alts[i].val, 0, sizeof(alts[i].val));
		alts[i].val.kind = RV_OUTPUT;
		alts[i].val.xform = "";
		if (dag_selector(b, inst, artifact, list->items[first + i], &alts[i].val,
				 &alts[i].branch) < 0)
			return -1;
		rval_add_refs(&b->d->arena, acc, alts[i].val.refs, alts[i].val.nrefs);
	}
	acc->xform = "oneof";
	acc->alts = alts;
	acc->nalts = n;
	return 0;
}

static int dag_output(struct builder *b, struct task *p, struct dag_inst *inst,
		      bool artifact, const char *key, const struct node *at,
		      struct rval *acc)
{
	const struct node *o = node_path(p->comp, "dag", "outputs",
					 artifact ? "artifacts" : "parameters", key, NULL);
	const struct node *list;

	if (!o)
		return fail_at(b, at, "task '%s' has no output %s '%s'", p->path,
			       artifact ? "artifact" : "parameter", key);
	if (artifact) {
		list = node_get(o, "artifactSelectors");
		if (!node_is_list(list) || !list->n)
			return fail_at(b, o, "DAG output artifact '%s' has no artifactSelectors", key);
		if (list->n == 1)
			return dag_selector(b, inst, true, list->items[0], acc, NULL);
		return dag_oneof(b, inst, true, list, b->opt->oneof_artifact_last ? list->n - 1 : 0,
				 acc);
	}
	if ((list = node_get(o, "valueFromParameter")))
		return dag_selector(b, inst, false, list, acc, NULL);
	list = node_path(o, "valueFromOneof", "parameterSelectors", NULL);
	if (!node_is_list(list) || !list->n)
		return fail_at(b, o, "DAG output parameter '%s' has no selector", key);
	return dag_oneof(b, inst, false, list, 0, acc);
}

/*
 * The value of producer p's output `key`: a ref to an executor, or the
 * DAG's output followed into its body (all iterations of a loop: a
 * collected list, resolve.go:654-661).
 */
static int output_of(struct builder *b, struct task *p, bool artifact,
		     const char *key, const struct node *at, struct rval *out)
{
	struct arena *a = &b->d->arena;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->kind = RV_OUTPUT;
	out->xform = "";
	if (task_is_executor(p)) {
		struct ref r = { p, arena_strdup(a, key) };
		const struct node *defs = node_path(p->comp, "outputDefinitions",
						    artifact ? "artifacts" : "parameters", NULL);
		if (p->kind == TASK_IMPORTER ? !(artifact && !strcmp(key, "artifact"))
					     : !node_get(defs, key))
			return fail_at(b, at, "producer task '%s' has no output %s '%s'",
				       p->path, artifact ? "artifact" : "parameter", key);
		rval_add_refs(a, out, &r, 1);
		return 0;
	}
	if (p->body)
		return dag_output(b, p, p->body, artifact, key, at, out);
	for (i = 0; i < p->niters; i++)
		if (dag_output(b, p, p->iters[i], artifact, key, at, out) < 0)
			return -1;
	/* A collected list of OneOfs keeps every iteration's refs, not one choice. */
	out->xform = "collected";
	out->alts = NULL;
	out->nalts = 0;
	return 0;
}

/* parameterExpressionSelector on a resolved value (resolve.go:145-165). */
static void apply_selector(struct builder *b, const char *expr, struct rval *v)
{
	struct arena *a = &b->d->arena;
	struct rval *inner;
	const char *pfx = "parseJson(string_value)[\"";

	if (v->kind == RV_STATIC && v->value->type == NODE_STRING &&
	    !strncmp(expr, pfx, strlen(pfx))) {
		/* The SDK's loop-item sub-field selector. */
		const char *field = expr + strlen(pfx);
		size_t flen = strcspn(field, "\"");
		struct node *parsed;
		if (!strcmp(field + flen, "\"]") &&
		    !json_parse(a, v->value->str, v->value->len, "item", NULL, &parsed) &&
		    parsed->type == NODE_MAP) {
			char *f = arena_strndup(a, field, flen);
			const struct node *got = node_get(parsed, f);
			if (got) {
				rval_static(v, got);
				return;
			}
		}
	} else if (v->kind == RV_STATIC && v->value->type == NODE_MAP &&
		   !strncmp(expr, pfx, strlen(pfx))) {
		const char *field = expr + strlen(pfx);
		size_t flen = strcspn(field, "\"");
		const struct node *got = node_get(v->value, arena_strndup(a, field, flen));
		if (got && !strcmp(field + flen, "\"]")) {
			rval_static(v, got);
			return;
		}
	}
	if (v->kind != RV_STATIC && v->kind != RV_OUTPUT)
		return;     /* per-run or unknown stays so */
	inner = arena_alloc(a, sizeof(*inner));
	*inner = *v;
	v->kind = RV_OUTPUT;
	v->inner = inner;
	v->refs = inner->kind == RV_OUTPUT ? inner->refs : NULL;
	v->nrefs = inner->kind == RV_OUTPUT ? inner->nrefs : 0;
	v->xform = arena_printf(a, "select:%s", expr);
	v->value = NULL;
}

/*
 * The items input of the loop whose iteration `inst` is: KFP deletes it from
 * the iteration's inputs; we keep it aside for a clearer message.
 */
static const struct rval *loop_items_input(const struct dag_inst *inst, const char *name)
{
	return inst->owner && inst->owner->niters ?
	       strmap_get(&inst->items_inputs, name) : NULL;
}

/*
 * A component input the enclosing DAG declares but does not have: an input
 * artifact its caller left out (a DAG driver copies only the artifacts its
 * task passes, resolve.go:359-366), so this task's driver fails with
 * "parent DAG does not have input artifact" (resolve.go:549-551); or a
 * parameter that is neither optional nor defaulted, whose DAG driver fails
 * first (resolve.go:187-192).  An input the DAG does not declare at all is
 * a malformed spec.
 */
static int absent_component_input(struct builder *b, struct task *t, bool artifact,
				  const char *name, const char *s, const struct node *in,
				  struct rval *out)
{
	struct dag_inst *scope = t->scope;

	if (!scope->owner || !input_def(scope->comp, artifact, s))
		return fail_at(b, in, "task '%s' input '%s' reads unknown component input '%s'",
			       t->path, name, s);
	out->kind = RV_ABSENT;
	if (artifact)
		set_fail(b, t, arena_printf(&b->d->arena, "no_artifact:%s", s),
			 "%s reads input artifact '%s', which %s does not pass into %s "
			 "(resolve.go:549-551: parent DAG does not have input artifact)",
			 t->path, s, scope->owner->parent ? scope->owner->parent->path : "the pipeline",
			 scope->owner->path);
	return 0;
}

/*
 * An artifact imported with downloadToWorkspace runs as ImporterWorkspace,
 * and the driver flags every artifact it resolves from such an execution
 * through taskOutputArtifact, directly or through DAG outputs, with
 * _kfp_workspace (resolve.go:37-47, :798, :1020): its consumer mounts the
 * run's workspace PVC (driver.go:512-544).
 */
static bool refs_workspace_import(const struct rval *v)
{
	size_t i;

	for (i = 0; i < v->nrefs; i++) {
		const struct task *p = v->refs[i].producer;
		if (p->kind == TASK_IMPORTER &&
		    node_get_bool(p->importer, "downloadToWorkspace", false))
			return true;
	}
	return false;
}

/* Resolve one task input spec node (parameters or artifacts) in t's scope. */
static int resolve_input(struct builder *b, struct task *t, bool artifact,
			 const char *name, const struct node *in, struct rval *out)
{
	struct arena *a = &b->d->arena;
	const struct node *x;
	const char *s;
	struct task *p = NULL;

	memset(out, 0, sizeof(*out));
	if ((s = node_get_str(in, artifact ? "componentInputArtifact"
				       : "componentInputParameter"))) {
		const struct rval *v = strmap_get(&t->scope->inputs, scope_key(a, artifact, s));
		if (!v && !artifact && (v = loop_items_input(t->scope, s)))
			warn(b, "%s: input '%s' reads '%s', the items of the enclosing loop; KFP's driver "
			     "removes it inside each iteration (resolve.go), so this task may fail at run time",
			     t->path, name, s);
		if (!v)
			return absent_component_input(b, t, artifact, name, s, in, out);
		*out = *v;
		/*
		 * A DAG's input artifacts are re-read from MLMD
		 * (metadata/client.go:1150-1190), which keeps no workspace flag:
		 * only a taskOutputArtifact carries it.
		 */
		if (artifact)
			out->workspace = false;
	} else if ((x = node_get(in, artifact ? "taskOutputArtifact"
				 : "taskOutputParameter"))) {
		const char *prod = node_get_str(x, "producerTask");
		const char *k = node_get_str(x, artifact ? "outputArtifactKey"
					     : "outputParameterKey");
		if (!prod || !k)
			return fail_at(b, x, "task '%s' input '%s': producerTask and output key required",
				       t->path, name);
		if (find_sibling(b, t, prod, x, &p) < 0 ||
		    output_of(b, p, artifact, k, x, out) < 0)
			return -1;
		if (artifact)
			out->workspace = refs_workspace_import(out);
	} else if (!artifact && (x = node_get(in, "runtimeValue"))) {
		resolve_constant(b, t, node_get(x, "constant"), out);
	} else if (!artifact && node_get(in, "taskFinalStatus")) {
		/* Built from the producer's state and workflow name: per run. */
		out->kind = RV_RUN_UNIQUE;
		out->what = "final_status";
	} else {
		return fail_at(b, in, "task '%s' input '%s' has no recognised source",
			       t->path, name);
	}
	if (!artifact && (s = node_get_str(in, "parameterExpressionSelector")) && *s)
		apply_selector(b, s, out);
	return 0;
}

/* Apply a --input pin to t's input, if one names it. */
static int apply_pin(struct builder *b, struct task *t, struct task_input *ti)
{
	struct arena *a = &b->d->arena;
	const char *const *p;
	size_t plen = strlen(t->path), nlen = strlen(ti->name);

	for (p = b->opt->pins; p && *p; p++) {
		const char *v = *p + plen + 1 + nlen + 1;
		struct node *n;
		if (strncmp(*p, t->path, plen) || (*p)[plen] != ':' ||
		    strncmp(*p + plen + 1, ti->name, nlen) || (*p)[plen + 1 + nlen] != '=')
			continue;
		if (ti->artifact) {
			n = node_new(a, NODE_LIST);
			while (*v) {
				size_t len = strcspn(v, ",");
				node_append(a, n, NULL, 0, node_new_str(a, v, len));
				v += len + (v[len] == ',');
			}
		} else if (json_parse(a, v, strlen(v), "--input", NULL, &n) < 0) {
			n = node_new_str(a, v, strlen(v));
		}
		rval_static(&ti->val, n);
		ti->val.pinned = true;
		return 1;
	}
	return 0;
}

static int cmp_input(const void *x, const void *y)
{
	const struct task_input *a = x, *b = y;

	if (a->artifact != b->artifact)
		return a->artifact ? 1 : -1;
	return strcmp(a->name, b->name);
}

/*
 * A componentInputParameter that is null (an optional input without a
 * default, not given) returns ErrResolvedParameterNull (resolve.go:399-403);
 * the driver drops it only when this task's component input is optional,
 * and fails otherwise (resolve.go:333-347).  The SDK never marks the inputs
 * of condition, loop and exit-handler groups optional.
 */
static void check_null(struct builder *b, struct task *t, const struct task_input *ti,
		       const struct node *in, const struct node *def)
{
	const char *type = node_get_str(def, "parameterType");

	if (ti->val.kind != RV_ABSENT || ti->val.pinned || !node_get_str(in, "componentInputParameter") ||
	    node_get_bool(def, "isOptional", false) || (type && !strcmp(type, "TASK_CONFIG")))
		return;
	set_fail(b, t, arena_printf(&b->d->arena, "null:%s@%s", ti->val.what ? ti->val.what : ti->name,
				    t->path),
		 "%s gets null for %s '%s' (optional, no default, not given), and its input '%s' "
		 "is not optional (resolve.go:399-402, 339-346)",
		 t->path, t->scope->owner ? "input" : "root parameter",
		 ti->val.what ? ti->val.what : ti->name, ti->name);
}

/*
 * A component input parameter the task does not pass, neither optional nor
 * with a default: "neither value nor default value provided"
 * (resolve.go:187-192).  A loop's item input is filled per iteration; a
 * dsl.TaskConfig input is filled after the pod spec (resolve.go:326-330).
 */
static void check_missing(struct builder *b, struct task *t, const struct node *passed)
{
	const struct node *defs = node_path(t->comp, "inputDefinitions", "parameters", NULL);
	const char *item = node_get_str(node_get(t->spec, "parameterIterator"), "itemInput");
	size_t i;

	for (i = 0; node_is_map(defs) && i < defs->n; i++) {
		const char *name = defs->keys[i], *type = node_get_str(defs->items[i], "parameterType");
		if (node_get(passed, name) || node_get_bool(defs->items[i], "isOptional", false) ||
		    node_get(defs->items[i], "defaultValue") || (item && !strcmp(item, name)) ||
		    (type && !strcmp(type, "TASK_CONFIG")))
			continue;
		set_fail(b, t, arena_printf(&b->d->arena, "missing:%s", name),
			 "%s does not pass its input '%s', which is neither optional nor has a default "
			 "(resolve.go:187-192)", t->path, name);
		return;
	}
}

static int resolve_inputs(struct builder *b, struct task *t)
{
	struct arena *a = &b->d->arena;
	const struct node *ins = node_get(t->spec, "inputs");
	size_t n = 0, i, kind;

	for (kind = 0; kind < 2; kind++) {
		const struct node *m = node_get(ins, kind ? "artifacts" : "parameters");
		if (m && !node_is_map(m))
			return fail_at(b, m, "task '%s': inputs.%s must be a map", t->path,
				       kind ? "artifacts" : "parameters");
		n += m ? m->n : 0;
	}
	t->inputs = arena_array(a, n, sizeof(*t->inputs));
	for (kind = 0; kind < 2; kind++) {
		const struct node *m = node_get(ins, kind ? "artifacts" : "parameters");
		for (i = 0; m && i < m->n; i++) {
			struct task_input *ti = &t->inputs[t->ninputs++];
			const struct node *def;
			ti->name = m->keys[i];
			ti->artifact = kind;
			if (resolve_input(b, t, kind, ti->name, m->items[i], &ti->val) < 0)
				return -1;
			apply_pin(b, t, ti);
			def = input_def(t->comp, kind, ti->name);
			ti->declared_type = node_get_str(def, "parameterType");
			if (t->kind == TASK_CONTAINER && !kind && ti->val.kind == RV_STATIC &&
			    ti->declared_type && !strcmp(ti->declared_type, "STRING") &&
			    ti->val.value->type != NODE_STRING) {
				if (to_string_value(b, ti->val.value, &ti->val.value) < 0)
					return fail_at(b, m->items[i], "task '%s' input '%s': %s",
						       t->path, ti->name, err_msg());
			} else if (!kind && ti->val.kind == RV_STATIC && check_finite(ti->val.value) < 0) {
				return fail_at(b, m->items[i], "task '%s' input '%s': %s",
					       t->path, ti->name, err_msg());
			}
			/* A null optional input is dropped (resolve.go:333-347). */
			if (ti->val.kind == RV_STATIC && ti->val.value->type == NODE_NULL)
				ti->val.kind = RV_ABSENT;
			if (!kind)
				check_null(b, t, ti, m->items[i], def);
		}
	}
	check_missing(b, t, node_get(ins, "parameters"));
	qsort(t->inputs, t->ninputs, sizeof(*t->inputs), cmp_input);
	return 0;
}

/* ---- PVCs and the workspace (container.go:150-171, k8s.go:1233-1292) ---- */

const struct rval *task_createpvc_name(const struct task *t)
{
	size_t i;

	for (i = 0; i < t->ninputs; i++) {
		const struct rval *v = &t->inputs[i].val;
		if (t->inputs[i].artifact || strcmp(t->inputs[i].name, "pvc_name"))
			continue;
		if (v->kind == RV_ABSENT || (v->kind == RV_STATIC && (v->value->type != NODE_STRING ||
								     !*v->value->str)))
			return NULL;
		return v;
	}
	return NULL;
}

static int resolve_pvcs(struct builder *b, struct task *t)
{
	struct arena *a = &b->d->arena;
	const struct node *mounts = NULL;
	size_t i, n;
	bool workspace = false;

	if (b->k8s_executors && t->executor_label)
		mounts = node_path(b->k8s_executors, t->executor_label, "pvcMount", NULL);
	for (i = 0; i < t->ninputs && !b->opt->no_workspace; i++)
		if (t->inputs[i].val.workspace)
			workspace = true;
	n = (node_is_list(mounts) ? mounts->n : 0) + (workspace ? 1 : 0);
	t->pvc_vals = arena_array(a, n, sizeof(*t->pvc_vals));
	for (i = 0; node_is_list(mounts) && i < mounts->n; i++) {
		const struct node *m = mounts->items[i];
		const struct node *p = node_get(m, "pvcNameParameter");
		struct rval *v = &t->pvc_vals[t->npvc_vals++];
		if (!p) {
			/* Deprecated fields (k8s.go:1249-1264). */
			const struct node *c = node_get(m, "constant");
			if (c)
				rval_static(v, c);
			else if (resolve_input(b, t, false, "pvcMount", m, v) < 0)
				return -1;
		} else if (resolve_input(b, t, false, "pvcMount", p, v) < 0) {
			return -1;
		}
		/*
		 * A claim created by createpvc is named by its pvc_name (the
		 * constant, or the producer's value it reads); without one it is
		 * uuid+suffix: per run.
		 */
		if (v->kind == RV_OUTPUT && v->nrefs == 1 && v->refs[0].producer->stub == STUB_CREATEPVC) {
			const struct rval *name = task_createpvc_name(v->refs[0].producer);
			if (name) {
				*v = *name;
			} else {
				v->kind = RV_RUN_UNIQUE;
				v->what = "pvc_name";
			}
		}
	}
	if (workspace) {
		struct rval *v = &t->pvc_vals[t->npvc_vals++];
		memset(v, 0, sizeof(*v));
		v->kind = RV_RUN_UNIQUE;   /* "<workflow.name>-kfp-workspace" */
		v->what = "workspace";
	}
	return 0;
}

/* ---- task creation ---- */

static struct task *task_new(struct builder *b, struct dag_inst *inst,
			     const char *key, const struct node *spec)
{
	struct arena *a = &b->d->arena;
	struct task *t = arena_alloc(a, sizeof(*t));

	t->key = key;
	t->spec = spec;
	t->scope = inst;
	t->parent = inst->owner;
	t->path = arena_printf(a, "%s%s", inst->prefix, key);
	t->in_root = inst->owner == NULL;
	KC_GROW(b->all, b->alloc, b->nall + 1);
	b->all[b->nall++] = t;
	return t;
}

static int task_classify(struct builder *b, struct task *t)
{
	const struct node *ref = node_get(t->spec, "componentRef");
	const struct node *cond = node_path(t->spec, "triggerPolicy", "condition", NULL);
	const struct node *co = node_get(t->spec, "cachingOptions");
	const struct node *enable = node_get(co, "enableCache");

	if (!node_is_map(t->spec))
		return fail_at(b, t->spec, "task '%s' is not a map", t->path);
	/* protojson rejects these; read leniently they would turn caching off. */
	if (co && co->type != NODE_NULL && !node_is_map(co))
		return fail_at(b, co, "task '%s': cachingOptions is a %s, expected a map",
			       t->path, node_type_name(co->type));
	if (enable && enable->type != NODE_BOOL && enable->type != NODE_NULL)
		return fail_at(b, enable, "task '%s': cachingOptions.enableCache is a %s, expected a boolean",
			       t->path, node_type_name(enable->type));
	t->component = node_get_str(ref, "name");
	if (!t->component)
		return fail_at(b, t->spec, "task '%s' has no componentRef.name", t->path);
	t->comp = node_get(b->components, t->component);
	if (!t->comp)
		return fail_at(b, ref, "task '%s' references unknown component '%s'",
			       t->path, t->component);
	t->conditional = (t->parent && t->parent->conditional) ||
			 (node_str(cond) && *node_str(cond));
	if (node_get(t->comp, "dag")) {
		const struct task *up;

		/* A component inside its own DAG would be expanded forever. */
		for (up = t->parent; up; up = up->parent)
			if (up->comp == t->comp)
				return fail_at(b, ref, "task '%s': component '%s' contains itself",
					       t->path, t->component);
		t->kind = TASK_DAG;
		return 0;
	}
	t->executor_label = node_get_str(t->comp, "executorLabel");
	if (!t->executor_label)
		return fail_at(b, t->comp, "component '%s' has neither dag nor executorLabel",
			       t->component);
	t->executor = node_get(b->executors, t->executor_label);
	if (!t->executor)
		return fail_at(b, t->comp, "component '%s' references unknown executor '%s'",
			       t->component, t->executor_label);
	if ((t->container = node_get(t->executor, "container"))) {
		t->kind = TASK_CONTAINER;
		t->image = node_get_str(t->container, "image");
		if (t->image && !strcmp(t->image, "argostub/createpvc"))
			t->stub = STUB_CREATEPVC;
		else if (t->image && !strcmp(t->image, "argostub/deletepvc"))
			t->stub = STUB_DELETEPVC;
		if (!t->image)
			return fail_at(b, t->container, "executor '%s' has no image",
				       t->executor_label);
	} else if ((t->importer = node_get(t->executor, "importer"))) {
		t->kind = TASK_IMPORTER;
	} else {
		/* resolver and customJob executors (argocompiler/dag.go:348-349). */
		return fail_at(b, t->executor, "executor '%s' is not a container or importer; KFP rejects it",
			       t->executor_label);
	}
	return 0;
}

static struct dag_inst *inst_new(struct builder *b, struct task *owner,
				 const struct node *comp, const char *prefix, int iteration)
{
	struct dag *d = b->d;
	struct dag_inst *inst = arena_alloc(&d->arena, sizeof(*inst));

	KC_GROW(d->insts, d->insts_alloc, d->ninsts + 1);
	d->insts[d->ninsts++] = inst;
	inst->owner = owner;
	inst->comp = comp;
	inst->prefix = prefix;
	inst->iteration = iteration;
	strmap_init(&inst->by_key);
	strmap_init(&inst->inputs);
	strmap_init(&inst->items_inputs);
	return inst;
}

static void inst_put_input(struct builder *b, struct dag_inst *inst, bool artifact,
			   const char *name, const struct rval *v)
{
	struct rval *copy = arena_alloc(&b->d->arena, sizeof(*copy));

	*copy = *v;
	strmap_put(&inst->inputs, scope_key(&b->d->arena, artifact, name), copy);
}

/*
 * A nested DAG's inputs: what its task passes, plus, for optional inputs it
 * does not pass, the component default or null (resolve.go:306-322).
 */
static void body_inputs(struct builder *b, struct task *t, struct dag_inst *inst,
			const char *skip)
{
	const struct node *defs = node_path(t->comp, "inputDefinitions", "parameters", NULL);
	struct rval dv;
	size_t i;

	for (i = 0; i < t->ninputs; i++)
		if (!skip || strcmp(t->inputs[i].name, skip))
			inst_put_input(b, inst, t->inputs[i].artifact, t->inputs[i].name,
				       &t->inputs[i].val);
	for (i = 0; node_is_map(defs) && i < defs->n; i++) {
		const struct node *def = defs->items[i];
		if (strmap_has(&inst->inputs, defs->keys[i]))
			continue;
		if (node_get(def, "defaultValue")) {
			rval_static(&dv, node_get(def, "defaultValue"));
		} else if (node_get_bool(def, "isOptional", false)) {
			rval_static(&dv, node_new(&b->d->arena, NODE_NULL));
			dv.what = defs->keys[i];
		} else {
			continue;
		}
		inst_put_input(b, inst, false, defs->keys[i], &dv);
	}
}

/*
 * A ParallelFor: find its items (raw JSON, or an input's value, itself JSON
 * text when a string), then one DAG instance per item when the list is
 * known before the run, or one template instance whose item is known only
 * at run time.  Each instance gets the loop's inputs minus the items input
 * (KFP's driver deletes it, resolve.go:268-303) and its item.  One
 * function because the two cases share the per-instance set-up and the
 * items' validation, which read the same handful of locals.
 */
static int expand_loop(struct builder *b, struct task *t, const struct node *it)
{
	struct arena *a = &b->d->arena;
	const char *item_input = node_get_str(it, "itemInput");
	const struct node *items = node_get(it, "items");
	const char *raw = node_get_str(items, "raw");
	const char *from = node_get_str(items, "inputParameter");
	const struct node *list = NULL;
	struct rval itemsv;
	size_t i;

	memset(&itemsv, 0, sizeof(itemsv));
	if (!item_input || (!raw && !from))
		return fail_at(b, it, "task '%s': parameterIterator needs itemInput and items", t->path);
	if (raw) {
		struct node *parsed;
		if (json_parse(a, raw, strlen(raw), t->path, NULL, &parsed) < 0)
			return fail_at(b, items, "task '%s': loop items are not JSON: %s",
				       t->path, err_msg());
		rval_static(&itemsv, parsed);
	} else {
		bool found = false;
		size_t k;
		for (k = 0; k < t->ninputs; k++)
			if (!t->inputs[k].artifact && !strcmp(t->inputs[k].name, from)) {
				itemsv = t->inputs[k].val;
				found = true;
			}
		if (!found)
			return fail_at(b, items, "task '%s': loop items read unknown input '%s'",
				       t->path, from);
	}
	if (itemsv.kind == RV_STATIC && itemsv.value->type == NODE_STRING) {
		struct node *parsed;
		if (!json_parse(a, itemsv.value->str, itemsv.value->len, t->path, NULL, &parsed))
			itemsv.value = parsed;
		else
			set_fail(b, t, arena_printf(a, "not_list:%s", from),
				 "%s iterates over input '%s', the string '%.*s', which is not JSON "
				 "(driver/util.go:122-126, dag.go:196-199)", t->path, from,
				 (int)(itemsv.value->len > 40 ? 40 : itemsv.value->len), itemsv.value->str);
	} else if (itemsv.kind == RV_STATIC && itemsv.value->type != NODE_LIST) {
		set_fail(b, t, arena_printf(a, "not_list:%s", from ? from : "raw"),
			 "%s iterates over %s%s%s, a %s: KFP iterates only a list "
			 "(driver/util.go:118-131, dag.go:196-199)", t->path, from ? "input '" : "raw items",
			 from ? from : "", from ? "'" : "", node_type_name(itemsv.value->type));
	}
	if (itemsv.kind == RV_STATIC && itemsv.value->type == NODE_LIST)
		list = itemsv.value;
	for (i = 0; list && i < list->n; i++)
		if (check_finite(list->items[i]) < 0)
			return fail_at(b, items, "task '%s': loop item %zu: %s", t->path, i,
				       err_msg());
	t->loop_expanded = list != NULL;
	t->niters = list ? list->n : 1;
	t->iters = arena_array(a, t->niters, sizeof(*t->iters));
	for (i = 0; i < t->niters; i++) {
		struct dag_inst *inst;
		struct rval iv;
		if (list) {
			inst = inst_new(b, t, t->comp, arena_printf(a, "%s[%zu]/", t->path, i), (int)i);
			rval_static(&iv, list->items[i]);
		} else {
			/* Items known only at run time: one template row for all. */
			struct rval *inner = arena_alloc(a, sizeof(*inner));
			*inner = itemsv;
			inst = inst_new(b, t, t->comp, arena_printf(a, "%s/", t->path), -1);
			memset(&iv, 0, sizeof(iv));
			iv.kind = itemsv.kind == RV_OUTPUT || itemsv.kind == RV_STATIC ? RV_OUTPUT
											: itemsv.kind;
			iv.what = itemsv.what;
			iv.xform = "item";
			iv.inner = inner;
			iv.refs = itemsv.refs;
			iv.nrefs = itemsv.nrefs;
		}
		body_inputs(b, t, inst, from);
		inst_put_input(b, inst, false, item_input, &iv);
		if (from) {
			struct rval *keep = arena_alloc(a, sizeof(*keep));
			*keep = itemsv;
			strmap_put(&inst->items_inputs, from, keep);
		}
		t->iters[i] = inst;
		if (instantiate(b, inst) < 0)
			return -1;
	}
	return 0;
}

/* Resolve t (after its sibling producers), then build its body if a DAG. */
static int process(struct builder *b, struct task *t)
{
	uintptr_t st = (uintptr_t)strmap_get(&b->state, t->path);
	const struct node *deps;
	size_t i;

	if (st == 2)
		return 0;
	if (st == 1)
		return fail_at(b, t->spec, "dependency cycle through task '%s'", t->path);
	strmap_put(&b->state, t->path, (void *)1);
	if (++b->depth > DAG_MAX_DEPTH)
		return fail_at(b, t->spec, "task '%s': producers and sub-DAGs nest deeper than %d levels",
			       t->path, DAG_MAX_DEPTH);

	deps = node_get(t->spec, "dependentTasks");
	if (deps && !node_is_list(deps))
		return fail_at(b, deps, "task '%s': dependentTasks must be a list", t->path);
	t->ndeps = deps ? deps->n : 0;
	t->deps = arena_array(&b->d->arena, t->ndeps, sizeof(*t->deps));
	for (i = 0; i < t->ndeps; i++) {
		struct task *p;
		t->deps[i] = node_str(deps->items[i]);
		if (!t->deps[i])
			return fail_at(b, deps->items[i], "task '%s': dependentTasks entries must be strings",
				       t->path);
		if (find_sibling(b, t, t->deps[i], deps->items[i], &p) < 0)
			return -1;
	}
	if (resolve_inputs(b, t) < 0)
		return -1;
	if (t->kind == TASK_CONTAINER && resolve_pvcs(b, t) < 0)
		return -1;
	if (t->kind == TASK_DAG) {
		const struct node *it = node_get(t->spec, "parameterIterator");
		if (node_get(t->spec, "artifactIterator"))
			return fail_at(b, node_get(t->spec, "artifactIterator"),
				       "task '%s' iterates over artifacts; KFP rejects artifactIterator",
				       t->path);
		if (it) {
			if (expand_loop(b, t, it) < 0)
				return -1;
		} else {
			t->body = inst_new(b, t, t->comp,
					   arena_printf(&b->d->arena, "%s/", t->path), -1);
			body_inputs(b, t, t->body, NULL);
			if (instantiate(b, t->body) < 0)
				return -1;
		}
	}
	strmap_put(&b->state, t->path, (void *)2);
	b->depth--;
	return 0;
}

static int instantiate(struct builder *b, struct dag_inst *inst)
{
	const struct node *tasks = node_path(inst->comp, "dag", "tasks", NULL);
	size_t i;

	if (tasks && !node_is_map(tasks))
		return fail_at(b, tasks, "%s: dag.tasks is a %s, expected a map",
			       inst->owner ? inst->owner->path : "root", node_type_name(tasks->type));
	if (!tasks)
		return fail_at(b, inst->comp, "%s has no dag.tasks map",
			       inst->owner ? inst->owner->path : "root");
	/* Nested sub-DAGs and loops multiply: bound the expansion, as the alias count bounds YAML. */
	if (tasks->n > b->max_tasks - b->nall)
		return fail_at(b, tasks, "more than %zu tasks once sub-DAGs and loops are expanded",
			       b->max_tasks);
	inst->tasks = arena_array(&b->d->arena, tasks->n, sizeof(*inst->tasks));
	for (i = 0; i < tasks->n; i++) {
		struct task *t = task_new(b, inst, tasks->keys[i], tasks->items[i]);
		if (strmap_put(&inst->by_key, t->key, t))
			return fail_at(b, tasks->items[i], "duplicate task '%s'", t->path);
		inst->tasks[inst->ntasks++] = t;
		if (task_classify(b, t) < 0)
			return -1;
	}
	for (i = 0; i < inst->ntasks; i++)
		if (process(b, inst->tasks[i]) < 0)
			return -1;
	return 0;
}

/* ---- root ---- */

/*
 * An integer as written: digits with an optional sign, or a number that is
 * whole and exactly representable (3.0, 1e3).  "12345678901234567890.5"
 * reads as a whole double but is no integer.  KFP keys every number as a
 * float64 (semantics doc §1.4): integers beyond 2^53 that differ only past
 * a double's precision share a fingerprint there, and here.
 */
static bool is_integer_text(const char *text, double d)
{
	const char *p = text + (*text == '-' || *text == '+');

	if (*p && strspn(p, "0123456789") == strlen(p))
		return true;
	return d == floor(d) && fabs(d) <= 9007199254740992.0;
}

/* Go's names for the JSON kinds a parameter type takes. */
static const char *param_kind_wanted(const char *type, enum node_type *want)
{
	static const struct { const char *type; enum node_type kind; const char *what; } kinds[] = {
		{ "NUMBER_INTEGER", NODE_NUMBER, "an integer" },
		{ "NUMBER_DOUBLE", NODE_NUMBER, "a number" },
		{ "STRING", NODE_STRING, "a string" },
		{ "BOOLEAN", NODE_BOOL, "true or false" },
		{ "LIST", NODE_LIST, "a list" },
		{ "STRUCT", NODE_MAP, "an object" },
	};
	size_t i;

	for (i = 0; type && i < KC_ARRAY_SIZE(kinds); i++)
		if (!strcmp(type, kinds[i].type)) {
			*want = kinds[i].kind;
			return kinds[i].what;
		}
	return NULL;
}

/*
 * A value from a params file or a PipelineJob, checked against the input's
 * declared type as --param is: KFP's API server refuses a run whose
 * parameter does not match its type.  null (an optional input) passes.
 */
static int check_param_value(struct builder *b, const char *type, const struct node *v,
			     const char *name)
{
	const char *src = b->opt->params_source ? b->opt->params_source : b->d->spec->name;
	enum node_type want;
	const char *what = param_kind_wanted(type, &want);
	struct strbuf text = STRBUF_INIT;
	char pos[32];
	bool ok;

	if (!what || v->type == NODE_NULL)
		return 0;
	ok = v->type == want;
	if (ok && !strcmp(type, "NUMBER_INTEGER"))
		ok = v->number == floor(v->number) && isfinite(v->number);
	if (ok)
		return 0;
	if (canon_json(&text, v) < 0)
		sb_adds(&text, node_type_name(v->type));
	if (text.len > 60) {
		text.len = 57;
		text.buf[57] = '\0';
		sb_adds(&text, "...");
	}
	spec_pos(NULL, v, pos);
	err_set("%s:%s: parameter %s: '%s' is not %s", src, pos, name, text.buf, what);
	sb_release(&text);
	return -1;
}

static int parse_cli_param(struct builder *b, const char *type, const char *text,
			   const char *name, const struct node **out)
{
	struct arena *a = &b->d->arena;
	struct node *n;
	char *end;

	if (!type || !strcmp(type, "STRING")) {
		*out = node_new_str(a, text, strlen(text));
		return 0;
	}
	if (!strcmp(type, "NUMBER_INTEGER") || !strcmp(type, "NUMBER_DOUBLE")) {
		double d = strtod(text, &end);
		if (!*text || *end || !isfinite(d))
			return err_set("--param %s: '%s' is not a number", name, text);
		if (!strcmp(type, "NUMBER_INTEGER") && !is_integer_text(text, d))
			return err_set("--param %s: '%s' is not an integer", name, text);
		*out = node_new_num(a, d);
		return 0;
	}
	if (!strcmp(type, "BOOLEAN")) {
		if (strcmp(text, "true") && strcmp(text, "false"))
			return err_set("--param %s: '%s' is not true or false", name, text);
		*out = node_new_bool(a, !strcmp(text, "true"));
		return 0;
	}
	if (json_parse(a, text, strlen(text), name, NULL, &n) < 0)
		return err_set("--param %s: not valid JSON for %s: %s", name, type, err_msg());
	*out = n;
	return 0;
}

/*
 * --param NAME that the root does not declare: the parameters it does,
 * with their types, so the user sees what --param can set.
 */
static int no_such_param(const struct node *defs, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, hit = 0;
	int ret;

	for (i = 0; node_is_map(defs) && i < defs->n; i++) {
		const char *type = node_get_str(defs->items[i], "parameterType");
		sb_addf(&sb, "%s%s (%s)", i ? ", " : "", defs->keys[i], type ? type : "no type");
	}
	if (sb.len && kc_did_you_mean(name, (const char *const *)defs->keys, defs->n, &hit, 1))
		ret = err_set("--param %s: the pipeline has no such input (did you mean '%s'?); its inputs: %s",
			      name, defs->keys[hit], sb_str(&sb));
	else if (sb.len)
		ret = err_set("--param %s: the pipeline has no such input; its inputs: %s", name,
			      sb_str(&sb));
	else
		ret = err_set("--param %s: the pipeline has no such input; it has no input parameters",
			      name);
	sb_release(&sb);
	return ret;
}

static int root_inputs(struct builder *b, struct dag_inst *root)
{
	const struct node *defs = node_path(root->comp, "inputDefinitions", "parameters", NULL);
	const struct node *adefs = node_path(root->comp, "inputDefinitions", "artifacts", NULL);
	const struct dag_options *o = b->opt;
	size_t i, j;

	for (i = 0; o->cli_params && o->cli_params[i]; i++) {
		const char *eq = strchr(o->cli_params[i], '=');
		char *name;
		if (!eq || eq == o->cli_params[i])
			return err_set("--param '%s': expected NAME=VALUE", o->cli_params[i]);
		name = arena_strndup(&b->d->arena, o->cli_params[i], (size_t)(eq - o->cli_params[i]));
		if (!node_get(defs, name))
			return no_such_param(defs, name);
	}
	for (i = 0; node_is_map(defs) && i < defs->n; i++) {
		const char *name = defs->keys[i];
		const struct node *def = defs->items[i];
		const struct node *v = node_get(o->params, name);
		const char *type = node_get_str(def, "parameterType");
		struct rval r;
		for (j = 0; o->cli_params && o->cli_params[j]; j++) {
			const char *p = o->cli_params[j];
			size_t len = strlen(name);
			if (!strncmp(p, name, len) && p[len] == '=' &&
			    parse_cli_param(b, type, p + len + 1, name, &v) < 0)
				return -1;
		}
		memset(&r, 0, sizeof(r));
		if (v && v == node_get(o->params, name) && check_param_value(b, type, v, name) < 0)
			return -1;
		if (!v)
			v = node_get(def, "defaultValue");
		if (!v && node_get_bool(def, "isOptional", false))
			v = node_new(&b->d->arena, NODE_NULL);
		if (!v) {
			r.kind = RV_UNRESOLVED;
			r.what = name;
		} else {
			rval_static(&r, v);
			if (v->type == NODE_NULL)
				r.what = name;
			for (j = 0; v->type == NODE_STRING && j < KC_ARRAY_SIZE(run_macros); j++)
				if (strstr(v->str, run_macros[j].macro)) {
					r.kind = RV_RUN_UNIQUE;
					r.what = run_macros[j].what;
				}
		}
		inst_put_input(b, root, false, name, &r);
	}
	for (i = 0; node_is_map(adefs) && i < adefs->n; i++) {
		struct rval r;
		memset(&r, 0, sizeof(r));
		r.kind = RV_UNRESOLVED;
		r.what = adefs->keys[i];
		inst_put_input(b, root, true, adefs->keys[i], &r);
	}
	return 0;
}

/* ---- graph ---- */

static int cmp_task_path(const void *x, const void *y)
{
	const struct task *a = *(struct task *const *)x, *b = *(struct task *const *)y;

	return path_cmp(a->path, b->path);
}

/*
 * Every producer -> consumer edge into executor task t: data edges from its
 * inputs and PVC names, and dependentTasks (a dependency on a DAG task ends
 * on each executor inside it, with `via` = the DAG task's path so a renderer
 * can draw one edge from the DAG's cluster instead).  The one definition of
 * the task graph, used for the evaluation order and by dag_in_edges.
 */
typedef void edge_fn(void *ctx, const struct task *from, const struct task *to,
		     const char *label, const char *via);

static void rval_edges(const struct rval *v, bool artifact, const struct task *to,
		       edge_fn *fn, void *ctx)
{
	size_t i;

	for (i = 0; v->kind == RV_OUTPUT && i < v->nrefs; i++)
		fn(ctx, v->refs[i].producer, to, artifact ? "artifact" : "parameter", "");
}

static void dep_edges(const struct task *p, const struct task *to, const char *via,
		      edge_fn *fn, void *ctx)
{
	size_t i, k;

	if (task_is_executor(p)) {
		fn(ctx, p, to, "after", via);
		return;
	}
	if (p->body)
		for (i = 0; i < p->body->ntasks; i++)
			dep_edges(p->body->tasks[i], to, via, fn, ctx);
	for (k = 0; k < p->niters; k++)
		for (i = 0; i < p->iters[k]->ntasks; i++)
			dep_edges(p->iters[k]->tasks[i], to, via, fn, ctx);
}

static void each_edge(const struct task *t, edge_fn *fn, void *ctx)
{
	size_t k;

	if (!task_is_executor(t))
		return;
	for (k = 0; k < t->ninputs; k++)
		rval_edges(&t->inputs[k].val, t->inputs[k].artifact, t, fn, ctx);
	for (k = 0; k < t->npvc_vals; k++)
		rval_edges(&t->pvc_vals[k], false, t, fn, ctx);
	for (k = 0; k < t->ndeps; k++) {
		const struct task *p = strmap_get(&t->scope->by_key, t->deps[k]);
		dep_edges(p, t, task_is_executor(p) ? "" : p->path, fn, ctx);
	}
}

struct producers {
	struct task **v;
	size_t n, alloc;
};

static void collect_producer(void *ctx, const struct task *from, const struct task *to,
			     const char *label, const char *via)
{
	struct producers *p = ctx;

	(void)to;
	(void)label;
	(void)via;
	KC_GROW(p->v, p->alloc, p->n + 1);
	p->v[p->n++] = (struct task *)from;
}

/*
 * Producers before consumers, by an iterative depth-first walk (a long
 * chain of tasks must not exhaust the stack).  Ties follow path order, so
 * the order is deterministic.
 */
static void topo_order(struct dag *d)
{
	unsigned char *state = xcalloc(d->ntasks ? d->ntasks : 1, 1);
	size_t *stack = NULL, n = 0, alloc = 0, k = 0, i, j;
	struct producers prods = { NULL, 0, 0 };

	d->order = arena_array(&d->arena, d->ntasks, sizeof(*d->order));
	for (i = 0; i < d->ntasks; i++) {
		if (state[i])
			continue;
		KC_GROW(stack, alloc, n + 1);
		stack[n++] = i;
		while (n) {
			size_t top = stack[n - 1];
			if (state[top] == 2) {
				n--;
				continue;
			}
			if (state[top] == 1) {
				n--;
				state[top] = 2;
				d->order[k++] = d->tasks[top];
				continue;
			}
			state[top] = 1;
			prods.n = 0;
			each_edge(d->tasks[top], collect_producer, &prods);
			for (j = prods.n; j-- > 0;)
				if (!state[prods.v[j]->index]) {
					KC_GROW(stack, alloc, n + 1);
					stack[n++] = prods.v[j]->index;
				}
		}
	}
	free(prods.v);
	free(stack);
	free(state);
}

struct in_edges {
	struct dag_edge *v;
	size_t n, alloc;
};

/*
 * One edge per producer, in the order each_edge first meets it; a data
 * edge wins over "after", and a later data edge's label and via win over
 * an earlier one's (as a strict graph that updates its edge would).
 */
static void collect_in_edge(void *ctx, const struct task *from, const struct task *to,
			    const char *label, const char *via)
{
	struct in_edges *x = ctx;
	size_t i;

	(void)to;
	for (i = 0; i < x->n; i++)
		if (x->v[i].from == from)
			break;
	if (i == x->n) {
		KC_GROW(x->v, x->alloc, x->n + 1);
		x->v[x->n].from = from;
		x->v[x->n].label = label;
		x->v[x->n].via = via;
		x->n++;
		return;
	}
	if (!strcmp(label, "after"))
		return;
	x->v[i].label = label;
	if (*via)
		x->v[i].via = via;
}

static int cmp_edge_from(const void *x, const void *y)
{
	const struct dag_edge *a = x, *b = y;

	return path_cmp(a->from->path, b->from->path);
}

size_t dag_in_edges(const struct dag *d, const struct task *t, struct dag_edge **out)
{
	struct in_edges x = { NULL, 0, 0 };

	(void)d;
	each_edge(t, collect_in_edge, &x);
	/* One edge per producer, so the order by path is total. */
	if (x.n > 1)
		qsort(x.v, x.n, sizeof(*x.v), cmp_edge_from);
	*out = x.v;
	return x.n;
}

size_t task_producers(const struct dag *d, const struct task *t,
		      struct task ***out, bool **is_artifact)
{
	struct dag_edge *e;
	size_t n = dag_in_edges(d, t, &e), i;

	*out = arena_array((struct arena *)&d->arena, n, sizeof(**out));
	*is_artifact = arena_array((struct arena *)&d->arena, n, sizeof(**is_artifact));
	for (i = 0; i < n; i++) {
		(*out)[i] = (struct task *)e[i].from;
		(*is_artifact)[i] = !strcmp(e[i].label, "artifact");
	}
	free(e);
	return n;
}

/* ---- entry points ---- */

bool dag_options_equal(const struct dag_options *a, const struct dag_options *b)
{
	return a->params == b->params && a->params_source == b->params_source &&
	       a->cli_params == b->cli_params && a->pins == b->pins &&
	       a->max_tasks == b->max_tasks && a->no_workspace == b->no_workspace &&
	       a->oneof_artifact_last == b->oneof_artifact_last;
}

int dag_build(struct dag **out, const struct spec *s, const struct dag_options *opt)
{
	struct builder b;
	struct dag *d = xcalloc(1, sizeof(*d));
	const struct node *platform_execs;
	size_t i;
	int ret = -1;

	arena_init(&d->arena);
	strmap_init(&d->by_path);
	d->spec = s;
	memset(&b, 0, sizeof(b));
	b.d = d;
	b.s = s;
	b.opt = opt;
	b.max_tasks = opt->max_tasks ? opt->max_tasks : DAG_MAX_TASKS_DEFAULT;
	strmap_init(&b.state);
	d->pipeline_name = node_path(s->pipeline, "pipelineInfo", "name", NULL)->str;
	b.components = node_get(s->pipeline, "components");
	b.executors = node_path(s->pipeline, "deploymentSpec", "executors", NULL);
	platform_execs = node_path(s->platform, "deploymentSpec", "executors", NULL);
	b.k8s_executors = platform_execs;

	d->root = inst_new(&b, NULL, node_get(s->pipeline, "root"), "", -1);
	if (root_inputs(&b, d->root) < 0 || instantiate(&b, d->root) < 0)
		goto done;

	d->tasks = arena_array(&d->arena, b.nall, sizeof(*d->tasks));
	if (b.nall)
		memcpy(d->tasks, b.all, b.nall * sizeof(*d->tasks));
	else
		warn(&b, "%s: no tasks: the root DAG is empty, so a run does nothing", s->name);
	d->ntasks = b.nall;
	qsort(d->tasks, d->ntasks, sizeof(*d->tasks), cmp_task_path);
	for (i = 0; i < d->ntasks; i++) {
		d->tasks[i]->index = i;
		if (strmap_put(&d->by_path, d->tasks[i]->path, d->tasks[i])) {
			err_set("%s: two tasks share the path '%s'", s->name, d->tasks[i]->path);
			goto done;
		}
	}
	for (i = 0; i < d->ntasks; i++) {
		struct task *t = d->tasks[i];
		/* A loop whose driver fails has no iterations to speak of. */
		if (t->kind == TASK_DAG && t->loop_expanded == false && t->iters && !t->fail_detail)
			warn(&b, "%s: loop items are known only at run time; its tasks are shown once for all iterations",
			     t->path);
	}
	topo_order(d);
	ret = 0;
done:
	free(b.all);
	strmap_release(&b.state);
	if (ret < 0) {
		dag_free(d);
		return -1;
	}
	*out = d;
	return 0;
}

void dag_free(struct dag *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->ninsts; i++) {
		strmap_release(&d->insts[i]->by_key);
		strmap_release(&d->insts[i]->inputs);
		strmap_release(&d->insts[i]->items_inputs);
	}
	free(d->insts);
	strmap_release(&d->by_path);
	arena_release(&d->arena);
	free(d);
}

struct task *dag_find_task(const struct dag *d, const char *path)
{
	return strmap_get(&d->by_path, path);
}
