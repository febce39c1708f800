/*
 * cmd.h - the shared command layer: option tables (which feed getopt_long
 * and the help text alike), the options every analysing command shares,
 * and the session that loads a spec and its baselines and predicts.  Only
 * the command layer prints.  Each command includes the modules it uses
 * itself; this header declares only what the layer's own types need.
 */
#ifndef KFPCACHE_CMD_H
#define KFPCACHE_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "base/outfile.h"
#include "base/util.h"
#include "cmd/exit.h"
#include "load/spec.h"
#include "model/dag.h"
#include "model/policy.h"

struct cache;
struct dag;
struct policy_file;
struct prediction;
struct spec;

struct opt {
	const char *name;       /* long name */
	int short_name;         /* 0 when none */
	const char *arg;        /* argument name, NULL for a flag */
	const char *help;
	int id;                 /* option id: >= 256, unique within a command */
	int io;                 /* OPT_IN / OPT_OUT / OPT_OUTDIR: a file the command reads or writes */
	int group;              /* OPTG_*: the heading --help lists it under; 0: after them */
	const char *dflt;       /* what holds without the option, for --help */
};
enum { OPT_IN = 1, OPT_OUT, OPT_OUTDIR };
/* The headings of --help, in order. */
enum { OPTG_INPUTS = 1, OPTG_CACHE, OPTG_POLICY, OPTG_OUTPUTS, OPTG_LIMITS };

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct command *cmd);
	const char *args;       /* synopsis of the positional arguments */
	const char *summary;
	const struct opt *opts; /* command options, NULL-name terminated */
	unsigned long common;   /* the common_opts it takes: COMMON_* bits; --help always */
	const char *examples;   /* lines for --help, each a command that runs */
};

/* Options in common_opts, which every command's parser and --help add to its own. */
enum {
	OPT_REPO = 1000, OPT_PARAM, OPT_PARAMS_FILE, OPT_GLOBAL_CACHE, OPT_DEPLOYMENT,
	OPT_RUN_CACHING, OPT_KFP_VERSION, OPT_PUBLISH_LOGS, OPT_BASELINE, OPT_COLD,
	OPT_MAX_INPUT, OPT_MAX_DEPTH, OPT_MAX_NODES, OPT_MAX_STRING, OPT_MAX_TASKS, OPT_HELP,
	OPT_POLICY, OPT_NAMESPACE, OPT_BASELINE_NAMESPACE, OPT_CACHE_DB, OPT_CACHE_DB_DEFAULTS,
	OPT_CACHE_DB_PAGE_SIZE
};

extern const struct opt common_opts[];

/*
 * --color, in the tables of the commands that print decisions on the
 * terminal (analyze, history): one row, so its text cannot drift.
 */
enum { OPT_COLOR = 1200, OPT_VERBOSE };
enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
#define CMD_OPT_COLOR { "color", 0, "auto|always|never", \
	"colour the decisions on stdout; auto: when it is a terminal and NO_COLOR is unset or empty", \
	OPT_COLOR, 0, OPTG_OUTPUTS, "auto" }
/* "auto", "always" or "never" into *out; -1 (recorded) for anything else. */
int cmd_color_mode(const char *arg, enum color_mode *out);
/*
 * Whether to colour stdout: always, never, or (auto) when stdout is a
 * terminal, NO_COLOR is unset or empty (no-color.org) and TERM is not "dumb".
 */
bool cmd_color_on(enum color_mode mode);

/*
 * Which common options a command takes.  One it would ignore is refused
 * (cmd_parse) and not listed by its --help: a flag that silently does
 * nothing is worse than an error.
 */
#define COMMON_BIT(id) (1UL << ((id) - OPT_REPO))
#define COMMON_INPUTS (COMMON_BIT(OPT_REPO) | COMMON_BIT(OPT_PARAM))
#define COMMON_PARAMS_FILE COMMON_BIT(OPT_PARAMS_FILE)
#define COMMON_BASELINES (COMMON_BIT(OPT_BASELINE) | COMMON_BIT(OPT_COLD))
/* The cache's scope: only a lookup in a cache that runs filled reads it. */
#define COMMON_SCOPE (COMMON_BIT(OPT_NAMESPACE) | COMMON_BIT(OPT_BASELINE_NAMESPACE))
#define COMMON_POLICY (COMMON_BIT(OPT_GLOBAL_CACHE) | COMMON_BIT(OPT_DEPLOYMENT) | \
		       COMMON_BIT(OPT_RUN_CACHING) | COMMON_BIT(OPT_KFP_VERSION) | \
		       COMMON_BIT(OPT_PUBLISH_LOGS) | COMMON_BIT(OPT_POLICY))
#define COMMON_LIMITS (COMMON_BIT(OPT_MAX_INPUT) | COMMON_BIT(OPT_MAX_DEPTH) | \
		       COMMON_BIT(OPT_MAX_NODES) | COMMON_BIT(OPT_MAX_STRING) | \
		       COMMON_BIT(OPT_MAX_TASKS))
