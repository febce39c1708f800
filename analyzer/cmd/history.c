/*
 * cmd/history.c - `kfpcache history [PATH...]`: what every commit that changed
 * a spec did to the cache, one timeline row per commit (the cache
 * accumulates every earlier run, as KFP's does), with per-commit reports,
 * several specs at once, and --shard K/N for fanning a long history out
 * over CI jobs (`kfpcache merge`, in merge.c, joins the shards' timelines).
 *
 * Sharding: one spec's commits are split into N contiguous ranges; shard K
 * replays the commits before its range to rebuild the cache its first
 * commit sees (the cache at a commit depends on every earlier run) and
 * reports only its range.  Several specs are dealt out whole, round robin.
 * Exit status 3 means the timeline is partial: some versions did not load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/outfile.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "cmd/gating.h"
#include "load/history.h"
#include "model/predict.h"
#include "model/walk.h"
#include "reports/report.h"
#include "reports/timeline.h"
#include "base/banned.h"

enum {
	H_GLOB = 256, H_RANGE, H_SINCE, H_UNTIL, H_ALL_PARENTS, H_FOLLOW, H_MODEL,
	H_CSV, H_OUTDIR, H_QUIET, H_SHARD, H_FOLLOW_THRESHOLD, H_JOBS,
	H_JSON, H_HTML, H_PLOT, H_NO_FOLLOW
};

const struct opt history_opts[] = {
	{ "glob", 0, "PATTERN", "analyze every spec matching PATTERN ('**' spans directories)", H_GLOB, 0, OPTG_INPUTS, "every compiled spec in the tree" },
	{ "range", 0, "A..B", "commits reachable from B but not from A", H_RANGE, 0, OPTG_INPUTS, "HEAD" },
	{ "since", 0, "DATE", "only commits at or after DATE (YYYY-MM-DD[THH:MM:SS+HH:MM])", H_SINCE, 0, OPTG_INPUTS, "no limit" },
	{ "until", 0, "DATE", "only commits at or before DATE", H_UNTIL, 0, OPTG_INPUTS, "no limit" },
	{ "all-parents", 0, NULL, "include commits of merged branches", H_ALL_PARENTS, 0, OPTG_INPUTS, "off: first parents" },
	{ "follow", 0, NULL, "follow the spec through renames and copies as git log --follow", H_FOLLOW, 0, OPTG_INPUTS, "on" },
	{ "no-follow", 0, NULL, "stop where the spec was added under its current name", H_NO_FOLLOW, 0, OPTG_INPUTS, "off" },
	{ "follow-threshold", 0, "PCT", "similarity (git's -M measure) that makes a rename or copy", H_FOLLOW_THRESHOLD, 0, OPTG_INPUTS, "50" },
	{ "cache-model", 0, "cumulative|previous", "cache of every earlier run, or of the previous commit only", H_MODEL, 0, OPTG_CACHE, "cumulative" },
	{ "csv", 0, "FILE", "write the timeline as CSV ('-' for stdout)", H_CSV, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "json", 0, "FILE", "write the timeline as JSON, schema " TIMELINE_JSON_SCHEMA " ('-' for stdout)", H_JSON, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "plot", 0, "FILE", "plot hits and misses per commit as SVG", H_PLOT, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "html", 0, "FILE", "write a self-contained HTML report: the plot and the commit table", H_HTML, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "output-dir", 'o', "DIR", "write DIR/timeline.csv and each commit's CSV and DOT, creating DIR and its parents", H_OUTDIR, OPT_OUTDIR, OPTG_OUTPUTS, "not written" },
	{ "lint", 0, NULL, "lint every commit; list the findings each commit introduced", OPT_LINT, 0, OPTG_OUTPUTS, "off" },
	{ "fail-on", 0, "EXPR", "exit 4 when a condition holds at any commit: miss>0, lint>=warning, ... (repeatable)", OPT_FAIL_ON, 0, OPTG_OUTPUTS, "none" },
	{ "durations", 0, "FILE", "CSV task,seconds from past runs (for seconds_run / seconds_saved)", OPT_DURATIONS, OPT_IN, OPTG_INPUTS, "none" },
	{ "quiet", 'q', NULL, "no summary and no progress", H_QUIET, 0, OPTG_OUTPUTS, "off" },
	CMD_OPT_COLOR,
	{ "shard", 0, "K/N", "this job's share of the work: K of N (join with kfpcache merge)", H_SHARD, 0, OPTG_LIMITS, "1/1" },
	{ "jobs", 'j', "N", "threads: load versions in parallel with predicting", H_JOBS, 0, OPTG_LIMITS, "the cores, at most 4" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

struct history_args {
	const char *glob, *csv, *outdir;
	const char *json, *html, *plot;
	struct hist_options ho;
	bool previous, quiet;
	enum color_mode color;
	unsigned shard_k, shard_n;
	int jobs;
	struct gating gating;
};

static int on_opt(int id, const char *arg, void *ctx)
{
	struct history_args *a = ctx;
	char *end;

	switch (id) {
	case H_GLOB: a->glob = arg; return 0;
	case H_RANGE: a->ho.range = arg; return 0;
	case H_SINCE: return history_parse_date(arg, &a->ho.since);
	case H_UNTIL: return history_parse_date(arg, &a->ho.until);
	case H_ALL_PARENTS: a->ho.all_parents = true; return 0;
	case H_FOLLOW: a->ho.follow = true; return 0;
	case H_NO_FOLLOW: a->ho.follow = false; return 0;
	case H_FOLLOW_THRESHOLD:
		a->ho.follow_threshold = (unsigned)strtoul(arg, &end, 10);
		if (*end || a->ho.follow_threshold < 1 || a->ho.follow_threshold > 100)
			return err_set("--follow-threshold '%s': expected a percentage 1-100", arg);
		return 0;
	case H_MODEL:
		if (!strcmp(arg, "cumulative") || !strcmp(arg, "previous")) {
			a->previous = !strcmp(arg, "previous");
			return 0;
		}
		return err_set("--cache-model takes cumulative or previous, not '%s'", arg);
	case H_JOBS:
		a->jobs = (int)strtol(arg, &end, 10);
		if (*end || a->jobs < 1 || a->jobs > 64)
			return err_set("--jobs '%s': expected 1 to 64", arg);
		return 0;
	case H_CSV: a->csv = arg; return 0;
	case H_JSON: a->json = arg; return 0;
	case H_HTML: a->html = arg; return 0;
	case H_PLOT: a->plot = arg; return 0;
	case H_OUTDIR: a->outdir = arg; return 0;
	case H_QUIET: a->quiet = true; return 0;
	case OPT_COLOR: return cmd_color_mode(arg, &a->color);
	case H_SHARD:
		a->shard_k = (unsigned)strtoul(arg, &end, 10);
		if (*end == '/')
			a->shard_n = (unsigned)strtoul(end + 1, &end, 10);
		if (*end || !a->shard_n || !a->shard_k || a->shard_k > a->shard_n || a->shard_n > 1000)
			return err_set("--shard '%s': expected K/N with 1 <= K <= N", arg);
		return 0;
	}
	return gating_opt(&a->gating, id, arg);
}

/* A file-name-safe form of a spec path: only [A-Za-z0-9._-]. */
static char *slug(const char *path)
{
	char *s = xstrdup(path), *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	return s;
}

