/*
 * test_policy.c - the policy file loader (schema errors name the JSON
 * path), the presets, glob checks, Kubernetes quantities for the cost of
 * misses, and --fail-on parsing and evaluation.
 */
#include "t.h"

#include "model/cost.h"
#include "model/gate.h"
#include "model/policy_file.h"

static int load(const char *text, struct policy_file **out)
{
	return policy_file_load_buf(out, text, strlen(text), "p.json");
}

static void expect_error(const char *text, const char *msg)
{
	struct policy_file *pf = NULL;

	CHECK(load(text, &pf) < 0);
	CHECK_STR(err_msg(), msg);
	policy_file_free(pf);
}

static void test_schema_errors(void)
{
	expect_error("{\"version\": 1, \"rules\": [{\"match\": {}, \"cache\": \"off\"}, {\"match\": {}, \"cache\": \"on\"},"
		     " {\"match\": {\"image\": 5}, \"cache\": \"off\"}]}",
		     "p.json: $.rules[2].match.image: expected a string");
	expect_error("{\"version\": 1, \"deployment\": {\"cache\": true}}",
		     "p.json: $.deployment.cache: expected a string");
	expect_error("{\"version\": 1, \"run\": {\"reach\": \"all\"}}",
		     "p.json: $.run: \"reach\" needs \"caching\"");
	expect_error("{\"version\": 1, \"rules\": [{\"match\": {\"task\": \"a\\\\\"}, \"cache\": \"off\"}]}",
		     "p.json: $.rules[0].match.task: bad glob 'a\\': trailing backslash");
	expect_error("{\"version\": 1, \"rules\": [{\"match\": {\"pipeline\": \"\"}, \"cache\": \"off\"}]}",
		     "p.json: $.rules[0].match.pipeline: bad glob '': empty pattern");
	expect_error("{\"version\": 1, \"rules\": [{\"cache\": \"off\"}]}",
		     "p.json: $.rules[0]: missing \"match\" (use {} to match every task)");
	expect_error("[1]", "p.json: $: expected an object, not a list");
	expect_error("{\"version\": \"1\"}", "p.json: $.version: expected a number");
	expect_error("{\"version\": 1, \"odd key\": 1}",
		     "p.json: $[\"odd key\"]: unknown key (expected version, name, description, kfp_version, publish_logs, deployment, run, compile or rules)");
}

static void test_settings_and_presets(void)
{
	struct policy_file *pf = NULL;
	struct policy p;
	size_t i;

	CHECK(load("{\"version\": 1, \"name\": \"x\", \"kfp_version\": \"2.18\", \"publish_logs\": false,"
		   " \"deployment\": {\"cache\": \"off\"}, \"run\": {\"caching\": \"on\", \"reach\": \"all\"},"
		   " \"compile\": {\"default_caching\": \"off\"},"
		   " \"rules\": [{\"id\": \"r\", \"match\": {\"cache_key\": false}, \"require_cache_key\": true,"
		   " \"severity\": \"error\"}]}", &pf) == 0);
	policy_init(&p);
	CHECK(pf && policy_apply_file(&p, pf) == 0);
	CHECK_INT(p.kfp_minor, 18);
	CHECK(!p.publish_logs);
	CHECK_INT(p.global_cache, 0);
	CHECK_INT(p.run_caching, 1);
	CHECK(p.run_all);
	CHECK(p.compile_default_off);
	CHECK_STR(p.name, "x");
	CHECK_INT(pf->nrules, 1);
	CHECK_STR(pf->rules[0].id, "r");
	CHECK_INT(pf->rules[0].match.cache_key, 0);
	CHECK_INT(pf->rules[0].severity, SEVERITY_ERROR);
	CHECK_INT(pf->rules[0].cache, -1);
	policy_file_free(pf);
	for (i = 0; policy_presets[i]; i++) {
		pf = NULL;
		CHECK(policy_file_load(&pf, policy_presets[i]) == 0);
		CHECK(pf && !strcmp(pf->name, policy_presets[i]));
		policy_file_free(pf);
	}
}

static void test_globs(void)
{
	const char *why = NULL;

	CHECK(policy_glob_ok("exit-handler-1/*/train-*", &why));
	CHECK(policy_glob_ok("for-loop-4\\[0]/deploy-model", &why));
	CHECK(policy_glob_ok("[]a]x", &why));
	CHECK(policy_glob_ok("[!abc]*", &why));
	CHECK(!policy_glob_ok("for-loop-4[0/x", &why));
	CHECK_STR(why, "unterminated '['");
}

static void test_quantities(void)
{
	double v = 0;

	CHECK(cost_parse_quantity("500m", &v) == 0 && v == 0.5);
	CHECK(cost_parse_quantity("2", &v) == 0 && v == 2);
	CHECK(cost_parse_quantity("4Gi", &v) == 0 && v == 4294967296.0);
	CHECK(cost_parse_quantity("32G", &v) == 0 && v == 32e9);
	CHECK(cost_parse_quantity("1e3", &v) == 0 && v == 1000);
	CHECK(cost_parse_quantity("128Mi", &v) == 0 && v == 134217728.0);
	CHECK(cost_parse_quantity("", &v) < 0);
	CHECK(cost_parse_quantity("4GB", &v) < 0);
	CHECK(cost_parse_quantity("-1", &v) < 0);
}

static void test_gate(void)
{
	struct gate g;
	struct gate_values v;
	struct strbuf msgs = STRBUF_INIT;
	size_t counts[SEVERITY_ERROR + 1] = { 0, 2, 1, 0 };
	static const char *const known[] = { "miss", "lint", NULL };

	gate_init(&g);
	CHECK(gate_add(&g, "miss>0, miss<=3") == 0);
	CHECK(gate_add(&g, "lint>=warning") == 0);
	CHECK(gate_add(&g, "lint==error") == 0);
	CHECK_INT(g.n, 4);
	CHECK(gate_check(&g, known) == 0);
	gate_values_init(&v);
	gate_set(&v, "miss", 3);
	v.lint_counts = counts;
	CHECK_INT(gate_eval(&g, &v, " at x", &msgs), 3);
	CHECK_STR(sb_str(&msgs), "--fail-on 'miss>0': miss is 3 at x\n"
		  "--fail-on 'miss<=3': miss is 3 at x\n"
		  "--fail-on 'lint>=warning': 1 finding >= warning at x\n");
	gate_release(&g);
	gate_init(&g);
	CHECK(gate_add(&g, "miss") < 0);
	CHECK(gate_add(&g, ">3") < 0);
	CHECK(gate_add(&g, "miss>x") < 0);
	CHECK(gate_add(&g, "lint>fatal") < 0);
	CHECK(gate_add(&g, "bogus>1") == 0);
	CHECK(gate_check(&g, known) < 0);
	gate_release(&g);
	sb_release(&msgs);
}

int main(void)
{
	TEST(test_schema_errors);
	TEST(test_settings_and_presets);
	TEST(test_globs);
	TEST(test_quantities);
	TEST(test_gate);
	return T_DONE();
}
