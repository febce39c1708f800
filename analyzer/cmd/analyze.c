/*
 * cmd/analyze.c - `kfpcache analyze SPEC`: decisions for one spec against its
 * baseline(s), a summary on stdout, and the CSV / DOT / SVG / PNG /
 * Markdown / JSON / HTML reports, all committed together only when every
 * one was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "cmd/gating.h"
#include "reports/report.h"
#include "base/banned.h"

/*
 * The report formats, one row each, in the order they are written and
 * listed: the option (and summary label), the extensions --report knows
 * (the first is -o DIR's), whether -o DIR writes it, and its writer.
 * Every format also goes to stdout as '-', which replaces the summary.
 */
enum format { F_CSV, F_DOT, F_SVG, F_PNG, F_MD, F_JSON, F_HTML, F_COUNT };
enum writer_kind { W_TEXT, W_RENDER, W_REVIEW };
static const struct format_row {
	const char *name;
	const char *ext[3];
	bool in_outdir;
	enum writer_kind kind;
	int (*text)(FILE *, const struct prediction *);
	int (*review)(FILE *, const struct prediction *, const struct report_info *);
} formats[F_COUNT] = {
	[F_CSV] = { "csv", { ".csv" }, true, W_TEXT, report_csv_write, NULL },
	[F_DOT] = { "dot", { ".dot", ".gv" }, true, W_TEXT, report_dot_write, NULL },
	[F_SVG] = { "svg", { ".svg" }, true, W_RENDER, NULL, NULL },
	[F_PNG] = { "png", { ".png" }, false, W_RENDER, NULL, NULL },
	[F_MD] = { "md", { ".md", ".markdown" }, true, W_REVIEW, NULL, report_md_write },
	[F_JSON] = { "json", { ".json" }, true, W_REVIEW, NULL, report_json_write },
	[F_HTML] = { "html", { ".html", ".htm" }, true, W_REVIEW, NULL, report_html_write },
};

/* Option ids: a format's is A_FORMAT + its row. */
enum { A_FORMAT = 256, A_OUTDIR = A_FORMAT + F_COUNT, A_QUIET, A_REPORT, A_MAX_RENDER, A_LIST };
#define A_CSV (A_FORMAT + F_CSV)
#define A_DOT (A_FORMAT + F_DOT)
#define A_SVG (A_FORMAT + F_SVG)
#define A_PNG (A_FORMAT + F_PNG)
#define A_MD (A_FORMAT + F_MD)
#define A_JSON (A_FORMAT + F_JSON)
#define A_HTML (A_FORMAT + F_HTML)

