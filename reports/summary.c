/*
 * summary.c - the short terminal summary after analyze: counts per decision,
 * the hit rate, the time that runs and is saved, the tasks that do not hit
 * grouped by decision and reason (as `snakemake -n` groups jobs by
 * reason) with their root causes, and the root causes that invalidated most.
 */
#include "reports/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/trigger.h"
#include "reports/change.h"
#include "reports/style.h"
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
		term_text(pr->triggers[first->index].fail_message));
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
			  struct strbuf *sb, bool color)
{
	fprintf(fp, "  %-40s ", term_text(c->task->path));
	if (r->decision == DECISION_NONE) {
		fputs("condition", fp);
	} else {
		report_term_decision(fp, r->decision, decision_name(r->decision), color);
		fprintf(fp, " %s", term_text(result_reasons_str(sb, r)));
	}
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

/*
 * "hit rate: 18% of the 11 executor tasks that run or hit": HIT over the
 * executor tasks less the NOT_RUN ones, which neither run nor hit (KFP
 * never starts their drivers); rounded down, so 100% means every one hits.
 */
static void summary_hit_rate(FILE *fp, const struct prediction *pr)
{
	size_t hit = pr->counts[DECISION_HIT], not_run = pr->counts[DECISION_NOT_RUN];
	size_t den = pr->executors >= not_run ? pr->executors - not_run : 0;

	if (!den) {
		fputs("hit rate: none of the executor tasks runs\n", fp);
		return;
	}
	if (hit && hit * 100 < den)
		fputs("hit rate: <1%", fp);
	else
		fprintf(fp, "hit rate: %zu%%", hit * 100 / den);
	fprintf(fp, " (HIT %zu of the %zu executor %s that run or hit", hit, den,
		plural(den, "task", "tasks"));
	if (not_run)
		fprintf(fp, "; NOT_RUN %zu not counted", not_run);
	fputs(")\n", fp);
}

/* --durations: the compute time that runs and that the cache saves. */
static void summary_time(FILE *fp, const struct cost *c)
{
	char runs[32], saved[32];
	size_t untimed;

	if (!c || !c->have_durations)
		return;
	report_duration_text(runs, sizeof(runs), c->runs.seconds);
	report_duration_text(saved, sizeof(saved), c->saved.seconds);
	fprintf(fp, "time: %s spent by the tasks that run, %s saved by the tasks that hit", runs, saved);
	untimed = c->runs.tasks - c->runs.timed + c->saved.tasks - c->saved.timed;
	if (untimed)
		fprintf(fp, " (%zu %s no duration)", untimed, plural(untimed, "task has", "tasks have"));
	fputc('\n', fp);
}

/* One task that does not hit, with its reasons as the group key. */
struct nothit {
	const struct task_result *r;
	char *reasons;          /* result_reasons_str, malloc'd */
	size_t order;           /* the decision's place in decision_order */
};
struct nothit_group {
	size_t start, n;        /* its tasks in the sorted array */
	size_t order;
	const char *reasons;
};

static size_t decision_rank(enum decision d)
{
	size_t i;

	for (i = 0; i < DECISION_ORDER_N && decision_order[i] != d; i++)
		;
	return i;
}

static int cmp_nothit(const void *x, const void *y)
{
	const struct nothit *a = x, *b = y;
	int c;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if ((c = strcmp(a->reasons, b->reasons)))
		return c;
	return path_cmp(a->r->task->path, b->r->task->path);
}

/* Groups: in decision order, the largest first, then by reason. */
static int cmp_group(const void *x, const void *y)
{
	const struct nothit_group *a = x, *b = y;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->reasons, b->reasons);
}

/* A task path for the terminal: escaped, shortened in the middle. */
static void short_path(struct strbuf *sb, const char *path)
{
	sb_reset(sb);
	report_short_path(sb, term_text(path), SUMMARY_PATH_WIDTH);
}

/*
 * One task of a group: its path, aligned, then its root cause when that is
 * another task ("<- producer, 2 hops"), and whether it holds only if it
 * triggers.  A task that is its own root cause says nothing more.
 */
static void nothit_line(FILE *fp, const struct task_result *r,
			size_t width, struct strbuf *sb)
{
	bool own = r->ncauses == 1 && r->causes[0] == r->task;
	bool tail = (r->ncauses && !own) || r->conditional;

	short_path(sb, r->task->path);
	fputs("    ", fp);
	if (tail)
		report_term_pad(fp, sb_str(sb), width);
	else
		fputs(sb_str(sb), fp);
	if (r->ncauses && !own) {
		short_path(sb, r->causes[0]->path);
		fprintf(fp, "  <- %s", sb_str(sb));
		if (r->ncauses > 1)
			fprintf(fp, " and %zu more", r->ncauses - 1);
		if (r->distance > 0)
			fprintf(fp, ", %d %s", r->distance, r->distance == 1 ? "hop" : "hops");
	}
	if (r->conditional)
		fputs(r->ncauses && !own ? "; if it triggers" : "  if it triggers", fp);
	fputc('\n', fp);
}

