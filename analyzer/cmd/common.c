/*
 * cmd/common.c - what the analysing commands share: the option table that
 * feeds getopt_long and --help, and the session that loads the spec, picks
 * the baselines (contract "Baselines"), replays them into a cache and
 * predicts the spec against it.
 */
#include "cmd/cmd.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/gitio.h"
#include "load/history.h"
#include "model/gate.h"
#include "model/policy_file.h"
#include "model/predict.h"
#include "reports/timeline.h"
#include "base/banned.h"

const struct opt common_opts[] = {
	{ "repo", 0, "DIR", "git repository for REV:PATH specs", OPT_REPO, 0, OPTG_INPUTS, "the one containing ." },
	{ "param", 0, "NAME=VALUE", "run parameter, typed by the root input's declared type (repeatable)", OPT_PARAM, 0, OPTG_INPUTS, "the inputs' defaults" },
	{ "params-file", 0, "FILE", "run parameters: a JSON object or a PipelineJob's runtimeConfig", OPT_PARAMS_FILE, OPT_IN, OPTG_INPUTS, "none" },
	{ "baseline", 'b', "SPEC", "spec(s) whose runs filled the cache, oldest first (repeatable; file or REV:PATH)", OPT_BASELINE, OPT_IN, OPTG_CACHE, "SPEC's previous version in git, else a cold cache" },
	{ "baseline-namespace", 0, "NS", "namespace the --baseline specs after it ran in", OPT_BASELINE_NAMESPACE, 0, OPTG_CACHE, "--namespace" },
	{ "namespace", 0, "NS", "namespace of the predicted run: KFP's lookup is scoped by it", OPT_NAMESPACE, 0, OPTG_CACHE, "kubeflow" },
	{ "cold", 0, NULL, "predict against an empty cache", OPT_COLD, 0, OPTG_CACHE, "off" },
	{ "cache-db", 0, "URL", "predict against a deployment's live cache: mysql://USER@HOST[:PORT]/ or mysql://USER@localhost/?socket=PATH (password: KFPCACHE_DB_PASSWORD)", OPT_CACHE_DB, 0, OPTG_CACHE, "none" },
	{ "cache-db-defaults-file", 0, "FILE", "MySQL option file ([client] password=...) for --cache-db", OPT_CACHE_DB_DEFAULTS, OPT_IN, OPTG_CACHE, "none" },
	{ "cache-db-page-size", 0, "N", "rows per page when --cache-db reads a scope whole (history, with --baseline)", OPT_CACHE_DB_PAGE_SIZE, 0, OPTG_CACHE, "10000" },
	{ "global-cache", 0, "on|off", "the deployment-wide switch (API server CACHEENABLED)", OPT_GLOBAL_CACHE, 0, OPTG_POLICY, "on" },
	{ "deployment", 0, "FILE", "read CACHEENABLED of ml-pipeline-api-server from a manifest or kustomize patch", OPT_DEPLOYMENT, OPT_IN, OPTG_POLICY, "none" },
	{ "run-caching", 0, "on|off", "the run-level enable_caching override (reaches root-DAG tasks only, as KFP's client)", OPT_RUN_CACHING, 0, OPTG_POLICY, "the spec's settings" },
	{ "kfp-version", 0, "X.Y", "backend release to model; 2.18 or master: custom cache keys; master: env in the key", OPT_KFP_VERSION, 0, OPTG_POLICY, "2.17" },
	{ "publish-logs", 0, "on|off", "API server PUBLISH_LOGS: executor-logs in every key", OPT_PUBLISH_LOGS, 0, OPTG_POLICY, "on" },
	{ "policy", 0, "FILE|PRESET", "organisation policy (JSON) or preset: kfp-default, deployment-off, run-off, run-off-all, compile-default-off", OPT_POLICY, OPT_IN, OPTG_POLICY, "kfp-default" },
	{ "max-input-mb", 0, "N", "refuse specs larger than N MiB", OPT_MAX_INPUT, 0, OPTG_LIMITS, "64" },
	{ "max-depth", 0, "N", "refuse specs nested deeper than N levels", OPT_MAX_DEPTH, 0, OPTG_LIMITS, "256" },
	{ "max-nodes", 0, "N", "refuse specs of more than N nodes, YAML aliases expanded", OPT_MAX_NODES, 0, OPTG_LIMITS, "8388608" },
	{ "max-string-mb", 0, "N", "refuse a single string longer than N MiB", OPT_MAX_STRING, 0, OPTG_LIMITS, "16" },
	{ "max-tasks", 0, "N", "refuse specs that expand to more than N tasks", OPT_MAX_TASKS, 0, OPTG_LIMITS, "50000" },
	{ "help", 'h', NULL, "show this help and exit", OPT_HELP, 0, 0, NULL },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

void common_init(struct common *c)
{
	memset(c, 0, sizeof(*c));
	policy_init(&c->pol);
}

void common_release(struct common *c)
{
	free(c->params);
	free(c->baselines);
	free(c->baseline_ns);
	free(c->policy_args);
	free(c->repo_found);
	policy_file_free(c->pfile);
	claims_release(&c->claims);
	memset(c, 0, sizeof(*c));
}

/* Does cmd take option o (a row of its own table, or of common_opts)? */
static bool takes(const struct command *cmd, const struct opt *o, bool common)
{
	return !common || o->id == OPT_HELP || (cmd->common & COMMON_BIT(o->id));
}

/* "-q, --quiet" or "    --csv FILE": the left column of --help. */
static void opt_left(char *out, size_t size, const struct opt *o)
{
	if (o->short_name)
		snprintf(out, size, "-%c, --%s%s%s", o->short_name, o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(out, size, "    --%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
}

static size_t left_width(const struct command *cmd, const struct opt *o, bool common,
			 size_t w)
{
	char left[96];

	for (; o && o->name; o++) {
		if (!takes(cmd, o, common))
			continue;
		opt_left(left, sizeof(left), o);
		if (strlen(left) > w)
			w = strlen(left);
	}
	return w;
}

/* The rows of one --help heading into sb: name, two spaces, description, default. */
static void group_rows(struct strbuf *sb, const struct command *cmd, const struct opt *o,
		       bool common, int group, int width)
{
	char left[96];

	for (; o && o->name; o++) {
		if (o->group != group || !takes(cmd, o, common))
			continue;
		opt_left(left, sizeof(left), o);
		sb_addf(sb, "  %-*s  %s", width, left, o->help);
		if (o->dflt)
			sb_addf(sb, " (default: %s)", o->dflt);
		sb_addc(sb, '\n');
	}
}

/*
 * The options cmd takes under the headings of enum OPTG_* (a heading with
 * none is left out), its own first in each, names in one aligned column;
 * --help last, then the examples.
 */
void cmd_usage(FILE *fp, const struct command *cmd)
{
	static const char *const heading[] = {
		"", "inputs", "cache", "policy", "outputs", "limits"
	};
	int width = (int)left_width(cmd, common_opts, true, left_width(cmd, cmd->opts, false, 0));
	struct strbuf sb = STRBUF_INIT;
	size_t g;

	fprintf(fp, "usage: kfpcache %s [options] %s\n\n%s\n", cmd->name, cmd->args,
		cmd->summary);
	for (g = 1; g <= KC_ARRAY_SIZE(heading); g++) {
		int id = g < KC_ARRAY_SIZE(heading) ? (int)g : 0;
		sb_reset(&sb);
		group_rows(&sb, cmd, cmd->opts, false, id, width);
		group_rows(&sb, cmd, common_opts, true, id, width);
		if (sb.len)
			fprintf(fp, "\n%s%s%s", id ? heading[id] : "", id ? ":\n" : "", sb_str(&sb));
	}
	sb_release(&sb);
	if (cmd->examples)
		fprintf(fp, "\nexamples:\n%s", cmd->examples);
}

int cmd_usage_error(const struct command *cmd, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	/* The message quotes the user's arguments: one line, escaped (util.h). */
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	fputs("kfpcache: ", stderr);
	term_fputs(sb_str(&sb), stderr);
	fprintf(stderr, "\nusage: kfpcache %s [options] %s\n", cmd->name, cmd->args);
	sb_release(&sb);
	return -1;
}

/*
 * The one printer of a recorded error.  The message quotes names from the
 * input; escaped (util.h), a "\n" in a task name cannot forge a second
 * "kfpcache:" line nor an ESC sequence reach the terminal.
 */
int cmd_fail(void)
{
	fprintf(stderr, "kfpcache: %s\n", term_text(err_msg()));
	return EXIT_ERROR;
}

int cmd_gate_exit(const char *msgs, int ret)
{
	const char *p = msgs;

	if (!p || !*p)
		return ret;
	while (*p) {
		size_t n = strcspn(p, "\n");
		struct strbuf line = STRBUF_INIT;
		sb_add_term(&line, p, n);
		fprintf(stderr, "kfpcache: %s\n", sb_str(&line));
		sb_release(&line);
		p += n + (p[n] ? 1 : 0);
	}
	return EXIT_GATE;
}

static int on_off(const struct command *cmd, const char *opt, const char *arg, int *out)
{
	if (!strcmp(arg, "on")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(arg, "off")) {
		*out = 0;
		return 0;
	}
	return cmd_usage_error(cmd, "--%s takes on or off, not '%s'", opt, arg);
}

/*
 * A namespace name is a DNS-1123 label (Kubernetes' validation of
 * metadata.name for a Namespace): the driver's namespace can be nothing else.
 */
static bool is_namespace(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static void add_opts(struct option **lo, size_t *n, size_t *alloc, struct strbuf *so,
		     const struct command *cmd, const struct opt *o, bool common)
{
	for (; o && o->name; o++) {
		if (!takes(cmd, o, common))
			continue;
		KC_GROW(*lo, *alloc, *n + 1);
		(*lo)[*n].name = o->name;
		(*lo)[*n].has_arg = o->arg ? required_argument : no_argument;
		(*lo)[*n].flag = NULL;
		(*lo)[*n].val = o->id;
		(*n)++;
		if (o->short_name) {
			sb_addc(so, (char)o->short_name);
			if (o->arg)
				sb_addc(so, ':');
		}
	}
}

static const struct opt *find_opt(const struct opt *o, int id)
{
	for (; o && o->name; o++)
		if (o->id == id)
			return o;
	return NULL;
}

/* An option that names a file the command reads or writes. */
static void claim_opt(const struct command *cmd, struct common *c, int id, const char *arg)
{
	const struct opt *o = find_opt(cmd->opts, id);
	char what[80];

	if (!o)
		o = find_opt(common_opts, id);
	if (!o || (o->io != OPT_IN && o->io != OPT_OUT))
		return;
	snprintf(what, sizeof(what), "--%s", o->name);
	claims_add(&c->claims, what, arg, o->io == OPT_OUT);
}

/* The k-th word of the synopsis ("A B", "[PATH...]"), for messages about it. */
static void arg_label(char *out, size_t size, const char *args, int k)
{
	const char *p = args ? args : "", *w = p;
	size_t len;
	int i;

	for (i = 0; i <= k; i++) {
		p += strspn(p, " ");
		if (!*p)
			break;
		w = p;
		p += strcspn(p, " ");
	}
	w += strspn(w, "[");
	len = strcspn(w, " .]");
	snprintf(out, size, "%.*s", (int)(len ? len : 8), len ? w : "argument");
}

/*
 * The inputs that options name, read once the command line is known to be
 * safe: --deployment (unless a later --global-cache overrides it), then
 * the single --policy, which the command line's layer options override.
 */
static int load_inputs(struct common *c, int *status)
{
	if (c->deployment) {
		struct policy p = c->pol;
		char *note;
		if (policy_read_deployment(&p, c->deployment, &note) < 0)
			goto fail;
		if (note)
			fprintf(stderr, "kfpcache: note: %s\n", term_text(note));
		free(note);
		if (!c->global_after_deployment)
			c->pol = p;
	}
	if (c->npolicy_args == 1 && !c->multi_policy &&
	    common_policy(c, c->policy_args[0], &c->pfile, &c->pol) < 0)
		goto fail;
	return 0;
fail:
	*status = cmd_fail();
	return -1;
}

int cmd_claims_check(const struct command *cmd, struct common *c, int *status)
{
	if (claims_check(&c->claims) < 0) {
		cmd_usage_error(cmd, "%s", err_msg());
		*status = EXIT_USAGE;
		return -1;
	}
	return load_inputs(c, status);
}

/* The long names cmd takes, into *out (xmalloc'd); returns how many. */
static size_t long_names(const struct command *cmd, const char ***out)
{
	const struct opt *tabs[] = { cmd->opts, common_opts };
	size_t n = 0, k;

	*out = NULL;
	for (k = 0; k < 2; k++) {
		const struct opt *o;
		for (o = tabs[k]; o && o->name; o++) {
			if (!takes(cmd, o, k == 1))
				continue;
			*out = xreallocarray(*out, n + 1, sizeof(**out));
			(*out)[n++] = o->name;
		}
	}
	return n;
}

/*
 * An option getopt_long did not know: a common one this command would
 * ignore says so; otherwise the nearest it takes, as git suggests a
 * command (one line, then the synopsis).
 */
static void unknown_option(const struct command *cmd, const char *arg)
{
	const char **names;
	const struct opt *o;
	size_t n, len, hit[4], k;
	char *name;

	if (strncmp(arg, "--", 2)) {
		cmd_usage_error(cmd, "unknown option '%s'", arg);
		return;
	}
	len = strcspn(arg + 2, "=");
	name = xstrndup(arg + 2, len);
	for (o = common_opts; o->name; o++)
		if (!strcmp(o->name, name)) {
			cmd_usage_error(cmd, "%s does not take --%s (it would be ignored)",
					cmd->name, name);
			free(name);
			return;
		}
	n = long_names(cmd, &names);
	k = kc_did_you_mean(name, names, n, hit, KC_ARRAY_SIZE(hit));
	if (k == 1)
		cmd_usage_error(cmd, "unknown option '--%s'. Did you mean '--%s'?", name, names[hit[0]]);
	else if (k > 1)
		cmd_usage_error(cmd, "unknown option '--%s'. Did you mean one of '--%s', '--%s'%s?",
				name, names[hit[0]], names[hit[1]], k > 2 ? ", ..." : "");
	else
		cmd_usage_error(cmd, "unknown option '--%s'", name);
	free(names);
	free(name);
}

static int short_to_id(const struct opt *o, int c)
{
	for (; o && o->name; o++)
		if (o->short_name == c)
			return o->id;
	return -1;
}

/* Resource limits for untrusted specs, passed to spec_load and dag_build. */
static int set_limit(const struct command *cmd, struct common *c, int id, const char *arg)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);

	if (*end || !*arg || v == 0 || v > (1ULL << 40))
		return cmd_usage_error(cmd, "limit '%s': expected a positive whole number", arg);
	switch (id) {
	case OPT_MAX_INPUT: c->limits.max_bytes = (size_t)(v << 20); break;
	case OPT_MAX_DEPTH: c->limits.max_depth = (size_t)v; break;
	case OPT_MAX_NODES: c->limits.max_nodes = (size_t)v; break;
	case OPT_MAX_STRING: c->limits.max_string = (size_t)(v << 20); break;
	case OPT_MAX_TASKS: c->max_tasks = (size_t)v; break;
	}
	return 0;
}

/*
 * The options every command shares: one case per row of the common option
 * table, each a line or a few; 1 when id is not a common option.  A switch
 * is the table's other half: split up, the cases would only be harder to
 * check against the table.
 */
static int common_opt(const struct command *cmd, struct common *c, int id, const char *arg)
{
	int v = 0;

	switch (id) {
	case OPT_MAX_INPUT:
	case OPT_MAX_DEPTH:
	case OPT_MAX_NODES:
	case OPT_MAX_STRING:
	case OPT_MAX_TASKS:
		return set_limit(cmd, c, id, arg);
	case OPT_REPO:
		c->repo = arg;
		return 0;
	case OPT_PARAM:
		c->params = xreallocarray(c->params, c->nparams + 2, sizeof(*c->params));
		c->params[c->nparams++] = arg;
		c->params[c->nparams] = NULL;
		return 0;
	case OPT_PARAMS_FILE:
		c->params_file = arg;
		return 0;
	case OPT_BASELINE:
		c->baselines = xreallocarray(c->baselines, c->nbaselines + 1, sizeof(*c->baselines));
		c->baseline_ns = xreallocarray(c->baseline_ns, c->nbaselines + 1,
					       sizeof(*c->baseline_ns));
		c->baseline_ns[c->nbaselines] = c->next_baseline_ns;
		c->baselines[c->nbaselines++] = arg;
		c->baseline_ns_trailing = false;
		return 0;
	case OPT_NAMESPACE:
	case OPT_BASELINE_NAMESPACE:
		if (!is_namespace(arg))
			return cmd_usage_error(cmd, "--%s '%s': not a Kubernetes namespace (lower-case letters, digits and '-', at most 63)",
					       id == OPT_NAMESPACE ? "namespace" : "baseline-namespace", arg);
		if (id == OPT_NAMESPACE) {
			c->ns = arg;
			return 0;
		}
		c->next_baseline_ns = arg;
		c->baseline_ns_trailing = true;
		return 0;
	case OPT_COLD:
		c->cold = true;
		return 0;
	case OPT_CACHE_DB:
		c->cache_db = arg;
		return 0;
	case OPT_CACHE_DB_DEFAULTS:
		c->cache_db_defaults = arg;
		return 0;
	case OPT_CACHE_DB_PAGE_SIZE: {
		char *end;
		unsigned long long n;
		n = strtoull(arg, &end, 10);
		if (!*arg || *end || *arg == '-' || n < 1 || n > 1000000)
			return cmd_usage_error(cmd, "--cache-db-page-size '%s': expected 1 to 1000000 rows",
					       arg);
		c->cache_db_page_size = (size_t)n;
		return 0;
	}
	case OPT_GLOBAL_CACHE:
		if (on_off(cmd, "global-cache", arg, &v) < 0)
			return -1;
		c->pol.global_cache = v;
		c->pol.global_source = "--global-cache";
		c->global_after_deployment = c->deployment != NULL;
		return 0;
	case OPT_DEPLOYMENT:
		/* Read after the files are checked (cmd_load_inputs); the last one wins. */
		c->deployment = arg;
		c->global_after_deployment = false;
		return 0;
	case OPT_RUN_CACHING:
		if (on_off(cmd, "run-caching", arg, &v) < 0)
			return -1;
		c->pol.run_caching = v;
		return 0;
	case OPT_KFP_VERSION:
		if (policy_set_version(&c->pol, arg) < 0)
			return cmd_usage_error(cmd, "%s", err_msg());
		c->version_set = true;
		return 0;
	case OPT_PUBLISH_LOGS:
		if (on_off(cmd, "publish-logs", arg, &v) < 0)
			return -1;
		c->pol.publish_logs = v == 1;
		c->logs_set = true;
		return 0;
	case OPT_POLICY:
		c->policy_args = xreallocarray(c->policy_args, c->npolicy_args + 1,
					       sizeof(*c->policy_args));
		c->policy_args[c->npolicy_args++] = arg;
		return 0;
	}
	return 1;
}

int cmd_parse(int argc, char **argv, const struct command *cmd, struct common *c,
	      int (*on_opt)(int id, const char *arg, void *ctx), void *ctx)
{
	struct option *lo = NULL;
	size_t n = 0, alloc = 0;
	struct strbuf so = STRBUF_INIT;
	int ch, ret = -1;

	sb_addc(&so, ':');
	add_opts(&lo, &n, &alloc, &so, cmd, cmd->opts, false);
	add_opts(&lo, &n, &alloc, &so, cmd, common_opts, true);
	KC_GROW(lo, alloc, n + 1);
	memset(&lo[n], 0, sizeof(lo[n]));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, so.buf, lo, NULL)) != -1) {
		int id = ch, r;
		if (ch == '?') {
			if (optopt)
				cmd_usage_error(cmd, "unknown option '-%c'", optopt);
			else
				unknown_option(cmd, argv[optind - 1]);
			goto done;
		}
		if (ch == ':') {
			cmd_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
			goto done;
		}
		/* Long options return their id (>= 256); short ones their letter. */
		if (ch < 256 && (id = short_to_id(cmd->opts, ch)) < 0)
			id = short_to_id(common_opts, ch);
		if (id == OPT_HELP) {
			cmd_usage(stdout, cmd);
			ret = -2;
			goto done;
		}
		claim_opt(cmd, c, id, optarg);
		r = common_opt(cmd, c, id, optarg);
		if (r == 1) {
			err_clear();
			r = on_opt ? on_opt(id, optarg, ctx) : -1;
			if (r < 0) {
				cmd_usage_error(cmd, "%s", err_msg());
				goto done;
			}
		}
		if (r == -3) {
			ret = -3;
			goto done;
		}
		if (r < 0)
			goto done;
	}
	/* Without --baseline it names the default baseline's namespace. */
	if (c->baseline_ns_trailing && c->nbaselines) {
		cmd_usage_error(cmd, "--baseline-namespace %s comes after the last --baseline: it names the namespace of the baselines after it",
				c->next_baseline_ns);
		goto done;
	}
	/* --cold empties the cache the baselines would fill: one of them is ignored. */
	if (c->cold && c->nbaselines) {
		cmd_usage_error(cmd, "--cold and --baseline: a cold cache has no baseline runs; give one of them");
		goto done;
	}
	if (c->cache_db && c->cold) {
		cmd_usage_error(cmd, "--cache-db and --cold: the live cache is the state predicted against, never a cold one");
		goto done;
	}
	if ((c->cache_db_defaults || c->cache_db_page_size) && !c->cache_db) {
		cmd_usage_error(cmd, "--cache-db-%s without --cache-db",
				c->cache_db_defaults ? "defaults-file" : "page-size");
		goto done;
	}
	/* compare checks its own, which --history also reads whole. */
	if (c->cache_db_page_size && !c->nbaselines && strcmp(cmd->name, "history") &&
	    strcmp(cmd->name, "compare")) {
		cmd_usage_error(cmd, "--cache-db-page-size without --baseline: one spec's lookups are indexed queries, no scope is read in pages");
		goto done;
	}
	if (c->npolicy_args > 1 && !c->multi_policy) {
		cmd_usage_error(cmd, "--policy given %zu times: only compare takes several",
				c->npolicy_args);
		goto done;
	}
	ret = optind;
