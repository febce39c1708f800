/*
 * cmd/diff.c - `kfpcache diff A B`: two versions side by side.  A's run fills
 * the cache; B is predicted against it.  Lists the tasks whose key parts or
 * caching setting changed, that were added or removed, and those whose
 * decision changes only because of an upstream change, with the reason.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "cmd/gating.h"
#include "model/gate.h"
#include "model/predict.h"
#include "reports/change.h"
#include "reports/report.h"
#include "base/banned.h"

enum { D_CSV = 256, D_DOT, D_QUIET };

const struct opt diff_opts[] = {
	{ "csv", 0, "FILE", "write the differing tasks as CSV ('-' for stdout)", D_CSV, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "dot", 0, "FILE", "write B's decision graph with the changed tasks outlined", D_DOT, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "fail-on", 0, "EXPR", "exit 4 when a condition holds: changed>0, affected>5, miss>0, ... (repeatable)", OPT_FAIL_ON, 0, OPTG_OUTPUTS, "none" },
	{ "quiet", 'q', NULL, "no text on stdout", D_QUIET, 0, OPTG_OUTPUTS, "off" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

struct diff_args {
	const char *csv, *dot;
	bool quiet;
	struct gating gating;
};

static int on_opt(int id, const char *arg, void *ctx)
{
	struct diff_args *a = ctx;

	switch (id) {
	case D_CSV: a->csv = arg; return 0;
	case D_DOT: a->dot = arg; return 0;
	case D_QUIET: a->quiet = true; return 0;
	}
	return gating_opt(&a->gating, id, arg);
}

struct diff_row {
	const char *task;
	const char *change;          /* added, removed, changed, affected */
	const struct task_result *a, *b;
	char *parts;                 /* list (util.h) of key parts that differ */
};

static bool caching_differs(const struct task_result *a, const struct task_result *b)
{
	return a->has_policy && b->has_policy &&
	       (a->pol.enabled != b->pol.enabled || a->pol.layer != b->pol.layer);
}

static char *changed_parts(const struct task_result *a, const struct task_result *b)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < b->nparts; i++) {
		bool same = false, found = false;
		for (j = 0; j < a->nparts; j++)
			if (!strcmp(a->parts[j].name, b->parts[i].name)) {
				found = true;
				same = !strcmp(a->parts[j].text, b->parts[i].text) || b->parts[i].upstream;
			}
		if (!found || !same)
			list_add(&sb, b->parts[i].name);
	}
	for (j = 0; j < a->nparts; j++) {
		bool found = false;
		for (i = 0; i < b->nparts; i++)
			found = found || !strcmp(a->parts[j].name, b->parts[i].name);
		if (!found)
			list_add(&sb, a->parts[j].name);
	}
	return sb_detach(&sb, NULL);
}

/*
 * B's outcome is not what A's own next run gets (a is A predicted against
 * its own run): the change caused it.  What A's next run gets already
 * (per-run values, a producer whose caching is off, an unknown value) is
 * not the change's doing, so a file diffed with itself lists nothing.
 */
static bool decision_affected(const struct task_result *a, const struct task_result *b)
{
	struct strbuf ra = STRBUF_INIT, rb = STRBUF_INIT;
	bool differs = a->decision != b->decision ||
		       strcmp(result_reasons_str(&ra, a), result_reasons_str(&rb, b));

	sb_release(&ra);
	sb_release(&rb);
	return differs;
}

static int collect(const struct prediction *pa, const struct prediction *pb,
		   struct diff_row **out, size_t *nout)
{
	struct diff_row *v = NULL;
	size_t n = 0, alloc = 0, i = 0, j = 0;

