/*
 * cmd/live.c - --cache-db: opens a deployment's live cache (load/cachedb.h),
 * describes where the state came from for the summary and the reports,
 * and answers predict_run's lookups (model/predict.h struct live_cache)
 * from it: the driver's query, then the cached execution's outputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "load/cachedb.h"
#include "model/predict.h"
#include "base/banned.h"

/* The driver's lookup, then (on a hit) what the hit reuses. */
static int live_lookup(void *ctx, struct arena *a, const char *pipeline, const char *ns,
		       const char *fingerprint, struct live_entry *out)
{
	struct cachedb *db = ctx;
	struct cachedb_entry e;
	struct cachedb_artifact *arts;
	struct node *params;
	const char **names, **ids;
	size_t n, i;
	bool found;

	if (cachedb_lookup(db, &found, &e, pipeline, ns, fingerprint) < 0)
		return -1;
	if (!found)
		return 0;
	if (cachedb_outputs(db, a, e.execution_id, &params, &arts, &n) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->uuid = arena_strdup(a, e.uuid);
	out->run = arena_strdup(a, e.run);
	out->execution_id = e.execution_id;
	out->created = e.created;
	out->age = cachedb_read_time(db) - e.created;
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

int live_open(struct session *s, const struct common *c, const char *pipeline,
	      struct live_cache *live)
{
	struct cachedb_url u;
	struct cachedb_options o;
	const char *ns = c->ns ? c->ns : PREDICT_DEFAULT_NAMESPACE;
	long long entries = 0;
	time_t t;
	struct tm tm;
	char when[32];

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
	if (cachedb_open(&s->db, &o) < 0 || cachedb_count(s->db, &entries, pipeline, ns) < 0)
		return -1;
	t = (time_t)cachedb_read_time(s->db);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(when, sizeof(when), "%lld", cachedb_read_time(s->db));
	s->live_desc = xstrfmt("live cache %s, databases %s and %s, namespace %s, read %s: "
			       "%lld %s in scope pipeline/%s", cachedb_where(s->db),
			       cachedb_pipeline_db(s->db), cachedb_mlmd_db(s->db), ns, when,
			       entries, entries == 1 ? "entry" : "entries", pipeline);
	live->lookup = live_lookup;
	live->ctx = s->db;
	return 0;
}