const struct opt analyze_opts[] = {
	{ "csv", 0, "FILE", "write the task table as CSV ('-' for stdout)", A_CSV, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "dot", 0, "FILE", "write the decision graph as Graphviz DOT", A_DOT, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "svg", 0, "FILE", "render the decision graph as SVG (Graphviz gvc)", A_SVG, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "png", 0, "FILE", "render the decision graph as PNG (Graphviz gvc)", A_PNG, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "md", 0, "FILE", "write a Markdown pull-request comment with a Mermaid graph ('-' for stdout)", A_MD, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "json", 0, "FILE", "write JSON, schema " REPORT_JSON_SCHEMA " ('-' for stdout)", A_JSON, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "html", 0, "FILE", "write a self-contained HTML report: graph with pan and zoom, task table", A_HTML, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "report", 0, "FILE", "write FILE in the format its extension names (.csv .dot .svg .png .md .json .html)", A_REPORT, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "output-dir", 'o', "DIR", "write DIR/<name>.csv, .dot, .svg, .md, .json and .html, creating DIR and its parents", A_OUTDIR, OPT_OUTDIR, OPTG_OUTPUTS, "not written" },
	{ "lint", 0, NULL, "also print the cache-safety findings of kfpcache lint", OPT_LINT, 0, OPTG_OUTPUTS, "off" },
	{ "fail-on", 0, "EXPR", "exit 4 when a condition holds: miss>0, miss_upstream>10, gpu_miss>0, lint>=warning (repeatable)", OPT_FAIL_ON, 0, OPTG_OUTPUTS, "none" },
	{ "durations", 0, "FILE", "CSV task,seconds from past runs: the compute time that runs vs is saved", OPT_DURATIONS, OPT_IN, OPTG_INPUTS, "none" },
	{ "cost-csv", 0, "FILE", "write resources and time per decision as CSV ('-' for stdout)", OPT_COST_CSV, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "max-render-nodes", 0, "N", "refuse to lay out SVG, PNG and the HTML graph above N nodes or 4N edges; DOT has no limit", A_MAX_RENDER, 0, OPTG_LIMITS, "2000" },
	{ "quiet", 'q', NULL, "no summary on stdout", A_QUIET, 0, OPTG_OUTPUTS, "off" },
	{ "list", 0, "DECISION[,...]", "print only the paths of the tasks with these decisions, one a line, for scripts (HIT MISS MISS_UPSTREAM DISABLED UNKNOWN NOT_RUN)", A_LIST, 0, OPTG_OUTPUTS, "the summary" },
	CMD_OPT_COLOR,
	{ "verbose", 'v', NULL, "the decision log of every task on stderr: policy, key parts, lookup, result", OPT_VERBOSE, 0, OPTG_OUTPUTS, "off" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

struct analyze_args {
	const char *path[F_COUNT];    /* per format, or NULL */
	const char *outdir;
	bool quiet, verbose;
	bool listing;                 /* --list: the tasks of the decisions in list[] */
	bool list[DECISION_COUNT];
	enum color_mode color;
	size_t render_max;
	struct gating gating;
};

/* --report FILE: the format follows the extension. */
static int by_extension(struct analyze_args *a, const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t f, k;

	if (!*path)
		return err_set("--report: the path is empty");
	for (f = 0; dot && !strchr(dot, '/') && f < F_COUNT; f++)
		for (k = 0; k < KC_ARRAY_SIZE(formats[f].ext) && formats[f].ext[k]; k++)
			if (!strcmp(dot, formats[f].ext[k])) {
				a->path[f] = path;
				return 0;
			}
	return err_set("--report '%s': the extension names no format (.csv .dot .svg .png .md .json .html)",
		       path);
}

/*
 * --list MISS,MISS_UPSTREAM: the decisions by their CSV names (any case);
 * an unknown one suggests the nearest, as an unknown option does.
 */
static int list_decisions(struct analyze_args *a, const char *arg)
{
	const char *names[DECISION_ORDER_N], *p = arg;
	size_t i, hit[2];

	for (i = 0; i < DECISION_ORDER_N; i++)
		names[i] = decision_name(decision_order[i]);
	a->listing = true;
	do {
		size_t len = strcspn(p, ","), k;
		char *word = xstrndup(p, len);
		for (k = 0; word[k]; k++)
			if (word[k] >= 'a' && word[k] <= 'z')
				word[k] = (char)(word[k] - 'a' + 'A');
		for (i = 0; i < DECISION_ORDER_N && strcmp(word, names[i]); i++)
			;
		if (i < DECISION_ORDER_N) {
			a->list[decision_order[i]] = true;
		} else {
			size_t n = *word ? kc_did_you_mean(word, names, DECISION_ORDER_N, hit, 2) : 0;
			int r;
			if (n)
				r = err_set("--list: unknown decision '%.*s'. Did you mean '%s'?", (int)len, p,
					    names[hit[0]]);
			else
				r = err_set("--list: unknown decision '%.*s' (HIT, MISS, MISS_UPSTREAM, DISABLED, UNKNOWN, NOT_RUN)",
					    (int)len, p);
			free(word);
			return r;
		}
		free(word);
		p += len;
	} while (*p++);
	return 0;
}

static int on_opt(int id, const char *arg, void *ctx)
{
	struct analyze_args *a = ctx;

	if (id >= A_FORMAT && id < A_FORMAT + F_COUNT) {
		a->path[id - A_FORMAT] = arg;
		return 0;
	}
	switch (id) {
	case A_REPORT: return by_extension(a, arg);
	case A_OUTDIR: a->outdir = arg; break;
	case A_QUIET: a->quiet = true; break;
	case A_LIST: return list_decisions(a, arg);
	case OPT_COLOR: return cmd_color_mode(arg, &a->color);
	case OPT_VERBOSE: a->verbose = true; break;
	case A_MAX_RENDER: {
		char *end;
		unsigned long long v = strtoull(arg, &end, 10);
		if (*end || !*arg || *arg == '-' || v == 0 || v > (1ULL << 30))
			return err_set("--max-render-nodes '%s': expected a positive whole number", arg);
		a->render_max = (size_t)v;
		break;
	}
	default: return gating_opt(&a->gating, id, arg);
	}
	return 0;
}

/* "pipelines/train.yaml" or "HEAD:pipelines/train.yaml" -> "train". */
static char *base_name(const char *arg)
{
	const char *b = strrchr(arg, '/'), *colon = strrchr(arg, ':');
	size_t len;

	b = b ? b + 1 : colon ? colon + 1 : arg;
	if (!strcmp(arg, "-"))
		b = "stdin";
	len = strcspn(b, ".");
	return xstrndup(b, len ? len : strlen(b));
}

/* One report: '-' is stdout, else a file in the set committed together. */
static int write_report(struct outset *os, enum format f, const char *path,
			const struct prediction *pr, const struct report_info *info)
{
	const struct format_row *w = &formats[f];
	FILE *fp = stdout;
	int r;

	if (strcmp(path, "-") && outset_open(os, path, &fp) < 0)
		return -1;
	if (w->kind == W_TEXT)
		r = w->text(fp, pr);
	else if (w->kind == W_RENDER)
		r = report_render(fp, pr, w->name, info->render_max);
	else
		r = w->review(fp, pr, info);
	if (r < 0)
		return err_set("%s: %s", path, err_msg());
	return 0;
}

/* A report on stdout replaces the summary there. */
static bool any_stdout(const struct analyze_args *a)
{
	return cmd_on_stdout(a->path, F_COUNT) || cmd_on_stdout(&a->gating.cost_csv, 1);
}

/*
 * -o DIR: DIR/<name><ext> for each format it writes, claimed as outputs;
 * an explicit option wins.
 */
static void outdir_paths(struct analyze_args *a, struct common *c, struct strbuf *paths,
			 const char *spec)
{
	char *base = base_name(spec);
	size_t f;

	for (f = 0; f < F_COUNT; f++) {
		if (!formats[f].in_outdir || a->path[f])
			continue;
		sb_addf(&paths[f], "%s/%s%s", a->outdir, base, formats[f].ext[0]);
		a->path[f] = paths[f].buf;
		claims_add(&c->claims, "--output-dir", paths[f].buf, true);
	}
	free(base);
}

/* The summary on stdout: baseline, counts, the override's reach, the reports written. */
static void print_summary(const struct analyze_args *a, const struct session *s)
{
	struct summary_opts o = { cmd_color_on(a->color), &a->gating.cost };
	size_t f;

	if (s->live_desc)
		printf("cache: %s\n", term_text(s->live_desc));
	else
		printf("baseline: %s\n", *s->baseline_desc ? term_text(s->baseline_desc) : "none (cold cache)");
	report_summary(stdout, s->pr, &o);
	if (s->pr->run_override_unreached)
		printf("run-level override: reaches root-DAG tasks only; %zu nested %s\n",
		       s->pr->run_override_unreached,
		       plural(s->pr->run_override_unreached, "task keeps its spec setting", "tasks keep their spec setting"));
	for (f = 0; f < F_COUNT; f++)
		if (a->path[f])
			printf("%s: %s\n", formats[f].name, term_text(a->path[f]));
}

/* --list: the paths of the tasks whose decision was asked for, in path order. */
static void print_list(const struct analyze_args *a, const struct prediction *pr)
{
	size_t i;

	for (i = 0; i < pr->n; i++)
		if (pr->results[i].decision != DECISION_NONE && a->list[pr->results[i].decision])
			printf("%s\n", term_text(pr->results[i].task->path));
}

/*
 * The key step of -v: how many parts the key has and which of them differ
 * from the same task in the newest baseline (by digest, as explain does).
 */
static void log_key(const char *path, const struct task_result *r)
{
	size_t i, j, changed = 0;

	if (!r->nparts)
		return;
	fprintf(stderr, "%s: key: %zu %s", path, r->nparts, plural(r->nparts, "part", "parts"));
	if (!r->prev) {
		fputs(", no baseline task at this path\n", stderr);
		return;
	}
	for (i = 0; i < r->nparts; i++) {
		const struct keypart *p = &r->parts[i];
		for (j = 0; j < r->nprev && strcmp(r->prev[j].name, p->name); j++)
			;
		if (j < r->nprev && !strcmp(r->prev[j].digest, p->digest))
			continue;
		fprintf(stderr, "%s%s%s", changed++ ? ", " : ", not as in the baseline: ",
			term_text(p->name), j < r->nprev ? "" : " (new)");
	}
	fputs(changed ? "\n" : ", each as in the baseline\n", stderr);
}

/*
 * -v: each task's decision log on stderr, a line per step as the driver
 * takes them (container.go:47-343): the policy layer, the key parts, the
 * lookup, then the result.  Stderr, so that it never mixes with a report
 * or --list on stdout.
 */
static void print_log(const struct prediction *pr)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, k;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const char *path;
		if (r->decision == DECISION_NONE)
			continue;
		path = term_text(r->task->path);
		sb_reset(&sb);
		sb_adds(&sb, path);
		for (k = 0; k < r->nlog; k++) {
			/* The key is made after the policy step, before the lookup. */
			if (!strncmp(r->log[k], "lookup:", 7))
				log_key(sb_str(&sb), r);
			fprintf(stderr, "%s: %s\n", sb_str(&sb), term_text(r->log[k]));
		}
		fprintf(stderr, "%s: result: %s", sb_str(&sb), decision_name(r->decision));
		if (r->nreasons)
			fprintf(stderr, " %s", term_text(result_reasons_str(&sb, r)));
		if (r->ncauses)
			fprintf(stderr, " (root cause %s, distance %d)", term_text(result_causes_str(&sb, r)),
				r->distance);
		fputc('\n', stderr);
	}
	sb_release(&sb);
}

