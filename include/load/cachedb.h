/*
 * cachedb.h - a deployment's live cache, read from its MySQL databases the
 * way KFP's driver reads it: the API server's `tasks` table (backends
 * 2.14-2.17, model/task.go) and ML Metadata's tables (MLMD 1.14 MySQL
 * schema).  The only module that links libmariadb; read-only: one read-only
 * transaction, prepared SELECTs only.  The password is never printed.
 */
#ifndef KFPCACHE_CACHEDB_H
#define KFPCACHE_CACHEDB_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "load/node.h"

enum cachedb_ssl_mode {
	CACHEDB_SSL_DEFAULT,    /* the client library's default */
	CACHEDB_SSL_DISABLED,
	CACHEDB_SSL_REQUIRED,   /* TLS, server certificate not verified */
	CACHEDB_SSL_VERIFY_CA,  /* TLS, certificate verified against ssl-ca */
	CACHEDB_SSL_VERIFY_IDENTITY
};

/*
 * A parsed --cache-db URL:
 *   mysql://USER[:PASSWORD]@HOST[:PORT]/[?OPTIONS]
 *   mysql://USER@localhost/?socket=PATH
 * OPTIONS (&-separated, %XX-decoded): socket, pipeline_db (mlpipeline),
 * mlmd_db (metadb), ssl-mode (disabled|preferred|required|verify_ca|
 * verify_identity), ssl-ca, ssl-cert, ssl-key.  Strings are malloc'd.
 */
struct cachedb_url {
	char *user;
	char *password;          /* only when the URL has one (a warning); else NULL */
	char *host;
	unsigned port;           /* 0: the default, 3306 */
	char *socket;
	char *pipeline_db;
	char *mlmd_db;
	enum cachedb_ssl_mode ssl_mode;
	char *ssl_ca, *ssl_cert, *ssl_key;
};

/*
 * Parse url into *out (cachedb_url_release frees it, also after a failure).
 * Fails with "cache-db URL: <reason>"; the message never holds the password.
 */
int cachedb_url_parse(struct cachedb_url *out, const char *url);
void cachedb_url_release(struct cachedb_url *u);

/* "host:port", or "localhost (socket PATH)": for messages and reports. */
char *cachedb_url_where(const struct cachedb_url *u);

struct cachedb;

struct cachedb_options {
	const char *url;
	const char *defaults_file;   /* a MySQL option file ([client] password=...), or NULL */
	const char *password;        /* KFPCACHE_DB_PASSWORD, or NULL */
};

/*
 * Connect, start the read-only transaction and check that every table and
 * column read exists.  Fails with one line naming host:port or the object
 * (unreachable, authentication, missing database/table/column).
 * *out: cachedb_free() (accepts NULL).
 */
int cachedb_open(struct cachedb **out, const struct cachedb_options *o);
void cachedb_free(struct cachedb *db);

/* Where the state comes from, for reports: borrowed until cachedb_free. */
const char *cachedb_where(const struct cachedb *db);
const char *cachedb_pipeline_db(const struct cachedb *db);
const char *cachedb_mlmd_db(const struct cachedb *db);
long long cachedb_read_time(const struct cachedb *db);   /* server's UNIX_TIMESTAMP() at open */

/* A cache entry: one row of `tasks`. */
struct cachedb_entry {
	char uuid[192];
	char run[192];
	long long execution_id;
	long long created;           /* CreatedTimestamp, seconds */
};

/*
 * The driver's lookup (cacheutils/cache.go:105-137): the newest row with
 * this fingerprint, PipelineName "pipeline/<pipeline>" and namespace ns,
 * ORDER BY CreatedTimestamp DESC, UUID DESC (apiserver/list/list.go:315-328).
 * An empty fingerprint never matches.  *found false: an exact miss.
 */
int cachedb_lookup(struct cachedb *db, bool *found, struct cachedb_entry *out,
		   const char *pipeline, const char *ns, const char *fingerprint);

/*
 * The same lookup as a driver at time `at` (seconds) saw it: only rows
 * written by then.  A row is inserted when its task finishes, with
 * FinishedTimestamp = that moment (launcher_v2.go:300-317), so
 * FinishedTimestamp <= at.
 */
int cachedb_lookup_at(struct cachedb *db, bool *found, struct cachedb_entry *out,
		      const char *pipeline, const char *ns, const char *fingerprint, long long at);

/* One container or DAG execution of a run, as KFP's driver recorded it in MLMD. */
struct cachedb_execution {
	long long id;
	int state;                   /* MLMD Execution.State: COMPLETE 3, FAILED 4, CACHED 5, CANCELED 6 */
	long long created_ms;        /* create_time_since_epoch: the driver's moment */
	const char *task_name;       /* custom property task_name (metadata/client.go:653) */
	const char *fingerprint;     /* cache_fingerprint, or "" */
	const char *cached_id;       /* cached_execution_id, or "" */
	bool dag;                    /* a system.DAGExecution (sub-DAG, loop, iteration) */
	long long parent;            /* parent_dag_id, or 0 (the root DAG has none) */
	long long iteration;         /* iteration_index of a loop iteration's DAG, or -1 */
};

