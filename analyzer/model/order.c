/*
 * order.c - the order KFP guarantees between the tasks of one run
 * (kfp-cache-semantics.md §9).  The argocompiler gives each task's driver
 * `depends` on its dependentTasks, at the level of the DAG that holds it
 * (argocompiler/dag.go:268-270 for a group, :315-317 for a container task,
 * :396 for a loop); a dependency on a group waits for the group's DAG,
 * that is for every task inside it; an exit-handler task is the exit hook
 * of the group it depends on (:62-110), so it runs after the whole group;
 * a loop with iteratorPolicy.parallelismLimit sets Argo's `parallelism`
 * on its iteration DAG (:382-385), so with 1 the iterations run one after
 * the other, in item order.  The SDK compiles every data edge into
 * dependentTasks too; KFP orders by dependentTasks alone.
 */
#include "model/order.h"

#include <stdlib.h>
#include <string.h>

#include "model/canon.h"
#include "base/banned.h"

long run_order_parallelism(const struct task *t)
{
	const struct node *n = node_path(t->spec, "iteratorPolicy", "parallelismLimit", NULL);

	return n && n->type == NODE_NUMBER && n->number > 0 ? (long)n->number : 0;
}

/* Iterations of loop t run one at a time. */
static bool is_sequential(const struct task *t)
{
	return t->niters && run_order_parallelism(t) == 1;
}

/* ---- the evaluation order: an iterative depth-first walk ---- */

/*
 * Two nodes per task: its end (index: the task has finished) and its start
 * (ntasks + index: its driver may start).  A start waits for the parent's
 * start, the ends of the siblings it depends on and, in a sequential loop,
 * the end of the previous iteration; an end waits for its own start, the
 * ends of its producers and, for a group, the ends of the tasks inside.
 */
struct walk {
	const struct dag *d;
	size_t *stack, n, alloc;
	unsigned char *state;
	size_t k;
	bool cyclic;
};

static void push(struct walk *w, size_t node)
{
	if (w->state[node] == 2)
		return;
	if (w->state[node] == 1) {
		w->cyclic = true;
		return;
	}
	KC_GROW(w->stack, w->alloc, w->n + 1);
	w->stack[w->n++] = node;
}

static void push_end(struct walk *w, const struct task *t)
{
	push(w, t->index);
}

static void push_inst_ends(struct walk *w, const struct dag_inst *inst)
{
	size_t i;

	for (i = 0; inst && i < inst->ntasks; i++)
		push_end(w, inst->tasks[i]);
}

static void push_rval(struct walk *w, const struct rval *v)
{
	size_t i;

	for (i = 0; v->kind == RV_OUTPUT && i < v->nrefs; i++)
		push_end(w, v->refs[i].producer);
}

static void push_start_preds(struct walk *w, const struct task *t)
{
	const struct task *loop = t->parent;
	size_t k;

	if (t->parent)
		push(w, w->d->ntasks + t->parent->index);
	for (k = 0; k < t->ndeps; k++) {
		const struct task *p = strmap_get(&t->scope->by_key, t->deps[k]);
		if (p)
			push_end(w, p);
	}
	if (loop && is_sequential(loop) && t->scope->iteration > 0)
		push_inst_ends(w, loop->iters[t->scope->iteration - 1]);
}

static void push_end_preds(struct walk *w, const struct task *t)
{
	size_t k;

	push(w, w->d->ntasks + t->index);
	for (k = 0; k < t->ninputs; k++)
		push_rval(w, &t->inputs[k].val);
	for (k = 0; k < t->npvc_vals; k++)
		push_rval(w, &t->pvc_vals[k]);
	push_inst_ends(w, t->body);
	for (k = 0; k < t->niters; k++)
		push_inst_ends(w, t->iters[k]);
}

static void walk_from(struct walk *w, const struct task **out, size_t root)
{
	size_t ntasks = w->d->ntasks;

	push(w, root);
	while (w->n) {
		size_t top = w->stack[w->n - 1];
		const struct task *t = w->d->tasks[top % ntasks];
		if (w->state[top] == 2) {
			w->n--;
			continue;
		}
		if (w->state[top] == 1) {
			w->n--;
			w->state[top] = 2;
			if (top < ntasks)
				out[w->k++] = t;
			continue;
		}
		w->state[top] = 1;
		if (top < ntasks)
			push_end_preds(w, t);
		else
			push_start_preds(w, t);
	}
}

void run_order_init(struct run_order *o, const struct dag *d)
{
	struct walk w;
	size_t i, n = d->ntasks ? d->ntasks : 1;

	memset(o, 0, sizeof(*o));
	memset(&w, 0, sizeof(w));
	o->d = d;
	o->tasks = xcalloc(n, sizeof(*o->tasks));
	o->mark = xcalloc(n, sizeof(*o->mark));
	w.d = d;
	w.state = xcalloc(2 * n, 1);
	/* Follow d->order, so ties keep the producers-first order of dag.c. */
	for (i = 0; i < d->ntasks && !w.cyclic; i++)
		walk_from(&w, o->tasks, d->order[i]->index);
	if (w.cyclic) {
		/* A dependency cycle through groups: KFP would never start it. */
		memcpy(o->tasks, d->order, d->ntasks * sizeof(*o->tasks));
		o->cyclic = true;
	}
	free(w.stack);
	free(w.state);
}

void run_order_release(struct run_order *o)
{
	free(o->tasks);
	free(o->mark);
	memset(o, 0, sizeof(*o));
}

/* ---- the relation ---- */

