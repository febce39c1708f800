/*
 * cache.c - the cache table: open-addressing tables of compact entries
 * scoped by pipeline name and namespace (KFP's driver looks a fingerprint up
 * within that scope, driver/cache.go), and each task path's newest key parts.
 * Sits between key and predict: predict.c asks it, and commits runs to it.
 */
#include "model/cache.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

/*
 * Entries are compact (16 bytes): 96 bits of the key and the task whose
 * execution created it (interned), in insertion order in fixed chunks (no
 * copy as they grow), one table per scope; the run that created an entry
 * is that of its run segment (a run's entries are inserted together), so
 * a long history costs 16 bytes an entry plus a 4-byte slot of the index.
 */
struct centry {
	uint64_t k0;               /* the first 96 bits of the key */
	uint32_t k1;
	uint32_t path;             /* task path id */
};

/* Entries [first, next segment's first) were created by run `run`. */
struct crun {
	uint32_t first;
	uint32_t run;              /* run label id */
};

#define CHUNK_BITS 12          /* 4096 entries (64 KiB) a chunk */
#define CHUNK (1u << CHUNK_BITS)

struct ctable {
	struct centry **chunks;
	size_t nchunks, chunks_alloc;
	uint32_t count;
	uint32_t *index;           /* entry number + 1 by key hash; 0 = empty */
	size_t cap;
	struct crun *runs;
	size_t nruns, runs_alloc;
};

/* One table per scope id, grown as scopes are interned. */
struct ctables {
	struct ctable **by_scope;
	size_t n;
	size_t count;              /* entries in every scope */
};

struct interned {
	struct strmap ids;         /* string -> id + 1 */
	const char **names;
	size_t n, alloc;
};

/*
 * A part text the cache holds: each distinct text once (by digest), shared
 * by every task path whose newest parts have it, freed with its last user.
 * A digest collision (another text) gets its own, unshared copy.
 */
struct ctext {
	size_t refs;
	bool mapped;               /* c->texts names it */
	char digest[17];
	char text[];
};

/* A task path's newest parts: names, digests, and the shared texts. */
struct part_set {
	struct keypart *parts;
	size_t nparts;
};

/*
 * The static index: entries whose keys have the same part names and the
 * same digests of the parts that are never wild (image, command, args,
 * outputs, ...) share a bucket, keyed by the scope and a hash over those;
 * a bucket holds each distinct signature of the other parts (inputs, PVC
 * names) once, flat: len 64-bit digests per signature, 0 where the part is
 * wild (a digest that is 0 is kept as 1: one more 2^-64 collision).  Over a
 * long history a bucket gathers thousands of signatures (a task whose
 * producer reran every commit), so a bucket past SIG_SCAN signatures gets
 * its own open-addressing index of them and an insert stays O(1).
 */
#define SIG_SCAN 8

struct sig_bucket {
	uint64_t name;             /* hash of the part names and fixed digests */
	uint32_t scope;            /* scope id */
	uint32_t len;              /* parts per signature */
	uint32_t nsigs;
	size_t dalloc;             /* elements digests holds */
	uint64_t *digests;         /* nsigs * len; 0 where wild */
	uint32_t *index;           /* signature index + 1 by hash, or NULL */
	size_t icap;
};

struct sig_table {
	struct sig_bucket *b;
	size_t n, alloc;
	uint32_t *slots;           /* bucket index + 1 by (scope, name) */
	size_t cap;
};

struct cache {
	struct arena arena;
	struct sig_table statics;
	struct ctables tables[2];  /* by enum cache_table */
	struct interned pipelines, scopes, runs, paths;
	size_t *per_pipeline;      /* CACHE_EXEC entries per pipeline id */
	size_t per_alloc;
	size_t *per_scope;         /* CACHE_EXEC entries per scope id */
	size_t per_scope_alloc;
	struct strmap last;        /* task path -> struct part_set * */
	struct strmap texts;       /* digest -> struct ctext * (NULL once freed) */
	size_t nexec;              /* CACHE_EXEC entries */
	size_t nruns;
	bool no_texts;             /* cache_drop_texts: digests only */
};

