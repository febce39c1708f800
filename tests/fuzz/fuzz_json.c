/*
 * fuzz_json.c - json_parse on arbitrary bytes, with the default limits and
 * with tight ones, then the tree through canon_json and node_equal.  The
 * position scan runs beside cJSON, so invalid and odd-but-valid JSON
 * (escapes, BOM, deep nesting) must never put it out of step.
 */
#include "fuzz.h"
#include "model/key.h"
#include "load/spec.h"
#include "base/banned.h"

static void parse(const uint8_t *data, size_t size, const struct parse_limits *lim)
{
	struct arena a;
	struct node *n;
	struct strbuf sb = STRBUF_INIT;

	arena_init(&a);
	if (json_parse(&a, (const char *)data, size, "fuzz.json", lim, &n) == 0) {
		canon_json(&sb, n);
		/* Walks the tree; false only for NaN, which equals nothing. */
		(void)node_equal(n, n);
	}
	sb_release(&sb);
	arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct parse_limits tight = { 4096, 12, 500, 64 };

	parse(data, size, NULL);
	parse(data, size, &tight);
	return 0;
}