done:
	free(lo);
	sb_release(&so);
	return ret;
}

int common_policy(struct common *c, const char *arg, struct policy_file **pf,
		  struct policy *out)
{
	const struct policy *cli = &c->pol;
	struct policy p;

	*pf = NULL;
	policy_init(&p);
	if (policy_file_load(pf, arg) < 0 || policy_apply_file(&p, *pf) < 0) {
		policy_file_free(*pf);
		*pf = NULL;
		return -1;
	}
	/* The command line overrides the file, whatever the order. */
	if (cli->global_cache >= 0) {
		p.global_cache = cli->global_cache;
		p.global_source = cli->global_source;
	}
	if (cli->run_caching >= 0) {
		p.run_caching = cli->run_caching;
		p.run_all = false;
	}
	if (c->version_set) {
		p.kfp_major = cli->kfp_major;
		p.kfp_minor = cli->kfp_minor;
		p.kfp_master = cli->kfp_master;
	}
	if (c->logs_set)
		p.publish_logs = cli->publish_logs;
	*out = p;
	return 0;
}

int cmd_args(int argc, char **argv, const struct command *cmd, struct common *c,
	     int (*on_opt)(int id, const char *arg, void *ctx), void *ctx,
	     int min, int max, const char *expected, int *status)
{
	int idx = cmd_parse(argc, argv, cmd, c, on_opt, ctx), i;

	if (idx < 0) {
		*status = idx == -2 ? EXIT_OK : idx == -3 ? EXIT_ERROR : EXIT_USAGE;
		return -1;
	}
	if (argc - idx < min || (max >= 0 && argc - idx > max)) {
		cmd_usage_error(cmd, "expected %s", expected);
		*status = EXIT_USAGE;
		return -1;
	}
	for (i = idx; i < argc; i++) {
		char what[64];
		arg_label(what, sizeof(what), cmd->args, i - idx);
		claims_add(&c->claims, what, argv[i], false);
	}
	if (!c->defer_claims && cmd_claims_check(cmd, c, status) < 0)
		return -1;
	return idx;
}

