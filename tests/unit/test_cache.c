/*
 * test_cache.c - the cache table reached directly (model/cache.h): entries
 * scoped by pipeline name and namespace, executions apart from imports, other-scope
 * detection, the newest parts per path; and, through predict_run, a
 * consumer's key assembled from its producer's result.
 */
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "t.h"

#include "model/cache.h"
#include "model/dag.h"
#include "model/policy.h"
#include "model/predict.h"
#include "load/spec.h"

#define K1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define K2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
/* K1 but for one digit within the 96 bits an entry keeps. */
#define K1_BIT95 "0123456789abcdef0123456f89abcdef0123456789abcdef0123456789abcdef"

/* A pipeline's scope in the default namespace, and in namespace ns. */
#define P(name) (&(const struct cache_scope){ (name), "kubeflow" })
#define PN(name, ns) (&(const struct cache_scope){ (name), (ns) })

static void test_lookup_in_scope(void)
{
	struct cache *c = cache_new();
	struct cache_entry e = { NULL, NULL };

	CHECK(cache_is_empty(c));
	CHECK(!cache_lookup(&e, c, CACHE_EXEC, P("train"), K1));
	cache_insert(c, CACHE_EXEC, P("train"), K1, "baseline-1", "sub/train-model");
	CHECK(cache_lookup(&e, c, CACHE_EXEC, P("train"), K1));
	CHECK_STR(e.run, "baseline-1");
	CHECK_STR(e.path, "sub/train-model");
	CHECK(!cache_lookup(&e, c, CACHE_EXEC, P("train"), K2));
	CHECK(!cache_lookup(&e, c, CACHE_EXEC, P("train"), K1_BIT95));
	/* Another pipeline's scope misses, even on the same key. */
	e.run = e.path = NULL;
	CHECK(!cache_lookup(&e, c, CACHE_EXEC, P("train-v2"), K1));
	CHECK(e.run == NULL && e.path == NULL);
	/* Equal keys: the first inserted names the entry. */
	cache_insert(c, CACHE_EXEC, P("train"), K1, "baseline-2", "other");
	CHECK(cache_lookup(&e, c, CACHE_EXEC, P("train"), K1));
	CHECK_STR(e.run, "baseline-1");
	CHECK_STR(e.path, "sub/train-model");
	/* The same key in another scope is its own entry. */
	cache_insert(c, CACHE_EXEC, P("train-v2"), K1, "baseline-2", "train-model");
	CHECK(cache_lookup(&e, c, CACHE_EXEC, P("train-v2"), K1));
	CHECK_STR(e.run, "baseline-2");
	CHECK(cache_lookup(&e, c, CACHE_EXEC, P("train"), K1));
	CHECK_STR(e.run, "baseline-1");
	/* Inserting is not committing a run. */
	CHECK(cache_is_empty(c));
	cache_end_run(c);
	CHECK(!cache_is_empty(c));
	cache_free(c);
	cache_free(NULL);
}

static void test_imports_apart(void)
{
	struct cache *c = cache_new();
	struct cache_entry e;

	cache_insert(c, CACHE_IMPORT, P("train"), K1, "baseline-1", "importer");
	CHECK(cache_lookup(&e, c, CACHE_IMPORT, P("train"), K1));
	CHECK_STR(e.path, "importer");
	CHECK(!cache_lookup(&e, c, CACHE_EXEC, P("train"), K1));
	cache_insert(c, CACHE_EXEC, P("train"), K2, "baseline-1", "make");
	CHECK(!cache_lookup(&e, c, CACHE_IMPORT, P("train"), K2));
	CHECK(cache_lookup(&e, c, CACHE_EXEC, P("train"), K2));
	CHECK_STR(e.path, "make");
	cache_free(c);
}

static void test_other_scopes(void)
{
	struct cache *c = cache_new();

	CHECK(cache_scope_state(c, P("train")) == CACHE_SCOPE_HELD);
	/* Imports alone do not make a pipeline's lookups miss. */
	cache_insert(c, CACHE_IMPORT, P("train"), K1, "baseline-1", "importer");
	CHECK(cache_scope_state(c, P("renamed")) == CACHE_SCOPE_HELD);
	cache_insert(c, CACHE_EXEC, P("train"), K2, "baseline-1", "make");
	CHECK(cache_scope_state(c, P("train")) == CACHE_SCOPE_HELD);
	CHECK(cache_scope_state(c, P("renamed")) == CACHE_SCOPE_OTHER_PIPELINE);
	cache_insert(c, CACHE_EXEC, P("renamed"), K2, "baseline-2", "make");
	CHECK(cache_scope_state(c, P("renamed")) == CACHE_SCOPE_HELD);
	cache_free(c);
}

