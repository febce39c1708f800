/*
 * parse.c - what the two parsers (spec_yaml.c, spec_json.c) and the spec
 * loader share: resource limits, byte-offset positions, the text check
 * (no NUL, valid UTF-8) and the duplicate-key check.  The parsers depend on
 * this and on node.c only, never on the spec loader above them.
 */
#include "load/parse.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static const struct parse_limits limits_default = {
	64u << 20,      /* max_bytes */
	256,            /* max_depth */
	8u << 20,       /* max_nodes */
	16u << 20,      /* max_string */
};

void parse_limits_fill(struct parse_limits *out, const struct parse_limits *lim)
{
	*out = limits_default;
	if (!lim)
		return;
	if (lim->max_bytes)
		out->max_bytes = lim->max_bytes;
	if (lim->max_depth)
		out->max_depth = lim->max_depth;
	if (lim->max_nodes)
		out->max_nodes = lim->max_nodes;
	if (lim->max_string)
		out->max_string = lim->max_string;
}

void parse_offset_pos(const char *buf, size_t len, size_t off,
		     unsigned *line, unsigned *col)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t i;

	*line = 1;
	*col = 1;
	if (off > len)
		off = len;
	/* A UTF-8 byte order mark takes no column, for libyaml and cJSON alike. */
	i = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
	for (; i < off; i++) {
		if (b[i] == '\n') {
			++*line;
			*col = 1;
		} else if ((b[i] & 0xC0) != 0x80 &&
			   !(b[i] == '\r' && i + 1 < len && b[i + 1] == '\n')) {
			/* columns count characters: skip UTF-8 continuation bytes */
			++*col;
		}
	}
}

/* Length of the valid UTF-8 sequence at p (RFC 3629), or 0. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return n;
}

int parse_check_text(const char *buf, size_t len, const char *name)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t i = 0, n;
	unsigned line, col;

	while (i < len) {
		/* ASCII without NUL, 8 bytes at a time: most of any spec */
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, b + i, 8);
			if ((w & 0x8080808080808080u) ||
			    ((w - 0x0101010101010101u) & ~w & 0x8080808080808080u))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (!b[i]) {
			parse_offset_pos(buf, len, i, &line, &col);
			return err_set("%s:%u:%u: NUL byte in input", name, line, col);
		}
		if (!(n = utf8_len(b + i, len - i))) {
			parse_offset_pos(buf, len, i, &line, &col);
			return err_set("%s:%u:%u: invalid UTF-8 (byte 0x%02x)", name,
				       line, col, b[i]);
		}
		i += n;
	}
	return 0;
}

bool parse_find_dup_key(const struct node *m, size_t *dup)
{
	struct node_key *refs;
	size_t i, j, best = SIZE_MAX;

	if (!node_is_map(m) || m->n < 2)
		return false;
	if (m->n <= 8) {
		for (j = 1; j < m->n; j++)
			for (i = 0; i < j; i++)
				if (m->key_lens[i] == m->key_lens[j] &&
				    !memcmp(m->keys[i], m->keys[j], m->key_lens[j])) {
					*dup = j;
					return true;
				}
		return false;
	}
	refs = node_sorted_keys(m);
	/* Report the earliest second occurrence, as a linear scan would. */
	for (i = 1; i < m->n; i++)
		if (refs[i].len == refs[i - 1].len &&
		    !memcmp(refs[i].key, refs[i - 1].key, refs[i].len) &&
		    refs[i].idx < best)
			best = refs[i].idx;
	free(refs);
	if (best == SIZE_MAX)
		return false;
	*dup = best;
	return true;
}

