/*
 * timeline.h - one row per commit of a spec's history: what that commit's
 * version would do to the cache accumulated by the runs before it.  Written
 * and read (for `kfpcache merge`) as CSV through reports/csv.c.
 */
#ifndef KFPCACHE_TIMELINE_H
#define KFPCACHE_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include "model/result.h"

struct timeline_row {
	char *spec;                  /* the spec as named on the command line */
	size_t seq;                  /* 1-based position in that spec's history */
	char commit[41];
	char date[32];               /* author date, ISO 8601 with offset */
	int64_t time;                /* the same in seconds since 1970 (UTC), for ordering */
	char *author;
	char *subject;
	char *path;                  /* the path at that commit (renames) */
	size_t tasks;                /* executor tasks */
	size_t enabled;              /* with caching enabled */
	size_t counts[DECISION_COUNT];
	size_t invalidated;          /* MISS/MISS_UPSTREAM not due to per-run values or a cold cache */
	char *root_causes;           /* "task:reason(n);..." most first */
	char *error;                 /* "" or why this version was not analyzed */
};

/* Fill the counts and root causes of a row from a prediction. */
void timeline_row_fill(struct timeline_row *row, const struct prediction *pr);
void timeline_row_release(struct timeline_row *row);

int timeline_csv_write(FILE *fp, const struct timeline_row *rows, size_t n);
/* Read rows back (merge); errors name the file and line. */
int timeline_csv_read(const char *path, struct timeline_row **rows, size_t *n);
/* The same from len bytes of buf (need not be NUL-terminated), named path. */
int timeline_csv_read_buf(const char *buf, size_t len, const char *path,
			  struct timeline_row **rows, size_t *n);
/* Sort rows by (spec, seq): the order a single run writes. */
void timeline_sort(struct timeline_row *rows, size_t n);

/*
 * The terminal summary: with table, a line per commit (date, commit, HIT
 * and MISS+MISS_UPSTREAM counts, the subject cut to TIMELINE_SUBJECT_WIDTH
 * columns, the root cause of the most tasks in TIMELINE_CAUSE_WIDTH), the counts coloured with
 * color; then the commits that invalidated most, a tie going to the newest
 * (author date, then the later in history).  o may be NULL: neither.
 */
#define TIMELINE_SUBJECT_WIDTH 32
#define TIMELINE_CAUSE_WIDTH 44
struct timeline_print {
	bool table;
	bool color;
};
void timeline_summary(FILE *fp, const struct timeline_row *rows, size_t n,
		      const struct timeline_print *o);

/*
 * JSON, schema "kfpcache/history/v2" (reports/schema/history.v2.schema.json);
 * v2 added the NOT_RUN count (and the CSV its not_run column).
 */
#define TIMELINE_JSON_SCHEMA "kfpcache/history/v2"
int timeline_json_write(FILE *fp, const struct timeline_row *rows, size_t n);
/*
 * html_safe: < > & escaped too, for embedding in an HTML <script>.  cache:
 * where the state before the first commit came from (history --cache-db),
 * the top-level "cache" member; NULL: none, as without --cache-db.
 */
int timeline_json_write_opts(FILE *fp, const struct timeline_row *rows, size_t n,
			     bool html_safe, const char *cache);
/*
 * SVG plot (reports/plot.c): per commit a bar of its decisions stacked,
 * the hit ratio as a line, the commits that invalidated most labelled;
 * one panel per spec.
 */
int timeline_plot_svg(FILE *fp, const struct timeline_row *rows, size_t n);
/* A self-contained HTML page: the plot and a sortable, filterable commit table. */
int timeline_html_write(FILE *fp, const struct timeline_row *rows, size_t n);
/* The same with a "cache:" line under the title (and in the embedded JSON); cache as above. */
int timeline_html_write_cache(FILE *fp, const struct timeline_row *rows, size_t n,
			      const char *cache);

#endif