static uint32_t intern(struct cache *c, struct interned *t, const char *s)
{
	uintptr_t id = (uintptr_t)strmap_get(&t->ids, s);

	if (id)
		return (uint32_t)(id - 1);
	KC_GROW(t->names, t->alloc, t->n + 1);
	t->names[t->n] = arena_strdup(&c->arena, s);
	strmap_put(&t->ids, s, (void *)(uintptr_t)(t->n + 1));
	return (uint32_t)t->n++;
}

static bool interned_find(const struct interned *t, const char *s, uint32_t *id)
{
	uintptr_t v = (uintptr_t)strmap_get(&t->ids, s);

	if (v)
		*id = (uint32_t)(v - 1);
	return v != 0;
}

static void interned_release(struct interned *t)
{
	strmap_release(&t->ids);
	free(t->names);
}

static void release_statics(struct cache *c)
{
	size_t i;

	for (i = 0; i < c->statics.n; i++) {
		free(c->statics.b[i].digests);
		free(c->statics.b[i].index);
	}
	free(c->statics.b);
	free(c->statics.slots);
}

static struct ctext *ctext_of(const char *text)
{
	return (struct ctext *)(void *)(text - offsetof(struct ctext, text));
}

/* The shared copy of text (digest d), one more reference to it. */
static const char *text_ref(struct cache *c, const char *text, const char *d)
{
	struct ctext *t = strmap_get(&c->texts, d);
	size_t len;

	if (t && !strcmp(t->text, text)) {
		t->refs++;
		return t->text;
	}
	len = strlen(text);
	t = xmalloc(sizeof(*t) + len + 1);
	t->refs = 1;
	t->mapped = !strmap_get(&c->texts, d);
	memcpy(t->digest, d, sizeof(t->digest));
	t->digest[sizeof(t->digest) - 1] = '\0';
	memcpy(t->text, text, len + 1);
	if (t->mapped)
		strmap_put(&c->texts, t->digest, t);
	return t->text;
}

static void text_unref(struct cache *c, const char *text)
{
	struct ctext *t;

	if (!text)
		return;
	t = ctext_of(text);
	if (--t->refs)
		return;
	if (t->mapped)
		strmap_put(&c->texts, t->digest, NULL);
	free(t);
}

static void release_set(const char *key, void *v, void *ctx)
{
	struct part_set *ps = v;
	size_t k;

	(void)key;
	for (k = 0; k < ps->nparts; k++)
		text_unref(ctx, ps->parts[k].text);
}

static void ctables_release(struct ctables *ts)
{
	size_t i, k;

	for (i = 0; i < ts->n; i++) {
		struct ctable *t = ts->by_scope[i];
		if (!t)
			continue;
		for (k = 0; k < t->nchunks; k++)
			free(t->chunks[k]);
		free(t->chunks);
		free(t->index);
		free(t->runs);
		free(t);
	}
	free(ts->by_scope);
}

struct cache *cache_new(void)
{
	struct cache *c = xcalloc(1, sizeof(*c));

	arena_init(&c->arena);
	strmap_init(&c->pipelines.ids);
	strmap_init(&c->scopes.ids);
	strmap_init(&c->runs.ids);
	strmap_init(&c->paths.ids);
	strmap_init(&c->last);
	strmap_init(&c->texts);
	return c;
}

void cache_drop_texts(struct cache *c)
{
	c->no_texts = true;
}

void cache_free(struct cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < KC_ARRAY_SIZE(c->tables); i++)
		ctables_release(&c->tables[i]);
	interned_release(&c->pipelines);
	interned_release(&c->scopes);
	interned_release(&c->runs);
	interned_release(&c->paths);
	free(c->per_pipeline);
	free(c->per_scope);
	strmap_each(&c->last, release_set, c);
	strmap_release(&c->last);
	strmap_release(&c->texts);
	release_statics(c);
	arena_release(&c->arena);
	free(c);
}

