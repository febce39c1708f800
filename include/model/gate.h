/*
 * gate.h - CI gating: `--fail-on EXPR` conditions over a command's
 * metrics (miss>0, miss_upstream>10, gpu_miss>0, lint>=warning; several
 * comma-separated, the option repeatable).  A command that fails a gate
 * exits EXIT_GATE (4, cmd/exit.h), distinct from errors.  The last stage of the flow:
 * it reads counts that predict, cost and lint made.
 */
#ifndef KFPCACHE_GATE_H
#define KFPCACHE_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "model/cost.h"
#include "model/lint.h"
#include "model/result.h"

enum gate_op { GATE_GT, GATE_GE, GATE_LT, GATE_LE, GATE_EQ, GATE_NE };

struct gate_cond {
	char *text;                 /* as written, for messages */
	char *metric;
	enum gate_op op;
	double value;
	enum severity severity;     /* "lint>=warning": the severity form; else NONE */
};

struct gate {
	struct gate_cond *conds;
	size_t n, alloc;
};

void gate_init(struct gate *g);
void gate_release(struct gate *g);
/* Parse "a>1,b>=2"; errors name the condition ("--fail-on 'x': ..."). */
int gate_add(struct gate *g, const char *expr);
/* Every metric used must be among `known` (NULL-terminated). */
int gate_check(const struct gate *g, const char *const *known);

/* Metric values by name. */
struct gate_values {
	const char *names[32];
	double values[32];
	size_t n;
	const size_t *lint_counts;  /* per severity, or NULL when lint did not run */
};
void gate_values_init(struct gate_values *v);
void gate_set(struct gate_values *v, const char *name, double value);

/* The metrics of a prediction (and its cost, and lint when given). */
extern const char *const gate_prediction_metrics[];   /* NULL-terminated */
extern const char *const gate_lint_metrics[];
void gate_values_prediction(struct gate_values *v, const struct prediction *pr,
			    const struct cost *cost);
void gate_values_lint(struct gate_values *v, const struct lint_result *lr);

/*
 * Evaluate every condition against v; for each one that holds, append a
 * line "--fail-on 'miss>0': miss is 3<where>" to msgs.  Returns how many
 * held.  A metric v lacks (lint without --lint) counts as 0.
 */
size_t gate_eval(const struct gate *g, const struct gate_values *v, const char *where,
		 struct strbuf *msgs);

#endif
