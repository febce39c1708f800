/*
 * walk.c - replay a spec's history into a cache, commit by commit: each
 * version is predicted against the cache that the runs of the earlier
 * versions created (cumulative: a revert hits again), or against the
 * previous version's run only.  A version that does not parse becomes an
 * error for that commit and the walk goes on.  Shared by history and blame.
 */
#include "walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

/* Parsed versions by blob id: a blob seen again (a revert) is parsed once. */
#define BLOB_SLOTS 4

struct parsed {
	char blob[41];
	struct spec *spec;
	struct dag *dag;
	char *error;
	unsigned long used;
};

struct blobcache {
	struct parsed slot[BLOB_SLOTS];
	unsigned long tick;
};

static void parsed_release(struct parsed *p)
{
	dag_free(p->dag);
	spec_free(p->spec);
	free(p->error);
	memset(p, 0, sizeof(*p));
}

static struct parsed *load_version(struct walk *w, struct blobcache *bc,
				   const struct hist_entry *e)
{
	struct parsed *p = NULL;
	struct strbuf name = STRBUF_INIT;
	char *buf = NULL, blob[41];
	size_t len, i;

	for (i = 0; i < BLOB_SLOTS; i++)
		if (!strcmp(bc->slot[i].blob, e->blob)) {
			bc->slot[i].used = ++bc->tick;
			return &bc->slot[i];
		}
	for (i = 0; i < BLOB_SLOTS; i++)
		if (!p || bc->slot[i].used < p->used)
			p = &bc->slot[i];
	parsed_release(p);
	memcpy(p->blob, e->blob, sizeof(p->blob));
	p->used = ++bc->tick;
	sb_addf(&name, "%.12s:%s", e->commit, e->path);
	if (gitrepo_read(w->repo, e->commit, e->path, &buf, &len, blob) < 0 ||
	    spec_load_buf(&p->spec, buf, len, name.buf, NULL) < 0 ||
	    dag_build(&p->dag, p->spec, &w->dag_opts) < 0) {
		p->error = xstrdup(err_msg());
		dag_free(p->dag);
		spec_free(p->spec);
		p->dag = NULL;
		p->spec = NULL;
	}
	free(buf);
	sb_release(&name);
	return p;
}

static void progress(const struct walk *w, size_t done, size_t total, double start)
{
	struct timespec ts;
	double now, rate, left;

	if (!w->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	rate = now > start ? (double)done / (now - start) : 0;
	left = rate > 0 ? (double)(total - done) / rate : 0;
	fprintf(stderr, "\r%s: %zu/%zu commits  %.1f/s  %.0fs left   ", w->spec_path, done, total,
		rate, left);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

int walk_spec(struct walk *w, const struct hist_entry *entries, size_t n,
	      size_t lo, size_t hi)
{
	struct blobcache bc;
	struct cache *c = cache_new();
	struct parsed *prev = NULL;
	struct timespec ts;
	double start;
	size_t i;
	int ret = -1;

	memset(&bc, 0, sizeof(bc));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	start = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (hi > n)
		hi = n;
	for (i = 0; i < hi; i++) {
		const struct hist_entry *e = &entries[i];
		struct prediction *pr = NULL;
		struct parsed *p;
		char label[16];
		snprintf(label, sizeof(label), "%.12s", e->commit);
		bool report = i >= lo && e->in_window;
		if (!e->blob[0]) {
			if (report && w->on_commit(w, i, e, NULL, "deleted") < 0)
				goto done;
			continue;
		}
		p = load_version(w, &bc, e);
		if (p->error) {
			/* The walk goes on; the cache keeps what earlier runs made. */
			if (report && w->on_commit(w, i, e, NULL, p->error) < 0)
				goto done;
			continue;
		}
		if (w->previous_only) {
			/* Only the previous version's run is in the cache. */
			cache_free(c);
			c = cache_new();
			if (prev && prev->dag) {
				struct prediction *pp;
				if (predict_run(&pp, prev->dag, w->pol, c, "previous", true) < 0)
					goto done;
				prediction_free(pp);
			}
		}
		if (predict_run(&pr, p->dag, w->pol, c, label, !w->previous_only) < 0) {
			err_set("%s", err_msg());
			goto done;
		}
		if (report && w->on_commit(w, i, e, pr, NULL) < 0) {
			prediction_free(pr);
			goto done;
		}
		prediction_free(pr);
		prev = p;
		progress(w, i + 1, hi, start);
	}
	ret = 0;
done:
	for (i = 0; i < BLOB_SLOTS; i++)
		parsed_release(&bc.slot[i]);
	cache_free(c);
	return ret;
}
