/*
 * result.h - the typed prediction (analyzer/model/result.c): per task a
 * decision, its reasons (a kind and a detail), root causes as tasks, the
 * distance from them, whether it invalidates an entry; and the one name
 * table and cause tally every report reads.  predict.c fills it; the key
 * parts (parts.c) read the producers' results from it.
 */
#ifndef KFPCACHE_RESULT_H
#define KFPCACHE_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "model/cache.h"
#include "model/dag.h"
#include "model/policy.h"

enum decision {
	DECISION_NONE,          /* dag rows */
	DECISION_HIT,
	DECISION_MISS,
	DECISION_MISS_UPSTREAM,
	DECISION_DISABLED,
	DECISION_UNKNOWN,
	DECISION_NOT_RUN        /* does not execute: a false condition, a failing driver (model/trigger.h) */
};
#define DECISION_COUNT 7
const char *decision_name(enum decision d);   /* "HIT", ...; "" for NONE */
/* The executor decisions in the order every report lists them. */
#define DECISION_ORDER_N (DECISION_COUNT - 1)
extern const enum decision decision_order[DECISION_ORDER_N];

/*
 * Why a task does not hit.  One table (analyzer/reason.c) gives each its
 * CSV/JSON token: the name, "name:detail" for the ones that name
 * something, or the detail alone for a changed key part ("image") and a
 * DISABLED task's layer ("spec").
 */
enum reason_kind {
	REASON_COLD_CACHE,         /* no entry: the cache is empty, or the task never ran cached */
	REASON_PIPELINE_NAME,      /* the cache holds other pipeline names only */
	REASON_NAMESPACE,          /* this pipeline's entries are in other namespaces; detail: the run's */
	REASON_NEW_TASK,           /* no task at this path before */
	REASON_CHANGED,            /* detail: the key part that changed ("image", "input:x") */
	REASON_RUN_UNIQUE,         /* detail: the per-run value ("job_uuid", "pvc_name", "reimport") */
	REASON_UPSTREAM_ARTIFACT,  /* an artifact from a producer that runs */
	REASON_UPSTREAM_VALUE,     /* a value from a producer that runs or is UNKNOWN */
	REASON_UNRESOLVED_PARAM,   /* detail: a root parameter without a value */
	REASON_RUN_NAME,           /* the run's name is in the key */
	REASON_LAYER,              /* DISABLED; detail: the policy layer ("spec", "run", ...) */
	REASON_CONDITION,          /* NOT_RUN: a false condition (its task is the root cause) */
	REASON_CONDITION_ERROR,    /* UNKNOWN: a condition KFP cannot evaluate; detail: the error kind */
	REASON_NEVER_CACHED,       /* MISS: KFP never writes an entry for it; detail: what ("deletepvc") */
	REASON_DRIVER_ERROR,       /* NOT_RUN: KFP's driver fails (its task is the root cause); detail: dag.h fail_detail */
	REASON_ONEOF_BRANCH,       /* UNKNOWN: a dsl.OneOf input whose branch is not known; detail: the candidates "a|b" */
	/*
	 * HIT on the entry of a task of the same run that KFP finishes first,
	 * with the same key (model/order.h); that task is the root cause.
	 */
	REASON_SAME_RUN,
	/*
	 * UNKNOWN: the same key as a task nothing orders it with (the root
	 * cause): whichever finishes first may serve the other.  First; the
	 * reasons it would not hit otherwise follow.
	 */
	REASON_SAME_RUN_RACE
};
struct reason {
	enum reason_kind kind;
	const char *detail;        /* NULL where the kind names nothing */
};

/*
 * One entry of a deployment's live cache (KFP's `tasks` row) and the
 * outputs of its execution in ML Metadata: what a hit reuses.  Strings and
 * nodes live in the arena the lookup was given.
 */
struct live_entry {
	const char *uuid;               /* the tasks row */
	const char *run;                /* RunUUID: the run that wrote it */
	long long execution_id;         /* MLMDExecutionID */
	long long created;              /* CreatedTimestamp (seconds) */
	long long age;                  /* seconds between created and the read */
	const struct node *params;      /* output parameters (map), or NULL */
	size_t nartifacts;              /* OUTPUT artifacts, sorted by name */
	const char *const *art_names;
	const char *const *art_ids;     /* MLMD artifact ids, decimal */
};

/*
 * What an importer's launcher builds and looks for in ML Metadata when
 * reimport is false (component/importer_launcher.go:187-323): an artifact
 * of this URI and type, LIVE, carrying these custom properties with equal
 * values, attributed to the pipeline's context.
 */
struct live_prop {
	const char *name;
	char kind;                      /* 's' string_value, 'd' double_value, 'i' int_value */
	const char *text;               /* the value as text */
};
struct live_import {
	const char *uri;
	const char *type_name;          /* the MLMD artifact type: typeSchema.schemaTitle */
	const char *output;             /* the importer's output artifact name */
	size_t nprops;
	const struct live_prop *props;  /* metadata, then store_session_info */
};