struct run_ctx {
	struct history_args *a;
	const char *spec;            /* as named */
	char *dir;                   /* per-commit output dir, or NULL */
	struct outset *os;
	struct timeline_row *rows;   /* every spec's rows so far */
	size_t nrows, alloc;
	size_t errors;               /* commits that did not load */
	struct live_ctx *live;       /* --cache-db: the state before the first commit, or NULL */
	struct live_cache lcache;
};

static int write_commit_reports(struct run_ctx *rc, size_t index, const struct hist_entry *e,
				const struct prediction *pr)
{
	struct strbuf path = STRBUF_INIT;
	FILE *fp;
	int ret = -1;

	sb_addf(&path, "%s/%03zu-%.12s.csv", rc->dir, index + 1, e->commit);
	if (outset_open(rc->os, path.buf, &fp) < 0 || report_csv_write(fp, pr) < 0 ||
	    outset_close_last(rc->os) < 0)
		goto done;
	sb_reset(&path);
	sb_addf(&path, "%s/%03zu-%.12s.dot", rc->dir, index + 1, e->commit);
	if (outset_open(rc->os, path.buf, &fp) < 0 || report_dot_write(fp, pr) < 0 ||
	    outset_close_last(rc->os) < 0)
		goto done;
	ret = 0;
done:
	sb_release(&path);
	return ret;
}

