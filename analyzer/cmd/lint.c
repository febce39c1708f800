/*
 * cmd/lint.c - `kfpcache lint SPEC`: cache-safety findings (rules KC001...
 * and the policy file's own) as text, JSON or SARIF 2.1.0.  The previous
 * version (the baseline analyze would use, or --baseline) feeds the rules
 * that compare two versions.  `--fail-on lint>=warning` gates CI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "model/gate.h"
#include "model/lint.h"
#include "reports/report.h"
#include "base/banned.h"

enum { L_FORMAT = 256, L_JSON, L_SARIF, L_FAIL_ON, L_QUIET };

const struct opt lint_opts[] = {
	{ "format", 0, "text|json|sarif", "what to print on stdout", L_FORMAT, 0, OPTG_OUTPUTS, "text" },
	{ "json", 0, "FILE", "write the findings as JSON", L_JSON, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "sarif", 0, "FILE", "write the findings as SARIF 2.1.0 (code review annotations)", L_SARIF, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "fail-on", 0, "EXPR", "exit 4 when a condition holds: lint>=warning, lint_error>0, ... (repeatable)", L_FAIL_ON, 0, OPTG_OUTPUTS, "none" },
	{ "quiet", 'q', NULL, "nothing on stdout", L_QUIET, 0, OPTG_OUTPUTS, "off" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

struct lint_args {
	const char *format, *json, *sarif;
	struct gate gate;
	bool quiet;
};

static int on_opt(int id, const char *arg, void *ctx)
{
	struct lint_args *a = ctx;

	switch (id) {
	case L_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json") && strcmp(arg, "sarif"))
			return err_set("--format takes text, json or sarif, not '%s'", arg);
		a->format = arg;
		return 0;
	case L_JSON: a->json = arg; return 0;
	case L_SARIF: a->sarif = arg; return 0;
	case L_FAIL_ON: return gate_add(&a->gate, arg);
	case L_QUIET: a->quiet = true; return 0;
	}
	return -1;
}

static int write_to(struct outset *os, const char *path, const struct lint_result *lr,
		    int (*fn)(FILE *, const struct lint_result *))
{
	FILE *fp;

	if (!strcmp(path, "-"))
		return fn(stdout, lr);
	if (outset_open(os, path, &fp) < 0)
		return -1;
	if (fn(fp, lr) < 0)
		return err_set("%s: %s", path, err_msg());
	return 0;
}

static int sarif(FILE *fp, const struct lint_result *lr)
{
	return report_lint_sarif(fp, lr, NULL);
}

/*
 * Check --fail-on, load and predict the spec with its baseline (the
 * version before it, which lint compares with), lint, write the JSON and
 * SARIF files, print in --format, gate.  One linear sequence of steps of a
 * line or two each, sharing the session, the result and the outset that
 * the one cleanup label releases.
 */
int cmd_lint(int argc, char **argv, const struct command *cmd)
{
	struct lint_args a;
	struct common c;
	struct session s;
	struct outset os;
	struct lint_result *lr = NULL;
	struct lint_version *prev = NULL;
	struct gate_values v;
	struct strbuf msgs = STRBUF_INIT;
	int idx, ret = EXIT_ERROR;
	bool have_session = false, on_stdout;
	size_t i;

	memset(&a, 0, sizeof(a));
	gate_init(&a.gate);
	common_init(&c);
	outset_init(&os);
	idx = cmd_args(argc, argv, cmd, &c, on_opt, &a, 1, 1, "one SPEC", &ret);
	if (idx < 0)
		goto done;
	/* A report on stdout replaces the --format text there; both would be glued. */
	on_stdout = cmd_on_stdout((const char *const[]){ a.json, a.sarif }, 2);
	if (on_stdout && a.format) {
		cmd_usage_error(cmd, "--format %s and a report to '-': both write to standard output",
				a.format);
		ret = EXIT_USAGE;
		goto done;
	}
	if (gate_check(&a.gate, gate_lint_metrics) < 0) {
		cmd_usage_error(cmd, "%s", err_msg());
		ret = EXIT_USAGE;
		goto done;
	}
	have_session = true;
	if (session_run(&s, &c, argv[idx], true) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (s.nb)
		prev = lint_version_new(s.bdags[s.nb - 1]);
	if (lint_run(&lr, s.dag, &c.pol, prev) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if ((a.json && write_to(&os, a.json, lr, report_lint_json) < 0) ||
	    (a.sarif && write_to(&os, a.sarif, lr, sarif) < 0) || outset_commit(&os) < 0) {
		outset_abort(&os);
		ret = cmd_fail();
		goto done;
	}
	for (i = 0; i < s.dag->nwarnings; i++)
		fprintf(stderr, "kfpcache: note: %s\n", term_text(s.dag->warnings[i]));
	if (!a.quiet && !on_stdout) {
		const char *f = a.format ? a.format : "text";
		int r = !strcmp(f, "json") ? report_lint_json(stdout, lr) :
			!strcmp(f, "sarif") ? report_lint_sarif(stdout, lr, NULL) :
			report_lint_text(stdout, lr);
		(void)r;
	}
	if (fflush(stdout)) {
		fprintf(stderr, "kfpcache: cannot write to stdout\n");
		goto done;
	}
	gate_values_init(&v);
	gate_values_lint(&v, lr);
	gate_eval(&a.gate, &v, NULL, &msgs);
	ret = cmd_gate_exit(sb_str(&msgs), EXIT_OK);
done:
	sb_release(&msgs);
	lint_result_free(lr);
	lint_version_free(prev);
	if (have_session)
		session_release(&s);
	gate_release(&a.gate);
	common_release(&c);
	return ret;
}
