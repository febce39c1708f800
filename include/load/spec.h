/*
 * spec.h - loading a compiled KFP pipeline spec into a positioned node tree.
 * Accepts YAML as `kfp dsl compile` writes it (a second document
 * `platforms: kubernetes:` is the PlatformSpec), JSON, and PipelineJob JSON
 * (`pipelineSpec` + `runtimeConfig.parameterValues`).  Sources: a file, "-"
 * for stdin, or REV:PATH read from git.  The parsers beneath it
 * (load/parse.h) are the only files that include yaml.h / cJSON.h.
 */
#ifndef KFPCACHE_SPEC_H
#define KFPCACHE_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "load/node.h"
#include "load/parse.h"

struct spec {
	struct arena arena;            /* owns every node and string below */
	const char *name;              /* for messages: path, "<stdin>" or REV:PATH */
	const struct node *pipeline;   /* the PipelineSpec map */
	const struct node *platform;   /* platforms.kubernetes map, or NULL */
	const struct node *run_params; /* PipelineJob runtimeConfig.parameterValues, or NULL */
	char blob_id[41];              /* git blob id when read from git, else "" */
};

/*
 * Load from memory.  Detects JSON (first non-space byte '{') vs YAML, picks
 * the PipelineSpec document (non-empty pipelineInfo.name and a root, as the
 * API server does) and the PlatformSpec one, unwraps a PipelineJob.  Checks
 * the shape KFP requires (schemaVersion, pipelineInfo.name, root,
 * components, deploymentSpec) and rejects a KFP v1 Argo Workflow with an
 * explanation.  *out belongs to the caller: spec_free().
 * Errors are one line, "NAME:LINE:COL: reason" when a node is to blame, else
 * "NAME: reason" ("empty file", "missing pipelineInfo.name", "missing root",
 * "missing schemaVersion", "missing deploymentSpec", ...).  A PipelineJob's
 * older runtimeConfig.parameters ({p: {intValue: "25"}}) become plain values.
 */
int spec_load_buf(struct spec **out, const char *buf, size_t len,
		  const char *name, const struct parse_limits *lim);

/*
 * Load by argument: "-" (stdin), REV:PATH (when PATH is not an existing file
 * and REV resolves in the repository at repo_dir, or the current directory's
 * repository when repo_dir is NULL), or a file path.  As in `git show`,
 * REV:./P and REV:../P are relative to the current directory, REV:P to the
 * top of the work tree.  Neither a file nor a resolvable REV: "ARG: no such
 * file".  From git, name is ARG and blob_id is set.
 */
int spec_load(struct spec **out, const char *arg, const char *repo_dir,
	      const struct parse_limits *lim);

void spec_free(struct spec *s);

/* "line:col" position text of a node for messages ("" when unknown). */
const char *spec_pos(const struct spec *s, const struct node *n, char buf[32]);

#endif
