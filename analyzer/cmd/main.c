/*
 * main.c - kfpcache's entry point: the command table, --version, help and
 * exit codes (0 ok, 1 error, 2 usage).
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "base/banned.h"

#ifndef KFPCACHE_VERSION
#define KFPCACHE_VERSION "0.1.0"
#endif

/*
 * The commands: what each takes of the common options (COMMON_*, the
 * others it refuses) and the examples its --help shows.
 */
static const struct command commands[] = {
	{ "analyze", cmd_analyze, "SPEC",
	  "predict each task's cache decision against a baseline", analyze_opts, COMMON_ALL | COMMON_LIVE_PAGED,
	  "  kfpcache analyze --cold samples/pipelines/train.yaml\n"
	  "  kfpcache analyze --baseline HEAD~1:pipeline.yaml -o reports pipeline.yaml\n"
	  "  kfpcache analyze --policy deployment-off --csv - HEAD:pipeline.yaml\n" },
	{ "explain", cmd_explain, "SPEC TASK",
	  "the decision log for one task: layers, key parts, lookup, upstream chain",
	  explain_opts, COMMON_ALL | COMMON_LIVE_PAGED,
	  "  kfpcache explain --cold samples/pipelines/train.yaml exit-handler-1/preprocess\n"
	  "  kfpcache explain --baseline HEAD~1:pipeline.yaml pipeline.yaml train-model\n" },
	{ "fingerprint", cmd_fingerprint, "SPEC",
	  "exact KFP cache fingerprints of the tasks whose inputs are static",
	  fingerprint_opts, COMMON_ALL & ~(COMMON_BASELINES | COMMON_SCOPE),
	  "  kfpcache fingerprint samples/pipelines/train.yaml\n"
	  "  kfpcache fingerprint --param epochs=30 --csv fp.csv pipeline.yaml\n" },
	{ "history", cmd_history, "[PATH...]",
	  "what each commit that changed a spec did to the cache (timeline)",
	  history_opts, COMMON_INPUTS | COMMON_POLICY | COMMON_LIMITS | COMMON_LIVE_PAGED |
	  COMMON_BIT(OPT_NAMESPACE),
	  "  kfpcache history pipeline.yaml\n"
	  "  kfpcache history --glob 'pipelines/**.yaml' --range v1.0..HEAD -o timeline\n"
	  "  kfpcache history --follow --csv - pipeline.yaml\n" },
	{ "diff", cmd_diff, "A B",
	  "two versions side by side: tasks whose key, caching or decision changes, and why",
	  diff_opts, COMMON_INPUTS | COMMON_POLICY | COMMON_LIMITS | COMMON_LIVE |
	  COMMON_BIT(OPT_NAMESPACE),
	  "  kfpcache diff HEAD~1:pipeline.yaml pipeline.yaml\n"
	  "  kfpcache diff --fail-on 'changed>0' --csv - main:pipeline.yaml HEAD:pipeline.yaml\n" },
	{ "blame", cmd_blame, "PATH",
	  "for each task, the commit that last invalidated its cache entry",
	  blame_opts, COMMON_INPUTS | COMMON_POLICY | COMMON_LIMITS,
	  "  kfpcache blame pipeline.yaml\n"
	  "  kfpcache blame --follow --range v1.0..HEAD --csv blame.csv pipeline.yaml\n" },
	{ "lint", cmd_lint, "SPEC",
	  "cache-safety findings (KC001...) as text, JSON or SARIF",
	  lint_opts, COMMON_ALL,
	  "  kfpcache lint samples/pipelines/train.yaml\n"
	  "  kfpcache lint --format sarif --fail-on 'lint>=warning' pipeline.yaml\n" },
	{ "compare", cmd_compare, "SPEC|PATH",
	  "the same spec (or each commit of a history) under several --policy: a matrix",
	  compare_opts, COMMON_ALL | COMMON_LIVE_PAGED,
	  "  kfpcache compare --cold --policy kfp-default --policy deployment-off samples/pipelines/train.yaml\n"
	  "  kfpcache compare --history --policy kfp-default --policy run-off pipeline.yaml\n" },
	{ "verify", cmd_verify, "RUN_ID",
	  "a finished run's decisions (ML Metadata) against the prediction, as each driver saw the cache",
	  verify_opts, COMMON_INPUTS | COMMON_PARAMS_FILE | COMMON_POLICY | COMMON_LIMITS |
	  COMMON_BIT(OPT_NAMESPACE) | COMMON_LIVE,
	  "  kfpcache verify --cache-db mysql://kfp_reader@127.0.0.1:3306/ 6f1c2d7e-run-id\n"
	  "  kfpcache verify --cache-db mysql://kfp_reader@127.0.0.1:3306/ --spec pipeline.yaml --fail-on 'mismatch>0' 6f1c2d7e-run-id\n" },
	{ "merge", cmd_merge, "TIMELINE.csv...",
	  "join the timelines of history --shard K/N jobs into one",
	  merge_opts, 0,
	  "  kfpcache merge shard-1.csv shard-2.csv > timeline.csv\n"
	  "  kfpcache merge --html timeline.html --json timeline.json shard-*.csv\n" },
};

static void usage(FILE *fp)
{
	size_t i;

	fputs("usage: kfpcache <command> [options] ARGS\n\n"
	      "Predicts Kubeflow Pipelines v2 execution caching before a run.\n\n"
	      "commands:\n", fp);
	for (i = 0; i < KC_ARRAY_SIZE(commands); i++)
		fprintf(fp, "  %-12s  %s\n", commands[i].name, commands[i].summary);
	fputs("\n'kfpcache help COMMAND' or 'kfpcache COMMAND --help' for its options;\n"
	      "'kfpcache version' or 'kfpcache --version' for the version.\n"
	      "exit status: 0 ok, 1 error, 2 usage error, 3 partial history (some versions did not load),\n"
	      "4 a --fail-on condition held\n", fp);
}

static void print_version(void)
{
	printf("kfpcache %s\n", KFPCACHE_VERSION);
}

/*
 * As git's help.c: one line naming the nearest commands, then the
 * synopsis and where the list is, not the whole usage.
 */
static int unknown_command(const char *name)
{
	const char *names[KC_ARRAY_SIZE(commands)];
	size_t hit[KC_ARRAY_SIZE(commands)], i, k;

	for (i = 0; i < KC_ARRAY_SIZE(commands); i++)
		names[i] = commands[i].name;
	k = kc_did_you_mean(name, names, KC_ARRAY_SIZE(names), hit, KC_ARRAY_SIZE(hit));
	fprintf(stderr, "kfpcache: '%s' is not a command.", term_text(name));
	for (i = 0; i < k; i++)
		fprintf(stderr, "%s'%s'", i ? (i + 1 == k ? " or " : ", ") : " Did you mean ",
			names[hit[i]]);
	fputs(k ? "?\n" : "\n", stderr);
	fputs("usage: kfpcache <command> [options] ARGS ('kfpcache --help' lists the commands)\n",
	      stderr);
	return EXIT_USAGE;
}

static const struct command *find(const char *name)
{
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	/* `kfpcache version`, as `git version`, is --version. */
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		print_version();
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return EXIT_OK;
		}
		if (!(cmd = find(argv[2])))
			return unknown_command(argv[2]);
		cmd_usage(stdout, cmd);
		return EXIT_OK;
	}
	if (!(cmd = find(argv[1])))
		return unknown_command(argv[1]);
	return cmd->fn(argc - 1, argv + 1, cmd);
}
