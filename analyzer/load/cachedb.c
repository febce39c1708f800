/*
 * cachedb.c - reads a deployment's live cache from MySQL (libmariadb, only
 * here): KFP's `tasks` table in the pipeline database and ML Metadata's
 * Execution/ExecutionProperty/Event/EventPath tables.  Loader layer: it
 * answers the driver's lookup and hands back the cached outputs; the
 * decisions are made in model/predict.c.  Read-only by construction: a
 * read-only session and transaction, prepared SELECTs only.
 */
#include "load/cachedb.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Connector/C's ma_list.h declares its own list_add; keep it out of our name. */
#define list_add cachedb_ma_list_add
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#undef list_add
#include <google/protobuf/struct.pb-c.h>

#include "base/crypto.h"
#include "base/banned.h"

#define CACHEDB_DEFAULT_PORT 3306

/* ---- URL ---- */

/* %XX-decode s[0..n) into a malloc'd string; what names it in errors. */
static int url_decode(char **out, const char *s, size_t n, const char *what)
{
	char *d = xmalloc(n + 1);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < n ? hex_digit((unsigned char)s[i + 1]) : -1;
			int lo = i + 2 < n ? hex_digit((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				free(d);
				return err_set("cache-db URL: bad %%-escape in the %s", what);
			}
			if (!(hi << 4 | lo)) {
				free(d);
				return err_set("cache-db URL: %%00 in the %s", what);
			}
			d[k++] = (char)(hi << 4 | lo);
			i += 2;
			continue;
		}
		d[k++] = s[i];
	}
	d[k] = '\0';
	*out = d;
	return 0;
}

static bool ident_ok(const char *s)
{
	size_t i;

	if (!*s || strlen(s) > 64)
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '$'))
			return false;
	return true;
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a, y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
		if (x != y)
			return x - y;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static const struct {
	const char *name;
	enum cachedb_ssl_mode mode;
} ssl_modes[] = {
	{ "disabled", CACHEDB_SSL_DISABLED },
	{ "preferred", CACHEDB_SSL_DEFAULT },
	{ "required", CACHEDB_SSL_REQUIRED },
	{ "verify_ca", CACHEDB_SSL_VERIFY_CA },
	{ "verify_identity", CACHEDB_SSL_VERIFY_IDENTITY },
};

static int set_ssl_mode(struct cachedb_url *u, const char *v)
{
	size_t i;

	for (i = 0; i < sizeof(ssl_modes) / sizeof(ssl_modes[0]); i++)
		if (!ascii_casecmp(v, ssl_modes[i].name)) {
			u->ssl_mode = ssl_modes[i].mode;
			return 0;
		}
	return err_set("cache-db URL: ssl-mode '%s' is not one of disabled, preferred, required, "
		       "verify_ca, verify_identity", term_text(v));
}

/* One ?name=value option; the value is decoded already. */
static int url_option(struct cachedb_url *u, const char *name, char *value)
{
	static const char *const names[] = { "socket", "pipeline_db", "mlmd_db", "ssl-mode",
					     "ssl-ca", "ssl-cert", "ssl-key" };
	char **slot = NULL;

	if (!strcmp(name, "socket"))
		slot = &u->socket;
	else if (!strcmp(name, "pipeline_db"))
		slot = &u->pipeline_db;
	else if (!strcmp(name, "mlmd_db"))
		slot = &u->mlmd_db;
	else if (!strcmp(name, "ssl-ca"))
		slot = &u->ssl_ca;
	else if (!strcmp(name, "ssl-cert"))
		slot = &u->ssl_cert;
	else if (!strcmp(name, "ssl-key"))
		slot = &u->ssl_key;
	else if (!strcmp(name, "ssl-mode")) {
		int r = set_ssl_mode(u, value);
		free(value);
		return r;
	} else {
		size_t hint;
		bool has = kc_did_you_mean(name, names, sizeof(names) / sizeof(names[0]), &hint, 1) > 0;
		free(value);
		return err_set("cache-db URL: unknown option '%s'%s%s%s", term_text(name),
			       has ? " (did you mean '" : "", has ? names[hint] : "", has ? "'?)" : "");
	}
	if (*slot) {
		free(value);
		return err_set("cache-db URL: option '%s' given twice", name);
	}
	if (!*value) {
		free(value);
		return err_set("cache-db URL: option '%s' is empty", name);
	}
	*slot = value;
	if ((slot == &u->pipeline_db || slot == &u->mlmd_db) && !ident_ok(value))
		return err_set("cache-db URL: %s '%s' is not a database name ([A-Za-z0-9_$], at most "
			       "64 characters)", name, term_text(value));
	return 0;
}

static int url_query(struct cachedb_url *u, const char *q)
{
	while (*q) {
		const char *amp = strchr(q, '&'), *end = amp ? amp : q + strlen(q);
		const char *eq = memchr(q, '=', (size_t)(end - q));
		char *name, *value;

		if (end == q) {
			q++;
			continue;
		}
		if (!eq)
			return err_set("cache-db URL: option '%.*s' has no value",
				       (int)(end - q > 64 ? 64 : end - q), q);
		if (url_decode(&name, q, (size_t)(eq - q), "option name") < 0)
			return -1;
		if (url_decode(&value, eq + 1, (size_t)(end - eq - 1), "option value") < 0) {
			free(name);
			return -1;
		}
		if (url_option(u, name, value) < 0) {
			free(name);
			return -1;
		}
		free(name);
		q = amp ? amp + 1 : end;
	}
	return 0;
}