static int on_commit(struct walk *w, size_t index, const struct hist_entry *e,
		     const struct prediction *pr, const char *error)
{
	struct run_ctx *rc = w->ctx;
	struct timeline_row *row;

	KC_GROW(rc->rows, rc->alloc, rc->nrows + 1);
	row = &rc->rows[rc->nrows++];
	memset(row, 0, sizeof(*row));
	row->spec = xstrdup(rc->spec);
	row->seq = index + 1;
	memcpy(row->commit, e->commit, sizeof(row->commit));
	history_format_date(row->date, e->time, e->offset);
	row->time = e->time;
	row->author = xstrdup(e->author);
	row->subject = xstrdup(e->subject);
	row->path = xstrdup(e->path);
	row->error = xstrdup(error ? error : "");
	row->root_causes = xstrdup("");
	if (!pr) {
		if (strcmp(error, "deleted"))
			rc->errors++;
		return 0;
	}
	timeline_row_fill(row, pr);
	/* Every commit's scope is in the source line, even one no lookup needed. */
	if (rc->live && live_note_scope(rc->live, pr->dag->pipeline_name, pr->ns) < 0)
		return -1;
	if (gating_commit(&rc->a->gating, rc->spec, e->commit, pr, w->pol) < 0)
		return -1;
	return rc->dir ? write_commit_reports(rc, index, e, pr) : 0;
}

/*
 * Shard k of n of one spec's in-window commits: contiguous, as equal as
 * possible; [lo, hi) indexes entries.
 */
static void shard_bounds(const struct hist_entry *e, size_t n, unsigned k, unsigned of,
			 size_t *lo, size_t *hi)
{
	size_t total = 0, first, last, seen = 0, i;

	for (i = 0; i < n; i++)
		total += e[i].in_window;
	first = total * (k - 1) / of;
	last = total * k / of;
	*lo = *hi = n;
	for (i = 0; i < n; i++) {
		if (!e[i].in_window)
			continue;
		if (seen == first && *lo == n)
			*lo = i;
		seen++;
		if (seen == last) {
			*hi = i + 1;
			break;
		}
	}
	if (first == last)
		*lo = *hi = 0;
}

/*
 * The specs to replay: the PATHs given, sorted, or every compiled spec in
 * the tree at the tip of --range (HEAD by default) that matches --glob.
 * -1 with *ret set when there are none, or PATHs and --glob both.
 */
static int find_specs(const struct command *cmd, struct gitrepo *repo, const struct history_args *a,
		      char **paths, size_t npaths, char ***specs, size_t *nspecs, int *ret)
{
	const char *rev;
	size_t i;

	if (npaths && a->glob) {
		cmd_usage_error(cmd, "give PATHs or --glob, not both");
		*ret = EXIT_USAGE;
		return -1;
	}
	if (npaths) {
		*nspecs = npaths;
		*specs = xcalloc(npaths, sizeof(**specs));
		for (i = 0; i < npaths; i++)
			(*specs)[i] = xstrdup(paths[i]);
		qsort(*specs, npaths, sizeof(**specs), path_cmp_ptr);
		return 0;
	}
	rev = a->ho.range && strstr(a->ho.range, "..") ? strstr(a->ho.range, "..") + 2 : a->ho.range;
	if (history_discover(repo, rev && *rev ? rev : NULL, a->glob, specs, nspecs) < 0) {
		*ret = cmd_fail();
		return -1;
	}
	if (!*nspecs) {
		fprintf(stderr, "kfpcache: no compiled KFP spec (pipelineInfo, root, deploymentSpec)%s%s in the tree\n",
			a->glob ? " matching " : "", a->glob ? term_text(a->glob) : "");
		*ret = EXIT_ERROR;
		return -1;
	}
	return 0;
}

/*
 * Where one spec's per-commit reports go: --output-dir itself, or a
 * subdirectory named after the spec when there are several; none without
 * --output-dir.
 */
static int spec_dir(struct run_ctx *rc, const char *spec, bool several)
{
	struct strbuf d = STRBUF_INIT;
	char *s;

	free(rc->dir);
	rc->dir = NULL;
	if (!rc->a->outdir)
		return 0;
	if (several) {
		s = slug(spec);
		sb_addf(&d, "%s/%s", rc->a->outdir, s);
		free(s);
	} else {
		sb_adds(&d, rc->a->outdir);
	}
	rc->dir = sb_detach(&d, NULL);
	return outset_mkdir(rc->os, rc->dir);
}

/*
 * Replay one spec's commits, entries[0..n) (only its shard's range when a
 * single spec is sharded), appending a timeline row per commit to
 * rc->rows.  A failed walk removes every output written so far.
 */
