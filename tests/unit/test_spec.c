/*
 * test_spec.c - unit tests for the spec loaders (spec.c, spec_yaml.c,
 * spec_json.c): scalar typing, positions, documents, PipelineJob, limits and
 * the exact error messages.  Runs the real KFP specs of the shared corpus
 * when it is present.
 */
#include "load/spec.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "base/banned.h"

#define CORPUS "/work/shared/kfp-corpus"

#define MINI \
	"pipelineInfo:\n" \
	"  name: p\n" \
	"schemaVersion: 2.1.0\n" \
	"root:\n" \
	"  dag:\n" \
	"    tasks: {}\n" \
	"components: {}\n" \
	"deploymentSpec:\n" \
	"  executors: {}\n"

static struct spec *load(const char *text, const char *name)
{
	struct spec *s = NULL;

	err_clear();
	if (spec_load_buf(&s, text, strlen(text), name, NULL) < 0)
		return NULL;
	return s;
}

/* The error message of loading text, or "(loaded)". */
static const char *load_err(const char *text, const char *name)
{
	struct spec *s = load(text, name);

	if (s) {
		spec_free(s);
		return "(loaded)";
	}
	return err_msg();
}

static struct node *yaml1(struct arena *a, const char *text)
{
	struct node **docs;
	size_t n;

	if (yaml_parse(a, text, strlen(text), "t.yaml", NULL, &docs, &n) < 0 || n != 1)
		return NULL;
	return docs[0];
}

static void test_yaml_scalars(void)
{
	struct arena a;
	const struct node *d, *n;
	static const char text[] =
		"n1: null\nn2: ~\nn3:\nn4: NULL\n"
		"b1: true\nb2: False\nb3: yes\n"
		"i1: 42\ni2: -7\ni3: 0o17\ni4: 0x1F\ni5: +3\n"
		"f1: 1.5\nf2: 1e3\nf3: .5\nf4: -.inf\nf5: .NaN\nf6: 5.\n"
		"s1: '42'\ns2: \"true\"\ns3: 2.1.0\ns4: !!str 12\ns5: ! 12\n"
		"s6: |\n  block\n  text\ns7: 0b101\ns8: 1_000\n"
		"t1: !!int \"12\"\nt2: !!float '2'\nt3: !!bool \"true\"\n"
		"t4: !!null ''\n";

	arena_init(&a);
	d = yaml1(&a, text);
	CHECK(d != NULL);
	if (!d) {
		fprintf(stderr, "  %s\n", err_msg());
		goto done;
	}
	CHECK_INT(node_get(d, "n1")->type, NODE_NULL);
	CHECK_INT(node_get(d, "n2")->type, NODE_NULL);
	CHECK_INT(node_get(d, "n3")->type, NODE_NULL);
	CHECK_INT(node_get(d, "n4")->type, NODE_NULL);
	CHECK(node_get_bool(d, "b1", false) == true);
	CHECK(node_get_bool(d, "b2", true) == false);
	CHECK_STR(node_get_str(d, "b3"), "yes");       /* YAML 1.1 only */
	CHECK(node_get(d, "i1")->number == 42);
	CHECK(node_get(d, "i2")->number == -7);
	CHECK(node_get(d, "i3")->number == 15);
	CHECK(node_get(d, "i4")->number == 31);
	CHECK(node_get(d, "i5")->number == 3);
	CHECK(node_get(d, "f1")->number == 1.5);
	CHECK(node_get(d, "f2")->number == 1000);
	CHECK(node_get(d, "f3")->number == 0.5);
	CHECK(isinf(node_get(d, "f4")->number) && node_get(d, "f4")->number < 0);
	CHECK(isnan(node_get(d, "f5")->number));
	CHECK(node_get(d, "f6")->number == 5);
	CHECK_STR(node_get_str(d, "s1"), "42");
	CHECK_STR(node_get_str(d, "s2"), "true");
	CHECK_STR(node_get_str(d, "s3"), "2.1.0");
	CHECK_STR(node_get_str(d, "s4"), "12");
	CHECK_STR(node_get_str(d, "s5"), "12");
	CHECK_STR(node_get_str(d, "s6"), "block\ntext\n");
	CHECK_STR(node_get_str(d, "s7"), "0b101");
	CHECK_STR(node_get_str(d, "s8"), "1_000");
	n = node_get(d, "t1");
	CHECK(n->type == NODE_NUMBER && n->number == 12);
	n = node_get(d, "t2");
	CHECK(n->type == NODE_NUMBER && n->number == 2);
	CHECK(node_get_bool(d, "t3", false));
	CHECK_INT(node_get(d, "t4")->type, NODE_NULL);
	/* numbers keep their source text */
	CHECK_STR(node_get(d, "f2")->str, "1e3");
done:
	arena_release(&a);
}

