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
};

/* The style of decision d; DECISION_NONE's is white with grey edges. */
const struct decision_style *report_decision_style(enum decision d);

/*
 * " [i]" after the name of a task (executor or group) in iteration i of a
 * loop, nothing elsewhere: every iteration holds tasks and groups of the
 * same names ("condition-15" in each), and a graph must tell them apart.
 */
void report_iteration_suffix(struct strbuf *sb, const struct task *t);

/* Text with & < > " ' as character references (HTML text and attributes, SVG). */
void report_markup_text(FILE *fp, const char *s);

#endif