static uint64_t hex64(const char *h)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 16 && h[i]; i++)
		v = v << 4 | (uint64_t)(h[i] <= '9' ? h[i] - '0' : h[i] - 'a' + 10);
	return v;
}

/* The 96 bits an entry keeps of a key. */
static void key_bits(const char *key, uint64_t *k0, uint32_t *k1)
{
	*k0 = hex64(key);
	*k1 = (uint32_t)(hex64(key + 16) >> 32);
}

static struct centry *ctable_entry(const struct ctable *t, uint32_t i)
{
	return &t->chunks[i >> CHUNK_BITS][i & (CHUNK - 1)];
}

/* The index slot of key (k0, k1): its entry's, or the empty one it would take. */
static size_t ctable_slot(const struct ctable *t, uint64_t k0, uint32_t k1)
{
	size_t mask = t->cap - 1, i = (size_t)(k0 ^ k0 >> 29) & mask;

	for (;;) {
		uint32_t v = t->index[i];
		const struct centry *e;
		if (!v)
			return i;
		e = ctable_entry(t, v - 1);
		if (e->k0 == k0 && e->k1 == k1)
			return i;
		i = (i + 1) & mask;
	}
}

static void ctable_grow(struct ctable *t)
{
	uint32_t k;

	free(t->index);
	t->cap = t->cap ? t->cap * 2 : 1024;
	t->index = xcalloc(t->cap, sizeof(*t->index));
	for (k = 0; k < t->count; k++) {
		const struct centry *e = ctable_entry(t, k);
		t->index[ctable_slot(t, e->k0, e->k1)] = k + 1;
	}
}

