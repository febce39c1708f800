/*
 * cmd/explain.c - `kfpcache explain SPEC TASK`: the decision log for one task,
 * in the order KFP's container driver works (container.go:47-343): each
 * policy layer consulted, each key part against the baseline, the lookup,
 * the decision, and the upstream chain that caused it.  Before them, the
 * conditions that decide whether the task triggers at all (model/trigger.h,
 * kfp-cache-semantics.md §8): a task that does not run has no key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "model/key.h"
#include "model/parts.h"
#include "model/policy_file.h"
#include "model/predict.h"
#include "model/trigger.h"
#include "reports/change.h"
#include "base/banned.h"

const struct opt explain_opts[] = {
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
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
		/* A same_run HIT hands on outputs this run makes: it stays in the chain. */
		if (result_hits_earlier_run(p) || p->decision == DECISION_NONE)
			continue;
		struct strbuf rsb = STRBUF_INIT;
		printf("  %*s<- %s (%s) %s%s%s\n", depth * 2, "", term_text(p->task->path),
		       art[i] ? "artifact" : "parameter", decision_name(p->decision),
		       p->nreasons ? " " : "", term_text(result_reasons_str(&rsb, p)));
		sb_release(&rsb);
		chain(pr, p, depth + 1);
	}
}

static void input_line(void *ctx, const char *name, const char *value)
{
	size_t *n = ctx;

	(*n)++;
	printf("    input %s = %s\n", term_text(name), term_text(value));
}

struct live_inputs {
	const struct prediction *pr;
	struct arena arena;
};

/* A condition input served by a live cache HIT (what predict_run evaluated it with). */
static const struct node *live_input(void *ctx, const struct task_input *in)
{
	struct live_inputs *li = ctx;

	/* Every task is decided once the prediction is made. */
	return parts_live_value(&li->arena, li->pr->results, NULL, in);
}

/* The condition of t: its text, each input it reads with its value, its result. */
static void condition_lines(const struct prediction *pr, const struct task *t,
			    const struct trigger_state *st, const char *role)
{
	struct live_inputs li;
	struct trigger_values tv = { live_input, &li };
	size_t n = 0;

	li.pr = pr;
	arena_init(&li.arena);
	printf("  condition of %s (%s): %s\n", term_text(t->path), role,
	       term_text(task_condition(t)));
	trigger_inputs_with(t, &tv, input_line, &n);
	arena_release(&li.arena);
	if (!n)
		printf("    reads no inputs.parameter_values\n");
	printf("    result: %s", cel_truth_name(st->own));
	if (st->own == CEL_ERROR || st->err.kind == CEL_ERR_UNSUPPORTED)
		printf(" (%s error at byte %zu: %s)", cel_error_kind_name(st->err.kind),
		       st->err.pos, term_text(st->err.msg));
	printf("\n");
}

static bool is_ancestor(const struct task *a, const struct task *t)
{
	for (t = t->parent; t; t = t->parent)
		if (t == a)
			return true;
	return false;
}

/*
 * Whether t triggers, and the conditions that decide it: its own, each
 * enclosing group's, and the condition of the task that decides it when
 * that is reached through dependencies.  Nothing when no condition is
 * involved.  Returns whether the task runs (TRIGGER_YES or MAYBE).
 */
static bool trigger_section(const struct prediction *pr, const struct task *t)
{
	const struct trigger_state *trig = pr->triggers, *st = &trig[t->index];
	const struct task *g;
	bool any = task_condition(t) != NULL, runs = trigger_runs(st);

	for (g = t->parent; g && !any; g = g->parent)
		any = task_condition(g) != NULL;
	if (!any && !st->cause && !st->race)
		goto done;
	switch (st->v) {
	case TRIGGER_YES:
		if (any)
			printf("runs: every condition that decides it is true\n");
		break;
	case TRIGGER_MAYBE:
		printf("conditional: the condition of %s is not known before the run\n",
		       term_text(st->cause->path));
		break;
	case TRIGGER_NO:
		printf("does not run: condition of %s is false\n", term_text(st->cause->path));
		break;
	case TRIGGER_ERROR:
		printf("does not run: KFP cannot evaluate the condition of %s, its driver fails\n",
		       term_text(st->cause->path));
		break;
	case TRIGGER_FAIL:
		printf("does not run: the driver of %s fails: %s\n", term_text(st->cause->path),
		       term_text(trig[st->cause->index].fail_message));
		break;
	}
	if (st->race)
		printf("may not start: the driver of %s fails, and nothing orders this task before it\n",
		       term_text(st->race->path));
	if (task_condition(t))
		condition_lines(pr, t, st, "this task");
	for (g = t->parent; g; g = g->parent)
		if (task_condition(g))
			condition_lines(pr, g, &trig[g->index], "enclosing group");
	if (st->cause && st->cause != t && !is_ancestor(st->cause, t) && task_condition(st->cause))
		condition_lines(pr, st->cause, &trig[st->cause->index], "upstream dependency");
done:
	return runs;
}

