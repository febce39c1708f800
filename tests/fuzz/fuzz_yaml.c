/*
 * fuzz_yaml.c - yaml_parse on arbitrary bytes, with the default limits and
 * with tight ones (so the depth, node, string and alias-bomb checks are
 * reached), then every document through canon_json and node_equal, which
 * walk the whole tree the loader built.
 */
#include "fuzz.h"
#include "model/key.h"
#include "load/spec.h"
#include "base/banned.h"

static void parse(const uint8_t *data, size_t size, const struct parse_limits *lim)
{
	struct arena a;
	struct node **docs;
	struct strbuf sb = STRBUF_INIT;
	size_t ndocs, i;

	arena_init(&a);
	if (yaml_parse(&a, (const char *)data, size, "fuzz.yaml", lim, &docs, &ndocs) == 0) {
		for (i = 0; i < ndocs; i++) {
			sb_reset(&sb);
			canon_json(&sb, docs[i]);
			/* Walks the tree; false only for NaN, which equals nothing. */
			(void)node_equal(docs[i], docs[i]);
		}
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