void run_order_mark_waited(const struct task *t, size_t *mark, size_t stamp)
{
	const struct task **stack = NULL;
	size_t n = 0, alloc = 0, k;

	KC_GROW(stack, alloc, n + 1);
	stack[n++] = t;
	while (n) {
		t = stack[--n];
		for (k = 0; k < t->ndeps; k++) {
			const struct task *p = strmap_get(&t->scope->by_key, t->deps[k]);
			if (!p || mark[p->index] == stamp)
				continue;
			mark[p->index] = stamp;
			KC_GROW(stack, alloc, n + 1);
			stack[n++] = p;
		}
	}
	free(stack);
}

bool run_order_meet(const struct task *a, const struct task *b, const struct task **ax,
		    const struct task **bx)
{
	const struct task *x, *y;

	for (x = a; x; x = x->parent)
		for (y = b; y; y = y->parent)
			if (x->scope == y->scope) {
				*ax = x;
				*bx = y;
				return true;
			}
	return false;
}

/* The iteration of loop `loop` that t is inside. */
static int iteration_of(const struct task *t, const struct task *loop)
{
	while (t && t->parent != loop)
		t = t->parent;
	return t ? t->scope->iteration : -1;
}

bool run_order_before(struct run_order *o, const struct task *a, const struct task *b)
{
	const struct task *ax, *bx;

	if (a == b || !run_order_meet(a, b, &ax, &bx))
		return false;
	if (ax == bx)   /* two iterations of one loop */
		return is_sequential(ax) && iteration_of(a, ax) < iteration_of(b, ax);
	run_order_mark_waited(bx, o->mark, ++o->stamp);
	return o->mark[ax->index] == o->stamp;
}

/* ---- conditions that exclude each other ---- */

/* What input `name` of t holds, as text two tasks of one run can compare. */
static void input_identity(struct strbuf *sb, const struct task *t, const char *name, size_t len)
{
	const struct rval *v = NULL;
	size_t i;

	for (i = 0; i < t->ninputs && !v; i++)
		if (!t->inputs[i].artifact && strlen(t->inputs[i].name) == len &&
		    !memcmp(t->inputs[i].name, name, len))
			v = &t->inputs[i].val;
	if (!v || v->kind == RV_ABSENT) {
		sb_adds(sb, "{absent}");
		return;
	}
	sb_addf(sb, "{%d:%s:", (int)v->kind, v->what ? v->what : "");
	if (v->kind == RV_STATIC && canon_json(sb, v->value) < 0)
		sb_adds(sb, "?");
	/* One execution of a producer has one value per output in a run. */
	for (i = 0; v->kind == RV_OUTPUT && i < v->nrefs; i++)
		sb_addf(sb, "%s%s/%s", v->xform ? v->xform : "", v->refs[i].producer->path,
			v->refs[i].output);
	sb_addc(sb, '}');
}

/*
 * The condition's top-level `&&` terms, spaces outside literals dropped and
 * each inputs.parameter_values['k'] replaced by what k holds in t, into
 * `terms` as NUL-separated texts.
 */
static void condition_terms(struct strbuf *terms, const struct task *t, const char *c)
{
	static const char ref[] = "inputs.parameter_values[";
	int depth = 0;
	char quote = 0;

	while (*c) {
		if (quote) {
			if (*c == '\\' && c[1])
				sb_addc(terms, *c++);
			else if (*c == quote)
				quote = 0;
			sb_addc(terms, *c++);
		} else if (!strncmp(c, ref, sizeof(ref) - 1) && (c[sizeof(ref) - 1] == '\'' ||
								  c[sizeof(ref) - 1] == '"')) {
			const char *name = c + sizeof(ref), *end = strchr(name, c[sizeof(ref) - 1]);
			if (!end || end[1] != ']') {
				sb_adds(terms, c);
				return;
			}
			input_identity(terms, t, name, (size_t)(end - name));
			c = end + 2;
		} else if (*c == '&' && c[1] == '&' && !depth) {
			sb_addc(terms, '\0');
			c += 2;
		} else {
			if (*c == '\'' || *c == '"')
				quote = *c;
			depth += *c == '(' ? 1 : *c == ')' ? -1 : 0;
			if (*c != ' ' && *c != '\t' && *c != '\n')
				sb_addc(terms, *c);
			c++;
		}
	}
}

/* Is some term of x `!(T)` for a term T of y? */
static bool negates(const struct strbuf *x, const struct strbuf *y)
{
	size_t i, j, n;

	for (i = 0; i < x->len; i += strlen(x->buf + i) + 1) {
		const char *tx = x->buf + i;
		n = strlen(tx);
		if (n < 4 || strncmp(tx, "!(", 2) || tx[n - 1] != ')')
			continue;
		for (j = 0; j < y->len; j += strlen(y->buf + j) + 1)
			if (strlen(y->buf + j) == n - 3 && !memcmp(y->buf + j, tx + 2, n - 3))
				return true;
	}
	return false;
}

static bool conditions_exclude(const struct task *x, const char *cx, const struct task *y,
			       const char *cy)
{
	struct strbuf tx = STRBUF_INIT, ty = STRBUF_INIT;
	bool ex;

	condition_terms(&tx, x, cx);
	condition_terms(&ty, y, cy);
	ex = tx.len && ty.len && (negates(&tx, &ty) || negates(&ty, &tx));
	sb_release(&tx);
	sb_release(&ty);
	return ex;
}

bool run_order_exclusive(const struct task *a, const struct task *b)
{
	const struct task *ax, *bx;

	for (ax = a; ax; ax = ax->parent)
		for (bx = b; bx && task_condition(ax); bx = bx->parent)
			if (ax != bx && task_condition(bx) &&
			    conditions_exclude(ax, task_condition(ax), bx, task_condition(bx)))
				return true;
	return false;
}