struct task_result {
	const struct task *task;
	enum decision decision;
	bool has_policy;                /* executor rows */
	struct policy_result pol;
	const struct reason *reasons;   /* why it does not hit; a HIT: same_run or none */
	size_t nreasons;
	const struct task **causes;     /* root causes, deduplicated, sorted by path */
	size_t ncauses;
	int distance;                   /* -1 when not applicable */
	bool conditional;               /* under a condition not decided before the run */
	/*
	 * The result says a cache entry no longer serves: MISS, MISS_UPSTREAM or
	 * UNKNOWN for a reason other than a cold cache or a per-run value.
	 */
	bool invalidates;
	char fingerprint[65];           /* exact KFP fingerprint, or "" */
	const char *fingerprint_why;    /* why there is none */
	char key[65];                   /* symbolic key */
	/*
	 * A dsl.OneOf input whose branch is not known: the key with each
	 * candidate branch taken (a run writes the entry of one of them).
	 */
	const char **branch_keys;
	size_t nbranch_keys;
	struct keypart *parts;
	size_t nparts;
	/*
	 * The same path's parts in the newest baseline, texts included (NULL:
	 * no baseline had the path); owned by the prediction.
	 */
	const struct keypart *prev;
	size_t nprev;
	const char *exec_id;            /* execution whose outputs consumers read */
	struct cache_entry hit;         /* HIT: the entry (run, path); NULLs otherwise */
	const char *hit_exec;           /* HIT: the same as "run:path" text (explain) */
	const struct live_entry *live;  /* HIT from a live cache, else NULL */
	const char **log;               /* explain lines */
	size_t nlog;
};

struct trigger_state;

struct prediction {
	struct arena arena;
	const struct dag *dag;          /* borrowed */
	const char *label;              /* run label, e.g. "baseline-1", "current" */
	const char *ns;                 /* the namespace the run is in */
	struct task_result *results;    /* parallel to dag->tasks */
	size_t n;
	size_t counts[DECISION_COUNT];
	size_t executors;
	size_t run_override_unreached;  /* nested executors the run override misses */
	bool cold;                      /* the cache was empty */
	/* Per task (parallel to dag->tasks): does it trigger (model/trigger.h). */
	const struct trigger_state *triggers;
};

void prediction_free(struct prediction *pr);

const struct task_result *prediction_find(const struct prediction *pr, const char *path);

/* The reason name table. */
void reason_token(struct strbuf *sb, const struct reason *r);
/* The reasons and the root causes' paths as list cells (util.h list_add). */
void result_reason_list(struct strbuf *sb, const struct task_result *r);
void result_cause_list(struct strbuf *sb, const struct task_result *r);
/* The same, into sb after resetting it; returns its text (valid until sb changes). */
const char *result_reasons_str(struct strbuf *sb, const struct task_result *r);
const char *result_causes_str(struct strbuf *sb, const struct task_result *r);
bool result_has_reason(const struct task_result *r, enum reason_kind kind);

/* The part named `name` of r's key, or of its baseline version; NULL when none. */
const struct keypart *result_part(const struct task_result *r, const char *name);
const struct keypart *result_prev_part(const struct task_result *r, const char *name);

/*
 * How part p of r's key compares with the baseline version of the task:
 * PART_NO_BASELINE (no baseline had the path), PART_NEW (no part of
 * that name before), PART_SAME, PART_CHANGED.  Parts of the baseline that
 * r's key no longer has are PART_REMOVED (result_removed_part lists them).
 */
enum part_status { PART_NO_BASELINE, PART_NEW, PART_SAME, PART_CHANGED, PART_REMOVED };
enum part_status result_part_status(const struct task_result *r, const struct keypart *p);
const char *part_status_name(enum part_status s);   /* "same", ...; NULL for NO_BASELINE */
/* The i-th baseline part r's key no longer has (i from 0), or NULL past the last. */
const struct keypart *result_removed_part(const struct task_result *r, size_t i);
/* The result of the task that is root cause i of r. */
const struct task_result *result_cause(const struct prediction *pr,
				       const struct task_result *r, size_t i);

/*
 * Does r reuse outputs made before this run: a HIT on an earlier run's
 * entry (a same_run HIT reuses outputs the run makes)?
 */
bool result_hits_earlier_run(const struct task_result *r);
/*
 * The result of the execution whose outputs r's consumers read: for a
 * same_run HIT the earlier task's (the first root cause, in the results
 * parallel to dag->tasks), else r.
 */
const struct task_result *result_source(const struct task_result *results,
					const struct task_result *r);

/*
 * The one tally of root causes (summary, Markdown, JSON, timeline, diff,
 * lint): each result whose decision is not HIT or NOT_RUN (only those that
 * invalidate an entry, with only_invalidating) counts once for each of its
 * causes.  Linear in the tasks; sorted by count, then path.  *out is
 * malloc'd (free()); returns the number of causes.
 */
struct cause_count {
	const struct task *task;
	size_t n;
};
size_t causes_tally(struct cause_count **out, const struct prediction *pr,
		    bool only_invalidating);

#endif
