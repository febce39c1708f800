/*
 * cmd/gating.c - what analyze, history and diff share for CI: --fail-on
 * conditions (exit EXIT_GATE), --lint findings, and the cost of misses
 * (--durations, --cost-csv).  Subcommand layer: it prints, the modules
 * (gate, lint, cost, reports) decide and render.
 */
#include "cmd/gating.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "cmd/cmd.h"
#include "model/cost.h"
#include "model/gate.h"
#include "model/policy_file.h"
#include "reports/report.h"
#include "base/banned.h"

void gating_init(struct gating *g)
{
	memset(g, 0, sizeof(*g));
	gate_init(&g->gate);
	strmap_init(&g->seen);
	sb_init(&g->lint_text);
	sb_init(&g->msgs);
}

void gating_release(struct gating *g)
{
	lint_result_free(g->lr);
	gate_release(&g->gate);
	durations_free(g->dur);
	lint_version_free(g->prev);
	strmap_release(&g->seen);
	sb_release(&g->lint_text);
	sb_release(&g->msgs);
	memset(g, 0, sizeof(*g));
}

int gating_opt(struct gating *g, int id, const char *arg)
{
	switch (id) {
	case OPT_FAIL_ON: return gate_add(&g->gate, arg);
	case OPT_LINT: g->lint = true; return 0;
	case OPT_DURATIONS: g->durations = arg; return 0;
	case OPT_COST_CSV: g->cost_csv = arg; return 0;
	}
	return -1;
}

int cmd_gating_ready(const struct command *cmd, struct gating *g,
		     const char *const *extra, bool allow_lint, int *status)
{
	switch (gating_ready(g, extra, allow_lint)) {
	case 0:
		return 0;
	case -2:
		cmd_usage_error(cmd, "%s", err_msg());
		*status = EXIT_USAGE;
		return -1;
	default:
		*status = cmd_fail();
		return -1;
	}
}

int gating_ready(struct gating *g, const char *const *extra, bool allow_lint)
{
	const char *known[64];
	size_t i, n = 0;

	for (i = 0; gate_prediction_metrics[i]; i++)
		known[n++] = gate_prediction_metrics[i];
	for (i = 0; allow_lint && gate_lint_metrics[i]; i++)
		known[n++] = gate_lint_metrics[i];
	for (i = 0; extra && extra[i] && n + 1 < KC_ARRAY_SIZE(known); i++)
		known[n++] = extra[i];
	known[n] = NULL;
	if (gate_check(&g->gate, known) < 0)
		return -2;
	if (g->lint && !allow_lint)
		return err_set("--lint: not for this command"), -2;
	/* A lint condition runs the linter. */
	for (i = 0; i < g->gate.n; i++)
		if (!strncmp(g->gate.conds[i].metric, "lint", 4))
			g->lint = true;
	if (g->durations && durations_load(&g->dur, g->durations) < 0)
		return -1;
	return 0;
}

static int write_cost_csv(const char *path, const struct cost *cost)
{
	struct outset os;
	FILE *fp;

	if (!strcmp(path, "-"))
		return report_cost_csv(stdout, cost);
	outset_init(&os);
	if (outset_open(&os, path, &fp) < 0 || report_cost_csv(fp, cost) < 0 ||
	    outset_commit(&os) < 0) {
		outset_abort(&os);
		return -1;
	}
	return 0;
}

/* Which policy was in force, and what each of its cache rules decided. */
static void policy_section(const struct session *s)
{
	const struct policy_file *pf = s->c->pfile;
	size_t i, k;

	if (!pf)
		return;
	printf("policy: %s (%s)\n", pf->name, pf->source);
	for (i = 0; i < pf->nrules; i++) {
		const struct policy_rule *r = &pf->rules[i];
		size_t n = 0;
		if (r->cache < 0)
			continue;
		for (k = 0; k < s->pr->n; k++)
			n += s->pr->results[k].has_policy && s->pr->results[k].pol.rule == r;
		printf("  rule %s: caching %s for %zu %s\n", r->id, r->cache ? "on" : "off", n,
		       plural(n, "task", "tasks"));
	}
}

