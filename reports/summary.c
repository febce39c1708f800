/*
 * summary.c - the short terminal summary after analyze: counts per decision
 * and the root causes that invalidated most tasks.
 */
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct cause_count {
	char *path;             /* decoded list item (malloc'd) */
	size_t n;
};

static int cmp_cause(const void *x, const void *y)
{
	const struct cause_count *a = x, *b = y;

	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->path, b->path);
}

/* Tally each root cause of a list cell (util.h); seen maps path -> index + 1. */
static void count_causes(struct cause_count **arr, size_t *n, size_t *alloc,
			 struct strmap *seen, const char *joined)
{
	struct strbuf item = STRBUF_INIT;
	const char *p = joined;

	while (p && list_next(&p, &item) > 0) {
		uintptr_t k = (uintptr_t)strmap_get(seen, item.buf);
		if (!k) {
			KC_GROW(*arr, *alloc, *n + 1);
			(*arr)[*n].path = xstrdup(item.buf);
			(*arr)[*n].n = 0;
			k = ++*n;
			strmap_put(seen, item.buf, (void *)k);
		}
		(*arr)[k - 1].n++;
	}
	sb_release(&item);
}

/* Names are printed through term_text (util.h): this goes to a terminal. */
void report_summary(FILE *fp, const struct prediction *pr)
{
	static const enum decision order[] = {
		DECISION_HIT, DECISION_MISS, DECISION_MISS_UPSTREAM,
		DECISION_DISABLED, DECISION_UNKNOWN
	};
	struct cause_count *causes = NULL;
	struct strmap seen = STRMAP_INIT;
	size_t ncauses = 0, alloc = 0, i, k;

	fprintf(fp, "%s: %zu executor tasks:", term_text(pr->dag->pipeline_name), pr->executors);
	for (i = 0; i < KC_ARRAY_SIZE(order); i++)
		fprintf(fp, " %s %zu", decision_name(order[i]), pr->counts[order[i]]);
	fputc('\n', fp);
	if (pr->cold)
		fputs("cold cache: every cache-enabled task runs\n", fp);
	for (i = 0, k = 0; i < pr->n; i++)
		k += !strcmp(pr->results[i].reason, "pipeline_name");
	if (k)
		fprintf(fp, "pipeline name '%s' has no cache entries (the baseline ran under another name): %zu tasks miss\n",
			term_text(pr->dag->pipeline_name), k);
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		if (r->decision == DECISION_HIT || r->decision == DECISION_NONE)
			continue;
		count_causes(&causes, &ncauses, &alloc, &seen, r->root_cause);
	}
	if (ncauses)    /* qsort(NULL, 0, ...) is undefined */
		qsort(causes, ncauses, sizeof(*causes), cmp_cause);
	for (i = 0, k = 0; i < ncauses && k < 5; i++) {
		const struct task_result *r = prediction_find(pr, causes[i].path);
		/* A cold cache or a new scope is its own cause everywhere. */
		if (r && (!strcmp(r->reason, "cold_cache") || !strcmp(r->reason, "pipeline_name")))
			continue;
		if (!k)
			fputs("top root causes:\n", fp);
		fprintf(fp, "  %-40s %3zu task%s  %s %s\n", term_text(causes[i].path), causes[i].n,
			causes[i].n == 1 ? " " : "s", r ? decision_name(r->decision) : "",
			r ? term_text(r->reason) : "");
		k++;
	}
	for (i = 0; i < ncauses; i++)
		free(causes[i].path);
	free(causes);
	strmap_release(&seen);
}
