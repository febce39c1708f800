/*
 * cmd/explain.c - `kfpcache explain SPEC TASK`: the decision log for one task,
 * in the order KFP's container driver works (container.go:47-343): each
 * policy layer consulted, each key part against the baseline, the lookup,
 * the decision, and the upstream chain that caused it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "model/key.h"
#include "model/policy_file.h"
#include "model/predict.h"
#include "base/banned.h"

const struct opt explain_opts[] = {
	{ NULL, 0, NULL, NULL, 0, 0 }
};

static void layers(const struct policy *p, const struct task_result *r)
{
	const struct task *t = r->task;
	const struct node *co = node_get(t->spec, "cachingOptions");

	printf("policy layers (highest first):\n");
	if (p->global_cache < 0)
		printf("  1 deployment: CACHEENABLED not given (on)\n");
	else if (!policy_has_global_switch(p))
		printf("  1 deployment: CACHEENABLED=%s ignored: backend %d.%d has no global switch (2.14+)\n",
		       p->global_cache ? "true" : "false", p->kfp_major, p->kfp_minor);
	else
		printf("  1 deployment: CACHEENABLED=%s (%s)\n", p->global_cache ? "true" : "false",
		       term_text(p->global_source));
	if (!p->file)
		printf("  2 policy: no policy file\n");
	else if (r->pol.rule)
		printf("  2 policy: rule '%s' (%s, %s) forces caching %s\n", term_text(r->pol.rule->id),
		       term_text(p->file->source), term_text(r->pol.rule->pointer),
		       r->pol.rule->cache ? "on" : "off");
	else
		printf("  2 policy: no rule of %s sets caching for this task\n", term_text(p->file->source));
	switch (policy_run_reach(p, t)) {
	case RUN_REACH_NONE:
		printf("  3 run: no run-level override\n");
		break;
	case RUN_REACH_ROOT:
		printf("  3 run: enable_caching=%s rewrites this root-DAG task\n",
		       p->run_caching ? "true" : "false");
		break;
	case RUN_REACH_ALL:
		printf("  3 run: enable_caching=%s reaches this nested task (run-off-all: not what KFP's client does)\n",
		       p->run_caching ? "true" : "false");
		break;
	case RUN_REACH_UNREACHED:
		printf("  3 run: enable_caching=%s does not reach this nested task (KFP's client rewrites root.dag.tasks only)\n",
		       p->run_caching ? "true" : "false");
		break;
	}
	if (co)
		printf("  4 spec: cachingOptions.enableCache=%s\n",
		       node_get_bool(co, "enableCache", false) ? "true" : "false (or {})");
	else
		printf("  5 default: no cachingOptions: the backend treats it as off\n");
}

static void chain(const struct prediction *pr, const struct task_result *r, int depth)
{
	struct task **prods;
	bool *art;
	size_t n, i;

	if (depth > 64)
		return;
	n = task_producers(pr->dag, r->task, &prods, &art);
	for (i = 0; i < n; i++) {
		const struct task_result *p = &pr->results[prods[i]->index];
		if (p->decision == DECISION_HIT || p->decision == DECISION_NONE)
			continue;
		struct strbuf rsb = STRBUF_INIT;
		printf("  %*s<- %s (%s) %s%s%s\n", depth * 2, "", term_text(p->task->path),
		       art[i] ? "artifact" : "parameter", decision_name(p->decision),
		       p->nreasons ? " " : "", term_text(result_reasons_str(&rsb, p)));
		sb_release(&rsb);
		chain(pr, p, depth + 1);
	}
}

/* A key part, shortened when long, with how it compares to the baseline. */
static void part_line(const struct keypart *p, const struct task_result *r)
{
	const char *status = "new";
	size_t j, len = strlen(p->text);

	for (j = 0; j < r->nprev; j++)
		if (!strcmp(r->prev[j].name, p->name)) {
			status = !strcmp(r->prev[j].digest, p->digest) ? "same" : "changed";
			break;
		}
	if (!r->prev)
		status = "no baseline";
	if (p->upstream)
		status = "from a producer that runs";
	if (len > 100) {
		char *head = xstrndup(p->text, 72);
		printf("  %-22s %s... (%zu bytes) [%s]\n", term_text(p->name), term_text(head), len,
		       status);
		free(head);
	} else {
		printf("  %-22s %s [%s]\n", term_text(p->name), term_text(p->text), status);
	}
}

