/*
 * walk.c - replay a spec's history into a cache, commit by commit: each
 * version is predicted against the cache that the runs of the earlier
 * versions created (cumulative: a revert hits again), or against the
 * previous version's run only.  A version that does not parse becomes an
 * error for that commit and the walk goes on.  Shared by history and blame.
 *
 * Loading a version (git read, parse, task model) does not depend on the
 * cache, so with jobs > 1 worker threads load the next versions while the
 * calling thread predicts, strictly in commit order: the output is the same
 * bytes whatever the number of jobs.  A version is freed as soon as its row
 * is reported (--cache-model previous keeps one more), unless a later commit
 * has the same blob; loading runs ahead only within WALK_BUDGET bytes.
 */
#include "model/walk.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/predict.h"
#include "base/banned.h"

struct loader_arg;

/*
 * Memory, not a count of versions, bounds the loading: loaders run ahead
 * while the parsed versions alive (those waiting, the one predicted, those
 * kept for a later commit) hold less than this, and always load the one the
 * predicting thread waits for.
 */
#define WALK_BUDGET (8u << 20)
#define NO_USE ((size_t)-1)

struct parsed {
	char blob[41];
	struct spec *spec;
	struct dag *dag;
	char *error;
	size_t bytes;                /* what the spec and the task model hold */
	int refs;                    /* holders; freed at zero (under the lock) */
};

struct pipeline {
	struct walk *w;
	const struct hist_entry *entries;
	size_t hi;                   /* load entries [0, hi) */
	struct parsed **slot;        /* slot[i] holds entry i when ready[i] */
	bool *ready;
	size_t *next_use;            /* the next entry with entry i's blob, or NO_USE */
	/*
	 * Loaded versions by blob id, kept (one reference) until the next
	 * entry with the same blob takes them: a blob seen again (a revert,
	 * any number of commits later) is parsed once while it fits the budget.
	 */
	struct strmap shared;
	size_t live;                 /* bytes of the parsed versions alive */
	size_t next;                 /* next entry to hand to a loader */
	size_t consumed;             /* entries the consumer has taken */
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	pthread_t *threads;          /* the loaders, or none: the consumer loads */
	struct loader_arg *args;
	size_t nthreads;
};

/* Drop a reference (lock held); the last frees the version. */
static void parsed_unref(struct pipeline *pl, struct parsed *p)
{
	if (!p || --p->refs > 0)
		return;
	pl->live -= p->bytes;
	dag_free(p->dag);
	spec_free(p->spec);
	free(p->error);
	free(p);
}

/* Load one version (no lock held: this is the expensive part). */
static struct parsed *load(struct gitrepo *repo, const struct walk *w,
			   const struct hist_entry *e)
{
	struct parsed *p = xcalloc(1, sizeof(*p));
	struct strbuf name = STRBUF_INIT;
	char *buf = NULL, blob[41];
	size_t len;

	memcpy(p->blob, e->blob, sizeof(p->blob));
	sb_addf(&name, "%.12s:%s", e->commit, e->path);
	if (gitrepo_read(repo, e->commit, e->path, &buf, &len, blob) < 0 ||
	    spec_load_buf(&p->spec, buf, len, name.buf, w->limits) < 0 ||
	    dag_build(&p->dag, p->spec, &w->dag_opts) < 0) {
		p->error = xstrdup(err_msg());
		dag_free(p->dag);
		spec_free(p->spec);
		p->dag = NULL;
		p->spec = NULL;
	}
	p->bytes = sizeof(*p) + (p->spec ? p->spec->arena.total : 0) +
		   (p->dag ? p->dag->arena.total : 0);
	free(buf);
	sb_release(&name);
	return p;
}

/* Take the next entry to load, waiting while the budget is spent. */
static bool take(struct pipeline *pl, size_t *i)
{
	bool ok;

	pthread_mutex_lock(&pl->lock);
	while (!pl->stop && pl->next < pl->hi && pl->next > pl->consumed &&
	       pl->live >= WALK_BUDGET)
		pthread_cond_wait(&pl->changed, &pl->lock);
	ok = !pl->stop && pl->next < pl->hi;
	if (ok)
		*i = pl->next++;
	pthread_mutex_unlock(&pl->lock);
	return ok;
}

