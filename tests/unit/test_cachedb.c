/*
 * test_cachedb.c - the parts of load/cachedb.c that need no server: the
 * --cache-db URL parser (every form, every refusal, no password in any
 * message) and the MLMD struct decoder (struct_utils.cc's encoding of a
 * google.protobuf.Struct).  tests/sh/test_cachedb.sh runs the rest against
 * a real MariaDB server.
 */
#include "load/cachedb.h"

#include "t.h"

static void test_url_forms(void)
{
	struct cachedb_url u;
	char *w;

	CHECK_INT(cachedb_url_parse(&u, "mysql://reader@db.example/"), 0);
	CHECK_STR(u.user, "reader");
	CHECK(u.password == NULL);
	CHECK_STR(u.host, "db.example");
	CHECK_INT(u.port, 0);
	CHECK_STR(u.pipeline_db, "mlpipeline");
	CHECK_STR(u.mlmd_db, "metadb");
	w = cachedb_url_where(&u);
	CHECK_STR(w, "db.example:3306");
	free(w);
	cachedb_url_release(&u);

	CHECK_INT(cachedb_url_parse(&u, "mysql://r%40x:p%3Aw@[::1]:3307/?pipeline_db=kfp&mlmd_db=mlmd"
					"&ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ca%20x.pem"), 0);
	CHECK_STR(u.user, "r@x");
	CHECK_STR(u.password, "p:w");
	CHECK_STR(u.host, "::1");
	CHECK_INT(u.port, 3307);
	CHECK_STR(u.pipeline_db, "kfp");
	CHECK_STR(u.mlmd_db, "mlmd");
	CHECK_INT(u.ssl_mode, CACHEDB_SSL_VERIFY_IDENTITY);
	CHECK_STR(u.ssl_ca, "/etc/ca x.pem");
	w = cachedb_url_where(&u);
	CHECK_STR(w, "[::1]:3307");
	free(w);
	cachedb_url_release(&u);

	CHECK_INT(cachedb_url_parse(&u, "mysql://u@localhost/?socket=/run/mysqld/mysqld.sock"), 0);
	w = cachedb_url_where(&u);
	CHECK_STR(w, "localhost (socket /run/mysqld/mysqld.sock)");
	free(w);
	cachedb_url_release(&u);
}

static void test_url_refusals(void)
{
	static const struct {
		const char *url, *msg;
	} bad[] = {
		{ "postgres://u@h/", "cache-db URL: must start with mysql:// (mysql://USER@HOST[:PORT]/)" },
		{ "mysql://u@h", "cache-db URL: no '/' after the host (mysql://USER@HOST[:PORT]/)" },
		{ "mysql://h/", "cache-db URL: no user (mysql://USER@HOST[:PORT]/)" },
		{ "mysql://u@/", "cache-db URL: empty host" },
		{ "mysql://u@h:0/", "cache-db URL: the port is not a number in 1..65535" },
		{ "mysql://u@h:65536/", "cache-db URL: the port is not a number in 1..65535" },
		{ "mysql://u@h:/", "cache-db URL: empty port" },
		{ "mysql://u@h/mlpipeline", "cache-db URL: a database in the path is not supported; use ?pipeline_db=NAME&mlmd_db=NAME" },
		{ "mysql://u@h/?socket=/s", "cache-db URL: ?socket= needs the host 'localhost'" },
		{ "mysql://u@h/?pipeline_db=x;drop", "cache-db URL: pipeline_db 'x;drop' is not a database name ([A-Za-z0-9_$], at most 64 characters)" },
		{ "mysql://u@h/?mlmd_db=", "cache-db URL: option 'mlmd_db' is empty" },
		{ "mysql://u@h/?socket=a&socket=b", "cache-db URL: option 'socket' given twice" },
		{ "mysql://u@h/?password=hunter2", "cache-db URL: unknown option 'password'" },
		{ "mysql://u@h/?ssl-mode=maybe", "cache-db URL: ssl-mode 'maybe' is not one of disabled, preferred, required, verify_ca, verify_identity" },
		{ "mysql://u@h/?x=%4", "cache-db URL: bad %-escape in the option value" },
		{ "mysql://u:%00@h/", "cache-db URL: %00 in the password" },
		{ "mysql://u:hunter2@h:x/", "cache-db URL: the port is not a number in 1..65535" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cachedb_url u;
		CHECK_INT(cachedb_url_parse(&u, bad[i].url), -1);
		CHECK_STR(err_msg(), bad[i].msg);
		CHECK(!strstr(err_msg(), "hunter2"));
		cachedb_url_release(&u);
	}
}

/* tests/sh/cachedb_seed.sh seed_struct '{"rows": 1000, "name": "abc", "ok": true, "l": [1.5, "x"], "n": null, "s": {"a": "b"}}' */
static const char encoded[] =
	"mlmd-struct::ChEKBHJvd3MSCREAAAAAAECPQAoNCgRuYW1lEgUaA2FiYwoICgJvaxICIAEKFwoBbBISMhAKCREA"
	"AAAAAAD4PwoDGgF4CgcKAW4SAggAChEKAXMSDCoKCggKAWESAxoBYg==";

static void test_struct_decode(void)
{
	struct arena a;
	struct node *n = NULL;
	const struct node *l;

	arena_init(&a);
	CHECK_INT(cachedb_struct_decode(&n, &a, encoded, strlen(encoded)), 0);
	CHECK(n && n->type == NODE_MAP && n->n == 6);
	if (n && n->type == NODE_MAP) {
		CHECK(node_get(n, "rows") && node_get(n, "rows")->number == 1000.0);
		CHECK_STR(node_get_str(n, "name"), "abc");
		CHECK(node_get(n, "ok") && node_get(n, "ok")->type == NODE_BOOL && node_get(n, "ok")->boolean);
		l = node_get(n, "l");
		CHECK(l && l->type == NODE_LIST && l->n == 2 && l->items[0]->number == 1.5 &&
		      !strcmp(node_str(l->items[1]), "x"));
		CHECK(node_get(n, "n") && node_get(n, "n")->type == NODE_NULL);
		CHECK_STR(node_get_str(node_get(n, "s"), "a"), "b");
	}
	/* absl::Base64Unescape takes the padding as optional: so does the decoder. */
	CHECK_INT(cachedb_struct_decode(&n, &a, encoded, strlen(encoded) - 2), 0);
	CHECK(n && n->type == NODE_MAP && n->n == 6);
	CHECK_INT(cachedb_struct_decode(&n, &a, "abc", 3), -1);
	CHECK_STR(err_msg(), "not an MLMD struct value (no mlmd-struct:: prefix)");
	CHECK_INT(cachedb_struct_decode(&n, &a, "mlmd-struct::Ch!", 16), -1);
	CHECK_STR(err_msg(), "not base64 at byte 2");
	/* One entry cut short: field 1 says 17 bytes, 3 follow. */
	CHECK_INT(cachedb_struct_decode(&n, &a, "mlmd-struct::ChEKBA==", 21), -1);
	CHECK_STR(err_msg(), "not a serialized google.protobuf.Struct");
	/* An empty struct is a map without entries. */
	CHECK_INT(cachedb_struct_decode(&n, &a, "mlmd-struct::", 13), 0);
	CHECK(n && n->type == NODE_MAP && n->n == 0);
	arena_release(&a);
}

int main(void)
{
	TEST(test_url_forms);
	TEST(test_url_refusals);
	TEST(test_struct_decode);
	return T_DONE();
}
