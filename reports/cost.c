/*
 * cost.c (reports) - the cost of misses: resources summed per decision,
 * and the compute time that runs vs is saved, as a terminal section and a
 * CSV.  Renders what analyzer/cost.c summed.
 */
#include "reports/report.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

void report_duration_text(char *out, size_t cap, double secs)
{
	long s = (long)(secs + 0.5);

	if (s >= 3600)
		snprintf(out, cap, "%ldh%02ldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(out, cap, "%ldm%02lds", s / 60, s % 60);
	else
		snprintf(out, cap, "%lds", s);
}

static void text_row(FILE *fp, const char *label, const struct cost_row *r, bool durations)
{
	char mem[32], time[32] = "";

	snprintf(mem, sizeof(mem), "%.1f GiB", r->memory / 1073741824.0);
	fprintf(fp, "  %-15s %5zu %7.2f %10s %4g", label, r->tasks, r->cpu, mem, r->gpus);
	if (durations) {
		report_duration_text(time, sizeof(time), r->seconds);
		fprintf(fp, " %9s", time);
		if (r->timed < r->tasks)
			fprintf(fp, " (%zu untimed)", r->tasks - r->timed);
	}
	fputc('\n', fp);
}

bool report_cost_worth_showing(const struct cost *c)
{
	return c->with_resources > 0 || c->have_durations;
}

void report_cost_summary(FILE *fp, const struct cost *c)
{
	size_t i;

	fputs("cost (requests; a limit counts where no request is set):\n", fp);
	fprintf(fp, "  %-15s %5s %7s %10s %4s%s\n", "decision", "tasks", "cpu", "memory", "gpu",
		c->have_durations ? "      time" : "");
	for (i = 0; i < DECISION_ORDER_N; i++)
		if (c->by[decision_order[i]].tasks)
			text_row(fp, decision_name(decision_order[i]), &c->by[decision_order[i]], c->have_durations);
	text_row(fp, "runs", &c->runs, c->have_durations);
	text_row(fp, "saved by cache", &c->saved, c->have_durations);
	if (c->gpu_runs)
		fprintf(fp, "  %zu GPU %s (%zu because of a miss)\n", c->gpu_runs,
			plural(c->gpu_runs, "task runs", "tasks run"), c->gpu_miss);
	if (c->dynamic)
		fprintf(fp, "  %zu %s resources at run time: not counted\n", c->dynamic,
			plural(c->dynamic, "task sets", "tasks set"));
}

static void csv_row(FILE *fp, const char *label, const struct cost_row *r)
{
	fprintf(fp, "%s,%zu,%.10g,%.10g,%.10g,%zu,%.10g,%.10g,%.10g\n", label, r->tasks, r->cpu,
		r->memory / 1073741824.0, r->gpus, r->timed, r->seconds, r->cpu_seconds,
		r->gpu_seconds);
}

int report_cost_csv(FILE *fp, const struct cost *c)
{
	size_t i;

	fputs("decision,tasks,cpu,memory_gib,gpu,timed,seconds,cpu_seconds,gpu_seconds\n", fp);
	for (i = 0; i < DECISION_ORDER_N; i++)
		csv_row(fp, decision_name(decision_order[i]), &c->by[decision_order[i]]);
	csv_row(fp, "runs", &c->runs);
	csv_row(fp, "saved", &c->saved);
	return ferror(fp) ? err_set("write error") : 0;
}