/* The executor tasks that are not HIT, into *out (malloc'd); returns how many. */
static size_t collect_nothit(struct nothit **out, const struct prediction *pr)
{
	struct strbuf sb = STRBUF_INIT;
	struct nothit *v = xcalloc(pr->n ? pr->n : 1, sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		if (r->decision == DECISION_NONE || r->decision == DECISION_HIT)
			continue;
		v[n].r = r;
		v[n].reasons = xstrdup(result_reasons_str(&sb, r));
		v[n].order = decision_rank(r->decision);
		n++;
	}
	sb_release(&sb);
	if (n)
		qsort(v, n, sizeof(*v), cmp_nothit);
	*out = v;
	return n;
}

/*
 * "not hit, by decision and reason": a heading per (decision, reasons)
 * with its count, then its tasks, at most SUMMARY_GROUP_MAX of each
 * (--list prints them all).  One sort: linear after it.
 */
static void summary_groups(FILE *fp, const struct prediction *pr, const struct summary_opts *o)
{
	struct nothit *v;
	struct nothit_group *g;
	struct strbuf sb = STRBUF_INIT;
	size_t n = collect_nothit(&v, pr), ng = 0, i, k, width = 0;

	if (!n) {
		free(v);
		return;
	}
	g = xcalloc(n, sizeof(*g));
	for (i = 0; i < n; i++) {
		if (i && v[i].order == v[i - 1].order && !strcmp(v[i].reasons, v[i - 1].reasons)) {
			g[ng - 1].n++;
			continue;
		}
		g[ng].start = i;
		g[ng].n = 1;
		g[ng].order = v[i].order;
		g[ng++].reasons = v[i].reasons;
	}
	qsort(g, ng, sizeof(*g), cmp_group);
	for (k = 0; k < ng; k++)
		for (i = 0; i < g[k].n && i < SUMMARY_GROUP_MAX; i++) {
			short_path(&sb, v[g[k].start + i].r->task->path);
			if (report_term_width(sb_str(&sb)) > width)
				width = report_term_width(sb_str(&sb));
		}
	fprintf(fp, "not hit: %zu %s, by decision and reason (<- root cause):\n", n,
		plural(n, "task", "tasks"));
	for (k = 0; k < ng; k++) {
		const struct nothit *first = &v[g[k].start];
		fputs("  ", fp);
		report_term_decision(fp, first->r->decision, decision_name(first->r->decision), o->color);
		fprintf(fp, "%s%s: %zu %s\n", *first->reasons ? " " : "", term_text(first->reasons),
			g[k].n, plural(g[k].n, "task", "tasks"));
		for (i = 0; i < g[k].n && i < SUMMARY_GROUP_MAX; i++)
			nothit_line(fp, v[g[k].start + i].r, width, &sb);
		if (g[k].n > SUMMARY_GROUP_MAX)
			fprintf(fp, "    ... and %zu more (--list %s)\n", g[k].n - SUMMARY_GROUP_MAX,
				decision_name(first->r->decision));
	}
	for (i = 0; i < n; i++)
		free(v[i].reasons);
	free(v);
	free(g);
	sb_release(&sb);
}

/* Names are printed through term_text (util.h): this goes to a terminal. */
void report_summary(FILE *fp, const struct prediction *pr, const struct summary_opts *o)
{
	static const struct summary_opts plain = { false, NULL };
	struct cause_count *causes;
	struct strbuf sb = STRBUF_INIT;
	size_t ncauses, i, k;

	if (!o)
		o = &plain;
	fprintf(fp, "%s: %zu %s:", term_text(pr->dag->pipeline_name), pr->executors,
		plural(pr->executors, "executor task", "executor tasks"));
	for (i = 0; i < DECISION_ORDER_N; i++) {
		char num[32];
		enum decision d = decision_order[i];
		fputc(' ', fp);
		snprintf(num, sizeof(num), "%s %zu", decision_name(d), pr->counts[d]);
		report_term_decision(fp, pr->counts[d] ? d : DECISION_NONE, num, o->color);
	}
	fputc('\n', fp);
	summary_hit_rate(fp, pr);
	summary_time(fp, o->cost);
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
	summary_groups(fp, pr, o);
	ncauses = causes_tally(&causes, pr, false);
	for (i = 0, k = 0; i < ncauses && k < 5; i++) {
		const struct task_result *r = &pr->results[causes[i].task->index];
		/* A cold cache or a new scope is its own cause everywhere. */
		if (result_has_reason(r, REASON_COLD_CACHE) || result_has_reason(r, REASON_PIPELINE_NAME) ||
		    result_has_reason(r, REASON_NAMESPACE))
			continue;
		if (!k)
			fputs("top root causes:\n", fp);
		summary_cause(fp, &causes[i], r, &sb, o->color);
		k++;
	}
	free(causes);
	sb_release(&sb);
}
