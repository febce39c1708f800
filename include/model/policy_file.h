/*
 * policy_file.h - organisation cache policies (contract layer 2): a JSON
 * file, or a built-in preset, holding layer settings (deployment switch,
 * run-level override, compile default, backend version, PUBLISH_LOGS) and
 * an ordered list of rules.  Rules match a task by path, component,
 * executor image and pipeline name (fnmatch globs) and force caching on or
 * off, require a custom cache key, or raise a finding.  The schema is
 * documented in README.md ("Policies").
 */
#ifndef KFPCACHE_POLICY_FILE_H
#define KFPCACHE_POLICY_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "model/dag.h"

enum severity {
	SEVERITY_NONE,
	SEVERITY_NOTE,
	SEVERITY_WARNING,
	SEVERITY_ERROR
};
const char *severity_name(enum severity s);          /* "note", ...; "" for NONE */
/* "note", "warning", "error" -> 0 and *out; else -1 (no message recorded). */
int severity_parse(const char *text, enum severity *out);

struct policy_match {
	const char *task;           /* globs, NULL = any */
	const char *component;
	const char *image;
	const char *pipeline;
	int cache_key;              /* -1 any, 0 tasks without a custom key, 1 with one */
};

struct policy_rule {
	const char *id;             /* "id", or "rules[N]" */
	const char *pointer;        /* "$.rules[N]" for messages */
	struct policy_match match;
	int cache;                  /* -1 no action, 0 force off, 1 force on */
	bool require_cache_key;     /* finding when a cached task has no custom key */
	enum severity severity;     /* of the finding(s) this rule raises */
	const char *message;        /* "finding": text, or NULL */
	const char *why;            /* optional explanation shown with the rule */
};

struct policy_file {
	struct arena arena;         /* everything below */
	const char *name;           /* "name" key, preset name, or the file's base name */
	const char *source;         /* file path or "preset:NAME" */
	/* Layer settings; -1 (or NULL) when the file does not set them. */
	int deployment_cache;
	int run_caching;
	int run_all;                /* run.reach: 0 "root" (KFP), 1 "all" */
	int compile_default_off;
	int publish_logs;
	const char *kfp_version;
	struct policy_rule *rules;
	size_t nrules;
};

/*
 * Load a policy: a preset name (see policy_presets) or a JSON file.
 * Errors are one line naming the file and the JSON path:
 * "policy.json: $.rules[2].match.image: expected a string"; syntax errors
 * "policy.json:LINE:COL: reason".  *out: policy_file_free().
 */
int policy_file_load(struct policy_file **out, const char *arg);
int policy_file_load_buf(struct policy_file **out, const char *buf, size_t len,
			 const char *name);
void policy_file_free(struct policy_file *pf);

/* NULL-terminated names of the built-in presets, and each one's JSON text. */
extern const char *const policy_presets[];
const char *policy_preset_text(const char *name);


/*
 * A backend release: "2.17", "2.17.0", "2.18", "master" (2.18).  0, or -1
 * when it is not X.Y, or -2 for a major version other than 2 (*major and
 * *minor set).  The text parser --kfp-version and kfp_version share.
 */
int kfp_version_parse(const char *text, int *major, int *minor);

/* Does rule r match task t of pipeline `pipeline`? */
bool policy_rule_matches(const struct policy_rule *r, const struct task *t,
			 const char *pipeline);

/* Is `glob` a well-formed fnmatch pattern?  *why gets the problem. */
bool policy_glob_ok(const char *glob, const char **why);

#endif
