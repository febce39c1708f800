/*
 * test_similar.c - git's similarity score and source choice (similar.c),
 * pinned to what git 2.39 prints: `git log --follow --name-status` rated
 * the pair below R051, and the choices are diffcore-rename.c's.
 */
#include "load/similar.h"

#include <stdio.h>

#include "base/util.h"
#include "t.h"

/* "lo..hi\n" lines, appended to sb. */
static void seq(struct strbuf *sb, int lo, int hi)
{
	int i;

	for (i = lo; i <= hi; i++)
		sb_addf(sb, "%d\n", i);
}

static int pct(const char *a, size_t na, const char *b, size_t nb)
{
	struct sim_spans sa, sb;
	int score;

	sim_spans_init(&sa, a, na);
	sim_spans_init(&sb, b, nb);
	score = sim_score(&sa, na, &sb, nb);
	sim_spans_release(&sa);
	sim_spans_release(&sb);
	return score * 100 / SIM_MAX_SCORE;
}

static void test_score_as_git(void)
{
	struct strbuf src = STRBUF_INIT, dst = STRBUF_INIT;

	/* seq 1 60; seq 200 240  ->  seq 1 90; seq 300 310: git says R051. */
	seq(&src, 1, 60);
	seq(&src, 200, 240);
	seq(&dst, 1, 90);
	seq(&dst, 300, 310);
	CHECK_INT(pct(src.buf, src.len, dst.buf, dst.len), 51);
	CHECK_INT(pct(src.buf, src.len, src.buf, src.len), 100);
	CHECK_INT(pct("", 0, "", 0), 0);
	/* A CR before LF is not counted in a text file, but the size is: R088. */
	CHECK_INT(pct("a\r\nb\r\nc\nd\ne\nf\ng\nh\n", 18, "a\nb\nc\nd\ne\nf\ng\nh\n", 16), 88);
	CHECK(sim_sizes_close(100, 150, SIM_DEFAULT_SCORE));
	CHECK(!sim_sizes_close(100, 201, SIM_DEFAULT_SCORE));
	sb_release(&src);
	sb_release(&dst);
}

static void test_basename(void)
{
	CHECK(sim_basename_same("a/b/p.yaml", "p.yaml"));
	CHECK(sim_basename_same("x/p.yaml", "y/z/p.yaml"));
	CHECK(!sim_basename_same("a/xp.yaml", "b/p.yaml"));
	CHECK(!sim_basename_same("p.yaml", "q.yaml"));
}

static void test_pick_exact(void)
{
	struct sim_src v[3] = {
		{ "a/other.yaml", false, true, 0 },
		{ "b/p.yaml", true, true, 0 },
		{ "c/p.yaml", false, true, 0 },
	};

	/* Unused and the same name scores 2 and stops the search. */
	CHECK_INT(sim_pick_exact(v, 3, "d/p.yaml"), 2);
	/* 1 (unused) against 1 (same name): the first in path order. */
	CHECK_INT(sim_pick_exact(v, 2, "d/p.yaml"), 0);
	v[0].exact = false;
	CHECK_INT(sim_pick_exact(v, 2, "d/p.yaml"), 1);
	v[1].exact = false;
	CHECK_INT(sim_pick_exact(v, 2, "d/p.yaml"), -1);
}

static void test_pick_similar(void)
{
	struct sim_src v[5] = {
		{ "gone.yaml", false, false, 37000 },
		{ "k0.yaml", true, false, 54000 },
		{ "k1.yaml", true, false, 54000 },
		{ "k2.yaml", true, false, 54000 },
		{ "k3.yaml", true, false, 54000 },
	};

	/* A rename from a deleted file beats a closer copy... */
	CHECK_INT(sim_pick_similar(v, 4, "dst.yaml", SIM_DEFAULT_SCORE), 0);
	/* ...unless four better candidates push it out: k3 takes its slot. */
	CHECK_INT(sim_pick_similar(v, 5, "dst.yaml", SIM_DEFAULT_SCORE), 4);
	/* Below the threshold nothing is picked. */
	CHECK_INT(sim_pick_similar(v, 5, "dst.yaml", 55000), -1);
}

int main(void)
{
	TEST(test_score_as_git);
	TEST(test_basename);
	TEST(test_pick_exact);
	TEST(test_pick_similar);
	return T_DONE();
}