/* ---- session ---- */

static int load_params(struct session *s, struct common *c, const struct node **out)
{
	const struct node *params = s->spec->run_params;
	char *buf = NULL;
	size_t len;
	struct node *n;

	if (c->params_file) {
		if (read_file(c->params_file, &buf, &len) < 0)
			return -1;
		if (json_parse(&s->arena, buf, len, c->params_file, &c->limits, &n) < 0) {
			free(buf);
			return -1;
		}
		free(buf);
		if (node_get(n, "runtimeConfig"))
			params = node_path(n, "runtimeConfig", "parameterValues", NULL);
		else if (node_get(n, "parameterValues"))
			params = node_get(n, "parameterValues");
		else
			params = n;
		if (!node_is_map(params))
			return err_set("%s: expected a JSON object of parameter values", c->params_file);
	}
	*out = params;
	return 0;
}

void common_dag_options(const struct common *c, const struct policy *p, struct dag_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_tasks = c->max_tasks;
	o->cli_params = c->params;
	/* The 2.14.0 driver has no workspace code (git grep workspace_path 2.14.0 is empty). */
	o->no_workspace = !policy_version_at_least(p, 2, 15);
	o->oneof_artifact_last = !policy_version_at_least(p, 2, 17);
}

/*
 * Run parameters (--param, --params-file) describe the run being predicted;
 * baselines run with their own PipelineJob values or the defaults.
 */