int cachedb_url_parse(struct cachedb_url *out, const char *url)
{
	static const char scheme[] = "mysql://";
	const char *p, *at, *slash, *hostend, *q;
	struct cachedb_url *u = out;

	memset(u, 0, sizeof(*u));
	if (strncmp(url, scheme, sizeof(scheme) - 1))
		return err_set("cache-db URL: must start with %s (mysql://USER@HOST[:PORT]/)", scheme);
	p = url + sizeof(scheme) - 1;
	slash = strchr(p, '/');
	if (!slash)
		return err_set("cache-db URL: no '/' after the host (mysql://USER@HOST[:PORT]/)");
	/* The last '@' before the path ends the user info (a password may hold '@' escaped or not). */
	at = NULL;
	for (q = p; q < slash; q++)
		if (*q == '@')
			at = q;
	if (!at || at == p)
		return err_set("cache-db URL: no user (mysql://USER@HOST[:PORT]/)");
	{
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (url_decode(&u->user, p, (size_t)((colon ? colon : at) - p), "user") < 0)
			return -1;
		if (!*u->user)
			return err_set("cache-db URL: empty user");
		if (colon && url_decode(&u->password, colon + 1, (size_t)(at - colon - 1),
					"password") < 0)
			return -1;
	}
	p = at + 1;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(slash - p));
		if (!rb)
			return err_set("cache-db URL: '[' without ']' in the host");
		u->host = xstrndup(p + 1, (size_t)(rb - p - 1));
		hostend = rb + 1;
	} else {
		hostend = memchr(p, ':', (size_t)(slash - p));
		if (!hostend)
			hostend = slash;
		if (url_decode(&u->host, p, (size_t)(hostend - p), "host") < 0)
			return -1;
	}
	if (!*u->host)
		return err_set("cache-db URL: empty host");
	if (*hostend == ':') {
		unsigned long port = 0;
		const char *d = hostend + 1;
		if (d == slash)
			return err_set("cache-db URL: empty port");
		for (; d < slash; d++) {
			if (*d < '0' || *d > '9' || port > 65535)
				return err_set("cache-db URL: the port is not a number in 1..65535");
			port = port * 10 + (unsigned long)(*d - '0');
		}
		if (!port || port > 65535)
			return err_set("cache-db URL: the port is not a number in 1..65535");
		u->port = (unsigned)port;
	} else if (hostend != slash) {
		return err_set("cache-db URL: junk after the host");
	}
	q = slash + 1;
	if (*q && *q != '?')
		return err_set("cache-db URL: a database in the path is not supported; use "
			       "?pipeline_db=NAME&mlmd_db=NAME");
	if (*q == '?' && url_query(u, q + 1) < 0)
		return -1;
	if (u->socket && strcmp(u->host, "localhost"))
		return err_set("cache-db URL: ?socket= needs the host 'localhost'");
	if (u->socket && u->port)
		return err_set("cache-db URL: ?socket= and a port exclude each other");
	if (!u->pipeline_db)
		u->pipeline_db = xstrdup("mlpipeline");
	if (!u->mlmd_db)
		u->mlmd_db = xstrdup("metadb");
	return 0;
}

void cachedb_url_release(struct cachedb_url *u)
{
	free(u->user);
	if (u->password) {
		/* Not left in freed memory. */
		volatile char *v = u->password;
		while (*v)
			*v++ = '\0';
		free(u->password);
	}
	free(u->host);
	free(u->socket);
	free(u->pipeline_db);
	free(u->mlmd_db);
	free(u->ssl_ca);
	free(u->ssl_cert);
	free(u->ssl_key);
	memset(u, 0, sizeof(*u));
}

char *cachedb_url_where(const struct cachedb_url *u)
{
	if (u->socket)
		return xstrfmt("%s (socket %s)", u->host, u->socket);
	if (strchr(u->host, ':'))
		return xstrfmt("[%s]:%u", u->host, u->port ? u->port : CACHEDB_DEFAULT_PORT);
	return xstrfmt("%s:%u", u->host, u->port ? u->port : CACHEDB_DEFAULT_PORT);
}

/* ---- connection ---- */

struct cachedb {
	MYSQL *m;
	char *where;                 /* host:port, for messages */
	char *pipeline_db, *mlmd_db;
	char *q_lookup, *q_lookup_at, *q_count, *q_params, *q_events, *q_run;
	char *q_run_spec, *q_version_spec;   /* verify without --spec */
	char *q_artifacts, *q_artprops;      /* importers */
	char *q_run_ns;                      /* verify: the run's namespace */
	long long read_time;
};

const char *cachedb_where(const struct cachedb *db) { return db->where; }
const char *cachedb_pipeline_db(const struct cachedb *db) { return db->pipeline_db; }
const char *cachedb_mlmd_db(const struct cachedb *db) { return db->mlmd_db; }
long long cachedb_read_time(const struct cachedb *db) { return db->read_time; }

/* One line for a server or client error; errors name objects, never the password. */
static int db_error(const struct cachedb *db, MYSQL *m, const char *what)
{
	unsigned e = mysql_errno(m);

	switch (e) {
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_UNKNOWN_HOST:
	case CR_SERVER_LOST:
	case CR_SERVER_GONE_ERROR:
		return err_set("%s: cannot reach the database server: %s", db->where,
			       term_text(mysql_error(m)));
	case ER_ACCESS_DENIED_ERROR:
	case ER_DBACCESS_DENIED_ERROR:
	case ER_TABLEACCESS_DENIED_ERROR:
	case ER_COLUMNACCESS_DENIED_ERROR:
		return err_set("%s: access denied: %s", db->where, term_text(mysql_error(m)));
	case ER_BAD_DB_ERROR:
	case ER_NO_SUCH_TABLE:
	case ER_BAD_FIELD_ERROR:
		return err_set("%s: %s: %s (not a schema of KFP 2.14-2.17 / MLMD 1.14)", db->where,
			       what, term_text(mysql_error(m)));
	default:
		return err_set("%s: %s: %s", db->where, what, term_text(mysql_error(m)));
	}
}

static int stmt_error(const struct cachedb *db, MYSQL_STMT *st, const char *what)
{
	unsigned e = mysql_stmt_errno(st);

	if (e == CR_SERVER_LOST || e == CR_SERVER_GONE_ERROR)
		return err_set("%s: %s: lost the connection to the database server", db->where, what);
	if (e == ER_TABLEACCESS_DENIED_ERROR || e == ER_COLUMNACCESS_DENIED_ERROR ||
	    e == ER_DBACCESS_DENIED_ERROR)
		return err_set("%s: %s: access denied: %s (README: Live cache, the grants)", db->where,
			       what, term_text(mysql_stmt_error(st)));
	if (e == ER_BAD_DB_ERROR || e == ER_NO_SUCH_TABLE || e == ER_BAD_FIELD_ERROR)
		return err_set("%s: %s: %s (not a schema of KFP 2.14-2.17 / MLMD 1.14)", db->where,
			       what, term_text(mysql_stmt_error(st)));
	return err_set("%s: %s: %s", db->where, what, term_text(mysql_stmt_error(st)));
}

#define MAXCOLS 12
#define MAXPARAMS 8

/* Called per row with the columns as NUL-terminated strings (NULL for SQL NULL). */
typedef int (*row_fn)(void *ctx, char **cols, const size_t *lens);

/*
 * Run the prepared SELECT sql with string parameters, calling fn per row.
 * Every value travels as a string bound to a placeholder, never in the text.
 */