/* Keep p for the next entry with its blob, when there is one and it fits (lock held). */
static void share(struct pipeline *pl, struct parsed *p, size_t i)
{
	if (pl->next_use[i] == NO_USE || pl->live > WALK_BUDGET)
		return;
	p->refs++;
	parsed_unref(pl, strmap_put(&pl->shared, p->blob, p));
}

static void fill(struct pipeline *pl, struct gitrepo *repo, size_t i)
{
	const struct hist_entry *e = &pl->entries[i];
	struct parsed *p = NULL;

	if (e->blob[0]) {
		pthread_mutex_lock(&pl->lock);
		/* The table's reference becomes this entry's. */
		p = strmap_get(&pl->shared, e->blob);
		if (p)
			strmap_put(&pl->shared, e->blob, NULL);
		pthread_mutex_unlock(&pl->lock);
		if (!p) {
			p = load(repo, pl->w, e);
			p->refs = 1;
			pthread_mutex_lock(&pl->lock);
			pl->live += p->bytes;
			pthread_mutex_unlock(&pl->lock);
		}
	}
	pthread_mutex_lock(&pl->lock);
	if (p)
		share(pl, p, i);
	pl->slot[i] = p;
	pl->ready[i] = true;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
}

struct loader_arg {
	struct pipeline *pl;
	struct gitrepo *repo;        /* its own: libgit2 repositories are not shared */
};

static void *loader(void *arg)
{
	struct loader_arg *la = arg;
	size_t i;

	while (take(la->pl, &i))
		fill(la->pl, la->repo, i);
	return NULL;
}

/* The loaded entry i, in order (NULL for a deletion). */
static struct parsed *next_loaded(struct pipeline *pl, size_t i, bool threaded)
{
	struct parsed *p;

	if (!threaded) {
		pl->next = i + 1;
		fill(pl, pl->w->repo, i);
	}
	pthread_mutex_lock(&pl->lock);
	while (!pl->ready[i])
		pthread_cond_wait(&pl->changed, &pl->lock);
	p = pl->slot[i];
	pl->ready[i] = false;
	pl->consumed = i + 1;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
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
	fprintf(stderr, "\r%s: %zu/%zu commits  %.1f/s  %.0fs left   ", term_text(w->spec_path), done, total,
		rate, left);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static void release(struct pipeline *pl, struct parsed *p)
{
	pthread_mutex_lock(&pl->lock);
	parsed_unref(pl, p);
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
}

/*
 * Set up the pipeline over entries[0, hi) and start its loaders.  With
 * jobs > 1 and more than one entry, jobs loaders, each with its own
 * repository: loading costs several times what predicting does, so the
 * calling thread, which only predicts, mostly waits.  Fewer start when a
 * repository does not open or a thread does not start; with none the
 * consumer loads each entry itself.
 */
static void pipeline_start(struct pipeline *pl, struct walk *w,
			   const struct hist_entry *entries, size_t hi)
{
	size_t k;

	memset(pl, 0, sizeof(*pl));
	pl->w = w;
	pl->entries = entries;
	pl->hi = hi;
	pl->slot = xcalloc(hi ? hi : 1, sizeof(*pl->slot));
	pl->ready = xcalloc(hi ? hi : 1, sizeof(*pl->ready));
	pl->next_use = xcalloc(hi ? hi : 1, sizeof(*pl->next_use));
	strmap_init(&pl->shared);
	for (k = hi; k-- > 0;) {
		uintptr_t later;
		pl->next_use[k] = NO_USE;
		if (!entries[k].blob[0])
			continue;
		later = (uintptr_t)strmap_put(&pl->shared, entries[k].blob, (void *)(uintptr_t)(k + 1));
		if (later)
			pl->next_use[k] = (size_t)later - 1;
	}
	strmap_release(&pl->shared);
	strmap_init(&pl->shared);
	pthread_mutex_init(&pl->lock, NULL);
	pthread_cond_init(&pl->changed, NULL);
	if (w->jobs <= 1 || hi <= 1)
		return;
	pl->threads = xcalloc((size_t)w->jobs, sizeof(*pl->threads));
	pl->args = xcalloc((size_t)w->jobs, sizeof(*pl->args));
	for (k = 0; k < (size_t)w->jobs; k++) {
		struct loader_arg *la = &pl->args[pl->nthreads];
		la->pl = pl;
		if (gitrepo_open(&la->repo, gitrepo_path(w->repo)) < 0) {
			err_clear();
			break;
		}
		if (pthread_create(&pl->threads[pl->nthreads], NULL, loader, la)) {
			gitrepo_free(la->repo);
			break;
		}
		pl->nthreads++;
	}
}

static void unref_shared(const char *key, void *value, void *ctx)
{
	(void)key;
	parsed_unref(ctx, value);
}

/* Stop and join the loaders, then free what they loaded and nobody took. */
static void pipeline_stop(struct pipeline *pl)
{
	size_t k;

	pthread_mutex_lock(&pl->lock);
	pl->stop = true;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
	for (k = 0; k < pl->nthreads; k++) {
		pthread_join(pl->threads[k], NULL);
		gitrepo_free(pl->args[k].repo);
	}
	free(pl->threads);
	free(pl->args);
	/* Loaded but never consumed (an early stop), and kept for later. */
	for (k = 0; k < pl->hi; k++)
		if (pl->ready[k])
			parsed_unref(pl, pl->slot[k]);
	strmap_each(&pl->shared, unref_shared, pl);
	strmap_release(&pl->shared);
	free(pl->slot);
	free(pl->ready);
	free(pl->next_use);
	pthread_mutex_destroy(&pl->lock);
	pthread_cond_destroy(&pl->changed);
}

/*
 * A cache for the walk: its consumers (history's timeline and per-commit
 * CSV and DOT, blame) show no "old -> new" value, so it keeps digests of
 * the previous parts, not their texts: the memory of a long history
 * follows its cache entries, not every text each commit made.
 */
static struct cache *walk_cache(void)
{
	struct cache *c = cache_new();

