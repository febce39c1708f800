/*
 * cache.c - the cache table: open-addressing tables of compact entries
 * scoped by pipeline name and namespace (KFP's driver looks a fingerprint up
 * within that scope, driver/cache.go), and each task path's newest key parts.
 * Sits between key and predict: predict.c asks it, and commits runs to it.
 */
#include "model/cache.h"

#include <stdint.h>
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

/* A task path's newest parts: names and digests, texts dropped. */
struct part_set {
	struct keypart *parts;
	size_t nparts;
};

struct cache {
	struct arena arena;
	struct ctable tables[2];   /* by enum cache_table */
	struct interned pipelines, scopes, runs, paths;
	size_t *per_pipeline;      /* CACHE_EXEC entries per pipeline id */
	size_t per_alloc;
	size_t *per_scope;         /* CACHE_EXEC entries per scope id */
	size_t per_scope_alloc;
	struct strmap last;        /* task path -> struct part_set * */
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

struct cache *cache_new(void)
{
	struct cache *c = xcalloc(1, sizeof(*c));

	arena_init(&c->arena);
	strmap_init(&c->pipelines.ids);
	strmap_init(&c->scopes.ids);
	strmap_init(&c->runs.ids);
	strmap_init(&c->paths.ids);
	strmap_init(&c->last);
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
	strmap_release(&c->last);
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
	size_t k;

	/*
	 * Only names and digests are kept (texts can be kilobytes), in place
	 * when the task has the same parts as before: over a long history the
	 * cache grows with its entries, not with commits.
	 */
	if (!ps || !same_part_names(ps, parts, n)) {
		ps = arena_alloc(&c->arena, sizeof(*ps));
		ps->nparts = n;
		ps->parts = arena_array(&c->arena, n, sizeof(*ps->parts));
		for (k = 0; k < n; k++)
			ps->parts[k].name = arena_strdup(&c->arena, parts[k].name);
		strmap_put(&c->last, path, ps);
	}
	for (k = 0; k < n; k++) {
		ps->parts[k].text = NULL;
		ps->parts[k].upstream = parts[k].upstream;
		memcpy(ps->parts[k].digest, parts[k].digest, sizeof(ps->parts[k].digest));
	}
}

void cache_end_run(struct cache *c)
{
	c->nruns++;
}

bool cache_is_empty(const struct cache *c)
{
	return c->nruns == 0;
}