static int replay_spec(struct run_ctx *rc, struct gitrepo *repo, struct common *c,
		       const char *spec, bool several, const struct hist_entry *entries, size_t n)
{
	const struct history_args *a = rc->a;
	struct walk w;
	size_t lo, hi;
	int r;

	cmd_note_missing_blobs(spec, entries, n);
	lo = 0;
	hi = n;
	if (!several && a->shard_n)
		shard_bounds(entries, n, a->shard_k, a->shard_n, &lo, &hi);
	memset(&w, 0, sizeof(w));
	w.repo = repo;
	w.pol = &c->pol;
	common_dag_options(c, &c->pol, &w.dag_opts);
	w.limits = &c->limits;
	w.spec_path = spec;
	w.previous_only = a->previous;
	w.jobs = a->jobs ? a->jobs : default_jobs();
	w.progress = !a->quiet && isatty(2) && !getenv("CI");
	w.on_commit = on_commit;
	w.ctx = rc;
	w.live = rc->live ? &rc->lcache : NULL;
	w.ns = c->ns;
	rc->spec = spec;
	if (spec_dir(rc, spec, several) < 0)
		return -1;
	r = walk_spec(&w, entries, n, lo, hi);
	if (r < 0)
		outset_abort(rc->os);
	return r;
}

/*
 * Write the joined timeline to every output asked for; they are renamed
 * into place together, or none is.  -1 with *ret set on failure (a failed
 * write to standard output leaves *ret as it was).
 */
/*
 * --json or --html (as cmd_write_timeline), naming where the state before
 * the first commit came from (--cache-db; NULL: nothing), as the summary's
 * cache: line does; the CSV is the table only.
 */
static int write_sourced(struct outset *os, const char *path, bool html,
			 const struct timeline_row *rows, size_t n, const char *cache)
{
	FILE *fp = stdout;

	if (!path)
		return 0;
	if (strcmp(path, "-") && outset_open(os, path, &fp) < 0)
		return -1;
	if ((html ? timeline_html_write_cache(fp, rows, n, cache)
		  : timeline_json_write_opts(fp, rows, n, false, cache)) < 0)
		return err_set("%s: %s", path, err_msg());
	return 0;
}

static int write_timelines(struct outset *os, const struct history_args *a,
			   const char *timeline_path, const struct timeline_row *all,
			   size_t nall, const char *cache, int *ret)
{
	FILE *fp;

	if (a->csv && !strcmp(a->csv, "-")) {
		if (timeline_csv_write(stdout, all, nall) < 0)
			return -1;
	} else if (a->csv && (outset_open(os, a->csv, &fp) < 0 || timeline_csv_write(fp, all, nall) < 0)) {
		goto fail;
	}
	if (a->outdir &&
	    (outset_open(os, timeline_path, &fp) < 0 || timeline_csv_write(fp, all, nall) < 0))
		goto fail;
	if (write_sourced(os, a->json, false, all, nall, cache) < 0 ||
	    cmd_write_timeline(os, a->plot, timeline_plot_svg, all, nall) < 0 ||
	    write_sourced(os, a->html, true, all, nall, cache) < 0)
		goto fail;
	if (outset_commit(os) < 0) {
		*ret = cmd_fail();
		return -1;
	}
	return 0;
fail:
	outset_abort(os);
	*ret = cmd_fail();
	return -1;
}

/*
 * Parse the options and check them against each other and the files they
 * name; the index of the first PATH, or -1 with *ret set.
 */
static int parse_args(int argc, char **argv, const struct command *cmd, struct history_args *a,
		      struct common *c, struct strbuf *timeline_path, int *ret)
{
	int idx;

	c->defer_claims = true;
	idx = cmd_args(argc, argv, cmd, c, on_opt, a, 0, -1, "PATHs", ret);
	if (idx < 0)
		return -1;
	if (a->outdir) {
		sb_addf(timeline_path, "%s/timeline.csv", a->outdir);
		claims_add(&c->claims, "--output-dir", timeline_path->buf, true);
	}
	if (cmd_claims_check(cmd, c, ret) < 0)
		return -1;
	if (cmd_gating_ready(cmd, &a->gating, NULL, true, ret) < 0)
		return -1;
	if (c->ns && !c->cache_db) {
		cmd_usage_error(cmd, "--namespace without --cache-db: every replayed run is in one namespace, so it changes nothing");
		*ret = EXIT_USAGE;
		return -1;
	}
	return idx;
}

/* The live state's source line, as the summary, JSON and HTML give it.  malloc'd. */
static char *live_source(const struct live_ctx *lc, const struct common *c)
{
	char *desc = live_describe(lc, c->ns ? c->ns : PREDICT_DEFAULT_NAMESPACE, NULL);
	char *line = xstrfmt("%s; every commit's run replayed on top", desc);

	free(desc);
	return line;
}

/*
 * The summary, the partial-timeline warning and the exit status, which
 * --fail-on may raise.
 */
