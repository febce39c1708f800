/*
 * similar.c - git's similarity score and its choice of a rename or copy
 * source, for the one path `git log --follow` follows.  Ported from git
 * 2.39 (diffcore-delta.c hash_chars/diffcore_count_changes,
 * diffcore-rename.c estimate_similarity, find_identical_files,
 * record_if_better, score_compare, find_renames) so that the lineage is
 * the one git prints: libgit2's own measure (hashsig) rates the same pairs
 * differently, and its pairing of sources is not git's.
 */
#include "load/similar.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

/* diffcore-delta.c: HASHBASE, and a span ends at '\n' or after 64 bytes. */
#define SIM_HASHBASE 107927
#define SIM_SPAN_MAX 64
/* diff.c buffer_is_binary: a NUL in the first 8000 bytes. */
#define SIM_FIRST_FEW_BYTES 8000
/* diffcore-rename.c NUM_CANDIDATE_PER_DST, and find_identical_files' cap. */
#define SIM_CANDIDATES 4
#define SIM_IDENTICAL_MAX 100

static int span_cmp(const void *a, const void *b)
{
	const struct sim_span *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static void span_add(struct sim_spans *s, size_t *alloc, uint32_t hash, uint32_t cnt)
{
	KC_GROW(s->v, *alloc, s->n + 1);
	s->v[s->n].hash = hash;
	s->v[s->n++].cnt = cnt;
}

/* Sort by hash and add up the counts of equal hashes (git's hash table). */
static void spans_merge(struct sim_spans *s)
{
	size_t i, k = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), span_cmp);
	for (i = 1; i < s->n; i++) {
		if (s->v[i].hash == s->v[k].hash)
			s->v[k].cnt += s->v[i].cnt;
		else
			s->v[++k] = s->v[i];
	}
	s->n = k + 1;
}

void sim_spans_init(struct sim_spans *out, const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t alloc = 0, sz = len;
	uint32_t a1 = 0, a2 = 0, n = 0;
	bool text = !memchr(buf, '\0', len < SIM_FIRST_FEW_BYTES ? len : SIM_FIRST_FEW_BYTES);

	out->v = NULL;
	out->n = 0;
	while (sz) {
		uint32_t c = *p++, old1 = a1;

		sz--;
		/* A CR of a CRLF is not counted in a text file. */
		if (text && c == '\r' && sz && *p == '\n')
			continue;
		a1 = (a1 << 7) ^ (a2 >> 25);
		a2 = (a2 << 7) ^ (old1 >> 25);
		a1 += c;
		if (++n < SIM_SPAN_MAX && c != '\n')
			continue;
		span_add(out, &alloc, (a1 + a2 * 0x61) % SIM_HASHBASE, n);
		n = a1 = a2 = 0;
	}
	if (n)
		span_add(out, &alloc, (a1 + a2 * 0x61) % SIM_HASHBASE, n);
	spans_merge(out);
}

void sim_spans_release(struct sim_spans *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

bool sim_sizes_close(size_t src, size_t dst, int minimum)
{
	uint64_t max = src > dst ? src : dst, base = src < dst ? src : dst;

	return !(max * (uint64_t)(SIM_MAX_SCORE - minimum) < (max - base) * SIM_MAX_SCORE);
}

int sim_score(const struct sim_spans *src, size_t src_size, const struct sim_spans *dst,
	      size_t dst_size)
{
	uint64_t copied = 0, max = src_size > dst_size ? src_size : dst_size;
	size_t i = 0, j = 0;

	if (!dst_size)
		return 0;
	/* Bytes of dst found in src: the smaller count of every common span. */
	while (i < src->n && j < dst->n) {
		if (src->v[i].hash < dst->v[j].hash) {
			i++;
		} else if (src->v[i].hash > dst->v[j].hash) {
			j++;
		} else {
			copied += src->v[i].cnt < dst->v[j].cnt ? src->v[i].cnt : dst->v[j].cnt;
			i++;
			j++;
		}
	}
	return (int)(copied * SIM_MAX_SCORE / max);
}

bool sim_basename_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la && lb) {
		char c1 = a[--la], c2 = b[--lb];
		if (c1 != c2)
			return false;
		if (c1 == '/')
			return true;
	}
	return (!la || a[la - 1] == '/') && (!lb || b[lb - 1] == '/');
}

long sim_pick_exact(const struct sim_src *v, size_t n, const char *dst)
{
	long best = -1;
	int best_score = -1, left = SIM_IDENTICAL_MAX;
	size_t i;

	/* An unused (deleted) source scores 1, the same file name 1 more. */
	for (i = 0; i < n; i++) {
		int score;
		if (!v[i].exact)
			continue;
		score = !v[i].stays + sim_basename_same(v[i].path, dst);
		if (score > best_score) {
			best = (long)i;
			best_score = score;
			if (score == 2)
				break;
		}
		if (!--left)
			break;
	}
	return best;
}

struct cand {
	long src;                 /* -1: an empty slot */
	int score, name;
};

/* git's score_compare: > 0 when a sorts after b; empty slots sink. */
static int cand_cmp(const struct cand *a, const struct cand *b)
{
	if (a->src < 0)
		return b->src >= 0;
	if (b->src < 0)
		return -1;
	if (a->score == b->score)
		return b->name - a->name;
	return b->score - a->score;
}

/* git's record_if_better: replace the first worst slot if o beats it. */
static void cand_record(struct cand m[SIM_CANDIDATES], const struct cand *o)
{
	int i, worst = 0;

	for (i = 1; i < SIM_CANDIDATES; i++)
		if (cand_cmp(&m[i], &m[worst]) > 0)
			worst = i;
	if (cand_cmp(&m[worst], o) > 0)
		m[worst] = *o;
}

long sim_pick_similar(const struct sim_src *v, size_t n, const char *dst, int minimum)
{
	struct cand m[SIM_CANDIDATES], o;
	int i, j, pass;
	size_t k;

	for (i = 0; i < SIM_CANDIDATES; i++)
		m[i].src = -1;
	for (k = 0; k < n; k++) {
		o.src = (long)k;
		o.score = v[k].score;
		o.name = sim_basename_same(v[k].path, dst);
		cand_record(m, &o);
	}
	/* STABLE_QSORT of four: an insertion sort. */
	for (i = 1; i < SIM_CANDIDATES; i++)
		for (j = i; j > 0 && cand_cmp(&m[j - 1], &m[j]) > 0; j--) {
			o = m[j];
			m[j] = m[j - 1];
			m[j - 1] = o;
		}
	/* find_renames: renames from unused sources, then copies from any. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < SIM_CANDIDATES; i++) {
			if (m[i].src < 0 || m[i].score < minimum)
				break;
			if (!pass && v[m[i].src].stays)
				continue;
			return m[i].src;
		}
	return -1;
}