static void test_yaml_keys_and_text(void)
{
	struct arena a;
	const struct node *d;

	arena_init(&a);
	d = yaml1(&a, "1: one\ntrue: yes\n? plain\n: v\n");
	CHECK(d != NULL);
	if (d) {
		CHECK_STR(node_get_str(d, "1"), "one");
		CHECK_STR(node_get_str(d, "true"), "yes");
		CHECK_STR(node_get_str(d, "plain"), "v");
		CHECK_INT(d->n, 3);
	}
	/* An escaped NUL would cut a key or value short: refused, as a raw NUL is. */
	err_clear();
	CHECK(yaml1(&a, "a: 1\n\"q\\0z\": nul\n") == NULL);
	CHECK_STR(err_msg(), "t.yaml:2:1: escaped NUL character in a string");
	CHECK(yaml1(&a, "a: \"x\\x00y\"\n") == NULL);
	CHECK_STR(err_msg(), "t.yaml:1:4: escaped NUL character in a string");
	CHECK(yaml1(&a, "a: [\"x\\u0000y\", \"x\"]\n") == NULL);
	CHECK_STR(err_msg(), "t.yaml:1:5: escaped NUL character in a string");
	{
		struct node *j;
		const char *t1 = "{\"a\": [\"x\\u0000y\", \"x\"]}", *t2 = "{\"k\\u0000\": 1}";
		const char *t3 = "[\"x\\\\u0000\"]";
		CHECK(json_parse(&a, t1, strlen(t1), "n.json", NULL, &j) < 0);
		CHECK_STR(err_msg(), "n.json:1:10: escaped NUL character in a string");
		CHECK(json_parse(&a, t2, strlen(t2), "n.json", NULL, &j) < 0);
		CHECK_STR(err_msg(), "n.json:1:4: escaped NUL character in a string");
		CHECK(json_parse(&a, t3, strlen(t3), "n.json", NULL, &j) == 0);
	}
	err_clear();
	CHECK(yaml1(&a, "? [a, b]\n: c\n") == NULL);
	CHECK_STR(err_msg(), "t.yaml:1:3: a list or map as a mapping key is not supported");
	CHECK(yaml1(&a, "a: !!int nope\n") == NULL);
	CHECK_STR(err_msg(), "t.yaml:1:4: invalid !!int value 'nope'");
	arena_release(&a);
}

static void test_yaml_positions(void)
{
	struct arena a;
	const struct node *d, *l;
	char pos[32];

	arena_init(&a);
	d = yaml1(&a, "# comment\ntop:\n  key: value\n  list:\n  - x\n  - {a: 1}\n");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->line, 2);
		CHECK_INT(d->col, 1);
		CHECK_INT(node_path(d, "top", "key", NULL)->line, 3);
		CHECK_INT(node_path(d, "top", "key", NULL)->col, 8);
		l = node_path(d, "top", "list", NULL);
		CHECK_INT(l->line, 5);
		CHECK_INT(l->col, 3);
		CHECK_INT(l->items[1]->line, 6);
		CHECK_INT(l->items[1]->col, 5);
		CHECK_INT(node_get(l->items[1], "a")->col, 9);
		CHECK_STR(spec_pos(NULL, l, pos), "5:3");
	}
	CHECK_STR(spec_pos(NULL, NULL, pos), "");
	/* columns count characters, not bytes */
	d = yaml1(&a, "\xc3\xa9t\xc3\xa9: v\n");
	CHECK(d && d->items[0]->col == 6);
	arena_release(&a);
}

