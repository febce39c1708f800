/*
 * cel.c - static three-valued evaluation of a triggerPolicy.condition (see
 * cel.h).  One recursive-descent pass parses, type-checks and evaluates,
 * following cel-go as KFP's driver calls it (driver/container.go:88-90,
 * driver/dag.go:84-86 -> backend/src/v2/expression/expression.go:134-162).
 */

/*
 * Choices, and where they come from:
 * - cel-go version: KFP 2.14.0-2.16.1 vendor v0.25.0, 2.17.0 v0.27.0 (their
 *   go.mod); what is modelled here reads the same in both.
 * - Two kinds of type error.  The checker (cel.Env.Compile, expression.go:135)
 *   rejects statically mistyped operands wherever they stand: 'a' == 1,
 *   int(x) == 1.0, int(x) < 1.5 (KFP does not enable
 *   cel.CrossTypeNumericComparisons).  Such a condition is CEL_ERR_TYPE and
 *   no && or || absorbs it.  parameter_values entries are dyn, so with them
 *   the runtime decides: == across types is false (int and double compare
 *   by value), ordering across types is a "no such overload" error, and an
 *   error is a value that && / || absorb (interpretable.go:297-327).
 * - Unknown (a value not known before the run) may be any value: it wins
 *   over an error in && and ||, and loses to one in a comparison.
 * - Positions are byte offsets (cel-go reports line:column in code points).
 * - Parsed but not modelled (result unknown, CEL_ERR_UNSUPPORTED):
 *   arithmetic, in, lists, maps, uint and bytes literals, member calls,
 *   size() and the other standard functions, outputs, inputs.artifacts.
 */
#include "model/cel.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

/*
 * Static types, as cel-go's checker sees them.  The context proto is
 * ml_pipelines.ExecutorInput (expression.go:59), so `inputs` is its Inputs
 * message; parameter_values is map<string, google.protobuf.Value>, whose
 * values the checker types as dyn; the deprecated `parameters` is
 * map<string, ml_pipelines.Value> (pipeline_spec.proto:1019-1029, 949-958).
 * T_OTHER is anything not modelled (outputs, artifacts, uint, bytes, lists,
 * maps): it checks like dyn so it never causes a type error of its own.
 */
enum ty {
	T_DYN,
	T_OTHER,
	T_BOOL,
	T_INT,
	T_DOUBLE,
	T_STRING,
	T_NULL,
	T_INPUTS,
	T_PMAP,
	T_LMAP,
	T_PVALUE
};

static const char *const ty_names[] = {
	[T_DYN] = "dyn", [T_OTHER] = "dyn", [T_BOOL] = "bool", [T_INT] = "int",
	[T_DOUBLE] = "double", [T_STRING] = "string", [T_NULL] = "null_type",
	[T_INPUTS] = "ml_pipelines.ExecutorInput.Inputs",
	[T_PMAP] = "map(string, google.protobuf.Value)",
	[T_LMAP] = "map(string, ml_pipelines.Value)",
	[T_PVALUE] = "ml_pipelines.Value",
};

/* A subexpression: its static type and its value; err non-NULL means the
 * value is a CEL error (an evaluation error, kept as a value because && and
 * || may absorb it). */
struct term {
	enum ty ty;
	struct cel_value v;
	const struct cel_error *err;
	size_t pos;
};

enum tok_kind { TK_EOF, TK_IDENT, TK_INT, TK_UINT, TK_DOUBLE, TK_STRING, TK_BYTES, TK_PUNCT };

struct tok {
	enum tok_kind kind;
	size_t start, end;
	const char *s;          /* identifier (not NUL-terminated) or decoded string */
	size_t len;
	uint64_t u;             /* TK_INT magnitude, TK_UINT value */
	double d;
	char op[3];             /* TK_PUNCT */
};

struct name_ref {
	const char *s;
	size_t len;
};

struct parser {
	const char *src;
	size_t len, pos;
	int depth;
	struct tok tok;         /* the token at tok_at, once lexed */
	size_t tok_at;
	bool have_tok;
	struct arena arena;     /* decoded strings, error values */
	struct strbuf scratch;  /* a string literal being decoded */
	cel_lookup_fn *lookup;
	void *ctx;
	jmp_buf fail;           /* a syntax error abandons the parse */
	struct cel_error syntax;
	struct cel_error type;  /* the first type error; parsing goes on */
	struct cel_error unsupported;
	struct name_ref *names; /* distinct parameter_values keys, for cel_inputs */
	size_t nnames, names_alloc;
};

static const char *const truth_names[] = { "false", "true", "unknown", "error" };
static const char *const kind_names[] = {
	"null", "bool", "int", "double", "string", "list", "map", "unknown"
};
static const char *const err_kind_names[] = {
	"none", "syntax", "type", "eval", "legacy", "unsupported"
};

const char *cel_truth_name(enum cel_truth t)
{
	return (size_t)t < KC_ARRAY_SIZE(truth_names) ? truth_names[t] : "?";
}