static int build(struct session *s, struct common *c, struct spec *spec, struct dag **out)
{
	struct dag_options o = s->dag_opts;

	o.params = spec->run_params;
	o.params_source = spec->name;
	if (spec != s->spec) {
		o.cli_params = NULL;    /* a baseline runs with its own values */
	} else {
		o.pins = c->pins;
		if (load_params(s, c, &o.params) < 0)
			return -1;
		if (c->params_file)
			o.params_source = c->params_file;
	}
	return dag_build(out, spec, &o);
}

/* The contract's default baseline for a spec given as REV:PATH or a file. */
static int default_baseline(struct session *s, struct common *c, const char *arg,
			    char **out)
{
	struct gitrepo *r = NULL;
	bool found = false, tracked = false;
	char commit[41];
	char *repo_dir = NULL, *rel = NULL;
	int ret = -1;

	*out = NULL;
	if (s->spec->blob_id[0]) {
		const char *colon = strchr(arg, ':');
		char *rev = xstrndup(arg, (size_t)(colon - arg));
		if (gitrepo_open(&r, c->repo) < 0 ||
		    gitrepo_prev_version(r, rev, colon + 1, &found, commit) < 0) {
			free(rev);
			goto done;
		}
		free(rev);
		if (found) {
			struct strbuf sb = STRBUF_INIT;
			sb_addf(&sb, "%.12s:%s", commit, colon + 1);
			*out = sb_detach(&sb, NULL);
		}
		ret = 0;
		goto done;
	}
	if (strcmp(arg, "-") && gitrepo_tracked_path(arg, &tracked, &repo_dir, &rel) < 0)
		goto done;
	if (tracked) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "HEAD:%s", rel);
		*out = sb_detach(&sb, NULL);
		/*
		 * The repository outlives this session: compare runs one
		 * session per policy with the same common options.
		 */
		if (!c->repo) {
			c->repo = c->repo_found = repo_dir;
			repo_dir = NULL;
		}
	}
	ret = 0;