/*
 * Why a part depends on its producers: a dsl.OneOf whose branch is not
 * known (parts.c writes its token "oneof?(a|b)"); an artifact of a
 * producer that runs gets new ids; a producer whose own decision is
 * UNKNOWN may run or hit, so it is not called one that runs; any other
 * value from a producer that does not hit is not known before the run.
 */
static const char *upstream_status(const struct prediction *pr, const struct task *t,
				   const struct keypart *kp)
{
	const char *part = kp->name;
	size_t i, k;

	if (kp->text && !strcmp(kp->text, "oneof?(none)"))
		return "from a dsl.OneOf none of whose branches the driver reads triggers";
	if (kp->text && !strncmp(kp->text, "oneof?(", 7))
		return "from a dsl.OneOf whose branch is not known before the run";

	for (i = 0; i < t->ninputs; i++) {
		const struct task_input *in = &t->inputs[i];
		bool runs = in->artifact && in->val.nrefs;
		if (strncmp(part, "input:", 6) || strcmp(part + 6, in->name))
			continue;
		for (k = 0; k < in->val.nrefs; k++) {
			const struct task_result *p = &pr->results[in->val.refs[k].producer->index];
			/* A same-run race runs, or hits the other's new outputs. */
			bool race = result_has_reason(p, REASON_SAME_RUN_RACE);
			enum decision dd = race ? DECISION_MISS : p->decision;
			if (dd == DECISION_UNKNOWN)
				return "from a producer that may run (UNKNOWN)";
			runs = runs && (dd == DECISION_HIT || dd == DECISION_MISS ||
					dd == DECISION_MISS_UPSTREAM || dd == DECISION_DISABLED);
		}
		if (runs)
			return "from a producer that runs";
	}
	return "from a producer whose outputs are not known before the run";
}

/* The value of a part that did not change (or has nothing to compare with), shortened. */
static void value_line(const struct keypart *p, const char *status)
{
	size_t len = strlen(p->text);

	if (len > 100) {
		char *head = xstrndup(p->text, 72);
		printf("  %-22s %s... (%zu bytes) [%s]\n", term_text(p->name), term_text(head), len,
		       status);
		free(head);
	} else {
		printf("  %-22s %s [%s]\n", term_text(p->name), term_text(p->text), status);
	}
}

/* A key part with how it compares to the baseline: its old and new value when it changed. */
static void part_line(const struct prediction *pr, const struct keypart *p,
		      const struct task_result *r)
{
	enum part_status st = result_part_status(r, p);
	const struct keypart *b = result_prev_part(r, p->name);

	if (p->upstream)
		value_line(p, upstream_status(pr, r->task, p));
	else if (st == PART_CHANGED && b && b->text)
		change_print(stdout, "  ", 22, p->name, b->text, p->text, CHANGE_MAX_LINES_EXPLAIN, " [changed]");
	else
		value_line(p, st == PART_NO_BASELINE ? "no baseline" : part_status_name(st));
}

/*
 * An importer has no cache, so no layer turns it off.  CACHEENABLED=false
 * reaches its launcher as --cache_disabled (argocompiler/importer.go:89-91
 * at 2.17.0, :90 on master), which the importer launcher never reads: it
 * re-links the matching artifact all the same
 * (component/importer_launcher.go:168-185), and stays HIT.
 */
static void importer_policy(const struct policy *p, const struct task *t)
{
	printf("importer: never cached; reimport=%s\n",
	       node_get_bool(t->importer, "reimport", false) ? "true (new artifact id every run)"
							     : "false (same artifact id when URI, type and metadata match)");
	if (p->global_cache == 0 && policy_has_global_switch(p))
		printf("deployment: caching off (%s), but importers ignore it: the launcher gets "
		       "--cache_disabled (argocompiler/importer.go:89-91) and re-links the same artifact "
		       "regardless (component/importer_launcher.go:168-185)\n",
		       p->global_source ? term_text(p->global_source) : "CACHEENABLED=false");
}

