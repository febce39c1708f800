/*
 * test_linediff.c - the line diff behind "old -> new" of long key parts:
 * hunks as `diff -u` prints them (headers, context, merged hunks), the
 * removal-first order of ties, the cap, and texts with nothing in common.
 */
#include "t.h"

#include "base/linediff.h"
#include "base/util.h"

/* The diff of a and b as diff -u's body (no file headers). */
static char *udiff(const char *a, const char *b, size_t context, size_t max)
{
	struct ld_text ta, tb;
	struct linediff d;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	ld_text_split(&ta, a, strlen(a));
	ld_text_split(&tb, b, strlen(b));
	linediff_run(&d, &ta, &tb, context, max);
	for (i = 0; i < d.n; i++) {
		const struct ld_line *l = &d.v[i];
		if (l->op == '@')
			sb_addf(&sb, "@@ -%zu,%zu +%zu,%zu @@\n", l->a_start, l->a_len, l->b_start, l->b_len);
		else
			sb_addf(&sb, "%c%.*s\n", l->op, (int)l->len, l->s);
	}
	if (d.omitted)
		sb_addf(&sb, "omitted %zu\n", d.omitted);
	sb_addf(&sb, "-%zu +%zu\n", d.removed, d.added);
	linediff_release(&d);
	ld_text_release(&ta);
	ld_text_release(&tb);
	return sb_detach(&sb, NULL);
}

#define CHECK_DIFF(a, b, ctx, max, want) do { \
	char *got_ = udiff(a, b, ctx, max); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

static void test_one_line_changed(void)
{
	CHECK_DIFF("a\nb\nc\nd\ne\n", "a\nb\nC\nd\ne\n", 1, 0,
		   "@@ -2,3 +2,3 @@\n b\n-c\n+C\n d\n-1 +1\n");
	/* no final newline: the same lines */
	CHECK_DIFF("a\nb", "a\nB", 3, 0, "@@ -1,2 +1,2 @@\n a\n-b\n+B\n-1 +1\n");
	CHECK_DIFF("same\n", "same\n", 3, 0, "-0 +0\n");
}

static void test_insert_delete(void)
{
	/* an added line at the end, a removed one at the start (diff -u's empty ranges) */
	CHECK_DIFF("a\nb\n", "a\nb\nc\n", 1, 0, "@@ -2,1 +2,2 @@\n b\n+c\n-0 +1\n");
	CHECK_DIFF("a\nb\n", "b\n", 0, 0, "@@ -1,1 +0,0 @@\n-a\n-1 +0\n");
	CHECK_DIFF("", "x\n", 3, 0, "@@ -0,0 +1,1 @@\n+x\n-0 +1\n");
}

static void test_hunks(void)
{
	/* changes 6 lines apart: two hunks with 1 line of context, one with 3 */
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n", *b = "X\n2\n3\n4\n5\n6\n7\nY\n";
	CHECK_DIFF(a, b, 1, 0, "@@ -1,2 +1,2 @@\n-1\n+X\n 2\n@@ -7,2 +7,2 @@\n 7\n-8\n+Y\n-2 +2\n");
	CHECK_DIFF(a, b, 3, 0,
		   "@@ -1,8 +1,8 @@\n-1\n+X\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n-2 +2\n");
}

static void test_lcs(void)
{
	/* the common subsequence b,d survives; removals print before additions */
	CHECK_DIFF("a\nb\nc\nd\n", "b\nx\nd\ny\n", 0, 0,
		   "@@ -1,1 +0,0 @@\n-a\n@@ -3,1 +2,1 @@\n-c\n+x\n@@ -4,0 +4,1 @@\n+y\n-2 +2\n");
	/* nothing in common: all removed, then all added */
	CHECK_DIFF("a\nb\n", "c\nd\n", 3, 0, "@@ -1,2 +1,2 @@\n-a\n-b\n+c\n+d\n-2 +2\n");
}

static void test_cap(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i;
	char *got;

	for (i = 0; i < 50; i++) {
		sb_addf(&a, "line %zu\n", i);
		sb_addf(&b, "line %zu%s\n", i, i % 10 == 5 ? " changed" : "");
	}
	/* five hunks; the cap keeps the first, and no header without a line under it */
	got = udiff(sb_str(&a), sb_str(&b), 1, 6);
	CHECK_STR(got, "@@ -5,3 +5,3 @@\n line 4\n-line 5\n+line 5 changed\n line 6\n"
		       "omitted 8\n-5 +5\n");
	free(got);
	/* a cap inside a hunk: its rest is counted */
	got = udiff(sb_str(&a), sb_str(&b), 1, 3);
	CHECK_STR(got, "@@ -5,3 +5,3 @@\n line 4\n-line 5\nomitted 9\n-5 +5\n");
	free(got);
	sb_release(&a);
	sb_release(&b);
}

int main(void)
{
	TEST(test_one_line_changed);
	TEST(test_insert_delete);
	TEST(test_hunks);
	TEST(test_lcs);
	TEST(test_cap);
	return T_DONE();
}