int gating_prepare(struct gating *g, const struct session *s, bool lint)
{
	struct lint_version *prev = NULL;
	int r;

	if (g->prepared)
		return 0;
	cost_compute(&g->cost, s->pr, g->dur);
	if (g->lint || lint) {
		if (s->nb)
			prev = lint_version_new(s->bdags[s->nb - 1]);
		r = lint_run(&g->lr, s->dag, &s->c->pol, prev);
		lint_version_free(prev);
		if (r < 0)
			return -1;
	}
	g->prepared = true;
	return 0;
}

int gating_analyze(struct gating *g, const struct session *s, bool print, int ret)
{
	struct gate_values v;

	if (gating_prepare(g, s, false) < 0)
		return cmd_fail();
	if (g->cost_csv && write_cost_csv(g->cost_csv, &g->cost) < 0)
		return cmd_fail();
	if (print)
		policy_section(s);
	if (print && report_cost_worth_showing(&g->cost))
		report_cost_summary(stdout, &g->cost);
	gate_values_init(&v);
	gate_values_prediction(&v, s->pr, &g->cost);
	if (g->lint) {
		if (print) {
			fputs("lint:\n", stdout);
			report_lint_text(stdout, g->lr);
		}
		gate_values_lint(&v, g->lr);
	}
	if (fflush(stdout)) {
		fprintf(stderr, "kfpcache: cannot write to stdout\n");
		return EXIT_ERROR;
	}
	gate_eval(&g->gate, &v, NULL, &g->msgs);
	return cmd_gate_exit(sb_str(&g->msgs), ret);
}

int gating_commit(struct gating *g, const char *spec, const char *commit,
		  const struct prediction *pr, const struct policy *p)
{
	struct lint_result *lr = NULL;
	struct gate_values v;
	struct cost cost;
	struct strmap now = STRMAP_INIT;
	char where[64];
	size_t i;

	if (!pr)
		return 0;
	if (!g->spec || strcmp(g->spec, spec)) {
		/* A new spec: its first version has no predecessor. */
		lint_version_free(g->prev);
		g->prev = NULL;
		strmap_release(&g->seen);
		strmap_init(&g->seen);
		g->spec = spec;
		if (g->lint)
			sb_addf(&g->lint_text, "  %s:\n", spec);
	}
	cost_compute(&cost, pr, g->dur);
	gate_values_init(&v);
	gate_values_prediction(&v, pr, &cost);
	if (g->lint) {
		if (lint_run(&lr, pr->dag, p, g->prev) < 0)
			return -1;
		gate_values_lint(&v, lr);
		/* Report each finding at the commit that introduced it. */
		for (i = 0; i < lr->n; i++) {
			const struct finding *f = &lr->findings[i];
			struct strbuf sb = STRBUF_INIT;
			/* Pipeline-level findings (a rename) count again when they say something new. */
			sb_addf(&sb, "%s\x1f%s\x1f%s", f->rule, f->task, *f->task ? "" : f->message);
			strmap_put(&now, sb.buf, NULL);
			if (!strmap_has(&g->seen, sb.buf))
				sb_addf(&g->lint_text, "    %.12s %s %s %s: %s\n", commit,
					severity_name(f->severity), f->rule,
					*f->task ? f->task : "pipeline", f->message);
			sb_release(&sb);
		}
		strmap_release(&g->seen);
		g->seen = now;
		lint_version_free(g->prev);
		g->prev = lint_version_new(pr->dag);
		g->commits_linted++;
	}
	snprintf(where, sizeof(where), " at %.12s", commit);
	gate_eval(&g->gate, &v, where, &g->msgs);
	lint_result_free(lr);     /* v borrows its counts */
	return 0;
}

int gating_history(struct gating *g, bool print, int ret)
{
	if (print && g->lint) {
		printf("lint: findings new at each commit (%zu %s linted):\n", g->commits_linted,
		       plural(g->commits_linted, "commit", "commits"));
		fputs(sb_str(&g->lint_text), stdout);
		if (fflush(stdout)) {
			fprintf(stderr, "kfpcache: cannot write to stdout\n");
			return EXIT_ERROR;
		}
	}
	if (ret == EXIT_ERROR)
		return ret;
	/* A failed gate outranks a partial history: CI must stop either way. */
	return cmd_gate_exit(sb_str(&g->msgs), ret);
}
