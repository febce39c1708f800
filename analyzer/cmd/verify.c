/*
 * cmd/verify.c - `kfpcache verify RUN_ID --cache-db URL --spec SPEC`: what a
 * finished run really did per task (its container executions in ML
 * Metadata: CACHED, COMPLETE, FAILED, CANCELED, and the fingerprint each
 * driver recorded) next to the prediction of the same spec against the
 * live cache as each task's driver saw it (entries written before that
 * driver ran); the accuracy over the run, and --fail-on mismatch>N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "load/cachedb.h"
#include "model/predict.h"
#include "base/banned.h"

enum { V_SPEC = 256, V_FAIL_ON };

const struct opt verify_opts[] = {
	{ "spec", 0, "SPEC", "the compiled spec the run ran (file or REV:PATH) instead of the one the API server stored", V_SPEC, OPT_IN, OPTG_INPUTS, "the run's stored spec" },
	{ "fail-on", 0, "mismatch>N", "exit 4 when more than N tasks' predicted decisions differ from what the run did", V_FAIL_ON, 0, OPTG_OUTPUTS, "none" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

struct verify_args {
	const char *spec;
	long fail_over;          /* -1: no --fail-on */
};

static int on_opt(int id, const char *arg, void *ctx)
{
	struct verify_args *a = ctx;
	char *end;

	if (id == V_SPEC) {
		a->spec = arg;
		return 0;
	}
	if (id == V_FAIL_ON) {
		if (strncmp(arg, "mismatch>", 9) || !arg[9] || arg[9] == '-' ||
		    (a->fail_over = strtol(arg + 9, &end, 10), *end))
			return err_set("--fail-on '%s': expected mismatch>N", arg);
		return 0;
	}
	return -1;
}

/* MLMD Execution.State (metadata_store.proto:307-315) as what the task did. */
static const char *actual_name(int state)
{
	switch (state) {
	case 3: return "MISS";        /* COMPLETE: it ran */
	case 4: return "FAILED";
	case 5: return "HIT";         /* CACHED */
	case 6: return "CANCELED";
	default: return "RUNNING";
	}
}

/* Did the prediction say what happened?  -1: not comparable (UNKNOWN, ambiguous). */
static int matches(const struct task_result *r, const struct cachedb_execution *e, bool ambiguous)
{
	bool ran;

	if (ambiguous || r->decision == DECISION_UNKNOWN)
		return -1;
	if (!e)
		return r->decision == DECISION_NOT_RUN;
	if (e->state == 5)
		return r->decision == DECISION_HIT;
	ran = e->state == 3 || e->state == 4 || e->state == 6;
	return ran && (r->decision == DECISION_MISS || r->decision == DECISION_MISS_UPSTREAM ||
		       r->decision == DECISION_DISABLED);
}

static void print_rows(const struct session *s, size_t *compared, size_t *right,
		       struct strbuf *wrong)
{
	size_t i;

	printf("task,predicted,actual,execution,fingerprint,match\n");
	for (i = 0; i < s->pr->n; i++) {
		const struct task_result *r = &s->pr->results[i];
		const struct task *t = r->task;
		const struct cachedb_execution *e;
		bool amb;
		int m;

		if (!t || t->kind != TASK_CONTAINER)
			continue;
		e = live_run_execution(s, t->path, &amb);
		m = matches(r, e, amb);
		printf("%s,%s,%s,", term_text(t->path), decision_name(r->decision),
		       amb ? "AMBIGUOUS" : e ? actual_name(e->state) : "NOT_RUN");
		if (e)
			printf("%lld", e->id);
		printf(",%s,%s\n",
		       e && r->fingerprint[0] && e->fingerprint[0]
			       ? (strcmp(r->fingerprint, e->fingerprint) ? "differs" : "equal") : "",
		       m < 0 ? "" : m ? "true" : "false");
		if (m < 0)
			continue;
		(*compared)++;
		if (m)
			(*right)++;
		else
			list_add(wrong, t->path);
	}
}

int cmd_verify(int argc, char **argv, const struct command *cmd)
{
	struct verify_args a = { NULL, -1 };
	struct common c;
	struct session s;
	struct strbuf wrong = STRBUF_INIT;
	size_t compared = 0, right = 0, nexec;
	int idx, ret = EXIT_ERROR;
	bool have_session = false;

	common_init(&c);
	idx = cmd_args(argc, argv, cmd, &c, on_opt, &a, 1, 1, "one RUN_ID", &ret);
	if (idx < 0)
		goto done;
	if (!c.cache_db) {
		ret = EXIT_USAGE;
		cmd_usage_error(cmd, "verify needs --cache-db URL");
		goto done;
	}
	c.verify_run = argv[idx];
	have_session = true;
	if (session_run(&s, &c, a.spec, false) < 0) {
		ret = cmd_fail();
		goto done;
	}
	live_run_executions(&s, &nexec);
	printf("run %s: %zu container %s; %s; spec ", term_text(argv[idx]), nexec,
	       nexec == 1 ? "execution" : "executions", term_text(s.live_desc));
	if (a.spec)
		printf("%s\n", term_text(a.spec));
	else
		printf("as stored in %s\n", term_text(s.live_spec_source));
	print_rows(&s, &compared, &right, &wrong);
	printf("accuracy: %zu of %zu tasks", right, compared);
	if (compared)
		printf(" (%.1f%%)", 100.0 * (double)right / (double)compared);
	printf("\n");
	if (fflush(stdout)) {
		fprintf(stderr, "kfpcache: cannot write to stdout\n");
		goto done;
	}
	ret = EXIT_OK;
	if (a.fail_over >= 0 && compared - right > (size_t)a.fail_over) {
		fprintf(stderr, "kfpcache: --fail-on 'mismatch>%ld': %zu %s: %s\n", a.fail_over,
			compared - right, compared - right == 1 ? "mismatch" : "mismatches",
			term_text(sb_str(&wrong)));
		ret = EXIT_GATE;
	}
done:
	if (have_session)
		session_release(&s);
	sb_release(&wrong);
	common_release(&c);
	return ret;
}
