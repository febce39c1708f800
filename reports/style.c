/*
 * style.c - decision colours (ColorBrewer's diverging RdBu/PRGn shades, so
 * HIT reads green, MISS red and UNKNOWN blue in every report, and the
 * nearest ANSI colours on a terminal), the terminal's path shortening and
 * alignment, and the markup escaping that HTML and SVG text share.
 */
#include "reports/style.h"

#include <string.h>

#include "reports/report.h"
#include "base/banned.h"

static const struct decision_style styles[DECISION_COUNT] = {
	[DECISION_NONE] = { "#ffffff", "#000000", "#999999", "" },
	[DECISION_HIT] = { "#a6dba0", "#1b7837", "#999999", "32" },
	[DECISION_MISS] = { "#f4a582", "#b2182b", "#d6604d", "31" },
	[DECISION_MISS_UPSTREAM] = { "#fddbc7", "#e08214", "#e08214", "33" },
	[DECISION_DISABLED] = { "#d9d9d9", "#636363", "#636363", "2" },
	[DECISION_UNKNOWN] = { "#92c5de", "#2166ac", "#2166ac", "34" },
	[DECISION_NOT_RUN] = { "#f7f7f7", "#bababa", "#bababa", "2" },
};

const struct decision_style *report_decision_style(enum decision d)
{
	return (unsigned)d < DECISION_COUNT ? &styles[d] : &styles[DECISION_NONE];
}

void report_term_decision(FILE *fp, enum decision d, const char *text, bool color)
{
	const char *sgr = report_decision_style(d)->sgr;

	if (color && *sgr)
		fprintf(fp, "\033[%sm%s\033[0m", sgr, text);
	else
		fputs(text, fp);
}

size_t report_term_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

void report_term_pad(FILE *fp, const char *s, size_t width)
{
	size_t w = report_term_width(s);

	fputs(s, fp);
	for (; w < width; w++)
		fputc(' ', fp);
}

#define ELLIPSIS "\xe2\x80\xa6"

/* The first n code points of s (n of its columns), as a byte count. */
static size_t prefix_bytes(const char *s, size_t n)
{
	size_t b = 0;

	while (s[b] && n) {
		b++;
		while (((unsigned char)s[b] & 0xc0) == 0x80)
			b++;
		n--;
	}
	return b;
}

void report_term_cut_end(struct strbuf *sb, const char *s, size_t max)
{
	sb_reset(sb);
	if (report_term_width(s) <= max) {
		sb_adds(sb, s);
		return;
	}
	sb_add(sb, s, prefix_bytes(s, max ? max - 1 : 0));
	sb_adds(sb, ELLIPSIS);
}

/* A part of s too long for max columns: its head and tail around the ellipsis. */
static void cut_middle(struct strbuf *sb, const char *s, size_t max)
{
	size_t w = report_term_width(s), head = (max - 1) / 2, tail = max - 1 - head;

	sb_add(sb, s, prefix_bytes(s, head));
	sb_adds(sb, ELLIPSIS);
	sb_adds(sb, s + prefix_bytes(s, w - tail));
}

void report_short_path(struct strbuf *sb, const char *s, size_t max)
{
	const char *parts[64];
	size_t widths[64], n = 0, h = 1, t = 1, used, i;
	const char *p = s;

	if (max < 3)
		max = 3;
	if (report_term_width(s) <= max) {
		sb_adds(sb, s);
		return;
	}
	for (; n < KC_ARRAY_SIZE(parts); p++) {
		size_t len = strcspn(p, "/");
		parts[n] = p;
		widths[n++] = report_term_width(p) - report_term_width(p + len);
		p += len;
		if (!*p)
			break;
	}
	if (*p) {       /* deeper than any real pipeline: cut the whole text */
		cut_middle(sb, s, max);
		return;
	}
	/* "first/…/last": each kept part and its '/', the ellipsis. */
	used = widths[0] + 1 + 1 + 1 + widths[n - 1];
	if (n < 3 || used > max) {
		const char *last = parts[n - 1];
		if (n > 1 && widths[n - 1] + 2 <= max) {
			sb_adds(sb, ELLIPSIS "/");
			sb_adds(sb, last);
		} else {
			cut_middle(sb, last, max);
		}
		return;
	}
	/* Grow from the task's end first, then from the root's. */
	for (;;) {
		bool grew = false;
		if (h + t < n && used + widths[n - 1 - t] + 1 <= max) {
			used += widths[n - 1 - t] + 1;
			t++;
			grew = true;
		}
		if (h + t < n && used + widths[h] + 1 <= max) {
			used += widths[h] + 1;
			h++;
			grew = true;
		}
		if (!grew)
			break;
	}
	for (i = 0; i < h; i++)
		sb_add(sb, parts[i], strcspn(parts[i], "/") + 1);
	sb_adds(sb, ELLIPSIS);
	for (i = n - t; i < n; i++) {
		sb_addc(sb, '/');
		sb_add(sb, parts[i], strcspn(parts[i], "/"));
	}
}

void report_markup_text(FILE *fp, const char *s)
{
	const char *p = s ? s : "";

	while (*p) {
		unsigned char c = (unsigned char)*p;
		size_t k;
		switch (c) {
		case '&': fputs("&amp;", fp); p++; continue;
		case '<': fputs("&lt;", fp); p++; continue;
		case '>': fputs("&gt;", fp); p++; continue;
		case '"': fputs("&quot;", fp); p++; continue;
		case '\'': fputs("&#39;", fp); p++; continue;
		}
		/* Control characters and invalid UTF-8 are not allowed in XML (the plot is XML). */
		if (c < 0x20 && c != '\n' && c != '\t') {
			fputc(' ', fp);
			p++;
			continue;
		}
		if (!(k = report_utf8_len(p))) {
			fputs("\xef\xbf\xbd", fp);
			p++;
			continue;
		}
		fwrite(p, 1, k, fp);
		p += k;
	}
}

void report_iteration_suffix(struct strbuf *sb, const struct task *t)
{
	if (t->scope && t->scope->iteration >= 0)
		sb_addf(sb, " [%d]", t->scope->iteration);
}
