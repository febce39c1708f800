/*
 * order.h - what KFP orders within one run (analyzer/model/order.c,
 * kfp-cache-semantics.md §9): Argo `depends` on a task's dependentTasks
 * at the level of the lowest DAG holding both tasks (a dependency on a
 * group is on every task inside it; an exit-handler task depends on its
 * group), and the iterations of a loop with parallelismLimit 1 one after
 * the other.  Anything else may run concurrently.  predict.c uses it to
 * find same-run hits and races; it also gives predict_run an evaluation
 * order that puts every task after its producers and after what KFP runs
 * before it.
 */
#ifndef KFPCACHE_ORDER_H
#define KFPCACHE_ORDER_H

#include <stdbool.h>
#include <stddef.h>

#include "model/dag.h"

struct run_order {
	const struct dag *d;         /* borrowed */
	/*
	 * Every task: producers first, then what KFP starts after other
	 * tasks after them (malloc'd).  d->order when a dependency cycle
	 * through groups makes that impossible (cyclic).
	 */
	const struct task **tasks;
	bool cyclic;
	size_t *mark;                /* scratch for run_order_before */
	size_t stamp;
};

void run_order_init(struct run_order *o, const struct dag *d);
void run_order_release(struct run_order *o);

/* Does KFP finish executor a before the driver of executor b starts? */
bool run_order_before(struct run_order *o, const struct task *a, const struct task *b);

/*
 * The pieces of that relation trigger.c shares (what a failing driver
 * races): stamp mark[p->index] = stamp for every sibling p that t waits
 * for through dependentTasks, transitively (iterative: chains are long);
 * and the ancestors-or-selves of a and b in the lowest DAG instance holding
 * both (false when none does).
 */
void run_order_mark_waited(const struct task *t, size_t *mark, size_t stamp);
bool run_order_meet(const struct task *a, const struct task *b, const struct task **ax,
		    const struct task **bx);

/* The parallelismLimit of loop task t (iteratorPolicy), 0 when none. */
long run_order_parallelism(const struct task *t);

/*
 * Can a and b not both run, by conditions known to exclude each other:
 * an enclosing group of one has a condition term `!(X)` where the other's
 * has X, over the same inputs (the SDK compiles dsl.Else / dsl.Elif so).
 */
bool run_order_exclusive(const struct task *a, const struct task *b);

#endif