/* What the key is made of: the policy layers (or the importer's), each part. */
static void key_section(const struct policy *p, const struct prediction *pr,
			const struct task_result *r)
{
	const struct task *t = r->task;
	const struct keypart *gone;
	size_t i;

	if (t->kind == TASK_CONTAINER)
		layers(p, r);
	else
		importer_policy(p, t);
	printf("key parts (against the same task in the newest baseline):\n");
	for (i = 0; i < r->nparts; i++)
		part_line(pr, &r->parts[i], r);
	for (i = 0; (gone = result_removed_part(r, i)); i++)
		change_print(stdout, "  ", 22, gone->name, gone->text, NULL, CHANGE_MAX_LINES_EXPLAIN,
			     " [removed]");
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
	bool runs;

	/* Everything below is for a person: names go through term_text (util.h). */
	printf("task %s\n", term_text(t->path));
	printf("  kind %s, component %s", task_kind_name(t->kind), term_text(t->component));
	if (t->executor_label)
		printf(", executor %s", term_text(t->executor_label));
	if (t->image)
		printf(", image %s", term_text(t->image));
	printf("%s\n", r->conditional ? ", conditional (decision holds if it triggers)" : "");
	if (s->live_desc)
		printf("pipeline %s; %s\n", term_text(s->dag->pipeline_name), term_text(s->live_desc));
	else
		printf("pipeline %s; baseline %s\n", term_text(s->dag->pipeline_name),
		       *s->baseline_desc ? term_text(s->baseline_desc) : "none (cold cache)");
	runs = trigger_section(s->pr, t);
	if (t->kind == TASK_DAG) {
		printf("DAG tasks never consult or write the cache (driver/dag.go); see the tasks inside it.\n");
		return;
	}
	key_section(pol, s->pr, r);
	for (i = 0; i < r->nlog; i++)
		printf("%s\n", term_text(r->log[i]));
	if (runs) {
		printf("symbolic key: %s\n", r->key);
		if (r->fingerprint[0])
			printf("KFP fingerprint: %s\n", r->fingerprint);
		else
			printf("KFP fingerprint: none (%s)\n", r->fingerprint_why ? term_text(r->fingerprint_why) : "n/a");
	} else {
		printf("symbolic key: %s, if it ran: it does not, so it neither looks up nor writes a cache entry\n",
		       r->key);
	}
	printf("decision: %s", decision_name(r->decision));
	if (r->nreasons)
		printf(" %s", term_text(result_reasons_str(&sb, r)));
	if (r->ncauses)
		printf(" (root cause %s, distance %d)", term_text(result_causes_str(&sb, r)), r->distance);
	if (r->hit_exec)
		printf(" from execution %s", term_text(r->hit_exec));
	printf("\n");
	if (runs && (r->decision == DECISION_MISS_UPSTREAM || r->decision == DECISION_UNKNOWN)) {
		printf("upstream chain:\n");
		chain(s->pr, r, 0);
	}
	sb_release(&sb);
}

/* path without its loop iterations: "for-loop-2[0]/op" is "for-loop-2/op". */
static void strip_iters(struct strbuf *out, const char *path)
{
	const char *p;

	sb_reset(out);
	for (p = path; *p; p++) {
		size_t n = *p == '[' ? strspn(p + 1, "0123456789") : 0;
		if (n && p[n + 1] == ']') {
			p += n + 1;
			continue;
		}
		sb_addc(out, *p);
	}
}

/* Does path end with name at a '/', iterations aside ("op" ends "for-loop-2[1]/op")? */
static bool ends_with_task(const char *path, const char *name, struct strbuf *a,
			   struct strbuf *b)
{
	strip_iters(a, path);
	strip_iters(b, name);
	return a->len >= b->len && b->len && !strcmp(a->buf + a->len - b->len, b->buf) &&
	       (a->len == b->len || a->buf[a->len - b->len - 1] == '/');
}

/*
 * An unknown TASK: the paths that end with it (a task named without its
 * enclosing DAGs, each iteration of a loop), else an example of a path.
 */
static void no_task(const struct dag *d, const char *spec, const char *name)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < d->ntasks; i++) {
		if (!ends_with_task(d->tasks[i]->path, name, &a, &b))
			continue;
		if (!n++)
			fprintf(stderr, "kfpcache: %s: no task '%s'; tasks ending with that name:\n",
				term_text(spec), term_text(name));
		if (n <= 10)
			fprintf(stderr, "\t%s\n", term_text(d->tasks[i]->path));
	}
	if (n > 10)
		fprintf(stderr, "\t... and %zu more\n", n - 10);
	if (!n)
		fprintf(stderr, "kfpcache: %s: no task '%s' (tasks are named by path, e.g. '%s')\n",
			term_text(spec), term_text(name),
			d->ntasks ? term_text(d->tasks[0]->path) : "");
	sb_release(&a);
	sb_release(&b);
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
		no_task(s.dag, argv[idx], argv[idx + 1]);
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
