/*
 * fuzz_analyze.c - the whole analyze flow on arbitrary bytes: spec_load_buf,
 * dag_build, predict_run against a cold cache and against the same spec as
 * baseline (as `analyze --baseline X X` does, one dag per run), then every
 * text report into /dev/null.  The cold run models 2.17; the self run 2.18
 * with the run-level override, so custom cache keys and the override layer
 * are reached too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model/dag.h"
#include "fuzz.h"
#include "model/policy.h"
#include "model/predict.h"
#include "reports/report.h"
#include "load/spec.h"
#include "base/banned.h"

static void reports(const struct prediction *pr)
{
	FILE *fp = fopen("/dev/null", "w");

	if (!fp)
		die("fuzz_analyze: cannot open /dev/null");
	report_csv_write(fp, pr);
	report_fingerprint_csv(fp, pr);
	report_dot_write(fp, pr);
	report_summary(fp, pr, NULL);
	/* The review formats escape every name themselves (HTML needs gvc: too slow here). */
	report_md_write(fp, pr, NULL);
	report_json_write(fp, pr, NULL);
	fclose(fp);
}

static void cold(const struct spec *s, const struct dag_options *o)
{
	struct policy pol;
	struct dag *d = NULL;
	struct cache *c = cache_new();
	struct prediction *pr = NULL;

	policy_init(&pol);
	if (dag_build(&d, s, o) == 0 && predict_run(&pr, d, &pol, c, "current", NULL) == 0)
		reports(pr);
	prediction_free(pr);
	dag_free(d);
	cache_free(c);
}

static void self(const struct spec *s, const struct dag_options *o)
{
	struct policy pol;
	struct dag *bd = NULL, *d = NULL;
	struct cache *c = cache_new();
	struct prediction *bp = NULL, *pr = NULL;
	const struct predict_options commit = { .commit = true };

	policy_init(&pol);
	policy_set_version(&pol, "2.18");
	pol.run_caching = 1;
	if (dag_build(&bd, s, o) == 0 &&
	    predict_run(&bp, bd, &pol, c, "baseline-1", &commit) == 0 &&
	    dag_build(&d, s, o) == 0 &&
	    predict_run(&pr, d, &pol, c, "current", NULL) == 0)
		reports(pr);
	prediction_free(pr);
	prediction_free(bp);
	dag_free(d);
	dag_free(bd);
	cache_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec *s = NULL;
	struct dag_options o = { 0 };

	if (spec_load_buf(&s, (const char *)data, size, "fuzz", NULL) < 0)
		return 0;
	o.params = s->run_params;
	cold(s, &o);
	self(s, &o);
	spec_free(s);
	return 0;
}
