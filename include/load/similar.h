/*
 * similar.h - git's rename and copy detection for one followed path, as
 * `git log --follow` runs it (git 2.39: tree-diff.c try_to_follow_renames,
 * diffcore-rename.c, diffcore-delta.c), on bytes the caller reads.  No
 * libgit2 here: gitio.c lists the candidates and reads their blobs.
 */
#ifndef KFPCACHE_SIMILAR_H
#define KFPCACHE_SIMILAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* git's scores: MAX_SCORE is 100 %, DEFAULT_RENAME_SCORE 50 %. */
#define SIM_MAX_SCORE 60000
#define SIM_DEFAULT_SCORE 30000

/* A file cut into git's spans (a line, or 64 bytes): byte counts per hash. */
struct sim_span {
	uint32_t hash;
	uint32_t cnt;
};
struct sim_spans {
	struct sim_span *v;       /* sorted by hash, one entry per hash */
	size_t n;
};

void sim_spans_init(struct sim_spans *out, const char *buf, size_t len);
void sim_spans_release(struct sim_spans *s);

/*
 * Could src and dst reach `minimum` at all?  git rejects a pair whose sizes
 * differ by more than that before reading either (estimate_similarity).
 */
bool sim_sizes_close(size_t src, size_t dst, int minimum);
/* git's score of dst copied from src: bytes in common / the larger size. */
int sim_score(const struct sim_spans *src, size_t src_size, const struct sim_spans *dst,
	      size_t dst_size);
/* Do the two paths end in the same file name (git's basename_same)? */
bool sim_basename_same(const char *a, const char *b);

/* One source git considers: every file of the parent (find_copies_harder). */
struct sim_src {
	const char *path;
	bool stays;               /* still in the commit: a copy source (rename_used) */
	bool exact;               /* the destination's blob */
	int score;                /* sim_score, 0 when not close (sizes) */
};

/*
 * git's pick among v (in git's path order) for destination `dst`: exact
 * copies first (find_exact_renames), else the similarity pass
 * (find_renames): the best NUM_CANDIDATE_PER_DST (4) candidates are kept
 * as record_if_better keeps them, sorted stably by score then basename,
 * and a rename from a deleted source beats a copy from one that stays.
 * -1 when none reaches `minimum`.
 */
long sim_pick_exact(const struct sim_src *v, size_t n, const char *dst);
long sim_pick_similar(const struct sim_src *v, size_t n, const char *dst, int minimum);

#endif
