/*
 * spec.c - loading a compiled pipeline spec: source (file, stdin, REV:PATH),
 * format (YAML or JSON), document selection and the shape checks KFP's API
 * server makes (apiserver/template: NewV2SpecTemplate, isPipelineSpec) before
 * anything downstream (dag, policy, key) looks at the tree.
 */
#define _XOPEN_SOURCE 700       /* realpath() */

#include "load/spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load/gitio.h"
#include "base/banned.h"

const char *spec_pos(const struct spec *s, const struct node *n, char buf[32])
{
	(void)s;
	if (!n || !n->line)
		buf[0] = '\0';
	else
		snprintf(buf, 32, "%u:%u", n->line, n->col);
	return buf;
}

/* "NAME:LINE:COL: msg" when the node has a position, else "NAME: msg". */
static int spec_err(const struct spec *s, const struct node *at, const char *fmt, ...)
	KC_PRINTF(3, 4);

static int spec_err(const struct spec *s, const struct node *at, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	char pos[32];
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (*spec_pos(s, at, pos))
		err_set("%s:%s: %s", s->name, pos, sb_str(&sb));
	else
		err_set("%s: %s", s->name, sb_str(&sb));
	sb_release(&sb);
	return -1;
}

static int want_type(const struct spec *s, const struct node *n, const char *what,
		     enum node_type t)
{
	if (n->type == t)
		return 0;
	return spec_err(s, n, "%s is a %s, expected a %s", what,
			node_type_name(n->type), node_type_name(t));
}

static size_t skip_space(const char *buf, size_t len)
{
	size_t i = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;

	while (i < len && strchr(" \t\r\n", buf[i]) && buf[i])
		i++;
	return i;
}

/* KFP v1 compiled to an Argo Workflow; the API server rejects it for v2. */
static bool is_argo_workflow(const struct node *d)
{
	const char *api = node_get_str(d, "apiVersion");
	const char *kind = node_get_str(d, "kind");

	return api && kind && !strncmp(api, "argoproj.io/", 12) && !strcmp(kind, "Workflow");
}

/* isPipelineSpec(): a non-empty pipelineInfo.name and a root. */
static bool is_pipeline_spec(const struct node *d)
{
	const char *name = node_get_str(node_get(d, "pipelineInfo"), "name");
	const struct node *root = node_get(d, "root");

	return name && *name && root && root->type != NODE_NULL;
}

static bool looks_like_pipeline_spec(const struct node *d)
{
	static const char *const keys[] = {
		"pipelineInfo", "root", "components", "deploymentSpec", "schemaVersion",
	};
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(keys); i++)
		if (node_get(d, keys[i]))
			return true;
	return false;
}

static int require_map(const struct spec *s, const struct node *d, const char *key)
{
	const struct node *n = node_get(d, key);

	if (!n || n->type == NODE_NULL)
		return spec_err(s, NULL, "missing %s", key);
	return want_type(s, n, key, NODE_MAP);
}

/* The shape checks, in the order a user fixes them. */
static int validate(const struct spec *s, const struct node *d)
{
	const struct node *info = node_get(d, "pipelineInfo");
	const struct node *name = node_get(info, "name");
	const struct node *version = node_get(d, "schemaVersion");

	if (!looks_like_pipeline_spec(d))
		return spec_err(s, d, "not a KFP pipeline spec (no pipelineInfo, root "
				"or deploymentSpec)");
	if (name && name->type != NODE_STRING && name->type != NODE_NULL)
		return want_type(s, name, "pipelineInfo.name", NODE_STRING);
	/* KFP: "invalid v2 pipeline spec: name is empty" */
	if (!name || name->type == NODE_NULL || !name->len)
		return spec_err(s, info, "missing pipelineInfo.name");
	if (require_map(s, d, "root") < 0)
		return -1;
	if (!version || version->type == NODE_NULL)
		return spec_err(s, NULL, "missing schemaVersion");
	if (want_type(s, version, "schemaVersion", NODE_STRING) < 0)
		return -1;
	if (strcmp(version->str, "2.0.0") && strcmp(version->str, "2.1.0"))
		return spec_err(s, version, "unsupported schemaVersion '%s' (KFP accepts "
				"2.0.0 and 2.1.0)", version->str);
	if (require_map(s, d, "components") < 0 || require_map(s, d, "deploymentSpec") < 0)
		return -1;
	return 0;
}

static bool is_integer_text(const char *t)
{
	if (*t == '-' || *t == '+')
		t++;
	if (!*t)
		return false;
	for (; *t; t++)
		if (*t < '0' || *t > '9')
			return false;
	return true;
}

/* One old-style runtimeConfig.parameters value ({intValue: "25"}) made plain. */
static int plain_param(struct spec *s, const char *key, const struct node *v,
		       struct node **out)
{
	const struct node *x;
	char *end;

