/*
 * cmd/live.c - --cache-db: opens a deployment's live cache (load/cachedb.h),
 * describes where the state came from for the summary and the reports,
 * and answers predict_run's lookups (model/predict.h struct live_cache)
 * from it: the driver's query, then the cached execution's outputs (read
 * once per execution).  A history and mixed mode predict many runs: there
 * each scope is read whole, in pages, once, and lookups are answered from
 * memory.  For `verify`, each lookup is the one the recorded run's driver
 * made, at its moment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "load/cachedb.h"
#include "load/spec.h"
#include "model/predict.h"
#include "base/banned.h"

/* One scope read whole: the newest entry of each fingerprint. */
struct live_scope {
	const char *pipeline, *ns;            /* in the context's arena */
	struct strmap by_fp;                  /* lowercased fingerprint -> struct live_row * */
	long long entries;                    /* rows with a fingerprint */
};

/* A tasks row kept in memory: only what a hit needs, strings in the arena. */
struct live_row {
	const char *uuid, *run;
	long long execution_id, created;
};

/* What a hit on an execution reuses, read once per execution. */
struct live_outputs {
	const struct node *params;
	size_t n;
	const char **names, **ids;
};

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
	/* Whole-scope reads (history, mixed mode): see live_connect. */
	bool whole;
	size_t page_size;
	bool progress;                        /* a progress line: stderr is a terminal */
	struct strmap scopes;                 /* "NS\nPIPELINE" -> struct live_scope * */
	struct live_scope **scope_list;       /* in the order read, for the description */
	size_t nscopes, ascopes;
	struct strmap outputs;                /* execution id -> struct live_outputs * */
};

static char ambiguous_mark;