const char *cel_value_kind_name(enum cel_value_kind k)
{
	return (size_t)k < KC_ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

const char *cel_error_kind_name(enum cel_error_kind k)
{
	return (size_t)k < KC_ARRAY_SIZE(err_kind_names) ? err_kind_names[k] : "?";
}

static void error_vfill(struct cel_error *e, enum cel_error_kind kind, size_t pos,
			const char *fmt, va_list ap) KC_PRINTF(4, 0);
static void error_vfill(struct cel_error *e, enum cel_error_kind kind, size_t pos,
			const char *fmt, va_list ap)
{
	e->kind = kind;
	e->pos = pos;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

/*
 * A syntax error ends the parse at once: longjmp back to parse_all, which
 * owns every resource (the arena and the name list), so nothing leaks.
 */
KC_NORETURN static void syntax_error(struct parser *p, size_t pos, const char *fmt, ...)
	KC_PRINTF(3, 4);
static void syntax_error(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vfill(&p->syntax, CEL_ERR_SYNTAX, pos, fmt, ap);
	va_end(ap);
	longjmp(p->fail, 1);
}

static void note(struct cel_error *e, enum cel_error_kind kind, size_t pos, const char *fmt, ...)
	KC_PRINTF(4, 5);
static void note(struct cel_error *e, enum cel_error_kind kind, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (e->kind != CEL_ERR_NONE)
		return;         /* keep the first */
	va_start(ap, fmt);
	error_vfill(e, kind, pos, fmt, ap);
	va_end(ap);
}

static struct term unknown_at(size_t pos, enum ty ty)
{
	struct term t = { .ty = ty, .pos = pos };

	t.v.kind = CEL_VAL_UNKNOWN;
	return t;
}

/* A type error: recorded (the first wins), and the term becomes a dyn
 * unknown so one mistake does not cascade. */
static struct term type_error(struct parser *p, size_t pos, const char *fmt, ...) KC_PRINTF(3, 4);
static struct term type_error(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->type.kind == CEL_ERR_NONE) {
		va_start(ap, fmt);
		error_vfill(&p->type, CEL_ERR_TYPE, pos, fmt, ap);
		va_end(ap);
	}
	return unknown_at(pos, T_DYN);
}

static struct term unsupported(struct parser *p, size_t pos, const char *what)
{
	note(&p->unsupported, CEL_ERR_UNSUPPORTED, pos, "%s is beyond the modelled CEL subset", what);
	return unknown_at(pos, T_OTHER);
}

static struct term eval_error(struct parser *p, enum ty ty, size_t pos, enum cel_error_kind kind,
			      const char *fmt, ...) KC_PRINTF(5, 6);
static struct term eval_error(struct parser *p, enum ty ty, size_t pos, enum cel_error_kind kind,
			      const char *fmt, ...)
{
	struct cel_error *e = arena_alloc(&p->arena, sizeof(*e));
	struct term t = unknown_at(pos, ty);
	va_list ap;

	va_start(ap, fmt);
	error_vfill(e, kind, pos, fmt, ap);
	va_end(ap);
	t.err = e;
	return t;
}

/* cel-go's "no such overload" for a function applied to runtime values. */
static struct term no_overload(struct parser *p, enum ty ty, size_t pos, const char *fn,
			       const struct term *a, const struct term *b)
{
	if (!b)
		return eval_error(p, ty, pos, CEL_ERR_EVAL, "no such overload for '%s' applied to '(%s)'",
				  fn, cel_value_kind_name(a->v.kind));
	return eval_error(p, ty, pos, CEL_ERR_EVAL, "no such overload for '%s' applied to '(%s, %s)'",
			  fn, cel_value_kind_name(a->v.kind), cel_value_kind_name(b->v.kind));
}

static struct term type_mismatch(struct parser *p, size_t pos, const char *fn, enum ty a, enum ty b)
{
	return type_error(p, pos, "found no matching overload for '%s' applied to '(%s, %s)'",
			  fn, ty_names[a], ty_names[b]);
}

/* ---- lexing ---------------------------------------------------------- */

static bool is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_space(const struct parser *p, size_t i)
{
	while (i < p->len) {
		char c = p->src[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			i++;
		} else if (c == '/' && i + 1 < p->len && p->src[i + 1] == '/') {
			while (i < p->len && p->src[i] != '\n')
				i++;
		} else {
			break;
		}
	}
	return i;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One escape after the backslash at src[*i - 1]; CEL's escapes (the
 * language definition, "String and Bytes Values").  Appends to out. */
static size_t lex_escape(struct parser *p, size_t *i, char *out, bool bytes)
{
	size_t at = *i - 1, n = 0, k;
	uint32_t cp = 0;
	char c;

	if (*i >= p->len)
		syntax_error(p, at, "unterminated string literal");
	c = p->src[(*i)++];
	switch (c) {
	case '\\': case '?': case '"': case '\'': case '`':
		out[0] = c;
		return 1;
	case 'a': out[0] = '\a'; return 1;
	case 'b': out[0] = '\b'; return 1;
	case 'f': out[0] = '\f'; return 1;
	case 'n': out[0] = '\n'; return 1;
	case 'r': out[0] = '\r'; return 1;
	case 't': out[0] = '\t'; return 1;
	case 'v': out[0] = '\v'; return 1;
	case 'x': case 'X': n = 2; break;
	case 'u': n = 4; break;
	case 'U': n = 8; break;
	default:
		if (c >= '0' && c <= '3') {
			cp = (uint32_t)(c - '0');
			for (k = 0; k < 2; k++) {
				if (*i >= p->len || p->src[*i] < '0' || p->src[*i] > '7')
					syntax_error(p, at, "invalid octal escape");
				cp = cp * 8 + (uint32_t)(p->src[(*i)++] - '0');
			}
			goto done;
		}
		syntax_error(p, at, "invalid escape sequence '\\%c'", c);
	}
	if (bytes && n > 2)
		syntax_error(p, at, "unicode escape in a bytes literal");
	for (k = 0; k < n; k++) {
		int h = *i < p->len ? kc_hex_value((unsigned char)p->src[*i]) : -1;
		if (h < 0)
			syntax_error(p, at, "invalid hex escape");
		cp = cp * 16 + (uint32_t)h;
		(*i)++;
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		syntax_error(p, at, "invalid unicode code point in escape");
done:
	if (bytes) {
		out[0] = (char)cp;
		return 1;
	}
	return put_utf8(out, cp);
}

/* A string or bytes literal at src[i] after its prefix: '…', "…", '''…''',
 * """…""", raw when `raw`.  Decoded in p->scratch, then copied to the arena. */
static void lex_string(struct parser *p, size_t i, bool raw, bool bytes, struct tok *t)
{
	char q = p->src[i], enc[4];
	bool triple = i + 2 < p->len && p->src[i + 1] == q && p->src[i + 2] == q;

	sb_reset(&p->scratch);
	i += triple ? 3 : 1;
	for (;;) {
		if (i >= p->len)
			syntax_error(p, t->start, "unterminated string literal");
		if (p->src[i] == q && (!triple || (i + 2 < p->len && p->src[i + 1] == q &&
						    p->src[i + 2] == q))) {
			i += triple ? 3 : 1;
			break;
		}
		if (!triple && (p->src[i] == '\n' || p->src[i] == '\r'))
			syntax_error(p, t->start, "unterminated string literal");
		if (p->src[i] == '\\' && !raw) {
			i++;
			sb_add(&p->scratch, enc, lex_escape(p, &i, enc, bytes));
		} else {
			sb_addc(&p->scratch, p->src[i++]);
		}
	}
	t->kind = bytes ? TK_BYTES : TK_STRING;
	t->len = p->scratch.len;
	t->s = arena_strndup(&p->arena, sb_str(&p->scratch), t->len);
	t->end = i;
}

/* digits[0..n) as a uint64; false on overflow. */
static bool decimal_u64(const char *digits, size_t n, uint64_t *out)
{
	uint64_t u = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		uint64_t d = (uint64_t)(digits[k] - '0');
		if (u > (UINT64_MAX - d) / 10)
			return false;
		u = u * 10 + d;
	}
	*out = u;
	return true;
}

/* A number: int (decimal or 0x hex), uint with a u suffix, or double
 * (CEL's NUM_FLOAT: digits with a fraction and/or exponent, or .digits). */
static void lex_number(struct parser *p, size_t i, struct tok *t)
{
	const char *s = p->src;
	size_t j = i;
	bool hex = s[i] == '0' && i + 1 < p->len && (s[i + 1] == 'x' || s[i + 1] == 'X');
	bool is_float = false;
	uint64_t u = 0;

	if (hex) {
		j += 2;
		if (j >= p->len || kc_hex_value((unsigned char)s[j]) < 0)
			syntax_error(p, i, "invalid hex literal");
		for (; j < p->len && kc_hex_value((unsigned char)s[j]) >= 0; j++) {
			if (u > UINT64_MAX >> 4)
				syntax_error(p, i, "invalid int literal");
			u = u << 4 | (uint64_t)kc_hex_value((unsigned char)s[j]);
		}
	} else {
		while (j < p->len && is_digit(s[j]))
			j++;
		if (j + 1 < p->len && s[j] == '.' && is_digit(s[j + 1])) {
			is_float = true;
			for (j++; j < p->len && is_digit(s[j]); j++)
				;
		}
		if (j < p->len && (s[j] == 'e' || s[j] == 'E')) {
			size_t k = j + 1;
			if (k < p->len && (s[k] == '+' || s[k] == '-'))
				k++;
			if (k < p->len && is_digit(s[k])) {
				is_float = true;
				for (j = k; j < p->len && is_digit(s[j]); j++)
					;
			}
		}
	}
	t->start = i;
	t->end = j;
	if (is_float) {
		char *buf = arena_strndup(&p->arena, s + i, j - i);
		t->kind = TK_DOUBLE;
		t->d = strtod(buf, NULL);   /* out of range gives ±inf, as Go's ParseFloat value */
		return;
	}
	if (!hex && !decimal_u64(s + i, j - i, &u))
		syntax_error(p, i, "invalid int literal");
	t->u = u;
	t->kind = TK_INT;
	if (j < p->len && (s[j] == 'u' || s[j] == 'U')) {
		t->kind = TK_UINT;
		t->end = j + 1;
	}
}

static const char *const puncts[] = {
	"==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", "{", "}",
	".", ",", ":", "?", "-", "+", "*", "/", "%",
};

/* r'…' b'…' rb'…' br'…' (either case) are string prefixes. */
static bool string_prefix(const char *s, size_t n, bool *raw, bool *bytes)
{
	size_t k;

	if (n > 2)
		return false;
	for (k = 0; k < n; k++) {
		if ((s[k] == 'r' || s[k] == 'R') && !*raw)
			*raw = true;
		else if ((s[k] == 'b' || s[k] == 'B') && !*bytes)
			*bytes = true;
		else
			return false;
	}
	return true;
}

static void lex_at(struct parser *p, size_t i, struct tok *t)
{
	const char *s = p->src;
	size_t k;

	memset(t, 0, sizeof(*t));
	i = skip_space(p, i);
	t->start = t->end = i;
	if (i >= p->len) {
		t->kind = TK_EOF;
		return;
	}
	if (is_ident_start((unsigned char)s[i])) {
		size_t j = i, plen;
		bool raw = false, bytes = false;

		while (j < p->len && (is_ident_start((unsigned char)s[j]) || is_digit(s[j])))
			j++;
		plen = j - i;
		if (j < p->len && (s[j] == '\'' || s[j] == '"') && string_prefix(s + i, plen, &raw, &bytes)) {
			lex_string(p, j, raw, bytes, t);
			return;
		}
		t->kind = TK_IDENT;
		t->s = s + i;
		t->len = plen;
		t->end = j;
		return;
	}
	if (is_digit(s[i]) || (s[i] == '.' && i + 1 < p->len && is_digit(s[i + 1]))) {
		lex_number(p, i, t);
		return;
	}
	if (s[i] == '\'' || s[i] == '"') {
		lex_string(p, i, false, false, t);
		return;
	}
	for (k = 0; k < KC_ARRAY_SIZE(puncts); k++) {
		size_t n = strlen(puncts[k]);
		if (i + n <= p->len && !memcmp(s + i, puncts[k], n)) {
			t->kind = TK_PUNCT;
			memcpy(t->op, puncts[k], n);
			t->end = i + n;
			return;
		}
	}
	if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
		syntax_error(p, i, "unexpected character '%c'", s[i]);
	syntax_error(p, i, "unexpected byte 0x%02x", (unsigned char)s[i]);
}

static const struct tok *peek(struct parser *p)
{
	if (!p->have_tok || p->tok_at != p->pos) {
		lex_at(p, p->pos, &p->tok);
		p->tok_at = p->pos;
		p->have_tok = true;
	}
	return &p->tok;
}

static struct tok next(struct parser *p)
{
	struct tok t = *peek(p);

	p->pos = t.end;
	return t;
}

static bool is_op(const struct tok *t, const char *op)
{
	return t->kind == TK_PUNCT && !strcmp(t->op, op);
}

static bool accept(struct parser *p, const char *op)
{
	if (!is_op(peek(p), op))
		return false;
	next(p);
	return true;
}

static void describe_tok(const struct tok *t, char *buf, size_t n)
{
	if (t->kind == TK_EOF)
		snprintf(buf, n, "end of expression");
	else if (t->kind == TK_PUNCT)
		snprintf(buf, n, "'%s'", t->op);
	else if (t->kind == TK_IDENT)
		snprintf(buf, n, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->s);
	else
		snprintf(buf, n, "a literal");
}

KC_NORETURN static void unexpected(struct parser *p, const char *wanted);
static void unexpected(struct parser *p, const char *wanted)
{
	const struct tok *t = peek(p);
	char what[64];

	describe_tok(t, what, sizeof(what));
	if (wanted)
		syntax_error(p, t->start, "expected %s, found %s", wanted, what);
	syntax_error(p, t->start, "unexpected %s", what);
}

static void expect(struct parser *p, const char *op)
{
	char want[8];

	if (accept(p, op))
		return;
	snprintf(want, sizeof(want), "'%s'", op);
	unexpected(p, want);
}

/* ---- values -------------------------------------------------------------- */

static bool ty_is_dyn(enum ty t)
{
	return t == T_DYN || t == T_OTHER;
}

static bool val_is_bool(const struct term *t, bool b)
{
	return !t->err && t->v.kind == CEL_VAL_BOOL && t->v.b == b;
}

static struct term bool_term(size_t pos, bool b)
{
	struct term t = { .ty = T_BOOL, .pos = pos };

	t.v.kind = CEL_VAL_BOOL;
	t.v.b = b;
	return t;
}

/* An operand that decides nothing yet: an error (the left one first, as
 * cel-go's evalBinary) or an unknown.  Returns NULL when both are values. */
static const struct term *pending(const struct term *a, const struct term *b)
{
	if (a->err)
		return a;
	if (b && b->err)
		return b;
	if (a->v.kind == CEL_VAL_UNKNOWN)
		return a;
	if (b && b->v.kind == CEL_VAL_UNKNOWN)
		return b;
	return NULL;
}

static struct term carry(const struct term *from, enum ty ty, size_t pos)
{
	struct term t = *from;

	t.ty = ty;
	t.pos = pos;
	return t;
}

/* cel-go common/types/compare.go:23-31: a double against an int. */
static int cmp_double_int(double d, int64_t i)
{
	double di = (double)i;

	if (d < -9223372036854775808.0)
		return -1;
	if (d > 9223372036854775808.0)
		return 1;
	return d < di ? -1 : d > di ? 1 : 0;
}

static int cmp_bytes(const struct cel_value *a, const struct cel_value *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->s, b->s, n) : 0;

	if (c)
		return c < 0 ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

/*
 * Runtime equality, cel-go common/types/util.go:41-48 (null equals only
 * null) and each type's Equal: numbers compare across int and double, NaN
 * equals nothing, values of different types are simply not equal (false,
 * not an error: the checker is what rejects 'a' == 1).  Opaque lists and
 * maps compare as unknown.  Returns 0/1, or -1 for unknown.
 */
static int value_equal(const struct cel_value *a, const struct cel_value *b)
{
	if (a->kind == CEL_VAL_NULL || b->kind == CEL_VAL_NULL)
		return a->kind == b->kind;
	if (a->kind == CEL_VAL_INT && b->kind == CEL_VAL_DOUBLE)
		return !isnan(b->d) && cmp_double_int(b->d, a->i) == 0;
	if (a->kind == CEL_VAL_DOUBLE && b->kind == CEL_VAL_INT)
		return !isnan(a->d) && cmp_double_int(a->d, b->i) == 0;
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case CEL_VAL_BOOL: return a->b == b->b;
	case CEL_VAL_INT: return a->i == b->i;
	case CEL_VAL_DOUBLE: return a->d == b->d;
	case CEL_VAL_STRING: return cmp_bytes(a, b) == 0;
	default: return -1;
	}
}

