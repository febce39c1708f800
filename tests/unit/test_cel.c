/*
 * test_cel.c - the trigger-condition evaluator: every condition form in the
 * KFP corpus, each operator, CEL typing (compile-time type errors against
 * runtime heterogeneous equality), the int()/double()/string()
 * conversions, unknowns and CEL's commutative && / ||, syntax errors with
 * their positions, the kfp-1.8 form, and the parser limits.
 */
#include "t.h"

#include <math.h>

#include "base/util.h"
#include "model/cel.h"

struct param {
	const char *name;
	enum cel_value_kind kind;
	const char *s;
	double d;
	bool b;
};

#define STR(n, v) { n, CEL_VAL_STRING, v, 0, false }
#define NUM(n, v) { n, CEL_VAL_DOUBLE, NULL, v, false }
#define BOOL(n, v) { n, CEL_VAL_BOOL, NULL, 0, v }
#define UNK(n) { n, CEL_VAL_UNKNOWN, NULL, 0, false }
#define PC "pipelinechannel--"

/* Values as KFP's driver hands them: numbers are doubles (structpb). */
static const struct param params[] = {
	STR("flip", "heads"), NUM("n", 42), NUM("f", 2.5), BOOL("b", true), UNK("u"),
	STR("s3", "3"), STR("empty", ""), { "nul", CEL_VAL_NULL, NULL, 0, false },
	{ "lst", CEL_VAL_LIST, NULL, 0, false }, { "obj", CEL_VAL_MAP, NULL, 0, false },
	STR("k'q", "quoted"),
	STR(PC "flip-coin-Output", "heads"), STR(PC "is-even-or-odd-Output", "even"),
	STR(PC "is-even-or-odd-2-Output", "odd"), NUM(PC "int-0-to-9999-Output", 5000),
	BOOL(PC "add_drumroll", true), STR(PC "args-generator-op-Output-loop-item-subvar-A_a", "tails"),
	STR(PC "bool-identity-Output", "true"), STR(PC "bool-identity-2-Output", "true"),
	STR(PC "bool-identity-3-Output", "false"), STR(PC "flip-coin-op-Output", "tails"),
	STR(PC "flip-coin-op-2-Output", "heads"), STR(PC "flip-coin-op-3-Output", "heads"),
	STR(PC "get-run-state-Output", "FAILED"), STR(PC "loop-item-param-11", "1"),
	UNK(PC "loop_parameter-loop-item-subvar-A_a"), STR(PC "print-op1-Output", "Hello"),
	BOOL(PC "repeat_if_lucky_number", false), UNK(PC "run_evaluation"),
	STR(PC "string-not-empty-Output", "true"), STR(PC "train-scalar", "123"),
	NUM(PC "random-num-Output", 5), NUM(PC "random-num-2-Output", 16),
	NUM(PC "trials-loop-item", 3),
};

static int lookups;

static int lookup(void *ctx, const char *name, size_t len, struct cel_value *out)
{
	size_t i;

	(void)ctx;
	lookups++;
	if (strlen(name) != len)
		return CEL_ABSENT;
	for (i = 0; i < KC_ARRAY_SIZE(params); i++) {
		if (strcmp(params[i].name, name))
			continue;
		memset(out, 0, sizeof(*out));
		out->kind = params[i].kind;
		out->s = params[i].s;
		out->len = params[i].s ? strlen(params[i].s) : 0;
		out->d = params[i].d;
		out->b = params[i].b;
		return 0;
	}
	return CEL_ABSENT;
}

#define ANY_POS ((size_t)-1)

/* One expression: its truth, the error kind, position and (a part of) the
 * message; pos ANY_POS and msg NULL skip those. */
static void expect_at(int line, const char *expr, enum cel_truth want, enum cel_error_kind kind,
		      size_t pos, const char *msg)
{
	struct cel_error err;
	enum cel_truth got = cel_eval(expr, strlen(expr), lookup, NULL, &err);

	if (got != want || err.kind != kind || (pos != ANY_POS && err.pos != pos) ||
	    (msg && !strstr(err.msg, msg))) {
		fprintf(stderr, "  %s:%d: %s\n    got:  %s, %s at %zu: %s\n    want: %s, %s", __FILE__,
			line, expr, cel_truth_name(got), cel_error_kind_name(err.kind), err.pos, err.msg,
			cel_truth_name(want), cel_error_kind_name(kind));
		if (pos != ANY_POS)
			fprintf(stderr, " at %zu", pos);
		fprintf(stderr, "%s%s\n", msg ? ": ..." : "", msg ? msg : "");
		t_failed_checks++;
	}
}

