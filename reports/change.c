/*
 * change.c - "old -> new" for the key parts that changed: short values on
 * one line, long ones as a capped unified diff of their lines.  Used by
 * explain, diff, the summary and the Markdown and HTML reports, so they
 * all say the same.  Reads results; decides nothing.
 */
#include "reports/change.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/linediff.h"
#include "base/banned.h"

/* Values at most this long (escaped) show inline; a diff line is cut at DIFF_LINE_MAX. */
#define INLINE_MAX 60
#define DIFF_LINE_MAX 100

/* The start of the UTF-8 character at or before s + i. */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* Escaped s[0..n) shortened in the middle: head "..." tail, on character boundaries. */
static void add_short(struct strbuf *sb, const char *s, size_t n, size_t max)
{
	struct strbuf e = STRBUF_INIT;
	size_t half, head, tail;

	sb_add_term(&e, s, n);
	if (e.len <= max || max < 8) {
		sb_add(sb, sb_str(&e), e.len);
		sb_release(&e);
		return;
	}
	half = (max - 3) / 2;
	head = char_start(e.buf, half);
	tail = char_start(e.buf, e.len - half);
	sb_add(sb, e.buf, head);
	sb_adds(sb, "...");
	sb_add(sb, e.buf + tail, e.len - tail);
	sb_release(&e);
}

void change_short(struct strbuf *sb, const char *s, size_t max)
{
	add_short(sb, s, strlen(s), max);
}

