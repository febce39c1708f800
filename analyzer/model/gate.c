/*
 * gate.c - `--fail-on` conditions: parsing, the metric names each command
 * offers, and evaluation.  Reads what predict, cost and lint produced; the
 * subcommand prints the messages and exits EXIT_GATE when one holds.
 */
#include "model/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

void gate_init(struct gate *g)
{
	memset(g, 0, sizeof(*g));
}

void gate_release(struct gate *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->conds[i].text);
		free(g->conds[i].metric);
	}
	free(g->conds);
	memset(g, 0, sizeof(*g));
}

static const char *op_text(enum gate_op op)
{
	static const char *const t[] = { ">", ">=", "<", "<=", "==", "!=" };

	return t[op];
}

static int parse_one(struct gate *g, const char *s, size_t len)
{
	struct gate_cond c;
	size_t i = 0, m;
	char *text = xstrndup(s, len), *end;
	const char *rest;

	memset(&c, 0, sizeof(c));
	while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
		i++;
	m = i;
	if (!m) {
		err_set("--fail-on '%s': expected METRIC OP VALUE, e.g. miss>0", text);
		free(text);
		return -1;
	}
	rest = text + m;
	if (!strncmp(rest, ">=", 2))
		c.op = GATE_GE, rest += 2;
	else if (!strncmp(rest, "<=", 2))
		c.op = GATE_LE, rest += 2;
	else if (!strncmp(rest, "==", 2))
		c.op = GATE_EQ, rest += 2;
	else if (!strncmp(rest, "!=", 2))
		c.op = GATE_NE, rest += 2;
	else if (*rest == '>')
		c.op = GATE_GT, rest++;
	else if (*rest == '<')
		c.op = GATE_LT, rest++;
	else if (*rest == '=')
		c.op = GATE_EQ, rest++;
	else {
		err_set("--fail-on '%s': expected an operator (> >= < <= == !=) after '%.*s'",
			text, (int)m, text);
		free(text);
		return -1;
	}
	c.metric = xstrndup(text, m);
	if (!strcmp(c.metric, "lint") && severity_parse(rest, &c.severity) == 0) {
		c.value = 0;
	} else {
		c.value = strtod(rest, &end);
		if (end == rest || *end || c.value != c.value) {
			err_set("--fail-on '%s': '%s' is not a number%s", text, rest,
				!strcmp(c.metric, "lint") ? " or a severity (note, warning, error)" : "");
			free(c.metric);
			free(text);
			return -1;
		}
	}
	c.text = text;
	KC_GROW(g->conds, g->alloc, g->n + 1);
	g->conds[g->n++] = c;
	return 0;
}

int gate_add(struct gate *g, const char *expr)
{
	const char *p = expr;

	if (!*expr)
		return err_set("--fail-on: empty condition");
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *s = p;
		while (len && (*s == ' ')) {
			s++;
			len--;
		}
		while (len && s[len - 1] == ' ')
			len--;
		if (!len)
			return err_set("--fail-on '%s': empty condition", expr);
		if (parse_one(g, s, len) < 0)
			return -1;
		p += strcspn(p, ",");
		if (*p)
			p++;
	}
	return 0;
}

int gate_check(const struct gate *g, const char *const *known)
{
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		bool ok = false;
		struct strbuf list = STRBUF_INIT;
		for (k = 0; known[k]; k++)
			ok = ok || !strcmp(known[k], g->conds[i].metric);
		if (ok)
			continue;
		for (k = 0; known[k]; k++)
			sb_addf(&list, "%s%s", k ? ", " : "", known[k]);
		err_set("--fail-on '%s': unknown metric '%s' (here: %s)", g->conds[i].text,
			g->conds[i].metric, sb_str(&list));
		sb_release(&list);
		return -1;
	}
	return 0;
}

void gate_values_init(struct gate_values *v)
{
	memset(v, 0, sizeof(*v));
}

void gate_set(struct gate_values *v, const char *name, double value)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (!strcmp(v->names[i], name)) {
			v->values[i] = value;
			return;
		}
	if (v->n < KC_ARRAY_SIZE(v->names)) {
		v->names[v->n] = name;
		v->values[v->n++] = value;
	}
}

const char *const gate_prediction_metrics[] = {
	"hit", "miss", "miss_upstream", "disabled", "unknown", "runs", "executors",
	"gpu_miss", "gpu_runs", "seconds_run", "seconds_saved", NULL
};

const char *const gate_lint_metrics[] = {
	"lint", "lint_error", "lint_warning", "lint_note", NULL
};

void gate_values_prediction(struct gate_values *v, const struct prediction *pr,
			    const struct cost *cost)
{
	const size_t *n = pr->counts;

	gate_set(v, "hit", (double)n[DECISION_HIT]);
	gate_set(v, "miss", (double)n[DECISION_MISS]);
	gate_set(v, "miss_upstream", (double)n[DECISION_MISS_UPSTREAM]);
	gate_set(v, "disabled", (double)n[DECISION_DISABLED]);
	gate_set(v, "unknown", (double)n[DECISION_UNKNOWN]);
	gate_set(v, "runs", (double)(n[DECISION_MISS] + n[DECISION_MISS_UPSTREAM] +
				     n[DECISION_DISABLED]));
	gate_set(v, "executors", (double)pr->executors);
	if (cost) {
		gate_set(v, "gpu_miss", (double)cost->gpu_miss);
		gate_set(v, "gpu_runs", (double)cost->gpu_runs);
		gate_set(v, "seconds_run", cost->runs.seconds);
		gate_set(v, "seconds_saved", cost->saved.seconds);
	}
}

void gate_values_lint(struct gate_values *v, const struct lint_result *lr)
{
	v->lint_counts = lr->counts;
	gate_set(v, "lint", (double)lr->n);
	gate_set(v, "lint_error", (double)lr->counts[SEVERITY_ERROR]);
	gate_set(v, "lint_warning", (double)lr->counts[SEVERITY_WARNING]);
	gate_set(v, "lint_note", (double)lr->counts[SEVERITY_NOTE]);
}

static bool holds(enum gate_op op, double a, double b)
{
	switch (op) {
	case GATE_GT: return a > b;
	case GATE_GE: return a >= b;
	case GATE_LT: return a < b;
	case GATE_LE: return a <= b;
	case GATE_EQ: return a == b;
	case GATE_NE: return a != b;
	}
	return false;
}

size_t gate_eval(const struct gate *g, const struct gate_values *v, const char *where,
		 struct strbuf *msgs)
{
	size_t i, k, failed = 0;

	for (i = 0; i < g->n; i++) {
		const struct gate_cond *c = &g->conds[i];
		double val = 0;
		if (c->severity != SEVERITY_NONE) {
			/* lint>=warning: findings whose severity compares so. */
			size_t cnt = 0;
			int s;
			for (s = SEVERITY_NOTE; v->lint_counts && s <= SEVERITY_ERROR; s++)
				if (holds(c->op, s, c->severity))
					cnt += v->lint_counts[s];
			if (cnt) {
				sb_addf(msgs, "--fail-on '%s': %zu %s %s %s%s\n", c->text, cnt,
					plural(cnt, "finding", "findings"), op_text(c->op), severity_name(c->severity),
					where ? where : "");
				failed++;
			}
			continue;
		}
		for (k = 0; k < v->n; k++)
			if (!strcmp(v->names[k], c->metric))
				val = v->values[k];
		if (holds(c->op, val, c->value)) {
			sb_addf(msgs, "--fail-on '%s': %s is %g%s\n", c->text, c->metric, val,
				where ? where : "");
			failed++;
		}
	}
	return failed;
}