/*
 * The lookup filters by namespace too (cacheutils/cache.go:105-121): the
 * same pipeline and key in another namespace is no entry, and the state
 * says which half of the scope differs.  No namespace (importers) sees
 * the pipeline's entries wherever they are.
 */
static void test_namespace_scopes(void)
{
	struct cache *c = cache_new();
	struct cache_entry e;

	cache_insert(c, CACHE_EXEC, PN("train", "team-a"), K1, "baseline-1", "make");
	CHECK(cache_lookup(&e, c, CACHE_EXEC, PN("train", "team-a"), K1));
	CHECK(!cache_lookup(&e, c, CACHE_EXEC, PN("train", "team-b"), K1));
	CHECK(!cache_lookup(&e, c, CACHE_EXEC, P("train"), K1));
	CHECK(cache_scope_state(c, PN("train", "team-a")) == CACHE_SCOPE_HELD);
	CHECK(cache_scope_state(c, PN("train", "team-b")) == CACHE_SCOPE_OTHER_NAMESPACE);
	CHECK(cache_scope_state(c, PN("renamed", "team-a")) == CACHE_SCOPE_OTHER_PIPELINE);
	CHECK(cache_scope_state(c, PN("renamed", "team-b")) == CACHE_SCOPE_OTHER_PIPELINE);
	CHECK(cache_scope_state(c, PN("train", NULL)) == CACHE_SCOPE_HELD);
	/* A namespace is not a prefix of the pipeline name. */
	cache_insert(c, CACHE_EXEC, PN("b-train", "team"), K2, "baseline-1", "other");
	CHECK(!cache_lookup(&e, c, CACHE_EXEC, PN("train", "team-b"), K2));
	cache_free(c);
}

/* Many entries: the table grows and keeps every one. */
static void test_many_entries(void)
{
	struct cache *c = cache_new();
	struct cache_entry e;
	char key[65], path[32];
	size_t i, found = 0, wrong = 0;

	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "%016llx%016llx%032d",
			 (unsigned long long)(i * 0x9e3779b97f4a7c15ULL), (unsigned long long)i, 0);
		snprintf(path, sizeof(path), "t%zu", i);
		cache_insert(c, CACHE_EXEC, P(i % 2 ? "odd" : "even"), key, "r", path);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "%016llx%016llx%032d",
			 (unsigned long long)(i * 0x9e3779b97f4a7c15ULL), (unsigned long long)i, 0);
		snprintf(path, sizeof(path), "t%zu", i);
		if (cache_lookup(&e, c, CACHE_EXEC, P(i % 2 ? "odd" : "even"), key))
			found++, wrong += strcmp(e.path, path) != 0;
		if (cache_lookup(&e, c, CACHE_EXEC, P(i % 2 ? "even" : "odd"), key))
			wrong++;
	}
	CHECK_INT(found, 5000);
	CHECK_INT(wrong, 0);
	cache_free(c);
}

/*
 * Entries over many runs and two scopes, past a chunk of entries: each
 * lookup names the run and path that created it, and a key inserted again
 * by a later run keeps its first run.
 */
static void test_runs_by_segment(void)
{
	struct cache *c = cache_new();
	struct cache_entry e;
	char key[65], path[32], run[32];
	size_t i, wrong = 0;

	for (i = 0; i < 9000; i++) {
		snprintf(key, sizeof(key), "%016llx%016llx%032d",
			 (unsigned long long)(i * 0x9e3779b97f4a7c15ULL), (unsigned long long)i, 0);
		snprintf(path, sizeof(path), "t%zu", i % 300);
		snprintf(run, sizeof(run), "run-%zu", i / 300);
		cache_insert(c, CACHE_EXEC, P(i % 7 ? "a" : "b"), key, run, path);
	}
	/* Run 30 again with run 0's first key: the entry stays run 0's. */
	snprintf(key, sizeof(key), "%016llx%016llx%032d", 0ULL, 0ULL, 0);
	cache_insert(c, CACHE_EXEC, P("b"), key, "run-30", "t5");
	for (i = 0; i < 9000; i++) {
		snprintf(key, sizeof(key), "%016llx%016llx%032d",
			 (unsigned long long)(i * 0x9e3779b97f4a7c15ULL), (unsigned long long)i, 0);
		snprintf(path, sizeof(path), "t%zu", i % 300);
		snprintf(run, sizeof(run), "run-%zu", i / 300);
		if (!cache_lookup(&e, c, CACHE_EXEC, P(i % 7 ? "a" : "b"), key) ||
		    strcmp(e.run, run) || strcmp(e.path, path))
			wrong++;
	}
	CHECK_INT(wrong, 0);
	snprintf(key, sizeof(key), "%016llx%016llx%032d", 0ULL, 0ULL, 0);
	CHECK(cache_lookup(&e, c, CACHE_EXEC, P("b"), key));
	CHECK_STR(e.run, "run-0");
	CHECK_STR(e.path, "t0");
	cache_free(c);
}

