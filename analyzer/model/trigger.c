/*
 * trigger.c - which tasks trigger.  A task's condition is evaluated by its
 * own driver on its resolved inputs (container.go:88-95 for an executor,
 * dag.go:84-91 for a group; expression.go:134-162); a false group is
 * skipped whole (`when: <condition> != false`, argocompiler/dag.go:277-280),
 * and a task whose dependentTasks did not succeed is not started (enhanced
 * depends with .Succeeded, argocompiler/dag.go:708-725), except exit-handler
 * tasks (strategy ALL_UPSTREAM_TASKS_COMPLETED, argocompiler/dag.go:267-270).
 * A driver that fails (kfp-cache-semantics.md §10, dag.h fail_detail) runs
 * nothing inside it and nothing after it; what is not ordered before it
 * may not start (see find_races).
 */
#include "model/trigger.h"

#include <stdlib.h>
#include <string.h>

#include "model/canon.h"
#include "model/order.h"
#include "base/banned.h"

bool trigger_runs(const struct trigger_state *st)
{
	return st->v == TRIGGER_YES || st->v == TRIGGER_MAYBE;
}

bool trigger_fails_here(const struct trigger_state *trig, const struct task *t)
{
	return trig[t->index].v == TRIGGER_FAIL && trig[t->index].cause == t;
}

/* Is t strictly inside the DAG task g? */
static bool is_inside(const struct task *t, const struct task *g)
{
	for (t = t->parent; t; t = t->parent)
		if (t == g)
			return true;
	return false;
}

static bool is_exit_task(const struct task *t)
{
	const char *s = node_str(node_path(t->spec, "triggerPolicy", "strategy", NULL));

	return s && !strcmp(s, "ALL_UPSTREAM_TASKS_COMPLETED");
}

static const struct task_input *param_input(const struct task *t, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < t->ninputs; i++)
		if (!t->inputs[i].artifact && strlen(t->inputs[i].name) == len &&
		    !memcmp(t->inputs[i].name, name, len))
			return &t->inputs[i];
	return NULL;
}

/*
 * The driver hands the condition inputs.parameter_values as protobuf
 * Values: numbers are doubles, a null optional input is dropped
 * (resolve.go:333-347), so reading it is CEL's "no such key".
 */
struct lookup_ctx {
	const struct task *t;
	const struct trigger_values *tv;
};

static int lookup(void *ctx, const char *name, size_t len, struct cel_value *out)
{
	const struct lookup_ctx *lc = ctx;
	const struct task_input *in = param_input(lc->t, name, len);
	const struct node *v = NULL;

	memset(out, 0, sizeof(*out));
	if (!in || in->val.kind == RV_ABSENT)
		return CEL_ABSENT;
	if (in->val.kind == RV_STATIC)
		v = in->val.value;
	else if (lc->tv)
		v = lc->tv->value(lc->tv->ctx, in);
	if (!v) {
		out->kind = CEL_VAL_UNKNOWN;
		return 0;
	}
	switch (v->type) {
	case NODE_NULL: out->kind = CEL_VAL_NULL; break;
	case NODE_BOOL: out->kind = CEL_VAL_BOOL; out->b = v->boolean; break;
	case NODE_NUMBER: out->kind = CEL_VAL_DOUBLE; out->d = v->number; break;
	case NODE_STRING: out->kind = CEL_VAL_STRING; out->s = v->str; out->len = v->len; break;
	case NODE_LIST: out->kind = CEL_VAL_LIST; break;
	case NODE_MAP: out->kind = CEL_VAL_MAP; break;
	}
	return 0;
}

static void own_condition(const struct task *t, struct trigger_state *st,
			  const struct trigger_values *tv)
{
	const char *c = task_condition(t);
	struct lookup_ctx lc = { t, tv };

	memset(&st->err, 0, sizeof(st->err));
	st->own = c ? cel_eval(c, strlen(c), lookup, &lc, &st->err) : CEL_TRUE;
}

/* Combine what decides t: the worst of its own condition, its group, its dependencies. */
static void combine(struct trigger_state *st, enum trigger v,
		    const struct task *cause, int distance)
{
	if (v > st->v || (v == st->v && v != TRIGGER_YES && distance < st->distance)) {
		st->v = v;
		st->cause = cause;
		st->distance = distance;
	}
}

struct eval {
	const struct dag *d;
	struct trigger_state *out;
	unsigned char *done;
	struct arena *arena;
	const struct trigger_values *tv;    /* values beyond the spec, or NULL */
};

static const struct trigger_state *state_of(struct eval *e, const struct task *t);

/*
 * An exit-handler task runs as the exit hook of the group it depends on
 * (argocompiler/dag.go:62-110, addExitTask at :209): the hook sits on the
 * group's DAG task, which Argo omits when the group's driver fails or the
 * group never starts, so its hook never runs.  A failure inside the group
 * fails the group, and the hook runs.
 */
