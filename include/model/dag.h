/*
 * dag.h - the task model of one compiled spec: every executor, importer and
 * DAG task under the root, with its path, its component and executor, its
 * enclosing DAG instance, and its inputs resolved as far as they can be
 * before a run (KFP driver/resolve.go, semantics doc §3).  Static ParallelFor
 * loops are expanded one DAG instance per item.  A cycle in the
 * producer/consumer graph is an error.
 */
#ifndef KFPCACHE_DAG_H
#define KFPCACHE_DAG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "load/node.h"
#include "load/spec.h"

enum task_kind {
	TASK_CONTAINER,
	TASK_IMPORTER,
	TASK_DAG
};
const char *task_kind_name(enum task_kind k);   /* "container" ... */

/* kfp-kubernetes' PVC tasks: run by the driver itself (argostub images). */
enum task_stub {
	STUB_NONE,
	STUB_CREATEPVC,         /* argostub/createpvc */
	STUB_DELETEPVC          /* argostub/deletepvc */
};

struct task;

/* One producer output a value or artifact comes from. */
struct ref {
	struct task *producer;      /* an executor or importer task */
	const char *output;         /* its output key */
};

/*
 * A resolved input value.  RV_STATIC values are known before the run; the
 * others are symbolic: produced at run time (RV_OUTPUT, an artifact or a
 * parameter of the refs' producers, combined by `xform`), different on
 * every run (RV_RUN_UNIQUE), the run's display name (RV_RUN_NAME), or a
 * root parameter with no value (RV_UNRESOLVED).  RV_ABSENT is an optional
 * input that resolved to null and is dropped from the key.
 */
enum rval_kind {
	RV_STATIC,
	RV_ABSENT,
	RV_OUTPUT,
	RV_RUN_UNIQUE,
	RV_RUN_NAME,
	RV_UNRESOLVED
};

struct oneof_alt;

struct rval {
	enum rval_kind kind;
	const struct node *value;   /* RV_STATIC */
	/*
	 * RV_RUN_UNIQUE: job_uuid...; RV_UNRESOLVED: param name; a null
	 * (RV_STATIC, RV_ABSENT): the optional input without a default it is
	 * the null of (a root parameter, or a sub-pipeline's input).
	 */
	const char *what;
	const char *xform;          /* RV_OUTPUT: "" or e.g. "select:...", "collected", "oneof", "item" */
	struct ref *refs;           /* RV_OUTPUT */
	size_t nrefs;
	bool workspace;             /* the string refers to the KFP workspace */
	bool pinned;                /* value given with --input, not from the spec */
	const struct rval *inner;   /* RV_OUTPUT derived from a non-output rval (item of a list, ...) */
	/*
	 * xform "oneof" (dsl.OneOf: several selectors of a DAG output): one
	 * alternative per selector, in the spec's order, which is the order
	 * KFP's driver tries them (resolve.go:1061-1089, :1110-1146); refs
	 * still holds every alternative's refs (the order's edges).
	 */
	const struct oneof_alt *alts;
	size_t nalts;
};

/* One selector of a dsl.OneOf: the branch (producerSubtask) and its value. */
struct oneof_alt {
	const struct task *branch;
	struct rval val;
};

struct task_input {
	const char *name;
	bool artifact;              /* inputs.artifacts vs inputs.parameters */
	struct rval val;
	const char *declared_type;  /* component inputDefinitions parameterType */
};

struct dag_inst;

struct task {
	const char *path;            /* "exit-handler-1/train/train-model", "for-loop-2[0]/op" */
	const char *key;             /* key in the parent's dag.tasks */
	enum task_kind kind;
	struct task *parent;         /* enclosing DAG task; NULL at the root */
	struct dag_inst *scope;      /* the DAG instance holding this task */
	struct dag_inst *body;       /* TASK_DAG: its own instance (loop: NULL, see loop_iters) */
	struct dag_inst **iters;     /* TASK_DAG loop: one instance per item (or one template) */
	size_t niters;
	bool loop_expanded;          /* static item list: iters are [0..n) */
	const struct node *spec;     /* the task node */
	const char *component;       /* componentRef.name */
	const struct node *comp;     /* components[component] */
	const char *executor_label;
	const struct node *executor; /* deploymentSpec.executors[label] */
	const struct node *container;/* executor.container, or NULL */
	const struct node *importer; /* executor.importer, or NULL */
	const char *image;           /* container image, or NULL */
	enum task_stub stub;         /* createpvc / deletepvc, else STUB_NONE */
	bool conditional;            /* under a triggerPolicy.condition */
	bool in_root;                /* a task of root.dag.tasks */
	struct task_input *inputs;   /* sorted by (artifact, name) */
	size_t ninputs;
	const char **deps;           /* dependentTasks (sibling keys) */
	size_t ndeps;
	const char **pvc;            /* PVC names (static ones), unsorted */
	size_t npvc;
	struct rval *pvc_vals;       /* one per pvcMount */
	size_t npvc_vals;
	size_t index;                /* position in dag.tasks (sorted by path) */
	/*
	 * KFP's driver for this task fails, decided before the run
	 * (kfp-cache-semantics.md §10): the reason detail ("null:x@group",
	 * "missing:x", "not_list:x", "no_artifact:x") and one line saying
	 * why with the KFP source line; both NULL when it does not.
	 */
	const char *fail_detail;
	const char *fail_message;
};