/* cache_drop_texts: the previous parts keep names, digests and flags, no text. */
static void test_drop_texts(void)
{
	struct cache *c = cache_new();
	struct keypart v[2] = {
		{ "image", "python:3.11", false, "00000000000000aa", false },
		{ "input:x", "(value:x)", true, "00000000000000bb", true },
	};
	const struct keypart *got;
	size_t n = 0;

	cache_drop_texts(c);
	cache_set_parts(c, "make", v, 2);
	got = cache_prev_parts(c, "make", &n);
	CHECK_INT(n, 2);
	if (got && n == 2) {
		CHECK_STR(got[0].name, "image");
		CHECK(got[0].text == NULL);
		CHECK(got[1].text == NULL);
		CHECK_STR(got[0].digest, "00000000000000aa");
		CHECK_STR(got[1].digest, "00000000000000bb");
		CHECK(got[1].upstream && got[1].wild);
	}
	cache_free(c);
}

static void test_parts(void)
{
	struct cache *c = cache_new();
	struct keypart v[2] = {
		{ "image", "python:3.11", false, "00000000000000aa", false },
		{ "input:x", "(value:x)", true, "00000000000000bb", true },
	};
	const struct keypart *got;
	size_t n = 99;

	CHECK(cache_prev_parts(c, "make", &n) == NULL);
	CHECK_INT(n, 0);
	cache_set_parts(c, "make", v, 2);
	got = cache_prev_parts(c, "make", &n);
	CHECK_INT(n, 2);
	if (got && n == 2) {
		CHECK_STR(got[0].name, "image");
		CHECK_STR(got[0].text, "python:3.11");   /* texts are kept: old -> new */
		CHECK(got[0].text != v[0].text);         /* as the cache's own copy */
		CHECK_STR(got[1].digest, "00000000000000bb");
		CHECK(got[1].upstream);
	}
	/* The same names again: the digests are updated. */
	memcpy(v[0].digest, "00000000000000cc", 17);
	cache_set_parts(c, "make", v, 2);
	got = cache_prev_parts(c, "make", &n);
	CHECK(got && n == 2 && !strcmp(got[0].digest, "00000000000000cc"));
	/* Other names: a new set. */
	cache_set_parts(c, "make", v, 1);
	got = cache_prev_parts(c, "make", &n);
	CHECK(got && n == 1 && !strcmp(got[0].name, "image"));
	CHECK(cache_prev_parts(c, "other", &n) == NULL);
	cache_free(c);
}

/* Equal texts are stored once, shared by every path, and follow each path's newest value. */
static void test_part_texts_shared(void)
{
	struct cache *c = cache_new();
	struct keypart a = { "image", "python:3.10", false, "00000000000000aa", false };
	struct keypart b = { "image", "python:3.11", false, "00000000000000bb", false };
	const struct keypart *p1, *p2;
	size_t n;

	cache_set_parts(c, "one", &a, 1);
	cache_set_parts(c, "two", &a, 1);
	p1 = cache_prev_parts(c, "one", &n);
	p2 = cache_prev_parts(c, "two", &n);
	CHECK(p1 && p2 && p1[0].text == p2[0].text);
	/* one moves on; two keeps the old text, which stays valid */
	cache_set_parts(c, "one", &b, 1);
	p1 = cache_prev_parts(c, "one", &n);
	p2 = cache_prev_parts(c, "two", &n);
	CHECK(p1 && p2);
	if (p1 && p2) {
		CHECK_STR(p1[0].text, "python:3.11");
		CHECK_STR(p2[0].text, "python:3.10");
	}
	/* the last user of python:3.10 lets it go (ASan sees a leak or a use after free otherwise) */
	cache_set_parts(c, "two", &b, 1);
	p2 = cache_prev_parts(c, "two", &n);
	CHECK(p2 && !strcmp(p2[0].text, "python:3.11") && p1[0].text == p2[0].text);
	/* and the same text under another digest (a collision) is a copy of its own */
	memcpy(a.digest, "00000000000000bb", 17);
	cache_set_parts(c, "three", &a, 1);
	p1 = cache_prev_parts(c, "three", &n);
	CHECK(p1 && !strcmp(p1[0].text, "python:3.10"));
	cache_free(c);
}