/*
 * The whole story of one task, for a person: what it is, how the policy
 * layers set its caching, each key part against the newest baseline, the
 * key and fingerprint, the decision, and the upstream chain behind a miss.
 */
static void explain(const struct policy *pol, const struct session *s, const struct task_result *r)
{
	const struct task *t = r->task;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	/* Everything below is for a person: names go through term_text (util.h). */
	printf("task %s\n", term_text(t->path));
	printf("  kind %s, component %s", task_kind_name(t->kind), term_text(t->component));
	if (t->executor_label)
		printf(", executor %s", term_text(t->executor_label));
	if (t->image)
		printf(", image %s", term_text(t->image));
	printf("%s\n", t->conditional ? ", conditional (decision holds if it triggers)" : "");
	printf("pipeline %s; baseline %s\n", term_text(s->dag->pipeline_name),
	       *s->baseline_desc ? term_text(s->baseline_desc) : "none (cold cache)");
	if (t->kind == TASK_DAG) {
		printf("DAG tasks never consult or write the cache (driver/dag.go); see the tasks inside it.\n");
		return;
	}
	if (t->kind == TASK_CONTAINER)
		layers(pol, r);
	else
		printf("importer: never cached; reimport=%s\n",
		       node_get_bool(t->importer, "reimport", false) ? "true (new artifact id every run)"
								     : "false (same artifact id when URI, type and metadata match)");
	printf("key parts (against the same task in the newest baseline):\n");
	for (i = 0; i < r->nparts; i++)
		part_line(&r->parts[i], r);
	for (i = 0; i < r->nlog; i++)
		printf("%s\n", term_text(r->log[i]));
	printf("symbolic key: %s\n", r->key);
	if (r->fingerprint[0])
		printf("KFP fingerprint: %s\n", r->fingerprint);
	else
		printf("KFP fingerprint: none (%s)\n", r->fingerprint_why ? term_text(r->fingerprint_why) : "n/a");
	printf("decision: %s", decision_name(r->decision));
	if (r->nreasons)
		printf(" %s", term_text(result_reasons_str(&sb, r)));
	if (r->ncauses)
		printf(" (root cause %s, distance %d)", term_text(result_causes_str(&sb, r)), r->distance);
	if (r->hit_exec)
		printf(" from execution %s", term_text(r->hit_exec));
	printf("\n");
	if (r->decision == DECISION_MISS_UPSTREAM || r->decision == DECISION_UNKNOWN) {
		printf("upstream chain:\n");
		chain(s->pr, r, 0);
	}
	sb_release(&sb);
}

int cmd_explain(int argc, char **argv, const struct command *cmd)
{
	struct common c;
	struct session s;
	const struct task_result *r;
	int idx, ret = EXIT_ERROR;
	bool have_session = false;

	common_init(&c);
	idx = cmd_args(argc, argv, cmd, &c, NULL, NULL, 2, 2, "SPEC and TASK", &ret);
	if (idx < 0)
		goto done;
	have_session = true;
	c.keep_log = true;
	if (session_run(&s, &c, argv[idx], true) < 0) {
		ret = cmd_fail();
		goto done;
	}
	r = prediction_find(s.pr, argv[idx + 1]);
	if (!r) {
		fprintf(stderr, "kfpcache: %s: no task '%s' (tasks are named by path, e.g. '%s')\n",
			term_text(argv[idx]), term_text(argv[idx + 1]),
			s.dag->ntasks ? term_text(s.dag->tasks[0]->path) : "");
		goto done;
	}
	explain(&c.pol, &s, r);
	ret = EXIT_OK;
done:
	if (have_session)
		session_release(&s);
	common_release(&c);
	return ret;
}
