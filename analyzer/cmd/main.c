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

static const struct command commands[] = {
	{ "analyze", cmd_analyze, "SPEC",
	  "predict each task's cache decision against a baseline", analyze_opts },
	{ "explain", cmd_explain, "SPEC TASK",
	  "the decision log for one task: layers, key parts, lookup, upstream chain",
	  explain_opts },
	{ "fingerprint", cmd_fingerprint, "SPEC",
	  "exact KFP cache fingerprints of the tasks whose inputs are static",
	  fingerprint_opts },
	{ "history", cmd_history, "[PATH...]",
	  "what each commit that changed a spec did to the cache (timeline)",
	  history_opts },
	{ "diff", cmd_diff, "A B",
	  "two versions side by side: tasks whose key, caching or decision changes, and why",
	  diff_opts },
	{ "blame", cmd_blame, "PATH",
	  "for each task, the commit that last invalidated its cache entry",
	  blame_opts },
	{ "lint", cmd_lint, "SPEC",
	  "cache-safety findings (KC001...) as text, JSON or SARIF",
	  lint_opts },
	{ "compare", cmd_compare, "SPEC|PATH",
	  "the same spec (or each commit of a history) under several --policy: a matrix",
	  compare_opts },
	{ "merge", cmd_merge, "TIMELINE.csv...",
	  "join the timelines of history --shard K/N jobs into one",
	  merge_opts },
};

static void usage(FILE *fp)
{
	size_t i;

	fputs("usage: kfpcache <command> [options] ARGS\n\n"
	      "Predicts Kubeflow Pipelines v2 execution caching before a run.\n\n"
	      "commands:\n", fp);
	for (i = 0; i < KC_ARRAY_SIZE(commands); i++)
		fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'kfpcache help COMMAND' or 'kfpcache COMMAND --help' for its options.\n"
	      "exit status: 0 ok, 1 error, 2 usage error, 3 partial history (some versions did not load),\n"
	      "4 a --fail-on condition held\n", fp);
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
	if (!strcmp(argv[1], "--version")) {
		printf("kfpcache %s\n", KFPCACHE_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return EXIT_OK;
		}
		if (!(cmd = find(argv[2]))) {
			fprintf(stderr, "kfpcache: unknown command '%s'\n", term_text(argv[2]));
			return EXIT_USAGE;
		}
		cmd_usage(stdout, cmd);
		return EXIT_OK;
	}
	if (!(cmd = find(argv[1]))) {
		fprintf(stderr, "kfpcache: unknown command '%s'\n", term_text(argv[1]));
		usage(stderr);
		return EXIT_USAGE;
	}
	return cmd->fn(argc - 1, argv + 1, cmd);
}