/*
 * z-make -> a-use: an artifact and a parameter.  The consumer's path sorts
 * first, so only the producers-first order makes its producer's result
 * ready when its key is assembled.
 */
static const char pipe_fmt[] =
	"components:\n"
	"  comp-make:\n"
	"    executorLabel: exec-make\n"
	"    outputDefinitions:\n"
	"      artifacts:\n"
	"        data: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}\n"
	"      parameters:\n"
	"        n: {parameterType: NUMBER_INTEGER}\n"
	"  comp-use:\n"
	"    executorLabel: exec-use\n"
	"    inputDefinitions:\n"
	"      artifacts:\n"
	"        data: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}\n"
	"      parameters:\n"
	"        n: {parameterType: NUMBER_INTEGER}\n"
	"deploymentSpec:\n"
	"  executors:\n"
	"    exec-make: {container: {image: '%s', command: [python, make.py]}}\n"
	"    exec-use: {container: {image: 'python:3.11', command: [python, use.py]}}\n"
	"pipelineInfo: {name: make-use}\n"
	"root:\n"
	"  dag:\n"
	"    tasks:\n"
	"      z-make:\n"
	"        cachingOptions: {enableCache: true}\n"
	"        componentRef: {name: comp-make}\n"
	"      a-use:\n"
	"        cachingOptions: {enableCache: true}\n"
	"        componentRef: {name: comp-use}\n"
	"        inputs:\n"
	"          artifacts:\n"
	"            data: {taskOutputArtifact: {producerTask: z-make, outputArtifactKey: data}}\n"
	"          parameters:\n"
	"            n: {taskOutputParameter: {producerTask: z-make, outputParameterKey: n}}\n"
	"schemaVersion: 2.1.0\n"
	"sdkVersion: kfp-2.7.0\n";

static int version_load(struct version *v, const char *image)
{
	return version_load_fmt(v, pipe_fmt, image, "make-use.yaml");
}

static const char *part_text(const struct task_result *r, const char *name)
{
	size_t i;

	for (i = 0; r && i < r->nparts; i++)
		if (!strcmp(r->parts[i].name, name))
			return r->parts[i].text;
	return NULL;
}

/* The consumer's input tokens are its producer's execution and key. */
static void check_tokens(const struct prediction *pr)
{
	const struct task_result *make = prediction_find(pr, "z-make");
	const struct task_result *use = prediction_find(pr, "a-use");
	char want[128];

	if (!make || !use) {
		CHECK(!"both tasks predicted");
		return;
	}
	snprintf(want, sizeof(want), "(%s/data)", make->exec_id);
	CHECK_STR(part_text(use, "input:data"), want);
	snprintf(want, sizeof(want), "(value:%.16s/n)", make->key);
	CHECK_STR(part_text(use, "input:n"), want);
}