	while (i < pa->n || j < pb->n) {
		const struct task_result *a = i < pa->n ? &pa->results[i] : NULL;
		const struct task_result *b = j < pb->n ? &pb->results[j] : NULL;
		int c = !a ? 1 : !b ? -1 : path_cmp(a->task->path, b->task->path);
		struct diff_row r;
		memset(&r, 0, sizeof(r));
		if (c < 0) {
			i++;
			if (!task_is_executor(a->task))
				continue;
			r.task = a->task->path;
			r.change = "removed";
			r.a = a;
		} else if (c > 0) {
			j++;
			if (!task_is_executor(b->task))
				continue;
			r.task = b->task->path;
			r.change = "added";
			r.b = b;
		} else {
			i++;
			j++;
			if (!task_is_executor(b->task))
				continue;
			r.task = b->task->path;
			r.a = a;
			r.b = b;
			r.parts = changed_parts(a, b);
			if (*r.parts || caching_differs(a, b))
				r.change = "changed";
			else if (decision_affected(a, b))
				r.change = "affected";
			else {
				free(r.parts);
				continue;
			}
		}
		KC_GROW(v, alloc, n + 1);
		v[n++] = r;
	}
	*out = v;
	*nout = n;
	return 0;
}

static const char *enabled_cell(const struct task_result *r)
{
	if (!r || !r->has_policy)
		return "";
	return r->pol.enabled ? "true" : "false";
}

static int write_csv(FILE *fp, const struct diff_row *rows, size_t n)
{
	static const char *const head[] = {
		"task", "change", "cache_a", "cache_b", "changed_parts", "decision",
		"reason", "root_cause", "distance"
	};
	struct strbuf rsb = STRBUF_INIT, csb = STRBUF_INIT;
	size_t i, k;

	for (k = 0; k < KC_ARRAY_SIZE(head); k++)
		fprintf(fp, "%s%s", k ? "," : "", head[k]);
	fputc('\n', fp);
	for (i = 0; i < n; i++) {
		const struct diff_row *r = &rows[i];
		char dist[32] = "";
		const char *cells[KC_ARRAY_SIZE(head)];
		if (r->b && r->b->distance >= 0)
			snprintf(dist, sizeof(dist), "%d", r->b->distance);
		cells[0] = r->task;
		cells[1] = r->change;
		cells[2] = enabled_cell(r->a);
		cells[3] = enabled_cell(r->b);
		cells[4] = r->parts ? r->parts : "";
		cells[5] = r->b ? decision_name(r->b->decision) : "";
		cells[6] = r->b ? result_reasons_str(&rsb, r->b) : "";
		cells[7] = r->b ? result_causes_str(&csb, r->b) : "";
		cells[8] = dist;
		for (k = 0; k < KC_ARRAY_SIZE(cells); k++) {
			if (k)
				fputc(',', fp);
			report_csv_cell(fp, cells[k]);
		}
		fputc('\n', fp);
	}
	sb_release(&rsb);
	sb_release(&csb);
	return ferror(fp) ? err_set("write error") : 0;
}

static const char *part_text(const struct task_result *r, const char *name)
{
	const struct keypart *p = result_part(r, name);

	return p ? p->text : NULL;
}

/* Under a changed task: each part that differs, A's value -> B's (reports/change.h). */
static void changed_values(FILE *fp, const struct diff_row *r)
{
	struct strbuf item = STRBUF_INIT;
	const char *p = r->parts;

	while (p && list_next(&p, &item) > 0)
		change_print(fp, "             ", 0, sb_str(&item), part_text(r->a, sb_str(&item)),
			     part_text(r->b, sb_str(&item)), CHANGE_MAX_LINES, "");
	sb_release(&item);
}

