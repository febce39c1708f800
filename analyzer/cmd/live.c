/*
 * cmd/live.c - --cache-db: opens a deployment's live cache (load/cachedb.h),
 * describes where the state came from for the summary and the reports,
 * and answers predict_run's lookups (model/predict.h struct live_cache)
 * from it: the driver's query, then the cached execution's outputs.  For
 * `verify`, each lookup is the one the recorded run's driver made, at its
 * moment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "load/cachedb.h"
#include "load/spec.h"
#include "model/predict.h"
#include "base/banned.h"

struct live_ctx {
	struct cachedb *db;
	struct arena arena;
	bool replay;                          /* verify: lookups at each driver's moment */
	struct cachedb_execution *execs;      /* the run's container and DAG executions */
	size_t nexecs;
	const struct cachedb_execution **conts;  /* its container executions, by id */
	const char **paths;                   /* parallel: each one's task path */
	size_t nconts;
	struct strmap by_path;                /* task path -> execution, or &ambiguous_mark */
};

static char ambiguous_mark;

void live_close(struct live_ctx *lc)
{
	if (!lc)
		return;
	cachedb_free(lc->db);
	strmap_release(&lc->by_path);
	arena_release(&lc->arena);
	free(lc);
}

size_t live_run_containers(const struct session *s)
{
	return s->live ? s->live->nconts : 0;
}

/*
 * The recorded execution of task `path`: by the path its DAG executions
 * give it (run_path), else, for an execution without parent_dag_id, by the
 * path's last component (the task name alone).
 */
static void *run_lookup(const struct live_ctx *lc, const char *path)
{
	const char *base = strrchr(path, '/');
	void *v = strmap_get(&lc->by_path, path);

	if (!v && base) {
		v = strmap_get(&lc->by_path, base + 1);
		if (v && v != &ambiguous_mark && ((const struct cachedb_execution *)v)->parent > 0)
			v = NULL;
	}
	return v;
}

const struct cachedb_execution *live_run_execution(const struct session *s, const char *path,
						   bool *ambiguous)
{
	void *v;

	*ambiguous = false;
	if (!s->live || !s->live->replay)
		return NULL;
	v = run_lookup(s->live, path);
	if (v == &ambiguous_mark) {
		*ambiguous = true;
		return NULL;
	}
	return v;
}

/*
 * Is `path` (a recorded execution's) `pat` (a predicted task's) with
 * iteration indexes "[N]" after some components: an iteration of a loop
 * the prediction shows once for all iterations?
 */