/*
 * Runtime ordering, each type's Compare in cel-go (double.go:53-70,
 * int.go:65-79, bool.go:45-57, string.go): int and double order against
 * each other at run time, NaN cannot be ordered, anything else mixed is
 * "no such overload".  Returns -1/0/1, or 2 for an error with *why set.
 */
static int value_compare(const struct cel_value *a, const struct cel_value *b, const char **why)
{
	*why = "no such overload";
	switch (a->kind) {
	case CEL_VAL_INT:
		if (b->kind == CEL_VAL_INT)
			return a->i < b->i ? -1 : a->i > b->i;
		if (b->kind == CEL_VAL_DOUBLE) {
			if (isnan(b->d))
				break;
			return -cmp_double_int(b->d, a->i);
		}
		return 2;
	case CEL_VAL_DOUBLE:
		if (isnan(a->d) || (b->kind == CEL_VAL_DOUBLE && isnan(b->d)))
			break;
		if (b->kind == CEL_VAL_DOUBLE)
			return a->d < b->d ? -1 : a->d > b->d;
		if (b->kind == CEL_VAL_INT)
			return cmp_double_int(a->d, b->i);
		return 2;
	case CEL_VAL_STRING:
		return b->kind == CEL_VAL_STRING ? cmp_bytes(a, b) : 2;
	case CEL_VAL_BOOL:
		return b->kind == CEL_VAL_BOOL ? (int)a->b - (int)b->b : 2;
	default:
		return 2;
	}
	*why = "NaN values cannot be ordered";
	return 2;
}

