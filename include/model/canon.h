/*
 * canon.h - Go-compatible canonical JSON (analyzer/model/canon.c): what the
 * cache key hashes, and what parameter values are compared by.
 */
#ifndef KFPCACHE_CANON_H
#define KFPCACHE_CANON_H

#include <stddef.h>

#include "base/util.h"
#include "load/node.h"

/*
 * Go-compatible canonical JSON of a node tree: keys sorted byte-wise,
 * compact, strings escaped as encoding/json does (<>& as \u003c.., U+2028/9,
 * \b \f), numbers as float64 in Go's format.  Fails on NaN/Inf or invalid
 * UTF-8 (protojson would), or a NULL node (a Value with no kind); on failure
 * the error is recorded and out is left as it was.  A key repeated in a map
 * keeps its last value, as a Go map would.
 */
int canon_json(struct strbuf *out, const struct node *n);
int canon_number(struct strbuf *out, double d);
int canon_string(struct strbuf *out, const char *s, size_t len);

#endif