static void exit_dependency(struct trigger_state *up, const struct trigger_state *ds,
			    const struct task *group)
{
	if (ds->v == TRIGGER_FAIL && !is_inside(ds->cause, group))
		combine(up, TRIGGER_FAIL, ds->cause, ds->distance + 1);
}

/* What t inherits: its group's state and its dependencies' (exit tasks: see above). */
static void inherit(struct eval *e, const struct task *t, struct trigger_state *up)
{
	size_t k;

	memset(up, 0, sizeof(*up));
	up->v = TRIGGER_YES;
	up->distance = -1;
	if (t->parent) {
		const struct trigger_state *ps = state_of(e, t->parent);
		if (ps->v != TRIGGER_YES)
			combine(up, ps->v, ps->cause, ps->distance + 1);
	}
	for (k = 0; k < t->ndeps; k++) {
		const struct task *p = strmap_get(&t->scope->by_key, t->deps[k]);
		const struct trigger_state *ds;
		if (!p)
			continue;
		ds = state_of(e, p);
		if (is_exit_task(t))
			exit_dependency(up, ds, p);
		else if (ds->v != TRIGGER_YES)
			/* A dependency that may not run makes this one conditional too. */
			combine(up, ds->v, ds->cause, ds->distance + 1);
	}
}

/*
 * A dsl.OneOf input of t none of whose branches can trigger: KFP's driver
 * of t finds no selector whose branch completed and fails ("processing
 * OneOf: No successful task found", resolve.go:1082-1088 for artifacts,
 * :1110-1146 for parameters).  Before 2.17 an artifact OneOf reads the
 * last selector only (2.16.0 resolve.go:1037-1041): dag.c keeps just that
 * one.  A branch that may trigger, or whose own driver fails (the run
 * fails there first), is no finding here.
 */
static const struct task_input *oneof_none(struct eval *e, const struct task *t)
{
	size_t i, k;

	for (i = 0; i < t->ninputs; i++) {
		const struct rval *v = &t->inputs[i].val;
		bool none = v->kind == RV_OUTPUT && v->nalts > 0;
		for (k = 0; none && k < v->nalts; k++) {
			const struct trigger_state *bs = state_of(e, v->alts[k].branch);
			none = !trigger_runs(bs) && bs->v != TRIGGER_FAIL;
		}
		if (none)
			return &t->inputs[i];
	}
	return NULL;
}

static void set_oneof_failure(struct eval *e, struct trigger_state *st,
			      const struct task_input *in)
{
	struct strbuf names = STRBUF_INIT;
	size_t k;

	for (k = 0; k < in->val.nalts; k++)
		sb_addf(&names, "%s%s", k ? ", " : "", in->val.alts[k].branch->path);
	st->fail_detail = arena_printf(e->arena, "oneof_none:%s", in->name);
	st->fail_message = arena_printf(e->arena, "input '%s' is a dsl.OneOf and none of its "
					"branches (%s) triggers: \"processing OneOf: No successful "
					"task found\" (resolve.go:1082-1088)", in->name, sb_str(&names));
	sb_release(&names);
}

static void decide(struct eval *e, const struct task *t)
{
	struct trigger_state *st = &e->out[t->index];
	struct trigger_state up;
	const struct task_input *none;

	st->v = TRIGGER_YES;
	st->cause = NULL;
	st->distance = -1;
	st->fail_maybe = false;
	st->fail_detail = st->fail_message = NULL;
	st->race = NULL;
	own_condition(t, st, e->tv);
	inherit(e, t, &up);
	/* Its driver starts only if everything above and before it lets it. */
	if (trigger_runs(&up)) {
		if (t->fail_detail) {
			st->fail_detail = t->fail_detail;
			st->fail_message = t->fail_message;
		} else if ((none = oneof_none(e, t))) {
			set_oneof_failure(e, st, none);
		}
		if (st->fail_detail) {
			combine(st, TRIGGER_FAIL, t, 0);
			st->fail_maybe = up.v == TRIGGER_MAYBE;
			return;
		}
	}
	if (st->own == CEL_FALSE)
		combine(st, TRIGGER_NO, t, 0);
	else if (st->own == CEL_ERROR)
		combine(st, TRIGGER_ERROR, t, 0);
	else if (st->own == CEL_UNKNOWN)
		combine(st, TRIGGER_MAYBE, t, 0);
	if (up.v != TRIGGER_YES)
		combine(st, up.v, up.cause, up.distance);
}

/*
 * Memoised: the group before its tasks, dependencies before dependents.
 * The recursion follows nesting and chains of sibling dependencies, both
 * of which dag_build refuses beyond DAG_MAX_DEPTH (1000) levels, so it
 * stays shallow (checked with a chain met from its far end).
 */