/* ---- conversions (cel-go's ConvertToType of each type) ------------------ */

/* Go's strconv.ParseInt(s, 10, 64): an optional sign, decimal digits,
 * nothing else (no spaces, no underscores). */
static bool parse_go_int(const char *s, size_t len, int64_t *out)
{
	size_t i = 0, k;
	bool neg = false;
	uint64_t u;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == len)
		return false;
	for (k = i; k < len; k++)
		if (!is_digit(s[k]))
			return false;
	if (!decimal_u64(s + i, len - i, &u) || u > (uint64_t)INT64_MAX + neg)
		return false;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

static bool ascii_ieq(const char *s, size_t len, const char *word)
{
	size_t i;

	if (strlen(word) != len)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		if (c != word[i])
			return false;
	}
	return true;
}

/* Go's strconv.ParseFloat(s, 64) grammar: [+-] then inf/infinity/nan (any
 * case), decimal digits with an optional fraction and exponent, or a hex
 * mantissa with a mandatory p exponent.  Overflow is an error (ErrRange).
 * Not modelled: Go's underscores between digits of a 0x form. */
static bool parse_go_double(struct parser *p, const char *s, size_t len, double *out)
{
	size_t i = 0, digits = 0;
	bool hex = false;
	char *buf, *end;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (ascii_ieq(s + i, len - i, "inf") || ascii_ieq(s + i, len - i, "infinity") ||
	    ascii_ieq(s + i, len - i, "nan")) {
		*out = ascii_ieq(s + i, len - i, "nan") ? NAN : s[0] == '-' ? -INFINITY : INFINITY;
		return true;
	}
	if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		hex = true;
		i += 2;
	}
	for (; i < len && (hex ? kc_hex_value((unsigned char)s[i]) >= 0 : is_digit(s[i])); i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && (hex ? kc_hex_value((unsigned char)s[i]) >= 0 : is_digit(s[i])); i++)
			digits++;
	if (!digits)
		return false;
	if (i < len && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == len || !is_digit(s[i]))
			return false;
		while (i < len && is_digit(s[i]))
			i++;
	} else if (hex) {
		return false;
	}
	if (i != len)
		return false;
	buf = arena_strndup(&p->arena, s, len);
	errno = 0;
	*out = strtod(buf, &end);
	return !(errno == ERANGE && isinf(*out));
}

/* Go's fmt %g of a float64 (cel-go double.go:141): the shortest digits that
 * read back exactly, in %e form when the exponent is < -4 or >= 6
 * (strconv's eprec for the shortest form), else plain. */
