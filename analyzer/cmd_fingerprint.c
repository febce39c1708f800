/*
 * cmd_fingerprint.c - `kfpcache fingerprint SPEC`: the exact fingerprint KFP's
 * driver computes for each container task whose inputs are all known
 * before the run (sha256 of the canonical CacheKey, cacheutils/cache.go).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "outfile.h"
#include "report.h"
#include "banned.h"

enum { F_CSV = 1 };

const struct opt fingerprint_opts[] = {
	{ "csv", 0, "FILE", "write the table to FILE instead of stdout", F_CSV },
	{ NULL, 0, NULL, NULL, 0 }
};

static int on_opt(int id, const char *arg, void *ctx)
{
	if (id != F_CSV)
		return -1;
	*(const char **)ctx = arg;
	return 0;
}

int cmd_fingerprint(int argc, char **argv, const struct command *cmd)
{
	struct common c;
	struct session s;
	struct outset os;
	const char *csv = NULL;
	FILE *fp = stdout;
	int idx, ret = EXIT_ERROR;
	bool have_session = false;

	common_init(&c);
	outset_init(&os);
	idx = cmd_parse(argc, argv, cmd, &c, on_opt, &csv);
	if (idx < 0) {
		ret = idx == -2 ? EXIT_OK : idx == -3 ? EXIT_ERROR : EXIT_USAGE;
		goto done;
	}
	if (argc - idx != 1) {
		cmd_usage_error(cmd, "expected one SPEC");
		ret = EXIT_USAGE;
		goto done;
	}
	have_session = true;
	c.cold = true;
	if (session_run(&s, &c, argv[idx], false) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (csv && strcmp(csv, "-") && outset_open(&os, csv, &fp) < 0) {
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
	return ret;
}