static void test_yaml_aliases(void)
{
	struct arena a;
	const struct node *d;

	arena_init(&a);
	d = yaml1(&a, "base: &b {x: 1, y: [1, 2]}\nuse: *b\nk: &k name\n*k : 3\n");
	CHECK(d != NULL);
	if (d) {
		CHECK(node_get(d, "use") == node_get(d, "base"));
		CHECK(node_path(d, "use", "x", NULL)->number == 1);
		CHECK(node_get(d, "name")->number == 3);
	}
	err_clear();
	CHECK(yaml1(&a, "a: *nope\n") == NULL);
	CHECK_STR(err_msg(), "t.yaml:1:4: undefined alias 'nope'");
	/* a node cannot contain itself: the anchor exists only once it closes */
	CHECK(yaml1(&a, "a: &x [*x]\n") == NULL);
	CHECK_STR(err_msg(), "t.yaml:1:8: undefined alias 'x'");
	arena_release(&a);
}

static void test_alias_bomb(void)
{
	static const char bomb[] =
		"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	struct parse_limits lim = { 0, 0, 1000, 0 };
	struct arena a;
	struct node **docs;
	size_t n;
	clock_t t0 = clock();

	arena_init(&a);
	err_clear();
	CHECK(yaml_parse(&a, bomb, strlen(bomb), "bomb.yaml", NULL, &docs, &n) < 0);
	CHECK(strstr(err_msg(), "too many nodes (limit 8388608") != NULL);
	CHECK(!strncmp(err_msg(), "bomb.yaml:8:", 12));
	CHECK(a.total < 4u << 20);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	/* a small limit trips at the first expansion past it */
	CHECK(yaml_parse(&a, bomb, strlen(bomb), "bomb.yaml", &lim, &docs, &n) < 0);
	CHECK(!strncmp(err_msg(), "bomb.yaml:4:", 12));
	arena_release(&a);
}

static void test_depth_limit(void)
{
	struct parse_limits lim = { 0, 4, 0, 0 };
	struct arena a;
	struct node **docs, *j;
	size_t n;
	char deep[2 * 300 + 2];
	int i;

	arena_init(&a);
	CHECK(yaml_parse(&a, "[[[[1]]]]", 9, "d.yaml", &lim, &docs, &n) == 0);
	CHECK(yaml_parse(&a, "[[[[[1]]]]]", 11, "d.yaml", &lim, &docs, &n) < 0);
	CHECK_STR(err_msg(), "d.yaml:1:5: nesting deeper than 4 levels");
	CHECK(json_parse(&a, "[[[[1]]]]", 9, "d.json", &lim, &j) == 0);
	CHECK(json_parse(&a, "{\"a\":[[[[1]]]]}", 15, "d.json", &lim, &j) < 0);
	CHECK_STR(err_msg(), "d.json:1:9: nesting deeper than 4 levels");
	/* aliases count at the depth they are used */
	CHECK(yaml_parse(&a, "a: &x [[1]]\nb: [[*x]]\n", 22, "d.yaml", &lim, &docs, &n) < 0);
	CHECK_STR(err_msg(), "d.yaml:2:6: nesting deeper than 4 levels");
	/* the default limit (256) stops deep input before libyaml or cJSON recurse */
	for (i = 0; i < 300; i++)
		deep[i] = '[';
	for (i = 0; i < 300; i++)
		deep[300 + i] = ']';
	deep[600] = '\0';
	CHECK(yaml_parse(&a, deep, 600, "d.yaml", NULL, &docs, &n) < 0);
	CHECK_STR(err_msg(), "d.yaml:1:257: nesting deeper than 256 levels");
	CHECK(json_parse(&a, deep, 600, "d.json", NULL, &j) < 0);
	CHECK_STR(err_msg(), "d.json:1:257: nesting deeper than 256 levels");
	arena_release(&a);
}