static void write_text(FILE *fp, const char *na, const char *nb,
		       const struct diff_row *rows, size_t n)
{
	size_t i, cnt[4] = { 0, 0, 0, 0 };
	static const char *const kinds[] = { "added", "removed", "changed", "affected" };
	struct strbuf rsb = STRBUF_INIT, csb = STRBUF_INIT;

	for (i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < 4; k++)
			if (!strcmp(rows[i].change, kinds[k]))
				cnt[k]++;
	}
	/* For a person: names go through term_text (util.h). */
	fprintf(fp, "%s -> %s: %zu %s (added %zu, removed %zu, changed %zu, affected %zu)\n",
		term_text(na), term_text(nb), n, plural(n, "task differs", "tasks differ"), cnt[0], cnt[1], cnt[2], cnt[3]);
	for (i = 0; i < n; i++) {
		const struct diff_row *r = &rows[i];
		fprintf(fp, "  %-8s %s", r->change, term_text(r->task));
		if (r->parts && *r->parts)
			fprintf(fp, " [%s]", term_text(r->parts));
		if (r->a && r->b && caching_differs(r->a, r->b))
			fprintf(fp, " caching %s(%s) -> %s(%s)", r->a->pol.enabled ? "on" : "off",
				layer_name(r->a->pol.layer), r->b->pol.enabled ? "on" : "off",
				layer_name(r->b->pol.layer));
		if (r->b) {
			fprintf(fp, " -> %s", decision_name(r->b->decision));
			if (r->b->nreasons)
				fprintf(fp, " %s", term_text(result_reasons_str(&rsb, r->b)));
			if (r->b->distance > 0)
				fprintf(fp, " (root cause %s, distance %d)",
					term_text(result_causes_str(&csb, r->b)), r->b->distance);
		}
		fputc('\n', fp);
		if (r->a && r->b)
			changed_values(fp, r);
	}
	sb_release(&rsb);
	sb_release(&csb);
}

/* --fail-on metrics of diff besides the prediction's (B's). */
static const char *const diff_metrics[] = {
	"changed", "added", "removed", "affected", NULL
};

/* --fail-on: the change counts, and B's decisions. */
static int diff_gate(struct gating *g, const struct prediction *pb,
		     const struct diff_row *rows, size_t n)
{
	struct gate_values v;
	struct cost cost;
	size_t i, k;

	gate_values_init(&v);
	for (k = 0; diff_metrics[k]; k++)
		gate_set(&v, diff_metrics[k], 0);
	for (i = 0; i < n; i++)
		for (k = 0; diff_metrics[k]; k++)
			if (!strcmp(rows[i].change, diff_metrics[k]))
				gate_set(&v, diff_metrics[k], v.values[k] + 1);
	cost_compute(&cost, pb, NULL);
	gate_values_prediction(&v, pb, &cost);
	gate_eval(&g->gate, &v, NULL, &g->msgs);
	return cmd_gate_exit(sb_str(&g->msgs), EXIT_OK);
}

/* One version to load: its spec and DAG, or the message of its failure. */
struct version {
	const char *arg;
	const struct common *c;
	const struct dag_options *o;
	struct spec *spec;
	struct dag *dag;
	char *error;
};

static void *load_version(void *arg)
{
	struct version *v = arg;

	if (spec_load(&v->spec, v->arg, v->c->repo, &v->c->limits) < 0 ||
	    dag_build(&v->dag, v->spec, v->o) < 0)
		v->error = xstrdup(err_msg());
	return NULL;
}

/*
 * A and B are independent until A's run fills the cache: B is read and
 * built on a thread of its own while A is on this one (as history's
 * loaders do), unless both are stdin.  A's failure is reported first,
 * as when they load in turn.
 */
static int load_versions(struct version *a, struct version *b)
{
	pthread_t th;
	bool threaded = strcmp(a->arg, "-") || strcmp(b->arg, "-");

	if (threaded && pthread_create(&th, NULL, load_version, b))
		threaded = false;
	load_version(a);
	if (threaded)
		pthread_join(th, NULL);
	else if (!a->error)
		load_version(b);
	if (a->error || b->error)
		return err_set("%s", a->error ? a->error : b->error);
	return 0;
}

/*
 * Load A and B (side by side), predict A into a fresh cache, then A again
 * and B against its run (with --cache-db: A and B both against the live
 * state), pair the tasks, write CSV and DOT, print the table, gate.  One
 * linear sequence over the owned objects (two versions, three
 * predictions, the cache, the rows, the highlight set) released under one
 * label; helpers would only pass them all along.
 */