/* Every report asked for, renamed into place together, or none. */
static int write_reports(struct outset *os, const struct analyze_args *a, const struct common *c,
			 const struct session *s, const char *spec)
{
	struct report_info info;
	size_t f;

	memset(&info, 0, sizeof(info));
	info.spec = spec;
	info.baseline = s->live_desc ? s->live_desc : s->baseline_desc;
	info.pol = &c->pol;
	info.cost = &a->gating.cost;
	info.lint = a->gating.lr;
	info.render_max = a->render_max;
	/* -o DIR is made (with its parents) only now that there is something to write. */
	if (a->outdir && outset_mkdir(os, a->outdir) < 0)
		return -1;
	for (f = 0; f < F_COUNT; f++)
		if (a->path[f] && write_report(os, (enum format)f, a->path[f], s->pr, &info) < 0)
			break;
	if (f < F_COUNT || outset_commit(os) < 0) {
		outset_abort(os);
		return -1;
	}
	return 0;
}

/* Claim the files, predict, write the reports, print the summary, gate. */
int cmd_analyze(int argc, char **argv, const struct command *cmd)
{
	struct analyze_args a;
	struct common c;
	struct session s;
	struct outset os;
	struct strbuf paths[F_COUNT];
	int idx, ret = EXIT_ERROR, i;
	size_t f;
	bool have_session = false, review;

	memset(&a, 0, sizeof(a));
	for (f = 0; f < F_COUNT; f++)
		sb_init(&paths[f]);
	a.render_max = REPORT_RENDER_MAX_NODES;
	gating_init(&a.gating);
	common_init(&c);
	outset_init(&os);
	c.defer_claims = true;
	idx = cmd_args(argc, argv, cmd, &c, on_opt, &a, 1, 1, "one SPEC", &ret);
	if (idx < 0)
		goto done;
	if (a.listing && any_stdout(&a)) {
		cmd_usage_error(cmd, "--list and a report on stdout ('-'): give one of them");
		ret = EXIT_USAGE;
		goto done;
	}
	c.keep_log = a.verbose;
	if (a.outdir)
		outdir_paths(&a, &c, paths, argv[idx]);
	if (cmd_claims_check(cmd, &c, &ret) < 0 ||
	    cmd_gating_ready(cmd, &a.gating, NULL, true, &ret) < 0)
		goto done;
	/* Only lint (gating_prepare) reads a baseline's dag after its run. */
	review = a.path[F_MD] || a.path[F_JSON] || a.path[F_HTML];
	c.drop_baselines = !(a.gating.lint || review);
	have_session = true;
	if (session_run(&s, &c, argv[idx], true) < 0) {
		ret = cmd_fail();
		goto done;
	}
	/* The review reports show the cost of misses and the lint findings. */
	if (gating_prepare(&a.gating, &s, review) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (write_reports(&os, &a, &c, &s, argv[idx]) < 0) {
		ret = cmd_fail();
		goto done;
	}
	for (i = 0; i < (int)s.dag->nwarnings; i++)
		fprintf(stderr, "kfpcache: note: %s\n", term_text(s.dag->warnings[i]));
	if (a.verbose)
		print_log(s.pr);
	if (a.listing)
		print_list(&a, s.pr);
	else if (!a.quiet && !any_stdout(&a))
		print_summary(&a, &s);
	if (fflush(stdout)) {
		fprintf(stderr, "kfpcache: cannot write to stdout\n");
		goto done;
	}
	ret = gating_analyze(&a.gating, &s, !a.quiet && !a.listing && !any_stdout(&a), EXIT_OK);
done:
	gating_release(&a.gating);
	if (have_session)
		session_release(&s);
	for (f = 0; f < F_COUNT; f++)
		sb_release(&paths[f]);
	common_release(&c);
	return ret;
}