static void test_other_limits(void)
{
	struct parse_limits lim = { 10, 0, 0, 0 };
	struct parse_limits str = { 0, 0, 0, 3 };
	struct parse_limits nodes = { 0, 0, 3, 0 };
	struct arena a;
	struct node **docs, *j;
	size_t n;

	arena_init(&a);
	CHECK(yaml_parse(&a, "a: 1234567890", 13, "l.yaml", &lim, &docs, &n) < 0);
	CHECK_STR(err_msg(), "l.yaml: input too large (13 bytes, limit 10)");
	CHECK(yaml_parse(&a, "a: abcd", 7, "l.yaml", &str, &docs, &n) < 0);
	CHECK_STR(err_msg(), "l.yaml:1:4: scalar longer than 3 bytes");
	CHECK(json_parse(&a, "{\"a\": \"abcd\"}", 13, "l.json", &str, &j) < 0);
	CHECK_STR(err_msg(), "l.json:1:7: string longer than 3 bytes");
	CHECK(json_parse(&a, "[1, 2, 3]", 9, "l.json", &nodes, &j) < 0);
	CHECK_STR(err_msg(), "l.json:1:8: too many nodes (limit 3)");
	CHECK(yaml_parse(&a, "[1, 2, 3]", 9, "l.yaml", &nodes, &docs, &n) < 0);
	CHECK_STR(err_msg(), "l.yaml:1:8: too many nodes (limit 3, aliases expanded)");
	arena_release(&a);
}

static void test_yaml_errors(void)
{
	CHECK_STR(load_err("pipelineInfo:\n  name: x\n  bad: a: b\n", "train.yaml"),
		  "train.yaml:3:9: mapping values are not allowed in this context");
	CHECK_STR(load_err("a: [1, 2\n", "t.yaml"),
		  "t.yaml:2:1: did not find expected ',' or ']'");
	CHECK_STR(load_err("a: 1\n\tb: 2\n", "t.yaml"),
		  "t.yaml:2:1: found a tab character that violates indentation");
	CHECK_STR(load_err("a: \"x\xff\"\n", "t.yaml"),
		  "t.yaml:1:6: invalid UTF-8 (byte 0xff)");
	CHECK_STR(load_err("a: \"\xc3\xa9\x01\"\n", "t.yaml"),
		  "t.yaml:1:6: control characters are not allowed");
	CHECK_STR(load_err("a: 1\nb: 2\n" MINI, "t.yaml"), "(loaded)");
	{
		static const char nul[] = "a: 1\nb: x\0y\n";
		struct spec *s;

		CHECK(spec_load_buf(&s, nul, sizeof(nul) - 1, "n.yaml", NULL) < 0);
		CHECK_STR(err_msg(), "n.yaml:2:5: NUL byte in input");
	}
}

static void test_duplicate_keys(void)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	CHECK_STR(load_err(MINI "components: {}\n", "d.yaml"),
		  "d.yaml:10:1: duplicate key 'components'");
	CHECK_STR(load_err("{\"a\": 1, \"b\": {\"x\": 1,\n \"x\": 2}}", "d.json"),
		  "d.json:2:7: duplicate key 'x'");
	/* big maps go through the sorted check */
	for (i = 0; i < 100; i++)
		sb_addf(&sb, "k%d: %d\n", i, i);
	sb_adds(&sb, "k42: again\n");
	CHECK_STR(load_err(sb_str(&sb), "big.yaml"), "big.yaml:101:1: duplicate key 'k42'");
	sb_release(&sb);
	/* keys of different type with the same text clash, as in Go yaml.v3 */
	CHECK_STR(load_err("1: a\n'1': b\n", "d.yaml"), "d.yaml:2:1: duplicate key '1'");
}

