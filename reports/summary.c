/*
 * summary.c - the short terminal summary after analyze: counts per decision
 * and the root causes that invalidated most tasks.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct cause_count {
	const char *path;
	size_t n;
};

static int cmp_cause(const void *x, const void *y)
{
	const struct cause_count *a = x, *b = y;

	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->path, b->path);
}

static void count_causes(struct cause_count **arr, size_t *n, size_t *alloc,
			 const char *joined)
{
	const char *p = joined;

	while (p && *p) {
		const char *q = strchr(p, ';');
		size_t len = q ? (size_t)(q - p) : strlen(p), i;
		for (i = 0; i < *n; i++)
			if (strlen((*arr)[i].path) == len && !strncmp((*arr)[i].path, p, len))
				break;
		if (i == *n) {
			KC_GROW(*arr, *alloc, *n + 1);
			(*arr)[i].path = p;
			(*arr)[i].n = 0;
			(*n)++;
		}
		(*arr)[i].n++;
		p = q ? q + 1 : NULL;
	}
}

void report_summary(FILE *fp, const struct prediction *pr)
{
	static const enum decision order[] = {
		DECISION_HIT, DECISION_MISS, DECISION_MISS_UPSTREAM,
		DECISION_DISABLED, DECISION_UNKNOWN
	};
	struct cause_count *causes = NULL;
	size_t ncauses = 0, alloc = 0, i, k;

	fprintf(fp, "%s: %zu executor tasks:", pr->dag->pipeline_name, pr->executors);
	for (i = 0; i < KC_ARRAY_SIZE(order); i++)
		fprintf(fp, " %s %zu", decision_name(order[i]), pr->counts[order[i]]);
	fputc('\n', fp);
	if (pr->cold)
		fputs("cold cache: every cache-enabled task runs\n", fp);
	for (i = 0, k = 0; i < pr->n; i++)
		k += !strcmp(pr->results[i].reason, "pipeline_name");
	if (k)
		fprintf(fp, "pipeline name '%s' has no cache entries (the baseline ran under another name): %zu tasks miss\n",
			pr->dag->pipeline_name, k);
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		if (r->decision == DECISION_HIT || r->decision == DECISION_NONE)
			continue;
		count_causes(&causes, &ncauses, &alloc, r->root_cause);
	}
	if (ncauses)    /* qsort(NULL, 0, ...) is undefined */
		qsort(causes, ncauses, sizeof(*causes), cmp_cause);
	for (i = 0, k = 0; i < ncauses && k < 5; i++) {
		size_t len = strcspn(causes[i].path, ";");
		char *path = xstrndup(causes[i].path, len);
		const struct task_result *r = prediction_find(pr, path);
		/* A cold cache or a new scope is its own cause everywhere. */
		if (r && (!strcmp(r->reason, "cold_cache") || !strcmp(r->reason, "pipeline_name"))) {
			free(path);
			continue;
		}
		if (!k)
			fputs("top root causes:\n", fp);
		fprintf(fp, "  %-40s %3zu task%s  %s %s\n", path, causes[i].n,
			causes[i].n == 1 ? " " : "s", r ? decision_name(r->decision) : "",
			r ? r->reason : "");
		free(path);
		k++;
	}
	free(causes);
}
