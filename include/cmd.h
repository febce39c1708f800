/*
 * cmd.h - the subcommand layer: option tables (which feed getopt_long and
 * the help text alike), the options every analysing command shares, and
 * the session that loads a spec and its baselines and predicts.  Only this
 * layer prints.
 */
#ifndef KFPCACHE_CMD_H
#define KFPCACHE_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "dag.h"
#include "policy.h"
#include "predict.h"
#include "spec.h"

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_USAGE 2

struct opt {
	const char *name;       /* long name */
	int short_name;         /* 0 when none */
	const char *arg;        /* argument name, NULL for a flag */
	const char *help;
	int id;                 /* option id: >= 256, unique within a command */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct command *cmd);
	const char *args;       /* synopsis of the positional arguments */
	const char *summary;
	const struct opt *opts; /* command options, NULL-name terminated */
};

/* Options shared by analyze, explain and fingerprint. */
enum {
	OPT_REPO = 1000, OPT_PARAM, OPT_PARAMS_FILE, OPT_GLOBAL_CACHE, OPT_DEPLOYMENT,
	OPT_RUN_CACHING, OPT_KFP_VERSION, OPT_PUBLISH_LOGS, OPT_BASELINE, OPT_COLD,
	OPT_MAX_INPUT, OPT_MAX_DEPTH, OPT_MAX_NODES, OPT_MAX_STRING, OPT_MAX_TASKS, OPT_HELP
};
extern const struct opt common_opts[];

struct common {
	const char *repo;
	const char **params;          /* NULL-terminated */
	size_t nparams;
	const char *params_file;
	struct policy pol;
	const char **baselines;
	size_t nbaselines;
	bool cold;
	const char **pins;            /* fingerprint --input, NULL-terminated */
};

struct session {
	struct common *c;
	struct spec *spec;
	struct dag *dag;
	struct cache *cache;
	struct prediction *pr;
	struct spec **bspecs;
	struct dag **bdags;
	size_t nb;
	char *baseline_desc;          /* for the summary */
	struct arena arena;           /* params and such */
};

/*
 * Parse argv with the common table plus `extra`; for each option not in the
 * common table calls on_opt(id, optarg, ctx).  Returns the index of the
 * first positional argument, -1 on a usage error (message printed), or -2
 * when --help was printed.
 */
int cmd_parse(int argc, char **argv, const struct command *cmd, struct common *c,
	      int (*on_opt)(int id, const char *arg, void *ctx), void *ctx);
void cmd_usage(FILE *fp, const struct command *cmd);
int cmd_usage_error(const struct command *cmd, const char *fmt, ...) KC_PRINTF(2, 3);
void common_init(struct common *c);
void common_release(struct common *c);

/* Load, build and predict spec_arg against its baselines. */
int session_run(struct session *s, struct common *c, const char *spec_arg,
		bool need_baseline);
void session_release(struct session *s);

/* Print "kfpcache: <message>" for the recorded error; returns EXIT_ERROR. */
int cmd_fail(void);

int cmd_analyze(int argc, char **argv, const struct command *cmd);
int cmd_explain(int argc, char **argv, const struct command *cmd);
int cmd_fingerprint(int argc, char **argv, const struct command *cmd);
int cmd_history(int argc, char **argv, const struct command *cmd);
int cmd_merge(int argc, char **argv, const struct command *cmd);
int cmd_diff(int argc, char **argv, const struct command *cmd);
int cmd_blame(int argc, char **argv, const struct command *cmd);

extern const struct opt analyze_opts[];
extern const struct opt explain_opts[];
extern const struct opt fingerprint_opts[];
extern const struct opt history_opts[];
extern const struct opt merge_opts[];
extern const struct opt diff_opts[];
extern const struct opt blame_opts[];

#endif
