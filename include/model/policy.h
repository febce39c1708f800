/*
 * policy.h - which cache settings are in force for a task, highest layer
 * first (contract "Policy layers"): the deployment's CACHEENABLED switch
 * (backend >= 2.14), policy file rules (policy_file.h), the run-level
 * override (KFP's client rewrites root-DAG tasks only), the spec's
 * cachingOptions, the backend default (off).  Also
 * the backend-version facts that change the fingerprint recipe.
 */
#ifndef KFPCACHE_POLICY_H
#define KFPCACHE_POLICY_H

#include <stdbool.h>

#include "model/dag.h"

enum layer {
	LAYER_NONE,
	LAYER_DEPLOYMENT,
	LAYER_POLICY,
	LAYER_RUN,
	LAYER_SPEC,
	LAYER_DEFAULT
};
const char *layer_name(enum layer l);   /* "deployment", ... ; "" for NONE */

struct policy_file;             /* policy_file.h: organisation rules (layer 2) */
struct policy_rule;

struct policy {
	int kfp_major, kfp_minor;   /* backend release modelled (default 2.17) */
	bool kfp_master;            /* "master": what KFP's master has after 2.18 */
	bool publish_logs;          /* API server PUBLISH_LOGS (default true) */
	int global_cache;           /* -1 unset, 0 off, 1 on */
	const char *global_source;  /* where global_cache came from */
	int run_caching;            /* -1 not given, 0 off, 1 on */
	bool run_all;               /* hypothetical: the override reaches nested tasks too */
	bool compile_default_off;   /* as if compiled with caching off by default */
	const struct policy_file *file;   /* rules, or NULL; borrowed */
	const char *name;           /* for reports: preset or file name, or NULL */
};

void policy_init(struct policy *p);
/* "2.17", "2.17.0", "2.18" (unreleased features), "master". */
int policy_set_version(struct policy *p, const char *text);
/*
 * Apply the file's settings to p and make its rules p's layer 2 (p->file
 * borrows pf).  Fails on a bad kfp_version.
 */
int policy_apply_file(struct policy *p, const struct policy_file *pf);
/*
 * Read CACHEENABLED of the ml-pipeline-api-server container from a
 * Deployment manifest or kustomize patch (YAML, several documents allowed).
 * Parsed like Go's strconv.ParseBool; absent means on.
 */
/*
 * With several documents, the one with the ml-pipeline-api-server
 * container (or, of several, the Deployment named ml-pipeline) is read and
 * *note (malloc'd, or NULL) says which; more candidates are an error.
 */
int policy_read_deployment(struct policy *p, const char *path, char **note);

bool policy_version_at_least(const struct policy *p, int major, int minor);

/*
 * The backend modelled, as the user named it: "master" for master/next
 * (PR #14340's env in the key), else "X.Y".  Into buf (KFP_VERSION_NAME_MAX).
 */
#define KFP_VERSION_NAME_MAX 24
const char *policy_version_name(const struct policy *p, char *buf);
bool policy_honours_cache_key(const struct policy *p);   /* after 2.17 */
bool policy_hashes_pvc_names(const struct policy *p);    /* 2.15+ */
bool policy_logs_in_key(const struct policy *p);         /* 2.5+ and publish_logs */
bool policy_has_global_switch(const struct policy *p);   /* 2.14+ */
bool policy_hashes_env(const struct policy *p);          /* master only (PR #14340) */

/*
 * Whether the run-level override (--run-caching) rewrites task t: the one
 * place that knows it reaches root-DAG tasks only, as KFP's client does.
 */
enum run_reach {
	RUN_REACH_NONE,         /* no run-level override */
	RUN_REACH_UNREACHED,    /* a nested task: the override does not reach it */
	RUN_REACH_ROOT,         /* a root-DAG task: rewritten */
	RUN_REACH_ALL           /* nested, reached: run.reach "all" (not KFP's client) */
};
enum run_reach policy_run_reach(const struct policy *p, const struct task *t);

struct policy_result {
	bool enabled;
	enum layer layer;
	const char *cache_key;      /* custom key in force, or NULL */
	const char *note;           /* e.g. "cacheKey ignored by backend 2.17" */
	const struct policy_rule *rule;   /* LAYER_POLICY: the rule that decided */
};

/*
 * Evaluate the layers for an executor task of pipeline `pipeline` (the
 * name policy rules match).
 */
void policy_eval(const struct policy *p, const struct task *t, const char *pipeline,
		 struct policy_result *out);

#endif
