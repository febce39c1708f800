/*
 * fuzz_param.c - run parameters from untrusted text.  The input is split
 * into lines: a first line starting with '{' is a params-file JSON object,
 * every other line a --param NAME=VALUE.  They are typed against a small
 * embedded spec whose root takes one input of each KFP parameter type and
 * feeds them to a STRING-typed component input (text form of any value),
 * a ParallelFor over a LIST input with a nested loop over a sub-field, and
 * a custom cache key; then predicted cold and reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/dag.h"
#include "fuzz.h"
#include "model/policy.h"
#include "model/predict.h"
#include "reports/report.h"
#include "load/spec.h"
#include "base/banned.h"

#define MAX_PARAMS 16

static const char spec_text[] =
	"components:\n"
	"  comp-show:\n"
	"    executorLabel: exec-show\n"
	"    inputDefinitions:\n"
	"      parameters:\n"
	"        msg: {parameterType: STRING}\n"
	"        epochs: {parameterType: NUMBER_INTEGER}\n"
	"        rate: {parameterType: NUMBER_DOUBLE}\n"
	"        flag: {parameterType: BOOLEAN}\n"
	"        cfg: {parameterType: STRUCT}\n"
	"        cfg_text: {parameterType: STRING}\n"
	"        items_text: {parameterType: STRING}\n"
	"        opt: {parameterType: STRING, isOptional: true}\n"
	"    outputDefinitions:\n"
	"      parameters:\n"
	"        out: {parameterType: STRING}\n"
	"  comp-for-loop-1:\n"
	"    dag:\n"
	"      tasks:\n"
	"        use-item:\n"
	"          cachingOptions: {enableCache: true}\n"
	"          componentRef: {name: comp-use}\n"
	"          inputs:\n"
	"            parameters:\n"
	"              v: {componentInputParameter: pipelinechannel--items-loop-item}\n"
	"              w: {componentInputParameter: pipelinechannel--items-loop-item,\n"
	"                  parameterExpressionSelector: 'parseJson(string_value)[\"a\"]'}\n"
	"        for-loop-2:\n"
	"          componentRef: {name: comp-for-loop-2}\n"
	"          inputs:\n"
	"            parameters:\n"
	"              pipelinechannel--sub:\n"
	"                componentInputParameter: pipelinechannel--items-loop-item\n"
	"                parameterExpressionSelector: 'parseJson(string_value)[\"sub\"]'\n"
	"          parameterIterator:\n"
	"            itemInput: pipelinechannel--sub-loop-item\n"
	"            items: {inputParameter: pipelinechannel--sub}\n"
	"    inputDefinitions:\n"
	"      parameters:\n"
	"        pipelinechannel--items: {parameterType: LIST}\n"
	"        pipelinechannel--items-loop-item: {parameterType: STRING}\n"
	"  comp-for-loop-2:\n"
	"    dag:\n"
	"      tasks:\n"
	"        use-sub:\n"
	"          cachingOptions: {enableCache: true, cacheKey: k}\n"
	"          componentRef: {name: comp-use}\n"
	"          inputs:\n"
	"            parameters:\n"
	"              v: {componentInputParameter: pipelinechannel--sub-loop-item}\n"
	"              w: {componentInputParameter: pipelinechannel--msg}\n"
	"    inputDefinitions:\n"
	"      parameters:\n"
	"        pipelinechannel--sub: {parameterType: STRING}\n"
	"        pipelinechannel--sub-loop-item: {parameterType: STRING}\n"
	"        pipelinechannel--msg: {parameterType: STRING, isOptional: true}\n"
	"  comp-use:\n"
	"    executorLabel: exec-use\n"
	"    inputDefinitions:\n"
	"      parameters:\n"
	"        v: {parameterType: STRING}\n"
	"        w: {parameterType: STRING}\n"
	"deploymentSpec:\n"
	"  executors:\n"
	"    exec-show:\n"
	"      container: {image: 'python:3.11', command: [python], args: [\"{{$.inputs.parameters['msg']}}\"]}\n"
	"    exec-use:\n"
	"      container: {image: 'python:3.11', command: [echo]}\n"
	"pipelineInfo: {name: fuzz-params}\n"
	"root:\n"
	"  dag:\n"
	"    tasks:\n"
	"      show:\n"
	"        cachingOptions: {enableCache: true}\n"
	"        componentRef: {name: comp-show}\n"
	"        inputs:\n"
	"          parameters:\n"
	"            msg: {componentInputParameter: msg}\n"
	"            epochs: {componentInputParameter: epochs}\n"
	"            rate: {componentInputParameter: rate}\n"
	"            flag: {componentInputParameter: flag}\n"
	"            cfg: {componentInputParameter: cfg}\n"
	"            cfg_text: {componentInputParameter: cfg}\n"
	"            items_text: {componentInputParameter: items}\n"
	"            opt: {componentInputParameter: opt}\n"
	"      for-loop-1:\n"
	"        componentRef: {name: comp-for-loop-1}\n"
	"        dependentTasks: [show]\n"
	"        inputs:\n"
	"          parameters:\n"
	"            pipelinechannel--items: {componentInputParameter: items}\n"
	"        parameterIterator:\n"
	"          itemInput: pipelinechannel--items-loop-item\n"
	"          items: {inputParameter: pipelinechannel--items}\n"
	"  inputDefinitions:\n"
	"    parameters:\n"
	"      msg: {parameterType: STRING, defaultValue: hello}\n"
	"      epochs: {parameterType: NUMBER_INTEGER, defaultValue: 10}\n"
	"      rate: {parameterType: NUMBER_DOUBLE, defaultValue: 0.5}\n"
	"      flag: {parameterType: BOOLEAN, defaultValue: true}\n"
	"      items: {parameterType: LIST, defaultValue: [{a: x, sub: [1, 2]}, {a: y, sub: []}]}\n"
	"      cfg: {parameterType: STRUCT, defaultValue: {lr: 0.1}}\n"
	"      opt: {parameterType: STRING, isOptional: true}\n"
	"schemaVersion: 2.1.0\n";

/* Split the input into NUL-terminated lines: at most one params file, MAX_PARAMS --param. */
static size_t split(char *text, size_t len, const char **params, const char **json)
{
	size_t n = 0, i = 0;

	*json = NULL;
	while (i < len && n < MAX_PARAMS) {
		char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t llen = nl ? (size_t)(nl - line) : len - i;

		line[llen] = '\0';
		if (i == 0 && line[0] == '{')
			*json = line;
		else
			params[n++] = line;
		i += llen + 1;
	}
	params[n] = NULL;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spec *s;          /* parsed once, kept for the process */
	const char *params[MAX_PARAMS + 1], *json;
	char *text = xmalloc(size + 1);
	struct dag *d = NULL;
	struct arena a;
	struct node *pf = NULL;
	struct dag_options o;
	struct policy pol;
	struct cache *c = cache_new();
	struct prediction *pr = NULL;

	memcpy(text, data, size);
	text[size] = '\0';
	split(text, size, params, &json);
	arena_init(&a);
	memset(&o, 0, sizeof(o));
	o.cli_params = params;
	if (json && json_parse(&a, json, strlen(json), "params", NULL, &pf) == 0 &&
	    node_is_map(pf))
		o.params = pf;
	policy_init(&pol);
	policy_set_version(&pol, "2.18");
	/*
	 * The spec is the same for every input and dag_build only reads it:
	 * parse it once (loading it per input held the rate at ~80/s).
	 */
	if (!s && spec_load_buf(&s, spec_text, sizeof(spec_text) - 1, "embedded.yaml", NULL) < 0)
		die("fuzz_param: embedded spec: %s", err_msg());
	if (dag_build(&d, s, &o) == 0 && predict_run(&pr, d, &pol, c, "current", NULL) == 0) {
		FILE *fp = fopen("/dev/null", "w");

		if (!fp)
			die("fuzz_param: cannot open /dev/null");
		report_csv_write(fp, pr);
		/*
		 * Long item lists make thousands of tasks, and cgraph's DOT writer
		 * costs the most per task: draw small DAGs only (fuzz_analyze
		 * covers the writer); the values reach every CSV cell either way.
		 */
		if (d->ntasks <= 64)
			report_dot_write(fp, pr);
		fclose(fp);
	}
	prediction_free(pr);
	dag_free(d);
	cache_free(c);
	arena_release(&a);
	free(text);
	return 0;
}
