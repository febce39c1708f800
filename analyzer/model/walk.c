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
 * bytes whatever the number of jobs.
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

/* Loaded versions by blob id: a blob seen again (a revert) is parsed once. */
#define RECENT 2

struct parsed {
	char blob[41];
	struct spec *spec;
	struct dag *dag;
	char *error;
	int refs;                    /* holders; freed at zero (under the lock) */
};

struct pipeline {
	struct walk *w;
	const struct hist_entry *entries;
	size_t hi;                   /* load entries [0, hi) */
	size_t window;               /* slots: how far loading may run ahead */
	struct parsed **slot;        /* slot[i % window] holds entry i when ready */
	bool *ready;
	size_t next;                 /* next entry to hand to a loader */
	size_t consumed;             /* entries the consumer has taken */
	struct parsed *recent[RECENT];
	unsigned long used[RECENT], tick;
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	pthread_t *threads;          /* the loaders, or none: the consumer loads */
	struct loader_arg *args;
	size_t nthreads;
};

static void parsed_unref(struct parsed *p)
{
	if (!p || --p->refs > 0)
		return;
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
	free(buf);
	sb_release(&name);
	return p;
}

/* A recently loaded version of this blob, with a reference for the caller. */
static struct parsed *recent_get(struct pipeline *pl, const char *blob)
{
	size_t i;

	for (i = 0; i < RECENT; i++)
		if (pl->recent[i] && !strcmp(pl->recent[i]->blob, blob)) {
			pl->used[i] = ++pl->tick;
			pl->recent[i]->refs++;
			return pl->recent[i];
		}
	return NULL;
}

static void recent_put(struct pipeline *pl, struct parsed *p)
{
	size_t i, victim = 0;

	for (i = 1; i < RECENT; i++)
		if (pl->used[i] < pl->used[victim])
			victim = i;
	parsed_unref(pl->recent[victim]);
	pl->recent[victim] = p;
	pl->used[victim] = ++pl->tick;
	p->refs++;
}

/* Take the next entry to load, waiting while the window is full. */
static bool take(struct pipeline *pl, size_t *i)
{
	bool ok;

	pthread_mutex_lock(&pl->lock);
	while (!pl->stop && pl->next < pl->hi && pl->next >= pl->consumed + pl->window)
		pthread_cond_wait(&pl->changed, &pl->lock);
	ok = !pl->stop && pl->next < pl->hi;
	if (ok)
		*i = pl->next++;
	pthread_mutex_unlock(&pl->lock);
	return ok;
}

static void fill(struct pipeline *pl, struct gitrepo *repo, size_t i)
{
	const struct hist_entry *e = &pl->entries[i];
	struct parsed *p = NULL;

	if (e->blob[0]) {
		pthread_mutex_lock(&pl->lock);
		p = recent_get(pl, e->blob);
		pthread_mutex_unlock(&pl->lock);
		if (!p) {
			p = load(repo, pl->w, e);
			p->refs = 1;
			pthread_mutex_lock(&pl->lock);
			recent_put(pl, p);
			pthread_mutex_unlock(&pl->lock);
		}
	}
	pthread_mutex_lock(&pl->lock);
	pl->slot[i % pl->window] = p;
	pl->ready[i % pl->window] = true;
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
	while (!pl->ready[i % pl->window])
		pthread_cond_wait(&pl->changed, &pl->lock);
	p = pl->slot[i % pl->window];
	pl->ready[i % pl->window] = false;
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
	parsed_unref(p);
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
	pl->window = w->jobs > 1 ? (size_t)w->jobs + 1 : 1;
	pl->slot = xcalloc(pl->window, sizeof(*pl->slot));
	pl->ready = xcalloc(pl->window, sizeof(*pl->ready));
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
	/* Loaded but never consumed (an early stop). */
	for (k = 0; k < pl->window; k++)
		if (pl->ready[k])
			parsed_unref(pl->slot[k]);
	for (k = 0; k < RECENT; k++)
		parsed_unref(pl->recent[k]);
	free(pl->slot);
	free(pl->ready);
	pthread_mutex_destroy(&pl->lock);
	pthread_cond_destroy(&pl->changed);
}

/* --cache-model previous: a fresh cache holding only the previous version's run. */
static int previous_cache(const struct walk *w, struct cache **c, const struct parsed *prev)
{
	struct prediction *pp;

	cache_free(*c);
	*c = cache_new();
	if (!prev)
		return 0;
	if (predict_run(&pp, prev->dag, w->pol, *c, "previous",
			&(struct predict_options){ .commit = true }) < 0)
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
			&(struct predict_options){ .commit = !w->previous_only }) < 0 ||
	    (report && w->on_commit(w, i, e, pr, NULL) < 0)) {
		prediction_free(pr);
		release(pl, p);
		return -1;
	}
	prediction_free(pr);
	release(pl, *prev);
	*prev = p;
	return 0;
}

int walk_spec(struct walk *w, const struct hist_entry *entries, size_t n,
	      size_t lo, size_t hi)
{
	struct pipeline pl;
	struct cache *c = cache_new();
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
	pipeline_stop(&pl);
	parsed_unref(prev);
	cache_free(c);
	return r < 0 ? -1 : 0;
}
