/*
 * fuzz_cachedb_url.c - the --cache-db URL parser on arbitrary bytes (no
 * server is contacted), and the checks that hold for every URL it accepts:
 * host and databases set, a port in range, and neither the password nor
 * any error message carrying it.  Inputs starting "mlmd-struct::" go to the
 * MLMD struct decoder instead (base64 + protobuf Struct from the database).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "load/cachedb.h"
#include "base/banned.h"

static void check_url(const char *text)
{
	struct cachedb_url u;
	char *where, *bad;

	if (cachedb_url_parse(&u, text) < 0) {
		if (!*err_msg())
			die("fuzz_cachedb_url: a failure without a message");
		cachedb_url_release(&u);
		return;
	}
	if (!u.user || !*u.user || !u.host || !*u.host || !u.pipeline_db || !u.mlmd_db ||
	    u.port > 65535)
		die("fuzz_cachedb_url: accepted URL without user, host or databases");
	where = cachedb_url_where(&u);
	free(where);
	/*
	 * The same URL made invalid by an unknown option: the error must not
	 * carry the password (a password shorter than 4 bytes may occur by
	 * chance in any text, so only longer ones are checked).
	 */
	bad = xstrfmt("%s%sno-such-option=1", text, strchr(text, '?') ? "&" : "?");
	if (u.password && strlen(u.password) >= 4) {
		struct cachedb_url v;
		if (cachedb_url_parse(&v, bad) == 0)
			die("fuzz_cachedb_url: an unknown option was accepted");
		if (strstr(err_msg(), u.password) && !strstr(u.user, u.password) &&
		    !strstr(u.host, u.password) && !strstr("no-such-option", u.password))
			die("fuzz_cachedb_url: the password reached an error message");
		cachedb_url_release(&v);
	}
	free(bad);
	cachedb_url_release(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	if (size >= 13 && !memcmp(text, "mlmd-struct::", 13)) {
		struct arena a;
		struct node *n = NULL;
		arena_init(&a);
		(void)cachedb_struct_decode(&n, &a, text, size);
		arena_release(&a);
	} else if (!memchr(data, '\0', size)) {
		check_url(text);
	}
	free(text);
	err_clear();
	return 0;
}