static int db_select(struct cachedb *db, const char *what, const char *sql,
		     const char *const *params, size_t nparams, size_t ncols, row_fn fn, void *ctx)
{
	MYSQL_STMT *st = mysql_stmt_init(db->m);
	MYSQL_BIND pb[MAXPARAMS], rb[MAXCOLS];
	unsigned long plen[MAXPARAMS], rlen[MAXCOLS];
	my_bool rnull[MAXCOLS], rerr[MAXCOLS];
	char *buf[MAXCOLS] = { NULL };
	size_t cap[MAXCOLS], i, lens[MAXCOLS];
	int ret = -1, r;

	if (!st)
		return err_set("%s: %s: out of memory in the client library", db->where, what);
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		stmt_error(db, st, what);
		goto done;
	}
	memset(pb, 0, sizeof(pb));
	for (i = 0; i < nparams && i < MAXPARAMS; i++) {
		plen[i] = (unsigned long)strlen(params[i]);
		pb[i].buffer_type = MYSQL_TYPE_STRING;
		pb[i].buffer = (void *)(uintptr_t)params[i];
		pb[i].buffer_length = plen[i];
		pb[i].length = &plen[i];
	}
	if (nparams && mysql_stmt_bind_param(st, pb)) {
		stmt_error(db, st, what);
		goto done;
	}
	if (mysql_stmt_execute(st)) {
		stmt_error(db, st, what);
		goto done;
	}
	memset(rb, 0, sizeof(rb));
	for (i = 0; i < ncols; i++) {
		cap[i] = 256;
		buf[i] = xmalloc(cap[i]);
		rb[i].buffer_type = MYSQL_TYPE_STRING;
		rb[i].buffer = buf[i];
		rb[i].buffer_length = (unsigned long)cap[i] - 1;
		rb[i].length = &rlen[i];
		rb[i].is_null = &rnull[i];
		rb[i].error = &rerr[i];
	}
	if (mysql_stmt_bind_result(st, rb)) {
		stmt_error(db, st, what);
		goto done;
	}
	while ((r = mysql_stmt_fetch(st)) == 0 || r == MYSQL_DATA_TRUNCATED) {
		char *cols[MAXCOLS];
		for (i = 0; i < ncols; i++) {
			if (rnull[i]) {
				cols[i] = NULL;
				lens[i] = 0;
				continue;
			}
			if (rlen[i] >= cap[i]) {
				/* A long value (an `outputs` struct): fetch it whole. */
				cap[i] = (size_t)rlen[i] + 1;
				buf[i] = xrealloc(buf[i], cap[i]);
				rb[i].buffer = buf[i];
				rb[i].buffer_length = (unsigned long)cap[i] - 1;
				if (mysql_stmt_fetch_column(st, &rb[i], (unsigned)i, 0)) {
					stmt_error(db, st, what);
					goto done;
				}
				rb[i].buffer_length = (unsigned long)cap[i] - 1;
			}
			buf[i][rlen[i]] = '\0';
			cols[i] = buf[i];
			lens[i] = rlen[i];
		}
		if (fn(ctx, cols, lens) < 0)
			goto done;
	}
	if (r != MYSQL_NO_DATA) {
		stmt_error(db, st, what);
		goto done;
	}
	ret = 0;
done:
	for (i = 0; i < ncols; i++)
		free(buf[i]);
	mysql_stmt_close(st);
	return ret;
}

static int row_ignore(void *ctx, char **cols, const size_t *lens)
{
	(void)ctx;
	(void)cols;
	(void)lens;
	return 0;
}

static int row_ll(void *ctx, char **cols, const size_t *lens)
{
	char *end;
	(void)lens;
	errno = 0;
	*(long long *)ctx = cols[0] ? strtoll(cols[0], &end, 10) : 0;
	return 0;
}

/* Run a statement that returns no rows (session setup); fixed text, no values. */
static int db_exec(struct cachedb *db, const char *sql)
{
	if (mysql_real_query(db->m, sql, strlen(sql)))
		return db_error(db, db->m, sql);
	return 0;
}

/*
 * Every table and column read, in one statement each, so a schema of an
 * unsupported backend fails at open naming what is missing.
 */
static int check_schema(struct cachedb *db)
{
	const char *t = db->pipeline_db, *m = db->mlmd_db;
	const struct {
		const char *what;
		char *sql;
	} checks[] = {
		{ "KFP tasks table", xstrfmt("SELECT `UUID`, `Namespace`, `PipelineName`, `RunUUID`, "
					      "`MLMDExecutionID`, `CreatedTimestamp`, `FinishedTimestamp`, "
					      "`Fingerprint` "
					      "FROM `%s`.`tasks` WHERE 1 = 0", t) },
		{ "MLMD Execution table", xstrfmt("SELECT `id`, `last_known_state` FROM `%s`.`Execution` "
						   "WHERE 1 = 0", m) },
		{ "MLMD ExecutionProperty table",
		  xstrfmt("SELECT `execution_id`, `name`, `is_custom_property`, `string_value` "
			  "FROM `%s`.`ExecutionProperty` WHERE 1 = 0", m) },
		{ "MLMD Event table", xstrfmt("SELECT `id`, `artifact_id`, `execution_id`, `type` "
					       "FROM `%s`.`Event` WHERE 1 = 0", m) },
		{ "MLMD EventPath table", xstrfmt("SELECT `event_id`, `is_index_step`, `step_key` "
						   "FROM `%s`.`EventPath` WHERE 1 = 0", m) },
	};
	size_t i, n = sizeof(checks) / sizeof(checks[0]);
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = db_select(db, checks[i].what, checks[i].sql, NULL, 0, 1, row_ignore, NULL);
	for (i = 0; i < n; i++)
		free(checks[i].sql);
	return ret;
}

static int apply_tls(MYSQL *m, const struct cachedb_url *u)
{
	my_bool yes = 1, no = 0;

	if (u->ssl_ca)
		mysql_options(m, MYSQL_OPT_SSL_CA, u->ssl_ca);
	if (u->ssl_cert)
		mysql_options(m, MYSQL_OPT_SSL_CERT, u->ssl_cert);
	if (u->ssl_key)
		mysql_options(m, MYSQL_OPT_SSL_KEY, u->ssl_key);
	switch (u->ssl_mode) {
	case CACHEDB_SSL_DEFAULT:
		break;
	case CACHEDB_SSL_DISABLED:
		if (u->ssl_ca || u->ssl_cert || u->ssl_key)
			return err_set("cache-db URL: ssl-mode=disabled with ssl-ca/ssl-cert/ssl-key");
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &no);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case CACHEDB_SSL_REQUIRED:
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case CACHEDB_SSL_VERIFY_CA:
	case CACHEDB_SSL_VERIFY_IDENTITY:
		if (!u->ssl_ca)
			return err_set("cache-db URL: ssl-mode=%s needs ?ssl-ca=FILE",
				       u->ssl_mode == CACHEDB_SSL_VERIFY_CA ? "verify_ca" : "verify_identity");
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
		break;
	}
	return 0;
}

