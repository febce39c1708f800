/*
 * gating.h - the gating layer shared by analyze, history and diff
 * (analyzer/cmd/gating.c): --fail-on conditions, --lint findings, the cost
 * of misses (--durations, --cost-csv).
 */
#ifndef KFPCACHE_GATING_H
#define KFPCACHE_GATING_H

#include <stdbool.h>

#include "base/util.h"
#include "cmd/cmd.h"
#include "model/cost.h"
#include "model/gate.h"
#include "model/lint.h"

/*
 * Options of the gating layer (gating.c), in the tables of analyze,
 * history, diff: --fail-on EXPR, --lint, --durations FILE, --cost-csv FILE.
 */
enum { OPT_FAIL_ON = 1100, OPT_LINT, OPT_DURATIONS, OPT_COST_CSV };
/* Prints its sections on stdout and the failed conditions on stderr. */
struct gating {
	struct gate gate;
	bool lint;                    /* --lint, or a lint metric in --fail-on */
	const char *durations;        /* --durations FILE */
	const char *cost_csv;         /* --cost-csv FILE */
	struct durations *dur;
	struct lint_version *prev;    /* history: the previous version */
	const char *spec;             /* history: the spec being walked (borrowed) */
	struct strmap seen;           /* history: "rule\x1ftask" of the previous findings */
	struct strbuf lint_text;      /* history: findings new at each commit */
	struct strbuf msgs;           /* failed conditions */
	size_t commits_linted;
	struct cost cost;             /* analyze: computed once by gating_prepare */
	struct lint_result *lr;       /* analyze: findings, or NULL when lint did not run */
	bool prepared;
};
void gating_init(struct gating *g);
void gating_release(struct gating *g);
/* Handle a gating option; -1 with a message on a bad value or an unknown id. */
int gating_opt(struct gating *g, int id, const char *arg);
/*
 * After parsing: check the metrics --fail-on names (the prediction's, the
 * lint ones when allow_lint, and `extra`, NULL-terminated or NULL) and
 * load --durations.  -2 for an unknown metric (usage), -1 otherwise.
 */
int gating_ready(struct gating *g, const char *const *extra, bool allow_lint);
/* gating_ready for a command: -1 with *status set (2 usage, printed; 1 error). */
int cmd_gating_ready(const struct command *cmd, struct gating *g,
		     const char *const *extra, bool allow_lint, int *status);
/*
 * analyze: compute the cost of misses and, with `lint` (or --lint or a lint
 * condition), the findings, before the reports are written so the Markdown,
 * JSON and HTML reports can show them; gating_analyze reuses them.
 */
int gating_prepare(struct gating *g, const struct session *s, bool lint);
/* analyze: cost section, --lint findings, gate; returns `ret` or EXIT_GATE / EXIT_ERROR. */
int gating_analyze(struct gating *g, const struct session *s, bool print, int ret);
/* history: one commit (pr NULL when it did not load). */
int gating_commit(struct gating *g, const char *spec, const char *commit,
		  const struct prediction *pr, const struct policy *p);
/* history: print the lint section, then the gate; returns `ret` or EXIT_GATE. */
int gating_history(struct gating *g, bool print, int ret);

#endif
