/*
 * cmd/fingerprint.c - `kfpcache fingerprint SPEC`: the exact fingerprint KFP's
 * driver computes for each container task whose inputs are all known
 * before the run (sha256 of the canonical CacheKey, cacheutils/cache.go).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "reports/report.h"
#include "base/banned.h"

enum { F_CSV = 256, F_INPUT };

const struct opt fingerprint_opts[] = {
	{ "csv", 0, "FILE", "write the table to FILE", F_CSV, OPT_OUT, OPTG_OUTPUTS, "stdout" },
	{ "input", 0, "TASK:NAME=VALUE", "pin a run-time value: a parameter's JSON value, or an artifact's MLMD ids (1,2) (repeatable)", F_INPUT, 0, OPTG_INPUTS, "none" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

struct fp_args {
	const char *csv;
	const char **pins;
	size_t npins;
};

static int on_opt(int id, const char *arg, void *ctx)
{
	struct fp_args *a = ctx;

	if (id == F_CSV) {
		a->csv = arg;
		return 0;
	}
	if (id == F_INPUT) {
		if (!strchr(arg, ':') || !strchr(strchr(arg, ':'), '='))
			return err_set("--input '%s': expected TASK:NAME=VALUE", arg);
		a->pins = xreallocarray(a->pins, a->npins + 2, sizeof(*a->pins));
		a->pins[a->npins++] = arg;
		a->pins[a->npins] = NULL;
		return 0;
	}
	return -1;
}

int cmd_fingerprint(int argc, char **argv, const struct command *cmd)
{
	struct common c;
	struct session s;
	struct outset os;
	struct fp_args fa = { NULL, NULL, 0 };
	FILE *fp = stdout;
	int idx, ret = EXIT_ERROR;
	bool have_session = false;

	common_init(&c);
	outset_init(&os);
	idx = cmd_args(argc, argv, cmd, &c, on_opt, &fa, 1, 1, "one SPEC", &ret);
	if (idx < 0)
		goto done;
	have_session = true;
	c.cold = true;
	c.pins = fa.pins;
	if (session_run(&s, &c, argv[idx], false) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (fa.csv && strcmp(fa.csv, "-") && outset_open(&os, fa.csv, &fp) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (report_fingerprint_csv(fp, s.pr) < 0 || outset_commit(&os) < 0) {
		outset_abort(&os);
		ret = cmd_fail();
		goto done;
	}
	ret = fflush(stdout) ? EXIT_ERROR : EXIT_OK;
done:
	if (have_session)
		session_release(&s);
	common_release(&c);
	free(fa.pins);
	return ret;
}