static void test_producer_token(void)
{
	struct version base, cur;
	struct cache *c = cache_new();
	struct prediction *bp = NULL, *pr = NULL;
	const struct predict_options commit = { .commit = true };
	const struct task_result *make, *use;
	struct policy p;
	char want[64];

	policy_init(&p);
	if (version_load(&base, "python:3.11") < 0 || version_load(&cur, "python:3.12") < 0) {
		CHECK(!"fixture loads");
		cache_free(c);
		return;
	}
	/* The consumer comes first by path, its producer first in the order. */
	CHECK(base.dag->ntasks == 2 && base.dag->order[0] == dag_find_task(base.dag, "z-make"));
	CHECK(predict_run(&bp, base.dag, &p, c, "baseline-1", &commit) == 0);
	if (!bp)
		goto done;
	check_tokens(bp);
	make = prediction_find(bp, "z-make");
	snprintf(want, sizeof(want), "baseline-1#%.16s", make->key);
	CHECK_STR(make->exec_id, want);

	/* The same spec again: both hit, and the consumer reads the cached execution. */
	CHECK(predict_run(&pr, base.dag, &p, c, "current", NULL) == 0);
	if (!pr)
		goto done;
	check_tokens(pr);
	make = prediction_find(pr, "z-make");
	use = prediction_find(pr, "a-use");
	CHECK(make->decision == DECISION_HIT && use->decision == DECISION_HIT);
	CHECK_STR(make->hit.run, "baseline-1");
	CHECK_STR(make->hit.path, "z-make");
	CHECK_STR(make->exec_id, want);
	CHECK_STR(use->hit.path, "a-use");
	prediction_free(pr);
	pr = NULL;

	/* A new image: the producer runs, so the consumer's artifact is new. */
	CHECK(predict_run(&pr, cur.dag, &p, c, "current", NULL) == 0);
	if (!pr)
		goto done;
	check_tokens(pr);
	make = prediction_find(pr, "z-make");
	use = prediction_find(pr, "a-use");
	CHECK(make->decision == DECISION_MISS);
	CHECK(use->decision == DECISION_MISS_UPSTREAM);
	CHECK(use->ncauses == 1 && use->causes[0] == make->task);
	CHECK_INT(use->distance, 1);
done:
	prediction_free(pr);
	prediction_free(bp);
	cache_free(c);
	version_release(&cur);
	version_release(&base);
}

/* A key part for the static index: name, a digest, wild or not. */
static struct keypart sp(const char *name, const char *digest, bool wild)
{
	struct keypart k;

	memset(&k, 0, sizeof(k));
	k.name = name;
	k.wild = wild;
	snprintf(k.digest, sizeof(k.digest), "%s", digest);
	return k;
}

static void test_static_index(void)
{
	struct cache *c = cache_new();
	struct keypart entry[3], cur[3];

	entry[0] = sp("image", "00000000000000a1", false);
	entry[1] = sp("input:tag", "00000000000000b1", false);
	entry[2] = sp("input:epochs", "00000000000000c1", false);
	CHECK(!cache_static_match(c, P("train"), entry, 3));
	cache_static_insert(c, P("train"), entry, 3);
	cache_static_insert(c, P("train"), entry, 3);     /* kept once */
	/* A wild input matches any digest; a known one must be equal. */
	cur[0] = entry[0];
	cur[1] = sp("input:tag", "", true);
	cur[2] = entry[2];
	CHECK(cache_static_match(c, P("train"), cur, 3));
	CHECK(!cache_static_match(c, P("other"), cur, 3));
	CHECK(!cache_static_match(c, PN("train", "team-a"), cur, 3));   /* another namespace */
	cur[2] = sp("input:epochs", "00000000000000c2", false);
	CHECK(!cache_static_match(c, P("train"), cur, 3));
	/* A changed image matches nothing, wild inputs or not. */
	cur[0] = sp("image", "00000000000000a2", false);
	cur[2] = sp("input:epochs", "", true);
	CHECK(!cache_static_match(c, P("train"), cur, 3));
	/* Other part names: another bucket. */
	cur[0] = entry[0];
	CHECK(!cache_static_match(c, P("train"), cur, 2));
	/* An entry whose input was wild when written matches any value. */
	entry[2] = sp("input:epochs", "", true);
	cache_static_insert(c, P("train"), entry, 3);
	cur[1] = entry[1];
	cur[2] = sp("input:epochs", "00000000000000c9", false);
	CHECK(cache_static_match(c, P("train"), cur, 3));
	/* A known input whose digest is 0 is not wild: it matches itself only. */
	entry[1] = sp("input:tag", "0000000000000000", false);
	entry[2] = sp("input:epochs", "00000000000000c1", false);
	cache_static_insert(c, P("train"), entry, 3);
	cur[1] = sp("input:tag", "00000000000000b7", false);
	cur[2] = entry[2];
	CHECK(!cache_static_match(c, P("train"), cur, 3));
	cur[1] = entry[1];
	CHECK(cache_static_match(c, P("train"), cur, 3));
	cache_free(c);
}

int main(void)
{
	TEST(test_lookup_in_scope);
	TEST(test_imports_apart);
	TEST(test_other_scopes);
	TEST(test_namespace_scopes);
	TEST(test_many_entries);
	TEST(test_runs_by_segment);
	TEST(test_drop_texts);
	TEST(test_parts);
	TEST(test_part_texts_shared);
	TEST(test_producer_token);
	TEST(test_static_index);
	return T_DONE();
}