static void format_go_g(double d, char *out, size_t n)
{
	char buf[40];
	int prec, exp;

	if (isnan(d)) {
		snprintf(out, n, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(out, n, d < 0 ? "-Inf" : "+Inf");
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
	exp = (int)strtol(strchr(buf, 'e') + 1, NULL, 10);
	if (exp < -4 || exp >= 6)
		snprintf(out, n, "%s", buf);
	else
		snprintf(out, n, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, d);
}

enum conv { CONV_INT, CONV_DOUBLE, CONV_STRING, CONV_DYN };

static const struct {
	const char *name;
	enum ty result;
	unsigned accepts;       /* static argument types, as bits of enum ty */
} convs[] = {
	[CONV_INT] = { "int", T_INT, 1u << T_INT | 1u << T_DOUBLE | 1u << T_STRING },
	[CONV_DOUBLE] = { "double", T_DOUBLE, 1u << T_INT | 1u << T_DOUBLE | 1u << T_STRING },
	[CONV_STRING] = { "string", T_STRING,
			  1u << T_INT | 1u << T_DOUBLE | 1u << T_STRING | 1u << T_BOOL },
	[CONV_DYN] = { "dyn", T_DYN, ~0u },
};

static struct term convert_value(struct parser *p, enum conv c, const struct term *a, size_t pos)
{
	const struct cel_value *v = &a->v;
	struct term t = { .ty = convs[c].result, .pos = pos };
	char num[40];

	t.v.kind = c == CONV_INT ? CEL_VAL_INT : c == CONV_DOUBLE ? CEL_VAL_DOUBLE : CEL_VAL_STRING;
	if (c == CONV_INT && v->kind == CEL_VAL_INT) {
		t.v.i = v->i;
	} else if (c == CONV_INT && v->kind == CEL_VAL_DOUBLE) {
		/* overflow.go:302-307: NaN, inf and |d| >= 2^63 are range errors */
		if (isnan(v->d) || v->d <= -9223372036854775808.0 || v->d >= 9223372036854775807.0)
			return eval_error(p, t.ty, pos, CEL_ERR_EVAL, "integer overflow converting %g to int", v->d);
		t.v.i = (int64_t)v->d;
	} else if (c == CONV_INT && v->kind == CEL_VAL_STRING) {
		if (!parse_go_int(v->s, v->len, &t.v.i))
			return eval_error(p, t.ty, pos, CEL_ERR_EVAL,
					  "type conversion error from 'string' to 'int': '%.*s'",
					  (int)(v->len > 40 ? 40 : v->len), v->s);
	} else if (c == CONV_DOUBLE && (v->kind == CEL_VAL_INT || v->kind == CEL_VAL_DOUBLE)) {
		t.v.d = v->kind == CEL_VAL_INT ? (double)v->i : v->d;
	} else if (c == CONV_DOUBLE && v->kind == CEL_VAL_STRING) {
		if (!parse_go_double(p, v->s, v->len, &t.v.d))
			return eval_error(p, t.ty, pos, CEL_ERR_EVAL,
					  "type conversion error from 'string' to 'double': '%.*s'",
					  (int)(v->len > 40 ? 40 : v->len), v->s);
	} else if (c == CONV_STRING && v->kind == CEL_VAL_STRING) {
		t.v.s = v->s;
		t.v.len = v->len;
	} else if (c == CONV_STRING && v->kind != CEL_VAL_NULL && v->kind != CEL_VAL_LIST &&
		   v->kind != CEL_VAL_MAP) {
		if (v->kind == CEL_VAL_BOOL)
			snprintf(num, sizeof(num), "%s", v->b ? "true" : "false");
		else if (v->kind == CEL_VAL_INT)
			snprintf(num, sizeof(num), "%lld", (long long)v->i);
		else
			format_go_g(v->d, num, sizeof(num));
		t.v.s = arena_strdup(&p->arena, num);
		t.v.len = strlen(num);
	} else {
		return no_overload(p, t.ty, pos, convs[c].name, a, NULL);
	}
	return t;
}

static struct term convert(struct parser *p, enum conv c, const struct term *a, size_t pos)
{
	const struct term *w;

	if (!ty_is_dyn(a->ty) && !(convs[c].accepts >> a->ty & 1u))
		return type_error(p, pos, "found no matching overload for '%s' applied to '(%s)'",
				  convs[c].name, ty_names[a->ty]);
	if (c == CONV_DYN)
		return carry(a, T_DYN, pos);
	if ((w = pending(a, NULL)))
		return carry(w, convs[c].result, pos);
	return convert_value(p, c, a, pos);
}

/* ---- the grammar ---------------------------------------------------------- */

static struct term parse_expr(struct parser *p);

/* inputs.parameter_values[key]: ask the caller (and remember the name). */
static struct term param_value(struct parser *p, const char *name, size_t len, size_t pos)
{
	struct cel_value v = { .kind = CEL_VAL_UNKNOWN };
	struct term t = unknown_at(pos, T_DYN);
	size_t i;
	int r;

	for (i = 0; i < p->nnames; i++)
		if (p->names[i].len == len && !memcmp(p->names[i].s, name, len))
			break;
	if (i == p->nnames) {
		name = arena_strndup(&p->arena, name, len);
		KC_GROW(p->names, p->names_alloc, p->nnames + 1);
		p->names[p->nnames].s = name;
		p->names[p->nnames++].len = len;
	}
	name = p->names[i].s;   /* the NUL-terminated copy */
	r = p->lookup ? p->lookup(p->ctx, name, len, &v) : 0;
	if (r == CEL_ABSENT)
		return eval_error(p, T_DYN, pos, CEL_ERR_EVAL,
				  "no such key: '%.*s' (the task has no such parameter input)",
				  (int)(len > 80 ? 80 : len), name);
	if (v.kind > CEL_VAL_UNKNOWN)
		v.kind = CEL_VAL_UNKNOWN;
	t.v = v;
	return t;
}

/* The fields of the modelled messages (pipeline_spec.proto:949-958,
 * 1019-1029); T_OTHER: a real field, not modelled. */
static const struct {
	enum ty of;
	const char *name;
	enum ty ty;
} fields[] = {
	{ T_INPUTS, "parameter_values", T_PMAP },
	{ T_INPUTS, "parameters", T_LMAP },
	{ T_INPUTS, "artifacts", T_OTHER },
	{ T_PVALUE, "string_value", T_STRING },
	{ T_PVALUE, "int_value", T_INT },
	{ T_PVALUE, "double_value", T_DOUBLE },
};

static bool span_is(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(s, word, len);
}

static struct term select_field(struct parser *p, const struct term *base, const char *field,
				size_t flen, size_t pos)
{
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(fields); i++) {
		if (fields[i].of != base->ty || !span_is(field, flen, fields[i].name))
			continue;
		if (fields[i].ty == T_OTHER)
			return unsupported(p, pos, "this field");
		return carry(base, fields[i].ty, pos);
	}
	return type_error(p, pos, "undefined field '%.*s'", (int)(flen > 80 ? 80 : flen), field);
}

/* An index or a field of one of the modelled messages and maps. */
static struct term member_of(struct parser *p, const struct term *base, const struct term *key,
			     const char *field, size_t flen, size_t pos)
{
	const char *name = key ? key->v.s : field;
	size_t len = key ? key->v.len : flen;

	if (key && (base->ty == T_PMAP || base->ty == T_LMAP)) {
		enum ty elem = base->ty == T_PMAP ? T_DYN : T_PVALUE;
		const struct term *w = pending(key, NULL);
		if (key->ty != T_STRING && !ty_is_dyn(key->ty))
			return type_mismatch(p, pos, "_[_]", base->ty, key->ty);
		if (w)
			return carry(w, elem, pos);
		if (key->v.kind != CEL_VAL_STRING)
			return eval_error(p, elem, pos, CEL_ERR_EVAL, "no such key: a %s key",
					  cel_value_kind_name(key->v.kind));
	}
	if (!key && (base->ty == T_INPUTS || base->ty == T_PVALUE))
		return select_field(p, base, field, flen, pos);
	switch (base->ty) {
	case T_PMAP:
		return param_value(p, name, len, pos);
	case T_LMAP:
		/* The v2 driver fills only parameter_values, so this map is
		 * empty and the lookup fails (kfp-cache-semantics.md §8). */
		return eval_error(p, T_PVALUE, pos, CEL_ERR_LEGACY,
				  "inputs.parameters['%.*s'] is the kfp-1.8 form: the KFP v2 driver fills only "
				  "inputs.parameter_values, so the condition fails (no such key)",
				  (int)(len > 80 ? 80 : len), name);
	case T_DYN:
	case T_OTHER:
		return unsupported(p, pos, key ? "indexing a value" : "selecting a field of a value");
	default:
		break;
	}
	if (key)
		return type_mismatch(p, pos, "_[_]", base->ty, key->ty);
	return type_error(p, pos, "type '%s' has no field '%.*s'", ty_names[base->ty],
			  (int)(flen > 80 ? 80 : flen), field);
}

/* Call arguments up to ')'; returns how many.  *first gets the first. */
static size_t parse_args(struct parser *p, const char *close, struct term *first)
{
	size_t n = 0;

	if (accept(p, close))
		return 0;
	do {
		struct term t = parse_expr(p);
		if (!n++)
			*first = t;
	} while (accept(p, ","));
	expect(p, close);
	return n;
}

static bool ident_is(const struct tok *t, const char *word)
{
	return t->kind == TK_IDENT && span_is(t->s, t->len, word);
}

static const char *const reserved[] = {
	"as", "break", "const", "continue", "else", "for", "function", "if", "import", "in",
	"let", "loop", "package", "namespace", "return", "var", "void", "while",
};

/* Standard functions and type names cel-go declares that are not modelled:
 * valid CEL, so unknown rather than an error. */
static const char *const unmodelled[] = {
	"size", "has", "bool", "uint", "bytes", "timestamp", "duration", "type", "matches",
	"parseJson", "list", "map", "null_type", "optional", "all", "exists", "exists_one",
	"filter",
};

static bool in_list(const struct tok *t, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ident_is(t, list[i]))
			return true;
	return false;
}