done:
	free(repo_dir);
	free(rel);
	gitrepo_free(r);
	return ret;
}

/*
 * Baseline i's namespace: the --baseline-namespace before it (the last one
 * for the default baseline), else the predicted run's.
 */
static const char *baseline_namespace(const struct common *c, const char **bl, size_t i)
{
	const char *ns = bl == c->baselines ? c->baseline_ns[i] : c->next_baseline_ns;

	return ns ? ns : c->ns;
}

/*
 * Load and build the nbl baselines in the order given, each run committed
 * to the session's cache; s->baseline_desc then names them all.
 */
static int replay_baselines(struct session *s, struct common *c, const char **bl, size_t nbl,
			    const struct live_cache *live)
{
	/* Mixed mode: each baseline runs against the live state and the baselines before it. */
	struct predict_options commit = { .commit = true, .live = live };
	struct strbuf desc = STRBUF_INIT;
	size_t i;

	s->bspecs = xcalloc(nbl ? nbl : 1, sizeof(*s->bspecs));
	s->bdags = xcalloc(nbl ? nbl : 1, sizeof(*s->bdags));
	for (i = 0; i < nbl; i++) {
		struct prediction *bp;
		char label[32];
		if (s->from)
			s->bspecs[i] = s->from->bspecs[i];
		else if (spec_load(&s->bspecs[i], bl[i], c->repo, &c->limits) < 0)
			goto fail;
		s->nb = i + 1;
		if (s->dags_borrowed)
			s->bdags[i] = s->from->bdags[i];
		else if (build(s, c, s->bspecs[i], &s->bdags[i]) < 0)
			goto fail;
		snprintf(label, sizeof(label), "baseline-%zu", i + 1);
		commit.ns = baseline_namespace(c, bl, i);
		if (predict_run(&bp, s->bdags[i], &c->pol, s->cache, label, &commit) < 0)
			goto fail;
		prediction_free(bp);
		if (c->drop_baselines && !s->from) {
			dag_free(s->bdags[i]);
			spec_free(s->bspecs[i]);
			s->bdags[i] = NULL;
			s->bspecs[i] = NULL;
		}
		sb_addf(&desc, "%s%s", i ? ", " : "", bl[i]);
	}
	s->baseline_desc = sb_detach(&desc, NULL);
	return 0;
fail:
	sb_release(&desc);
	return -1;
}