static void test_multidoc_platform(void)
{
	struct spec *s = load(MINI "---\nplatforms:\n  kubernetes:\n    deploymentSpec:\n"
			      "      executors:\n        exec-a: {}\n", "m.yaml");

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_STR(node_path(s->pipeline, "pipelineInfo", "name", NULL)->str, "p");
	CHECK(s->platform != NULL);
	CHECK(node_path(s->platform, "deploymentSpec", "executors", "exec-a", NULL) != NULL);
	CHECK(s->run_params == NULL);
	CHECK_STR(s->blob_id, "");
	CHECK_STR(s->name, "m.yaml");
	spec_free(s);

	/* the platform document may come first; other documents are ignored */
	s = load("platforms:\n  kubernetes: {}\n---\nfoo: bar\n---\n" MINI, "m.yaml");
	CHECK(s && s->platform && node_get(s->pipeline, "root"));
	spec_free(s);

	CHECK_STR(load_err(MINI "---\n" MINI, "m.yaml"),
		  "m.yaml:11:1: more than one pipeline spec in the file");
	CHECK_STR(load_err("platforms:\n  kubernetes: {}\n", "m.yaml"),
		  "m.yaml: no PipelineSpec document, only a PlatformSpec");
	CHECK_STR(load_err("platforms:\n  kubernetes: [1]\n---\n" MINI, "m.yaml"),
		  "m.yaml:2:15: platforms.kubernetes is a list, expected a map");
}

static void test_json(void)
{
	static const char text[] =
		"{\n"
		"  \"pipelineInfo\": {\"name\": \"p\"},\n"
		"  \"schemaVersion\": \"2.1.0\",\n"
		"  \"root\": {\"dag\": {\"tasks\": {}}},\n"
		"  \"components\": {},\n"
		"  \"deploymentSpec\": {\"executors\": {\"e\": {\"n\": 1.50, \"t\": true, \"z\": null,\n"
		"      \"l\": [\"x\", 2]}}}\n"
		"}\n";
	struct spec *s = load(text, "p.json");
	const struct node *e, *l;

	CHECK(s != NULL);
	if (!s) {
		fprintf(stderr, "  %s\n", err_msg());
		return;
	}
	CHECK_STR(node_path(s->pipeline, "pipelineInfo", "name", NULL)->str, "p");
	CHECK_INT(s->pipeline->line, 1);
	CHECK_INT(s->pipeline->col, 1);
	CHECK_INT(node_get(s->pipeline, "schemaVersion")->line, 3);
	CHECK_INT(node_get(s->pipeline, "schemaVersion")->col, 20);
	e = node_path(s->pipeline, "deploymentSpec", "executors", "e", NULL);
	CHECK(e && node_get(e, "n")->number == 1.5);
	CHECK_STR(node_get(e, "n")->str, "1.50");
	CHECK(node_get_bool(e, "t", false));
	CHECK_INT(node_get(e, "z")->type, NODE_NULL);
	l = node_get(e, "l");
	CHECK(l && l->n == 2 && l->items[1]->number == 2);
	CHECK_INT(l->line, 7);
	CHECK_INT(l->col, 12);
	CHECK_INT(l->items[1]->col, 18);
	spec_free(s);

	CHECK_STR(load_err("{\"a\": 1,\n \"b\": x}", "e.json"), "e.json:2:7: invalid JSON near 'x}'");
	CHECK_STR(load_err("{\"a\": 1", "e.json"), "e.json:1:7: unexpected end of JSON input");
	CHECK_STR(load_err("{\"a\": 1} x", "e.json"),
		  "e.json:1:10: unexpected text after the JSON value");
	CHECK_STR(load_err("  {\"a\": \"\xe0\x80\x80\"}", "e.json"),
		  "e.json:1:10: invalid UTF-8 (byte 0xe0)");
}

