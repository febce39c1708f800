/*
 * fuzz_policy.c - the policy file parser (policy_file_load_buf) on
 * arbitrary bytes, then applying an accepted policy and matching its rules
 * against the tasks of a small embedded spec.  An error must have a
 * message; an accepted file must apply or fail with one.
 */
#include <stdlib.h>
#include <string.h>

#include "model/dag.h"
#include "fuzz.h"
#include "model/policy.h"
#include "model/policy_file.h"
#include "load/spec.h"
#include "base/banned.h"

static const char spec_text[] =
	"components:\n"
	"  comp-a:\n"
	"    executorLabel: exec-a\n"
	"deploymentSpec:\n"
	"  executors:\n"
	"    exec-a:\n"
	"      container: {image: 'gcr.io/x/trainer:1.2', command: [python]}\n"
	"pipelineInfo: {name: fuzz-policy}\n"
	"root:\n"
	"  dag:\n"
	"    tasks:\n"
	"      train-model:\n"
	"        cachingOptions: {enableCache: true}\n"
	"        componentRef: {name: comp-a}\n"
	"      '%odd name':\n"
	"        componentRef: {name: comp-a}\n"
	"schemaVersion: 2.1.0\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spec *s;          /* parsed once, kept for the process */
	static struct dag *d;
	struct policy_file *pf = NULL;
	struct policy p;
	size_t i, k;

	if (!s) {
		struct dag_options o;
		memset(&o, 0, sizeof(o));
		if (spec_load_buf(&s, spec_text, sizeof(spec_text) - 1, "embedded.yaml", NULL) < 0 ||
		    dag_build(&d, s, &o) < 0)
			die("fuzz_policy: embedded spec: %s", err_msg());
	}
	err_clear();
	if (policy_file_load_buf(&pf, (const char *)data, size, "fuzz.json") < 0) {
		if (!strcmp(err_msg(), "unknown error") || pf)
			abort();
		return 0;
	}
	policy_init(&p);
	err_clear();
	if (policy_apply_file(&p, pf) == 0) {
		for (k = 0; k < pf->nrules; k++)
			for (i = 0; i < d->ntasks; i++)
				(void)policy_rule_matches(&pf->rules[k], d->tasks[i], d->pipeline_name);
	} else if (!strcmp(err_msg(), "unknown error")) {
		abort();
	}
	policy_file_free(pf);
	return 0;
}
