/*
 * compare.c - the policy matrix: each version's predictions under every
 * policy, folded into one row per executor task.  After predict in the
 * flow; the decisions themselves come from predict.c.
 */
#include "model/compare.h"

#include <stdlib.h>
#include <string.h>

#include "model/cost.h"
#include "base/banned.h"

void compare_init(struct compare *c, const char *what, const char *const *policies,
		  size_t npolicies, bool history)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	arena_init(&c->arena);
	c->what = arena_strdup(&c->arena, what);
	c->history = history;
	c->npolicies = npolicies;
	c->policies = arena_array(&c->arena, npolicies ? npolicies : 1, sizeof(*c->policies));
	for (i = 0; i < npolicies; i++)
		c->policies[i] = arena_strdup(&c->arena, policies[i]);
}

void compare_release(struct compare *c)
{
	size_t i;

	for (i = 0; i < c->nblocks; i++)
		free(c->blocks[i].tasks);
	free(c->blocks);
	arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}

struct compare_block *compare_block(struct compare *c, size_t index, const char *label,
				    const char *subject)
{
	struct compare_block *b;

	while (c->nblocks <= index) {
		KC_GROW(c->blocks, c->alloc, c->nblocks + 1);
		b = &c->blocks[c->nblocks++];
		memset(b, 0, sizeof(*b));
		b->label = "";
		b->subject = "";
		b->per_policy = arena_array(&c->arena, c->npolicies, sizeof(*b->per_policy));
	}
	b = &c->blocks[index];
	if (!*b->label && label)
		b->label = arena_strdup(&c->arena, label);
	if (!*b->subject && subject)
		b->subject = arena_strdup(&c->arena, subject);
	return b;
}

static struct compare_task *task_row(struct compare *c, struct compare_block *b, const char *path)
{
	struct compare_task *t;
	size_t i;

	/* Versions hold tens of tasks: a scan is fine and keeps insertion order. */
	for (i = 0; i < b->ntasks; i++)
		if (!strcmp(b->tasks[i].path, path))
			return &b->tasks[i];
	KC_GROW(b->tasks, b->alloc, b->ntasks + 1);
	t = &b->tasks[b->ntasks++];
	t->path = arena_strdup(&c->arena, path);
	t->cells = arena_array(&c->arena, c->npolicies, sizeof(*t->cells));
	t->differs = false;
	for (i = 0; i < c->npolicies; i++) {
		t->cells[i].reason = "";
		t->cells[i].layer = "";
	}
	return t;
}

void compare_fill(struct compare *c, struct compare_block *b, size_t pol,
		  const struct prediction *pr)
{
	struct compare_counts *k = &b->per_policy[pol];
	struct cost cost;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	memcpy(k->counts, pr->counts, sizeof(k->counts));
	k->executors = pr->executors;
	cost_compute(&cost, pr, NULL);
	k->gpu_miss = cost.gpu_miss;
	k->gpu_runs = cost.gpu_runs;
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		struct compare_task *t;
		if (!task_is_executor(r->task))
			continue;
		t = task_row(c, b, r->task->path);
		t->cells[pol].decision = r->decision;
		/* A formatted list cell: the matrix outlives the prediction. */
		t->cells[pol].reason = arena_strdup(&c->arena, result_reasons_str(&sb, r));
		t->cells[pol].layer = r->has_policy ? layer_name(r->pol.layer) : "";
	}
	sb_release(&sb);
}

static int cmp_task(const void *x, const void *y)
{
	const struct compare_task *a = x, *b = y;

	if (a->differs != b->differs)
		return a->differs ? -1 : 1;
	return path_cmp(a->path, b->path);
}

void compare_finish(struct compare *c)
{
	size_t i, k, p;

	for (i = 0; i < c->nblocks; i++) {
		struct compare_block *b = &c->blocks[i];
		b->ndiffer = 0;
		for (k = 0; k < b->ntasks; k++) {
			struct compare_task *t = &b->tasks[k];
			t->differs = false;
			for (p = 1; p < c->npolicies; p++)
				t->differs = t->differs || t->cells[p].decision != t->cells[0].decision;
			b->ndiffer += t->differs;
		}
		if (b->ntasks > 1)
			qsort(b->tasks, b->ntasks, sizeof(*b->tasks), cmp_task);
	}
}
