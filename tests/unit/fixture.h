/*
 * fixture.h - a spec version built in a unit test: a printf format of
 * compiled-spec YAML with one %s (an image), loaded and built into a DAG.
 */
#ifndef KFPCACHE_TEST_FIXTURE_H
#define KFPCACHE_TEST_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "load/spec.h"
#include "model/dag.h"

struct version {
	struct spec *spec;
	struct dag *dag;
};

/* fmt with image in place of its %s, loaded as `name`; -1 with the error printed. */
static int version_load_fmt(struct version *v, const char *fmt, const char *image,
			    const char *name)
{
	struct strbuf text = STRBUF_INIT;
	struct dag_options o;
	const char *at = strstr(fmt, "%s");
	int ret = 0;

	memset(v, 0, sizeof(*v));
	memset(&o, 0, sizeof(o));
	if (!at) {
		fprintf(stderr, "  fixture: %s has no %%s\n", name);
		return -1;
	}
	sb_add(&text, fmt, (size_t)(at - fmt));
	sb_adds(&text, image);
	sb_adds(&text, at + 2);
	if (spec_load_buf(&v->spec, text.buf, text.len, name, NULL) < 0 ||
	    dag_build(&v->dag, v->spec, &o) < 0) {
		fprintf(stderr, "  fixture: %s\n", err_msg());
		ret = -1;
	}
	sb_release(&text);
	return ret;
}

static void version_release(struct version *v)
{
	dag_free(v->dag);
	spec_free(v->spec);
	memset(v, 0, sizeof(*v));
}

#endif
