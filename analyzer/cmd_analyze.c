/*
 * cmd_analyze.c - `kfpcache analyze SPEC`: decisions for one spec against its
 * baseline(s), a summary on stdout, and the CSV / DOT / SVG / PNG reports,
 * all committed together only when every one was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "outfile.h"
#include "report.h"
#include "banned.h"

enum { A_CSV = 256, A_DOT, A_SVG, A_PNG, A_OUTDIR, A_QUIET };

const struct opt analyze_opts[] = {
	{ "csv", 0, "FILE", "write the task table as CSV ('-' for stdout)", A_CSV },
	{ "dot", 0, "FILE", "write the decision graph as Graphviz DOT", A_DOT },
	{ "svg", 0, "FILE", "render the decision graph as SVG (Graphviz gvc)", A_SVG },
	{ "png", 0, "FILE", "render the decision graph as PNG (Graphviz gvc)", A_PNG },
	{ "output-dir", 'o', "DIR", "write DIR/<name>.csv, .dot and .svg", A_OUTDIR },
	{ "quiet", 'q', NULL, "no summary on stdout", A_QUIET },
	{ NULL, 0, NULL, NULL, 0 }
};

struct analyze_args {
	const char *csv, *dot, *svg, *png, *outdir;
	bool quiet;
};

static int on_opt(int id, const char *arg, void *ctx)
{
	struct analyze_args *a = ctx;

	switch (id) {
	case A_CSV: a->csv = arg; break;
	case A_DOT: a->dot = arg; break;
	case A_SVG: a->svg = arg; break;
	case A_PNG: a->png = arg; break;
	case A_OUTDIR: a->outdir = arg; break;
	case A_QUIET: a->quiet = true; break;
	default: return -1;
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
			const struct prediction *pr)
{
	FILE *fp;

	if (outset_open(os, path, &fp) < 0)
		return -1;
	return report_render(pr, format, outset_last_tmp(os));
}

int cmd_analyze(int argc, char **argv, const struct command *cmd)
{
	struct analyze_args a;
	struct common c;
	struct session s;
	struct outset os;
	struct strbuf paths[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	int idx, ret = EXIT_ERROR, i;
	bool have_session = false;

	memset(&a, 0, sizeof(a));
	common_init(&c);
	outset_init(&os);
	idx = cmd_parse(argc, argv, cmd, &c, on_opt, &a);
	if (idx < 0) {
		ret = idx == -2 ? EXIT_OK : idx == -3 ? EXIT_ERROR : EXIT_USAGE;
		goto done;
	}
	if (argc - idx != 1) {
		cmd_usage_error(cmd, argc - idx ? "expected one SPEC" : "missing SPEC");
		ret = EXIT_USAGE;
		goto done;
	}
	have_session = true;
	if (session_run(&s, &c, argv[idx], true) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (a.outdir) {
		char *base = base_name(argv[idx]);
		sb_addf(&paths[0], "%s/%s.csv", a.outdir, base);
		sb_addf(&paths[1], "%s/%s.dot", a.outdir, base);
		sb_addf(&paths[2], "%s/%s.svg", a.outdir, base);
		free(base);
		if (!a.csv)
			a.csv = paths[0].buf;
		if (!a.dot)
			a.dot = paths[1].buf;
		if (!a.svg)
			a.svg = paths[2].buf;
	}
	if ((a.csv && write_text(&os, a.csv, report_csv_write, s.pr) < 0) ||
	    (a.dot && write_text(&os, a.dot, report_dot_write, s.pr) < 0) ||
	    (a.svg && write_render(&os, a.svg, "svg", s.pr) < 0) ||
	    (a.png && write_render(&os, a.png, "png", s.pr) < 0) ||
	    outset_commit(&os) < 0) {
		outset_abort(&os);
		ret = cmd_fail();
		goto done;
	}
	for (i = 0; i < (int)s.dag->nwarnings; i++)
		fprintf(stderr, "kfpcache: note: %s\n", s.dag->warnings[i]);
	if (!a.quiet && !(a.csv && !strcmp(a.csv, "-"))) {
		printf("baseline: %s\n", *s.baseline_desc ? s.baseline_desc : "none (cold cache)");
		report_summary(stdout, s.pr);
		if (s.pr->run_override_unreached)
			printf("run-level override: reaches root-DAG tasks only; %zu nested task%s keep their spec setting\n",
			       s.pr->run_override_unreached, s.pr->run_override_unreached == 1 ? "" : "s");
		if (a.csv)
			printf("csv: %s\n", a.csv);
		if (a.dot)
			printf("dot: %s\n", a.dot);
		if (a.svg)
			printf("svg: %s\n", a.svg);
		if (a.png)
			printf("png: %s\n", a.png);
	}
	if (fflush(stdout)) {
		fprintf(stderr, "kfpcache: cannot write to stdout\n");
		goto done;
	}
	ret = EXIT_OK;
done:
	if (have_session)
		session_release(&s);
	for (i = 0; i < 3; i++)
		sb_release(&paths[i]);
	common_release(&c);
	return ret;
}