static void test_pipeline_job(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct spec *s;
	const struct node *p;

	sb_adds(&sb, "{\"displayName\": \"run\", \"pipelineSpec\": {"
		"\"pipelineInfo\": {\"name\": \"p\"}, \"schemaVersion\": \"2.0.0\","
		"\"root\": {}, \"components\": {}, \"deploymentSpec\": {}},"
		"\"runtimeConfig\": {\"parameterValues\": {\"a\": 1, \"b\": \"x\"}}}");
	s = load(sb_str(&sb), "job.json");
	CHECK(s != NULL);
	if (s) {
		CHECK_STR(node_path(s->pipeline, "pipelineInfo", "name", NULL)->str, "p");
		CHECK(node_get(s->run_params, "a")->number == 1);
		CHECK_STR(node_get_str(s->run_params, "b"), "x");
		spec_free(s);
	}
	sb_reset(&sb);
	/* the older form: {name: {stringValue | intValue | doubleValue}} */
	sb_adds(&sb, "{\"pipelineSpec\": {"
		"\"pipelineInfo\": {\"name\": \"p\"}, \"schemaVersion\": \"2.0.0\","
		"\"root\": {}, \"components\": {}, \"deploymentSpec\": {}},"
		"\"runtimeConfig\": {\"parameters\": {\"s\": {\"stringValue\": \"v\"},"
		"\"i\": {\"intValue\": \"25\"}, \"d\": {\"doubleValue\": 0.5},"
		"\"d2\": {\"doubleValue\": \"1e-3\"}}}}");
	s = load(sb_str(&sb), "job.json");
	CHECK(s != NULL);
	if (s) {
		p = s->run_params;
		CHECK_STR(node_get_str(p, "s"), "v");
		CHECK(node_get(p, "i")->type == NODE_NUMBER && node_get(p, "i")->number == 25);
		CHECK(node_get(p, "d")->number == 0.5);
		CHECK(node_get(p, "d2")->number == 0.001);
		spec_free(s);
	}
	sb_reset(&sb);
	sb_adds(&sb, "{\"pipelineSpec\": {"
		"\"pipelineInfo\": {\"name\": \"p\"}, \"schemaVersion\": \"2.0.0\","
		"\"root\": {}, \"components\": {}, \"deploymentSpec\": {}},"
		"\"runtimeConfig\": {\"parameters\": {\"i\": {\"intValue\": \"2x\"}}}}");
	CHECK_STR(load_err(sb_str(&sb), "job.json"),
		  "job.json:1:178: runtimeConfig.parameters.i: '2x' is not a number");
	sb_release(&sb);
}