/* A deployment's live cache (cmd/live.c): only analyze and explain read it. */
#define COMMON_LIVE (COMMON_BIT(OPT_CACHE_DB) | COMMON_BIT(OPT_CACHE_DB_DEFAULTS))
/* Where --cache-db may read a scope whole, in pages: with baselines or a history. */
#define COMMON_LIVE_PAGED (COMMON_LIVE | COMMON_BIT(OPT_CACHE_DB_PAGE_SIZE))
#define COMMON_ALL (COMMON_INPUTS | COMMON_PARAMS_FILE | COMMON_BASELINES | \
		    COMMON_SCOPE | COMMON_POLICY | COMMON_LIMITS)

struct common {
	const char *repo;             /* --repo, or repo_found */
	char *repo_found;             /* owned: the repository a tracked spec file is in */
	const char **params;          /* NULL-terminated */
	size_t nparams;
	const char *params_file;
	struct policy pol;
	const char **baselines;
	const char **baseline_ns;     /* parallel: --baseline-namespace before it, or NULL */
	size_t nbaselines;
	const char *ns;               /* --namespace: the predicted run's (NULL: kubeflow) */
	const char *next_baseline_ns; /* the last --baseline-namespace */
	bool baseline_ns_trailing;    /* ... given after the last --baseline */
	bool cold;
	const char **pins;            /* fingerprint --input, NULL-terminated */
	const char **policy_args;     /* --policy FILE|PRESET, in order */
	size_t npolicy_args;
	bool multi_policy;            /* compare: one column per --policy */
	struct policy_file *pfile;    /* the single --policy, loaded into pol */
	bool version_set, logs_set;   /* --kfp-version / --publish-logs given */
	/*
	 * The files of the command line; cmd_args refuses an output that is an
	 * input or another output, unless defer_claims: then the command adds
	 * the outputs it derives (-o DIR) and calls cmd_claims_check itself.
	 */
	struct claims claims;
	bool defer_claims;
	const char *deployment;       /* --deployment FILE, read by cmd_claims_check */
	struct parse_limits limits;   /* --max-input-mb, --max-depth, ...: the specs' loader */
	size_t max_tasks;             /* --max-tasks, or 0 for dag_build's default */
	bool keep_log;                /* explain: predictions keep their decision log */
	/*
	 * Free each baseline's spec and dag once its run is committed to the
	 * cache (which copies what it keeps): s->bspecs/s->bdags are then NULL.
	 * For a command that never reads them afterwards (analyze without lint).
	 */
	bool drop_baselines;
	bool global_after_deployment; /* a later --global-cache overrides it */
	const char *cache_db;         /* --cache-db URL, or NULL */
	const char *verify_run;       /* verify: the run whose drivers' moments the lookups take */
	const char *cache_db_defaults;/* --cache-db-defaults-file */
	size_t cache_db_page_size;    /* --cache-db-page-size, or 0: LIVE_DEFAULT_PAGE_SIZE */
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
	struct live_ctx *live;        /* --cache-db: the open connection, or NULL */
	char *live_desc;              /* --cache-db: where the state came from */
	/*
	 * session_run_from: the specs are from's; the DAGs too when
	 * dags_borrowed (both policies' backends build alike).  dag_opts: the
	 * policy's switches the DAGs were built with (common_dag_options).
	 */
	const struct session *from;
	bool dags_borrowed;
	struct dag_options dag_opts;
	const char *live_spec_source; /* verify without --spec: the table the spec came from */
	const char *live_ns;          /* verify: the run's namespace (its MLMD context), or NULL */
};

struct live_cache;
struct cachedb_execution;
/*
 * --cache-db: connect (a warning on stderr when the URL holds a password),
 * count the entries in scope and describe the source into s->live_desc;
 * *live then answers predict_run's lookups.  With c->verify_run, the run's
 * executions are read first and each task's lookup sees only the entries
 * written before its driver ran.  live_close (NULL-safe) closes it.
 */
int live_open(struct session *s, const struct common *c, const char *pipeline,
	      struct live_cache *live);
/*
 * Connect for c->cache_db; *live then answers predict_run's lookups.  whole:
 * each scope (pipeline, namespace) is read whole, in pages of
 * --cache-db-page-size rows (a progress line on a terminal), on its first
 * lookup, and every lookup is answered from memory (history, mixed mode);
 * else each lookup is one indexed query.  *out: live_close, also after a
 * failure.  live may be NULL (verify connects before its spec is built).
 */
#define LIVE_DEFAULT_PAGE_SIZE 10000
int live_connect(struct live_ctx **out, const struct common *c, bool whole,
		 struct live_cache *live);
/* No progress line (history -q). */
void live_quiet(struct live_ctx *lc);
/* Whole mode: read scope pipeline/ns now (it then appears in live_describe). */
int live_note_scope(struct live_ctx *lc, const char *pipeline, const char *ns);
/*
 * Where the state came from (server, databases, namespace ns, time of the
 * read) and, after it, `counted` or else the entries of every scope read
 * whole, in the order read.  malloc'd.
 */