static const struct trigger_state *state_of(struct eval *e, const struct task *t)
{
	if (!e->done[t->index]) {
		e->done[t->index] = 1;
		decide(e, t);
	}
	return &e->out[t->index];
}

/* ---- what a failing driver races (kfp-cache-semantics.md §10) ---- */

/* The most failures whose races are worked out; beyond, what runs may not start. */
#define RACE_MAX_FAILURES 256

static bool depends_on(const struct task *t, const struct task *p)
{
	size_t k;

	for (k = 0; k < t->ndeps; k++)
		if (strmap_get(&t->scope->by_key, t->deps[k]) == p)
			return true;
	return false;
}

/*
 * Whether t is ordered before the failure of f, or is the exit hook of a
 * group f fails: at the lowest DAG holding both, t's ancestor is one that
 * f's ancestor waits for, or an exit task of f's ancestor.  Iterations of
 * one loop are not ordered here (a parallelism: 1 loop runs them in
 * order, but stops at the failed one).
 */
static bool ordered_before(const struct task *t, const struct task *f, const size_t *mark,
			   size_t stamp)
{
	const struct task *tx, *fx;

	if (!run_order_meet(t, f, &tx, &fx))
		return false;
	return tx != fx && (mark[tx->index] == stamp || (is_exit_task(tx) && depends_on(tx, fx)));
}

/*
 * A failed driver fails its DAG, and each DAG above it; Argo then starts no
 * new task there (no failFast is set, argocompiler sets none: the DAG
 * default), while tasks already started finish.  Every task of a KFP run
 * is a driver then an executor (argocompiler/dag.go:250-336), so even a
 * task that starts with the failing one may not reach its executor: what
 * is not ordered before a failure races it.
 */
static void find_races(const struct dag *d, struct trigger_state *out)
{
	size_t *mark = xcalloc(d->ntasks ? d->ntasks : 1, sizeof(*mark));
	size_t i, j, nf = 0;

	for (i = 0; i < d->ntasks; i++) {
		const struct task *f = d->tasks[i], *a;
		bool all;
		if (!trigger_fails_here(out, f))
			continue;
		all = ++nf > RACE_MAX_FAILURES;
		for (a = f; a && !all; a = a->parent)
			run_order_mark_waited(a, mark, nf);
		for (j = 0; j < d->ntasks; j++) {
			struct trigger_state *st = &out[j];
			/* A group holding the failure has started: it fails with it. */
			if (trigger_runs(st) && !st->race && !is_inside(f, d->tasks[j]) &&
			    (all || !ordered_before(d->tasks[j], f, mark, nf)))
				st->race = f;
		}
		if (all)
			break;
	}
	free(mark);
}

void trigger_eval(const struct dag *d, struct trigger_state *out, struct arena *a)
{
	trigger_eval_with(d, out, a, NULL);
}

void trigger_eval_with(const struct dag *d, struct trigger_state *out, struct arena *a,
		       const struct trigger_values *tv)
{
	struct eval e = { d, out, xcalloc(d->ntasks ? d->ntasks : 1, 1), a, tv };
	size_t i;

	for (i = 0; i < d->ntasks; i++)
		state_of(&e, d->order[i]);
	free(e.done);
	find_races(d, out);
}

struct inputs_ctx {
	const struct task *t;
	const struct trigger_values *tv;
	trigger_input_fn *each;
	void *ctx;
};

static void one_input(void *ctx, const char *name, size_t len)
{
	struct inputs_ctx *c = ctx;
	const struct task_input *in = param_input(c->t, name, len);
	struct strbuf sb = STRBUF_INIT;
	char *key = xstrndup(name, len);
	const struct node *v = !in ? NULL : in->val.kind == RV_STATIC ? in->val.value
				  : c->tv && in->val.kind != RV_ABSENT ? c->tv->value(c->tv->ctx, in) : NULL;

	if (!in || in->val.kind == RV_ABSENT)
		c->each(c->ctx, key, "absent");
	else if (!v || canon_json(&sb, v) < 0)
		c->each(c->ctx, key, "unknown");
	else
		c->each(c->ctx, key, sb_str(&sb));
	sb_release(&sb);
	free(key);
}

void trigger_inputs(const struct task *t, trigger_input_fn *each, void *ctx)
{
	trigger_inputs_with(t, NULL, each, ctx);
}

void trigger_inputs_with(const struct task *t, const struct trigger_values *tv,
			 trigger_input_fn *each, void *ctx)
{
	const char *c = task_condition(t);
	struct inputs_ctx ic = { t, tv, each, ctx };

	if (c)
		(void)cel_inputs(c, strlen(c), one_input, &ic, NULL);
}
