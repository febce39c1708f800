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
	struct cachedb_execution *execs;
	size_t nexecs;
	struct strmap by_task;                /* task_name -> execution, or &ambiguous */
};

static char ambiguous_mark;

void live_close(struct live_ctx *lc)
{
	if (!lc)
		return;
	cachedb_free(lc->db);
	strmap_release(&lc->by_task);
	arena_release(&lc->arena);
	free(lc);
}

const struct cachedb_execution *live_run_executions(const struct session *s, size_t *n)
{
	*n = s->live ? s->live->nexecs : 0;
	return s->live ? s->live->execs : NULL;
}

const struct cachedb_execution *live_run_execution(const struct session *s, const char *path,
						   bool *ambiguous)
{
	const char *base = strrchr(path, '/');
	void *v;

	*ambiguous = false;
	if (!s->live || !s->live->replay)
		return NULL;
	v = strmap_get(&s->live->by_task, base ? base + 1 : path);
	if (v == &ambiguous_mark) {
		*ambiguous = true;
		return NULL;
	}
	return v;
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
	const char *base = strrchr(path, '/');
	void *run_exec = lc->replay ? strmap_get(&lc->by_task, base ? base + 1 : path) : NULL;
	size_t n, i;
	bool found;
	int r;

	if (run_exec && run_exec != &ambiguous_mark)
		r = cachedb_lookup_at(lc->db, &found, &e, pipeline, ns, fingerprint,
				      ((const struct cachedb_execution *)run_exec)->created_ms / 1000);
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

/* verify: the run's executions, by task name (a name seen twice is ambiguous). */
static int load_run(struct live_ctx *lc, const char *run_id)
{
	size_t i;

	if (cachedb_run_executions(lc->db, &lc->arena, run_id, &lc->execs, &lc->nexecs) < 0)
		return -1;
	if (!lc->nexecs)
		return err_set("%s: run '%s' has no container executions in ML Metadata "
			       "(no system.PipelineRun context of that name)", cachedb_where(lc->db),
			       term_text(run_id));
	for (i = 0; i < lc->nexecs; i++) {
		const char *name = lc->execs[i].task_name;
		strmap_put(&lc->by_task, name, strmap_has(&lc->by_task, name) ? (void *)&ambiguous_mark
									       : (void *)&lc->execs[i]);
	}
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
	strmap_init(&lc->by_task);
	s->live = lc;
	return cachedb_open(&lc->db, &o);
}

int live_run_spec(struct session *s, const struct common *c, struct spec **out)
{
	char *buf, *name;
	size_t len;
	const char *source;
	int r;

	if (live_connect(s, c) < 0 ||
	    cachedb_run_spec(s->live->db, c->verify_run, &buf, &len, &source) < 0)
		return -1;
	/* Errors name the run ("run:ID:LINE:COL: reason"), as a file would be named. */
	name = xstrfmt("run:%s", c->verify_run);
	r = spec_load_buf(out, buf, len, name, &c->limits);
	free(name);
	free(buf);
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
	if (cachedb_count(lc->db, &entries, pipeline, ns) < 0 ||
	    (c->verify_run && load_run(lc, c->verify_run) < 0))
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
	live->ctx = lc;
	return 0;
}
