/*
 * cost.h - what misses cost: each executor's CPU, memory and accelerators
 * as compiled (container.resources, in either the SDK's old numeric fields
 * cpuLimit/memoryLimit/... or the newer resourceCpuLimit/... quantity
 * strings), summed per decision, and with a durations file (CSV
 * task,seconds from past runs) the compute time that runs vs is saved.
 * After predict in the flow; resources are not part of KFP's cache key.
 */
#ifndef KFPCACHE_COST_H
#define KFPCACHE_COST_H

#include <stdbool.h>
#include <stddef.h>

#include "model/dag.h"
#include "model/result.h"

/*
 * What Kubernetes reserves for the task: the request, or the limit when no
 * request is given (Kubernetes then sets request = limit).
 */
struct task_resources {
	double cpu;                 /* cores; 0 when not set */
	double memory;              /* bytes; 0 when not set */
	double gpus;                /* accelerator count */
	const char *gpu_type;       /* borrowed from the spec, or NULL */
	const char *dynamic;        /* a field set only at run time, or NULL */
	bool any;                   /* the executor has a resources section */
};
void cost_task_resources(const struct task *t, struct task_resources *out);

/* Kubernetes quantities: "500m" -> 0.5, "4Gi" -> 4294967296, "1e3" -> 1000. */
int cost_parse_quantity(const char *s, double *out);

/* Durations of past runs: CSV "task,seconds" (header optional). */
struct durations;
int durations_load(struct durations **out, const char *path);
void durations_free(struct durations *d);
/* By task path, else the path without loop indices ("for-loop-2/op"). */
bool durations_get(const struct durations *d, const char *path, double *seconds);

struct cost_row {
	size_t tasks;
	double cpu, memory, gpus;   /* summed resources */
	size_t timed;               /* tasks with a duration */
	double seconds;             /* summed durations */
	double cpu_seconds, gpu_seconds;
};

struct cost {
	struct cost_row by[DECISION_COUNT];
	struct cost_row runs;       /* MISS + MISS_UPSTREAM + DISABLED */
	struct cost_row saved;      /* HIT */
	size_t gpu_miss;            /* GPU tasks that MISS or MISS_UPSTREAM */
	size_t gpu_runs;            /* GPU tasks that run */
	size_t with_resources;      /* container tasks with a resources section */
	size_t dynamic;             /* of which some value is set at run time */
	bool have_durations;
};

/* Sum the container tasks of pr; d may be NULL. */
void cost_compute(struct cost *out, const struct prediction *pr, const struct durations *d);

#endif