int cachedb_open(struct cachedb **out, const struct cachedb_options *o)
{
	struct cachedb_url u;
	struct cachedb *db = xcalloc(1, sizeof(*db));
	const char *password = NULL;
	unsigned timeout = 10;
	int ret = -1;

	if (cachedb_url_parse(&u, o->url) < 0)
		goto done;
	db->where = cachedb_url_where(&u);
	db->pipeline_db = xstrdup(u.pipeline_db);
	db->mlmd_db = xstrdup(u.mlmd_db);
	if (!(db->m = mysql_init(NULL))) {
		err_set("%s: out of memory in the client library", db->where);
		goto done;
	}
	mysql_options(db->m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	if (o->defaults_file) {
		FILE *fp = fopen(o->defaults_file, "r");
		if (!fp) {
			err_set("%s: %s", o->defaults_file, strerror(errno));
			goto done;
		}
		fclose(fp);
		mysql_options(db->m, MYSQL_READ_DEFAULT_FILE, o->defaults_file);
		mysql_options(db->m, MYSQL_READ_DEFAULT_GROUP, "client");
	}
	if (apply_tls(db->m, &u) < 0)
		goto done;
	/* The URL's password wins (the caller warned), then the environment, then the file. */
	password = u.password ? u.password : o->password;
	if (!mysql_real_connect(db->m, u.socket ? "localhost" : u.host, u.user, password, NULL,
				u.port, u.socket, 0)) {
		db_error(db, db->m, "connect");
		goto done;
	}
	if (db_exec(db, "SET SESSION TRANSACTION READ ONLY") < 0 ||
	    db_exec(db, "START TRANSACTION READ ONLY") < 0 || check_schema(db) < 0 ||
	    db_select(db, "server time", "SELECT UNIX_TIMESTAMP()", NULL, 0, 1, row_ll,
		      &db->read_time) < 0)
		goto done;
	/*
	 * The driver's lookup: ListTasksV1 with predicates on fingerprint,
	 * pipelineName and namespace, sorted created_at desc, page size 1
	 * (cacheutils/cache.go:105-137); the list layer adds the key column as
	 * tiebreaker in the same direction (apiserver/list/list.go:315-328; 2.14:
	 * :226-230).
	 * The driver always sends a sha256 fingerprint, so a persistence-agent
	 * row (empty Fingerprint) can never match; the test says so explicitly.
	 */
	db->q_lookup = xstrfmt("SELECT `UUID`, `RunUUID`, `MLMDExecutionID`, `CreatedTimestamp` "
			       "FROM `%s`.`tasks` WHERE `Fingerprint` = ? AND `PipelineName` = ? "
			       "AND `Namespace` = ? AND `Fingerprint` <> '' "
			       "ORDER BY `CreatedTimestamp` DESC, `UUID` DESC LIMIT 1", db->pipeline_db);
	db->q_lookup_at = xstrfmt("SELECT `UUID`, `RunUUID`, `MLMDExecutionID`, `CreatedTimestamp` "
				  "FROM `%s`.`tasks` WHERE `Fingerprint` = ? AND `PipelineName` = ? "
				  "AND `Namespace` = ? AND `Fingerprint` <> '' AND `FinishedTimestamp` <= ? "
				  "ORDER BY `CreatedTimestamp` DESC, `UUID` DESC LIMIT 1", db->pipeline_db);
	/*
	 * A run's executions: its system.PipelineRun context (metadata/client.go:
	 * 410-468), container and DAG executions (client.go:96-97); each carries
	 * task_name, and parent_dag_id (its DAG's execution) and, for a loop
	 * iteration's DAG, iteration_index as int values (CreateExecution,
	 * client.go:638-700 in 2.17, :549-600 in 2.14; driver/container.go:
	 * 128-133, driver/dag.go:104-109).
	 */
	db->q_run = xstrfmt("SELECT e.`id`, e.`last_known_state`, e.`create_time_since_epoch`, "
			    "tn.`string_value`, fp.`string_value`, ce.`string_value`, et.`name`, "
			    "pd.`int_value`, ii.`int_value` "
			    "FROM `%s`.`Context` c "
			    "JOIN `%s`.`Type` ct ON ct.`id` = c.`type_id` AND ct.`name` = 'system.PipelineRun' "
			    "JOIN `%s`.`Association` a ON a.`context_id` = c.`id` "
			    "JOIN `%s`.`Execution` e ON e.`id` = a.`execution_id` "
			    "JOIN `%s`.`Type` et ON et.`id` = e.`type_id` "
			    "AND et.`name` IN ('system.ContainerExecution', 'system.DAGExecution') "
			    "LEFT JOIN `%s`.`ExecutionProperty` tn ON tn.`execution_id` = e.`id` "
			    "AND tn.`name` = 'task_name' AND tn.`is_custom_property` = 1 "
			    "LEFT JOIN `%s`.`ExecutionProperty` fp ON fp.`execution_id` = e.`id` "
			    "AND fp.`name` = 'cache_fingerprint' AND fp.`is_custom_property` = 1 "
			    "LEFT JOIN `%s`.`ExecutionProperty` ce ON ce.`execution_id` = e.`id` "
			    "AND ce.`name` = 'cached_execution_id' AND ce.`is_custom_property` = 1 "
			    "LEFT JOIN `%s`.`ExecutionProperty` pd ON pd.`execution_id` = e.`id` "
			    "AND pd.`name` = 'parent_dag_id' AND pd.`is_custom_property` = 1 "
			    "LEFT JOIN `%s`.`ExecutionProperty` ii ON ii.`execution_id` = e.`id` "
			    "AND ii.`name` = 'iteration_index' AND ii.`is_custom_property` = 1 "
			    "WHERE c.`name` = ? ORDER BY e.`id`", db->mlmd_db, db->mlmd_db, db->mlmd_db,
			    db->mlmd_db, db->mlmd_db, db->mlmd_db, db->mlmd_db, db->mlmd_db, db->mlmd_db,
			    db->mlmd_db);
	/*
	 * verify without --spec: the run's stored manifest (model/run.go:207-236
	 * embeds model/pipeline_spec.go: PipelineSpecManifest, PipelineVersionId,
	 * WorkflowSpecManifest for v1 runs), else its version's spec.
	 */
	db->q_run_spec = xstrfmt("SELECT `PipelineSpecManifest`, `PipelineVersionId`, "
				 "COALESCE(`WorkflowSpecManifest`, '') <> '', `RuntimeParameters` "
				 "FROM `%s`.`run_details` WHERE `UUID` = ?", db->pipeline_db);
	db->q_version_spec = xstrfmt("SELECT `PipelineSpec` FROM `%s`.`pipeline_versions` "
				     "WHERE `UUID` = ?", db->pipeline_db);
	/*
	 * An importer's candidates: GetArtifactsByURI (MLMD's
	 * select_artifacts_by_uri, metadata_source_query_config.cc:244-245, `=`
	 * under the table's collation; the exact URI is compared after, as
	 * matchedArtifactOrNot does in Go), same type (type_kind 1: an artifact
	 * type), state LIVE (2, metadata_store.proto:69-75), attributed to the
	 * pipeline's system.Pipeline context (GetContextsByArtifact through
	 * Attribution; the context is named by the pipeline, client.go:405-420).
	 */
	db->q_artifacts = xstrfmt("SELECT a.`id`, a.`uri` FROM `%s`.`Artifact` a "
				  "JOIN `%s`.`Type` t ON t.`id` = a.`type_id` AND t.`type_kind` = 1 "
				  "AND t.`name` = ? "
				  "WHERE a.`uri` = ? AND a.`state` = 2 AND EXISTS (SELECT 1 "
				  "FROM `%s`.`Attribution` at JOIN `%s`.`Context` c ON c.`id` = at.`context_id` "
				  "JOIN `%s`.`Type` ct ON ct.`id` = c.`type_id` AND ct.`name` = 'system.Pipeline' "
				  "WHERE at.`artifact_id` = a.`id` AND c.`name` = ?) ORDER BY a.`id`",
				  db->mlmd_db, db->mlmd_db, db->mlmd_db, db->mlmd_db, db->mlmd_db);
	db->q_artprops = xstrfmt("SELECT `name`, `string_value`, `double_value`, `int_value` "
				 "FROM `%s`.`ArtifactProperty` WHERE `artifact_id` = ? "
				 "AND `is_custom_property` = 1", db->mlmd_db);
	db->q_run_ns = xstrfmt("SELECT p.`string_value` FROM `%s`.`Context` c "
			       "JOIN `%s`.`Type` ct ON ct.`id` = c.`type_id` AND ct.`name` = 'system.PipelineRun' "
			       "JOIN `%s`.`ContextProperty` p ON p.`context_id` = c.`id` "
			       "AND p.`name` = 'namespace' AND p.`is_custom_property` = 1 "
			       "WHERE c.`name` = ?", db->mlmd_db, db->mlmd_db, db->mlmd_db);
	db->q_count = xstrfmt("SELECT COUNT(*) FROM `%s`.`tasks` WHERE `PipelineName` = ? "
			      "AND `Namespace` = ? AND `Fingerprint` <> ''", db->pipeline_db);
	/* metadata/client.go:564-575: output parameters, custom property `outputs`. */
	db->q_params = xstrfmt("SELECT `string_value` FROM `%s`.`ExecutionProperty` "
			       "WHERE `execution_id` = ? AND `name` = 'outputs' "
			       "AND `is_custom_property` = 1", db->mlmd_db);
	/*
	 * metadata/client.go:1113-1145: OUTPUT events (type 4,
	 * metadata_store.proto:261), the name the first path step's key
	 * (client.go:539-554).
	 */
	db->q_events = xstrfmt("SELECT e.`artifact_id`, p.`step_key` FROM `%s`.`Event` e "
			       "JOIN `%s`.`EventPath` p ON p.`event_id` = e.`id` "
			       "WHERE e.`execution_id` = ? AND e.`type` = 4 AND p.`is_index_step` = 0 "
			       "ORDER BY p.`step_key`, e.`id`", db->mlmd_db, db->mlmd_db);
	ret = 0;
done:
	cachedb_url_release(&u);
	if (ret < 0) {
		cachedb_free(db);
		return -1;
	}
	*out = db;
	return 0;
}

void cachedb_free(struct cachedb *db)
{
	if (!db)
		return;
	if (db->m)
		mysql_close(db->m);
	free(db->where);
	free(db->pipeline_db);
	free(db->mlmd_db);
	free(db->q_lookup);
	free(db->q_lookup_at);
	free(db->q_run);
	free(db->q_count);
	free(db->q_params);
	free(db->q_events);
	free(db->q_run_spec);
	free(db->q_version_spec);
	free(db->q_artifacts);
	free(db->q_artprops);
	free(db->q_run_ns);
	free(db);
}

/* ---- queries ---- */

static int row_entry(void *ctx, char **cols, const size_t *lens)
{
	struct cachedb_entry *e = ctx;
	char *end;

	(void)lens;
	snprintf(e->uuid, sizeof(e->uuid), "%s", cols[0] ? cols[0] : "");
	snprintf(e->run, sizeof(e->run), "%s", cols[1] ? cols[1] : "");
	e->execution_id = cols[2] ? strtoll(cols[2], &end, 10) : 0;
	if (!cols[2] || *end || e->execution_id <= 0)
		return err_set("tasks row '%s': MLMDExecutionID '%s' is not an execution id",
			       term_text(e->uuid), cols[2] ? term_text(cols[2]) : "NULL");
	e->created = cols[3] ? strtoll(cols[3], &end, 10) : 0;
	e->uuid[sizeof(e->uuid) - 1] = '\0';
	return 1;
}

static int row_entry_once(void *ctx, char **cols, const size_t *lens)
{
	return row_entry(ctx, cols, lens) < 0 ? -1 : 0;
}

/* The driver's query; at >= 0: only rows written by then (cachedb_lookup_at). */
static int lookup(struct cachedb *db, bool *found, struct cachedb_entry *out,
		  const char *pipeline, const char *ns, const char *fingerprint, long long at)
{
	char *pname = xstrfmt("pipeline/%s", pipeline);
	char attext[32];
	const char *params[4] = { fingerprint, pname, ns, attext };
	int ret;

	memset(out, 0, sizeof(*out));
	*found = false;
	if (!*fingerprint) {
		free(pname);
		return 0;
	}
	snprintf(attext, sizeof(attext), "%lld", at);
	ret = db_select(db, "cache lookup", at < 0 ? db->q_lookup : db->q_lookup_at, params,
			at < 0 ? 3 : 4, 4, row_entry_once, out);
	free(pname);
	if (ret == 0)
		*found = out->uuid[0] != '\0';
	return ret;
}

int cachedb_lookup(struct cachedb *db, bool *found, struct cachedb_entry *out,
		   const char *pipeline, const char *ns, const char *fingerprint)
{
	return lookup(db, found, out, pipeline, ns, fingerprint, -1);
}

int cachedb_lookup_at(struct cachedb *db, bool *found, struct cachedb_entry *out,
		      const char *pipeline, const char *ns, const char *fingerprint, long long at)
{
	return lookup(db, found, out, pipeline, ns, fingerprint, at < 0 ? 0 : at);
}

/* A malloc'd array of n items copied into arena a; v is freed. */
static void *into_arena(struct arena *a, void *v, size_t n, size_t size)
{
	void *copy = arena_array(a, n, size);

	if (n)
		memcpy(copy, v, n * size);
	free(v);
	return copy;
}

struct run_ctx {
	struct arena *a;
	struct cachedb_execution *v;
	size_t n, alloc;
};

static int row_execution(void *ctx, char **cols, const size_t *lens)
{
	struct run_ctx *c = ctx;
	struct cachedb_execution *e;
	char *end;

	(void)lens;
	KC_GROW(c->v, c->alloc, c->n + 1);
	e = &c->v[c->n++];
	e->id = cols[0] ? strtoll(cols[0], &end, 10) : 0;
	e->state = cols[1] ? (int)strtol(cols[1], &end, 10) : 0;
	e->created_ms = cols[2] ? strtoll(cols[2], &end, 10) : 0;
	e->task_name = arena_strdup(c->a, cols[3] ? cols[3] : "");
	e->fingerprint = arena_strdup(c->a, cols[4] ? cols[4] : "");
	e->cached_id = arena_strdup(c->a, cols[5] ? cols[5] : "");
	e->dag = cols[6] && !strcmp(cols[6], "system.DAGExecution");
	e->parent = cols[7] ? strtoll(cols[7], &end, 10) : 0;
	e->iteration = cols[8] ? strtoll(cols[8], &end, 10) : -1;
	return 0;
}

int cachedb_run_executions(struct cachedb *db, struct arena *a, const char *run_id,
			   struct cachedb_execution **out, size_t *n)
{
	struct run_ctx c = { a, NULL, 0, 0 };
	const char *params[1] = { run_id };

	if (db_select(db, "run executions", db->q_run, params, 1, 9, row_execution, &c) < 0) {
		free(c.v);
		return -1;
	}
	*n = c.n;
	*out = into_arena(a, c.v, c.n, sizeof(**out));
	return 0;
}

int cachedb_count(struct cachedb *db, long long *out, const char *pipeline, const char *ns)
{
	char *pname = xstrfmt("pipeline/%s", pipeline);
	const char *params[2] = { pname, ns };
	int ret = db_select(db, "cache entries", db->q_count, params, 2, 1, row_ll, out);

	free(pname);
	return ret;
}

struct run_spec_ctx {
	bool found, v1;
	char *manifest, *version, *params;
	size_t len;
};

static int row_run_spec(void *ctx, char **cols, const size_t *lens)
{
	struct run_spec_ctx *c = ctx;

	c->found = true;
	if (cols[0]) {
		c->manifest = xstrndup(cols[0], lens[0]);
		c->len = lens[0];
	}
	if (cols[1] && *cols[1])
		c->version = xstrdup(cols[1]);
	c->v1 = cols[2] && !strcmp(cols[2], "1");
	if (cols[3] && *cols[3])
		c->params = xstrdup(cols[3]);
	return 0;
}

static int row_version_spec(void *ctx, char **cols, const size_t *lens)
{
	struct run_spec_ctx *c = ctx;

	c->found = true;
	if (cols[0]) {
		c->manifest = xstrndup(cols[0], lens[0]);
		c->len = lens[0];
	}
	return 0;
}

int cachedb_run_spec(struct cachedb *db, const char *run_id, char **out, size_t *len,
		     const char **source, char **params)
{
	struct run_spec_ctx c;
	const char *p[1] = { run_id };
	int ret = -1;

	memset(&c, 0, sizeof(c));
	*out = NULL;
	*len = 0;
	*params = NULL;
	*source = "run_details";
	if (db_select(db, "KFP run_details table", db->q_run_spec, p, 1, 4, row_run_spec, &c) < 0)
		goto done;
	if (!c.found) {
		err_set("%s: run '%s' not found in %s.run_details", db->where, term_text(run_id),
			db->pipeline_db);
		goto done;
	}
	if ((!c.manifest || !*c.manifest) && c.version) {
		const char *v[1] = { c.version };
		free(c.manifest);
		c.manifest = NULL;
		c.len = 0;
		c.found = false;
		*source = "pipeline_versions";
		if (db_select(db, "KFP pipeline_versions table", db->q_version_spec, v, 1, 1,
			      row_version_spec, &c) < 0)
			goto done;
		if (!c.found) {
			err_set("%s: run '%s': its pipeline version '%s' is not in %s.pipeline_versions",
				db->where, term_text(run_id), term_text(c.version), db->pipeline_db);
			goto done;
		}
	}
	if (!c.manifest || !*c.manifest) {
		if (c.v1)
			err_set("%s: run '%s' is a KFP v1 run (an Argo workflow, no pipeline spec); "
				"give the spec with --spec", db->where, term_text(run_id));
		else
			err_set("%s: run '%s' has an empty pipeline spec manifest in %s.%s; give the "
				"spec with --spec", db->where, term_text(run_id), db->pipeline_db,
				*source);
		goto done;
	}
	*out = c.manifest;
	*len = c.len;
	*params = c.params;
	c.manifest = NULL;
	c.params = NULL;
	ret = 0;
done:
	free(c.manifest);
	free(c.version);
	free(c.params);
	return ret;
}

struct artifacts_ctx {
	const char *uri;
	long long *ids;
	size_t n, alloc;
};

static int row_candidate(void *ctx, char **cols, const size_t *lens)
{
	struct artifacts_ctx *c = ctx;
	char *end;

	/* Go's == on the URI: byte for byte, whatever the collation said. */
	if (!cols[0] || !cols[1] || lens[1] != strlen(c->uri) || memcmp(cols[1], c->uri, lens[1]))
		return 0;
	KC_GROW(c->ids, c->alloc, c->n + 1);
	c->ids[c->n++] = strtoll(cols[0], &end, 10);
	return 0;
}

struct props_ctx {
	const struct cachedb_prop *props;
	size_t nprops;
	bool *seen;                  /* per prop: present with an equal value */
};

/* proto.Equal of two MLMD Values: the same kind, the same value (client.go:1331-1336). */
static int row_prop(void *ctx, char **cols, const size_t *lens)
{
	struct props_ctx *c = ctx;
	size_t i;

	(void)lens;
	for (i = 0; cols[0] && i < c->nprops; i++) {
		const struct cachedb_prop *p = &c->props[i];
		const char *v = p->kind == 's' ? cols[1] : p->kind == 'd' ? cols[2] : cols[3];
		bool other = p->kind == 's' ? cols[2] || cols[3] : p->kind == 'd' ? cols[1] || cols[3]
										: cols[1] || cols[2];
		if (strcmp(cols[0], p->name) || !v || other)
			continue;
		if (p->kind == 'd' ? strtod(v, NULL) == strtod(p->text, NULL) : !strcmp(v, p->text))
			c->seen[i] = true;
	}
	return 0;
}

int cachedb_find_artifact(struct cachedb *db, bool *found, long long *id, const char *pipeline,
			  const char *uri, const char *type, const struct cachedb_prop *props,
			  size_t nprops)
{
	struct artifacts_ctx c = { uri, NULL, 0, 0 };
	const char *p[3] = { type, uri, pipeline };
	size_t i, k;
	int ret = -1;

	*found = false;
	*id = 0;
	if (db_select(db, "MLMD artifacts by URI", db->q_artifacts, p, 3, 2, row_candidate, &c) < 0)
		goto done;
	for (i = 0; i < c.n && !*found; i++) {
		char idtext[32];
		const char *ip[1] = { idtext };
		struct props_ctx pc = { props, nprops, xcalloc(nprops ? nprops : 1, 1) };
		snprintf(idtext, sizeof(idtext), "%lld", c.ids[i]);
		if (db_select(db, "MLMD artifact properties", db->q_artprops, ip, 1, 4, row_prop,
			      &pc) < 0) {
			free(pc.seen);
			goto done;
		}
		for (k = 0; k < nprops && pc.seen[k]; k++)
			;
		free(pc.seen);
		if (k == nprops) {
			*found = true;
			*id = c.ids[i];
		}
	}
	ret = 0;
done:
	free(c.ids);
	return ret;
}

struct ns_ctx {
	struct arena *a;
	const char *ns;
};

static int row_ns(void *ctx, char **cols, const size_t *lens)
{
	struct ns_ctx *c = ctx;

	(void)lens;
	c->ns = arena_strdup(c->a, cols[0] ? cols[0] : "");
	return 0;
}

int cachedb_run_namespace(struct cachedb *db, struct arena *a, const char *run_id,
			  const char **out)
{
	struct ns_ctx c = { a, "" };
	const char *p[1] = { run_id };

	*out = "";
	if (db_select(db, "MLMD run context", db->q_run_ns, p, 1, 1, row_ns, &c) < 0)
		return -1;
	*out = c.ns;
	return 0;
}

struct outputs_ctx {
	struct arena *a;
	long long id;
	struct node *params;
	struct cachedb_artifact *arts;
	size_t n, alloc;
};

static int row_params(void *ctx, char **cols, const size_t *lens)
{
	struct outputs_ctx *c = ctx;

	if (!cols[0])
		return err_set("execution %lld: custom property 'outputs' has no string value", c->id);
	if (cachedb_struct_decode(&c->params, c->a, cols[0], lens[0]) < 0)
		return err_set("execution %lld: custom property 'outputs': %s", c->id, err_msg());
	return 0;
}

static int row_artifact(void *ctx, char **cols, const size_t *lens)
{
	struct outputs_ctx *c = ctx;

	(void)lens;
	if (!cols[0] || !cols[1])
		return 0;
	/* One event per output name: the first (rows come sorted by name, then event id). */
	if (c->n && !strcmp(c->arts[c->n - 1].name, cols[1]))
		return 0;
	KC_GROW(c->arts, c->alloc, c->n + 1);
	c->arts[c->n].name = arena_strdup(c->a, cols[1]);
	c->arts[c->n++].id = arena_strdup(c->a, cols[0]);
	return 0;
}

int cachedb_outputs(struct cachedb *db, struct arena *a, long long id, struct node **params,
		    struct cachedb_artifact **arts, size_t *narts)
{
	struct outputs_ctx c;
	char idtext[32];
	const char *p[1] = { idtext };

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.id = id;
	snprintf(idtext, sizeof(idtext), "%lld", id);
	if (db_select(db, "cached outputs", db->q_params, p, 1, 1, row_params, &c) < 0 ||
	    db_select(db, "cached artifacts", db->q_events, p, 1, 2, row_artifact, &c) < 0) {
		free(c.arts);
		return -1;
	}
	*params = c.params;
	*narts = c.n;
	*arts = into_arena(a, c.arts, c.n, sizeof(**arts));
	return 0;
}

/* ---- MLMD struct values: base64 of a serialized google.protobuf.Struct ---- */

/* Deeper than any output KFP writes; bounds the conversion's recursion. */
#define STRUCT_MAX_DEPTH 64

static int struct_node(struct node **out, struct arena *a, const Google__Protobuf__Struct *st,
		       unsigned depth);

/* google.protobuf.Value, its kind (struct.proto), as a node. */
static int value_node(struct node **out, struct arena *a, const Google__Protobuf__Value *v,
		      unsigned depth)
{
	size_t i;

	if (depth > STRUCT_MAX_DEPTH)
		return err_set("struct nested too deeply");
	switch (v->kind_case) {
	case GOOGLE__PROTOBUF__VALUE__KIND_NULL_VALUE:
		*out = node_new(a, NODE_NULL);
		return 0;
	case GOOGLE__PROTOBUF__VALUE__KIND_NUMBER_VALUE:
		*out = node_new_num(a, v->number_value);
		return 0;
	case GOOGLE__PROTOBUF__VALUE__KIND_STRING_VALUE:
		*out = node_new_str(a, v->string_value, strlen(v->string_value));
		return 0;
	case GOOGLE__PROTOBUF__VALUE__KIND_BOOL_VALUE:
		*out = node_new_bool(a, v->bool_value);
		return 0;
	case GOOGLE__PROTOBUF__VALUE__KIND_STRUCT_VALUE:
		return struct_node(out, a, v->struct_value, depth + 1);
	case GOOGLE__PROTOBUF__VALUE__KIND_LIST_VALUE:
		*out = node_new(a, NODE_LIST);
		for (i = 0; i < v->list_value->n_values; i++) {
			struct node *child;
			if (value_node(&child, a, v->list_value->values[i], depth + 1) < 0)
				return -1;
			node_append(a, *out, NULL, 0, child);
		}
		return 0;
	default:
		return err_set("a value without a kind");
	}
}

/* map<string, Value> fields: a repeated key keeps its last value, as protobuf maps do. */
static int struct_node(struct node **out, struct arena *a, const Google__Protobuf__Struct *st,
		       unsigned depth)
{
	struct node *m = node_new(a, NODE_MAP);
	size_t f, i;

	if (depth > STRUCT_MAX_DEPTH)
		return err_set("struct nested too deeply");
	for (f = 0; f < st->n_fields; f++) {
		const Google__Protobuf__Struct__FieldsEntry *e = st->fields[f];
		size_t klen = strlen(e->key);
		struct node *child;
		if (!e->value)
			return err_set("field '%s' without a value", e->key);
		if (value_node(&child, a, e->value, depth + 1) < 0)
			return -1;
		for (i = 0; i < m->n; i++)
			if (m->key_lens[i] == klen && !memcmp(m->keys[i], e->key, klen))
				break;
		if (i < m->n)
			m->items[i] = child;
		else
			node_append(a, m, e->key, klen, child);
	}
	*out = m;
	return 0;
}

int cachedb_struct_decode(struct node **out, struct arena *a, const char *s, size_t len)
{
	static const char prefix[] = "mlmd-struct::";
	unsigned char *bytes = NULL;
	size_t n = 0;
	Google__Protobuf__Struct *st;
	int ret;

	if (len < sizeof(prefix) - 1 || memcmp(s, prefix, sizeof(prefix) - 1))
		return err_set("not an MLMD struct value (no mlmd-struct:: prefix)");
	if (crypto_base64_decode(&bytes, &n, s + sizeof(prefix) - 1, len - (sizeof(prefix) - 1)) < 0)
		return -1;
	st = google__protobuf__struct__unpack(NULL, n, bytes);
	free(bytes);
	if (!st)
		return err_set("not a serialized google.protobuf.Struct");
	ret = struct_node(out, a, st, 0);
	google__protobuf__struct__free_unpacked(st, NULL);
	return ret;
}

/* ---- a whole scope, read in pages ---- */

struct scope_page {
	int (*fn)(void *ctx, const struct cachedb_entry *e, const char *fingerprint);
	void *ctx;
	size_t rows;                 /* in this page */
	char *last_uuid;             /* the keyset: the page's last row */
	char last_created[32];
};

static int row_scope(void *ctx, char **cols, const size_t *lens)
{
	struct scope_page *p = ctx;
	struct cachedb_entry e;
	char *end;

	(void)lens;
	memset(&e, 0, sizeof(e));
	snprintf(e.uuid, sizeof(e.uuid), "%s", cols[0] ? cols[0] : "");
	snprintf(e.run, sizeof(e.run), "%s", cols[1] ? cols[1] : "");
	/* Checked when a lookup returns it, as the driver's query would (0: not an id). */
	e.execution_id = cols[2] ? strtoll(cols[2], &end, 10) : 0;
	if (!cols[2] || *end || e.execution_id < 0)
		e.execution_id = 0;
	e.created = cols[3] ? strtoll(cols[3], &end, 10) : 0;
	free(p->last_uuid);
	p->last_uuid = xstrdup(cols[0] ? cols[0] : "");
	snprintf(p->last_created, sizeof(p->last_created), "%lld", e.created);
	p->rows++;
	return p->fn(p->ctx, &e, cols[4] ? cols[4] : "");
}

int cachedb_scope_read(struct cachedb *db, const char *pipeline, const char *ns, size_t page_size,
		       int (*fn)(void *ctx, const struct cachedb_entry *e, const char *fingerprint),
		       void (*progress)(void *ctx, long long rows), void *ctx)
{
	/*
	 * The driver's order (cacheutils/cache.go:105-137, apiserver/list/
	 * list.go:315-328), so the first row of a fingerprint is the one its
	 * lookup returns.  Keyset pagination on (CreatedTimestamp, UUID): each
	 * page starts after the last row of the one before, inside the one
	 * read-only transaction (one snapshot: no row moves between pages).
	 * UUID compares under the column's collation, as ORDER BY sorts it;
	 * KFP's UUIDs are lowercase (uuid.NewRandom), so no two compare equal.
	 */
#define SCOPE_SQL(keyset) "SELECT `UUID`, `RunUUID`, `MLMDExecutionID`, `CreatedTimestamp`, " \
	"`Fingerprint` FROM `%s`.`tasks` WHERE `PipelineName` = ? AND `Namespace` = ? " \
	"AND `Fingerprint` <> ''" keyset " ORDER BY `CreatedTimestamp` DESC, `UUID` DESC LIMIT ?"
	char *first = xstrfmt(SCOPE_SQL(""), db->pipeline_db);
	char *next = xstrfmt(SCOPE_SQL(" AND (`CreatedTimestamp` < ? OR (`CreatedTimestamp` = ? "
				       "AND `UUID` < ?))"), db->pipeline_db);
#undef SCOPE_SQL
	char *pname = xstrfmt("pipeline/%s", pipeline);
	char limit[32];
	struct scope_page p;
	long long total = 0;
	size_t page;
	int ret = -1;

	memset(&p, 0, sizeof(p));
	p.fn = fn;
	p.ctx = ctx;
	snprintf(limit, sizeof(limit), "%zu", page_size ? page_size : 1);
	for (page = 1;; page++) {
		const char *params[6] = { pname, ns, p.last_created, p.last_created, p.last_uuid, limit };
		char *what = xstrfmt("reading the cache entries of %s in namespace %s, page %zu",
				     term_text(pname), term_text(ns), page);
		int r;
		p.rows = 0;
		if (page == 1) {
			params[2] = limit;
			r = db_select(db, what, first, params, 3, 5, row_scope, &p);
		} else {
			r = db_select(db, what, next, params, 6, 5, row_scope, &p);
		}
		free(what);
		if (r < 0)
			goto done;
		total += (long long)p.rows;
		if (progress)
			progress(ctx, total);
		if (p.rows < (page_size ? page_size : 1))
			break;
	}
	ret = 0;
done:
	free(p.last_uuid);
	free(pname);
	free(first);
	free(next);
	return ret;
}