static void add_utf8(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		sb_addc(sb, (char)(0xc0 | cp >> 6));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_addc(sb, (char)(0xe0 | cp >> 12));
		sb_addc(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		sb_addc(sb, (char)(0xf0 | cp >> 18));
		sb_addc(sb, (char)(0x80 | (cp >> 12 & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

/* \uXXXX at *p (after the 'u'): the code unit, or -1. */
static long hex4(const char **p)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int h = hex_digit((*p)[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	*p += 4;
	return v;
}

/* One JSON string at *p (at its '"') appended decoded; 0, or -1 when it is not one. */
static int json_string(struct strbuf *sb, const char **p)
{
	const char *s = *p + 1;

	for (;;) {
		char c = *s++;
		long u, lo;
		if (c == '"')
			break;
		if (!c || (unsigned char)c < 0x20)
			return -1;
		if (c != '\\') {
			sb_addc(sb, c);
			continue;
		}
		switch (c = *s++) {
		case '"': case '\\': case '/': sb_addc(sb, c); break;
		case 'b': sb_addc(sb, '\b'); break;
		case 'f': sb_addc(sb, '\f'); break;
		case 'n': sb_addc(sb, '\n'); break;
		case 'r': sb_addc(sb, '\r'); break;
		case 't': sb_addc(sb, '\t'); break;
		case 'u':
			if ((u = hex4(&s)) < 0)
				return -1;
			if (u >= 0xd800 && u < 0xdc00 && s[0] == '\\' && s[1] == 'u') {
				const char *q = s + 2;
				if ((lo = hex4(&q)) >= 0xdc00 && lo < 0xe000) {
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
					s = q;
				}
			}
			/* A lone surrogate shows as U+FFFD. */
			add_utf8(sb, u >= 0xd800 && u < 0xe000 ? 0xfffd : (uint32_t)u);
			break;
		default:
			return -1;
		}
	}
	*p = s;
	return 0;
}

/*
 * A JSON array of strings (canonical: no spaces), each element's text,
 * elements on lines of their own; -1 when text is not one.
 */
static int string_array(struct strbuf *out, const char *text)
{
	const char *p = text;

	if (*p++ != '[')
		return -1;
	if (*p == ']')
		return p[1] ? -1 : 0;
	for (;;) {
		if (*p != '"' || json_string(out, &p) < 0)
			return -1;
		if (*p == ']')
			return p[1] ? -1 : 0;
		if (*p++ != ',')
			return -1;
		sb_addc(out, '\n');
	}
}

/* The lines a diff compares: a string array's elements, else the text's own lines. */
static void value_lines(struct strbuf *buf, struct ld_text *out, const char *text)
{
	if (!text) {
		memset(out, 0, sizeof(*out));
		return;
	}
	sb_reset(buf);
	if (string_array(buf, text) < 0) {
		sb_reset(buf);
		sb_adds(buf, text);
	}
	ld_text_split(out, sb_str(buf), buf->len);
}

static bool fits_inline(const char *s)
{
	struct strbuf e = STRBUF_INIT;
	bool ok;

	if (!s)
		return true;
	if (strchr(s, '\n'))
		return false;
	sb_add_term(&e, s, strlen(s));
	ok = e.len <= INLINE_MAX;
	sb_release(&e);
	return ok;
}

static void add_line(struct change_view *v, char op, const char *s, size_t n)
{
	if (op)
		sb_addc(&v->text, op);
	add_short(&v->text, s, n, DIFF_LINE_MAX);
	sb_addc(&v->text, '\n');
	v->nlines++;
}

static void inline_view(struct change_view *v, const char *old, const char *new_)
{
	v->is_inline = true;
	if (old)
		change_short(&v->text, old, INLINE_MAX);
	else
		sb_adds(&v->text, "(none)");
	sb_adds(&v->text, " -> ");
	if (new_)
		change_short(&v->text, new_, INLINE_MAX);
	else
		sb_adds(&v->text, "(none)");
	sb_addc(&v->text, '\n');
	v->nlines = 1;
}

void change_view_init(struct change_view *out, const char *old, const char *new_,
		      size_t max_lines)
{
	struct strbuf ba = STRBUF_INIT, bb = STRBUF_INIT;
	struct ld_text a, b;
	struct linediff d;
	size_t i;

	memset(out, 0, sizeof(*out));
	sb_init(&out->text);
	value_lines(&ba, &a, old);
	value_lines(&bb, &b, new_);
	/*
	 * One line each side, short enough: inline.  A single long line
	 * (outputs, a long input value) has no lines to diff: inline too,
	 * shortened in the middle.
	 */
	if ((fits_inline(old) && fits_inline(new_)) || (a.n <= 1 && b.n <= 1)) {
		inline_view(out, old, new_);
		goto done;
	}
	linediff_run(&d, &a, &b, CHANGE_CONTEXT, max_lines);
	out->removed = d.removed;
	out->added = d.added;
	for (i = 0; i < d.n; i++) {
		const struct ld_line *l = &d.v[i];
		if (l->op == '@') {
			sb_addf(&out->text, "@@ -%zu,%zu +%zu,%zu @@\n", l->a_start, l->a_len,
				l->b_start, l->b_len);
			out->nlines++;
		} else {
			add_line(out, l->op, l->s, l->len);
		}
	}
	if (d.omitted) {
		sb_addf(&out->text, "... %zu more changed %s\n", d.omitted,
			plural(d.omitted, "line", "lines"));
		out->nlines++;
	}
	linediff_release(&d);
done:
	ld_text_release(&a);
	ld_text_release(&b);
	sb_release(&ba);
	sb_release(&bb);
}

void change_view_release(struct change_view *v)
{
	sb_release(&v->text);
}

static bool names_part(const struct task_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nreasons; i++)
		if (r->reasons[i].kind == REASON_CHANGED && !strcmp(r->reasons[i].detail, name))
			return true;
	return false;
}

bool change_part(const struct task_result *r, size_t i, const char **name, const char **old,
		 const char **new_)
{
	const struct keypart *p;
	size_t k;

	if (!r->prev)
		return false;
	for (k = 0; k < r->nparts; k++) {
		p = &r->parts[k];
		if (!names_part(r, p->name))
			continue;
		if (!i--) {
			const struct keypart *b = result_prev_part(r, p->name);
			*name = p->name;
			*old = b ? b->text : NULL;
			*new_ = p->text;
			return true;
		}
	}
	for (k = 0; (p = result_removed_part(r, k)); k++)
		if (names_part(r, p->name) && !i--)
			break;
	if (!p)
		return false;
	*name = p->name;
	*old = p->text;
	*new_ = NULL;
	return true;
}

void change_print(FILE *fp, const char *indent, int width, const char *name, const char *old,
		  const char *new_, size_t max_lines, const char *suffix)
{
	struct change_view v;
	const char *p, *nl;

	change_view_init(&v, old, new_, max_lines);
	fprintf(fp, "%s%-*s ", indent, width, term_text(name));
	if (v.is_inline) {
		fprintf(fp, "%.*s%s\n", (int)(v.text.len - 1), sb_str(&v.text), suffix);
	} else {
		fprintf(fp, "(%zu -> %zu bytes, -%zu +%zu lines)%s\n", old ? strlen(old) : 0,
			new_ ? strlen(new_) : 0, v.removed, v.added, suffix);
		for (p = sb_str(&v.text); (nl = strchr(p, '\n')); p = nl + 1)
			fprintf(fp, "%s%*s   %.*s\n", indent, width, "", (int)(nl - p), p);
	}
	change_view_release(&v);
}