static void test_validation(void)
{
	CHECK_STR(load_err("", "e.yaml"), "e.yaml: empty file");
	CHECK_STR(load_err(" \n\t\n", "e.yaml"), "e.yaml: empty file");
	CHECK_STR(load_err("# only a comment\n", "e.yaml"), "e.yaml: empty file");
	CHECK_STR(load_err("- a\n- b\n", "l.yaml"),
		  "l.yaml:1:1: not a pipeline spec: the document is a list, expected a map");
	CHECK_STR(load_err("foo: bar\n", "f.yaml"),
		  "f.yaml:1:1: not a KFP pipeline spec (no pipelineInfo, root or deploymentSpec)");
	CHECK_STR(load_err("pipelineInfo:\n  name:\nroot: {}\n", "n.yaml"),
		  "n.yaml:2:3: missing pipelineInfo.name");
	CHECK_STR(load_err("pipelineInfo:\n  name: ''\nroot: {}\n", "n.yaml"),
		  "n.yaml:2:3: missing pipelineInfo.name");
	CHECK_STR(load_err("root: {}\nschemaVersion: 2.1.0\n", "n.yaml"),
		  "n.yaml: missing pipelineInfo.name");
	CHECK_STR(load_err("pipelineInfo: {name: x}\nschemaVersion: 2.1.0\n", "r.yaml"),
		  "r.yaml: missing root");
	CHECK_STR(load_err("pipelineInfo: {name: x}\nroot: []\n", "r.yaml"),
		  "r.yaml:2:7: root is a list, expected a map");
	CHECK_STR(load_err("pipelineInfo: {name: x}\nroot: {}\n", "v.yaml"),
		  "v.yaml: missing schemaVersion");
	CHECK_STR(load_err("pipelineInfo: {name: x}\nroot: {}\nschemaVersion: 2.2.0\n", "v.yaml"),
		  "v.yaml:3:16: unsupported schemaVersion '2.2.0' (KFP accepts 2.0.0 and 2.1.0)");
	CHECK_STR(load_err("pipelineInfo: {name: x}\nroot: {}\nschemaVersion: 2.1\n", "v.yaml"),
		  "v.yaml:3:16: schemaVersion is a number, expected a string");
	CHECK_STR(load_err("pipelineInfo: {name: x}\nroot: {}\nschemaVersion: 2.1.0\n"
			   "components: {}\n", "d.yaml"),
		  "d.yaml: missing deploymentSpec");
	CHECK_STR(load_err("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"
			   "metadata:\n  generateName: p-\n", "v1.yaml"),
		  "v1.yaml: this is a KFP v1 Argo Workflow, not a v2 pipeline spec "
		  "(recompile with kfp>=2)");
	CHECK_STR(load_err("# PIPELINE DEFINITION\n# Name: p\n" MINI, "h.yaml"), "(loaded)");
}

static void test_spec_load_file(void)
{
	char path[] = "/tmp/kfpcache-test-spec-XXXXXX";
	struct spec *s = NULL;
	FILE *f;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs(MINI, f);
	fclose(f);
	CHECK(spec_load(&s, path, NULL, NULL) == 0);
	CHECK(s && !strcmp(s->name, path) && s->blob_id[0] == '\0');
	spec_free(s);
	remove(path);
	CHECK(spec_load(&s, "/nonexistent/kfpcache.yaml", NULL, NULL) < 0);
	CHECK_STR(err_msg(), "/nonexistent/kfpcache.yaml: no such file");
	CHECK(spec_load(&s, "/tmp", NULL, NULL) < 0);
	CHECK_STR(err_msg(), "/tmp: is a directory");
	CHECK(s == NULL);
	spec_free(NULL);
}

/* The byte at line:col (columns in characters), or -1. */
static int char_at(const char *buf, size_t len, unsigned line, unsigned col)
{
	size_t i = 0;
	unsigned l = 1, c = 1;

	while (i < len && (l < line || c < col)) {
		if (buf[i] == '\n') {
			l++;
			c = 1;
		} else if ((buf[i] & 0xC0) != 0x80) {
			c++;
		}
		i++;
		while (i < len && (buf[i] & 0xC0) == 0x80)
			i++;
	}
	return i < len && l == line && c == col ? (unsigned char)buf[i] : -1;
}

/* Each JSON node's position is the first character of its value. */
static int bad_json_positions(const struct node *n, const char *buf, size_t len)
{
	static const char *const first[] = { "n", "tf", "-0123456789", "\"", "[", "{" };
	int ch = char_at(buf, len, n->line, n->col), bad;
	size_t i;

	bad = ch < 0 || !strchr(first[n->type], ch);
	if (bad)
		fprintf(stderr, "  %s node at %u:%u starts with '%c'\n",
			node_type_name(n->type), n->line, n->col, ch);
	for (i = 0; i < n->n && !bad; i++)
		bad = bad_json_positions(n->items[i], buf, len);
	return bad;
}

