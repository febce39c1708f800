/*
 * parse.h - the parsers of untrusted spec text (spec_yaml.c with libyaml,
 * spec_json.c with cJSON) and what they share with the loader: limits,
 * positions, text and duplicate-key checks.  They build node trees
 * (node.h) and know nothing of specs.
 */
#ifndef KFPCACHE_PARSE_H
#define KFPCACHE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "load/node.h"

/*
 * Resource limits for untrusted input; 0 means the default.  Callers pass
 * them (the command line's --max-* options); there is no global setting.
 */
struct parse_limits {
	size_t max_bytes;      /* input size (default 64 MiB) */
	size_t max_depth;      /* nesting depth (default 256) */
	size_t max_nodes;      /* nodes incl. alias expansions (default 8M) */
	size_t max_string;     /* one scalar's length (default 16 MiB) */
};

/*
 * Parse YAML (all documents) into trees in `a`.  *docs is an arena array of
 * *ndocs roots.  Errors read "NAME:LINE:COL: reason".  Aliases are expanded
 * (counted against max_nodes, so an alias bomb fails fast); duplicate keys
 * are an error.  Plain scalars follow the YAML 1.2 core schema.
 */
int yaml_parse(struct arena *a, const char *buf, size_t len, const char *name,
	       const struct parse_limits *lim, struct node ***docs, size_t *ndocs);

/* Parse one JSON document; errors read "NAME:LINE:COL: reason". */
int json_parse(struct arena *a, const char *buf, size_t len, const char *name,
	       const struct parse_limits *lim, struct node **out);

/*
 * Shared by the loaders (spec.c, spec_yaml.c, spec_json.c, policy.c).  Positions are
 * 1-based; columns count characters, as libyaml's marks do.  Scalars keep
 * their source text in `str`/`len` whatever their type (a NODE_NUMBER
 * written "1.0" has str "1.0"); node_str() still answers only for strings.
 */

/* `lim` with every zero field replaced by its default (lim may be NULL). */
void parse_limits_fill(struct parse_limits *out, const struct parse_limits *lim);

/* Line and column of byte offset `off` (clamped to len) in buf. */
void parse_offset_pos(const char *buf, size_t len, size_t off,
		     unsigned *line, unsigned *col);

/* Reject NUL bytes and invalid UTF-8: "NAME:LINE:COL: reason". */
int parse_check_text(const char *buf, size_t len, const char *name);

/*
 * Does map m hold the same key twice?  *dup gets the index of the later
 * occurrence.  O(n log n), so huge maps cannot make loading quadratic.
 */
bool parse_find_dup_key(const struct node *m, size_t *dup);

#endif