void live_close(struct live_ctx *lc)
{
	size_t i;

	if (!lc)
		return;
	cachedb_free(lc->db);
	strmap_release(&lc->by_path);
	for (i = 0; i < lc->nscopes; i++)
		strmap_release(&lc->scope_list[i]->by_fp);
	free(lc->scope_list);
	strmap_release(&lc->scopes);
	strmap_release(&lc->outputs);
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

/* The outputs execution `id` holds, read from ML Metadata on its first hit. */
static int live_outputs_of(struct live_ctx *lc, long long id, const struct live_outputs **out)
{
	char key[32];
	struct live_outputs *o;
	struct cachedb_artifact *arts;
	struct node *params;
	size_t i;

	snprintf(key, sizeof(key), "%lld", id);
	if ((*out = strmap_get(&lc->outputs, key)))
		return 0;
	o = arena_alloc(&lc->arena, sizeof(*o));
	if (cachedb_outputs(lc->db, &lc->arena, id, &params, &arts, &o->n) < 0)
		return -1;
	o->params = params;
	o->names = arena_array(&lc->arena, o->n, sizeof(*o->names));
	o->ids = arena_array(&lc->arena, o->n, sizeof(*o->ids));
	for (i = 0; i < o->n; i++) {
		o->names[i] = arts[i].name;
		o->ids[i] = arts[i].id;
	}
	strmap_put(&lc->outputs, key, o);
	*out = o;
	return 0;
}

/* MySQL's default _ci collation compares fingerprints without case; so does the scope map. */
static void fp_key(char *out, size_t size, const char *fingerprint)
{
	size_t i;

	for (i = 0; fingerprint[i] && i + 1 < size; i++)
		out[i] = fingerprint[i] >= 'A' && fingerprint[i] <= 'Z' ? (char)(fingerprint[i] + 32)
									 : fingerprint[i];
	out[i] = '\0';
}

/* One scope being read: rows into sc (entries in lc's arena), the progress line. */
struct scope_read {
	struct live_ctx *lc;
	struct live_scope *sc;
	bool shown;
};

static int scope_row(void *ctx, const struct cachedb_entry *e, const char *fingerprint)
{
	struct scope_read *sr = ctx;
	char key[256];

	sr->sc->entries++;
	fp_key(key, sizeof(key), fingerprint);
	/* Rows come newest first: the first of a fingerprint is the driver's. */
	if (!strmap_has(&sr->sc->by_fp, key)) {
		struct live_row *row = arena_alloc(&sr->lc->arena, sizeof(*row));
		row->uuid = arena_strdup(&sr->lc->arena, e->uuid);
		row->run = arena_strdup(&sr->lc->arena, e->run);
		row->execution_id = e->execution_id;
		row->created = e->created;
		strmap_put(&sr->sc->by_fp, key, row);
	}
	return 0;
}

/* On a terminal only: \r-updated after each page, erased when the read ends. */
static void scope_progress(void *ctx, long long rows)
{
	struct scope_read *sr = ctx;

	fprintf(stderr, "\rkfpcache: reading the live cache: pipeline/%s in namespace %s: %lld %s   ",
		term_text(sr->sc->pipeline), term_text(sr->sc->ns), rows,
		rows == 1 ? "entry" : "entries");
	fflush(stderr);
	sr->shown = true;
}

/* Scope pipeline/ns, read whole (in pages) on its first use. */
static int live_scope_get(struct live_ctx *lc, const char *pipeline, const char *ns,
			  struct live_scope **out)
{
	char *key = xstrfmt("%s\n%s", ns, pipeline);
	struct live_scope *sc = strmap_get(&lc->scopes, key);
	struct scope_read sr;
	int r;

	if (sc) {
		free(key);
		*out = sc;
		return 0;
	}
	sc = arena_alloc(&lc->arena, sizeof(*sc));
	memset(sc, 0, sizeof(*sc));
	sc->pipeline = arena_strdup(&lc->arena, pipeline);
	sc->ns = arena_strdup(&lc->arena, ns);
	strmap_init(&sc->by_fp);
	sr.lc = lc;
	sr.sc = sc;
	sr.shown = false;
	r = cachedb_scope_read(lc->db, pipeline, ns, lc->page_size, scope_row,
			       lc->progress ? scope_progress : NULL, &sr);
	if (sr.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	if (r < 0) {
		/* Never a partial scope: what was read is dropped with the error. */
		strmap_release(&sc->by_fp);
		free(key);
		return -1;
	}
	strmap_put(&lc->scopes, key, sc);
	free(key);
	KC_GROW(lc->scope_list, lc->ascopes, lc->nscopes + 1);
	lc->scope_list[lc->nscopes++] = sc;
	*out = sc;
	return 0;
}

/* The entry the driver's lookup returns, from the scope read whole. */
static int scope_lookup(struct live_ctx *lc, bool *found, struct cachedb_entry *out,
			const char *pipeline, const char *ns, const char *fingerprint)
{
	struct live_scope *sc;
	const struct live_row *e;
	char key[256];

	*found = false;
	if (!*fingerprint)
		return 0;
	if (live_scope_get(lc, pipeline, ns, &sc) < 0)
		return -1;
	fp_key(key, sizeof(key), fingerprint);
	if (!(e = strmap_get(&sc->by_fp, key)))
		return 0;
	if (e->execution_id <= 0)
		return err_set("tasks row '%s': MLMDExecutionID is not an execution id",
			       term_text(e->uuid));
	memset(out, 0, sizeof(*out));
	snprintf(out->uuid, sizeof(out->uuid), "%s", e->uuid);
	snprintf(out->run, sizeof(out->run), "%s", e->run);
	out->execution_id = e->execution_id;
	out->created = e->created;
	*found = true;
	return 0;
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
	const struct live_outputs *o;
	long long at = lc->replay ? run_moment(lc, path) : -1;
	bool found;
	int r;

	if (at >= 0)
		r = cachedb_lookup_at(lc->db, &found, &e, pipeline, ns, fingerprint, at / 1000);
	else if (lc->whole)
		r = scope_lookup(lc, &found, &e, pipeline, ns, fingerprint);
	else
		r = cachedb_lookup(lc->db, &found, &e, pipeline, ns, fingerprint);
	if (r < 0)
		return -1;
	if (!found)
		return 0;
	/* The outputs live in the context's arena, which outlives every prediction. */
	if (live_outputs_of(lc, e.execution_id, &o) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->uuid = arena_strdup(a, e.uuid);
	out->run = arena_strdup(a, e.run);
	out->execution_id = e.execution_id;
	out->created = e.created;
	out->age = cachedb_read_time(lc->db) - e.created;
	out->params = o->params;
	out->nartifacts = o->n;
	out->art_names = o->names;
	out->art_ids = o->ids;
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

/* live answers predict_run's lookups from lc. */
static void live_bind(struct live_ctx *lc, struct live_cache *live)
{
	live->lookup = live_lookup;
	live->import_lookup = live_import_lookup;
	live->ctx = lc;
}

int live_connect(struct live_ctx **out, const struct common *c, bool whole,
		 struct live_cache *live)
{
	struct cachedb_url u;
	struct cachedb_options o;
	struct live_ctx *lc;

	*out = NULL;
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
	strmap_init(&lc->scopes);
	strmap_init(&lc->outputs);
	lc->whole = whole;
	lc->page_size = c->cache_db_page_size ? c->cache_db_page_size : LIVE_DEFAULT_PAGE_SIZE;
	lc->progress = isatty(2) && !getenv("CI");
	*out = lc;
	if (cachedb_open(&lc->db, &o) < 0)
		return -1;
	if (live)
		live_bind(lc, live);
	return 0;
}

int live_run_spec(struct session *s, const struct common *c, struct spec **out)
{
	char *buf, *name, *params, *pname;
	size_t len;
	const char *source;
	struct node *pv = NULL;
	int r;

	/* Connected once per session: live_open then reuses the connection. */
	if ((!s->live && live_connect(&s->live, c, false, NULL) < 0) ||
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

void live_quiet(struct live_ctx *lc)
{
	if (lc)
		lc->progress = false;
}

int live_note_scope(struct live_ctx *lc, const char *pipeline, const char *ns)
{
	struct live_scope *sc;

	return lc->whole ? live_scope_get(lc, pipeline, ns, &sc) : 0;
}

char *live_describe(const struct live_ctx *lc, const char *ns, const char *counted)
{
	struct strbuf sb = STRBUF_INIT;
	time_t t = (time_t)cachedb_read_time(lc->db);
	struct tm tm;
	char when[32];
	size_t i;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(when, sizeof(when), "%lld", cachedb_read_time(lc->db));
	sb_addf(&sb, "live cache %s, databases %s and %s, namespace %s, read %s: ",
		cachedb_where(lc->db), cachedb_pipeline_db(lc->db), cachedb_mlmd_db(lc->db), ns, when);
	if (counted)
		sb_adds(&sb, counted);
	for (i = 0; !counted && i < lc->nscopes; i++) {
		const struct live_scope *sc = lc->scope_list[i];
		sb_addf(&sb, "%s%lld %s in scope pipeline/%s", i ? ", " : "", sc->entries,
			sc->entries == 1 ? "entry" : "entries", sc->pipeline);
		if (strcmp(sc->ns, ns))
			sb_addf(&sb, " in namespace %s", sc->ns);
	}
	if (!counted && !lc->nscopes)
		sb_adds(&sb, "no scope read");
	return sb_detach(&sb, NULL);
}

int live_open(struct session *s, const struct common *c, const char *pipeline,
	      struct live_cache *live)
{
	const char *ns = c->ns ? c->ns : PREDICT_DEFAULT_NAMESPACE;
	/* Mixed mode reads the scopes whole: the baselines look up as much as the run. */
	bool whole = c->nbaselines > 0;
	long long entries = 0;
	char *counted = NULL;
	struct live_ctx *lc;
	int r;

	if (s->live) {
		/* verify without --spec connected to read the run's spec. */
		lc = s->live;
		lc->whole = whole;
		live_bind(lc, live);
		r = 0;
	} else {
		r = live_connect(&lc, c, whole, live);
		s->live = lc;
	}
	if (r < 0 || (c->verify_run && load_run(lc, c->verify_run) < 0))
		return -1;
	/* verify: the lookups of the run's drivers, in the run's namespace (--namespace overrides). */
	if (c->verify_run && !c->ns) {
		const char *run_ns;
		if (cachedb_run_namespace(lc->db, &lc->arena, c->verify_run, &run_ns) < 0)
			return -1;
		if (*run_ns)
			ns = s->live_ns = run_ns;
	}
	if (whole) {
		if (live_note_scope(lc, pipeline, ns) < 0)
			return -1;
	} else {
		if (cachedb_count(lc->db, &entries, pipeline, ns) < 0)
			return -1;
		counted = xstrfmt("%lld %s in scope pipeline/%s", entries,
				  entries == 1 ? "entry" : "entries", pipeline);
	}
	s->live_desc = live_describe(lc, ns, counted);
	free(counted);
	return 0;
}