static void test_json_positions(void)
{
	static const char *const files[] = {
		CORPUS "/specs/default_pipeline.json",
		CORPUS "/specs/pipeline_with_importer.json",
	};
	struct arena a;
	struct node *root;
	char *buf;
	size_t len, i;

	for (i = 0; i < KC_ARRAY_SIZE(files); i++) {
		if (read_file(files[i], &buf, &len) < 0)
			continue;
		arena_init(&a);
		CHECK(json_parse(&a, buf, len, files[i], NULL, &root) == 0);
		CHECK(root && !bad_json_positions(root, buf, len));
		arena_release(&a);
		free(buf);
	}
}

static void test_bom(void)
{
	struct spec *s = load("\xEF\xBB\xBF" MINI, "bom.yaml");

	CHECK(s && s->pipeline->line == 1 && s->pipeline->col == 1);
	spec_free(s);
	s = load("\xEF\xBB\xBF{\"pipelineInfo\": {\"name\": \"p\"}, \"schemaVersion\": "
		 "\"2.1.0\", \"root\": {}, \"components\": {}, \"deploymentSpec\": {}}",
		 "bom.json");
	CHECK(s && s->pipeline->line == 1 && s->pipeline->col == 1);
	spec_free(s);
	/* UTF-16 is not UTF-8: rejected before libyaml could transcode it */
	CHECK_STR(load_err("\xFF\xFEp\0", "u16.yaml"), "u16.yaml:1:1: invalid UTF-8 (byte 0xff)");
}

/* Every spec of the shared corpus loads (no_name.yaml is KFP's bad example). */
static void load_dir(const char *dir, int *loaded)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	struct spec *s;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n < 5 || (strcmp(e->d_name + n - 5, ".yaml") && strcmp(e->d_name + n - 5, ".json")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (spec_load(&s, path, NULL, NULL) < 0) {
			if (!strcmp(e->d_name, "no_name.yaml")) {
				CHECK(strstr(err_msg(), "no_name.yaml:16:3: missing pipelineInfo.name"));
				continue;
			}
			fprintf(stderr, "  %s\n", err_msg());
			CHECK(!"corpus spec failed to load");
			continue;
		}
		CHECK(node_is_map(s->pipeline));
		CHECK(node_get_str(node_get(s->pipeline, "pipelineInfo"), "name") != NULL);
		if (!strcmp(e->d_name, "default_pipeline.json"))
			CHECK(node_get(s->run_params, "dataflow_use_public_ips") &&
			      node_is_map(s->run_params));
		if (!strcmp(e->d_name, "pipeline_with_workspace.yaml"))
			CHECK(node_path(s->platform, "pipelineConfig", "workspace", NULL) != NULL);
		spec_free(s);
		++*loaded;
	}
	closedir(d);
}

static void test_corpus(void)
{
	int loaded = 0;
	DIR *h = opendir(CORPUS "/history");
	struct dirent *e;
	char dir[1024];

	load_dir(CORPUS "/specs", &loaded);
	CHECK(loaded >= 39);
	while (h && (e = readdir(h))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/history/%s", CORPUS, e->d_name);
		load_dir(dir, &loaded);
	}
	if (h)
		closedir(h);
	CHECK(loaded > 100);
}

int main(void)
{
	TEST(test_yaml_scalars);
	TEST(test_yaml_keys_and_text);
	TEST(test_yaml_positions);
	TEST(test_yaml_aliases);
	TEST(test_alias_bomb);
	TEST(test_depth_limit);
	TEST(test_other_limits);
	TEST(test_yaml_errors);
	TEST(test_duplicate_keys);
	TEST(test_multidoc_platform);
	TEST(test_json);
	TEST(test_pipeline_job);
	TEST(test_validation);
	TEST(test_spec_load_file);
	TEST(test_bom);
	if (!access(CORPUS "/specs", R_OK)) {
		TEST(test_corpus);
		TEST(test_json_positions);
	} else {
		SKIP(test_corpus, "no " CORPUS);
		SKIP(test_json_positions, "no " CORPUS);
	}
	return T_DONE();
}