static int finish(struct history_args *a, const struct common *c, const struct run_ctx *rc)
{
	int ret;

	/* As analyze prints its summary: unless -q, or a report is on stdout. */
	if (!a->quiet && !cmd_on_stdout((const char *const[]){ a->csv, a->json, a->plot, a->html }, 4)) {
		struct timeline_print o = { true, cmd_color_on(a->color) };
		if (rc->live) {
			char *desc = live_source(rc->live, c);
			printf("cache: %s\n", term_text(desc));
			free(desc);
		}
		timeline_summary(stdout, rc->rows, rc->nrows, &o);
	}
	if (rc->errors)
		fprintf(stderr, "kfpcache: warning: %zu %s could not be analyzed; the timeline is partial (exit status 3)\n",
			rc->errors, plural(rc->errors, "commit", "commits"));
	ret = fflush(stdout) ? EXIT_ERROR : rc->errors ? EXIT_PARTIAL : EXIT_OK;
	return gating_history(&a->gating, !a->quiet && !(a->csv && !strcmp(a->csv, "-")), ret);
}

/*
 * Check the options, find the specs, replay each (dealt round robin over
 * the shards when there are several), then write the joined timeline,
 * sorted once at the end.
 */
int cmd_history(int argc, char **argv, const struct command *cmd)
{
	struct history_args a;
	struct common c;
	struct gitrepo *repo = NULL;
	struct outset os;
	struct run_ctx rc;
	char **specs = NULL, **mine = NULL;
	char *cache_desc = NULL;
	struct hist_entry **logs = NULL;
	size_t nspecs = 0, nmine = 0, *nlogs = NULL, i;
	struct strbuf timeline_path = STRBUF_INIT;
	int idx, ret = EXIT_ERROR;

	memset(&a, 0, sizeof(a));
	a.ho.follow = true;         /* as git blame, unlike git log: --no-follow */
	gating_init(&a.gating);
	memset(&rc, 0, sizeof(rc));
	common_init(&c);
	outset_init(&os);
	idx = parse_args(argc, argv, cmd, &a, &c, &timeline_path, &ret);
	if (idx < 0)
		goto done;
	if (gitrepo_open(&repo, c.repo) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (find_specs(cmd, repo, &a, argv + idx, (size_t)(argc - idx), &specs, &nspecs, &ret) < 0)
		goto done;
	if (a.outdir && outset_mkdir(&os, a.outdir) < 0) {
		ret = cmd_fail();
		goto done;
	}
	rc.a = &a;
	rc.os = &os;
	if (c.cache_db && live_connect(&rc.live, &c, true, &rc.lcache) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (a.quiet)
		live_quiet(rc.live);
	/* This shard's specs, their commits found in one walk of the history. */
	mine = xcalloc(nspecs, sizeof(*mine));
	for (i = 0; i < nspecs; i++)
		if (!(nspecs > 1 && a.shard_n && i % a.shard_n != a.shard_k - 1))
			mine[nmine++] = specs[i];
	logs = xcalloc(nmine ? nmine : 1, sizeof(*logs));
	nlogs = xcalloc(nmine ? nmine : 1, sizeof(*nlogs));
	if (history_log_many(repo, mine, nmine, &a.ho, logs, nlogs) < 0) {
		ret = cmd_fail();
		goto done;
	}
	for (i = 0; i < nmine; i++) {
		int r = replay_spec(&rc, repo, &c, mine[i], nspecs > 1, logs[i], nlogs[i]);
		history_entries_free(logs[i], nlogs[i]);
		logs[i] = NULL;
		nlogs[i] = 0;
		if (r < 0) {
			ret = cmd_fail();
			goto done;
		}
	}
	timeline_sort(rc.rows, rc.nrows);
	if (rc.live)
		cache_desc = live_source(rc.live, &c);
	if (write_timelines(&os, &a, timeline_path.buf, rc.rows, rc.nrows, cache_desc, &ret) < 0)
		goto done;
	ret = finish(&a, &c, &rc);
done:
	free(cache_desc);
	for (i = 0; i < rc.nrows; i++)
		timeline_row_release(&rc.rows[i]);
	free(rc.rows);
	for (i = 0; logs && i < nmine; i++)
		history_entries_free(logs[i], nlogs[i]);
	free(logs);
	free(nlogs);
	free(mine);
	for (i = 0; i < nspecs; i++)
		free(specs[i]);
	free(specs);
	free(rc.dir);
	outset_abort(&os);      /* after a failure: the temporaries and made directories */
	sb_release(&timeline_path);
	gating_release(&a.gating);
	gitrepo_free(repo);
	live_close(rc.live);
	common_release(&c);
	return ret;
}