static struct term parse_call(struct parser *p, const struct tok *name)
{
	static const char *const conv_names[] = { "int", "double", "string", "dyn" };
	struct term arg = unknown_at(name->start, T_DYN);
	size_t n = parse_args(p, ")", &arg), c;

	for (c = 0; c < KC_ARRAY_SIZE(conv_names); c++) {
		if (!ident_is(name, conv_names[c]))
			continue;
		if (n != 1)
			return type_error(p, name->start, "found no matching overload for '%s' with %zu arguments",
					  conv_names[c], n);
		return convert(p, (enum conv)c, &arg, name->start);
	}
	if (in_list(name, unmodelled, KC_ARRAY_SIZE(unmodelled)))
		return unsupported(p, name->start, "this function");
	return type_error(p, name->start, "undeclared reference to '%.*s'",
			  (int)(name->len > 80 ? 80 : name->len), name->s);
}

static struct term parse_ident(struct parser *p, const struct tok *t)
{
	if (in_list(t, reserved, KC_ARRAY_SIZE(reserved)))
		syntax_error(p, t->start, "reserved identifier '%.*s'", (int)t->len, t->s);
	if (accept(p, "("))
		return parse_call(p, t);
	if (ident_is(t, "true") || ident_is(t, "false"))
		return bool_term(t->start, ident_is(t, "true"));
	if (ident_is(t, "null")) {
		struct term n = { .ty = T_NULL, .pos = t->start };
		n.v.kind = CEL_VAL_NULL;
		return n;
	}
	if (ident_is(t, "inputs"))
		return unknown_at(t->start, T_INPUTS);
	if (ident_is(t, "outputs"))
		return unsupported(p, t->start, "outputs");
	if (in_list(t, unmodelled, KC_ARRAY_SIZE(unmodelled)) || ident_is(t, "int") ||
	    ident_is(t, "double") || ident_is(t, "string") || ident_is(t, "dyn"))
		return unsupported(p, t->start, "a type name");
	return type_error(p, t->start, "undeclared reference to '%.*s'",
			  (int)(t->len > 80 ? 80 : t->len), t->s);
}

static struct term literal(enum ty ty, enum cel_value_kind k, size_t pos)
{
	struct term t = { .ty = ty, .pos = pos };

	t.v.kind = k;
	return t;
}

static struct term parse_primary(struct parser *p)
{
	struct tok t = next(p);
	struct term r, ignored;

	switch (t.kind) {
	case TK_IDENT:
		return parse_ident(p, &t);
	case TK_INT:
		if (t.u > INT64_MAX)
			syntax_error(p, t.start, "invalid int literal");
		r = literal(T_INT, CEL_VAL_INT, t.start);
		r.v.i = (int64_t)t.u;
		return r;
	case TK_DOUBLE:
		r = literal(T_DOUBLE, CEL_VAL_DOUBLE, t.start);
		r.v.d = t.d;
		return r;
	case TK_STRING:
		r = literal(T_STRING, CEL_VAL_STRING, t.start);
		r.v.s = t.s;
		r.v.len = t.len;
		return r;
	case TK_UINT:
		return unsupported(p, t.start, "a uint literal");
	case TK_BYTES:
		return unsupported(p, t.start, "a bytes literal");
	case TK_PUNCT:
		if (!strcmp(t.op, "(")) {
			r = parse_expr(p);
			expect(p, ")");
			return r;
		}
		if (!strcmp(t.op, "[")) {
			parse_args(p, "]", &ignored);
			return unsupported(p, t.start, "a list literal");
		}
		if (!strcmp(t.op, "{")) {
			if (!accept(p, "}")) {
				do {
					parse_expr(p);
					expect(p, ":");
					parse_expr(p);
				} while (accept(p, ","));
				expect(p, "}");
			}
			return unsupported(p, t.start, "a map literal");
		}
		break;
	default:
		break;
	}
	p->pos = t.start;
	unexpected(p, NULL);
}

static struct term parse_member(struct parser *p, struct term base)
{
	for (;;) {
		const struct tok *t = peek(p);
		size_t at = t->start;

		if (is_op(t, ".")) {
			struct tok f;
			struct term ignored;
			next(p);
			f = next(p);
			if (f.kind != TK_IDENT) {
				p->pos = f.start;
				unexpected(p, "a field name");
			}
			if (accept(p, "(")) {
				parse_args(p, ")", &ignored);
				base = unsupported(p, f.start, "a method call");
				continue;
			}
			base = member_of(p, &base, NULL, f.s, f.len, f.start);
		} else if (is_op(t, "[")) {
			struct term key;
			next(p);
			key = parse_expr(p);
			expect(p, "]");
			base = member_of(p, &base, &key, NULL, 0, at);
		} else {
			return base;
		}
	}
}