/*
 * Mixed mode's source: the live state (every scope the baselines and the
 * run read), then the baselines replayed on top of it, in order.
 */
static void describe_mixed(struct session *s, const struct common *c, size_t nbl)
{
	char *live = live_describe(s->live, c->ns ? c->ns : PREDICT_DEFAULT_NAMESPACE, NULL);

	free(s->live_desc);
	s->live_desc = xstrfmt("%s; then %zu %s replayed on top: %s", live, nbl,
			       nbl == 1 ? "baseline" : "baselines", s->baseline_desc);
	free(live);
}

int session_run(struct session *s, struct common *c, const char *spec_arg,
		bool need_baseline)
{
	return session_run_from(s, c, spec_arg, need_baseline, NULL);
}

/*
 * The spec and DAG: from's when given (its DAG if c->pol's backend builds
 * alike), else loaded and built.
 */
static int session_spec(struct session *s, struct common *c, const char *spec_arg)
{
	common_dag_options(c, &c->pol, &s->dag_opts);
	if (!s->from) {
		/* verify without --spec: the spec the API server stored for the run. */
		if ((spec_arg ? spec_load(&s->spec, spec_arg, c->repo, &c->limits)
			      : live_run_spec(s, c, &s->spec)) < 0)
			return -1;
		return build(s, c, s->spec, &s->dag);
	}
	s->spec = s->from->spec;
	s->dags_borrowed = dag_options_equal(&s->dag_opts, &s->from->dag_opts);
	if (s->dags_borrowed) {
		s->dag = s->from->dag;
		return 0;
	}
	return build(s, c, s->spec, &s->dag);
}

