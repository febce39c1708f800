/*
 * cmd/compare.c - `kfpcache compare SPEC|PATH --policy A --policy B ...`:
 * the same spec under several policies (files or presets), as a matrix of
 * counts per policy and decisions per task, the tasks that differ first.
 * With --history, or when PATH is not a file but a path in the repository,
 * every commit that changed PATH is replayed under each policy, each
 * policy with its own cache (the runs of that policy's earlier versions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/outfile.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "load/history.h"
#include "model/compare.h"
#include "model/gate.h"
#include "model/policy_file.h"
#include "model/walk.h"
#include "reports/report.h"
#include "base/banned.h"

enum { C_HISTORY = 256, C_RANGE, C_FOLLOW, C_CSV, C_COUNTS_CSV, C_MD, C_FAIL_ON, C_QUIET };

const struct opt compare_opts[] = {
	{ "history", 0, NULL, "PATH is a spec in git: compare every commit that changed it", C_HISTORY, 0, OPTG_INPUTS, "off" },
	{ "range", 0, "A..B", "with --history: the commits to report (earlier ones still fill the cache)", C_RANGE, 0, OPTG_INPUTS, "HEAD" },
	{ "follow", 0, NULL, "with --history: follow PATH through renames and copies as git log --follow", C_FOLLOW, 0, OPTG_INPUTS, "off" },
	{ "csv", 0, "FILE", "write the task matrix as CSV ('-' for stdout)", C_CSV, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "counts-csv", 0, "FILE", "write the counts per policy (per commit) as CSV", C_COUNTS_CSV, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "md", 0, "FILE", "write counts and matrix as Markdown", C_MD, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "fail-on", 0, "EXPR", "exit 4 when a condition holds for any policy: miss>0, differ>0, ... (repeatable)", C_FAIL_ON, 0, OPTG_OUTPUTS, "none" },
	{ "quiet", 'q', NULL, "no matrix on stdout", C_QUIET, 0, OPTG_OUTPUTS, "off" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

static const char *const compare_metrics[] = {
	"hit", "miss", "miss_upstream", "disabled", "unknown", "runs", "executors",
	"gpu_miss", "gpu_runs", "differ", NULL
};

struct compare_args {
	bool history, quiet;
	const char *csv, *counts_csv, *md;
	struct hist_options ho;
	struct gate gate;
};

static int on_opt(int id, const char *arg, void *ctx)
{
	struct compare_args *a = ctx;

	switch (id) {
	case C_HISTORY: a->history = true; return 0;
	case C_RANGE: a->ho.range = arg; return 0;
	case C_FOLLOW: a->ho.follow = true; return 0;
	case C_CSV: a->csv = arg; return 0;
	case C_COUNTS_CSV: a->counts_csv = arg; return 0;
	case C_MD: a->md = arg; return 0;
	case C_FAIL_ON: return gate_add(&a->gate, arg);
	case C_QUIET: a->quiet = true; return 0;
	}
	return -1;
}

struct walk_ctx {
	struct compare *cmp;
	size_t pol;
};

static int on_commit(struct walk *w, size_t index, const struct hist_entry *e,
		     const struct prediction *pr, const char *error)
{
	struct walk_ctx *wc = w->ctx;
	char label[13];
	struct compare_block *b;

	snprintf(label, sizeof(label), "%.12s", e->commit);
	b = compare_block(wc->cmp, index, label, e->subject);
	if (pr)
		compare_fill(wc->cmp, b, wc->pol, pr);
	else if (!b->error)
		b->error = arena_strdup(&wc->cmp->arena, error);
	return 0;
}

static int run_history(struct compare *cmp, struct common *c, struct compare_args *a,
		       const char *path, const struct policy *pols)
{
	struct gitrepo *repo = NULL;
	struct hist_entry *entries = NULL;
	struct live_ctx *lc = NULL;
	struct live_cache live;
	size_t n = 0, p, i, kept = 0;
	int ret = -1;

	if (gitrepo_open(&repo, c->repo) < 0 || history_log(repo, path, &a->ho, &entries, &n) < 0)
		goto done;
	/* The live state before the first commit, read once for every policy's walk. */
	if (c->cache_db && live_connect(&lc, c, true, &live) < 0)
		goto done;
	for (p = 0; p < cmp->npolicies; p++) {
		struct walk w;
		struct walk_ctx wc = { cmp, p };
		memset(&w, 0, sizeof(w));
		w.repo = repo;
		w.pol = &pols[p];
		common_dag_options(c, &pols[p], &w.dag_opts);
		w.limits = &c->limits;
		w.spec_path = path;
		w.jobs = default_jobs();
		w.on_commit = on_commit;
		w.ctx = &wc;
		w.live = lc ? &live : NULL;
		w.ns = c->ns;
		if (walk_spec(&w, entries, n, 0, n) < 0)
			goto done;
	}
	if (lc) {
		char *desc = live_describe(lc, c->ns ? c->ns : PREDICT_DEFAULT_NAMESPACE, NULL);
		cmp->source = arena_printf(&cmp->arena, "%s; every commit's run replayed on top", desc);
		free(desc);
	}
	/* Blocks are indexed by entry: drop the ones outside the window. */
	for (i = 0; i < cmp->nblocks; i++) {
		if (!*cmp->blocks[i].label) {
			free(cmp->blocks[i].tasks);
			continue;
		}
		cmp->blocks[kept++] = cmp->blocks[i];
	}
	cmp->nblocks = kept;
	ret = 0;
