/*
 * cmd/verify.c - `kfpcache verify RUN_ID --cache-db URL [--spec SPEC]`: what
 * a finished run really did per task (its container executions in ML
 * Metadata: CACHED, COMPLETE, FAILED, CANCELED, and the fingerprint each
 * driver recorded), matched to task paths through their DAG executions
 * (loop iterations as for-loop-2[1]/task), next to the prediction of the
 * spec it ran (as the API server stored it, or SPEC) against the live
 * cache as each task's driver saw it (entries written before that driver
 * ran, in the run's namespace); the accuracy over the run, and
 * --fail-on mismatch>N.
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
	{ "spec", 0, "SPEC", "the compiled spec the run ran (file or REV:PATH)", V_SPEC, OPT_IN, OPTG_INPUTS, "the one the API server stored for the run" },
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

struct tally {
	size_t compared, right;
	struct strbuf wrong;      /* the mismatched tasks, for --fail-on */
	struct strbuf notes;      /* tasks compared per iteration with one prediction */
};

/* One row: the prediction r next to execution e (NULL: none) of task path `path`. */
static void print_row(const struct task_result *r, const char *path,
		      const struct cachedb_execution *e, bool amb, struct tally *t)
{
	int m = matches(r, e, amb);

	printf("%s,%s,%s,", term_text(path), decision_name(r->decision),
	       amb ? "AMBIGUOUS" : e ? actual_name(e->state) : "NOT_RUN");
	if (e)
		printf("%lld", e->id);
	printf(",%s,%s\n",
	       e && r->fingerprint[0] && e->fingerprint[0]
		       ? (strcmp(r->fingerprint, e->fingerprint) ? "differs" : "equal") : "",
	       m < 0 ? "" : m ? "true" : "false");
	if (m < 0)
		return;
	t->compared++;
	if (m)
		t->right++;
	else
		list_add(&t->wrong, path);
}

#define VERIFY_MAX_ITERATIONS 4096

static void print_rows(const struct session *s, struct tally *t)
{
	const struct cachedb_execution **iters = xcalloc(VERIFY_MAX_ITERATIONS, sizeof(*iters));
	const char **ipaths = xcalloc(VERIFY_MAX_ITERATIONS, sizeof(*ipaths));
	size_t i, k, n;

	printf("task,predicted,actual,execution,fingerprint,match\n");
	for (i = 0; i < s->pr->n; i++) {
		const struct task_result *r = &s->pr->results[i];
		const struct task *task = r->task;
		const struct cachedb_execution *e;
		bool amb;

		if (!task || task->kind != TASK_CONTAINER)
			continue;
		e = live_run_execution(s, task->path, &amb);
		/*
		 * A loop whose items were known only at run time is predicted once
		 * for all iterations: each iteration's execution is compared with
		 * that one prediction (and the notes say so).
		 */
		n = e || amb ? 0 : live_run_iterations(s, task->path, iters, ipaths, VERIFY_MAX_ITERATIONS);
		if (!n) {
			print_row(r, task->path, e, amb, t);
			continue;
		}
		for (k = 0; k < n && k < VERIFY_MAX_ITERATIONS; k++)
			print_row(r, ipaths[k], iters[k], false, t);
		sb_addf(&t->notes, "note: %s: one prediction for all %zu iterations (the loop's items "
			"are known only at run time); each iteration's execution is compared with it%s\n",
			term_text(task->path), n,
			n > VERIFY_MAX_ITERATIONS ? " (the first 4096 only)" : "");
	}
	free(iters);
	free(ipaths);
}

int cmd_verify(int argc, char **argv, const struct command *cmd)
{
	struct verify_args a = { NULL, -1 };
	struct common c;
	struct session s;
	struct tally t = { 0, 0, STRBUF_INIT, STRBUF_INIT };
	size_t nexec;
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
	nexec = live_run_containers(&s);
	printf("run %s: %zu container %s; %s; spec ", term_text(argv[idx]), nexec,
	       nexec == 1 ? "execution" : "executions", term_text(s.live_desc));
	if (a.spec)
		printf("%s\n", term_text(a.spec));
	else
		printf("as stored in %s\n", term_text(s.live_spec_source));
	print_rows(&s, &t);
	printf("accuracy: %zu of %zu tasks", t.right, t.compared);
	if (t.compared)
		printf(" (%.1f%%)", 100.0 * (double)t.right / (double)t.compared);
	printf("\n%s", sb_str(&t.notes));
	if (fflush(stdout)) {
		fprintf(stderr, "kfpcache: cannot write to stdout\n");
		goto done;
	}
	ret = EXIT_OK;
	if (a.fail_over >= 0 && t.compared - t.right > (size_t)a.fail_over) {
		fprintf(stderr, "kfpcache: --fail-on 'mismatch>%ld': %zu %s: %s\n", a.fail_over,
			t.compared - t.right, t.compared - t.right == 1 ? "mismatch" : "mismatches",
			term_text(sb_str(&t.wrong)));
		ret = EXIT_GATE;
	}
done:
	if (have_session)
		session_release(&s);
	sb_release(&t.wrong);
	sb_release(&t.notes);
	common_release(&c);
	return ret;
}
