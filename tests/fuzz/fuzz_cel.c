/*
 * fuzz_cel.c - the trigger-condition evaluator (model/cel.h) on arbitrary
 * bytes.  Inputs are looked up by their first letter (s: a string, n: a
 * number, b: a bool, z: null, l/m: a list/map, u: unknown, anything else:
 * absent).  Checks: the answer and its error agree, positions fall inside
 * the expression, evaluation is deterministic, cel_inputs fails exactly on
 * syntax errors and lists distinct names, and for a condition that
 * evaluates, !(E) negates it while (E) && false and (E) || true are decided.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "base/util.h"
#include "model/cel.h"
#include "base/banned.h"

#define CHECK(c) do { if (!(c)) die("fuzz_cel: %s (line %d)", #c, __LINE__); } while (0)

static int lookup(void *ctx, const char *name, size_t len, struct cel_value *out)
{
	(void)ctx;
	CHECK(name[len] == '\0');
	memset(out, 0, sizeof(*out));
	switch (len ? name[0] : 0) {
	case 's': out->kind = CEL_VAL_STRING; out->s = name + 1; out->len = len - 1; break;
	case 'n': out->kind = CEL_VAL_DOUBLE; out->d = (double)len - 3.5 * (len & 1); break;
	case 'b': out->kind = CEL_VAL_BOOL; out->b = len & 1; break;
	case 'z': out->kind = CEL_VAL_NULL; break;
	case 'l': out->kind = CEL_VAL_LIST; break;
	case 'm': out->kind = CEL_VAL_MAP; break;
	case 'u': out->kind = CEL_VAL_UNKNOWN; break;
	default: return CEL_ABSENT;
	}
	return 0;
}

struct seen {
	char **names;
	size_t *lens, n, alloc, lens_alloc;
};

static void collect(void *ctx, const char *name, size_t len)
{
	struct seen *s = ctx;
	size_t i;

	CHECK(name[len] == '\0');
	for (i = 0; i < s->n; i++)
		CHECK(s->lens[i] != len || memcmp(s->names[i], name, len));
	KC_GROW(s->names, s->alloc, s->n + 1);
	KC_GROW(s->lens, s->lens_alloc, s->n + 1);
	s->names[s->n] = xmalloc(len + 1);
	memcpy(s->names[s->n], name, len + 1);
	s->lens[s->n++] = len;
}

static enum cel_truth eval(const char *s, size_t len, struct cel_error *err)
{
	enum cel_truth t = cel_eval(s, len, lookup, NULL, err);

	CHECK(t <= CEL_ERROR);
	CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	switch (t) {
	case CEL_TRUE:
	case CEL_FALSE:
		CHECK(err->kind == CEL_ERR_NONE);
		break;
	case CEL_UNKNOWN:
		CHECK(err->kind == CEL_ERR_NONE || err->kind == CEL_ERR_UNSUPPORTED);
		break;
	case CEL_ERROR:
		CHECK(err->kind >= CEL_ERR_SYNTAX && err->kind <= CEL_ERR_LEGACY);
		CHECK(err->msg[0] != '\0');
		break;
	}
	CHECK(err->pos <= len);
	return t;
}

static bool hit_limit(enum cel_truth t, const struct cel_error *err)
{
	return t == CEL_ERROR && err->kind == CEL_ERR_SYNTAX && strstr(err->msg, "limit");
}

/* The metamorphic checks: wrap the expression (a newline ends a trailing
 * // comment) and compare. */
static void wrapped(const char *expr, size_t len, enum cel_truth t)
{
	static const struct { const char *head, *tail; } forms[] = {
		{ "!(", "\n)" }, { "(", "\n) && false" }, { "false && (", "\n)" },
		{ "(", "\n) || true" }, { "true || (", "\n)" },
	};
	struct strbuf sb = STRBUF_INIT;
	struct cel_error err;
	enum cel_truth w, want;
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(forms); i++) {
		sb_reset(&sb);
		sb_adds(&sb, forms[i].head);
		sb_add(&sb, expr, len);
		sb_adds(&sb, forms[i].tail);
		w = eval(sb.buf, sb.len, &err);
		if (hit_limit(w, &err))
			continue;
		if (i == 0)
			want = t == CEL_TRUE ? CEL_FALSE : t == CEL_FALSE ? CEL_TRUE : t;
		else
			want = i < 3 ? CEL_FALSE : CEL_TRUE;
		if (w != want)
			die("fuzz_cel: '%s' is %s but '%s' is %s", expr, cel_truth_name(t), sb.buf,
			    cel_truth_name(w));
	}
	sb_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct cel_error e1, e2, ei;
	struct seen seen = { NULL, NULL, 0, 0, 0 };
	enum cel_truth t;
	char *nul;
	int r;

	t = eval(s, size, &e1);
	CHECK(eval(s, size, &e2) == t);
	CHECK(e1.kind == e2.kind && e1.pos == e2.pos && !strcmp(e1.msg, e2.msg));

	r = cel_inputs(s, size, collect, &seen, &ei);
	CHECK(r == 0 || r == -1);
	CHECK((r < 0) == (t == CEL_ERROR && e1.kind == CEL_ERR_SYNTAX));
	if (r < 0)
		CHECK(ei.kind == e1.kind && ei.pos == e1.pos && !strcmp(ei.msg, e1.msg));
	while (seen.n)
		free(seen.names[--seen.n]);
	free(seen.names);
	free(seen.lens);

	if (t != CEL_ERROR) {
		nul = xstrndup(s, size);
		if (strlen(nul) == size)        /* die() prints it */
			wrapped(nul, size, t);
		free(nul);
	}
	return 0;
}
