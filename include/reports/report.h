/*
 * report.h - renderers.  They read a prediction and never decide anything.
 * CSV goes through libcsv (in csv.c only), DOT through cgraph and SVG/PNG
 * through gvc (in dot.c only); the review formats (Markdown, JSON, HTML) are
 * written by hand with their own escaping.  Output is byte-identical for
 * the same input.
 */
#ifndef KFPCACHE_REPORT_H
#define KFPCACHE_REPORT_H

#include <stdio.h>

#include "model/compare.h"
#include "model/cost.h"
#include "model/lint.h"
#include "model/result.h"

/* The analyze CSV (contract columns), rows sorted by task path. */
int report_csv_write(FILE *fp, const struct prediction *pr);
/* The fingerprint CSV: task,component,executor,cache_enabled,fingerprint,note. */
int report_fingerprint_csv(FILE *fp, const struct prediction *pr);
/* One cell the way the CSV writer emits it (quoted when needed, formula-safe). */
void report_csv_cell(FILE *fp, const char *s);
/*
 * Read CSV (RFC 4180, strictly) from len bytes of buf (need not be
 * NUL-terminated), named path in messages.  fn gets each record's cells,
 * NUL-terminated, with the writer's formula apostrophe removed, and the
 * record's 1-based number; the cells are malloc'd and freed after the call,
 * except those fn keeps by setting their slot to NULL.  fn returns -1 (its
 * error recorded) to fail the read; later records are then not handed on.
 * Errors: "PATH:N: <libcsv's message>" (N the record that failed), or fn's.
 */
typedef int report_csv_record_fn(char **cells, size_t n, size_t line, void *payload);
int report_csv_read(const char *buf, size_t len, const char *path, report_csv_record_fn *fn,
		    void *payload);

/* DOT text of the decision graph. */
int report_dot_write(FILE *fp, const struct prediction *pr);
/* The same with the tasks whose paths are keys of `highlight` outlined. */
int report_dot_write_highlight(FILE *fp, const struct prediction *pr,
			       const struct strmap *highlight);
/*
 * Lay out with gvc and write `format` ("svg", "png") to fp.  A graph of
 * more than max_nodes nodes (or 4 * max_nodes edges) is refused before the
 * layout starts: see REPORT_RENDER_MAX_NODES.
 */
#define REPORT_RENDER_MAX_NODES 2000
int report_render(FILE *fp, const struct prediction *pr, const char *format, size_t max_nodes);
/* The same into memory: *out (len bytes, NUL-terminated) is the caller's to free(). */
int report_render_buffer(char **out, size_t *len, const struct prediction *pr,
			 const char *format, size_t max_nodes);

/*
 * What the review reports say about the run beyond the prediction.  All
 * borrowed; baseline "" means a cold cache.
 */
struct report_info {
	const char *spec;            /* the spec as named on the command line */
	const char *baseline;        /* the baseline(s), as the summary names them */
	const struct policy *pol;    /* the policy the prediction used */
	const struct cost *cost;     /* with durations, or NULL: resources only */
	const struct lint_result *lint;  /* findings to list, or NULL when lint did not run */
	size_t render_max;           /* the HTML graph's node budget (report_render) */
};

/*
 * Markdown for a pull-request comment: verdict, counts, the tasks that do
 * not hit with reasons and root causes, a Mermaid diagram (only the tasks
 * that run and their neighbours past MD_MERMAID_MAX executors), the full
 * table collapsed.
 */
#define MD_MERMAID_MAX 150
int report_md_write(FILE *fp, const struct prediction *pr, const struct report_info *info);
/* The one-line verdict, plain text: "4 of 11 executor tasks run (MISS 3, ...), 7 hit the cache". */
void report_verdict(struct strbuf *sb, const struct prediction *pr);
/* JSON, schema "kfpcache/analyze/v4" (reports/schema/analyze.v4.schema.json). */
#define REPORT_JSON_SCHEMA "kfpcache/analyze/v4"
int report_json_write(FILE *fp, const struct prediction *pr, const struct report_info *info);
/*
 * One JSON string literal.  Invalid UTF-8 becomes U+FFFD; with html_safe,
 * < > & are escaped too so the JSON can sit inside an HTML <script>.
 */
void report_json_string(FILE *fp, const char *s, bool html_safe);
/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
size_t report_utf8_len(const char *s);
/* The same as JSON text, for embedding: html_safe as above. */
int report_json_write_opts(FILE *fp, const struct prediction *pr,
			   const struct report_info *info, bool html_safe);
/* A self-contained HTML page: the SVG with pan and zoom, a sortable, filterable table. */
int report_html_write(FILE *fp, const struct prediction *pr, const struct report_info *info);

/*
 * The terminal summary: counts per decision, the hit rate (HIT over the
 * executor tasks that run or hit: NOT_RUN ones are left out, and said),
 * the time spent and saved (with durations), the tasks that do not hit
 * grouped by decision and reason with their root causes (at most
 * SUMMARY_GROUP_MAX per group, paths shortened to SUMMARY_PATH_WIDTH
 * columns), and the top root causes.  Colour (ANSI) only with color.
 */
#define SUMMARY_GROUP_MAX 10
#define SUMMARY_PATH_WIDTH 48
struct summary_opts {
	bool color;                  /* the decisions in their terminal colours */
	const struct cost *cost;     /* for the time line when it has durations; may be NULL */
};
/* o may be NULL: no colour, no cost. */
void report_summary(FILE *fp, const struct prediction *pr, const struct summary_opts *o);
/* "1h42m", "10m00s", "45s": a duration for a person. */
void report_duration_text(char *out, size_t cap, double secs);

/* Lint findings (reports/lint.c): compiler-style text, JSON, SARIF 2.1.0. */
int report_lint_text(FILE *fp, const struct lint_result *r);
int report_lint_json(FILE *fp, const struct lint_result *r);
int report_lint_sarif(FILE *fp, const struct lint_result *r, const char *tool_version);

/* Cost of misses (reports/cost.c): a terminal section and a CSV. */
bool report_cost_worth_showing(const struct cost *c);
void report_cost_summary(FILE *fp, const struct cost *c);
int report_cost_csv(FILE *fp, const struct cost *c);

/* The policy matrix (reports/compare.c). */
int report_compare_text(FILE *fp, const struct compare *c);
int report_compare_md(FILE *fp, const struct compare *c);
int report_compare_csv(FILE *fp, const struct compare *c);
int report_compare_counts_csv(FILE *fp, const struct compare *c);

#endif
