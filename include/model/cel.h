/*
 * cel.h - a static, three-valued evaluator for the CEL subset the KFP SDK
 * emits as a task's triggerPolicy.condition (kfp-cache-semantics.md §8):
 * inputs.parameter_values['k'], int()/double()/string()/dyn(), the six
 * comparisons, !, &&, || and ?:.  It follows cel-go v0.25/v0.27 (what KFP
 * 2.14-2.17 vendor) as KFP's driver runs it (backend/src/v2/expression/
 * expression.go:134-162): a compile error or an evaluation error fails the
 * task; so does a result that is not a bool.  Used by the prediction and by
 * explain; upstream of nothing but base/.
 */
#ifndef KFPCACHE_CEL_H
#define KFPCACHE_CEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cel-go's default parser limits (parser/parser.go:53-72): KFP fails longer
 * or deeper expressions, so they are reported as syntax errors. */
#define CEL_MAX_CODEPOINTS 100000
#define CEL_MAX_DEPTH 250

/*
 * A parameter's value as the condition sees it.  KFP hands the driver's
 * inputs.parameter_values as google.protobuf.Value, so every number is a
 * double there, NUMBER_INTEGER inputs included (the SDK wraps those in
 * int(...)); give CEL_VAL_DOUBLE for them.  Lists and structs are opaque.
 * CEL_VAL_UNKNOWN: the value is not known before the run.
 */
enum cel_value_kind {
	CEL_VAL_NULL,
	CEL_VAL_BOOL,
	CEL_VAL_INT,
	CEL_VAL_DOUBLE,
	CEL_VAL_STRING,
	CEL_VAL_LIST,
	CEL_VAL_MAP,
	CEL_VAL_UNKNOWN
};
const char *cel_value_kind_name(enum cel_value_kind k);   /* "null", "bool", ... */

struct cel_value {
	enum cel_value_kind kind;
	bool b;
	int64_t i;
	double d;
	const char *s;          /* CEL_VAL_STRING: s[0..len), borrowed */
	size_t len;
};

/*
 * The caller's view of the task's inputs.  Fill *out and return 0 for an
 * input the task has (kind CEL_VAL_UNKNOWN when its value is not known), or
 * return CEL_ABSENT when the task has no such parameter input (KFP: "no such
 * key", an evaluation error).  name is NUL-terminated and also len bytes
 * long (a CEL string may hold a NUL).  A string put in *out must stay valid
 * until cel_eval returns.
 */
#define CEL_ABSENT 1
typedef int cel_lookup_fn(void *ctx, const char *name, size_t len, struct cel_value *out);

enum cel_truth {
	CEL_FALSE,
	CEL_TRUE,
	CEL_UNKNOWN,            /* depends on values not known before the run */
	CEL_ERROR               /* KFP cannot evaluate it: the task fails */
};
const char *cel_truth_name(enum cel_truth t);   /* "false", "true", "unknown", "error" */

enum cel_error_kind {
	CEL_ERR_NONE,
	CEL_ERR_SYNTAX,         /* cel-go's parser rejects it (limits included) */
	CEL_ERR_TYPE,           /* cel-go's checker rejects it: 'a' == 1 */
	CEL_ERR_EVAL,           /* fails at run time: int('x'), a missing input */
	CEL_ERR_LEGACY,         /* the kfp-1.8 form inputs.parameters['k'] */
	CEL_ERR_UNSUPPORTED     /* with CEL_UNKNOWN: valid CEL beyond the modelled subset */
};
const char *cel_error_kind_name(enum cel_error_kind k);   /* "syntax", "type", ... */

/* Why a condition is CEL_ERROR (or, kind CEL_ERR_UNSUPPORTED, why it is
 * CEL_UNKNOWN): pos is a byte offset into the expression. */
struct cel_error {
	enum cel_error_kind kind;
	size_t pos;
	char msg[200];
};

/*
 * Evaluate expr[0..len) against lookup.  Deterministic; allocates nothing
 * that outlives the call; aborts only on out-of-memory.  The answer:
 *   CEL_TRUE / CEL_FALSE  decided (CEL's && and || are commutative: a false
 *                         operand decides && even beside an error or an
 *                         unknown, a true one decides ||);
 *   CEL_UNKNOWN           depends on unknown values; err->kind is
 *                         CEL_ERR_UNSUPPORTED when an unmodelled construct
 *                         is involved, else CEL_ERR_NONE;
 *   CEL_ERROR             err says why and where.  A syntax or type error
 *                         fails the whole condition wherever it is; an
 *                         evaluation error is absorbed like CEL's.
 * err may be NULL.
 */
enum cel_truth cel_eval(const char *expr, size_t len, cel_lookup_fn *lookup, void *ctx,
			struct cel_error *err);

/*
 * Call each(ctx, name, len) once per distinct inputs.parameter_values key
 * the expression reads, in order of first appearance.  Returns 0, or -1
 * with *err filled when the expression does not parse (then each is not
 * called).  err may be NULL.
 */
typedef void cel_input_fn(void *ctx, const char *name, size_t len);
int cel_inputs(const char *expr, size_t len, cel_input_fn *each, void *ctx,
	       struct cel_error *err);

#endif
