/*
 * test_model.c - the model reached directly, without the command layer: a
 * small train-like spec loaded from a buffer (spec_load_buf), its DAG
 * (dag_build), the policy layers (policy_eval) and the decisions
 * (predict_run) against a cache a baseline run filled (commit).
 */
#include "fixture.h"
#include "t.h"

#include "model/dag.h"
#include "model/policy.h"
#include "model/predict.h"
#include "load/spec.h"

/* preprocess -> train-model -> evaluate-model, validate-data (caching off), sub/inner. */
static const char spec_fmt[] =
	"components:\n"
	"  comp-prep:\n"
	"    executorLabel: exec-prep\n"
	"    outputDefinitions:\n"
	"      artifacts:\n"
	"        data: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}\n"
	"  comp-train:\n"
	"    executorLabel: exec-train\n"
	"    inputDefinitions:\n"
	"      artifacts:\n"
	"        data: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}\n"
	"    outputDefinitions:\n"
	"      artifacts:\n"
	"        model: {artifactType: {schemaTitle: system.Model, schemaVersion: 0.0.1}}\n"
	"  comp-eval:\n"
	"    executorLabel: exec-eval\n"
	"    inputDefinitions:\n"
	"      artifacts:\n"
	"        model: {artifactType: {schemaTitle: system.Model, schemaVersion: 0.0.1}}\n"
	"  comp-check:\n"
	"    executorLabel: exec-check\n"
	"  comp-sub:\n"
	"    dag:\n"
	"      tasks:\n"
	"        inner:\n"
	"          cachingOptions: {enableCache: true}\n"
	"          componentRef: {name: comp-check}\n"
	"deploymentSpec:\n"
	"  executors:\n"
	"    exec-prep: {container: {image: 'python:3.11', command: [python, prep.py]}}\n"
	"    exec-train: {container: {image: '%s', command: [python, train.py]}}\n"
	"    exec-eval: {container: {image: 'python:3.11', command: [python, eval.py]}}\n"
	"    exec-check: {container: {image: 'python:3.11', command: [python, check.py]}}\n"
	"pipelineInfo: {name: train-pipeline}\n"
	"root:\n"
	"  dag:\n"
	"    tasks:\n"
	"      preprocess:\n"
	"        cachingOptions: {enableCache: true}\n"
	"        componentRef: {name: comp-prep}\n"
	"      train-model:\n"
	"        cachingOptions: {enableCache: true}\n"
	"        componentRef: {name: comp-train}\n"
	"        dependentTasks: [preprocess]\n"
	"        inputs:\n"
	"          artifacts:\n"
	"            data: {taskOutputArtifact: {producerTask: preprocess, outputArtifactKey: data}}\n"
	"      evaluate-model:\n"
	"        cachingOptions: {enableCache: true}\n"
	"        componentRef: {name: comp-eval}\n"
	"        dependentTasks: [train-model]\n"
	"        inputs:\n"
	"          artifacts:\n"
	"            model: {taskOutputArtifact: {producerTask: train-model, outputArtifactKey: model}}\n"
	"      validate-data:\n"
	"        cachingOptions: {}\n"
	"        componentRef: {name: comp-check}\n"
	"      sub:\n"
	"        componentRef: {name: comp-sub}\n"
	"schemaVersion: 2.1.0\n"
	"sdkVersion: kfp-2.7.0\n";

#define TRAINER "gcr.io/acme-ml/trainer:2.3.0"

static int version_load(struct version *v, const char *image)
{
	return version_load_fmt(v, spec_fmt, image, "train.yaml");
}

/*
 * The reason of a result as text: the one place this test reads it, so
 * only this function changes when the reason becomes typed.
 */
/* The reasons as their CSV tokens (the name table's), for readable checks. */
static const char *reason_of(const struct task_result *r)
{
	static struct strbuf sb = STRBUF_INIT;

	return r ? result_reasons_str(&sb, r) : NULL;
}

static const char *decision_of(const struct prediction *pr, const char *path)
{
	const struct task_result *r = prediction_find(pr, path);

	return r ? decision_name(r->decision) : "(no such task)";
}

static int distance_of(const struct prediction *pr, const char *path)
{
	const struct task_result *r = prediction_find(pr, path);

	return r ? r->distance : -99;
}

/*
 * Predict `current` against a cache the baseline's run filled (cold when
 * base is NULL).  *out: prediction_free().
 */
static int predict_against(struct prediction **out, const struct version *base,
			   const struct version *current, const struct policy *p)
{
	struct cache *c = cache_new();
	struct prediction *bp = NULL;
	const struct predict_options commit = { .commit = true };
	int ret = -1;

	*out = NULL;
	if (base && predict_run(&bp, base->dag, p, c, "baseline-1", &commit) < 0)
		goto done;
	if (predict_run(out, current->dag, p, c, "current", NULL) < 0)
		goto done;
	ret = 0;
done:
	prediction_free(bp);
	cache_free(c);
	return ret;
}