/* The run that created entry i: its segment's (the last starting at or before i). */
static uint32_t ctable_run(const struct ctable *t, uint32_t i)
{
	size_t lo = 0, hi = t->nruns;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->runs[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return t->runs[lo].run;
}

/* Scope sid's table of ts, made when `make`; NULL when it has none. */
static struct ctable *ctables_get(struct ctables *ts, uint32_t sid, bool make)
{
	if ((size_t)sid >= ts->n) {
		size_t old = ts->n;
		if (!make)
			return NULL;
		ts->by_scope = xreallocarray(ts->by_scope, (size_t)sid + 1, sizeof(*ts->by_scope));
		ts->n = (size_t)sid + 1;
		memset(ts->by_scope + old, 0, (ts->n - old) * sizeof(*ts->by_scope));
	}
	if (!ts->by_scope[sid] && make)
		ts->by_scope[sid] = xcalloc(1, sizeof(**ts->by_scope));
	return ts->by_scope[sid];
}

/*
 * A scope's interned name: the namespace, a unit separator (no namespace,
 * a DNS label, holds one), then the pipeline name; "" for no namespace.
 */
static const char *scope_name(struct strbuf *sb, const struct cache_scope *s)
{
	sb_reset(sb);
	sb_addf(sb, "%s\x1f%s", s->ns ? s->ns : "", s->pipeline);
	return sb_str(sb);
}

/* One more CACHE_EXEC entry under id: counts[id]++, growing the array. */
static void count_entry(size_t **counts, size_t *alloc, uint32_t id)
{
	if ((size_t)id >= *alloc) {
		size_t old = *alloc;
		KC_GROW(*counts, *alloc, (size_t)id + 1);
		memset(*counts + old, 0, (*alloc - old) * sizeof(**counts));
	}
	(*counts)[id]++;
}

bool cache_lookup(struct cache_entry *out, const struct cache *c, enum cache_table t,
		  const struct cache_scope *s, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	const struct ctable *tab = NULL;
	uint64_t k0;
	uint32_t k1, sid, v;
	bool found = c->tables[t].count && interned_find(&c->scopes, scope_name(&sb, s), &sid);

	sb_release(&sb);
	if (found)
		tab = ctables_get((struct ctables *)&c->tables[t], sid, false);
	if (!tab || !tab->count)
		return false;
	key_bits(key, &k0, &k1);
	v = tab->index[ctable_slot(tab, k0, k1)];
	if (!v)
		return false;
	out->run = c->runs.names[ctable_run(tab, v - 1)];
	out->path = c->paths.names[ctable_entry(tab, v - 1)->path];
	return true;
}

void cache_insert(struct cache *c, enum cache_table t, const struct cache_scope *s,
		  const char *key, const char *run, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t pid = intern(c, &c->pipelines, s->pipeline);
	uint32_t sid = intern(c, &c->scopes, scope_name(&sb, s));
	struct ctable *tab = ctables_get(&c->tables[t], sid, true);
	struct centry *e;
	size_t slot;
	uint64_t k0;
	uint32_t k1, rid;

	sb_release(&sb);
	if (tab->count == UINT32_MAX - 1)
		die("cache: more than %u entries in one scope", (unsigned)(UINT32_MAX - 1));
	if (((size_t)tab->count + 1) * 4 >= tab->cap * 3)
		ctable_grow(tab);
	key_bits(key, &k0, &k1);
	slot = ctable_slot(tab, k0, k1);
	/* Equal keys within a run: the first (by path) names the entry. */
	if (tab->index[slot])
		return;
	if ((tab->count & (CHUNK - 1)) == 0) {
		KC_GROW(tab->chunks, tab->chunks_alloc, tab->nchunks + 1);
		tab->chunks[tab->nchunks++] = xmalloc(CHUNK * sizeof(struct centry));
	}
	e = ctable_entry(tab, tab->count);
	e->k0 = k0;
	e->k1 = k1;
	e->path = intern(c, &c->paths, path);
	rid = intern(c, &c->runs, run);
	if (!tab->nruns || tab->runs[tab->nruns - 1].run != rid) {
		KC_GROW(tab->runs, tab->runs_alloc, tab->nruns + 1);
		tab->runs[tab->nruns].first = tab->count;
		tab->runs[tab->nruns++].run = rid;
	}
	tab->index[slot] = ++tab->count;
	c->tables[t].count++;
	if (t != CACHE_EXEC)
		return;
	count_entry(&c->per_pipeline, &c->per_alloc, pid);
	count_entry(&c->per_scope, &c->per_scope_alloc, sid);
	c->nexec++;
}

static bool has_entries(const struct interned *t, const size_t *counts, size_t n,
			const char *name)
{
	uint32_t id;

	return interned_find(t, name, &id) && id < n && counts[id];
}

enum cache_scope_state cache_scope_state(const struct cache *c, const struct cache_scope *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool here;

	if (!c->nexec)
		return CACHE_SCOPE_HELD;
	if (!has_entries(&c->pipelines, c->per_pipeline, c->per_alloc, s->pipeline))
		return CACHE_SCOPE_OTHER_PIPELINE;
	/* No namespace (the importers'): the pipeline name is the whole scope. */
	if (!s->ns)
		return CACHE_SCOPE_HELD;
	here = has_entries(&c->scopes, c->per_scope, c->per_scope_alloc, scope_name(&sb, s));
	sb_release(&sb);
	return here ? CACHE_SCOPE_HELD : CACHE_SCOPE_OTHER_NAMESPACE;
}

const struct keypart *cache_prev_parts(const struct cache *c, const char *path, size_t *n)
{
	const struct part_set *ps = strmap_get(&c->last, path);

	*n = ps ? ps->nparts : 0;
	return ps ? ps->parts : NULL;
}

static bool same_part_names(const struct part_set *ps, const struct keypart *parts, size_t n)
{
	size_t k;

	if (ps->nparts != n)
		return false;
	for (k = 0; k < n; k++)
		if (strcmp(ps->parts[k].name, parts[k].name))
			return false;
	return true;
}

void cache_set_parts(struct cache *c, const char *path, const struct keypart *parts,
		     size_t n)
{
	struct part_set *ps = strmap_get(&c->last, path);
	const char **texts = xcalloc(n ? n : 1, sizeof(*texts));
	size_t k;

	/*
	 * Texts (kilobytes for a command) are shared: the tasks of a run and
	 * the runs of a history mostly repeat them, so the cache holds each
	 * distinct newest text once.  In place when the task has the same
	 * parts as before: over a long history the cache grows with its
	 * entries and the texts in use, not with commits.  The new texts are
	 * taken before the old ones are let go, so an unchanged text stays.
	 */
	for (k = 0; k < n; k++)
		texts[k] = parts[k].text && !c->no_texts ? text_ref(c, parts[k].text, parts[k].digest)
							   : NULL;
	if (ps)
		for (k = 0; k < ps->nparts; k++)
			text_unref(c, ps->parts[k].text);
	if (!ps || !same_part_names(ps, parts, n)) {
		ps = arena_alloc(&c->arena, sizeof(*ps));
		ps->nparts = n;
		ps->parts = arena_array(&c->arena, n, sizeof(*ps->parts));
		for (k = 0; k < n; k++)
			ps->parts[k].name = arena_strdup(&c->arena, parts[k].name);
		strmap_put(&c->last, path, ps);
	}
	for (k = 0; k < n; k++) {
		ps->parts[k].text = texts[k];
		ps->parts[k].upstream = parts[k].upstream;
		ps->parts[k].wild = parts[k].wild;
		memcpy(ps->parts[k].digest, parts[k].digest, sizeof(ps->parts[k].digest));
	}
	free(texts);
}

void cache_end_run(struct cache *c)
{
	c->nruns++;
}

bool cache_is_empty(const struct cache *c)
{
	return c->nruns == 0;
}

/* Inputs and PVC names may be wild; every other part is the task's own. */
static bool part_varies(const struct keypart *p)
{
	return !strncmp(p->name, "input:", 6) || !strcmp(p->name, "pvc");
}

/* The bucket name of parts[0..n): a hash of the names and fixed digests. */
static uint64_t static_bucket_name(const struct keypart *parts, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t h;
	size_t i;

	for (i = 0; i < n; i++) {
		sb_adds(&sb, parts[i].name);
		sb_addc(&sb, '=');
		if (!part_varies(&parts[i]))
			sb_adds(&sb, parts[i].digest);
		sb_addc(&sb, '\n');
	}
	h = kc_hash(sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return h;
}

static size_t bucket_home(uint64_t name, uint32_t scope, size_t cap)
{
	return (size_t)((name ^ (uint64_t)scope * 0x9e3779b97f4a7c15ULL) & (cap - 1));
}

static struct sig_bucket *bucket_find(const struct sig_table *t, uint64_t name, uint32_t scope,
				      size_t *slot)
{
	size_t i;

	if (!t->cap)
		return NULL;
	for (i = bucket_home(name, scope, t->cap);; i = (i + 1) & (t->cap - 1)) {
		uint32_t v = t->slots[i];
		if (!v) {
			if (slot)
				*slot = i;
			return NULL;
		}
		if (t->b[v - 1].name == name && t->b[v - 1].scope == scope)
			return &t->b[v - 1];
	}
}

static struct sig_bucket *bucket_add(struct sig_table *t, uint64_t name, uint32_t scope,
				     uint32_t len)
{
	struct sig_bucket *bk;
	size_t slot, i;

	if ((t->n + 1) * 4 >= t->cap * 3) {
		free(t->slots);
		t->cap = t->cap ? t->cap * 2 : 256;
		t->slots = xcalloc(t->cap, sizeof(*t->slots));
		for (i = 0; i < t->n; i++) {
			bucket_find(t, t->b[i].name, t->b[i].scope, &slot);
			t->slots[slot] = (uint32_t)i + 1;
		}
	}
	bucket_find(t, name, scope, &slot);
	KC_GROW(t->b, t->alloc, t->n + 1);
	bk = &t->b[t->n];
	memset(bk, 0, sizeof(*bk));
	bk->name = name;
	bk->scope = scope;
	bk->len = len;
	t->slots[slot] = (uint32_t)++t->n;
	return bk;
}

/* The varying parts of parts[0..n) as a signature: len digests, 0 where wild. */
static size_t make_sig(uint64_t *dig, const struct keypart *parts, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		if (part_varies(&parts[i])) {
			uint64_t d = parts[i].wild ? 0 : hex64(parts[i].digest);
			dig[len++] = d || parts[i].wild ? d : 1;
		}
	return len;
}

static uint64_t sig_hash(const uint64_t *dig, size_t len)
{
	uint64_t h = 0x84222325cbf29ce4ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ dig[i]) * 0x100000001b3ULL + (h >> 29);
	return h;
}

static bool sig_equal(const struct sig_bucket *bk, uint32_t k, const uint64_t *dig)
{
	return !memcmp(bk->digests + (size_t)k * bk->len, dig, bk->len * sizeof(*dig));
}

/* Slot of signature dig in bk's index: its own, or the empty one it would take. */
static size_t sig_slot(const struct sig_bucket *bk, const uint64_t *dig)
{
	size_t i = (size_t)sig_hash(dig, bk->len) & (bk->icap - 1);

	while (bk->index[i] && !sig_equal(bk, bk->index[i] - 1, dig))
		i = (i + 1) & (bk->icap - 1);
	return i;
}

static void sig_reindex(struct sig_bucket *bk)
{
	uint32_t k;

	free(bk->index);
	bk->icap = bk->icap ? bk->icap * 2 : 4 * SIG_SCAN;
	bk->index = xcalloc(bk->icap, sizeof(*bk->index));
	for (k = 0; k < bk->nsigs; k++)
		bk->index[sig_slot(bk, bk->digests + (size_t)k * bk->len)] = k + 1;
}

void cache_static_insert(struct cache *c, const struct cache_scope *s,
			 const struct keypart *parts, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t pid = intern(c, &c->scopes, scope_name(&sb, s));
	uint64_t name = static_bucket_name(parts, n);
	uint64_t *dig = xcalloc(n ? n : 1, sizeof(*dig));
	size_t len = make_sig(dig, parts, n), slot = 0;
	struct sig_bucket *bk;
	uint32_t k;

	sb_release(&sb);
	if (!(bk = bucket_find(&c->statics, name, pid, NULL)))
		bk = bucket_add(&c->statics, name, pid, (uint32_t)len);
	/* Over a long history most entries repeat a signature: keep each once. */
	if (bk->index) {
		slot = sig_slot(bk, dig);
		if (bk->index[slot])
			goto done;
	} else {
		for (k = 0; k < bk->nsigs; k++)
			if (sig_equal(bk, k, dig))
				goto done;
	}
	KC_GROW(bk->digests, bk->dalloc, ((size_t)bk->nsigs + 1) * (len ? len : 1));
	memcpy(bk->digests + (size_t)bk->nsigs * len, dig, len * sizeof(*dig));
	k = bk->nsigs++;
	if (bk->index && (size_t)bk->nsigs * 4 < bk->icap * 3)
		bk->index[slot] = k + 1;
	else if (bk->nsigs > SIG_SCAN)
		sig_reindex(bk);
done:
	free(dig);
}

bool cache_static_match(const struct cache *c, const struct cache_scope *s,
			const struct keypart *parts, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const struct sig_bucket *bk;
	uint64_t *dig;
	uint32_t pid;
	size_t len, i, k;
	bool known = interned_find(&c->scopes, scope_name(&sb, s), &pid), found = false;

	sb_release(&sb);
	if (!known || !(bk = bucket_find(&c->statics, static_bucket_name(parts, n), pid, NULL)))
		return false;
	dig = xcalloc(n ? n : 1, sizeof(*dig));
	len = make_sig(dig, parts, n);
	for (i = 0; !found && i < bk->nsigs; i++) {
		const uint64_t *ed = bk->digests + i * len;
		for (k = 0; k < len; k++)
			if (dig[k] && ed[k] && dig[k] != ed[k])
				break;
		found = k == len;
	}
	free(dig);
	return found;
}
