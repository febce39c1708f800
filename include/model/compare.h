/*
 * compare.h - the same spec (or every commit of a history) under several
 * policies: per version, the counts per policy and per task the decision
 * under each policy, the tasks that differ first.  Built from predictions
 * (after predict in the flow); rendered by reports/compare.c.
 */
#ifndef KFPCACHE_COMPARE_H
#define KFPCACHE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "model/result.h"

struct compare_cell {
	enum decision decision;     /* DECISION_NONE: no such task in this version */
	const char *reason;
	const char *layer;          /* caching layer in force */
};

struct compare_task {
	const char *path;
	struct compare_cell *cells; /* one per policy */
	bool differs;               /* the decision is not the same under every policy */
};

struct compare_counts {
	size_t executors;
	size_t counts[DECISION_COUNT];
	size_t gpu_miss, gpu_runs;
};

struct compare_block {
	const char *label;          /* spec name, or short commit id */
	const char *subject;        /* commit subject, or "" */
	const char *error;          /* the version could not be analyzed, or NULL */
	struct compare_counts *per_policy;
	struct compare_task *tasks; /* differing first, then by path (after compare_finish) */
	size_t ntasks, alloc;
	size_t ndiffer;
};

struct compare {
	struct arena arena;
	const char **policies;      /* column names */
	size_t npolicies;
	bool history;               /* blocks are commits */
	const char *what;           /* the spec or path compared */
	const char *source;         /* --cache-db: where the state came from, or NULL */
	struct compare_block *blocks;
	size_t nblocks, alloc;
};

void compare_init(struct compare *c, const char *what, const char *const *policies,
		  size_t npolicies, bool history);
void compare_release(struct compare *c);
/* The block for version `index` (created on first use). */
struct compare_block *compare_block(struct compare *c, size_t index, const char *label,
				    const char *subject);
/* Record policy `pol`'s prediction of a block's version. */
void compare_fill(struct compare *c, struct compare_block *b, size_t pol,
		  const struct prediction *pr);
/* Mark differing tasks and sort every block. */
void compare_finish(struct compare *c);

#endif