static struct term negate(struct parser *p, const struct term *a, size_t pos)
{
	struct term t;
	const struct term *w;

	if (!ty_is_dyn(a->ty) && a->ty != T_INT && a->ty != T_DOUBLE)
		return type_error(p, pos, "found no matching overload for '-_' applied to '(%s)'",
				  ty_names[a->ty]);
	if ((w = pending(a, NULL)))
		return carry(w, a->ty, pos);
	t = carry(a, a->ty, pos);
	if (a->v.kind == CEL_VAL_DOUBLE) {
		t.v.d = -a->v.d;
	} else if (a->v.kind == CEL_VAL_INT) {
		if (a->v.i == INT64_MIN)
			return eval_error(p, a->ty, pos, CEL_ERR_EVAL, "integer overflow negating an int");
		t.v.i = -a->v.i;
	} else {
		return no_overload(p, a->ty, pos, "-_", a, NULL);
	}
	return t;
}

static struct term logical_not(struct parser *p, const struct term *a, size_t pos)
{
	const struct term *w;

	if (!ty_is_dyn(a->ty) && a->ty != T_BOOL)
		return type_error(p, pos, "found no matching overload for '!_' applied to '(%s)'",
				  ty_names[a->ty]);
	if ((w = pending(a, NULL)))
		return carry(w, T_BOOL, pos);
	if (a->v.kind != CEL_VAL_BOOL)
		return no_overload(p, T_BOOL, pos, "!_", a, NULL);
	return bool_term(pos, !a->v.b);
}

static void enter(struct parser *p)
{
	if (++p->depth > CEL_MAX_DEPTH)
		syntax_error(p, peek(p)->start, "expression recursion limit exceeded: %d", CEL_MAX_DEPTH);
}

/* Unary ! and -.  A - right before a number belongs to the literal (CEL's
 * grammar: literal: sign=MINUS? NUM_INT), so -9223372036854775808 is an
 * int. */
static struct term parse_unary(struct parser *p)
{
	struct tok op, num;
	struct term t;

	if (!is_op(peek(p), "!") && !is_op(peek(p), "-"))
		return parse_member(p, parse_primary(p));
	op = next(p);
	if (op.op[0] == '-' && (peek(p)->kind == TK_INT || peek(p)->kind == TK_DOUBLE)) {
		num = next(p);
		if (num.kind == TK_DOUBLE) {
			t = literal(T_DOUBLE, CEL_VAL_DOUBLE, op.start);
			t.v.d = -num.d;
		} else {
			if (num.u > (uint64_t)INT64_MAX + 1)
				syntax_error(p, op.start, "invalid int literal");
			t = literal(T_INT, CEL_VAL_INT, op.start);
			t.v.i = (int64_t)(0 - num.u);
		}
		return parse_member(p, t);
	}
	enter(p);
	t = parse_unary(p);
	p->depth--;
	return op.op[0] == '!' ? logical_not(p, &t, op.start) : negate(p, &t, op.start);
}

static const char *const arith_ops[] = { "+", "-", "*", "/", "%" };

static bool is_arith(const struct tok *t)
{
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(arith_ops); i++)
		if (is_op(t, arith_ops[i]))
			return true;
	return false;
}

/* Arithmetic is parsed (so its syntax is checked) but not modelled. */
static struct term parse_arith(struct parser *p)
{
	struct term t = parse_unary(p);

	while (is_arith(peek(p))) {
		size_t at = next(p).start;
		parse_unary(p);
		t = unsupported(p, at, "arithmetic");
	}
	return t;
}

static const char *const rel_ops[] = { "==", "!=", "<", "<=", ">", ">=" };

static bool rel_ok(enum ty a, enum ty b, bool equality)
{
	unsigned orderable = 1u << T_INT | 1u << T_DOUBLE | 1u << T_STRING | 1u << T_BOOL;

	if (equality) {
		if (ty_is_dyn(a) || ty_is_dyn(b) || a == b)
			return true;
		/* null is assignable to a message type */
		return (a == T_NULL && (b == T_INPUTS || b == T_PVALUE)) ||
		       (b == T_NULL && (a == T_INPUTS || a == T_PVALUE));
	}
	/* KFP's env does not set cel.CrossTypeNumericComparisons, so the
	 * checker filters int<double overloads (cel-go checker/env.go:94-97). */
	if (ty_is_dyn(a) && ty_is_dyn(b))
		return true;
	if (ty_is_dyn(a))
		return orderable >> b & 1u;
	if (ty_is_dyn(b))
		return orderable >> a & 1u;
	return a == b && (orderable >> a & 1u);
}

static struct term relation(struct parser *p, size_t op, const struct term *a,
			    const struct term *b, size_t pos)
{
	static const char *const fn[] = { "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_" };
	const struct term *w;
	const char *why;
	int c;

	if (!rel_ok(a->ty, b->ty, op < 2))
		return type_mismatch(p, pos, fn[op], a->ty, b->ty);
	if ((w = pending(a, b)))
		return carry(w, T_BOOL, pos);
	if (op < 2) {
		c = value_equal(&a->v, &b->v);
		if (c < 0)
			return unknown_at(pos, T_BOOL);
		return bool_term(pos, op == 0 ? c == 1 : c == 0);
	}
	c = value_compare(&a->v, &b->v, &why);
	if (c == 2)
		return eval_error(p, T_BOOL, pos, CEL_ERR_EVAL, "%s for '%s' applied to '(%s, %s)'", why,
				  fn[op], cel_value_kind_name(a->v.kind), cel_value_kind_name(b->v.kind));
	switch (op) {
	case 2: return bool_term(pos, c < 0);
	case 3: return bool_term(pos, c <= 0);
	case 4: return bool_term(pos, c > 0);
	default: return bool_term(pos, c >= 0);
	}
}

static struct term parse_relation(struct parser *p)
{
	struct term t = parse_arith(p);

	for (;;) {
		const struct tok *k = peek(p);
		size_t op, at = k->start;
		struct term rhs;

		if (ident_is(k, "in")) {
			next(p);
			parse_arith(p);
			t = unsupported(p, at, "the 'in' operator");
			continue;
		}
		for (op = 0; op < KC_ARRAY_SIZE(rel_ops); op++)
			if (is_op(k, rel_ops[op]))
				break;
		if (op == KC_ARRAY_SIZE(rel_ops))
			return t;
		next(p);
		rhs = parse_arith(p);
		t = relation(p, op, &t, &rhs, at);
	}
}

/*
 * && (decider false) and || (decider true), cel-go interpreter/
 * interpretable.go:297-327: any operand equal to the decider decides;
 * otherwise an unknown wins over an error, the first error over the rest;
 * a non-bool value is "no such overload".  A type error is recorded and the
 * chain still parsed to its end (a later syntax error comes first).
 */
struct absorb {
	bool decided, unknown;
	struct term err;
	bool have_err;
};

