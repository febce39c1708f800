/*
 * change.h - how a changed key part reads for a person, the same in every
 * report (explain, diff, the summary, Markdown, HTML): a short value as
 * "old -> new" on one line; a long one (a command, args, a multi-line
 * script) as a short unified diff of its changed lines (base/linediff.h).
 * Values are escaped (controls as \n, \x1b, as util.h term_text) and very
 * long lines shortened in the middle, so every line is plain text.
 */
#ifndef KFPCACHE_CHANGE_H
#define KFPCACHE_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/util.h"
#include "model/result.h"

/*
 * Lines of context around a change, and the most diff lines shown: in the
 * reports (diff, Markdown, HTML), in explain (the whole story of one task)
 * and in the terminal summary (one root cause among several).
 */
#define CHANGE_CONTEXT 2
#define CHANGE_MAX_LINES 12
#define CHANGE_MAX_LINES_EXPLAIN 24
#define CHANGE_MAX_LINES_SUMMARY 8

struct change_view {
	bool is_inline;          /* one line: "old -> new" */
	struct strbuf text;      /* the lines, each ending in '\n' */
	size_t nlines;
	size_t removed, added;   /* diff form: changed lines in all (shown or not) */
};

/*
 * The view of a value going from old to new_ (NULL: the part did not
 * exist on that side, shown as "(none)"), with at most max_lines diff
 * lines (a final "... N more changed lines" counts the rest).  A JSON
 * array of strings (command, args) is compared element by element, each
 * element's own lines apart, as a person reads the script.
 */
void change_view_init(struct change_view *out, const char *old, const char *new_,
		      size_t max_lines);
void change_view_release(struct change_view *v);

/*
 * A part that differs from the baseline for the reports to show: one the
 * task's reasons name as changed (reason `image`, `input:x`: its own value
 * changed, was added or was removed since the baseline; not one that
 * depends on a producer, nor one of a task that misses for another
 * reason).  Fills *name, *old, *new_ (NULL for a side without the part)
 * for the i-th such part of r (from 0); false past the last.  Parts in
 * key order, then the removed ones.
 */
bool change_part(const struct task_result *r, size_t i, const char **name, const char **old,
		 const char **new_);

/*
 * For a terminal: indent, the part's name padded to width, then "old ->
 * new" and suffix; or the sizes and line counts, suffix, and the diff
 * lines below, indented past the name.
 */
void change_print(FILE *fp, const char *indent, int width, const char *name, const char *old,
		  const char *new_, size_t max_lines, const char *suffix);

/* A value on one line, escaped, shortened in the middle to about max bytes. */
void change_short(struct strbuf *sb, const char *s, size_t max);

#endif