static void test_dag_shape(void)
{
	struct version v;
	struct task *t;

	if (version_load(&v, TRAINER) < 0) {
		CHECK(!"fixture loads");
		return;
	}
	CHECK_STR(v.dag->pipeline_name, "train-pipeline");
	CHECK_INT(v.dag->ntasks, 6);          /* five root tasks and sub/inner */
	t = dag_find_task(v.dag, "train-model");
	CHECK(t && t->kind == TASK_CONTAINER && t->in_root);
	CHECK(t && t->image && !strcmp(t->image, TRAINER));
	t = dag_find_task(v.dag, "sub/inner");
	CHECK(t && !t->in_root && t->parent && !strcmp(t->parent->path, "sub"));
	t = dag_find_task(v.dag, "sub");
	CHECK(t && t->kind == TASK_DAG && !task_is_executor(t));
	version_release(&v);
}

static void test_cold(void)
{
	struct version v;
	struct prediction *pr = NULL;
	struct policy p;

	policy_init(&p);
	if (version_load(&v, TRAINER) < 0 || predict_against(&pr, NULL, &v, &p) < 0) {
		CHECK(!"cold prediction");
		version_release(&v);
		return;
	}
	CHECK(pr->cold);
	CHECK_INT(pr->executors, 5);
	CHECK_STR(decision_of(pr, "preprocess"), "MISS");
	CHECK_STR(reason_of(prediction_find(pr, "preprocess")), "cold_cache");
	CHECK_INT(distance_of(pr, "preprocess"), 0);
	CHECK_STR(decision_of(pr, "train-model"), "MISS");
	CHECK_STR(reason_of(prediction_find(pr, "train-model")), "cold_cache");
	CHECK_STR(decision_of(pr, "sub/inner"), "MISS");
	CHECK_STR(decision_of(pr, "validate-data"), "DISABLED");
	CHECK_STR(reason_of(prediction_find(pr, "validate-data")), "spec");
	CHECK_STR(decision_of(pr, "sub"), "");       /* a DAG row has no decision */
	CHECK_INT(pr->counts[DECISION_MISS], 4);
	CHECK_INT(pr->counts[DECISION_DISABLED], 1);
	prediction_free(pr);
	version_release(&v);
}

static void test_warm(void)
{
	struct version base, cur;
	struct prediction *pr = NULL;
	struct policy p;

	policy_init(&p);
	if (version_load(&base, TRAINER) < 0 || version_load(&cur, TRAINER) < 0 ||
	    predict_against(&pr, &base, &cur, &p) < 0) {
		CHECK(!"warm prediction");
		goto done;
	}
	CHECK(!pr->cold);
	CHECK_STR(decision_of(pr, "preprocess"), "HIT");
	CHECK_STR(decision_of(pr, "train-model"), "HIT");
	CHECK_STR(decision_of(pr, "evaluate-model"), "HIT");
	CHECK_STR(decision_of(pr, "sub/inner"), "HIT");
	CHECK_STR(decision_of(pr, "validate-data"), "DISABLED");
	CHECK_INT(pr->counts[DECISION_HIT], 4);
	CHECK(prediction_find(pr, "train-model")->hit_exec != NULL);
done:
	prediction_free(pr);
	version_release(&cur);
	version_release(&base);
}

static void test_image_changed(void)
{
	struct version base, cur;
	struct prediction *pr = NULL;
	struct policy p;
	const struct task_result *r;

	policy_init(&p);
	if (version_load(&base, TRAINER) < 0 ||
	    version_load(&cur, "gcr.io/acme-ml/trainer:2.4.0") < 0 ||
	    predict_against(&pr, &base, &cur, &p) < 0) {
		CHECK(!"prediction with a new trainer image");
		goto done;
	}
	CHECK_STR(decision_of(pr, "preprocess"), "HIT");
	r = prediction_find(pr, "train-model");
	CHECK_STR(decision_of(pr, "train-model"), "MISS");
	CHECK_STR(reason_of(r), "image");
	CHECK_INT(distance_of(pr, "train-model"), 0);
	r = prediction_find(pr, "evaluate-model");
	CHECK_STR(decision_of(pr, "evaluate-model"), "MISS_UPSTREAM");
	CHECK_INT(distance_of(pr, "evaluate-model"), 1);
	/* The typed result: the reason's kind, the root cause as the task itself. */
	CHECK_INT(r->nreasons, 1);
	CHECK_INT(r->reasons[0].kind, REASON_UPSTREAM_ARTIFACT);
	CHECK_INT(r->ncauses, 1);
	CHECK_STR(r->causes[0]->path, "train-model");
	CHECK_INT(r->invalidates, 1);
	CHECK_INT(prediction_find(pr, "train-model")->reasons[0].kind, REASON_CHANGED);
	CHECK_STR(prediction_find(pr, "train-model")->reasons[0].detail, "image");
	CHECK_STR(decision_of(pr, "sub/inner"), "HIT");
	CHECK_INT(pr->counts[DECISION_MISS], 1);
	CHECK_INT(pr->counts[DECISION_MISS_UPSTREAM], 1);
done:
	prediction_free(pr);
	version_release(&cur);
	version_release(&base);
}