	if (node_is_map(v) && v->n == 1) {
		if ((x = node_get(v, "stringValue")) && x->type == NODE_STRING) {
			*out = (struct node *)x;
			return 0;
		}
		if ((x = node_get(v, "boolValue")) && x->type == NODE_BOOL) {
			*out = (struct node *)x;
			return 0;
		}
		/* int64 and double arrive as JSON strings or numbers */
		if ((x = node_get(v, "intValue")) || (x = node_get(v, "doubleValue"))) {
			if (x->type == NODE_NUMBER) {
				*out = (struct node *)x;
				return 0;
			}
			if (x->type == NODE_STRING &&
			    (node_get(v, "doubleValue") || is_integer_text(x->str))) {
				double d = strtod(x->str, &end);

				if (*x->str && !*end) {
					*out = node_new_num(&s->arena, d);
					(*out)->str = x->str;
					(*out)->len = x->len;
					(*out)->line = x->line;
					(*out)->col = x->col;
					return 0;
				}
			}
			return spec_err(s, x, "runtimeConfig.parameters.%s: '%s' is not a "
					"number", key, x->str ? x->str : "");
		}
	}
	return spec_err(s, v, "runtimeConfig.parameters.%s: expected one of "
			"stringValue, intValue or doubleValue", key);
}

/* PipelineJob: runtimeConfig.parameterValues, or the older parameters form. */
static int job_params(struct spec *s, const struct node *job)
{
	const struct node *rc = node_get(job, "runtimeConfig");
	const struct node *pv = node_get(rc, "parameterValues");
	const struct node *old = node_get(rc, "parameters");
	struct node *m;
	size_t i;

	if (!rc || rc->type == NODE_NULL)
		return 0;
	if (want_type(s, rc, "runtimeConfig", NODE_MAP) < 0)
		return -1;
	if (pv && pv->type != NODE_NULL) {
		if (want_type(s, pv, "runtimeConfig.parameterValues", NODE_MAP) < 0)
			return -1;
		s->run_params = pv;
		return 0;
	}
	if (!old || old->type == NODE_NULL)
		return 0;
	if (want_type(s, old, "runtimeConfig.parameters", NODE_MAP) < 0)
		return -1;
	m = node_new(&s->arena, NODE_MAP);
	m->line = old->line;
	m->col = old->col;
	for (i = 0; i < old->n; i++) {
		struct node *v = NULL;

		if (plain_param(s, old->keys[i], old->items[i], &v) < 0)
			return -1;
		node_append(&s->arena, m, old->keys[i], old->key_lens[i], v);
	}
	s->run_params = m;
	return 0;
}

/*
 * Pick the documents as NewV2SpecTemplate does: exactly one PipelineSpec
 * (non-empty pipelineInfo.name and a root) and at most one PlatformSpec with
 * a kubernetes entry; other documents are ignored.
 */
static int select_docs(struct spec *s, struct node **docs, size_t ndocs)
{
	const struct node *candidate = NULL, *other = NULL, *platform_doc = NULL;
	const struct node *k8s;
	size_t i;

	for (i = 0; i < ndocs; i++) {
		const struct node *d = docs[i], *job = NULL;

		if (!node_is_map(d)) {
			if (!other && d->type != NODE_NULL)
				other = d;
			continue;
		}
		if (is_argo_workflow(d))
			return spec_err(s, NULL, "this is a KFP v1 Argo Workflow, not a v2 "
					"pipeline spec (recompile with kfp>=2)");
		if (node_is_map(node_get(d, "pipelineSpec"))) {
			job = d;
			d = node_get(d, "pipelineSpec");
		}
		if ((k8s = node_path(d, "platforms", "kubernetes", NULL))) {
			if (platform_doc)
				return spec_err(s, d, "more than one PlatformSpec document");
			if (want_type(s, k8s, "platforms.kubernetes", NODE_MAP) < 0)
				return -1;
			platform_doc = d;
			s->platform = k8s;
			continue;
		}
		if (!is_pipeline_spec(d)) {
			if (!candidate)
				candidate = d;
			continue;
		}
		/* KFP: "multiple pipeline specs provided" */
		if (s->pipeline)
			return spec_err(s, d, "more than one pipeline spec in the file");
		s->pipeline = d;
		if (job && job_params(s, job) < 0)
			return -1;
	}
	if (s->pipeline)
		return 0;
	if (candidate) {
		validate(s, candidate);
		return -1;
	}
	if (other)
		return spec_err(s, other, "not a pipeline spec: the document is a %s, "
				"expected a map", node_type_name(other->type));
	if (platform_doc)
		return spec_err(s, NULL, "no PipelineSpec document, only a PlatformSpec");
	return spec_err(s, NULL, "empty file");
}

int spec_load_buf(struct spec **out, const char *buf, size_t len,
		  const char *name, const struct parse_limits *lim)
{
	struct spec *s = xcalloc(1, sizeof(*s));
	struct node **docs = NULL;
	size_t ndocs = 0, start = skip_space(buf, len);
	int ret = -1;

	*out = NULL;
	arena_init(&s->arena);
	s->name = arena_strdup(&s->arena, name);
	if (start == len) {
		spec_err(s, NULL, "empty file");
		goto done;
	}
	if (buf[start] == '{') {
		docs = arena_alloc(&s->arena, sizeof(*docs));
		ndocs = 1;
		if (json_parse(&s->arena, buf, len, name, lim, &docs[0]) < 0)
			goto done;
		node_index(&s->arena, docs[0]);
	} else if (yaml_parse(&s->arena, buf, len, name, lim, &docs, &ndocs) < 0) {
		goto done;   /* (yaml_parse indexes each large map as it closes) */
	}
	if (select_docs(s, docs, ndocs) < 0 || validate(s, s->pipeline) < 0)
		goto done;
	*out = s;
	s = NULL;
	ret = 0;
done:
	spec_free(s);
	return ret;
}

