/*
 * summary.c - the short terminal summary after analyze: counts per decision
 * and the root causes that invalidated most tasks.
 */
#include "reports/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/trigger.h"
#include "reports/change.h"
#include "base/banned.h"

/*
 * The driver failures KFP will hit (kfp-cache-semantics.md §10): the first
 * by path, and how many more.  "may fail" when an undecided condition
 * decides whether the failing driver starts.
 */
static void summary_failures(FILE *fp, const struct prediction *pr)
{
	const struct task *first = NULL;
	size_t i, n = 0;

	for (i = 0; i < pr->n; i++)
		if (trigger_fails_here(pr->triggers, pr->dag->tasks[i]) && !n++)
			first = pr->dag->tasks[i];
	if (!first)
		return;
	fprintf(fp, "run %s fail: %s", pr->triggers[first->index].fail_maybe ? "may" : "will",
		term_text(first->fail_message));
	if (n > 1)
		fprintf(fp, " (and %zu more failing %s)", n - 1, plural(n - 1, "driver", "drivers"));
	fputc('\n', fp);
}

/* Under a root cause: each changed part its reasons name, old -> new (reports/change.h). */
static void summary_values(FILE *fp, const struct task_result *r)
{
	const char *name, *old, *new_;
	size_t i;

	for (i = 0; change_part(r, i, &name, &old, &new_); i++)
		change_print(fp, "      ", 0, name, old, new_, CHANGE_MAX_LINES_SUMMARY, "");
}

/*
 * "preprocess   DISABLED spec: 7 tasks do not hit": the cause's own
 * decision and reason, then how many tasks it keeps from hitting (itself
 * included).  The count is not of the cause's decision: a DISABLED task
 * makes its consumers MISS_UPSTREAM.  A condition group has no decision of
 * its own.
 */
static void summary_cause(FILE *fp, const struct cause_count *c, const struct task_result *r,
			  struct strbuf *sb)
{
	fprintf(fp, "  %-40s ", term_text(c->task->path));
	if (r->decision == DECISION_NONE)
		fputs("condition", fp);
	else
		fprintf(fp, "%s %s", decision_name(r->decision), term_text(result_reasons_str(sb, r)));
	fprintf(fp, ": %zu %s not hit\n", c->n, plural(c->n, "task does", "tasks do"));
	summary_values(fp, r);
}

/* How many tasks have a reason of that kind. */
static size_t count_reason(const struct prediction *pr, enum reason_kind kind)
{
	size_t i, k = 0;

	for (i = 0; i < pr->n; i++)
		k += result_has_reason(&pr->results[i], kind);
	return k;
}

/* Equal keys within the run (kfp-cache-semantics.md §9): hits and races. */
static void summary_same_run(FILE *fp, const struct prediction *pr)
{
	size_t hits = count_reason(pr, REASON_SAME_RUN), races = count_reason(pr, REASON_SAME_RUN_RACE);

	if (hits)
		fprintf(fp, "same run: %zu %s the entry of an earlier task of this run with the same key (same_run)\n",
			hits, plural(hits, "task hits", "tasks hit"));
	if (races)
		fprintf(fp, "same run: %zu %s a key with a task nothing orders %s with: "
			"whichever finishes first may serve the other (same_run_race)\n", races,
			plural(races, "task shares", "tasks share"), plural(races, "it", "them"));
}

/* Names are printed through term_text (util.h): this goes to a terminal. */
void report_summary(FILE *fp, const struct prediction *pr)
{
	struct cause_count *causes;
	struct strbuf sb = STRBUF_INIT;
	size_t ncauses, i, k;

	fprintf(fp, "%s: %zu %s:", term_text(pr->dag->pipeline_name), pr->executors,
		plural(pr->executors, "executor task", "executor tasks"));
	for (i = 0; i < DECISION_ORDER_N; i++)
		fprintf(fp, " %s %zu", decision_name(decision_order[i]), pr->counts[decision_order[i]]);
	fputc('\n', fp);
	summary_failures(fp, pr);
	if (pr->cold)
		fputs("cold cache: every cache-enabled task runs\n", fp);
	if ((k = count_reason(pr, REASON_PIPELINE_NAME)))
		fprintf(fp, "pipeline name '%s' has no cache entries (the baseline ran under another name): %zu %s\n",
			term_text(pr->dag->pipeline_name), k, plural(k, "task misses", "tasks miss"));
	if ((k = count_reason(pr, REASON_NAMESPACE)))
		fprintf(fp, "namespace '%s' has no cache entries of '%s' (the baselines ran in another namespace): %zu %s\n",
			term_text(pr->ns), term_text(pr->dag->pipeline_name), k, plural(k, "task misses", "tasks miss"));
	summary_same_run(fp, pr);
	ncauses = causes_tally(&causes, pr, false);
	for (i = 0, k = 0; i < ncauses && k < 5; i++) {
		const struct task_result *r = &pr->results[causes[i].task->index];
		/* A cold cache or a new scope is its own cause everywhere. */
		if (result_has_reason(r, REASON_COLD_CACHE) || result_has_reason(r, REASON_PIPELINE_NAME) ||
		    result_has_reason(r, REASON_NAMESPACE))
			continue;
		if (!k)
			fputs("top root causes:\n", fp);
		summary_cause(fp, &causes[i], r, &sb);
		k++;
	}
	free(causes);
	sb_release(&sb);
}
