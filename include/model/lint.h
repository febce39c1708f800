/*
 * lint.h - cache-safety findings for a compiled spec: stable rule ids
 * (KC001...), a severity, the task path, a one-line message and a one-line
 * fix, plus the findings of policy file rules.  Runs after predict: it
 * simulates the spec against its own run (the steady state) to tell which
 * cached tasks can never hit, and compares with the previous version for
 * the rules that need two (a custom key hiding a change, a renamed
 * pipeline).
 */
#ifndef KFPCACHE_LINT_H
#define KFPCACHE_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "model/dag.h"
#include "model/policy.h"
#include "model/policy_file.h"

struct lint_rule {
	const char *id;             /* "KC001" */
	const char *name;           /* "mutable-image" */
	enum severity severity;     /* default */
	const char *summary;        /* one line: what it finds */
	const char *fix;            /* one line: what to do */
};
extern const struct lint_rule lint_rules[];
extern const size_t lint_nrules;

struct finding {
	const char *rule;           /* KC id, or the policy rule's id */
	const char *name;           /* rule name ("policy" for policy rules) */
	enum severity severity;
	const char *task;           /* task path; "" for the whole pipeline */
	const char *message;
	const char *fix;
	unsigned line, col;         /* in the spec; 0 when unknown */
	const struct policy_rule *policy_rule;   /* borrowed, for policy findings */
};

struct lint_result {
	struct arena arena;         /* findings and their strings */
	const char *spec;           /* spec name, for reports */
	const char *pipeline;
	struct finding *findings;   /* sorted by task path, then rule */
	size_t n;
	size_t counts[SEVERITY_ERROR + 1];
	bool compared;              /* a previous version was available */
};

/*
 * What the version-pair rules need of a version, independent of its dag's
 * lifetime (history frees each version after its turn).
 */
struct lint_version;
struct lint_version *lint_version_new(const struct dag *d);
void lint_version_free(struct lint_version *v);

/*
 * Lint dag d under policy p; prev (may be NULL) is the version before it.
 * *out: lint_result_free().  Fails only when prediction fails.
 */
int lint_run(struct lint_result **out, const struct dag *d, const struct policy *p,
	     const struct lint_version *prev);
void lint_result_free(struct lint_result *r);

#endif