/*
 * The system.ContainerExecution and system.DAGExecution executions
 * associated with the run's system.PipelineRun context, named by the run
 * id (metadata/client.go:410-468), by id.  In arena a.
 */
int cachedb_run_executions(struct cachedb *db, struct arena *a, const char *run_id,
			   struct cachedb_execution **out, size_t *n);

/*
 * verify without --spec: the pipeline spec the API server stored for run
 * run_id.  CreateRun copies the manifest into run_details.PipelineSpecManifest
 * for every v2 run, also when the run names a pipeline version (it fetches
 * the version's spec first: apiserver/resource/resource_manager.go:1907-1936
 * and :758-763 in 2.17, :1498-1520 and :588-595 in 2.14); a row whose
 * manifest is empty but that names a version falls back to that version's
 * pipeline_versions.PipelineSpec (model/pipeline_version.go:53, 2.14: :47).
 * *out is malloc'd, NUL-terminated, *len bytes; *source says where it came
 * from ("run_details" or "pipeline_versions"); *params (malloc'd, or NULL)
 * the run's parameter values, run_details.RuntimeParameters: the JSON of
 * the request's runtime_config.parameters map (model/runtime_config.go:19,
 * server/api_converter.go:701-712 in 2.17).  Fails with one line when the
 * run is unknown, is a v1 (Argo workflow) run, or has no manifest.
 */
int cachedb_run_spec(struct cachedb *db, const char *run_id, char **out, size_t *len,
		     const char **source, char **params);

/*
 * The namespace run run_id ran in: the custom property `namespace` of its
 * system.PipelineRun context, which the root DAG driver sets
 * (metadata/client.go:410-423; 2.14: :320-335).  Its executions do not say:
 * those a driver creates on a hit carry an empty pod_name and namespace
 * (client.go:675-678, driver/container.go:173-190).  *out "" when unknown;
 * in arena a.
 */
int cachedb_run_namespace(struct cachedb *db, struct arena *a, const char *run_id,
			  const char **out);

/* Entries (rows with a fingerprint) in scope pipeline/ns. */
int cachedb_count(struct cachedb *db, long long *out, const char *pipeline, const char *ns);

/* An output artifact of a cached execution: OUTPUT event, step key = name. */
struct cachedb_artifact {
	const char *name;
	const char *id;              /* MLMD artifact id, decimal */
};

/*
 * The outputs a hit on execution `id` reuses (driver/cache.go:56-78): the
 * output parameters (custom property `outputs`, an MLMD struct) as a map
 * node, NULL when the execution has none; and its OUTPUT artifacts sorted by
 * name.  Everything is allocated in arena a.
 */
int cachedb_outputs(struct cachedb *db, struct arena *a, long long id, struct node **params,
		    struct cachedb_artifact **arts, size_t *narts);

/* A custom property an artifact must carry with this value (cachedb_find_artifact). */
struct cachedb_prop {
	const char *name;
	char kind;                   /* 's' string_value, 'd' double_value, 'i' int_value */
	const char *text;            /* the value as text */
};

/*
 * The artifact an importer's launcher re-links when reimport is false
 * (FindMatchedArtifact, metadata/client.go:1303-1347 in 2.17, :1147-1190
 * in 2.14): the first (lowest id, the order of MLMD's uri index) artifact
 * whose URI equals uri exactly, of type `type` (an artifact type name),
 * state LIVE, whose custom properties include props with equal values and
 * that is attributed to the system.Pipeline context named pipeline.
 * *found false: none (the launcher creates a new artifact).
 */
int cachedb_find_artifact(struct cachedb *db, bool *found, long long *id, const char *pipeline,
			  const char *uri, const char *type, const struct cachedb_prop *props,
			  size_t nprops);

/*
 * Decode an MLMD struct property value ("mlmd-struct::" + base64 of a
 * serialized google.protobuf.Struct, ml_metadata/util/struct_utils.cc:30-40)
 * into a map node.  Exposed for tests.
 */
int cachedb_struct_decode(struct node **out, struct arena *a, const char *s, size_t len);

/*
 * Every entry (row with a fingerprint) in scope pipeline/ns, newest first
 * in the driver's order (CreatedTimestamp DESC, UUID DESC), read in pages of
 * page_size rows (keyset pagination, prepared SELECTs, inside the open
 * read-only transaction): fn per row with its Fingerprint as stored (a
 * negative return stops the read); progress, when not NULL, after each
 * page with the rows read so far.  An entry whose MLMDExecutionID is not an
 * execution id has execution_id 0.  A failure (a lost connection) names
 * the server and the page being read; the caller must drop what fn kept.
 */
int cachedb_scope_read(struct cachedb *db, const char *pipeline, const char *ns, size_t page_size,
		       int (*fn)(void *ctx, const struct cachedb_entry *e, const char *fingerprint),
		       void (*progress)(void *ctx, long long rows), void *ctx);

#endif