int session_run_from(struct session *s, struct common *c, const char *spec_arg,
		     bool need_baseline, const struct session *from)
{
	char *dflt = NULL;
	const char **bl = c->baselines;
	size_t nbl = c->nbaselines;
	struct predict_options current = { .keep_log = c->keep_log, .ns = c->ns };
	struct live_cache live;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	arena_init(&s->arena);
	s->c = c;
	s->from = from;
	s->cache = cache_new();
	if (c->pol.global_cache == 0 && !policy_has_global_switch(&c->pol))
		fprintf(stderr, "kfpcache: note: CACHEENABLED=false (%s) ignored: backend %d.%d has no global switch (added in 2.14)\n",
			term_text(c->pol.global_source), c->pol.kfp_major, c->pol.kfp_minor);
	if (session_spec(s, c, spec_arg) < 0)
		goto done;
	if (c->cache_db) {
		if (live_open(s, c, s->dag->pipeline_name, &live) < 0)
			goto done;
		current.live = &live;
		if (s->live_ns)
			current.ns = s->live_ns;
	} else if (need_baseline && !c->cold && !nbl) {
		if (default_baseline(s, c, spec_arg, &dflt) < 0)
			goto done;
		if (dflt) {
			bl = (const char **)&dflt;
			nbl = 1;
		} else {
			fprintf(stderr, "kfpcache: note: no baseline for '%s' (not in git or no earlier version): predicting against a cold cache\n",
				term_text(spec_arg));
		}
	}
	if (!need_baseline || c->cold)
		nbl = 0;
	/* The same command line names the same baselines; from read them. */
	if (from && from->nb != nbl) {
		err_set("internal: a session shares %zu baselines, not %zu", from->nb, nbl);
		goto done;
	}
	if (replay_baselines(s, c, bl, nbl, current.live) < 0)
		goto done;
	if (c->cache_db && nbl)
		describe_mixed(s, c, nbl);
	if (predict_run(&s->pr, s->dag, &c->pol, s->cache, "current", &current) < 0)
		goto done;
	ret = 0;
done:
	free(dflt);
	return ret;
}

