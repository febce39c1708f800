/*
 * test_key.c - the cache fingerprint against KFP's own vectors and the
 * computed ones of docs/kfp-cache-semantics.md §1.5: cacheutils/cache_test.go
 * (TestGenerateFingerPrint, ..._ConsidersPVCNames), driver/cache_test.go
 * (custom cacheKey), and keys hand-built from compiled specs in kfp-corpus.
 */
#include "model/key.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "base/banned.h"

static struct arena A;

/* ---- tiny node builders (all memory in A) ---- */

static struct node *S(const char *s)
{
	return node_new_str(&A, s, strlen(s));
}

static struct node *N(double d)
{
	return node_new_num(&A, d);
}

/* list(item, ..., NULL) */
static struct node *list(struct node *first, ...)
{
	struct node *l = node_new(&A, NODE_LIST), *it;
	va_list ap;

	va_start(ap, first);
	for (it = first; it; it = va_arg(ap, struct node *))
		node_append(&A, l, NULL, 0, it);
	va_end(ap);
	return l;
}

/* map("k1", v1, "k2", v2, ..., NULL) */
static struct node *map(const char *k, ...)
{
	struct node *m = node_new(&A, NODE_MAP);
	va_list ap;

	va_start(ap, k);
	for (; k; k = va_arg(ap, const char *)) {
		struct node *v = va_arg(ap, struct node *);
		node_append(&A, m, k, strlen(k), v);
	}
	va_end(ap);
	return m;
}

/* ---- helpers ---- */

static char numbuf[64];

static const char *num(double d)
{
	struct strbuf sb = STRBUF_INIT;

	if (canon_number(&sb, d) < 0)
		snprintf(numbuf, sizeof(numbuf), "ERR");
	else
		snprintf(numbuf, sizeof(numbuf), "%s", sb_str(&sb));
	sb_release(&sb);
	return numbuf;
}

static char strout[256];

static const char *jstr(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	if (canon_string(&sb, s, len) < 0)
		snprintf(strout, sizeof(strout), "ERR");
	else
		snprintf(strout, sizeof(strout), "%s", sb_str(&sb));
	sb_release(&sb);
	return strout;
}

/* canon_string of a literal, embedded NULs included. */
#define J(lit) jstr(lit, sizeof(lit) - 1)

/* Check the canonical text (when want_text != NULL) and the fingerprint. */
static void check_key(const struct key_spec *k, const char *want_text,
		      const char *want_fp)
{
	struct strbuf sb = STRBUF_INIT;
	char fp[65];

	CHECK_INT(key_canonical(&sb, k), 0);
	if (want_text)
		CHECK_STR(sb_str(&sb), want_text);
	fp[0] = '\0';
	CHECK_INT(key_fingerprint(fp, k), 0);
	CHECK_STR(fp, want_fp);
	sb_release(&sb);
}

static const char *const logs_only_text =
	"\"outputArtifactsSpec\":{\"executor-logs\":{\"name\":\"executor-logs\","
	"\"type\":{\"schemaTitle\":\"system.Artifact\"}}}";

/* ---- canonical JSON rules (§1.3) ---- */

static void test_number_format(void)
{
	static const struct { double d; const char *want; } cases[] = {
		{ 5, "5" },
		{ 0.1, "0.1" },
		{ 1000000, "1000000" },
		{ 1e20, "100000000000000000000" },
		{ 1e21, "1e+21" },
		{ 1.5e21, "1.5e+21" },
		{ 0.000001, "0.000001" },
		{ 1e-7, "1e-7" },
		{ 9.99e-7, "9.99e-7" },
		{ 1.25e-10, "1.25e-10" },
		{ 1.7976931348623157e+308, "1.7976931348623157e+308" },
		{ 1.2345678901234567e19, "12345678901234567000" },
		{ 3.0, "3" },
		{ 0.0, "0" },
		{ -1.5, "-1.5" },
		{ -1e21, "-1e+21" },
		{ 123.456, "123.456" },
		{ 1.0 / 3.0, "0.3333333333333333" },
		{ 5e-324, "5e-324" },
		{ 1e100, "1e+100" },
		{ 1e-100, "1e-100" },
		{ 9.999999999999999e20, "999999999999999900000" },
		/* 2^-1017: the correctly rounded 16 digits miss, the shortest
		 * string lies on the wide side of a lopsided interval. */
		{ 7.120236347223045e-307, "7.120236347223045e-307" },
		{ 9007199254740993.0, "9007199254740992" },
	};
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(cases); i++)
		CHECK_STR(num(cases[i].d), cases[i].want);
	CHECK_STR(num(-0.0), "-0");
	CHECK_STR(num(ldexp(1.0, -1017)), "7.120236347223045e-307");
}