struct dag_inst {
	struct task *owner;          /* NULL for the root */
	const struct node *comp;     /* component with the dag */
	const char *prefix;          /* path prefix incl. trailing '/', "" at root */
	struct strmap by_key;        /* key -> struct task * */
	struct task **tasks;
	size_t ntasks;
	struct strmap inputs;        /* input name -> struct rval * */
	struct strmap items_inputs;  /* loop iteration: the removed items input */
	int iteration;               /* -1, or the loop item index */
};

/* Options that shape resolution. */
struct dag_options {
	const struct node *params;   /* run parameters map (name -> value) or NULL */
	const char *params_source;   /* the file params came from, for messages */
	const char *const *cli_params; /* NULL-terminated "NAME=VALUE" (--param) */
	/*
	 * NULL-terminated "TASK:INPUT=VALUE" pins for values known only at run
	 * time: a parameter's JSON value (or plain string), or an artifact
	 * input's comma-separated MLMD ids (fingerprint --input).
	 */
	const char *const *pins;
	/* The most tasks a spec may expand to (loops included); 0: 50000. */
	size_t max_tasks;
	/*
	 * Backend 2.14: the driver has no workspace code, so
	 * {{$.workspace_path}} stays literal text and no workspace PVC is
	 * mounted (resolve.go:430 and driver.go:513-545 appear in 2.15).
	 */
	bool no_workspace;
	/*
	 * Backend before 2.17: an artifact output with several selectors
	 * (dsl.OneOf) always reads the last one, whichever branch ran
	 * (2.16.0 resolve.go:1037-1041); 2.17 tries them in order for the
	 * first that completed (2.17.0 resolve.go:1057-1089).
	 */
	bool oneof_artifact_last;
};

struct dag {
	struct arena arena;          /* everything below */
	const struct spec *spec;     /* borrowed */
	const char *pipeline_name;
	struct dag_inst *root;
	struct dag_inst **insts;     /* every instance (malloc'd), for dag_free */
	size_t ninsts, insts_alloc;
	struct task **tasks;         /* every task, sorted by path */
	size_t ntasks;
	struct strmap by_path;       /* path -> struct task * */
	struct task **order;         /* every task, producers before their consumers */
	const char **warnings;       /* notes for stderr, deterministic order */
	size_t nwarnings;
};

/*
 * Build the model.  Errors name the spec and position or task path:
 * dangling componentRef / executorLabel / producerTask / component input,
 * dependency cycles, unsupported executors KFP rejects.  *out: dag_free().
 */
int dag_build(struct dag **out, const struct spec *s, const struct dag_options *opt);
/*
 * Do a and b build the same DAG from the same spec: every option equal
 * (the pointed-to parameters compared as pointers).  compare shares one
 * DAG between policies whose backends build alike.
 */
bool dag_options_equal(const struct dag_options *a, const struct dag_options *b);
void dag_free(struct dag *d);

struct task *dag_find_task(const struct dag *d, const char *path);

bool task_is_executor(const struct task *t);   /* container or importer */
/* Its triggerPolicy.condition text, or NULL when it has none (model/trigger.h). */
const char *task_condition(const struct task *t);

/*
 * The name a createpvc task gives its claim when it is not generated per
 * run: a pvc_name that is present and not empty, a constant or a value
 * from a producer (k8s.go:961-975; an absent or empty pvc_name, or a
 * pvc_name_suffix, gets uuid[+suffix]).  NULL when generated.
 */
const struct rval *task_createpvc_name(const struct task *t);

/* Upstream producers of t (deduplicated, sorted by path); arena arrays. */
size_t task_producers(const struct dag *d, const struct task *t,
		      struct task ***out, bool **is_artifact);

/*
 * One producer -> consumer edge of the graph.  `via` is the path of the
 * DAG task a dependentTasks entry named (the edge stands for "after that
 * whole DAG"), else "".  All borrowed from the dag.
 */
struct dag_edge {
	const struct task *from;
	const char *label;           /* "artifact", "parameter" or "after" */
	const char *via;
};
/* The edges into t, one per producer, sorted by its path; *out is malloc'd (free()). */
size_t dag_in_edges(const struct dag *d, const struct task *t, struct dag_edge **out);

#endif
