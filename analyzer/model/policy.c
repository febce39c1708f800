/*
 * policy.c - the cache policy layers and backend-version facts.  Models
 * apiserver CACHEENABLED (PR #11831, 2.14.0), client.py
 * _override_caching_options (root.dag.tasks only), driver/cache.go:133
 * (absent cachingOptions = off) and the version history of the key recipe.
 */
#include "model/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/spec.h"
#include "model/policy_file.h"
#include "base/banned.h"

const char *layer_name(enum layer l)
{
	switch (l) {
	case LAYER_NONE: return "";
	case LAYER_DEPLOYMENT: return "deployment";
	case LAYER_POLICY: return "policy";
	case LAYER_RUN: return "run";
	case LAYER_SPEC: return "spec";
	case LAYER_DEFAULT: return "default";
	}
	return "";
}

void policy_init(struct policy *p)
{
	p->kfp_major = 2;
	p->kfp_minor = 17;
	p->kfp_master = false;
	p->publish_logs = true;
	p->global_cache = -1;
	p->global_source = NULL;
	p->run_caching = -1;
	p->run_all = false;
	p->compile_default_off = false;
	p->file = NULL;
	p->name = NULL;
}

int policy_set_version(struct policy *p, const char *text)
{
	int major, minor, r = kfp_version_parse(text, &major, &minor);

	/* The message quotes the whole argument, "2.x" and not "x". */
	if (r == -1)
		return err_set("--kfp-version '%s': expected X.Y", text);
	if (r == -2)
		return err_set("--kfp-version %d.%d: only KFP 2.x backends run v2 specs",
			       major, minor);
	p->kfp_major = major;
	p->kfp_minor = minor;
	p->kfp_master = !strcmp(text, "master") || !strcmp(text, "next");
	return 0;
}

const char *policy_version_name(const struct policy *p, char *buf)
{
	if (p->kfp_master)
		return "master";
	snprintf(buf, KFP_VERSION_NAME_MAX, "%d.%d", p->kfp_major, p->kfp_minor);
	return buf;
}

bool policy_version_at_least(const struct policy *p, int major, int minor)
{
	return p->kfp_major > major || (p->kfp_major == major && p->kfp_minor >= minor);
}

bool policy_honours_cache_key(const struct policy *p)
{
	/* 46a45299f3 (#13762) is in no release up to 2.17.0. */
	return policy_version_at_least(p, 2, 18);
}

bool policy_hashes_pvc_names(const struct policy *p)
{
	return policy_version_at_least(p, 2, 15);   /* 1b3decdc81, #12220 */
}

bool policy_logs_in_key(const struct policy *p)
{
	return p->publish_logs && policy_version_at_least(p, 2, 5);
}

bool policy_has_global_switch(const struct policy *p)
{
	return policy_version_at_least(p, 2, 14);
}

/*
 * The container's env in the key: PR #14340, merged to master after the
 * 2.17 line (kfp-cache-semantics.md §12).  Its 2.18 backport, PR #14435,
 * is still open, so 2.18 keeps the old recipe.
 */
bool policy_hashes_env(const struct policy *p)
{
	return p->kfp_master;
}

/* Go strconv.ParseBool. */
static int parse_go_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static const struct node *find_api_server(const struct node *doc)
{
	const struct node *cs = node_path(doc, "spec", "template", "spec", "containers", NULL);
	size_t i;

	for (i = 0; node_is_list(cs) && i < cs->n; i++) {
		const char *name = node_get_str(cs->items[i], "name");
		if (name && !strcmp(name, "ml-pipeline-api-server"))
			return cs->items[i];
	}
	return NULL;
}

/* KFP's manifests name the API server's Deployment ml-pipeline. */
static bool is_ml_pipeline(const struct node *doc)
{
	const char *kind = node_get_str(doc, "kind");
	const char *name = node_get_str(node_get(doc, "metadata"), "name");

	return (!kind || !strcmp(kind, "Deployment")) && name && !strcmp(name, "ml-pipeline");
}

/*
 * The document to read in a multi-document file: the only one with the
 * API server container, else the only such one that is the ml-pipeline
 * Deployment; anything else is ambiguous.  *note says which was taken.
 */
static int pick_deployment(const struct node **out, char **note, struct node **docs,
			   size_t ndocs, const char *path)
{
	size_t i, with = 0, named = 0, first = 0, first_named = 0;

	for (i = 0; i < ndocs; i++) {
		if (!find_api_server(docs[i]))
			continue;
		if (!with++)
			first = i;
		if (is_ml_pipeline(docs[i]) && !named++)
			first_named = i;
	}
	if (!with)
		return err_set("%s: no container 'ml-pipeline-api-server' under spec.template.spec.containers",
			       path);
	if (with > 1 && named != 1)
		return err_set("%s: %zu documents have a container 'ml-pipeline-api-server' and %s the "
			       "Deployment 'ml-pipeline': keep the one to read in a file of its own",
			       path, with, named ? "several are" : "none is");
	i = with == 1 ? first : first_named;
	*out = find_api_server(docs[i]);
	if (ndocs > 1)
		*note = xstrfmt("%s: CACHEENABLED read from document %zu of %zu (%s '%s')", path,
				i + 1, ndocs, node_get_str(docs[i], "kind") ? node_get_str(docs[i], "kind") : "document",
				node_get_str(node_get(docs[i], "metadata"), "name") ?
				node_get_str(node_get(docs[i], "metadata"), "name") : "unnamed");
	return 0;
}

