/*
 * trigger.c - which tasks trigger.  A task's condition is evaluated by its
 * own driver on its resolved inputs (container.go:88-95 for an executor,
 * dag.go:84-91 for a group; expression.go:134-162); a false group is
 * skipped whole (`when: <condition> != false`, argocompiler/dag.go:277-280),
 * and a task whose dependentTasks did not succeed is not started (enhanced
 * depends with .Succeeded, argocompiler/dag.go:708-725), except exit-handler
 * tasks (strategy ALL_UPSTREAM_TASKS_COMPLETED, argocompiler/dag.go:267-270).
 */
#include "model/trigger.h"

#include <stdlib.h>
#include <string.h>

#include "model/canon.h"
#include "base/banned.h"

bool trigger_runs(const struct trigger_state *st)
{
	return st->v == TRIGGER_YES || st->v == TRIGGER_MAYBE;
}

const char *trigger_condition(const struct task *t)
{
	const char *c = node_str(node_path(t->spec, "triggerPolicy", "condition", NULL));

	return c && *c ? c : NULL;
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
static int lookup(void *ctx, const char *name, size_t len, struct cel_value *out)
{
	const struct task_input *in = param_input(ctx, name, len);
	const struct node *v;

	memset(out, 0, sizeof(*out));
	if (!in || in->val.kind == RV_ABSENT)
		return CEL_ABSENT;
	if (in->val.kind != RV_STATIC) {
		out->kind = CEL_VAL_UNKNOWN;
		return 0;
	}
	v = in->val.value;
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

static void own_condition(const struct task *t, struct trigger_state *st)
{
	const char *c = trigger_condition(t);

	memset(&st->err, 0, sizeof(st->err));
	st->own = c ? cel_eval(c, strlen(c), lookup, (void *)t, &st->err) : CEL_TRUE;
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

static const struct trigger_state *state_of(const struct dag *d, struct trigger_state *out,
					    unsigned char *done, const struct task *t);

static void decide(const struct dag *d, struct trigger_state *out, unsigned char *done,
		   const struct task *t)
{
	struct trigger_state *st = &out[t->index];
	size_t k;

	st->v = TRIGGER_YES;
	st->cause = NULL;
	st->distance = -1;
	own_condition(t, st);
	if (st->own == CEL_FALSE)
		combine(st, TRIGGER_NO, t, 0);
	else if (st->own == CEL_ERROR)
		combine(st, TRIGGER_ERROR, t, 0);
	else if (st->own == CEL_UNKNOWN)
		combine(st, TRIGGER_MAYBE, t, 0);
	if (t->parent) {
		const struct trigger_state *ps = state_of(d, out, done, t->parent);
		if (ps->v != TRIGGER_YES)
			combine(st, ps->v, ps->cause, ps->distance + 1);
	}
	for (k = 0; k < t->ndeps && !is_exit_task(t); k++) {
		const struct task *p = strmap_get(&t->scope->by_key, t->deps[k]);
		const struct trigger_state *ds;
		if (!p)
			continue;
		ds = state_of(d, out, done, p);
		/* A dependency that may not run makes this one conditional too. */
		if (ds->v != TRIGGER_YES)
			combine(st, ds->v, ds->cause, ds->distance + 1);
	}
}

/*
 * Memoised: the group before its tasks, dependencies before dependents.
 * The recursion follows nesting and chains of sibling dependencies, both
 * of which dag_build refuses beyond DAG_MAX_DEPTH (1000) levels, so it
 * stays shallow (checked with a chain met from its far end).
 */
static const struct trigger_state *state_of(const struct dag *d, struct trigger_state *out,
					    unsigned char *done, const struct task *t)
{
	if (!done[t->index]) {
		done[t->index] = 1;
		decide(d, out, done, t);
	}
	return &out[t->index];
}

void trigger_eval(const struct dag *d, struct trigger_state *out)
{
	unsigned char *done = xcalloc(d->ntasks ? d->ntasks : 1, 1);
	size_t i;

	for (i = 0; i < d->ntasks; i++)
		state_of(d, out, done, d->order[i]);
	free(done);
}

struct inputs_ctx {
	const struct task *t;
	trigger_input_fn *each;
	void *ctx;
};

static void one_input(void *ctx, const char *name, size_t len)
{
	struct inputs_ctx *c = ctx;
	const struct task_input *in = param_input(c->t, name, len);
	struct strbuf sb = STRBUF_INIT;
	char *key = xstrndup(name, len);

	if (!in || in->val.kind == RV_ABSENT)
		c->each(c->ctx, key, "absent");
	else if (in->val.kind != RV_STATIC || canon_json(&sb, in->val.value) < 0)
		c->each(c->ctx, key, "unknown");
	else
		c->each(c->ctx, key, sb_str(&sb));
	sb_release(&sb);
	free(key);
}

void trigger_inputs(const struct task *t, trigger_input_fn *each, void *ctx)
{
	const char *c = trigger_condition(t);
	struct inputs_ctx ic = { t, each, ctx };

	if (c)
		(void)cel_inputs(c, strlen(c), one_input, &ic, NULL);
}
