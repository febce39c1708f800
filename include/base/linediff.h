/*
 * linediff.h - a line diff: the longest common subsequence of two texts'
 * lines, written as unified-diff hunks (as `diff -u` prints them) with a
 * few lines of context and a cap on the lines shown.  Reports use it to
 * show how a long key part (a command, a multi-line script) changed.
 */
#ifndef KFPCACHE_LINEDIFF_H
#define KFPCACHE_LINEDIFF_H

#include <stddef.h>

/* A text cut into lines: line i is v[i] (no '\n'), borrowed from the text. */
struct ld_span {
	const char *s;
	size_t len;
};
struct ld_text {
	struct ld_span *v;
	size_t n, alloc;
};
/* Split text[0..len) at '\n' (a final '\n' ends the last line); borrowed from text. */
void ld_text_split(struct ld_text *out, const char *text, size_t len);
void ld_text_add(struct ld_text *t, const char *s, size_t len);
void ld_text_release(struct ld_text *t);

/* One line of output: a hunk header ('@'), context (' '), removed ('-'), added ('+'). */
struct ld_line {
	char op;
	const char *s;              /* the line (borrowed from the texts); NULL for '@' */
	size_t len;
	size_t a_start, a_len;      /* '@': the hunk's lines in a and b, 1-based as diff -u */
	size_t b_start, b_len;
};

struct linediff {
	struct ld_line *v;
	size_t n, alloc;
	size_t removed, added;      /* changed lines in the whole diff */
	size_t omitted;             /* '-' and '+' lines left out by the cap */
};

/*
 * The hunks turning a into b into out: `context` lines around each change
 * (hunks closer than 2*context merge), at most max_lines lines of output
 * (headers included; 0: no cap), the changes left out counted in
 * out->omitted.  Deterministic: of equally long common subsequences the
 * one that removes before it adds.  Texts longer than a few thousand lines
 * on both sides of the changed middle are compared as a whole replacement
 * (bounded memory).  out is overwritten; release it with linediff_release.
 */
void linediff_run(struct linediff *out, const struct ld_text *a, const struct ld_text *b,
		  size_t context, size_t max_lines);
void linediff_release(struct linediff *d);

#endif
