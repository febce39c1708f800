/*
 * fuzz_spec.c - spec_load_buf on arbitrary bytes: format detection, YAML
 * multi-document selection, PipelineJob unwrapping (runtimeConfig in both
 * forms) and the shape checks.  A failure must leave *out NULL and an
 * error recorded.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "load/spec.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec *s = NULL;

	err_clear();
	if (spec_load_buf(&s, (const char *)data, size, "fuzz", NULL) < 0) {
		/* The contract: no result, and one recorded message. */
		if (s || !strcmp(err_msg(), "unknown error"))
			abort();
		return 0;
	}
	if (!s->pipeline || !node_is_map(s->pipeline))
		abort();
	spec_free(s);
	return 0;
}