done:
	live_close(lc);
	history_entries_free(entries, n);
	gitrepo_free(repo);
	return ret;
}

/*
 * One session per policy; the first one's specs (and DAG, where the
 * backends build alike) serve the others, so the spec is parsed once and
 * only the decisions are made per policy.
 */
static int run_spec(struct compare *cmp, struct common *c, const char *spec,
		    const struct policy *pols)
{
	struct session first, s;
	size_t p;
	int ret = -1;

	for (p = 0; p < cmp->npolicies; p++) {
		struct session *cur = p ? &s : &first;
		int r;
		c->pol = pols[p];
		r = session_run_from(cur, c, spec, true, p ? &first : NULL);
		if (r == 0)
			compare_fill(cmp, compare_block(cmp, 0, cmp->what, ""), p, cur->pr);
		if (r == 0 && cur->live_desc && !cmp->source)
			cmp->source = arena_strdup(&cmp->arena, cur->live_desc);
		/* Every policy replays the same baselines; say "none" only once. */
		if (r == 0 && !cur->nb && !c->nbaselines)
			c->cold = true;
		if (p)
			session_release(&s);
		if (r < 0)
			goto done;
	}
	ret = 0;
done:
	if (cmp->npolicies)
		session_release(&first);
	return ret;
}

static int write_out(struct outset *os, const char *path, const struct compare *cmp,
		     int (*fn)(FILE *, const struct compare *))
{
	FILE *fp;

	if (!strcmp(path, "-"))
		return fn(stdout, cmp);
	if (outset_open(os, path, &fp) < 0)
		return -1;
	if (fn(fp, cmp) < 0)
		return err_set("%s: %s", path, err_msg());
	return 0;
}

/* Every (version, policy) against --fail-on. */
static void gate_all(const struct compare *cmp, const struct gate *g, struct strbuf *msgs)
{
	size_t i, p;

	for (i = 0; i < cmp->nblocks; i++) {
		const struct compare_block *b = &cmp->blocks[i];
		for (p = 0; p < cmp->npolicies && !b->error; p++) {
			const struct compare_counts *k = &b->per_policy[p];
			struct gate_values v;
			char where[256];
			gate_values_init(&v);
			gate_set(&v, "hit", (double)k->counts[DECISION_HIT]);
			gate_set(&v, "miss", (double)k->counts[DECISION_MISS]);
			gate_set(&v, "miss_upstream", (double)k->counts[DECISION_MISS_UPSTREAM]);
			gate_set(&v, "disabled", (double)k->counts[DECISION_DISABLED]);
			gate_set(&v, "unknown", (double)k->counts[DECISION_UNKNOWN]);
			gate_set(&v, "runs", (double)(k->counts[DECISION_MISS] +
						      k->counts[DECISION_MISS_UPSTREAM] +
						      k->counts[DECISION_DISABLED]));
			gate_set(&v, "executors", (double)k->executors);
			gate_set(&v, "gpu_miss", (double)k->gpu_miss);
			gate_set(&v, "gpu_runs", (double)k->gpu_runs);
			gate_set(&v, "differ", (double)b->ndiffer);
			snprintf(where, sizeof(where), " under %s%s%s", cmp->policies[p],
				 cmp->history ? " at " : "", cmp->history ? b->label : "");
			gate_eval(g, &v, where, msgs);
		}
	}
}

/*
 * The checks getopt cannot make: two or more policies, known --fail-on
 * metrics, and options that fit the mode.  *history: replay PATH's
 * commits (--history, or a path that is no file here, no REV:PATH and not
 * stdin, which names a spec in git).  The spec is read once for all
 * policies (run_spec), so it may come from stdin.
 */
