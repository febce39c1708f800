/*
 * node.h - the document tree every loader produces: JSON's data model with the
 * source position of each node.  YAML (libyaml) and JSON (cJSON) are copied
 * into this tree inside the loader, so neither library's objects leave it.
 * All memory belongs to the arena the loader was given.
 */
#ifndef KFPCACHE_NODE_H
#define KFPCACHE_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

enum node_type {
	NODE_NULL,
	NODE_BOOL,
	NODE_NUMBER,
	NODE_STRING,
	NODE_LIST,
	NODE_MAP
};

/*
 * 64 bytes: a spec of 10,000 tasks has some 400,000 nodes.  Counts and
 * lengths are 32-bit (inputs are limited far below 4 GiB, and
 * node_new_str refuses more); a map's hash index shares the union with
 * the scalar values, which a map never has.
 */
struct node {
	enum node_type type;
	unsigned line;          /* 1-based; 0 when unknown */
	unsigned col;           /* 1-based; 0 when unknown */
	uint32_t index_cap;     /* index slots, a power of two */
	uint32_t n;             /* NODE_LIST / NODE_MAP: number of children */
	uint32_t len;           /* NODE_STRING: byte length of str (may hold NULs) */
	union {
		bool boolean;   /* NODE_BOOL */
		double number;  /* NODE_NUMBER */
		uint32_t *index; /* NODE_MAP with many keys: hash slots (i + 1), or NULL */
	};
	const char *str;        /* NODE_STRING: NUL-terminated, len bytes */
	const char **keys;      /* NODE_MAP: keys, in document order */
	size_t *key_lens;       /* NODE_MAP: key byte lengths */
	struct node **items;    /* children, in document order */
};

const char *node_type_name(enum node_type t);

/* Map lookup by key; NULL when absent or when m is not a map.  Borrowed. */
const struct node *node_get(const struct node *m, const char *key);
/* Nested lookup: node_path(m, "a", "b", NULL). */
const struct node *node_path(const struct node *m, ...);
/* The string of a NODE_STRING node, else NULL. */
const char *node_str(const struct node *n);
/* node_get(m, key) as a string, or NULL when absent or not a string. */
const char *node_get_str(const struct node *m, const char *key);
bool node_get_bool(const struct node *m, const char *key, bool dflt);
bool node_is_map(const struct node *n);
bool node_is_list(const struct node *n);

/* Constructors into an arena (used by loaders and by resolution). */
struct node *node_new(struct arena *a, enum node_type t);
struct node *node_new_str(struct arena *a, const char *s, size_t len);
struct node *node_new_num(struct arena *a, double d);
struct node *node_new_bool(struct arena *a, bool b);
/* Append to a list or a map (key ignored for lists); grows in the arena. */
void node_append(struct arena *a, struct node *parent, const char *key,
		 size_t key_len, struct node *child);

/*
 * Give every large map of the tree a hash index so node_get is O(1) there
 * (a spec's components and executors maps have one entry per task).  Call
 * once after loading, before the tree is shared between threads.
 */
void node_index(struct arena *a, struct node *root);
/* The same for one map, not its children (a loader, as each map closes). */
void node_index_map(struct arena *a, struct node *m);

/* One key of a map, by its position there. */
struct node_key {
	const char *key;
	size_t len;
	size_t idx;             /* index in m->keys */
};
/*
 * The keys of map m sorted byte-wise (Go's order for canonical JSON), equal
 * keys in document order: m->n entries, malloc'd (free()), never NULL.
 * Shared by canonical JSON and the loaders' duplicate-key check.
 */
struct node_key *node_sorted_keys(const struct node *m);

/* Deep equality of two trees (map key order ignored; positions ignored). */
bool node_equal(const struct node *a, const struct node *b);

#endif
