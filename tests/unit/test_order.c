/*
 * test_order.c - the order KFP guarantees within one run (model/order.h):
 * dependentTasks at the lowest common DAG, after a whole group, an exit
 * task after its group, parallelism=1 iterations in item order, nothing
 * else; the evaluation order puts what runs first before; dsl.If / dsl.Else
 * terms exclude each other.
 */
#include "fixture.h"
#include "t.h"

#include "model/order.h"

/*
 * a; g (after a) holding b and c (c after b); d after g; exit task e after
 * g; loop l over [1, 2] with parallelism 1 holding f; loop m over [1, 2]
 * holding h; branches br over a's output: if-1 (== 'x') with i, else-2
 * (!(== 'x')) with j.
 */
static const char spec_fmt[] =
	"components:\n"
	"  comp-op:\n"
	"    executorLabel: exec-op\n"
	"    inputDefinitions: {parameters: {v: {parameterType: STRING, isOptional: true}}}\n"
	"    outputDefinitions: {parameters: {Output: {parameterType: STRING}}}\n"
	"  comp-g:\n"
	"    dag:\n"
	"      tasks:\n"
	"        b: {cachingOptions: {enableCache: true}, componentRef: {name: comp-op}}\n"
	"        c: {cachingOptions: {enableCache: true}, componentRef: {name: comp-op}, dependentTasks: [b]}\n"
	"  comp-l:\n"
	"    dag:\n"
	"      tasks:\n"
	"        f: {cachingOptions: {enableCache: true}, componentRef: {name: comp-op}}\n"
	"    inputDefinitions: {parameters: {it: {parameterType: NUMBER_INTEGER}}}\n"
	"  comp-br:\n"
	"    dag:\n"
	"      tasks:\n"
	"        if-1:\n"
	"          componentRef: {name: comp-if}\n"
	"          inputs: {parameters: {p: {componentInputParameter: p}}}\n"
	"          triggerPolicy: {condition: \"inputs.parameter_values['p'] == 'x'\"}\n"
	"        else-2:\n"
	"          componentRef: {name: comp-else}\n"
	"          inputs: {parameters: {p: {componentInputParameter: p}}}\n"
	"          triggerPolicy: {condition: \"!(inputs.parameter_values['p'] == 'x')\"}\n"
	"    inputDefinitions: {parameters: {p: {parameterType: STRING}}}\n"
	"  comp-if:\n"
	"    dag: {tasks: {i: {cachingOptions: {enableCache: true}, componentRef: {name: comp-op}}}}\n"
	"    inputDefinitions: {parameters: {p: {parameterType: STRING}}}\n"
	"  comp-else:\n"
	"    dag: {tasks: {j: {cachingOptions: {enableCache: true}, componentRef: {name: comp-op}}}}\n"
	"    inputDefinitions: {parameters: {p: {parameterType: STRING}}}\n"
	"deploymentSpec:\n"
	"  executors:\n"
	"    exec-op: {container: {image: '%s', command: [echo]}}\n"
	"pipelineInfo: {name: order}\n"
	"root:\n"
	"  dag:\n"
	"    tasks:\n"
	"      a: {cachingOptions: {enableCache: true}, componentRef: {name: comp-op}}\n"
	"      g: {componentRef: {name: comp-g}, dependentTasks: [a]}\n"
	"      d: {cachingOptions: {enableCache: true}, componentRef: {name: comp-op}, dependentTasks: [g]}\n"
	"      e:\n"
	"        cachingOptions: {enableCache: true}\n"
	"        componentRef: {name: comp-op}\n"
	"        dependentTasks: [g]\n"
	"        triggerPolicy: {strategy: ALL_UPSTREAM_TASKS_COMPLETED}\n"
	"      l:\n"
	"        componentRef: {name: comp-l}\n"
	"        iteratorPolicy: {parallelismLimit: 1}\n"
	"        parameterIterator: {itemInput: it, items: {raw: '[1, 2]'}}\n"
	"      m:\n"
	"        componentRef: {name: comp-l}\n"
	"        parameterIterator: {itemInput: it, items: {raw: '[1, 2]'}}\n"
	"      br:\n"
	"        componentRef: {name: comp-br}\n"
	"        dependentTasks: [a]\n"
	"        inputs:\n"
	"          parameters: {p: {taskOutputParameter: {producerTask: a, outputParameterKey: Output}}}\n"
	"schemaVersion: 2.1.0\n"
	"sdkVersion: kfp-2.14.3\n";

static struct version v;
static struct run_order o;

static bool before(const char *x, const char *y)
{
	return run_order_before(&o, dag_find_task(v.dag, x), dag_find_task(v.dag, y));
}

static size_t position(const char *path)
{
	const struct task *t = dag_find_task(v.dag, path);
	size_t i;

	for (i = 0; i < v.dag->ntasks; i++)
		if (o.tasks[i] == t)
			return i;
	return (size_t)-1;
}

static void test_before(void)
{
	CHECK(before("a", "g/b"));           /* g waits for a */
	CHECK(before("g/b", "g/c"));
	CHECK(!before("g/c", "g/b"));
	CHECK(before("g/c", "d"));           /* d after the whole group */
	CHECK(before("g/b", "e"));           /* the exit task after its group */
	CHECK(before("a", "e"));             /* transitively */
	CHECK(!before("d", "e") && !before("e", "d"));
	CHECK(before("l[0]/f", "l[1]/f"));   /* parallelism 1 */
	CHECK(!before("l[1]/f", "l[0]/f"));
	CHECK(!before("m[0]/f", "m[1]/f") && !before("m[1]/f", "m[0]/f"));
	CHECK(!before("l[0]/f", "m[1]/f"));
	CHECK(!before("a", "a"));
	CHECK(run_order_parallelism(dag_find_task(v.dag, "l")) == 1);
	CHECK(run_order_parallelism(dag_find_task(v.dag, "m")) == 0);
}

static void test_evaluation_order(void)
{
	CHECK(!o.cyclic);
	CHECK(position("a") < position("g/b"));
	CHECK(position("g/c") < position("d"));
	CHECK(position("g/c") < position("e"));
	CHECK(position("l[0]/f") < position("l[1]/f"));
}

static void test_exclusive(void)
{
	CHECK(run_order_exclusive(dag_find_task(v.dag, "br/if-1/i"),
				  dag_find_task(v.dag, "br/else-2/j")));
	CHECK(run_order_exclusive(dag_find_task(v.dag, "br/else-2/j"),
				  dag_find_task(v.dag, "br/if-1/i")));
	CHECK(!run_order_exclusive(dag_find_task(v.dag, "br/if-1/i"), dag_find_task(v.dag, "d")));
	CHECK(!run_order_exclusive(dag_find_task(v.dag, "g/b"), dag_find_task(v.dag, "g/c")));
}

int main(void)
{
	if (version_load_fmt(&v, spec_fmt, "python:3.11", "order.yaml") < 0)
		return 1;
	run_order_init(&o, v.dag);
	TEST(test_before);
	TEST(test_evaluation_order);
	TEST(test_exclusive);
	run_order_release(&o);
	version_release(&v);
	return T_DONE();
}