void session_release(struct session *s)
{
	size_t i;

	prediction_free(s->pr);
	for (i = 0; i < s->nb; i++) {
		if (!s->dags_borrowed)
			dag_free(s->bdags[i]);
		if (!s->from)
			spec_free(s->bspecs[i]);
	}
	free(s->bdags);
	free(s->bspecs);
	free(s->baseline_desc);
	free(s->live_desc);
	live_close(s->live);
	cache_free(s->cache);
	if (!s->dags_borrowed)
		dag_free(s->dag);
	if (!s->from)
		spec_free(s->spec);
	arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

int cmd_color_mode(const char *arg, enum color_mode *out)
{
	static const char *const names[] = { "auto", "always", "never" };
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(names); i++)
		if (!strcmp(arg, names[i])) {
			*out = (enum color_mode)i;
			return 0;
		}
	return err_set("--color takes auto, always or never, not '%s'", arg);
}

bool cmd_color_on(enum color_mode mode)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (mode != COLOR_AUTO)
		return mode == COLOR_ALWAYS;
	return isatty(1) && !(no && *no) && !(term && !strcmp(term, "dumb"));
}

bool cmd_on_stdout(const char *const *paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (paths[i] && !strcmp(paths[i], "-"))
			return true;
	return false;
}

int cmd_write_timeline(struct outset *os, const char *path,
		       int (*fn)(FILE *, const struct timeline_row *, size_t),
		       const struct timeline_row *rows, size_t n)
{
	FILE *fp;

	if (!path)
		return 0;
	if (!strcmp(path, "-"))
		return fn(stdout, rows, n);
	if (outset_open(os, path, &fp) < 0)
		return -1;
	if (fn(fp, rows, n) < 0)
		return err_set("%s: %s", path, err_msg());
	return 0;
}

int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

void cmd_note_missing_blobs(const char *path, const struct hist_entry *e, size_t n)
{
	size_t first = 0, cnt = history_missing_blobs(e, n, &first);

	if (!cnt)
		return;
	fprintf(stderr, "kfpcache: note: %s: %zu of %zu versions are missing from this clone "
		"(a partial clone?), the first at commit %.12s; those commits are not analyzed "
		"and their timeline rows say why in 'error' (git fetch --refetch, or clone "
		"without --filter)\n", term_text(path), cnt, n,
		e[first].commit);
}