int cmd_diff(int argc, char **argv, const struct command *cmd)
{
	struct diff_args a;
	struct common c;
	struct version va, vb;
	struct dag *da, *db;
	struct cache *cache = NULL;
	struct prediction *pa = NULL, *pa_next = NULL, *pb = NULL;
	struct diff_row *rows = NULL;
	struct strmap hl = STRMAP_INIT;
	struct dag_options o;
	struct outset os;
	struct session live_s;
	struct live_cache live;
	struct predict_options now = { .ns = NULL };
	size_t n = 0, i;
	int idx, ret = EXIT_ERROR;
	FILE *fp;

	memset(&a, 0, sizeof(a));
	memset(&live_s, 0, sizeof(live_s));
	memset(&va, 0, sizeof(va));
	memset(&vb, 0, sizeof(vb));
	gating_init(&a.gating);
	common_init(&c);
	outset_init(&os);
	idx = cmd_args(argc, argv, cmd, &c, on_opt, &a, 2, 2, "two specs A and B", &ret);
	if (idx < 0)
		goto done;
	if (cmd_gating_ready(cmd, &a.gating, diff_metrics, false, &ret) < 0)
		goto done;
	common_dag_options(&c, &c.pol, &o);     /* both versions run with the same parameters */
	cache = cache_new();
	now.ns = c.ns;
	va = (struct version){ argv[idx], &c, &o, NULL, NULL, NULL };
	vb = (struct version){ argv[idx + 1], &c, &o, NULL, NULL, NULL };
	if (load_versions(&va, &vb) < 0) {
		ret = cmd_fail();
		goto done;
	}
	da = va.dag;
	db = vb.dag;
	if (c.cache_db) {
		/* Both versions against what the deployment holds now. */
		if (live_open(&live_s, &c, db->pipeline_name, &live) < 0) {
			ret = cmd_fail();
			goto done;
		}
		now.live = &live;
	} else if (predict_run(&pa, da, &c.pol, cache, "A",
			       &(struct predict_options){ .commit = true, .ns = c.ns }) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (predict_run(&pa_next, da, &c.pol, cache, "A", &now) < 0 ||
	    predict_run(&pb, db, &c.pol, cache, "B", &now) < 0) {
		ret = cmd_fail();
		goto done;
	}
	collect(pa_next, pb, &rows, &n);
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].change, "affected") && rows[i].b)
			strmap_put(&hl, rows[i].task, NULL);
	if (a.csv && !strcmp(a.csv, "-")) {
		if (write_csv(stdout, rows, n) < 0)
			goto done;
	} else if (a.csv && (outset_open(&os, a.csv, &fp) < 0 || write_csv(fp, rows, n) < 0)) {
		outset_abort(&os);
		ret = cmd_fail();
		goto done;
	}
	if (a.dot && (outset_open(&os, a.dot, &fp) < 0 ||
		      report_dot_write_highlight(fp, pb, &hl) < 0)) {
		outset_abort(&os);
		ret = cmd_fail();
		goto done;
	}
	if (outset_commit(&os) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (!a.quiet && !(a.csv && !strcmp(a.csv, "-"))) {
		if (live_s.live_desc)
			printf("cache: %s\n", term_text(live_s.live_desc));
		write_text(stdout, argv[idx], argv[idx + 1], rows, n);
	}
	ret = fflush(stdout) ? EXIT_ERROR : diff_gate(&a.gating, pb, rows, n);
done:
	gating_release(&a.gating);
	for (i = 0; i < n; i++)
		free(rows[i].parts);
	free(rows);
	strmap_release(&hl);
	prediction_free(pa);
	prediction_free(pa_next);
	prediction_free(pb);
	cache_free(cache);
	free(live_s.live_desc);
	live_close(live_s.live);
	dag_free(va.dag);
	dag_free(vb.dag);
	spec_free(va.spec);
	spec_free(vb.spec);
	free(va.error);
	free(vb.error);
	common_release(&c);
	return ret;
}