static void absorb(struct parser *p, struct absorb *a, const struct term *t, bool decider,
		   const char *fn)
{
	if (val_is_bool(t, decider)) {
		a->decided = true;
	} else if (!t->err && t->v.kind == CEL_VAL_UNKNOWN) {
		a->unknown = true;
	} else if (!a->have_err && (t->err || t->v.kind != CEL_VAL_BOOL)) {
		a->err = t->err ? *t : no_overload(p, T_BOOL, t->pos, fn, t, NULL);
		a->have_err = true;
	}
}

static struct term logical(struct parser *p, bool decider)
{
	const char *op = decider ? "||" : "&&", *fn = decider ? "_||_" : "_&&_";
	struct term t = decider ? logical(p, false) : parse_relation(p);
	struct absorb a = { false, false, { 0 }, false };
	size_t first = t.pos;
	bool typed = true;

	if (!is_op(peek(p), op))
		return t;       /* a single operand: no operator to type */
	if (!ty_is_dyn(t.ty) && t.ty != T_BOOL) {
		type_mismatch(p, peek(p)->start, fn, t.ty, T_BOOL);
		typed = false;
	}
	absorb(p, &a, &t, decider, fn);
	while (is_op(peek(p), op)) {
		size_t at = next(p).start;
		struct term rhs = decider ? logical(p, false) : parse_relation(p);
		if (!ty_is_dyn(rhs.ty) && rhs.ty != T_BOOL) {
			type_mismatch(p, at, fn, T_BOOL, rhs.ty);
			typed = false;
		}
		absorb(p, &a, &rhs, decider, fn);
	}
	if (!typed)
		return unknown_at(first, T_DYN);
	if (a.decided)
		return bool_term(first, decider);
	if (a.unknown)
		return unknown_at(first, T_BOOL);
	if (a.have_err)
		return carry(&a.err, T_BOOL, first);
	return bool_term(first, !decider);
}

static struct term parse_or(struct parser *p)
{
	return logical(p, true);
}

/* c ? a : b: the checker wants a bool (or dyn) condition and branches of
 * one type; the value is the chosen branch. */
static struct term parse_expr(struct parser *p)
{
	struct term c, a, b;
	size_t at;

	enter(p);
	c = parse_or(p);
	if (!is_op(peek(p), "?")) {
		p->depth--;
		return c;
	}
	at = next(p).start;
	a = parse_or(p);
	expect(p, ":");
	b = parse_expr(p);
	p->depth--;
	if (!ty_is_dyn(c.ty) && c.ty != T_BOOL)
		return type_error(p, at, "found no matching overload for '_?_:_' applied to '(%s, ...)'",
				  ty_names[c.ty]);
	if (a.ty != b.ty && !ty_is_dyn(a.ty) && !ty_is_dyn(b.ty))
		return type_mismatch(p, at, "_?_:_", a.ty, b.ty);
	if (c.err)
		return carry(&c, a.ty == b.ty ? a.ty : T_DYN, at);
	if (c.v.kind == CEL_VAL_BOOL)
		return carry(c.v.b ? &a : &b, a.ty == b.ty ? a.ty : T_DYN, at);
	if (c.v.kind == CEL_VAL_UNKNOWN)
		return unknown_at(at, a.ty == b.ty ? a.ty : T_DYN);
	return no_overload(p, a.ty, at, "_?_:_", &c, NULL);
}

/* ---- entry points ------------------------------------------------------ */

static size_t count_codepoints(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* Parse the whole expression; 0 with *out, or -1 after a syntax error
 * (p->syntax says which).  The caller releases p. */
static int parse_all(struct parser *p, struct term *out)
{
	size_t n = count_codepoints(p->src, p->len);

	if (n > CEL_MAX_CODEPOINTS) {
		p->syntax.kind = CEL_ERR_SYNTAX;
		snprintf(p->syntax.msg, sizeof(p->syntax.msg),
			 "expression code point size exceeds limit: size: %zu, limit %d", n,
			 CEL_MAX_CODEPOINTS);
		return -1;
	}
	if (setjmp(p->fail))
		return -1;
	*out = parse_expr(p);
	if (peek(p)->kind != TK_EOF)
		unexpected(p, NULL);
	return 0;
}

static void parser_init(struct parser *p, const char *expr, size_t len, cel_lookup_fn *lookup,
			void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->src = expr ? expr : "";
	p->len = expr ? len : 0;
	p->lookup = lookup;
	p->ctx = ctx;
	arena_init(&p->arena);
}

static void parser_release(struct parser *p)
{
	arena_release(&p->arena);
	sb_release(&p->scratch);
	free(p->names);
}

static enum cel_truth decide(struct parser *p, const struct term *t, struct cel_error *err)
{
	if (p->type.kind != CEL_ERR_NONE) {
		*err = p->type;
		return CEL_ERROR;
	}
	if (t->err) {
		*err = *t->err;
		return CEL_ERROR;
	}
	if (!ty_is_dyn(t->ty) && t->ty != T_BOOL) {
		/* expression.go:156-160 */
		note(err, CEL_ERR_EVAL, 0, "the condition is a %s, not a bool (KFP: return type is not bool)",
		     ty_names[t->ty]);
		return CEL_ERROR;
	}
	switch (t->v.kind) {
	case CEL_VAL_BOOL:
		return t->v.b ? CEL_TRUE : CEL_FALSE;
	case CEL_VAL_UNKNOWN:
		*err = p->unsupported;
		return CEL_UNKNOWN;
	default:
		/* expression.go:156-160 */
		note(err, CEL_ERR_EVAL, 0, "the condition is a %s, not a bool (KFP: return type is not bool)",
		     cel_value_kind_name(t->v.kind));
		return CEL_ERROR;
	}
}

enum cel_truth cel_eval(const char *expr, size_t len, cel_lookup_fn *lookup, void *ctx,
			struct cel_error *err)
{
	struct parser *p = xmalloc(sizeof(*p));
	struct cel_error local;
	struct term t;
	enum cel_truth r;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	parser_init(p, expr, len, lookup, ctx);
	if (parse_all(p, &t) < 0) {
		*err = p->syntax;
		r = CEL_ERROR;
	} else {
		r = decide(p, &t, err);
	}
	parser_release(p);
	free(p);
	return r;
}

int cel_inputs(const char *expr, size_t len, cel_input_fn *each, void *ctx, struct cel_error *err)
{
	struct parser *p = xmalloc(sizeof(*p));
	struct term t;
	size_t i;
	int ret = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	parser_init(p, expr, len, NULL, NULL);
	if (parse_all(p, &t) < 0) {
		if (err)
			*err = p->syntax;
		ret = -1;
	} else {
		for (i = 0; i < p->nnames; i++)
			each(ctx, p->names[i].s, p->names[i].len);
	}
	parser_release(p);
	free(p);
	return ret;
}