static void test_number_errors(void)
{
	struct strbuf sb = STRBUF_INIT;

	sb_adds(&sb, "x");
	CHECK_INT(canon_number(&sb, NAN), -1);
	CHECK(strstr(err_msg(), "NaN") != NULL);
	CHECK_INT(canon_number(&sb, INFINITY), -1);
	CHECK_INT(canon_number(&sb, -INFINITY), -1);
	CHECK_STR(sb_str(&sb), "x");
	sb_release(&sb);
}

static void test_string_escapes(void)
{
	CHECK_STR(J("plain"), "\"plain\"");
	CHECK_STR(J(""), "\"\"");
	CHECK_STR(J("\"q\" \\"), "\"\\\"q\\\" \\\\\"");
	CHECK_STR(J("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
	CHECK_STR(J("\x01\x1f\x0b"), "\"\\u0001\\u001f\\u000b\"");
	CHECK_STR(J("a\0b"), "\"a\\u0000b\"");
	CHECK_STR(J("<>&"), "\"\\u003c\\u003e\\u0026\"");
	CHECK_STR(J("\x7f"), "\"\x7f\"");
	/* é, U+2028, U+2029, an astral emoji */
	CHECK_STR(J("\xc3\xa9"), "\"\xc3\xa9\"");
	CHECK_STR(J("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "\"a\\u2028b\\u2029\"");
	CHECK_STR(J("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
	CHECK_STR(J("\xe2\x80\xa7"), "\"\xe2\x80\xa7\"");
	CHECK_STR(J("'{{$}}' ="), "\"'{{$}}' =\"");
}

static void test_string_invalid_utf8(void)
{
	static const struct { const char *s; size_t len; } bad[] = {
		{ "\xff", 1 },
		{ "ok\x80", 3 },
		{ "\xc0\xaf", 2 },              /* overlong '/' */
		{ "\xe0\x80\xaf", 3 },          /* overlong */
		{ "\xed\xa0\x80", 3 },          /* surrogate U+D800 */
		{ "\xe2\x82", 2 },              /* truncated */
		{ "\xf4\x90\x80\x80", 4 },      /* above U+10FFFF */
		{ "\xc3(", 2 },                 /* bad continuation */
	};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(bad); i++) {
		sb_reset(&sb);
		sb_adds(&sb, "pre");
		CHECK_INT(canon_string(&sb, bad[i].s, bad[i].len), -1);
		CHECK_STR(sb_str(&sb), "pre");
	}
	CHECK(strstr(err_msg(), "UTF-8") != NULL);
	sb_release(&sb);
}

static void test_canon_json(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct node *nul = node_new(&A, NODE_NULL);
	struct node *doc = map("b", list(S("x"), N(1), node_new_bool(&A, false), nul, NULL),
			       "a", map("z", N(1.5), "a", S("x<y"), NULL),
			       "B", map(NULL),
			       "\xc3\xa9", list(NULL),
			       "a ", N(-0.0),
			       NULL);
	struct node *dup = map("k", N(1), "j", N(2), "k", N(3), NULL);

	CHECK_INT(canon_json(&sb, doc), 0);
	/* Byte order: "B" < "a" < "a " < "b" < "é". */
	CHECK_STR(sb_str(&sb), "{\"B\":{},\"a\":{\"a\":\"x\\u003cy\",\"z\":1.5},"
		  "\"a \":-0,\"b\":[\"x\",1,false,null],\"\xc3\xa9\":[]}");
	sb_reset(&sb);
	/* A repeated key acts like a Go map assignment: the last one wins. */
	CHECK_INT(canon_json(&sb, dup), 0);
	CHECK_STR(sb_str(&sb), "{\"j\":2,\"k\":3}");
	sb_reset(&sb);

	sb_adds(&sb, "keep");
	CHECK_INT(canon_json(&sb, map("a", N(1), "b", list(N(NAN), NULL), NULL)), -1);
	CHECK_STR(sb_str(&sb), "keep");
	CHECK_INT(canon_json(&sb, map("\xff", N(1), NULL)), -1);
	CHECK_INT(canon_json(&sb, NULL), -1);
	CHECK_STR(sb_str(&sb), "keep");
	sb_release(&sb);
}

/* ---- cacheutils/cache_test.go: TestGenerateFingerPrint ---- */

static void test_vector_c1(void)
{
	static const char *const art_names[] = { "dataset_one", "dataset_two" };
	static const char *const ids1[] = { "1" }, *const ids2[] = { "2" };
	static const char *const *const art_ids[] = { ids1, ids2 };
	static const size_t art_counts[] = { 1, 1 };
	static const char *const param_names[] = { "message", "num_steps" };
	static const char *const outp_names[] = { "output_parameter_one", "output_parameter_two" };
	static const char *const outp_types[] = { "STRING", "INT" };
	static const char *const cmd[] = { "sh", "ec", "test" };
	const struct node *param_values[2];
	struct key_outart outarts[2];
	struct key_spec k = { 0 };

	param_values[0] = S("Some string value");
	param_values[1] = N(5);
	/* Declared in the other order than printed: the key sorts them. */
	outarts[0].name = "model";
	outarts[0].artifact_type = map("instanceSchema", S("title: kfp.Model\ntype: object\n"
		"properties:\n  framework:\n    type: string\n  framework_version:\n"
		"    type: string\n"), NULL);
	outarts[0].metadata = map("name", S("model"), NULL);
	outarts[1].name = "metrics";
	outarts[1].artifact_type = map("schemaTitle", S("kfp.Metrics"), NULL);
	outarts[1].metadata = map("name", S("metrics"), NULL);

	k.nparams = 2, k.param_names = param_names, k.param_values = param_values;
	k.nartifacts = 2, k.artifact_names = art_names, k.artifact_ids = art_ids;
	k.artifact_counts = art_counts;
	k.noutarts = 2, k.outarts = outarts;
	k.noutparams = 2, k.outparam_names = outp_names, k.outparam_types = outp_types;
	k.image = "python:3.11";
	k.ncmdargs = 3, k.cmdargs = cmd;
	check_key(&k,
		"{\"containerSpec\":{\"cmdArgs\":[\"sh\",\"ec\",\"test\"],\"image\":\"python:3.11\"},"
		"\"inputArtifactNames\":{\"dataset_one\":{\"artifactNames\":[\"1\"]},"
		"\"dataset_two\":{\"artifactNames\":[\"2\"]}},"
		"\"inputParameterValues\":{\"message\":\"Some string value\",\"num_steps\":5},"
		"\"outputArtifactsSpec\":{\"metrics\":{\"metadata\":{\"name\":\"metrics\"},"
		"\"name\":\"metrics\",\"type\":{\"schemaTitle\":\"kfp.Metrics\"}},"
		"\"model\":{\"metadata\":{\"name\":\"model\"},\"name\":\"model\","
		"\"type\":{\"instanceSchema\":\"title: kfp.Model\\ntype: object\\nproperties:\\n"
		"  framework:\\n    type: string\\n  framework_version:\\n    type: string\\n\"}}},"
		"\"outputParametersSpec\":{\"output_parameter_one\":\"STRING\","
		"\"output_parameter_two\":\"INT\"}}",
		"b498530c9016917298999ec0b01f364a180f8a3862bea0fa672a383ca3f22e4e");
}

static void test_vector_c2(void)
{
	static const char *const art_names[] = { "dataset" };
	static const char *const ids[] = { "10" };
	static const char *const *const art_ids[] = { ids };
	static const size_t art_counts[] = { 1 };
	static const char *const outp_names[] = { "output_parameter" };
	static const char *const outp_types[] = { "DOUBLE" };
	static const char *const cmd[] = { "sh", "ec", "run" };
	struct key_spec k = { 0 };

	k.nartifacts = 1, k.artifact_names = art_names, k.artifact_ids = art_ids;
	k.artifact_counts = art_counts;
	k.noutparams = 1, k.outparam_names = outp_names, k.outparam_types = outp_types;
	k.image = "python:3.11";
	k.ncmdargs = 3, k.cmdargs = cmd;
	check_key(&k,
		"{\"containerSpec\":{\"cmdArgs\":[\"sh\",\"ec\",\"run\"],\"image\":\"python:3.11\"},"
		"\"inputArtifactNames\":{\"dataset\":{\"artifactNames\":[\"10\"]}},"
		"\"outputParametersSpec\":{\"output_parameter\":\"DOUBLE\"}}",
		"3d9a2a778fa3174c6cfc6e639c507c265b5f21ef6e5b1dd70b236462cc6da464");
}

/* ---- cacheutils/cache_test.go: TestGenerateFingerPrint_ConsidersPVCNames ---- */

static void test_vector_pvc(void)
{
	static const char *const art_names[] = { "dataset_one" };
	static const char *const ids[] = { "1" };
	static const char *const *const art_ids[] = { ids };
	static const size_t art_counts[] = { 1 };
	static const char *const outp_names[] = { "output_parameter_one" };
	static const char *const outp_types[] = { "STRING" };
	static const char *const cmd[] = { "sh", "ec", "test" };
	static const char *const pvc2[] = { "workspace-pvc", "data-pvc" };
	static const char *const pvc3[] = { "data-pvc", "workspace-pvc", "extra" };
	struct key_spec k = { 0 };

	k.nartifacts = 1, k.artifact_names = art_names, k.artifact_ids = art_ids;
	k.artifact_counts = art_counts;
	k.noutparams = 1, k.outparam_names = outp_names, k.outparam_types = outp_types;
	k.image = "python:3.11";
	k.ncmdargs = 3, k.cmdargs = cmd;
	check_key(&k,
		"{\"containerSpec\":{\"cmdArgs\":[\"sh\",\"ec\",\"test\"],\"image\":\"python:3.11\"},"
		"\"inputArtifactNames\":{\"dataset_one\":{\"artifactNames\":[\"1\"]}},"
		"\"outputParametersSpec\":{\"output_parameter_one\":\"STRING\"}}",
		"4249a5f2d71e8a06ed1388ef0677b02aa5a49545cff2bc469be8ecb47281a45b");

	/* cacheutils hashes the list as given; the driver sorts before. */
	k.npvc = 2, k.pvc_names = pvc2;
	check_key(&k,
		"{\"containerSpec\":{\"cmdArgs\":[\"sh\",\"ec\",\"test\"],\"image\":\"python:3.11\","
		"\"pvcNames\":[\"workspace-pvc\",\"data-pvc\"]},"
		"\"inputArtifactNames\":{\"dataset_one\":{\"artifactNames\":[\"1\"]}},"
		"\"outputParametersSpec\":{\"output_parameter_one\":\"STRING\"}}",
		"e1cda938131f469fa98c612b607b6e1e744ba8d71b76194b8aedb6753679883b");

	k.npvc = 3, k.pvc_names = pvc3;
	check_key(&k, NULL,
		"d5d69667a7c01406a87c5fc29f8284faf3e77073eca22e5ac1978bac6effeb33");
}

/* ---- computed driver-shaped vectors ---- */

static void test_vector_c3(void)
{
	static const char *const param_names[] = {
		"s", "i", "f", "big", "big2", "small", "neg0", "b", "n", "l", "st"
	};
	static const char *const art_names[] = { "data" };
	static const char *const ids[] = { "42" };
	static const char *const *const art_ids[] = { ids };
	static const size_t art_counts[] = { 1 };
	static const char *const outp_names[] = { "Output" };
	static const char *const outp_types[] = { "NUMBER_INTEGER" };
	static const char *const cmd[] = {
		"sh", "-c",
		"echo {{$.inputs.parameters['s']}} > {{$.outputs.parameters['Output'].output_file}}"
	};
	const struct node *param_values[11];
	struct key_outart outarts[2];
	struct key_spec k = { 0 };

	param_values[0] = S("a<b>&c \xc3\xa9 \xe2\x80\xa8 \"q\" \\ \t");
	param_values[1] = N(5);
	param_values[2] = N(0.1);
	param_values[3] = N(1e21);
	param_values[4] = N(1.2345678901234567e19);
	param_values[5] = N(1e-7);
	param_values[6] = N(+0.0);
	param_values[7] = node_new_bool(&A, true);
	param_values[8] = node_new(&A, NODE_NULL);
	param_values[9] = list(S("a"), N(1), node_new_bool(&A, true), NULL);
	param_values[10] = map("z", N(1.5), "a", S("x<y"), NULL);

	outarts[0].name = "model";
	outarts[0].artifact_type = map("schemaTitle", S("system.Model"),
				       "schemaVersion", S("0.0.1"), NULL);
	outarts[0].metadata = NULL;
	outarts[1].name = "withEmptyMeta";
	outarts[1].artifact_type = NULL;
	outarts[1].metadata = map(NULL);

	k.nparams = 11, k.param_names = param_names, k.param_values = param_values;
	k.nartifacts = 1, k.artifact_names = art_names, k.artifact_ids = art_ids;
	k.artifact_counts = art_counts;
	k.noutarts = 2, k.outarts = outarts, k.publish_logs = true;
	k.noutparams = 1, k.outparam_names = outp_names, k.outparam_types = outp_types;
	k.image = "python:3.11";
	k.ncmdargs = 3, k.cmdargs = cmd;
	check_key(&k,
		"{\"containerSpec\":{\"cmdArgs\":[\"sh\",\"-c\",\"echo {{$.inputs.parameters['s']}} "
		"\\u003e {{$.outputs.parameters['Output'].output_file}}\"],\"image\":\"python:3.11\"},"
		"\"inputArtifactNames\":{\"data\":{\"artifactNames\":[\"42\"]}},"
		"\"inputParameterValues\":{\"b\":true,\"big\":1e+21,\"big2\":12345678901234567000,"
		"\"f\":0.1,\"i\":5,\"l\":[\"a\",1,true],\"n\":null,\"neg0\":0,"
		"\"s\":\"a\\u003cb\\u003e\\u0026c \xc3\xa9 \\u2028 \\\"q\\\" \\\\ \\t\","
		"\"small\":1e-7,\"st\":{\"a\":\"x\\u003cy\",\"z\":1.5}},"
		"\"outputArtifactsSpec\":{\"executor-logs\":{\"name\":\"executor-logs\","
		"\"type\":{\"schemaTitle\":\"system.Artifact\"}},"
		"\"model\":{\"name\":\"model\",\"type\":{\"schemaTitle\":\"system.Model\","
		"\"schemaVersion\":\"0.0.1\"}},"
		"\"withEmptyMeta\":{\"metadata\":{},\"name\":\"withEmptyMeta\"}},"
		"\"outputParametersSpec\":{\"Output\":\"NUMBER_INTEGER\"}}",
		"cf73e235c1717bd467543cc4d8ce57ae9d4576e2e98636f60a12ea3e53578915");
}

static void test_vector_c4(void)
{
	struct key_spec k = { 0 };

	check_key(&k, "{\"containerSpec\":{}}",
		  "6885e4044145ffffd71e7190d7de4c1fc4eb7028f39afe6dc7660d91492adc06");
}

/*
 * The env recipe (backend master, PR #14340), derived by hand from the Go
 * code: cachekey.ContainerSpec gains a repeated EnvVar "env" the driver
 * fills from the executor's container.env in spec order (no sort, repeats
 * kept); protojson prints an EnvVar as {"name","value"} and drops an empty
 * value, GenerateFingerPrint re-marshals with encoding/json (keys in byte
 * order, HTML escaping: "<" is \u003c), then sha256 of that text
 * (printf '%s' TEXT | sha256sum).  No env: the field is nil and omitted,
 * so the key is the one of the older recipe (test_vector_c4 and the rest).
 */
static void test_vector_env(void)
{
	static const char *const cmd[] = { "sh" };
	static const char *const names[] = { "MODE", "A", "MODE", "EMPTY" };
	static const char *const values[] = { "train", "x<y", "eval", "" };
	struct key_spec k = { 0 };

	k.image = "alpine";
	k.ncmdargs = 1, k.cmdargs = cmd;
	check_key(&k, "{\"containerSpec\":{\"cmdArgs\":[\"sh\"],\"image\":\"alpine\"}}",
		  "99eec11a563c9abfc366300faf213336dfe5e1684b78acfa5a54e70044245c02");
	k.nenv = 4, k.env_names = names, k.env_values = values;
	check_key(&k,
		"{\"containerSpec\":{\"cmdArgs\":[\"sh\"],\"env\":[{\"name\":\"MODE\","
		"\"value\":\"train\"},{\"name\":\"A\",\"value\":\"x\\u003cy\"},"
		"{\"name\":\"MODE\",\"value\":\"eval\"},{\"name\":\"EMPTY\"}],"
		"\"image\":\"alpine\"}}",
		"a031eae49f4f62d1620db6fbff02b6f7f445b8e3c9b2a5c93a8abe961609571d");
}

/* ---- driver/cache_test.go: custom cacheKey ---- */

static void test_custom_key(void)
{
	char fp[65], plain[65];

	key_custom_fingerprint(fp, "my-component", "my-custom-cache-key");
	CHECK_STR(fp, "ad05e747b67b95e4fc4ce080cdb5850f89744360a85753b90a1a434d46dedd2e");
	key_custom_fingerprint(fp, "other-component", "my-custom-cache-key");
	CHECK_STR(fp, "3b3a067cac2d9161742542c6afa8a1291699e27c637dd0d5d66cd8b2bdc5ab76");
	key_custom_fingerprint(fp, "my-component", "custom-key");
	CHECK_STR(fp, "7a5348ebd8b216ba326ef72a8cfa070636c903428e429684b03e42dd1e772641");
	key_sha256_hex(plain, "my-component\0custom-key", 23);
	CHECK_STR(plain, fp);

	/* No componentRef: neither it nor the NUL is hashed. */
	key_custom_fingerprint(fp, "", "custom-key");
	key_sha256_hex(plain, "custom-key", 10);
	CHECK_STR(fp, plain);
	key_custom_fingerprint(fp, NULL, "custom-key");
	CHECK_STR(fp, plain);

	key_sha256_hex(plain, "", 0);
	CHECK_STR(plain, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* ---- keys built from compiled specs (kfp-corpus/specs) ---- */

/* The SDK's lightweight-component launcher, shared by every Python task. */
#define SDK_PIP_INSTALL \
	"\n" \
	"if ! [ -x \"$(command -v pip)\" ]; then\n" \
	"    python3 -m ensurepip || python3 -m ensurepip --user || " \
	"apt-get install python3-pip\n" \
	"fi\n" \
	"\n" \
	"PIP_DISABLE_PIP_VERSION_CHECK=1 python3 -m pip install --quiet " \
	"--no-warn-script-location 'kfp==2.14.3' '--no-deps' " \
	"'typing-extensions>=3.7.4,<5; python_version<\"3.9\"' && \"$0\" \"$@\"\n"

#define SDK_EPHEMERAL \
	"program_path=$(mktemp -d)\n" \
	"\n" \
	"printf \"%s\" \"$0\" > \"$program_path/ephemeral_component.py\"\n" \
	"_KFP_RUNTIME=true python3 -m kfp.dsl.executor_main" \
	"                         --component_module_path" \
	"                         \"$program_path/ephemeral_component.py\"" \
	"                         \"$@\"\n"

#define SDK_PRELUDE \
	"\n" \
	"import kfp\n" \
	"from kfp import dsl\n" \
	"from kfp.dsl import *\n" \
	"from typing import *\n" \
	"\n"

/* command + args of a Python component, as the driver concatenates them. */
#define SDK_CMDARGS(source, func) { \
	"sh", "-c", SDK_PIP_INSTALL, "sh", "-ec", SDK_EPHEMERAL, \
	SDK_PRELUDE source, \
	"--executor_input", "{{$}}", "--function_to_execute", func }

static void test_compiled_hello_world(void)
{
	/* hello_world.yaml, exec-echo */
	static const char *const cmd[] = { "echo", "hello world" };
	struct key_spec k = { 0 };
	char want[512];

	k.image = "registry.access.redhat.com/ubi9/python-311:latest";
	k.ncmdargs = 2, k.cmdargs = cmd;
	k.publish_logs = true;
	snprintf(want, sizeof(want), "{\"containerSpec\":{\"cmdArgs\":[\"echo\",\"hello world\"],"
		 "\"image\":\"registry.access.redhat.com/ubi9/python-311:latest\"},%s}",
		 logs_only_text);
	check_key(&k, want,
		  "3245a47e579ad1e6ecc57c8a127dfaa68283406de2973fd5143b66114700c063");

	k.publish_logs = false;
	check_key(&k, "{\"containerSpec\":{\"cmdArgs\":[\"echo\",\"hello world\"],"
		  "\"image\":\"registry.access.redhat.com/ubi9/python-311:latest\"}}",
		  "cd640ab8a307ffefcadd91d2414fcdb64ff7caae419e83b7396b20ec2a81dc12");
}

static void test_compiled_parameter_cache(void)
{
	static const char *const core_cmd[] = SDK_CMDARGS(
		"def core_comp() -> str:\n"
		"    return 'foo'\n"
		"\n", "core_comp");
	static const char *const crust_cmd[] = SDK_CMDARGS(
		"def crust_comp(input: str):\n"
		"    print('input :', input)\n"
		"\n", "crust_comp");
	static const char *const outp_names[] = { "Output" };
	static const char *const outp_types[] = { "STRING" };
	static const char *const param_names[] = { "input" };
	const struct node *param_values[1];
	struct key_spec core = { 0 }, crust = { 0 };
	struct strbuf sb = STRBUF_INIT;

	core.image = "python:3.11";
	core.ncmdargs = KC_ARRAY_SIZE(core_cmd), core.cmdargs = core_cmd;
	core.publish_logs = true;
	core.noutparams = 1, core.outparam_names = outp_names;
	core.outparam_types = outp_types;
	check_key(&core, NULL,
		  "d1f2b2c7f93ca85e61b0c457020cadfe654b048be90d1ae76aed972fe80fde8a");
	/* The pip line shows encoding/json's HTML escaping of > < &. */
	CHECK_INT(key_canonical(&sb, &core), 0);
	CHECK(strstr(sb_str(&sb), "'typing-extensions\\u003e=3.7.4,\\u003c5; "
		     "python_version\\u003c\\\"3.9\\\"' \\u0026\\u0026 ") != NULL);
	sb_release(&sb);

	param_values[0] = S("foo");
	crust.image = "python:3.11";
	crust.ncmdargs = KC_ARRAY_SIZE(crust_cmd), crust.cmdargs = crust_cmd;
	crust.publish_logs = true;
	crust.nparams = 1, crust.param_names = param_names;
	crust.param_values = param_values;
	check_key(&crust, NULL,
		  "56c2598cb031e3b21b901a13ca74e7e907fd4efd86d680ac373cb7e0e504ac55");
}

static void test_compiled_artifact_cache(void)
{
	static const char *const core_cmd[] = SDK_CMDARGS(
		"def core_comp(dataset: dsl.Output[dsl.Dataset]):\n"
		"    with open(dataset.path, 'w') as f:\n"
		"        f.write('foo')\n"
		"\n", "core_comp");
	static const char *const crust_cmd[] = SDK_CMDARGS(
		"def crust_comp(input: dsl.Dataset):\n"
		"    with open(input.path, 'r') as f:\n"
		"        print('input: ', f.read())\n"
		"\n", "crust_comp");
	static const char *const art_names[] = { "input" };
	static const char *const ids[] = { "123" };
	static const char *const *const art_ids[] = { ids };
	static const size_t art_counts[] = { 1 };
	struct key_outart dataset;
	struct key_spec core = { 0 }, crust = { 0 };

	dataset.name = "dataset";
	dataset.artifact_type = map("schemaTitle", S("system.Dataset"),
				    "schemaVersion", S("0.0.1"), NULL);
	dataset.metadata = NULL;
	core.image = "python:3.11";
	core.ncmdargs = KC_ARRAY_SIZE(core_cmd), core.cmdargs = core_cmd;
	core.publish_logs = true;
	core.noutarts = 1, core.outarts = &dataset;
	check_key(&core, NULL,
		  "c0902f953a10315e738cb8f97fd8b6bb976d8194573ad297ac668a5ec80ea28e");

	crust.image = "python:3.11";
	crust.ncmdargs = KC_ARRAY_SIZE(crust_cmd), crust.cmdargs = crust_cmd;
	crust.publish_logs = true;
	crust.nartifacts = 1, crust.artifact_names = art_names;
	crust.artifact_ids = art_ids, crust.artifact_counts = art_counts;
	check_key(&crust, NULL,
		  "fc7dfc1d976937d67d27ebe4397e34fed347acbd5aef6c00bbe587456875b05d");
}

/* ---- presence rules and failures ---- */

static void test_key_presence(void)
{
	static const char *const art_names[] = { "fanin" };
	static const size_t zero[] = { 0 };
	static const char *const outp_names[] = { "o" };
	static const char *const outp_types[] = { "" };
	struct key_outart arts[3];
	struct key_spec k = { 0 };
	struct strbuf sb = STRBUF_INIT;

	/* An empty fan-in list is a non-nil ArtifactNameList: {}. */
	k.nartifacts = 1, k.artifact_names = art_names, k.artifact_counts = zero;
	/* Map values print even when empty. */
	k.noutparams = 1, k.outparam_names = outp_names, k.outparam_types = outp_types;
	/* The set oneof member prints even when ""; schemaVersion "" does not;
	 * an empty name is omitted; the driver's executor-logs entry replaces
	 * a component output of that name (provisionOutputs writes it into the
	 * component's map). */
	arts[0].name = "t";
	arts[0].artifact_type = map("schemaUri", S(""), "schemaVersion", S(""), NULL);
	arts[0].metadata = NULL;
	arts[1].name = "";
	arts[1].artifact_type = map("schemaVersion", S("1"), NULL);
	arts[1].metadata = NULL;
	arts[2].name = "executor-logs";
	arts[2].artifact_type = map("schemaTitle", S("system.Model"), NULL);
	arts[2].metadata = map(NULL);
	k.noutarts = 3, k.outarts = arts, k.publish_logs = true;
	CHECK_INT(key_canonical(&sb, &k), 0);
	CHECK_STR(sb_str(&sb), "{\"containerSpec\":{},\"inputArtifactNames\":{\"fanin\":{}},"
		  "\"outputArtifactsSpec\":{\"\":{\"type\":{\"schemaVersion\":\"1\"}},"
		  "\"executor-logs\":{\"name\":\"executor-logs\","
		  "\"type\":{\"schemaTitle\":\"system.Artifact\"}},"
		  "\"t\":{\"name\":\"t\",\"type\":{\"schemaUri\":\"\"}}},"
		  "\"outputParametersSpec\":{\"o\":\"\"}}");
	sb_release(&sb);
}

static void test_key_errors(void)
{
	static const char *const param_names[] = { "ratio" };
	static const char *const bad_cmd[] = { "echo", "\xc3" };
	const struct node *param_values[1];
	struct key_outart art;
	struct key_spec k = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char fp[65];

	param_values[0] = N(NAN);
	k.nparams = 1, k.param_names = param_names, k.param_values = param_values;
	sb_adds(&sb, "keep");
	CHECK_INT(key_canonical(&sb, &k), -1);
	CHECK(strstr(err_msg(), "'ratio'") != NULL);
	CHECK_STR(sb_str(&sb), "keep");
	CHECK_INT(key_fingerprint(fp, &k), -1);

	memset(&k, 0, sizeof(k));
	k.ncmdargs = 2, k.cmdargs = bad_cmd;
	CHECK_INT(key_canonical(&sb, &k), -1);
	CHECK(strstr(err_msg(), "UTF-8") != NULL);

	memset(&k, 0, sizeof(k));
	art.name = "m";
	art.artifact_type = map("schemaTitle", S("a"), "instanceSchema", S("b"), NULL);
	art.metadata = NULL;
	k.noutarts = 1, k.outarts = &art;
	CHECK_INT(key_canonical(&sb, &k), -1);
	CHECK(strstr(err_msg(), "'m'") != NULL);
	art.artifact_type = map("schemaTitle", N(1), NULL);
	CHECK_INT(key_canonical(&sb, &k), -1);
	art.artifact_type = NULL;
	art.metadata = list(NULL);
	CHECK_INT(key_canonical(&sb, &k), -1);
	CHECK_STR(sb_str(&sb), "keep");
	sb_release(&sb);
}

static void test_sort_pvc(void)
{
	const char *names[] = { "pvc-b", "pvc-a", "pvc-b", "pvc-c", "pvc-a" };
	const char *one[] = { "only" };
	const char *order[] = { "b", "B", "a-", "a" };

	CHECK_INT(key_sort_pvc(names, 5), 3);
	CHECK_STR(names[0], "pvc-a");
	CHECK_STR(names[1], "pvc-b");
	CHECK_STR(names[2], "pvc-c");
	CHECK_INT(key_sort_pvc(one, 1), 1);
	CHECK_STR(one[0], "only");
	CHECK_INT(key_sort_pvc(NULL, 0), 0);
	/* sort.Strings is byte order: upper case first, prefixes first. */
	CHECK_INT(key_sort_pvc(order, 4), 4);
	CHECK_STR(order[0], "B");
	CHECK_STR(order[1], "a");
	CHECK_STR(order[2], "a-");
	CHECK_STR(order[3], "b");
}

int main(void)
{
	arena_init(&A);
	TEST(test_number_format);
	TEST(test_number_errors);
	TEST(test_string_escapes);
	TEST(test_string_invalid_utf8);
	TEST(test_canon_json);
	TEST(test_vector_c1);
	TEST(test_vector_c2);
	TEST(test_vector_pvc);
	TEST(test_vector_c3);
	TEST(test_vector_c4);
	TEST(test_vector_env);
	TEST(test_custom_key);
	TEST(test_compiled_hello_world);
	TEST(test_compiled_parameter_cache);
	TEST(test_compiled_artifact_cache);
	TEST(test_key_presence);
	TEST(test_key_errors);
	TEST(test_sort_pvc);
	arena_release(&A);
	return T_DONE();
}