#define IS(expr, want) expect_at(__LINE__, expr, want, CEL_ERR_NONE, ANY_POS, NULL)
#define FAILS(expr, kind, pos, msg) expect_at(__LINE__, expr, CEL_ERROR, kind, pos, msg)
#define UNSUPPORTED(expr) expect_at(__LINE__, expr, CEL_UNKNOWN, CEL_ERR_UNSUPPORTED, ANY_POS, NULL)

/* Every distinct condition of /work/shared/kfp-corpus, against the values above. */
static void test_corpus_forms(void)
{
	IS("!(inputs.parameter_values['" PC "flip-coin-Output'] == 'heads')", CEL_FALSE);
	IS("!(inputs.parameter_values['" PC "is-even-or-odd-2-Output'] == 'even')", CEL_TRUE);
	IS("!(inputs.parameter_values['" PC "is-even-or-odd-Output'] == 'even')", CEL_FALSE);
	IS("!(int(inputs.parameter_values['" PC "int-0-to-9999-Output']) < 5000) && "
	   "!(int(inputs.parameter_values['" PC "int-0-to-9999-Output']) > 5000)", CEL_TRUE);
	IS("!(int(inputs.parameter_values['" PC "int-0-to-9999-Output']) < 5000) && "
	   "int(inputs.parameter_values['" PC "int-0-to-9999-Output']) > 5000", CEL_FALSE);
	IS("inputs.parameter_values['" PC "add_drumroll'] == true", CEL_TRUE);
	IS("inputs.parameter_values['" PC "args-generator-op-Output-loop-item-subvar-A_a'] == 'heads'", CEL_FALSE);
	IS("inputs.parameter_values['" PC "args-generator-op-Output-loop-item-subvar-A_a'] == 'tails'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "bool-identity-2-Output'] == 'true'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "bool-identity-3-Output'] == 'false'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "bool-identity-3-Output'] == 'true'", CEL_FALSE);
	IS("inputs.parameter_values['" PC "bool-identity-Output'] == 'true'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "flip-coin-Output'] == 'heads'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "flip-coin-Output'] == 'tails'", CEL_FALSE);
	IS("inputs.parameter_values['" PC "flip-coin-op-2-Output'] == "
	   "inputs.parameter_values['" PC "flip-coin-op-3-Output']", CEL_TRUE);
	IS("inputs.parameter_values['" PC "flip-coin-op-Output'] != 'no-such-result'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "flip-coin-op-Output'] == 'heads'", CEL_FALSE);
	IS("inputs.parameter_values['" PC "get-run-state-Output'] == 'FAILED'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "is-even-or-odd-2-Output'] == 'even'", CEL_FALSE);
	IS("inputs.parameter_values['" PC "is-even-or-odd-Output'] == 'even'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "loop-item-param-11'] == '1'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "loop_parameter-loop-item-subvar-A_a'] == 'heads'", CEL_UNKNOWN);
	IS("inputs.parameter_values['" PC "print-op1-Output'] != 'Hello'", CEL_FALSE);
	IS("inputs.parameter_values['" PC "print-op1-Output'] == 'Hello'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "repeat_if_lucky_number'] == true", CEL_FALSE);
	IS("inputs.parameter_values['" PC "run_evaluation'] == true", CEL_UNKNOWN);
	IS("inputs.parameter_values['" PC "string-not-empty-Output'] == 'false'", CEL_FALSE);
	IS("inputs.parameter_values['" PC "string-not-empty-Output'] == 'true'", CEL_TRUE);
	IS("inputs.parameter_values['" PC "train-scalar'] == '123'", CEL_TRUE);
	IS("int(inputs.parameter_values['" PC "int-0-to-9999-Output']) < 5000", CEL_FALSE);
	IS("int(inputs.parameter_values['" PC "random-num-2-Output']) <= 15", CEL_FALSE);
	IS("int(inputs.parameter_values['" PC "random-num-2-Output']) > 15", CEL_TRUE);
	IS("int(inputs.parameter_values['" PC "random-num-Output']) <= 5", CEL_TRUE);
	IS("int(inputs.parameter_values['" PC "random-num-Output']) > 5", CEL_FALSE);
	IS("int(inputs.parameter_values['" PC "trials-loop-item']) == 3", CEL_TRUE);
}

/* The other shapes pipeline_spec_builder.py:1022-1140 can emit: int() for
 * an integer channel (:1097), double() to promote an int (:1131), literals
 * by Python str() (:1099-1113). */
static void test_sdk_forms(void)
{
	IS("inputs.parameter_values[\"flip\"] == \"heads\"", CEL_TRUE);
	IS("inputs.parameter_values.flip == 'heads'", CEL_TRUE);
	IS("inputs.parameter_values['f'] == double(2)", CEL_FALSE);     /* float channel vs int literal */
	IS("inputs.parameter_values['f'] > double(2)", CEL_TRUE);
	IS("double(int(inputs.parameter_values['n'])) == 42.0", CEL_TRUE);
	IS("inputs.parameter_values['f'] == 2.5", CEL_TRUE);
	IS("int(inputs.parameter_values['n']) == -42", CEL_FALSE);
	IS("inputs.parameter_values['f'] < 1e-05", CEL_FALSE);          /* Python str(1e-05) */
	IS("inputs.parameter_values['f'] < 1e+16", CEL_TRUE);
	/* str(float('inf')) is an undeclared identifier in CEL */
	FAILS("inputs.parameter_values['f'] < inf", CEL_ERR_TYPE, 31, "undeclared reference to 'inf'");
	IS("inputs.parameter_values['b'] == true && inputs.parameter_values['flip'] == 'heads' && "
	   "int(inputs.parameter_values['n']) >= 42", CEL_TRUE);
	IS("!(inputs.parameter_values['flip'] == 'heads') && !(inputs.parameter_values['flip'] == 'tails')",
	   CEL_FALSE);
}

static void test_operators(void)
{
	IS("1 == 1", CEL_TRUE);
	IS("1 != 1", CEL_FALSE);
	IS("1 < 2", CEL_TRUE);
	IS("2 <= 2", CEL_TRUE);
	IS("2 > 2", CEL_FALSE);
	IS("1 >= 2", CEL_FALSE);
	IS("2.5 < 2.25", CEL_FALSE);
	IS("'abc' < 'abd'", CEL_TRUE);
	IS("'ab' < 'abc'", CEL_TRUE);
	IS("'b' >= 'abc'", CEL_TRUE);
	IS("'\\u00e9' > 'z'", CEL_TRUE);        /* code point order */
	IS("false < true", CEL_TRUE);
	IS("true != true", CEL_FALSE);
	IS("0x10 == 16", CEL_TRUE);
	IS("-9223372036854775808 < 9223372036854775807", CEL_TRUE);
	IS("!(1 == 1)", CEL_FALSE);
	IS("!!true", CEL_TRUE);
	IS("!(!(1 < 2))", CEL_TRUE);
	IS("(1 == 2) || (2 == 2)", CEL_TRUE);
	IS("1 == 2 || 2 == 3", CEL_FALSE);
	IS("true || false && false", CEL_TRUE);         /* && binds tighter */
	IS("(true || false) && false", CEL_FALSE);
	IS("true ? 1 == 1 : false", CEL_TRUE);
	IS("false ? true : 1 == 2", CEL_FALSE);
	IS("-(2) < -1", CEL_TRUE);
	IS("-2.5 < -(-1.0)", CEL_TRUE);
	IS("true // a comment", CEL_TRUE);
	IS("\n\t inputs . parameter_values [ 'flip' ] == 'heads' ", CEL_TRUE);
}

/* The checker rejects mixed types at compile time; at run time a dyn value
 * (every parameter_values entry) compares heterogeneously. */
static void test_typing(void)
{
	FAILS("'1' == 1", CEL_ERR_TYPE, 4, "'_==_' applied to '(string, int)'");
	FAILS("int(inputs.parameter_values['n']) == 42.0", CEL_ERR_TYPE, 34, "(int, double)");
	FAILS("int(inputs.parameter_values['n']) < 42.5", CEL_ERR_TYPE, 34, "'_<_'");
	FAILS("1 < 2.0", CEL_ERR_TYPE, 2, NULL);
	FAILS("true == 1", CEL_ERR_TYPE, 5, "(bool, int)");
	FAILS("'a' < true", CEL_ERR_TYPE, 4, NULL);
	FAILS("null == 'a'", CEL_ERR_TYPE, 5, "(null_type, string)");
	FAILS("!'a'", CEL_ERR_TYPE, 0, "'!_' applied to '(string)'");
	FAILS("-'a' == 1", CEL_ERR_TYPE, 0, "'-_'");
	FAILS("'a' && true", CEL_ERR_TYPE, 4, "'_&&_' applied to '(string, bool)'");
	FAILS("true || 1", CEL_ERR_TYPE, 5, "'_||_' applied to '(bool, int)'");
	FAILS("false && 'x' == 1", CEL_ERR_TYPE, 13, NULL);     /* a type error is never absorbed */
	FAILS("1 ? true : false", CEL_ERR_TYPE, 2, "'_?_:_'");
	FAILS("true ? 1 : 'a'", CEL_ERR_TYPE, 5, "(int, string)");
	FAILS("1 < 2 < 3", CEL_ERR_TYPE, 6, "(bool, int)");
	FAILS("inputs == 'a'", CEL_ERR_TYPE, 7, "ml_pipelines.ExecutorInput.Inputs");
	FAILS("inputs.parameter_values[1] == 'a'", CEL_ERR_TYPE, 23, "'_[_]'");
	FAILS("inputs.parameter_value['x'] == 'a'", CEL_ERR_TYPE, 7, "undefined field 'parameter_value'");
	FAILS("foo == 1", CEL_ERR_TYPE, 0, "undeclared reference to 'foo'");
	FAILS("foo(1) == 1", CEL_ERR_TYPE, 0, "undeclared reference to 'foo'");
	FAILS("'a'.x == 1", CEL_ERR_TYPE, 4, "no field 'x'");
	/* dyn: equality across types is false, ordering is an evaluation error */
	IS("inputs.parameter_values['flip'] == 1", CEL_FALSE);
	IS("inputs.parameter_values['flip'] != 1", CEL_TRUE);
	FAILS("inputs.parameter_values['flip'] < 1", CEL_ERR_EVAL, 32, "no such overload for '_<_' applied to '(string, int)'");
	IS("inputs.parameter_values['n'] == 42", CEL_TRUE);     /* double 42 == int 42 */
	IS("inputs.parameter_values['n'] < 43", CEL_TRUE);      /* cross-type at run time */
	IS("dyn(1) == 1.0", CEL_TRUE);
	IS("dyn(1) < 1.5", CEL_TRUE);
	IS("dyn(1.5) > 1", CEL_TRUE);
	IS("dyn(1e19) > 9223372036854775807", CEL_TRUE);
	IS("dyn(-1e19) < -9223372036854775808", CEL_TRUE);
	IS("inputs.parameter_values['b'] == 'true'", CEL_FALSE);
	IS("inputs.parameter_values['nul'] == null", CEL_TRUE);
	IS("inputs.parameter_values['flip'] == null", CEL_FALSE);
	IS("inputs.parameter_values['lst'] == 'a'", CEL_FALSE);
	IS("inputs.parameter_values['lst'] == inputs.parameter_values['lst']", CEL_UNKNOWN);
	IS("inputs.parameter_values['lst'] == inputs.parameter_values['obj']", CEL_FALSE);
	FAILS("inputs.parameter_values['obj'] < 1", CEL_ERR_EVAL, 31, "no such overload");
	FAILS("!inputs.parameter_values['flip']", CEL_ERR_EVAL, 0, "'!_' applied to '(string)'");
	FAILS("inputs.parameter_values['flip'] && true", CEL_ERR_EVAL, 23, "'_&&_' applied to '(string)'");
	/* the result must be a bool (expression.go:156-160) */
	FAILS("inputs.parameter_values['flip']", CEL_ERR_EVAL, 0, "not a bool");
	FAILS("'a'", CEL_ERR_EVAL, 0, "a string, not a bool");
	FAILS("inputs", CEL_ERR_EVAL, 0, "not a bool");
	IS("inputs.parameter_values['b']", CEL_TRUE);
}

static void test_conversions(void)
{
	IS("int('3') == 3", CEL_TRUE);
	IS("int(inputs.parameter_values['s3']) == 3", CEL_TRUE);
	IS("int('+3') == 3", CEL_TRUE);
	IS("int('-9223372036854775808') == -9223372036854775808", CEL_TRUE);
	FAILS("int('9223372036854775808') == 0", CEL_ERR_EVAL, 0, "from 'string' to 'int': '9223372036854775808'");
	FAILS("int('3x') == 3", CEL_ERR_EVAL, 0, "'3x'");
	FAILS("int(' 3') == 3", CEL_ERR_EVAL, 0, NULL);
	FAILS("int('') == 0", CEL_ERR_EVAL, 0, NULL);
	FAILS("int('1_000') == 1000", CEL_ERR_EVAL, 0, NULL);
	FAILS("int('3.0') == 3", CEL_ERR_EVAL, 0, NULL);
	FAILS("int(inputs.parameter_values['empty']) == 0", CEL_ERR_EVAL, 0, NULL);
	IS("int(2.9) == 2", CEL_TRUE);
	IS("int(-2.9) == -2", CEL_TRUE);
	IS("int(inputs.parameter_values['f']) == 2", CEL_TRUE);
	FAILS("int(1e19) == 0", CEL_ERR_EVAL, 0, "integer overflow");
	FAILS("int(-9223372036854775808.0) == 0", CEL_ERR_EVAL, 0, "integer overflow");
	FAILS("int(double('NaN')) == 0", CEL_ERR_EVAL, 0, "integer overflow");
	FAILS("int(true) == 1", CEL_ERR_TYPE, 0, "'int' applied to '(bool)'");
	FAILS("int(inputs.parameter_values['b']) == 1", CEL_ERR_EVAL, 0, "'int' applied to '(bool)'");
	FAILS("int(inputs.parameter_values['nul']) == 1", CEL_ERR_EVAL, 0, "(null)");
	FAILS("int(1, 2) == 1", CEL_ERR_TYPE, 0, "2 arguments");
	IS("double('2.5') == 2.5", CEL_TRUE);
	IS("double('-1e3') == -1000.0", CEL_TRUE);
	IS("double('.5') == 0.5", CEL_TRUE);
	IS("double('5.') == 5.0", CEL_TRUE);
	IS("double('0x1p-2') == 0.25", CEL_TRUE);
	IS("double('inf') > 1e308", CEL_TRUE);
	IS("double('-Infinity') < -1e308", CEL_TRUE);
	IS("double(3) == 3.0", CEL_TRUE);
	IS("double(inputs.parameter_values['n']) == 42.0", CEL_TRUE);
	FAILS("double('1e400') == 0.0", CEL_ERR_EVAL, 0, "to 'double'");
	FAILS("double('abc') == 0.0", CEL_ERR_EVAL, 0, "'abc'");
	FAILS("double(' 1') == 1.0", CEL_ERR_EVAL, 0, NULL);
	FAILS("double('0x1') == 1.0", CEL_ERR_EVAL, 0, NULL);   /* hex needs a p exponent */
	FAILS("double('1e') == 1.0", CEL_ERR_EVAL, 0, NULL);
	FAILS("double(null) == 1.0", CEL_ERR_TYPE, 0, NULL);
	IS("double('NaN') == double('NaN')", CEL_FALSE);
	IS("double('NaN') != double('NaN')", CEL_TRUE);
	FAILS("double('NaN') < 1.0", CEL_ERR_EVAL, 14, "NaN values cannot be ordered");
	FAILS("1 < dyn(double('NaN'))", CEL_ERR_EVAL, 2, "NaN");
	/* string(): Go's %g of a double (cel-go double.go:141) */
	IS("string(1.5) == '1.5'", CEL_TRUE);
	IS("string(1e6) == '1e+06'", CEL_TRUE);
	IS("string(123456.0) == '123456'", CEL_TRUE);
	IS("string(1234567.0) == '1.234567e+06'", CEL_TRUE);
	IS("string(0.0001) == '0.0001'", CEL_TRUE);
	IS("string(0.00001) == '1e-05'", CEL_TRUE);
	IS("string(0.1) == '0.1'", CEL_TRUE);
	IS("string(-0.0) == '-0'", CEL_TRUE);
	IS("string(double('inf')) == '+Inf'", CEL_TRUE);
	IS("string(inputs.parameter_values['n']) == '42'", CEL_TRUE);
	IS("string(true) == 'true'", CEL_TRUE);
	IS("string(-7) == '-7'", CEL_TRUE);
	IS("string('x') == 'x'", CEL_TRUE);
	FAILS("string(null) == 'null'", CEL_ERR_TYPE, 0, NULL);
	FAILS("string(inputs.parameter_values['lst']) == ''", CEL_ERR_EVAL, 0, NULL);
}

static void test_unknown_and_short_circuit(void)
{
	IS("inputs.parameter_values['u'] == 'a'", CEL_UNKNOWN);
	IS("int(inputs.parameter_values['u']) > 3", CEL_UNKNOWN);
	IS("!(inputs.parameter_values['u'] == 'a')", CEL_UNKNOWN);
	IS("false && inputs.parameter_values['u'] == 'a'", CEL_FALSE);
	IS("inputs.parameter_values['u'] == 'a' && false", CEL_FALSE);
	IS("true && inputs.parameter_values['u'] == 'a'", CEL_UNKNOWN);
	IS("true || inputs.parameter_values['u'] == 'a'", CEL_TRUE);
	IS("inputs.parameter_values['u'] == 'a' || true", CEL_TRUE);
	IS("false || inputs.parameter_values['u'] == 'a'", CEL_UNKNOWN);
	IS("inputs.parameter_values['u'] ? true : true", CEL_UNKNOWN);
	/* errors: absorbed when the other side decides, else they win over true */
	IS("int('x') == 1 && false", CEL_FALSE);
	IS("false && int('x') == 1", CEL_FALSE);
	IS("int('x') == 1 || true", CEL_TRUE);
	FAILS("int('x') == 1 && true", CEL_ERR_EVAL, 0, "'x'");
	IS("true || false && int('x') == 1", CEL_TRUE);
	/* an unknown may be false, so it wins over an error in && */
	IS("int('x') == 1 && inputs.parameter_values['u'] == 'a'", CEL_UNKNOWN);
	IS("int('x') == 1 || inputs.parameter_values['u'] == 'a'", CEL_UNKNOWN);
	/* the first error is the one reported */
	FAILS("int('x') == 1 || int('y') == 1", CEL_ERR_EVAL, 0, "'x'");
	FAILS("false || int('y') == 1", CEL_ERR_EVAL, 9, "'y'");
	/* in a comparison an error wins over an unknown */
	FAILS("inputs.parameter_values['u'] == int('z')", CEL_ERR_EVAL, 32, "'z'");
	/* a task without the input: KFP's "no such key" */
	FAILS("inputs.parameter_values['nope'] == 'a'", CEL_ERR_EVAL, 23, "no such key: 'nope'");
	IS("false && inputs.parameter_values['nope'] == 'a'", CEL_FALSE);
	FAILS("-(-9223372036854775808) > 0", CEL_ERR_EVAL, 0, "integer overflow");
}


static void test_legacy_form(void)
{
	FAILS("inputs.parameters['flip'].string_value == 'heads'", CEL_ERR_LEGACY, 17, "kfp-1.8 form");
	FAILS("inputs.parameters['n'].int_value > 3", CEL_ERR_LEGACY, 17, "inputs.parameters['n']");
	FAILS("!(inputs.parameters['flip'].string_value == 'heads')", CEL_ERR_LEGACY, 19, NULL);
	IS("false && inputs.parameters['flip'].string_value == 'heads'", CEL_FALSE);
	FAILS("inputs.parameters['x'].int_value == 'a'", CEL_ERR_TYPE, 33, "(int, string)");
	FAILS("inputs.parameters['x'].bogus == 'a'", CEL_ERR_TYPE, 23, "undefined field 'bogus'");
	FAILS("inputs.parameters['x'] == 'a'", CEL_ERR_TYPE, 23, "ml_pipelines.Value");
}

static void test_syntax_errors(void)
{
	FAILS("", CEL_ERR_SYNTAX, 0, "unexpected end of expression");
	FAILS("(true", CEL_ERR_SYNTAX, 5, "expected ')', found end of expression");
	FAILS("true &&", CEL_ERR_SYNTAX, 7, "unexpected end");
	FAILS("1 == 1 )", CEL_ERR_SYNTAX, 7, "unexpected ')'");
	FAILS("'abc == 'a'", CEL_ERR_SYNTAX, 9, "unexpected 'a'");
	FAILS("'abc", CEL_ERR_SYNTAX, 0, "unterminated");
	FAILS("'a\nb' == 'a'", CEL_ERR_SYNTAX, 0, "unterminated");
	FAILS("'a\\qb' == 'a'", CEL_ERR_SYNTAX, 2, "invalid escape sequence '\\q'");
	FAILS("'\\ud800' == 'a'", CEL_ERR_SYNTAX, 1, "code point");
	FAILS("'\\x4' == 'a'", CEL_ERR_SYNTAX, 1, "hex escape");
	FAILS("true = false", CEL_ERR_SYNTAX, 5, "unexpected character '='");
	FAILS("true & false", CEL_ERR_SYNTAX, 5, "'&'");
	FAILS("if == 1", CEL_ERR_SYNTAX, 0, "reserved identifier 'if'");
	FAILS("9223372036854775808 > 0", CEL_ERR_SYNTAX, 0, "invalid int literal");
	FAILS("99999999999999999999 > 0", CEL_ERR_SYNTAX, 0, "invalid int literal");
	FAILS("-9223372036854775809 < 0", CEL_ERR_SYNTAX, 0, "invalid int literal");
	FAILS("inputs.", CEL_ERR_SYNTAX, 7, "expected a field name");
	FAILS("inputs.parameter_values['a'", CEL_ERR_SYNTAX, 27, "expected ']'");
	FAILS("1 == 1 # x", CEL_ERR_SYNTAX, 7, "'#'");
	FAILS("1 == 1 \x80", CEL_ERR_SYNTAX, 7, "byte 0x80");
	FAILS("true ? false", CEL_ERR_SYNTAX, 12, "expected ':'");
	/* a syntax error anywhere comes before a type error */
	FAILS("'1' == 1 && (", CEL_ERR_SYNTAX, 13, NULL);
	/* a str channel against an int one: the SDK quotes the whole int(...)
	 * operand (pipeline_spec_builder.py:1121), which CEL cannot parse */
	FAILS("inputs.parameter_values['flip'] == 'int(inputs.parameter_values['n'])'", CEL_ERR_SYNTAX, 65,
	      "unexpected 'n'");
	/* the SDK does not escape quotes in literals (pipeline_spec_builder.py:1099) */
	FAILS("inputs.parameter_values['flip'] == 'it's'", CEL_ERR_SYNTAX, 39, "unexpected 's'");
}

static void test_strings(void)
{
	IS("'\\\\x41' == 'A'", CEL_FALSE);
	IS("'\\x41' == 'A'", CEL_TRUE);
	IS("'\\101' == 'A'", CEL_TRUE);
	IS("'\\u00e9' == '\xc3\xa9'", CEL_TRUE);
	IS("'\\u00e9' == '\\xc3\\xa9'", CEL_FALSE);     /* \xc3 is U+00C3 in a string */
	IS("'\\u00e9' == '\\U000000e9'", CEL_TRUE);
	IS("r'\\n' == '\\\\n'", CEL_TRUE);
	IS("\"\"\"a\"b\"\"\" == 'a\"b'", CEL_TRUE);
	IS("'''x\ny''' == 'x\\ny'", CEL_TRUE);
	IS("inputs.parameter_values['k\\'q'] == 'quoted'", CEL_TRUE);
	IS("inputs.parameter_values[\"k'q\"] == 'quoted'", CEL_TRUE);
	IS("'\\'' == \"'\"", CEL_TRUE);
	IS("inputs.parameter_values['empty'] == ''", CEL_TRUE);
	/* a NUL in a key reaches the lookup with its length */
	FAILS("inputs.parameter_values['flip\\000'] == 'a'", CEL_ERR_EVAL, 23, "no such key");
}

static void test_unsupported(void)
{
	UNSUPPORTED("size(inputs.parameter_values['flip']) > 0");
	UNSUPPORTED("inputs.parameter_values['n'] + 1 > 2");
	UNSUPPORTED("'a' in ['a', 'b']");
	UNSUPPORTED("inputs.parameter_values['flip'].startsWith('h')");
	UNSUPPORTED("inputs.parameter_values['obj'].key == 1");
	UNSUPPORTED("outputs.output_file == ''");
	UNSUPPORTED("b'a' == b'a'");
	UNSUPPORTED("1u == 1u");
	UNSUPPORTED("{'a': 1}['a'] == 1");
	UNSUPPORTED("inputs.artifacts['a'] == null");
	IS("false && size('a') > 0", CEL_FALSE);
	IS("true || 1 + 1 == 2", CEL_TRUE);
	/* an unknown input alone is not "unsupported" */
	expect_at(__LINE__, "inputs.parameter_values['u'] == 1", CEL_UNKNOWN, CEL_ERR_NONE, ANY_POS, NULL);
	FAILS("size(1, 'a' == 1) > 0", CEL_ERR_TYPE, 12, NULL);
	FAILS("size(1 +) > 0", CEL_ERR_SYNTAX, 8, NULL);
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_adds(&sb, head);
	for (i = 0; i < n; i++)
		sb_adds(&sb, unit);
	sb_adds(&sb, tail);
	return sb_detach(&sb, NULL);
}

static enum cel_truth eval_owned(char *s, struct cel_error *err)
{
	enum cel_truth r = cel_eval(s, strlen(s), lookup, NULL, err);

	free(s);
	return r;
}

static void test_limits(void)
{
	struct cel_error err;
	char *s;

	s = repeat("", "(", 240, "true");
	CHECK_INT(eval_owned(repeat(s, ")", 240, ""), &err), CEL_TRUE);
	free(s);
	s = repeat("", "(", 300, "true");
	CHECK_INT(eval_owned(repeat(s, ")", 300, ""), &err), CEL_ERROR);
	CHECK_INT(err.kind, CEL_ERR_SYNTAX);
	CHECK(strstr(err.msg, "recursion limit") != NULL);
	free(s);
	CHECK_INT(eval_owned(repeat("", "!", 300, "true"), &err), CEL_ERROR);
	CHECK(strstr(err.msg, "recursion limit") != NULL);
	CHECK_INT(eval_owned(repeat("", "-", 300, "1 < 0"), &err), CEL_ERROR);
	/* long and flat is fine */
	CHECK_INT(eval_owned(repeat("true", " && true", 10000, ""), &err), CEL_TRUE);
	CHECK_INT(eval_owned(repeat("'", "a", CEL_MAX_CODEPOINTS, "' == 'a'"), &err), CEL_ERROR);
	CHECK_INT(err.kind, CEL_ERR_SYNTAX);
	CHECK(strstr(err.msg, "code point size exceeds limit") != NULL);
	/* code points, not bytes: 40000 two-byte characters are within it */
	CHECK_INT(eval_owned(repeat("'", "\xc3\xa9", 40000, "' != 'a'"), &err), CEL_TRUE);
	/* not NUL-terminated: only len bytes are read */
	CHECK_INT(cel_eval("1 == 1 garbage", 6, lookup, NULL, &err), CEL_TRUE);
	CHECK_INT(cel_eval(NULL, 0, lookup, NULL, NULL), CEL_ERROR);
	/* no lookup: every input is unknown */
	CHECK_INT(cel_eval("inputs.parameter_values['flip'] == 'a'", 38, NULL, NULL, NULL), CEL_UNKNOWN);
}

struct names {
	struct strbuf sb;
	int n;
};

static void collect(void *ctx, const char *name, size_t len)
{
	struct names *c = ctx;

	if (c->n++)
		sb_addc(&c->sb, '|');
	sb_add(&c->sb, name, len);
	CHECK(name[len] == '\0');
}

static void expect_inputs(const char *expr, int want_ret, const char *want)
{
	struct names c = { STRBUF_INIT, 0 };
	struct cel_error err;

	CHECK_INT(cel_inputs(expr, strlen(expr), collect, &c, &err), want_ret);
	CHECK_STR(sb_str(&c.sb), want);
	sb_release(&c.sb);
}

static void test_inputs(void)
{
	int before = lookups;

	expect_inputs("!(int(inputs.parameter_values['" PC "int-0-to-9999-Output']) < 5000) && "
		      "!(int(inputs.parameter_values['" PC "int-0-to-9999-Output']) > 5000)", 0,
		      PC "int-0-to-9999-Output");
	expect_inputs("inputs.parameter_values['b'] == inputs.parameter_values[\"a\"] || "
		      "inputs.parameter_values.c == 1 && inputs.parameter_values['a'] == 2", 0, "b|a|c");
	expect_inputs("false && size(inputs.parameter_values['x']) > 0", 0, "x");
	expect_inputs("inputs.parameters['legacy'].string_value == 'a'", 0, "");
	expect_inputs("'1' == 1 && inputs.parameter_values['t'] == 1", 0, "t");
	expect_inputs("inputs.parameter_values['a'] == (", -1, "");
	CHECK_INT(lookups, before);     /* cel_inputs never calls the caller's lookup */
}

static void test_names(void)
{
	CHECK_STR(cel_truth_name(CEL_UNKNOWN), "unknown");
	CHECK_STR(cel_truth_name(CEL_ERROR), "error");
	CHECK_STR(cel_error_kind_name(CEL_ERR_LEGACY), "legacy");
	CHECK_STR(cel_value_kind_name(CEL_VAL_DOUBLE), "double");
	CHECK_STR(cel_truth_name((enum cel_truth)99), "?");
}

int main(void)
{
	TEST(test_corpus_forms);
	TEST(test_sdk_forms);
	TEST(test_operators);
	TEST(test_typing);
	TEST(test_conversions);
	TEST(test_unknown_and_short_circuit);
	TEST(test_legacy_form);
	TEST(test_syntax_errors);
	TEST(test_strings);
	TEST(test_unsupported);
	TEST(test_limits);
	TEST(test_inputs);
	TEST(test_names);
	return T_DONE();
}
