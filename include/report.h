/*
 * report.h - renderers.  They read a prediction and never decide anything.
 * CSV goes through libcsv, DOT through cgraph, SVG/PNG through gvc.  Output
 * is byte-identical for the same input.
 */
#ifndef KFPCACHE_REPORT_H
#define KFPCACHE_REPORT_H

#include <stdio.h>

#include "predict.h"

/* The analyze CSV (contract columns), rows sorted by task path. */
int report_csv_write(FILE *fp, const struct prediction *pr);
/* The fingerprint CSV: task,component,executor,cache_enabled,fingerprint,note. */
int report_fingerprint_csv(FILE *fp, const struct prediction *pr);
/* One cell the way the CSV writer emits it (quoted when needed, formula-safe). */
void report_csv_cell(FILE *fp, const char *s);

/* DOT text of the decision graph. */
int report_dot_write(FILE *fp, const struct prediction *pr);
/* The same with the tasks whose paths are keys of `highlight` outlined. */
int report_dot_write_highlight(FILE *fp, const struct prediction *pr,
			       const struct strmap *highlight);
/* Render with gvc into `path` in `format` ("svg", "png"). */
int report_render(const struct prediction *pr, const char *format, const char *path);

/* Counts per decision and the top root causes, for the terminal. */
void report_summary(FILE *fp, const struct prediction *pr);

#endif