static void eval(const struct policy *p, const struct dag *d, const char *path,
		 struct policy_result *out)
{
	memset(out, 0, sizeof(*out));
	policy_eval(p, dag_find_task(d, path), d->pipeline_name, out);
}

static void test_policy_layers(void)
{
	struct version v;
	struct policy p;
	struct policy_result r;

	if (version_load(&v, TRAINER) < 0) {
		CHECK(!"fixture loads");
		return;
	}
	/* The spec's cachingOptions decide when nothing overrides them. */
	policy_init(&p);
	eval(&p, v.dag, "preprocess", &r);
	CHECK(r.enabled);
	CHECK_INT(r.layer, LAYER_SPEC);
	eval(&p, v.dag, "validate-data", &r);
	CHECK(!r.enabled);
	CHECK_INT(r.layer, LAYER_SPEC);

	/* The run override reaches root-DAG tasks only, as KFP's client. */
	p.run_caching = 0;
	eval(&p, v.dag, "preprocess", &r);
	CHECK(!r.enabled);
	CHECK_INT(r.layer, LAYER_RUN);
	eval(&p, v.dag, "sub/inner", &r);
	CHECK(r.enabled);
	CHECK_INT(r.layer, LAYER_SPEC);
	p.run_caching = 1;
	eval(&p, v.dag, "validate-data", &r);
	CHECK(r.enabled);
	CHECK_INT(r.layer, LAYER_RUN);
	/* run_all: the hypothetical override that reaches nested tasks too. */
	p.run_caching = 0;
	p.run_all = true;
	eval(&p, v.dag, "sub/inner", &r);
	CHECK(!r.enabled);
	CHECK_INT(r.layer, LAYER_RUN);

	/* The deployment switch is above them all (backend 2.14+). */
	policy_init(&p);
	p.global_cache = 0;
	p.run_caching = 1;
	eval(&p, v.dag, "preprocess", &r);
	CHECK(!r.enabled);
	CHECK_INT(r.layer, LAYER_DEPLOYMENT);
	version_release(&v);
}

static void test_run_override_decisions(void)
{
	struct version base, cur;
	struct prediction *pr = NULL;
	struct policy p;

	policy_init(&p);
	p.run_caching = 0;
	if (version_load(&base, TRAINER) < 0 || version_load(&cur, TRAINER) < 0 ||
	    predict_against(&pr, &base, &cur, &p) < 0) {
		CHECK(!"prediction with the run override off");
		goto done;
	}
	CHECK_STR(decision_of(pr, "preprocess"), "DISABLED");
	CHECK_STR(decision_of(pr, "train-model"), "DISABLED");
	CHECK_STR(decision_of(pr, "sub/inner"), "HIT");
	CHECK_INT(pr->run_override_unreached, 1);
done:
	prediction_free(pr);
	version_release(&cur);
	version_release(&base);
}

static void test_keep_log(void)
{
	struct version v;
	struct prediction *pr = NULL;
	struct cache *c = cache_new();
	struct policy p;
	const struct predict_options explain = { .keep_log = true };

	policy_init(&p);
	if (version_load(&v, TRAINER) < 0) {
		CHECK(!"fixture loads");
		cache_free(c);
		return;
	}
	/* Without keep_log no decision log is kept; with it each executor has one. */
	CHECK(predict_run(&pr, v.dag, &p, c, "current", NULL) == 0);
	CHECK(pr && prediction_find(pr, "train-model")->nlog == 0);
	prediction_free(pr);
	pr = NULL;
	CHECK(predict_run(&pr, v.dag, &p, c, "current", &explain) == 0);
	CHECK(pr && prediction_find(pr, "train-model")->nlog > 0);
	prediction_free(pr);
	cache_free(c);
	version_release(&v);
}

int main(void)
{
	TEST(test_dag_shape);
	TEST(test_cold);
	TEST(test_warm);
	TEST(test_image_changed);
	TEST(test_policy_layers);
	TEST(test_run_override_decisions);
	TEST(test_keep_log);
	return T_DONE();
}