	cache_drop_texts(c);
	return c;
}

/* --cache-model previous: a fresh cache holding only the previous version's run. */
static int previous_cache(const struct walk *w, struct cache **c, const struct parsed *prev)
{
	struct prediction *pp;

	cache_free(*c);
	*c = walk_cache();
	if (!prev)
		return 0;
	if (predict_run(&pp, prev->dag, w->pol, *c, "previous",
			&(struct predict_options){ .commit = true, .live = w->live, .ns = w->ns }) < 0)
		return -1;
	prediction_free(pp);
	return 0;
}

/*
 * Entry i: predict its version against the cache, which its run then joins
 * (cumulative model), and report it when asked; the version becomes *prev.
 * A version that did not load is reported as an error and the walk goes
 * on: 1 then, 0 for a prediction, -1 to stop.
 */
static int walk_one(struct pipeline *pl, struct cache **c, struct parsed **prev, size_t i,
		    bool report)
{
	struct walk *w = pl->w;
	const struct hist_entry *e = &pl->entries[i];
	struct prediction *pr = NULL;
	struct parsed *p = next_loaded(pl, i, pl->nthreads > 0);
	char label[16];

	snprintf(label, sizeof(label), "%.12s", e->commit);
	if (!p || p->error) {
		/* The cache keeps what earlier runs made. */
		int r = report ? w->on_commit(w, i, e, NULL, p ? p->error : "deleted") : 0;
		release(pl, p);
		return r < 0 ? -1 : 1;
	}
	if (w->previous_only && previous_cache(w, c, *prev) < 0) {
		release(pl, p);
		return -1;
	}
	if (predict_run(&pr, p->dag, w->pol, *c, label,
			&(struct predict_options){ .commit = !w->previous_only, .live = w->live,
						   .ns = w->ns }) < 0 ||
	    (report && w->on_commit(w, i, e, pr, NULL) < 0)) {
		prediction_free(pr);
		release(pl, p);
		return -1;
	}
	prediction_free(pr);
	/* Only --cache-model previous needs the version after its row. */
	release(pl, *prev);
	*prev = NULL;
	if (w->previous_only)
		*prev = p;
	else
		release(pl, p);
	return 0;
}

int walk_spec(struct walk *w, const struct hist_entry *entries, size_t n,
	      size_t lo, size_t hi)
{
	struct pipeline pl;
	struct cache *c = walk_cache();
	struct parsed *prev = NULL;
	struct timespec ts;
	double start;
	size_t i;
	int r = 0;

	if (hi > n)
		hi = n;
	pipeline_start(&pl, w, entries, hi);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	start = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	for (i = 0; i < hi && r >= 0; i++) {
		r = walk_one(&pl, &c, &prev, i, i >= lo && entries[i].in_window);
		if (r == 0)
			progress(w, i + 1, hi, start);
	}
	release(&pl, prev);
	pipeline_stop(&pl);
	cache_free(c);
	return r < 0 ? -1 : 0;
}
