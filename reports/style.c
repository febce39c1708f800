/*
 * style.c - decision colours (ColorBrewer's diverging RdBu/PRGn shades, so
 * HIT reads green, MISS red and UNKNOWN blue in every report) and the
 * markup escaping that HTML and SVG text share.
 */
#include "reports/style.h"

#include "reports/report.h"
#include "base/banned.h"

static const struct decision_style styles[DECISION_COUNT] = {
	[DECISION_NONE] = { "#ffffff", "#000000", "#999999" },
	[DECISION_HIT] = { "#a6dba0", "#1b7837", "#999999" },
	[DECISION_MISS] = { "#f4a582", "#b2182b", "#d6604d" },
	[DECISION_MISS_UPSTREAM] = { "#fddbc7", "#e08214", "#e08214" },
	[DECISION_DISABLED] = { "#d9d9d9", "#636363", "#636363" },
	[DECISION_UNKNOWN] = { "#92c5de", "#2166ac", "#2166ac" },
	[DECISION_NOT_RUN] = { "#f7f7f7", "#bababa", "#bababa" },
};

const struct decision_style *report_decision_style(enum decision d)
{
	return (unsigned)d < DECISION_COUNT ? &styles[d] : &styles[DECISION_NONE];
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
