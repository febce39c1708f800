/*
 * node.c - the positioned document tree shared by the YAML and JSON loaders
 * and by everything that reads a spec.
 */
#include "load/node.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

const char *node_type_name(enum node_type t)
{
	switch (t) {
	case NODE_NULL: return "null";
	case NODE_BOOL: return "boolean";
	case NODE_NUMBER: return "number";
	case NODE_STRING: return "string";
	case NODE_LIST: return "list";
	case NODE_MAP: return "map";
	}
	return "?";
}

bool node_is_map(const struct node *n)
{
	return n && n->type == NODE_MAP;
}

bool node_is_list(const struct node *n)
{
	return n && n->type == NODE_LIST;
}

#define INDEX_MIN 16     /* smaller maps: a linear scan is faster */

const struct node *node_get(const struct node *m, const char *key)
{
	size_t i, len;

	if (!node_is_map(m))
		return NULL;
	len = strlen(key);
	if (m->index) {
		size_t mask = m->index_cap - 1;
		for (i = (size_t)kc_hash(key, len) & mask; m->index[i]; i = (i + 1) & mask)
			if (!strcmp(m->keys[m->index[i] - 1], key))
				return m->items[m->index[i] - 1];
		return NULL;
	}
	/* lengths first: they sit together, the key texts do not */
	if (m->key_lens) {
		for (i = 0; i < m->n; i++)
			if (m->key_lens[i] == len && !memcmp(m->keys[i], key, len))
				return m->items[i];
		return NULL;
	}
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->keys[i], key))
			return m->items[i];
	return NULL;
}

void node_index_map(struct arena *a, struct node *m)
{
	size_t cap = 32, mask, i;

	if (m->type != NODE_MAP || m->index || m->n < INDEX_MIN || m->n >= UINT32_MAX / 4)
		return;
	while (cap < m->n * 2)
		cap *= 2;
	mask = cap - 1;
	m->index = arena_array(a, cap, sizeof(*m->index));
	m->index_cap = (uint32_t)cap;
	/* Later duplicates never reach here: loaders reject them. */
	for (i = 0; i < m->n; i++) {
		size_t h = (size_t)kc_hash(m->keys[i], m->key_lens[i]) & mask;
		while (m->index[h])
			h = (h + 1) & mask;
		m->index[h] = (uint32_t)(i + 1);
	}
}

void node_index(struct arena *a, struct node *root)
{
	struct node **stack = NULL;
	size_t n = 0, alloc = 0, i;

	KC_GROW(stack, alloc, 1);
	stack[n++] = root;
	while (n) {
		struct node *m = stack[--n];
		if (!m || (m->type != NODE_MAP && m->type != NODE_LIST) || m->index)
			continue;
		node_index_map(a, m);
		KC_GROW(stack, alloc, n + m->n);
		for (i = 0; i < m->n; i++)
			stack[n++] = m->items[i];
	}
	free(stack);
}

const struct node *node_path(const struct node *m, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, m);
	while (m && (k = va_arg(ap, const char *)))
		m = node_get(m, k);
	va_end(ap);
	return m;
}

const char *node_str(const struct node *n)
{
	return n && n->type == NODE_STRING ? n->str : NULL;
}

const char *node_get_str(const struct node *m, const char *key)
{
	return node_str(node_get(m, key));
}

bool node_get_bool(const struct node *m, const char *key, bool dflt)
{
	const struct node *n = node_get(m, key);

	return n && n->type == NODE_BOOL ? n->boolean : dflt;
}

struct node *node_new(struct arena *a, enum node_type t)
{
	struct node *n = arena_alloc(a, sizeof(*n));

	n->type = t;
	return n;
}

struct node *node_new_str(struct arena *a, const char *s, size_t len)
{
	struct node *n = node_new(a, NODE_STRING);

	if (len > UINT32_MAX)
		die("a string of %zu bytes: more than a node holds (4 GiB)", len);
	n->str = arena_strndup(a, s, len);
	n->len = (uint32_t)len;
	return n;
}

struct node *node_new_num(struct arena *a, double d)
{
	struct node *n = node_new(a, NODE_NUMBER);

	n->number = d;
	return n;
}

struct node *node_new_bool(struct arena *a, bool b)
{
	struct node *n = node_new(a, NODE_BOOL);

	n->boolean = b;
	return n;
}

void node_append(struct arena *a, struct node *parent, const char *key,
		 size_t key_len, struct node *child)
{
	size_t n = parent->n;

	/* Capacity doubles at powers of two; old arrays stay in the arena. */
	if ((n & (n - 1)) == 0) {
		size_t cap = n ? n * 2 : 1;
		struct node **items = arena_array(a, cap, sizeof(*items));
		if (n)
			memcpy(items, parent->items, n * sizeof(*items));
		parent->items = items;
		if (parent->type == NODE_MAP) {
			const char **keys = arena_array(a, cap, sizeof(*keys));
			size_t *lens = arena_array(a, cap, sizeof(*lens));
			if (n) {
				memcpy(keys, parent->keys, n * sizeof(*keys));
				memcpy(lens, parent->key_lens, n * sizeof(*lens));
			}
			parent->keys = keys;
			parent->key_lens = lens;
		}
	}
	parent->items[n] = child;
	if (parent->type == NODE_MAP) {
		parent->keys[n] = arena_strndup(a, key, key_len);
		parent->key_lens[n] = key_len;
	}
	parent->n = n + 1;
}

bool node_equal(const struct node *a, const struct node *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case NODE_NULL:
		return true;
	case NODE_BOOL:
		return a->boolean == b->boolean;
	case NODE_NUMBER:
		return a->number == b->number;
	case NODE_STRING:
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	case NODE_LIST:
		if (a->n != b->n)
			return false;
		for (i = 0; i < a->n; i++)
			if (!node_equal(a->items[i], b->items[i]))
				return false;
		return true;
	case NODE_MAP:
		if (a->n != b->n)
			return false;
		for (i = 0; i < a->n; i++)
			if (!node_equal(a->items[i], node_get(b, a->keys[i])))
				return false;
		return true;
	}
	return false;
}

static int node_key_cmp(const void *pa, const void *pb)
{
	const struct node_key *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

struct node_key *node_sorted_keys(const struct node *m)
{
	struct node_key *ks = xreallocarray(NULL, m->n ? m->n : 1, sizeof(*ks));
	size_t i;

	for (i = 0; i < m->n; i++) {
		ks[i].key = m->keys[i];
		ks[i].len = m->key_lens ? m->key_lens[i] : strlen(m->keys[i]);
		ks[i].idx = i;
	}
	qsort(ks, m->n, sizeof(*ks), node_key_cmp);
	return ks;
}
