/*
 * linediff.c - a line diff for the reports: common prefix and suffix
 * trimmed, the longest common subsequence of the changed middle by dynamic
 * programming (bounded), then unified hunks as `diff -u` prints them.
 * Base layer: no model, no report knowledge.
 */
#include "base/linediff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

/* The middle's table has at most this many cells; larger: a whole replacement. */
#define LD_MAX_CELLS ((size_t)1 << 22)

void ld_text_add(struct ld_text *t, const char *s, size_t len)
{
	KC_GROW(t->v, t->alloc, t->n + 1);
	t->v[t->n].s = s;
	t->v[t->n++].len = len;
}

void ld_text_split(struct ld_text *out, const char *text, size_t len)
{
	size_t i, start = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < len; i++)
		if (text[i] == '\n') {
			ld_text_add(out, text + start, i - start);
			start = i + 1;
		}
	if (start < len)
		ld_text_add(out, text + start, len - start);
}

void ld_text_release(struct ld_text *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static bool line_eq(const struct ld_text *a, size_t i, const struct ld_text *b, size_t j)
{
	return a->v[i].len == b->v[j].len && !memcmp(a->v[i].s, b->v[j].s, a->v[i].len);
}

/* One step of the edit script: op ' ' keeps a[ai] (= b[bi]), '-' drops a[ai], '+' adds b[bi]. */
struct ld_op {
	char op;
	size_t ai, bi;
};
struct ld_script {
	struct ld_op *v;
	size_t n, alloc;
};

static void push(struct ld_script *sc, char op, size_t ai, size_t bi)
{
	KC_GROW(sc->v, sc->alloc, sc->n + 1);
	sc->v[sc->n].op = op;
	sc->v[sc->n].ai = ai;
	sc->v[sc->n].bi = bi;
	sc->n++;
}

/*
 * The middle a[lo..lo+n), b[lo..lo+m): L[i][j] is the LCS of a's and b's
 * tails from i and j; walking from the start a tie removes first.
 */
static void middle(struct ld_script *sc, const struct ld_text *a, const struct ld_text *b,
		   size_t lo, size_t n, size_t m)
{
	uint32_t *L;
	size_t i, j, w = m + 1;

	if (n && m && (n + 1 > LD_MAX_CELLS / (m + 1))) {
		for (i = 0; i < n; i++)
			push(sc, '-', lo + i, lo);
		for (j = 0; j < m; j++)
			push(sc, '+', lo + n, lo + j);
		return;
	}
	L = xcalloc((n + 1) * w, sizeof(*L));
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			L[i * w + j] = line_eq(a, lo + i, b, lo + j)
					       ? L[(i + 1) * w + j + 1] + 1
					       : (L[(i + 1) * w + j] >= L[i * w + j + 1] ? L[(i + 1) * w + j]
											 : L[i * w + j + 1]);
	i = j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && line_eq(a, lo + i, b, lo + j)) {
			push(sc, ' ', lo + i, lo + j);
			i++, j++;
		} else if (i < n && (j == m || L[(i + 1) * w + j] >= L[i * w + j + 1])) {
			push(sc, '-', lo + i, lo + j);
			i++;
		} else {
			push(sc, '+', lo + i, lo + j);
			j++;
		}
	}
	free(L);
}

static void script(struct ld_script *sc, const struct ld_text *a, const struct ld_text *b)
{
	size_t p = 0, s = 0, i;

	while (p < a->n && p < b->n && line_eq(a, p, b, p))
		p++;
	while (s < a->n - p && s < b->n - p && line_eq(a, a->n - 1 - s, b, b->n - 1 - s))
		s++;
	for (i = 0; i < p; i++)
		push(sc, ' ', i, i);
	middle(sc, a, b, p, a->n - p - s, b->n - p - s);
	for (i = 0; i < s; i++)
		push(sc, ' ', a->n - s + i, b->n - s + i);
}

static struct ld_line *emit(struct linediff *d, char op)
{
	KC_GROW(d->v, d->alloc, d->n + 1);
	memset(&d->v[d->n], 0, sizeof(d->v[d->n]));
	d->v[d->n].op = op;
	return &d->v[d->n++];
}

/* The end (exclusive) of the hunk that starts with the change at c. */
static size_t hunk_end(const struct ld_script *sc, size_t c, size_t context)
{
	size_t last = c, k;

	for (k = c; k < sc->n; k++) {
		if (sc->v[k].op == ' ')
			continue;
		if (k > last && k - last - 1 > 2 * context)
			break;
		last = k;
	}
	return last + 1 + context < sc->n ? last + 1 + context : sc->n;
}

void linediff_run(struct linediff *out, const struct ld_text *a, const struct ld_text *b,
		  size_t context, size_t max_lines)
{
	struct ld_script sc = { NULL, 0, 0 };
	size_t k = 0, c;
	bool full = false;

	memset(out, 0, sizeof(*out));
	script(&sc, a, b);
	for (c = 0; c < sc.n; c++)
		if (sc.v[c].op == '-')
			out->removed++;
		else if (sc.v[c].op == '+')
			out->added++;
	while (k < sc.n) {
		size_t lo, hi, j, na = 0, nb = 0;
		struct ld_line *h;
		for (c = k; c < sc.n && sc.v[c].op == ' '; c++)
			;
		if (c == sc.n)
			break;
		lo = c > context ? c - context : 0;
		if (lo < k)
			lo = k;
		hi = hunk_end(&sc, c, context);
		if (full || (max_lines && out->n + 2 > max_lines)) {
			full = true;
			for (j = lo; j < hi; j++)
				out->omitted += sc.v[j].op != ' ';
			k = hi;
			continue;
		}
		h = emit(out, '@');
		for (j = lo; j < hi; j++) {
			na += sc.v[j].op != '+';
			nb += sc.v[j].op != '-';
		}
		h->a_start = na ? sc.v[lo].ai + 1 : sc.v[lo].ai;
		h->a_len = na;
		h->b_start = nb ? sc.v[lo].bi + 1 : sc.v[lo].bi;
		h->b_len = nb;
		for (j = lo; j < hi; j++) {
			const struct ld_op *o = &sc.v[j];
			struct ld_line *l;
			if (max_lines && out->n >= max_lines) {
				full = true;
				out->omitted += o->op != ' ';
				continue;
			}
			l = emit(out, o->op);
			l->s = o->op == '+' ? b->v[o->bi].s : a->v[o->ai].s;
			l->len = o->op == '+' ? b->v[o->bi].len : a->v[o->ai].len;
		}
		k = hi;
	}
	free(sc.v);
}

void linediff_release(struct linediff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}
