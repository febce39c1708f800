/*
 * style.h - the look every graphical report shares (reports/style.c): one
 * table of decision colours, read by the DOT/SVG/PNG graph, the Mermaid
 * graph in Markdown, the HTML page's CSS and the history plot; and the
 * escaping of text for HTML and SVG (XML), used by html.c and plot.c.
 */
#ifndef KFPCACHE_STYLE_H
#define KFPCACHE_STYLE_H

#include <stdio.h>

#include "model/result.h"

struct decision_style {
	const char *fill;      /* node fill, HTML badge and table background */
	const char *stroke;    /* node outline (Mermaid) */
	const char *edge;      /* an edge out of a task with this decision */
	const char *sgr;       /* the terminal's ANSI colour (SGR parameters), "" for none */
};

/* The style of decision d; DECISION_NONE's is white with grey edges. */
const struct decision_style *report_decision_style(enum decision d);

/*
 * " [i]" after the name of a task (executor or group) in iteration i of a
 * loop, nothing elsewhere: every iteration holds tasks and groups of the
 * same names ("condition-15" in each), and a graph must tell them apart.
 */
void report_iteration_suffix(struct strbuf *sb, const struct task *t);

/*
 * The terminal's look (the analyze summary, the history table): text in
 * decision d's colour when color is set (report_decision_style's sgr, then
 * a reset), plain otherwise.  Never for files: colour is for a person.
 */
void report_term_decision(FILE *fp, enum decision d, const char *text, bool color);
/* The columns a terminal gives s: its code points (term_text's output is printable). */
size_t report_term_width(const char *s);
/*
 * s in at most max columns: whole when it fits; else its first and last
 * '/'-separated parts around an ellipsis ("a/b/\u2026/y/z"), as many of
 * each as fit, the last ones first; a last part that alone is too long is
 * cut in its middle.  Deterministic: the same s and max give the same text.
 */
void report_short_path(struct strbuf *sb, const char *s, size_t max);
/* Into sb (reset): s whole when it fits in max columns, else its head and an ellipsis. */
void report_term_cut_end(struct strbuf *sb, const char *s, size_t max);
/* s, then spaces up to width columns (nothing after a longer s). */
void report_term_pad(FILE *fp, const char *s, size_t width);

/* Text with & < > " ' as character references (HTML text and attributes, SVG). */
void report_markup_text(FILE *fp, const char *s);

#endif
