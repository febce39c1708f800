/*
 * result.c - the typed prediction read once: decision names, the reason
 * name table that gives every report its CSV/JSON tokens, and the one
 * tally of root causes.  Between predict (which decides) and the reports
 * (which format).
 */
#include "model/result.h"

#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

const enum decision decision_order[DECISION_ORDER_N] = {
	DECISION_HIT, DECISION_MISS, DECISION_MISS_UPSTREAM,
	DECISION_DISABLED, DECISION_UNKNOWN, DECISION_NOT_RUN
};

const char *decision_name(enum decision d)
{
	switch (d) {
	case DECISION_NONE: return "";
	case DECISION_HIT: return "HIT";
	case DECISION_MISS: return "MISS";
	case DECISION_MISS_UPSTREAM: return "MISS_UPSTREAM";
	case DECISION_DISABLED: return "DISABLED";
	case DECISION_UNKNOWN: return "UNKNOWN";
	case DECISION_NOT_RUN: return "NOT_RUN";
	}
	return "";
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

/* The vocabulary of the CSV `reason` column (README "Decisions and reasons"). */
static const char *const reason_names[] = {
	[REASON_COLD_CACHE] = "cold_cache",
	[REASON_PIPELINE_NAME] = "pipeline_name",
	[REASON_NAMESPACE] = "namespace",
	[REASON_NEW_TASK] = "new_task",
	[REASON_CHANGED] = NULL,              /* the part's name alone */
	[REASON_RUN_UNIQUE] = "run_unique",
	[REASON_UPSTREAM_ARTIFACT] = "upstream_artifact",
	[REASON_UPSTREAM_VALUE] = "upstream_value",
	[REASON_UNRESOLVED_PARAM] = "unresolved_param",
	[REASON_RUN_NAME] = "run_name",
	[REASON_LAYER] = NULL,                /* the layer's name alone */
	[REASON_CONDITION] = "condition",
	[REASON_CONDITION_ERROR] = "condition_error",
	[REASON_NEVER_CACHED] = "never_cached",
	[REASON_DRIVER_ERROR] = "driver_error",
	[REASON_ONEOF_BRANCH] = "oneof_branch",
	[REASON_SAME_RUN] = "same_run",
	[REASON_SAME_RUN_RACE] = "same_run_race",
};

void reason_token(struct strbuf *sb, const struct reason *r)
{
	const char *name = (size_t)r->kind < KC_ARRAY_SIZE(reason_names) ? reason_names[r->kind] : NULL;

	if (name && r->detail)
		sb_addf(sb, "%s:%s", name, r->detail);
	else
		sb_adds(sb, name ? name : r->detail ? r->detail : "");
}

void result_reason_list(struct strbuf *sb, const struct task_result *r)
{
	struct strbuf tok = STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->nreasons; i++) {
		sb_reset(&tok);
		reason_token(&tok, &r->reasons[i]);
		list_add(sb, sb_str(&tok));
	}
	sb_release(&tok);
}

void result_cause_list(struct strbuf *sb, const struct task_result *r)
{
	size_t i;

	for (i = 0; i < r->ncauses; i++)
		list_add(sb, r->causes[i]->path);
}

const char *result_reasons_str(struct strbuf *sb, const struct task_result *r)
{
	sb_reset(sb);
	result_reason_list(sb, r);
	return sb_str(sb);
}

const char *result_causes_str(struct strbuf *sb, const struct task_result *r)
{
	sb_reset(sb);
	result_cause_list(sb, r);
	return sb_str(sb);
}

static const struct keypart *find_part(const struct keypart *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

const struct keypart *result_part(const struct task_result *r, const char *name)
{
	return find_part(r->parts, r->nparts, name);
}

const struct keypart *result_prev_part(const struct task_result *r, const char *name)
{
	return find_part(r->prev, r->nprev, name);
}

enum part_status result_part_status(const struct task_result *r, const struct keypart *p)
{
	const struct keypart *b;

	if (!r->prev)
		return PART_NO_BASELINE;
	if (!(b = result_prev_part(r, p->name)))
		return PART_NEW;
	return strcmp(b->digest, p->digest) ? PART_CHANGED : PART_SAME;
}

const char *part_status_name(enum part_status s)
{
	static const char *const names[] = {
		[PART_NO_BASELINE] = NULL, [PART_NEW] = "new", [PART_SAME] = "same",
		[PART_CHANGED] = "changed", [PART_REMOVED] = "removed"
	};
	return names[s];
}

const struct keypart *result_removed_part(const struct task_result *r, size_t i)
{
	size_t j;

	for (j = 0; j < r->nprev; j++)
		if (!result_part(r, r->prev[j].name) && !i--)
			return &r->prev[j];
	return NULL;
}

bool result_has_reason(const struct task_result *r, enum reason_kind kind)
{
	size_t i;

	for (i = 0; i < r->nreasons; i++)
		if (r->reasons[i].kind == kind)
			return true;
	return false;
}

const struct task_result *result_cause(const struct prediction *pr,
				       const struct task_result *r, size_t i)
{
	return &pr->results[r->causes[i]->index];
}

bool result_hits_earlier_run(const struct task_result *r)
{
	return r->decision == DECISION_HIT && !result_has_reason(r, REASON_SAME_RUN);
}

const struct task_result *result_source(const struct task_result *results,
					const struct task_result *r)
{
	/* Each step goes to a task decided before: the chain ends. */
	while (r->decision == DECISION_HIT && r->ncauses && result_has_reason(r, REASON_SAME_RUN))
		r = &results[r->causes[0]->index];
	return r;
}

static int cmp_count(const void *x, const void *y)
{
	const struct cause_count *a = x, *b = y;

	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return path_cmp(a->task->path, b->task->path);
}

size_t causes_tally(struct cause_count **out, const struct prediction *pr,
		    bool only_invalidating)
{
	size_t *count = xcalloc(pr->n ? pr->n : 1, sizeof(*count));
	size_t i, k, n = 0;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		/* What runs or may run: a task that does not run costs nothing. */
		if (r->decision == DECISION_NONE || r->decision == DECISION_HIT ||
		    r->decision == DECISION_NOT_RUN || (only_invalidating && !r->invalidates))
			continue;
		for (k = 0; k < r->ncauses; k++)
			n += !count[r->causes[k]->index]++;
	}
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (i = 0, k = 0; i < pr->n; i++)
		if (count[i]) {
			(*out)[k].task = pr->results[i].task;
			(*out)[k].n = count[i];
			k++;
		}
	if (n > 1)
		qsort(*out, n, sizeof(**out), cmp_count);
	free(count);
	return n;
}
