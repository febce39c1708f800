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

enum { A_CSV = 256, A_DOT, A_SVG, A_PNG, A_OUTDIR, A_QUIET, A_MD, A_JSON, A_HTML, A_REPORT, A_MAX_RENDER };

const struct opt analyze_opts[] = {
	{ "csv", 0, "FILE", "write the task table as CSV ('-' for stdout)", A_CSV, OPT_OUT },
	{ "dot", 0, "FILE", "write the decision graph as Graphviz DOT", A_DOT, OPT_OUT },
	{ "svg", 0, "FILE", "render the decision graph as SVG (Graphviz gvc)", A_SVG, OPT_OUT },
	{ "png", 0, "FILE", "render the decision graph as PNG (Graphviz gvc)", A_PNG, OPT_OUT },
	{ "md", 0, "FILE", "write a Markdown pull-request comment with a Mermaid graph ('-' for stdout)", A_MD, OPT_OUT },
	{ "json", 0, "FILE", "write JSON, schema kfpcache/analyze/v1 ('-' for stdout)", A_JSON, OPT_OUT },
	{ "html", 0, "FILE", "write a self-contained HTML report: graph with pan and zoom, task table", A_HTML, OPT_OUT },
	{ "report", 0, "FILE", "write FILE in the format its extension names (.csv .dot .svg .png .md .json .html)", A_REPORT, OPT_OUT },
	{ "output-dir", 'o', "DIR", "write DIR/<name>.csv, .dot, .svg, .md, .json and .html", A_OUTDIR, OPT_OUTDIR },
	{ "lint", 0, NULL, "also print the cache-safety findings of kfpcache lint", OPT_LINT, 0 },
	{ "fail-on", 0, "EXPR", "exit 4 when a condition holds: miss>0, miss_upstream>10, gpu_miss>0, lint>=warning (repeatable)", OPT_FAIL_ON, 0 },
	{ "durations", 0, "FILE", "CSV task,seconds from past runs: the compute time that runs vs is saved", OPT_DURATIONS, OPT_IN },
	{ "cost-csv", 0, "FILE", "write resources and time per decision as CSV ('-' for stdout)", OPT_COST_CSV, OPT_OUT },
	{ "max-render-nodes", 0, "N", "refuse to lay out SVG, PNG and the HTML graph above N nodes or 4N edges (default 2000; DOT has no limit)", A_MAX_RENDER, 0 },
	{ "quiet", 'q', NULL, "no summary on stdout", A_QUIET, 0 },
	{ NULL, 0, NULL, NULL, 0, 0 }
};

struct analyze_args {
	const char *csv, *dot, *svg, *png, *outdir;
	const char *md, *json, *html;
	bool quiet;
	size_t render_max;
	struct gating gating;
};