/* Collapse "." and ".." segments of a '/'-separated relative path in place. */
static int normalize_path(char *p)
{
	char *out = p, *seg = p;

	while (*seg) {
		char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);

		if ((n == 1 && seg[0] == '.') || n == 0) {
			/* skip */
		} else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out == p)
				return -1;
			out--;
			while (out > p && out[-1] != '/')
				out--;
		} else {
			memmove(out, seg, n);
			out += n;
			*out++ = '/';
		}
		seg += n + (end != NULL);
	}
	if (out > p)
		out--;
	*out = '\0';
	return 0;
}

/*
 * git show takes "REV:./x" relative to the current directory and "REV:x"
 * relative to the top of the work tree.  *out is malloc'd.
 */
static int git_path(struct gitrepo *r, const char *arg, const char *path, char **out)
{
	const char *wd = gitrepo_workdir(r);
	char *cwd = NULL, *top = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t n;
	int ret = -1;

	*out = NULL;
	if (strncmp(path, "./", 2) && strncmp(path, "../", 3)) {
		*out = xstrdup(path);
		return 0;
	}
	if (!wd || !(cwd = realpath(".", NULL)) || !(top = realpath(wd, NULL))) {
		err_set("%s: cannot resolve a relative path outside a work tree", arg);
		goto done;
	}
	n = strlen(top);
	if (strncmp(cwd, top, n) || (cwd[n] && cwd[n] != '/')) {
		err_set("%s: the current directory is outside the repository", arg);
		goto done;
	}
	sb_adds(&sb, cwd[n] ? cwd + n + 1 : "");
	sb_addc(&sb, '/');
	sb_adds(&sb, path);
	*out = sb_detach(&sb, NULL);
	if (normalize_path(*out) < 0) {
		err_set("%s: path leaves the repository", arg);
		free(*out);
		*out = NULL;
		goto done;
	}
	ret = 0;
done:
	free(cwd);
	free(top);
	sb_release(&sb);
	return ret;
}

/* REV:PATH, as `git show` takes it, from the repository at repo_dir. */
static int load_from_git(struct spec **out, const char *arg, const char *repo_dir,
			 const struct parse_limits *lim)
{
	const char *colon = strchr(arg, ':');
	struct gitrepo *r = NULL;
	char *rev = NULL, *path = NULL, *buf = NULL;
	char blob[41];
	size_t len;
	bool found;
	int ret = -1;

	if (!colon || colon == arg) {
		err_set("%s: no such file", arg);
		goto done;
	}
	rev = xstrndup(arg, (size_t)(colon - arg));
	if (gitrepo_open(&r, repo_dir) < 0) {
		/* With --repo the repository was asked for; say what is wrong. */
		if (!repo_dir)
			err_set("%s: no such file, and the current directory is not in a git repository (for REV:PATH)",
				arg);
		goto done;
	}
	if (gitrepo_find_rev(r, rev, colon + 1, &found) < 0)
		goto done;
	/* A file name with a colon is no file either: the revision is what is wrong. */
	if (!found) {
		err_set("%s: unknown revision '%s'", arg, rev);
		goto done;
	}
	if (git_path(r, arg, colon + 1, &path) < 0 ||
	    gitrepo_read(r, rev, path, &buf, &len, blob) < 0 ||
	    spec_load_buf(out, buf, len, arg, lim) < 0)
		goto done;
	memcpy((*out)->blob_id, blob, sizeof(blob));
	ret = 0;
done:
	free(rev);
	free(path);
	free(buf);
	gitrepo_free(r);
	return ret;
}

int spec_load(struct spec **out, const char *arg, const char *repo_dir,
	      const struct parse_limits *lim)
{
	struct stat st;
	char *buf = NULL;
	size_t len;
	int ret = -1;

	*out = NULL;
	if (!strcmp(arg, "-")) {
		if (read_file("-", &buf, &len) < 0 ||
		    spec_load_buf(out, buf, len, "<stdin>", lim) < 0)
			goto done;
	} else if (!stat(arg, &st)) {
		if (S_ISDIR(st.st_mode)) {
			err_set("%s: is a directory", arg);
			goto done;
		}
		if (read_file(arg, &buf, &len) < 0 ||
		    spec_load_buf(out, buf, len, arg, lim) < 0)
			goto done;
	} else if (errno != ENOENT && errno != ENOTDIR) {
		err_set("%s: %s", arg, strerror(errno));
		goto done;
	} else if (load_from_git(out, arg, repo_dir, lim) < 0) {
		goto done;
	}
	ret = 0;
done:
	free(buf);
	return ret;
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	arena_release(&s->arena);
	free(s);
}