char *live_describe(const struct live_ctx *lc, const char *ns, const char *counted);
void live_close(struct live_ctx *lc);
/*
 * verify without --spec: connect (as live_open, which then reuses the
 * connection) and load the pipeline spec the API server stored for
 * c->verify_run, named "run:ID" in messages.
 */
int live_run_spec(struct session *s, const struct common *c, struct spec **out);
/* verify: how many container executions the run has. */
size_t live_run_containers(const struct session *s);
/*
 * The execution of task `path` in the run, by the task path its DAG
 * executions give it (for-loop-2[1]/train), NULL when none; *ambiguous when
 * several share it.
 */
const struct cachedb_execution *live_run_execution(const struct session *s, const char *path,
						   bool *ambiguous);
/*
 * When the run has no execution of `path` itself: its executions that are
 * iterations of it (path with "[N]" after loop components: a loop the
 * prediction shows once for all iterations).  Returns how many; fills at
 * most max of out and paths (each one's own path), in execution order.
 */
size_t live_run_iterations(const struct session *s, const char *path,
			   const struct cachedb_execution **out, const char **paths, size_t max);

/*
 * Parse argv with the common table plus cmd->opts; for each option not in
 * the common table calls on_opt(id, optarg, ctx).  Returns the index of the
 * first positional argument, -1 on a usage error (message printed), -2
 * when --help was printed, or -3 when on_opt returned -3 (an error it printed).
 */
int cmd_parse(int argc, char **argv, const struct command *cmd, struct common *c,
	      int (*on_opt)(int id, const char *arg, void *ctx), void *ctx);
/*
 * cmd_parse, then check that min..max positional arguments follow (max -1:
 * any).  Returns the index of the first, or -1 with *status set: 0 after
 * --help, 2 after a usage error (printed), 1 when an option's file failed.
 */
int cmd_args(int argc, char **argv, const struct command *cmd, struct common *c,
	     int (*on_opt)(int id, const char *arg, void *ctx), void *ctx,
	     int min, int max, const char *expected, int *status);
/*
 * claims_check as a usage error (-1 with *status EXIT_USAGE, printed),
 * then read --deployment and --policy (-1 with *status EXIT_ERROR).
 */
int cmd_claims_check(const struct command *cmd, struct common *c, int *status);
void cmd_usage(FILE *fp, const struct command *cmd);
int cmd_usage_error(const struct command *cmd, const char *fmt, ...) KC_PRINTF(2, 3);
void common_init(struct common *c);
void common_release(struct common *c);

/*
 * The policy `arg` (a file or preset) with the command line's layer
 * options (--global-cache, --deployment, --run-caching, --kfp-version,
 * --publish-logs) overriding its settings.  *pf: policy_file_free(), and
 * it must outlive *out.
 */
int common_policy(struct common *c, const char *arg, struct policy_file **pf,
		  struct policy *out);

/*
 * The DAG options the command line sets for policy p's backend: --max-tasks,
 * --param, and whether the driver knows the workspace (2.15+).
 */
void common_dag_options(const struct common *c, const struct policy *p, struct dag_options *o);

/* Load, build and predict spec_arg against its baselines. */
int session_run(struct session *s, struct common *c, const char *spec_arg,
		bool need_baseline);
/*
 * session_run under c->pol for the spec and baselines `from` (a session of
 * the same command line and spec_arg under another policy, or NULL) has
 * read: they are not parsed again, and their DAGs are shared when c->pol's
 * backend builds the same DAG (dag_options_equal).  Only the policy's
 * decisions are made again (compare: one session per policy).  `from`
 * must outlive s.
 */
int session_run_from(struct session *s, struct common *c, const char *spec_arg,
		     bool need_baseline, const struct session *from);
void session_release(struct session *s);

/* Does any of the n report paths name stdout ("-")?  It then replaces the summary. */
bool cmd_on_stdout(const char *const *paths, size_t n);
struct timeline_row;
/* One timeline report ('-' is stdout), into the set committed together. */
int cmd_write_timeline(struct outset *os, const char *path,
		       int (*fn)(FILE *, const struct timeline_row *, size_t),
		       const struct timeline_row *rows, size_t n);

struct hist_entry;
/*
 * A partial clone leaves blobs out, and libgit2 cannot fetch them: say how
 * many of PATH's versions are missing and the oldest commit affected (their
 * rows carry the error); nothing when none is.
 */
void cmd_note_missing_blobs(const char *path, const struct hist_entry *e, size_t n);

/* Worker threads for history walks: the online cores, at most 4. */
int default_jobs(void);

/* Print "kfpcache: <message>" for the recorded error; returns EXIT_ERROR. */
int cmd_fail(void);

/*
 * Print each line of `msgs` (failed --fail-on conditions) as
 * "kfpcache: <line>"; returns EXIT_GATE when there was one, else `ret`.
 */
int cmd_gate_exit(const char *msgs, int ret);

#endif