/* --report FILE: the format follows the extension. */
static int by_extension(struct analyze_args *a, const char *path)
{
	static const struct { const char *ext; int id; } formats[] = {
		{ ".csv", A_CSV }, { ".dot", A_DOT }, { ".gv", A_DOT }, { ".svg", A_SVG },
		{ ".png", A_PNG }, { ".md", A_MD }, { ".markdown", A_MD }, { ".json", A_JSON },
		{ ".html", A_HTML }, { ".htm", A_HTML }
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	if (!*path)
		return err_set("--report: the path is empty");
	for (i = 0; dot && !strchr(dot, '/') && i < KC_ARRAY_SIZE(formats); i++)
		if (!strcmp(dot, formats[i].ext))
			switch (formats[i].id) {
			case A_CSV: a->csv = path; return 0;
			case A_DOT: a->dot = path; return 0;
			case A_SVG: a->svg = path; return 0;
			case A_PNG: a->png = path; return 0;
			case A_MD: a->md = path; return 0;
			case A_JSON: a->json = path; return 0;
			default: a->html = path; return 0;
			}
	return err_set("--report '%s': the extension names no format (.csv .dot .svg .png .md .json .html)",
		       path);
}

static int on_opt(int id, const char *arg, void *ctx)
{
	struct analyze_args *a = ctx;

	switch (id) {
	case A_CSV: a->csv = arg; break;
	case A_DOT: a->dot = arg; break;
	case A_SVG: a->svg = arg; break;
	case A_PNG: a->png = arg; break;
	case A_MD: a->md = arg; break;
	case A_JSON: a->json = arg; break;
	case A_HTML: a->html = arg; break;
	case A_REPORT: return by_extension(a, arg);
	case A_OUTDIR: a->outdir = arg; break;
	case A_QUIET: a->quiet = true; break;
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

static int write_text(struct outset *os, const char *path,
		      int (*fn)(FILE *, const struct prediction *), const struct prediction *pr)
{
	FILE *fp;

	if (!strcmp(path, "-"))
		return fn(stdout, pr);
	if (outset_open(os, path, &fp) < 0)
		return -1;
	if (fn(fp, pr) < 0)
		return err_set("%s: %s", path, err_msg());
	return 0;
}

static int write_render(struct outset *os, const char *path, const char *format,
			const struct prediction *pr, size_t max_nodes)
{
	FILE *fp;

	if (outset_open(os, path, &fp) < 0)
		return -1;
	if (report_render(fp, pr, format, max_nodes) < 0)
		return err_set("%s: %s", path, err_msg());
	return 0;
}

/* The review formats (Markdown, JSON, HTML) also say what the run was against. */
static int write_review(struct outset *os, const char *path,
			int (*fn)(FILE *, const struct prediction *, const struct report_info *),
			const struct prediction *pr, const struct report_info *info)
{
	FILE *fp;

	if (!strcmp(path, "-"))
		return fn(stdout, pr, info);
	if (outset_open(os, path, &fp) < 0)
		return -1;
	if (fn(fp, pr, info) < 0)
		return err_set("%s: %s", path, err_msg());
	return 0;
}

/* A report on stdout replaces the summary there. */
static bool any_stdout(const struct analyze_args *a)
{
	const char *const out[] = { a->csv, a->md, a->json, a->html, a->gating.cost_csv };
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(out); i++)
		if (out[i] && !strcmp(out[i], "-"))
			return true;
	return false;
}

int cmd_analyze(int argc, char **argv, const struct command *cmd)
{
	struct analyze_args a;
	struct common c;
	struct session s;
	struct outset os;
	struct strbuf paths[6] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
				   STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	struct report_info info;
	int idx, ret = EXIT_ERROR, i;
	bool have_session = false;

	memset(&a, 0, sizeof(a));
	a.render_max = REPORT_RENDER_MAX_NODES;
	gating_init(&a.gating);
	common_init(&c);
	outset_init(&os);
	c.defer_claims = true;
	idx = cmd_args(argc, argv, cmd, &c, on_opt, &a, 1, 1, "one SPEC", &ret);
	if (idx < 0)
		goto done;
	if (a.outdir) {
		char *base = base_name(argv[idx]);
		sb_addf(&paths[0], "%s/%s.csv", a.outdir, base);
		sb_addf(&paths[1], "%s/%s.dot", a.outdir, base);
		sb_addf(&paths[2], "%s/%s.svg", a.outdir, base);
		sb_addf(&paths[3], "%s/%s.md", a.outdir, base);
		sb_addf(&paths[4], "%s/%s.json", a.outdir, base);
		sb_addf(&paths[5], "%s/%s.html", a.outdir, base);
		free(base);
		if (!a.csv)
			a.csv = paths[0].buf;
		if (!a.dot)
			a.dot = paths[1].buf;
		if (!a.svg)
			a.svg = paths[2].buf;
		if (!a.md)
			a.md = paths[3].buf;
		if (!a.json)
			a.json = paths[4].buf;
		if (!a.html)
			a.html = paths[5].buf;
	}
	{
		/* The -o names that are written (an explicit option wins). */
		const char *const used[] = { a.csv, a.dot, a.svg, a.md, a.json, a.html };
		for (i = 0; i < (int)KC_ARRAY_SIZE(paths); i++)
			if (a.outdir && used[i] == paths[i].buf)
				claims_add(&c.claims, "--output-dir", paths[i].buf, true);
	}
	if (cmd_claims_check(cmd, &c, &ret) < 0 ||
	    cmd_gating_ready(cmd, &a.gating, NULL, true, &ret) < 0)
		goto done;
	have_session = true;
	if (session_run(&s, &c, argv[idx], true) < 0) {
		ret = cmd_fail();
		goto done;
	}
	/* The review reports show the cost of misses and the lint findings. */
	if (gating_prepare(&a.gating, &s, a.md || a.json || a.html) < 0) {
		ret = cmd_fail();
		goto done;
	}
	memset(&info, 0, sizeof(info));
	info.spec = argv[idx];
	info.baseline = s.baseline_desc;
	info.pol = &c.pol;
	info.cost = &a.gating.cost;
	info.lint = a.gating.lr;
	info.render_max = a.render_max;
	if ((a.csv && write_text(&os, a.csv, report_csv_write, s.pr) < 0) ||
	    (a.dot && write_text(&os, a.dot, report_dot_write, s.pr) < 0) ||
	    (a.svg && write_render(&os, a.svg, "svg", s.pr, a.render_max) < 0) ||
	    (a.png && write_render(&os, a.png, "png", s.pr, a.render_max) < 0) ||
	    (a.md && write_review(&os, a.md, report_md_write, s.pr, &info) < 0) ||
	    (a.json && write_review(&os, a.json, report_json_write, s.pr, &info) < 0) ||
	    (a.html && write_review(&os, a.html, report_html_write, s.pr, &info) < 0) ||
	    outset_commit(&os) < 0) {
		outset_abort(&os);
		ret = cmd_fail();
		goto done;
	}
	for (i = 0; i < (int)s.dag->nwarnings; i++)
		fprintf(stderr, "kfpcache: note: %s\n", term_text(s.dag->warnings[i]));
	if (!a.quiet && !any_stdout(&a)) {
		printf("baseline: %s\n", *s.baseline_desc ? term_text(s.baseline_desc) : "none (cold cache)");
		report_summary(stdout, s.pr);
		if (s.pr->run_override_unreached)
			printf("run-level override: reaches root-DAG tasks only; %zu nested task%s keep their spec setting\n",
			       s.pr->run_override_unreached, s.pr->run_override_unreached == 1 ? "" : "s");
		if (a.csv)
			printf("csv: %s\n", term_text(a.csv));
		if (a.dot)
			printf("dot: %s\n", term_text(a.dot));
		if (a.svg)
			printf("svg: %s\n", term_text(a.svg));
		if (a.png)
			printf("png: %s\n", term_text(a.png));
		if (a.md)
			printf("md: %s\n", term_text(a.md));
		if (a.json)
			printf("json: %s\n", term_text(a.json));
		if (a.html)
			printf("html: %s\n", term_text(a.html));
	}
	if (fflush(stdout)) {
		fprintf(stderr, "kfpcache: cannot write to stdout\n");
		goto done;
	}
	ret = gating_analyze(&a.gating, &s, !a.quiet && !any_stdout(&a), EXIT_OK);
done:
	gating_release(&a.gating);
	if (have_session)
		session_release(&s);
	for (i = 0; i < (int)KC_ARRAY_SIZE(paths); i++)
		sb_release(&paths[i]);
	common_release(&c);
	return ret;
}
