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
 * Entries are compact (24 bytes): 96 bits of the key, the scope, and the run
 * and task whose execution created the entry (interned).
 */
struct centry {
	uint64_t k0;               /* the first 96 bits of the key */
	uint32_t k1;
	uint32_t scope;            /* scope id + 1; 0 = empty slot */
	uint32_t run;              /* run label id */
	uint32_t path;             /* task path id */
};

struct ctable {
	struct centry *slots;
	size_t cap, count;
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
 * names) once, a digest or a wild mark per part.
 */
struct sig_part {
	uint64_t digest;
	bool wild;
};
struct sig_bucket {
	struct sig_part **sigs;
	size_t nsigs, alloc;
	size_t len;                /* parts per signature */
};

struct cache {
	struct arena arena;
	struct strmap statics;     /* "<scope id>:<fixed hash>" -> struct sig_bucket * */
	struct ctable tables[2];   /* by enum cache_table */
	struct interned pipelines, scopes, runs, paths;
	size_t *per_pipeline;      /* CACHE_EXEC entries per pipeline id */
	size_t per_alloc;
	size_t *per_scope;         /* CACHE_EXEC entries per scope id */
	size_t per_scope_alloc;
	struct strmap last;        /* task path -> struct part_set * */
	struct strmap texts;       /* digest -> struct ctext * (NULL once freed) */
	size_t nexec;              /* CACHE_EXEC entries */
	size_t nruns;
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

static void free_bucket(const char *key, void *v, void *ctx)
{
	struct sig_bucket *bk = v;

	(void)key;
	(void)ctx;
	free(bk->sigs);
}

static void release_statics(struct cache *c)
{
	strmap_each(&c->statics, free_bucket, NULL);
	strmap_release(&c->statics);
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
	strmap_init(&c->statics);
	return c;
}

void cache_free(struct cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < KC_ARRAY_SIZE(c->tables); i++)
		free(c->tables[i].slots);
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

static struct centry *ctable_slot(const struct ctable *t, uint64_t k0, uint32_t k1,
				  uint32_t scope)
{
	size_t mask = t->cap - 1, i = (size_t)(k0 ^ scope) & mask;

	for (;;) {
		struct centry *e = &t->slots[i];
		if (!e->scope || (e->k0 == k0 && e->k1 == k1 && e->scope == scope))
			return e;
		i = (i + 1) & mask;
	}
}

static void ctable_grow(struct ctable *t)
{
	struct ctable old = *t;
	size_t i;

	t->cap = old.cap ? old.cap * 2 : 1024;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].scope)
			*ctable_slot(t, old.slots[i].k0, old.slots[i].k1, old.slots[i].scope) = old.slots[i];
	free(old.slots);
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
	const struct ctable *tab = &c->tables[t];
	struct strbuf sb = STRBUF_INIT;
	const struct centry *e;
	uint64_t k0;
	uint32_t k1, sid;
	bool found = tab->count && interned_find(&c->scopes, scope_name(&sb, s), &sid);

	sb_release(&sb);
	if (!found)
		return false;
	key_bits(key, &k0, &k1);
	e = ctable_slot(tab, k0, k1, sid + 1);
	if (!e->scope)
		return false;
	out->run = c->runs.names[e->run];
	out->path = c->paths.names[e->path];
	return true;
}

void cache_insert(struct cache *c, enum cache_table t, const struct cache_scope *s,
		  const char *key, const char *run, const char *path)
{
	struct ctable *tab = &c->tables[t];
	struct strbuf sb = STRBUF_INIT;
	uint32_t pid = intern(c, &c->pipelines, s->pipeline);
	uint32_t sid = intern(c, &c->scopes, scope_name(&sb, s));
	struct centry *e;
	uint64_t k0;
	uint32_t k1;

	if ((tab->count + 1) * 4 >= tab->cap * 3)
		ctable_grow(tab);
	key_bits(key, &k0, &k1);
	sb_release(&sb);
	e = ctable_slot(tab, k0, k1, sid + 1);
	/* Equal keys within a run: the first (by path) names the entry. */
	if (e->scope)
		return;
	e->k0 = k0;
	e->k1 = k1;
	e->scope = sid + 1;
	e->run = intern(c, &c->runs, run);
	e->path = intern(c, &c->paths, path);
	tab->count++;
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
		texts[k] = parts[k].text ? text_ref(c, parts[k].text, parts[k].digest) : NULL;
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

/* The bucket name of parts[0..n) in scope pid: names and fixed digests. */
static void static_bucket_name(char *out, size_t size, uint32_t pid,
			       const struct keypart *parts, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		sb_adds(&sb, parts[i].name);
		sb_addc(&sb, '=');
		if (!part_varies(&parts[i]))
			sb_adds(&sb, parts[i].digest);
		sb_addc(&sb, '\n');
	}
	snprintf(out, size, "%u:%016llx", (unsigned)pid,
		 (unsigned long long)kc_hash(sb.buf ? sb.buf : "", sb.len));
	sb_release(&sb);
}

static bool sig_equal(const struct sig_part *a, const struct sig_part *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].wild != b[i].wild || (!a[i].wild && a[i].digest != b[i].digest))
			return false;
	return true;
}

/* The varying parts of parts[0..n) as a signature into out (len entries). */
static size_t make_sig(struct sig_part *out, const struct keypart *parts, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		if (part_varies(&parts[i])) {
			out[len].wild = parts[i].wild;
			out[len].digest = parts[i].wild ? 0 : hex64(parts[i].digest);
			len++;
		}
	return len;
}

void cache_static_insert(struct cache *c, const struct cache_scope *s,
			 const struct keypart *parts, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t pid = intern(c, &c->scopes, scope_name(&sb, s));
	struct sig_part *sig = arena_array(&c->arena, n ? n : 1, sizeof(*sig));
	struct sig_bucket *bk;
	char name[48];
	size_t len = make_sig(sig, parts, n), i;

	sb_release(&sb);
	static_bucket_name(name, sizeof(name), pid, parts, n);
	if (!(bk = strmap_get(&c->statics, name))) {
		bk = arena_alloc(&c->arena, sizeof(*bk));
		bk->len = len;
		strmap_put(&c->statics, name, bk);
	}
	/* Over a long history most entries repeat a signature: keep each once. */
	for (i = 0; i < bk->nsigs; i++)
		if (sig_equal(bk->sigs[i], sig, len))
			return;
	KC_GROW(bk->sigs, bk->alloc, bk->nsigs + 1);
	bk->sigs[bk->nsigs++] = sig;
}

bool cache_static_match(const struct cache *c, const struct cache_scope *s,
			const struct keypart *parts, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const struct sig_bucket *bk;
	struct sig_part *sig;
	char name[48];
	uint32_t pid;
	size_t len, i, k;
	bool known = interned_find(&c->scopes, scope_name(&sb, s), &pid), found = false;

	sb_release(&sb);
	if (!known)
		return false;
	static_bucket_name(name, sizeof(name), pid, parts, n);
	if (!(bk = strmap_get(&c->statics, name)))
		return false;
	sig = xcalloc(n ? n : 1, sizeof(*sig));
	len = make_sig(sig, parts, n);
	for (i = 0; !found && i < bk->nsigs; i++) {
		const struct sig_part *e = bk->sigs[i];
		for (k = 0; k < len; k++)
			if (!sig[k].wild && !e[k].wild && sig[k].digest != e[k].digest)
				break;
		found = k == len;
	}
	free(sig);
	return found;
}
