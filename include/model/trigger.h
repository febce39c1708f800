/*
 * trigger.h - which tasks of a run trigger at all (analyzer/model/trigger.c),
 * decided before the run where KFP's drivers would decide it: a task's
 * triggerPolicy.condition evaluated on its resolved inputs (model/cel.h),
 * an enclosing group that does not trigger, a dependency that does not
 * succeed (Argo `depends: X.Succeeded`, argocompiler/dag.go:708-725;
 * exit-handler tasks excepted), a driver that fails (dag.h fail_detail).
 * Kfp-cache-semantics.md §8 and §10.
 */
#ifndef KFPCACHE_TRIGGER_H
#define KFPCACHE_TRIGGER_H

#include <stdbool.h>
#include <stddef.h>

#include "model/cel.h"
#include "model/dag.h"

enum trigger {
	TRIGGER_YES,            /* runs (no condition, or a true one) */
	TRIGGER_MAYBE,          /* a condition that cannot be decided before the run */
	TRIGGER_NO,             /* a false condition here or above: NOT_RUN */
	TRIGGER_ERROR,          /* a condition KFP cannot evaluate, here or above */
	/*
	 * KFP's driver fails here or above, or on a dependency: NOT_RUN.  Last,
	 * so it outranks a condition of the same task (the driver resolves the
	 * inputs before it evaluates the condition, dag.go:75-91).
	 */
	TRIGGER_FAIL
};

struct trigger_state {
	enum trigger v;
	const struct task *cause;     /* NO / ERROR / MAYBE: the task whose condition decides */
	int distance;                 /* hops from cause: nesting levels and dependencies */
	enum cel_truth own;           /* this task's own condition (CEL_TRUE when none) */
	struct cel_error err;         /* own == CEL_ERROR (or unsupported): why */
	/* FAIL of its own: only if an undecided condition lets it start. */
	bool fail_maybe;
	/*
	 * FAIL of its own (cause == this task): why, as dag.h fail_detail /
	 * fail_message (a failure found while the DAG was built), or a
	 * dsl.OneOf input none of whose branches triggers.
	 */
	const char *fail_detail;
	const char *fail_message;
	/*
	 * Runs (YES / MAYBE) but may not start: the driver of `race` fails and
	 * nothing orders this task before it; Argo schedules no new task of a
	 * DAG with a failed task (failFast), and the failure fails every
	 * enclosing DAG.  NULL when no failure races it.
	 */
	const struct task *race;
};

/*
 * Fill out[i] for every task of d (parallel to d->tasks); texts made here
 * live in a.  Never fails: what cannot be evaluated is TRIGGER_ERROR with
 * a reason.
 */
void trigger_eval(const struct dag *d, struct trigger_state *out, struct arena *a);

/*
 * Values known beyond the spec: value(ctx, in) gives the value of a
 * non-static input (a producer's output served from a live cache), or NULL
 * when it is not known.  trigger_eval_with evaluates conditions with them.
 */
struct trigger_values {
	const struct node *(*value)(void *ctx, const struct task_input *in);
	void *ctx;
};
void trigger_eval_with(const struct dag *d, struct trigger_state *out, struct arena *a,
		       const struct trigger_values *tv);

/* Does a task in this state execute (YES, or MAYBE: if its condition holds)? */
bool trigger_runs(const struct trigger_state *st);

/* Does the driver of t itself fail (a FAIL state whose cause is t)? */
bool trigger_fails_here(const struct trigger_state *trig, const struct task *t);


/*
 * Call each(ctx, name, value) for each input the condition of t reads, in
 * order: value is the input's JSON text, "unknown" (known only at run
 * time) or "absent" (explain prints them).
 */
typedef void trigger_input_fn(void *ctx, const char *name, const char *value);
void trigger_inputs(const struct task *t, trigger_input_fn *each, void *ctx);
/* The same, with the values tv knows (trigger_eval_with's). */
void trigger_inputs_with(const struct task *t, const struct trigger_values *tv,
			 trigger_input_fn *each, void *ctx);

#endif