static int check_args(const struct command *cmd, const struct compare_args *a,
		      const struct common *c, const char *spec, bool *history, int *ret)
{
	struct stat st;
	const char *why = NULL;

	*history = false;
	if (c->npolicy_args < 2)
		why = "give two or more --policy FILE|PRESET to compare";
	else if (gate_check(&a->gate, compare_metrics) < 0)
		why = err_msg();
	if (!why) {
		*history = a->history ||
			   (strcmp(spec, "-") && !strchr(spec, ':') && stat(spec, &st) < 0);
		if (*history && !strcmp(spec, "-"))
			why = "--history replays a path's commits from git: give PATH, not stdin";
		else if (!*history && a->ho.range)
			why = "--range needs --history";
		else if (!*history && a->ho.follow)
			why = "--follow needs --history";
		else if (*history && (c->nbaselines || c->cold))
			why = "a history builds its own cache; --baseline and --cold do not apply";
	}
	if (!why)
		return 0;
	cmd_usage_error(cmd, "%s", why);
	*ret = EXIT_USAGE;
	return -1;
}

/*
 * Load the np policies named by --policy; a name given twice is told apart
 * as "name#2", "name#3", ... (in the policy file's arena).
 */
static int load_policies(struct common *c, size_t np, struct policy_file **pfs,
			 struct policy *pols, const char **names)
{
	size_t p, k, same;

	for (p = 0; p < np; p++) {
		if (common_policy(c, c->policy_args[p], &pfs[p], &pols[p]) < 0)
			return -1;
		for (k = 0, same = 0; k < p; k++)
			same += !strcmp(pfs[k]->name, pfs[p]->name);
		names[p] = same ? arena_printf(&pfs[p]->arena, "%s#%zu", pfs[p]->name, same + 1) :
			pfs[p]->name;
		pols[p].name = names[p];
	}
	return 0;
}

/* The reports asked for, renamed into place together (or none), then the matrix on stdout. */
static int write_reports(struct outset *os, const struct compare_args *a, const struct compare *cmp)
{
	if ((a->csv && write_out(os, a->csv, cmp, report_compare_csv) < 0) ||
	    (a->counts_csv && write_out(os, a->counts_csv, cmp, report_compare_counts_csv) < 0) ||
	    (a->md && write_out(os, a->md, cmp, report_compare_md) < 0) ||
	    outset_commit(os) < 0) {
		outset_abort(os);
		return -1;
	}
	if (!a->quiet && !cmd_on_stdout((const char *const[]){ a->csv, a->counts_csv, a->md }, 3))
		report_compare_text(stdout, cmp);
	return 0;
}

/* Check the options, load the policies, run the spec or its history under each, report, gate. */
int cmd_compare(int argc, char **argv, const struct command *cmd)
{
	struct compare_args a;
	struct common c;
	struct compare cmp;
	struct outset os;
	struct policy_file **pfs = NULL;
	struct policy *pols = NULL;
	const char **names = NULL;
	struct strbuf msgs = STRBUF_INIT;
	bool have_cmp = false, history;
	size_t p, np = 0;
	int idx, ret = EXIT_ERROR;

	memset(&a, 0, sizeof(a));
	gate_init(&a.gate);
	common_init(&c);
	c.multi_policy = true;
	outset_init(&os);
	idx = cmd_args(argc, argv, cmd, &c, on_opt, &a, 1, 1, "one SPEC or PATH", &ret);
	if (idx < 0 || check_args(cmd, &a, &c, argv[idx], &history, &ret) < 0)
		goto done;
	if (c.cache_db_page_size && !history && !c.nbaselines) {
		ret = EXIT_USAGE;
		cmd_usage_error(cmd, "--cache-db-page-size without --baseline or --history: one spec's lookups are indexed queries, no scope is read in pages");
		goto done;
	}
	np = c.npolicy_args;
	pfs = xcalloc(np, sizeof(*pfs));
	pols = xcalloc(np, sizeof(*pols));
	names = xcalloc(np, sizeof(*names));
	if (load_policies(&c, np, pfs, pols, names) < 0) {
		ret = cmd_fail();
		goto done;
	}
	/* Named as the loader names stdin. */
	compare_init(&cmp, strcmp(argv[idx], "-") ? argv[idx] : "<stdin>", names, np, history);
	have_cmp = true;
	if ((history ? run_history(&cmp, &c, &a, argv[idx], pols) :
		       run_spec(&cmp, &c, argv[idx], pols)) < 0) {
		ret = cmd_fail();
		goto done;
	}
	compare_finish(&cmp);
	if (write_reports(&os, &a, &cmp) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (fflush(stdout)) {
		fprintf(stderr, "kfpcache: cannot write to stdout\n");
		goto done;
	}
	gate_all(&cmp, &a.gate, &msgs);
	ret = cmd_gate_exit(sb_str(&msgs), EXIT_OK);
done:
	sb_release(&msgs);
	if (have_cmp)
		compare_release(&cmp);
	for (p = 0; p < np; p++)
		policy_file_free(pfs[p]);
	free(pfs);
	free(pols);
	free(names);
	gate_release(&a.gate);
	c.pol.file = NULL;
	common_release(&c);
	return ret;
}
