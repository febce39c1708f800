/*
 * policy_file.c - organisation cache policies: the JSON schema (version 1),
 * the built-in presets, and rule matching.  Sits in the policy stage of the
 * flow: its rules are layer 2 of the contract, between the deployment's
 * CACHEENABLED and the run-level override (policy.c evaluates them).  The
 * presets model KFP's own switches: CACHEENABLED (2.14+), the client's
 * root-only enable_caching override (client.py _override_caching_options),
 * and `kfp dsl compile --disable-execution-caching-by-default` (sdk-2.10).
 */
#include "model/policy_file.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/spec.h"
#include "base/banned.h"

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEVERITY_NONE: return "";
	case SEVERITY_NOTE: return "note";
	case SEVERITY_WARNING: return "warning";
	case SEVERITY_ERROR: return "error";
	}
	return "";
}

int severity_parse(const char *text, enum severity *out)
{
	static const enum severity all[] = { SEVERITY_NOTE, SEVERITY_WARNING, SEVERITY_ERROR };
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(all); i++)
		if (!strcmp(text, severity_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	return -1;
}

/* ---- presets ---- */

const char *const policy_presets[] = {
	"kfp-default", "deployment-off", "run-off", "run-off-all", "compile-default-off", NULL
};

static const char *const preset_texts[] = {
	/* KFP as shipped: CACHEENABLED on, no run override, the spec decides. */
	"{\"version\": 1, \"name\": \"kfp-default\"}",
	/* CACHEENABLED=false on the API server (backend 2.14+). */
	"{\"version\": 1, \"name\": \"deployment-off\", \"deployment\": {\"cache\": \"off\"}}",
	/* enable_caching=False at submission: KFP's client rewrites root.dag.tasks only. */
	"{\"version\": 1, \"name\": \"run-off\", \"run\": {\"caching\": \"off\"}}",
	/* What users expect of that override: every task off (#10287). */
	"{\"version\": 1, \"name\": \"run-off-all\", \"run\": {\"caching\": \"off\", \"reach\": \"all\"}}",
	/* Compiled with --disable-execution-caching-by-default. */
	"{\"version\": 1, \"name\": \"compile-default-off\", \"compile\": {\"default_caching\": \"off\"}}",
};

const char *policy_preset_text(const char *name)
{
	size_t i;

	for (i = 0; policy_presets[i]; i++)
		if (!strcmp(policy_presets[i], name))
			return preset_texts[i];
	return NULL;
}

/* ---- globs ---- */

bool policy_glob_ok(const char *glob, const char **why)
{
	const char *p = glob;

	if (!*glob) {
		*why = "empty pattern";
		return false;
	}
	while (*p) {
		if (*p == '\\') {
			if (!p[1]) {
				*why = "trailing backslash";
				return false;
			}
			p += 2;
			continue;
		}
		if (*p == '[') {
			const char *q = p + 1;
			if (*q == '!' || *q == '^')
				q++;
			if (*q == ']')      /* a leading ']' is a member */
				q++;
			while (*q && *q != ']')
				q++;
			if (!*q) {
				*why = "unterminated '['";
				return false;
			}
			p = q + 1;
			continue;
		}
		p++;
	}
	return true;
}

static bool glob_match(const char *glob, const char *s)
{
	/* No FNM_PATHNAME: '*' spans '/' in task paths and image names. */
	return !glob || (s && fnmatch(glob, s, 0) == 0);
}

bool policy_rule_matches(const struct policy_rule *r, const struct task *t,
			 const char *pipeline)
{
	const struct node *co = node_get(t->spec, "cachingOptions");
	const char *key = node_get_str(co, "cacheKey");
	bool has_key = key && *key;

	if (r->match.cache_key >= 0 && has_key != (r->match.cache_key == 1))
		return false;
	return glob_match(r->match.task, t->path) &&
	       glob_match(r->match.component, t->component) &&
	       glob_match(r->match.image, t->image) &&
	       glob_match(r->match.pipeline, pipeline);
}

/* ---- the loader ---- */

struct pctx {
	struct policy_file *pf;
	const char *name;           /* for messages */
	struct strbuf path;         /* the JSON path being checked */
};

static int perr(struct pctx *c, const char *fmt, ...) KC_PRINTF(2, 3);

static int perr(struct pctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_set("%s: %s: %s", c->name, sb_str(&c->path), sb_str(&sb));
	sb_release(&sb);
	return -1;
}

static bool is_ident(const char *k)
{
	const char *p;

	if (!*k || (*k >= '0' && *k <= '9'))
		return false;
	for (p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* Push ".key" (or "['key']") onto the path; returns the length to pop to. */
static size_t push_key(struct pctx *c, const char *key)
{
	size_t len = c->path.len;

	if (is_ident(key))
		sb_addf(&c->path, ".%s", key);
	else
		sb_addf(&c->path, "[\"%.60s\"]", key);
	return len;
}

static size_t push_index(struct pctx *c, size_t i)
{
	size_t len = c->path.len;

	sb_addf(&c->path, "[%zu]", i);
	return len;
}

static void pop(struct pctx *c, size_t len)
{
	c->path.len = len;
	c->path.buf[len] = '\0';
}

static const char *type_word(const struct node *n)
{
	switch (n->type) {
	case NODE_NULL: return "null";
	case NODE_BOOL: return "a boolean";
	case NODE_NUMBER: return "a number";
	case NODE_STRING: return "a string";
	case NODE_LIST: return "a list";
	case NODE_MAP: return "an object";
	}
	return "a value";
}

/* Every key of m must be in `allowed` (NULL-terminated). */
static int check_keys(struct pctx *c, const struct node *m, const char *const *allowed)
{
	size_t i, k;

	for (i = 0; i < m->n; i++) {
		bool ok = false;
		for (k = 0; allowed[k]; k++)
			ok = ok || !strcmp(m->keys[i], allowed[k]);
		if (!ok) {
			struct strbuf list = STRBUF_INIT;
			size_t len = push_key(c, m->keys[i]);
			for (k = 0; allowed[k]; k++)
				sb_addf(&list, "%s%s", k ? (allowed[k + 1] ? ", " : " or ") : "", allowed[k]);
			perr(c, "unknown key (expected %s)", sb_str(&list));
			sb_release(&list);
			pop(c, len);
			return -1;
		}
	}
	return 0;
}

static int want_map(struct pctx *c, const struct node *n)
{
	return node_is_map(n) ? 0 : perr(c, "expected an object, not %s", type_word(n));
}

/* m[key] as a string into *out (arena copy); absent leaves *out. */
static int get_string(struct pctx *c, const struct node *m, const char *key, const char **out)
{
	const struct node *v = node_get(m, key);
	size_t len;

	if (!v)
		return 0;
	len = push_key(c, key);
	if (v->type != NODE_STRING || strlen(v->str) != v->len) {
		perr(c, "expected a string");
		pop(c, len);
		return -1;
	}
	pop(c, len);
	*out = arena_strdup(&c->pf->arena, v->str);
	return 0;
}

static int get_bool(struct pctx *c, const struct node *m, const char *key, int *out)
{
	const struct node *v = node_get(m, key);
	size_t len;

	if (!v)
		return 0;
	len = push_key(c, key);
	if (v->type != NODE_BOOL) {
		perr(c, "expected true or false");
		pop(c, len);
		return -1;
	}
	pop(c, len);
	*out = v->boolean;
	return 0;
}

/* One of `words` (NULL-terminated); *out gets its index. */
static int get_word(struct pctx *c, const struct node *m, const char *key,
		    const char *const *words, int *out)
{
	const char *s = NULL;
	size_t len, k;
	struct strbuf list = STRBUF_INIT;

	if (get_string(c, m, key, &s) < 0)
		return -1;
	if (!s)
		return 0;
	for (k = 0; words[k]; k++)
		if (!strcmp(s, words[k])) {
			*out = (int)k;
			return 0;
		}
	for (k = 0; words[k]; k++)
		sb_addf(&list, "%s\"%s\"", k ? (words[k + 1] ? ", " : " or ") : "", words[k]);
	len = push_key(c, key);
	perr(c, "expected %s, not \"%.60s\"", sb_str(&list), s);
	pop(c, len);
	sb_release(&list);
	return -1;
}

static const char *const off_on[] = { "off", "on", NULL };

static int get_glob(struct pctx *c, const struct node *m, const char *key, const char **out)
{
	const char *why;
	size_t len;

	if (get_string(c, m, key, out) < 0)
		return -1;
	if (!*out || policy_glob_ok(*out, &why))
		return 0;
	len = push_key(c, key);
	perr(c, "bad glob '%.80s': %s", *out, why);
	pop(c, len);
	return -1;
}

/* A section {"key": ...} that must be an object with only `allowed` keys. */
static int section(struct pctx *c, const struct node *root, const char *key,
		   const char *const *allowed, const struct node **out)
{
	const struct node *v = node_get(root, key);
	size_t len;
	int r;

	*out = NULL;
	if (!v)
		return 0;
	len = push_key(c, key);
	r = want_map(c, v) < 0 || check_keys(c, v, allowed) < 0 ? -1 : 0;
	pop(c, len);
	*out = v;
	return r;
}

static int load_match(struct pctx *c, const struct node *rule, struct policy_rule *r)
{
	static const char *const keys[] = { "task", "component", "image", "pipeline", "cache_key", NULL };
	const struct node *m = node_get(rule, "match");
	size_t len;
	int ret = -1;

	r->match.cache_key = -1;
	if (!m)
		return perr(c, "missing \"match\" (use {} to match every task)");
	len = push_key(c, "match");
	if (want_map(c, m) < 0 || check_keys(c, m, keys) < 0 ||
	    get_glob(c, m, "task", &r->match.task) < 0 ||
	    get_glob(c, m, "component", &r->match.component) < 0 ||
	    get_glob(c, m, "image", &r->match.image) < 0 ||
	    get_glob(c, m, "pipeline", &r->match.pipeline) < 0 ||
	    get_bool(c, m, "cache_key", &r->match.cache_key) < 0)
		goto done;
	ret = 0;
done:
	pop(c, len);
	return ret;
}

static bool reserved_id(const char *id)
{
	size_t i;

	if (strncmp(id, "KC", 2) || !id[2])
		return false;
	for (i = 2; id[i]; i++)
		if (id[i] < '0' || id[i] > '9')
			return false;
	return true;
}

static int load_rule(struct pctx *c, const struct node *n, size_t i, struct policy_rule *r)
{
	static const char *const keys[] = {
		"id", "description", "match", "cache", "require_cache_key", "finding", "severity", NULL
	};
	int cache = -1, req = 0;
	const char *sev_text = NULL;
	size_t len, k;
	int ret = -1;

	len = push_index(c, i);
	r->pointer = arena_strdup(&c->pf->arena, sb_str(&c->path));
	r->id = arena_printf(&c->pf->arena, "rules[%zu]", i);
	if (want_map(c, n) < 0 || check_keys(c, n, keys) < 0 ||
	    get_string(c, n, "id", &r->id) < 0 ||
	    get_string(c, n, "description", &r->why) < 0 ||
	    load_match(c, n, r) < 0 ||
	    get_word(c, n, "cache", off_on, &cache) < 0 ||
	    get_bool(c, n, "require_cache_key", &req) < 0 ||
	    get_string(c, n, "finding", &r->message) < 0 ||
	    get_string(c, n, "severity", &sev_text) < 0)
		goto done;
	if (!*r->id || reserved_id(r->id)) {
		size_t l2 = push_key(c, "id");
		perr(c, *r->id ? "'%s' is reserved for kfpcache's own lint rules" : "empty id", r->id);
		pop(c, l2);
		goto done;
	}
	for (k = 0; k < i; k++)
		if (!strcmp(c->pf->rules[k].id, r->id)) {
			size_t l2 = push_key(c, "id");
			perr(c, "duplicate id '%s' (also %s)", r->id, c->pf->rules[k].pointer);
			pop(c, l2);
			goto done;
		}
	r->cache = cache;
	r->require_cache_key = req == 1;
	r->severity = SEVERITY_WARNING;
	if (sev_text && severity_parse(sev_text, &r->severity) < 0) {
		size_t l2 = push_key(c, "severity");
		perr(c, "expected \"note\", \"warning\" or \"error\", not \"%.40s\"", sev_text);
		pop(c, l2);
		goto done;
	}
	if (cache < 0 && !r->require_cache_key && !r->message) {
		perr(c, "no action: give \"cache\", \"require_cache_key\" or \"finding\"");
		goto done;
	}
	ret = 0;
done:
	pop(c, len);
	return ret;
}

static int load_rules(struct pctx *c, const struct node *root)
{
	const struct node *rules = node_get(root, "rules");
	size_t len, i;
	int ret = -1;

	if (!rules)
		return 0;
	len = push_key(c, "rules");
	if (!node_is_list(rules)) {
		perr(c, "expected a list, not %s", type_word(rules));
		goto done;
	}
	c->pf->rules = arena_array(&c->pf->arena, rules->n, sizeof(*c->pf->rules));
	for (i = 0; i < rules->n; i++) {
		if (load_rule(c, rules->items[i], i, &c->pf->rules[i]) < 0)
			goto done;
		c->pf->nrules = i + 1;
	}
	ret = 0;
done:
	pop(c, len);
	return ret;
}

static int load_settings(struct pctx *c, const struct node *root)
{
	static const char *const dep_keys[] = { "cache", NULL };
	static const char *const run_keys[] = { "caching", "reach", NULL };
	static const char *const comp_keys[] = { "default_caching", NULL };
	static const char *const reach[] = { "root", "all", NULL };
	struct policy_file *pf = c->pf;
	const struct node *s;
	int v = -1;
	size_t len;

	if (section(c, root, "deployment", dep_keys, &s) < 0)
		return -1;
	if (s) {
		len = push_key(c, "deployment");
		if (get_word(c, s, "cache", off_on, &pf->deployment_cache) < 0) {
			pop(c, len);
			return -1;
		}
		pop(c, len);
	}
	if (section(c, root, "run", run_keys, &s) < 0)
		return -1;
	if (s) {
		len = push_key(c, "run");
		if (get_word(c, s, "caching", off_on, &pf->run_caching) < 0 ||
		    get_word(c, s, "reach", reach, &pf->run_all) < 0) {
			pop(c, len);
			return -1;
		}
		if (pf->run_all >= 0 && pf->run_caching < 0) {
			perr(c, "\"reach\" needs \"caching\"");
			pop(c, len);
			return -1;
		}
		pop(c, len);
	}
	if (section(c, root, "compile", comp_keys, &s) < 0)
		return -1;
	if (s) {
		len = push_key(c, "compile");
		if (get_word(c, s, "default_caching", off_on, &v) < 0) {
			pop(c, len);
			return -1;
		}
		pf->compile_default_off = v < 0 ? -1 : v == 0;
		pop(c, len);
	}
	if (get_bool(c, root, "publish_logs", &pf->publish_logs) < 0 ||
	    get_string(c, root, "kfp_version", &pf->kfp_version) < 0)
		return -1;
	if (pf->kfp_version) {
		int major, minor;
		if (kfp_version_parse(pf->kfp_version, &major, &minor) < 0) {
			len = push_key(c, "kfp_version");
			perr(c, "'%.40s' is not a KFP 2.x backend release (expected X.Y)", pf->kfp_version);
			pop(c, len);
			return -1;
		}
	}
	return 0;
}

static const char *base_name(struct arena *a, const char *path)
{
	const char *b = strrchr(path, '/');
	size_t len;

	b = b ? b + 1 : path;
	len = strcspn(b, ".");
	return arena_strndup(a, b, len ? len : strlen(b));
}

int policy_file_load_buf(struct policy_file **out, const char *buf, size_t len,
			 const char *name)
{
	static const char *const keys[] = {
		"version", "name", "description", "kfp_version", "publish_logs",
		"deployment", "run", "compile", "rules", NULL
	};
	struct policy_file *pf = xcalloc(1, sizeof(*pf));
	struct pctx c;
	struct node *root;
	const struct node *ver;
	int ret = -1;

	arena_init(&pf->arena);
	pf->deployment_cache = pf->run_caching = pf->run_all = -1;
	pf->compile_default_off = pf->publish_logs = -1;
	pf->source = arena_strdup(&pf->arena, name);
	c.pf = pf;
	c.name = name;
	sb_init(&c.path);
	sb_adds(&c.path, "$");
	if (json_parse(&pf->arena, buf, len, name, NULL, &root) < 0)
		goto done;
	if (want_map(&c, root) < 0 || check_keys(&c, root, keys) < 0)
		goto done;
	ver = node_get(root, "version");
	if (!ver) {
		perr(&c, "missing \"version\" (this kfpcache reads version 1)");
		goto done;
	}
	if (ver->type != NODE_NUMBER || ver->number != 1) {
		size_t l = push_key(&c, "version");
		if (ver->type != NODE_NUMBER)
			perr(&c, "expected a number");
		else
			perr(&c, "unsupported version %g (this kfpcache reads version 1)", ver->number);
		pop(&c, l);
		goto done;
	}
	if (get_string(&c, root, "name", &pf->name) < 0 ||
	    load_settings(&c, root) < 0 || load_rules(&c, root) < 0)
		goto done;
	if (!pf->name)
		pf->name = base_name(&pf->arena, name);
	ret = 0;
done:
	sb_release(&c.path);
	if (ret < 0) {
		policy_file_free(pf);
		return -1;
	}
	*out = pf;
	return 0;
}

int policy_file_load(struct policy_file **out, const char *arg)
{
	const char *text = policy_preset_text(arg);
	char *buf = NULL;
	size_t len;
	int ret;

	if (text) {
		char name[64];
		snprintf(name, sizeof(name), "preset %s", arg);
		return policy_file_load_buf(out, text, strlen(text), name);
	}
	if (read_file(arg, &buf, &len) < 0) {
		struct strbuf names = STRBUF_INIT;
		size_t i;
		for (i = 0; policy_presets[i]; i++)
			sb_addf(&names, "%s%s", i ? ", " : "", policy_presets[i]);
		err_set("%s (and not a preset: %s)", err_msg(), sb_str(&names));
		sb_release(&names);
		return -1;
	}
	ret = policy_file_load_buf(out, buf, len, arg);
	free(buf);
	return ret;
}

void policy_file_free(struct policy_file *pf)
{
	if (!pf)
		return;
	arena_release(&pf->arena);
	free(pf);
}

int kfp_version_parse(const char *text, int *major, int *minor)
{
	const char *minor_text;
	char *end;
	long ma, mi;

	if (!strcmp(text, "master") || !strcmp(text, "next")) {
		*major = 2;
		*minor = 18;
		return 0;
	}
	ma = strtol(text, &end, 10);
	if (end == text || *end != '.')
		return -1;
	minor_text = end + 1;
	mi = strtol(minor_text, &end, 10);
	if (end == minor_text || (*end && *end != '.') || ma < 1 || ma > 99 ||
	    mi < 0 || mi > 999)
		return -1;
	*major = (int)ma;
	*minor = (int)mi;
	return ma == 2 ? 0 : -2;
}