int policy_read_deployment(struct policy *p, const char *path, char **note)
{
	struct arena a;
	struct node **docs;
	size_t ndocs, k;
	char *buf = NULL;
	size_t len;
	const struct node *c = NULL;
	int ret = -1;

	*note = NULL;
	arena_init(&a);
	if (read_file(path, &buf, &len) < 0 ||
	    yaml_parse(&a, buf, len, path, NULL, &docs, &ndocs) < 0 ||
	    pick_deployment(&c, note, docs, ndocs, path) < 0)
		goto done;
	p->global_cache = 1;
	p->global_source = path;
	for (k = 0; node_is_list(node_get(c, "env")) && k < node_get(c, "env")->n; k++) {
		const struct node *e = node_get(c, "env")->items[k];
		const struct node *v = node_get(e, "value");
		const char *name = node_get_str(e, "name");
		char pos[32];
		bool on;
		if (!name || strcmp(name, "CACHEENABLED"))
			continue;
		if (!v || v->type != NODE_STRING) {
			spec_pos(NULL, v ? v : e, pos);
			err_set("%s:%s: CACHEENABLED must be a quoted string value%s", path, pos,
				node_get(e, "valueFrom") ? " (valueFrom cannot be read before the run)" : "");
			goto done;
		}
		if (parse_go_bool(v->str, &on) < 0) {
			spec_pos(NULL, v, pos);
			/* The API server exits on an unparsable value (apiserver/main.go:298). */
			err_set("%s:%s: CACHEENABLED '%s' is not a boolean; the API server would not start",
				path, pos, v->str);
			goto done;
		}
		p->global_cache = on;
	}
	ret = 0;
done:
	free(buf);
	arena_release(&a);
	return ret;
}

/*
 * KFP's client applies enable_caching to pipeline_spec.root.dag.tasks only
 * (sdk/python/kfp/client/client.py:1790-1805, _override_caching_options):
 * a task in a sub-DAG, a condition or a loop keeps its compiled setting.
 */
enum run_reach policy_run_reach(const struct policy *p, const struct task *t)
{
	if (p->run_caching < 0)
		return RUN_REACH_NONE;
	if (t->in_root)
		return RUN_REACH_ROOT;
	return p->run_all ? RUN_REACH_ALL : RUN_REACH_UNREACHED;
}

void policy_eval(const struct policy *p, const struct task *t, const char *pipeline,
		 struct policy_result *out)
{
	const struct node *co = node_get(t->spec, "cachingOptions");
	const char *key = node_get_str(co, "cacheKey");
	size_t i;

	memset(out, 0, sizeof(*out));
	if (key && *key) {
		if (policy_honours_cache_key(p))
			out->cache_key = key;
		else
			out->note = "custom cacheKey ignored: KFP <= 2.17 backends do not use it";
	}
	if (p->global_cache == 0 && policy_has_global_switch(p)) {
		out->layer = LAYER_DEPLOYMENT;
		out->enabled = false;
		return;
	}
	/* Policy file rules: the first matching rule with a cache action. */
	for (i = 0; p->file && i < p->file->nrules; i++) {
		const struct policy_rule *r = &p->file->rules[i];
		if (r->cache < 0 || !policy_rule_matches(r, t, pipeline))
			continue;
		out->layer = LAYER_POLICY;
		out->enabled = r->cache == 1;
		out->rule = r;
		return;
	}
	if (policy_run_reach(p, t) >= RUN_REACH_ROOT) {
		out->layer = LAYER_RUN;
		out->enabled = p->run_caching == 1;
		return;
	}
	/*
	 * --disable-execution-caching-by-default: tasks compile to
	 * `cachingOptions: {}` unless set_caching_options() was called; a
	 * custom key shows that it was (pipeline_task.py set_caching_options).
	 */
	if (p->compile_default_off && !(key && *key)) {
		out->layer = LAYER_SPEC;
		out->enabled = false;
		out->note = "compiled with caching off by default (compile-default-off)";
		return;
	}
	if (co) {
		out->layer = LAYER_SPEC;
		out->enabled = node_get_bool(co, "enableCache", false);
		return;
	}
	out->layer = LAYER_DEFAULT;
	out->enabled = false;
}

int policy_apply_file(struct policy *p, const struct policy_file *pf)
{
	if (pf->kfp_version && policy_set_version(p, pf->kfp_version) < 0)
		return -1;
	if (pf->deployment_cache >= 0) {
		p->global_cache = pf->deployment_cache;
		p->global_source = pf->source;
	}
	if (pf->run_caching >= 0) {
		p->run_caching = pf->run_caching;
		p->run_all = pf->run_all == 1;
	}
	if (pf->compile_default_off >= 0)
		p->compile_default_off = pf->compile_default_off == 1;
	if (pf->publish_logs >= 0)
		p->publish_logs = pf->publish_logs == 1;
	p->file = pf;
	p->name = pf->name;
	return 0;
}