static bool iteration_of(const char *pat, const char *path)
{
	bool inserted = false;

	while (*pat || *path) {
		if (*path == '[' && *pat != '[' && (*pat == '/' || !*pat)) {
			const char *q = path + 1;
			while (*q >= '0' && *q <= '9')
				q++;
			if (q == path + 1 || *q != ']')
				return false;
			path = q + 1;
			inserted = true;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return inserted;
}

size_t live_run_iterations(const struct session *s, const char *path,
			   const struct cachedb_execution **out, const char **paths, size_t max)
{
	const struct live_ctx *lc = s->live;
	size_t i, n = 0;

	if (!lc || !lc->replay || run_lookup(lc, path))
		return 0;
	for (i = 0; i < lc->nconts; i++)
		if (iteration_of(path, lc->paths[i])) {
			if (n < max) {
				out[n] = lc->conts[i];
				paths[n] = lc->paths[i];
			}
			n++;
		}
	return n;
}

/*
 * The moment task `path`'s driver looked (ms): its execution's creation;
 * for a task shown once for all iterations, the first iteration's.  -1: none.
 */
static long long run_moment(const struct live_ctx *lc, const char *path)
{
	void *v = run_lookup(lc, path);
	long long at = -1;
	size_t i;

	if (v == &ambiguous_mark)
		return -1;
	if (v)
		return ((const struct cachedb_execution *)v)->created_ms;
	for (i = 0; i < lc->nconts; i++)
		if (iteration_of(path, lc->paths[i]) && (at < 0 || lc->conts[i]->created_ms < at))
			at = lc->conts[i]->created_ms;
	return at;
}

/* The driver's lookup, then (on a hit) what the hit reuses. */
static int live_lookup(void *ctx, struct arena *a, const char *path, const char *pipeline,
		       const char *ns, const char *fingerprint, struct live_entry *out)
{
	struct live_ctx *lc = ctx;
	struct cachedb_entry e;
	struct cachedb_artifact *arts;
	struct node *params;
	const char **names, **ids;
	long long at = lc->replay ? run_moment(lc, path) : -1;
	size_t n, i;
	bool found;
	int r;

	if (at >= 0)
		r = cachedb_lookup_at(lc->db, &found, &e, pipeline, ns, fingerprint, at / 1000);
	else
		r = cachedb_lookup(lc->db, &found, &e, pipeline, ns, fingerprint);
	if (r < 0)
		return -1;
	if (!found)
		return 0;
	if (cachedb_outputs(lc->db, a, e.execution_id, &params, &arts, &n) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->uuid = arena_strdup(a, e.uuid);
	out->run = arena_strdup(a, e.run);
	out->execution_id = e.execution_id;
	out->created = e.created;
	out->age = cachedb_read_time(lc->db) - e.created;
	out->params = params;
	names = arena_array(a, n, sizeof(*names));
	ids = arena_array(a, n, sizeof(*ids));
	for (i = 0; i < n; i++) {
		names[i] = arts[i].name;
		ids[i] = arts[i].id;
	}
	out->nartifacts = n;
	out->art_names = names;
	out->art_ids = ids;
	return 1;
}

/* An importer's re-link: the artifact ML Metadata holds for it, as its one output. */
static int live_import_lookup(void *ctx, struct arena *a, const char *pipeline,
			      const struct live_import *q, struct live_entry *out)
{
	struct live_ctx *lc = ctx;
	struct cachedb_prop *props = arena_array(a, q->nprops ? q->nprops : 1, sizeof(*props));
	const char **names, **ids;
	long long id;
	bool found;
	size_t i;

	for (i = 0; i < q->nprops; i++) {
		props[i].name = q->props[i].name;
		props[i].kind = q->props[i].kind;
		props[i].text = q->props[i].text;
	}
	if (cachedb_find_artifact(lc->db, &found, &id, pipeline, q->uri, q->type_name, props,
				  q->nprops) < 0)
		return -1;
	if (!found)
		return 0;
	memset(out, 0, sizeof(*out));
	out->uuid = "";
	out->run = "";
	names = arena_array(a, 1, sizeof(*names));
	ids = arena_array(a, 1, sizeof(*ids));
	names[0] = q->output;
	ids[0] = arena_printf(a, "%lld", id);
	out->nartifacts = 1;
	out->art_names = names;
	out->art_ids = ids;
	return 1;
}

#define RUN_MAX_DEPTH 64

/*
 * The task path of container execution e, from its chain of DAG executions
 * (parent_dag_id) up to the root DAG (the one without a parent): each DAG
 * adds its task_name; a loop iteration's DAG (iteration_index N, whose
 * parent is the loop's DAG, task_name the loop's task key: argocompiler/
 * dag.go:410-445) makes it "loop[N]", the design's vocabulary.
 */
static const char *run_path(struct live_ctx *lc, const struct strmap *dags,
			    const struct cachedb_execution *e)
{
	const char *parts[RUN_MAX_DEPTH];
	long long idx[RUN_MAX_DEPTH], pending = -1, cur = e->parent;
	size_t n = 0, i;
	struct strbuf sb = STRBUF_INIT;
	const char *out;

	while (cur > 0 && n < RUN_MAX_DEPTH) {
		char key[32];
		const struct cachedb_execution *d;
		snprintf(key, sizeof(key), "%lld", cur);
		d = strmap_get(dags, key);
		if (!d || d->parent <= 0)
			break;
		if (d->iteration >= 0) {
			pending = d->iteration;
		} else {
			parts[n] = d->task_name;
			idx[n++] = pending;
			pending = -1;
		}
		cur = d->parent;
	}
	for (i = n; i-- > 0;) {
		sb_adds(&sb, parts[i]);
		if (idx[i] >= 0)
			sb_addf(&sb, "[%lld]", idx[i]);
		sb_addc(&sb, '/');
	}
	sb_adds(&sb, e->task_name);
	out = arena_strdup(&lc->arena, sb.buf);
	sb_release(&sb);
	return out;
}

/* verify: the run's container executions, by task path (a path seen twice is ambiguous). */
static int load_run(struct live_ctx *lc, const char *run_id)
{
	struct strmap dags = STRMAP_INIT;
	size_t i, k = 0;

	if (cachedb_run_executions(lc->db, &lc->arena, run_id, &lc->execs, &lc->nexecs) < 0)
		return -1;
	for (i = 0; i < lc->nexecs; i++) {
		char key[32];
		if (!lc->execs[i].dag) {
			lc->nconts++;
			continue;
		}
		snprintf(key, sizeof(key), "%lld", lc->execs[i].id);
		strmap_put(&dags, key, &lc->execs[i]);
	}
	if (!lc->nconts) {
		strmap_release(&dags);
		return err_set("%s: run '%s' has no container executions in ML Metadata "
			       "(no system.PipelineRun context of that name)", cachedb_where(lc->db),
			       term_text(run_id));
	}
	lc->conts = arena_array(&lc->arena, lc->nconts, sizeof(*lc->conts));
	lc->paths = arena_array(&lc->arena, lc->nconts, sizeof(*lc->paths));
	for (i = 0; i < lc->nexecs; i++) {
		const struct cachedb_execution *e = &lc->execs[i];
		const char *path;
		if (e->dag)
			continue;
		path = run_path(lc, &dags, e);
		lc->conts[k] = e;
		lc->paths[k++] = path;
		strmap_put(&lc->by_path, path, strmap_has(&lc->by_path, path) ? (void *)&ambiguous_mark
									    : (void *)e);
	}
	strmap_release(&dags);
	lc->replay = true;
	return 0;
}

/* Connect once per session (verify reads the run's spec before the spec is built). */
static int live_connect(struct session *s, const struct common *c)
{
	struct cachedb_url u;
	struct cachedb_options o;
	struct live_ctx *lc;

	if (s->live)
		return 0;
	/* Parsed here first only to warn; cachedb_open parses it again. */
	if (cachedb_url_parse(&u, c->cache_db) < 0) {
		cachedb_url_release(&u);
		return -1;
	}
	if (u.password)
		fprintf(stderr, "kfpcache: warning: --cache-db: the URL holds a password, which other "
			"users of this machine can read (ps); use KFPCACHE_DB_PASSWORD or "
			"--cache-db-defaults-file\n");
	cachedb_url_release(&u);
	memset(&o, 0, sizeof(o));
	o.url = c->cache_db;
	o.defaults_file = c->cache_db_defaults;
	o.password = getenv("KFPCACHE_DB_PASSWORD");
	if (o.password && !*o.password)
		o.password = NULL;
	lc = xcalloc(1, sizeof(*lc));
	arena_init(&lc->arena);
	strmap_init(&lc->by_path);
	s->live = lc;
	return cachedb_open(&lc->db, &o);
}

int live_run_spec(struct session *s, const struct common *c, struct spec **out)
{
	char *buf, *name, *params, *pname;
	size_t len;
	const char *source;
	struct node *pv = NULL;
	int r;

	if (live_connect(s, c) < 0 ||
	    cachedb_run_spec(s->live->db, c->verify_run, &buf, &len, &source, &params) < 0)
		return -1;
	/* Errors name the run ("run:ID:LINE:COL: reason"), as a file would be named. */
	name = xstrfmt("run:%s", c->verify_run);
	pname = xstrfmt("run:%s:RuntimeParameters", c->verify_run);
	r = spec_load_buf(out, buf, len, name, &c->limits);
	/* The values the run ran with, as a PipelineJob's (--param, --params-file override). */
	if (r == 0 && params) {
		r = json_parse(&(*out)->arena, params, strlen(params), pname, &c->limits, &pv);
		if (r == 0 && !node_is_map(pv))
			r = err_set("%s: expected a JSON object of parameter values", pname);
		if (r == 0)
			(*out)->run_params = pv;
	}
	free(pname);
	free(name);
	free(buf);
	free(params);
	if (r == 0)
		s->live_spec_source = arena_printf(&s->arena, "%s.%s for run %s",
						   cachedb_pipeline_db(s->live->db), source,
						   c->verify_run);
	return r;
}

int live_open(struct session *s, const struct common *c, const char *pipeline,
	      struct live_cache *live)
{
	const char *ns = c->ns ? c->ns : PREDICT_DEFAULT_NAMESPACE;
	long long entries = 0;
	time_t t;
	struct tm tm;
	char when[32];
	struct live_ctx *lc;

	if (live_connect(s, c) < 0)
		return -1;
	lc = s->live;
	if (c->verify_run && load_run(lc, c->verify_run) < 0)
		return -1;
	/* verify: the lookups of the run's drivers, in the run's namespace (--namespace overrides). */
	if (c->verify_run && !c->ns) {
		const char *run_ns;
		if (cachedb_run_namespace(lc->db, &lc->arena, c->verify_run, &run_ns) < 0)
			return -1;
		if (*run_ns)
			ns = s->live_ns = run_ns;
	}
	if (cachedb_count(lc->db, &entries, pipeline, ns) < 0)
		return -1;
	t = (time_t)cachedb_read_time(lc->db);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(when, sizeof(when), "%lld", cachedb_read_time(lc->db));
	s->live_desc = xstrfmt("live cache %s, databases %s and %s, namespace %s, read %s: "
			       "%lld %s in scope pipeline/%s", cachedb_where(lc->db),
			       cachedb_pipeline_db(lc->db), cachedb_mlmd_db(lc->db), ns, when,
			       entries, entries == 1 ? "entry" : "entries", pipeline);
	live->lookup = live_lookup;
	live->import_lookup = live_import_lookup;
	live->ctx = lc;
	return 0;
}
