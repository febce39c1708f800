/*
 * spec_yaml.c - YAML text to the positioned node tree, with libyaml's event
 * API.  First stage of the flow (spec -> dag -> ...).  KFP's API server reads
 * every document of the file with Go yaml.v3, so all documents are kept and
 * plain scalars are typed by the YAML 1.2 core schema.
 */
#include "load/parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/banned.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

struct anchor {
	struct node *node;
	size_t size;            /* nodes in the subtree, its aliases expanded */
	size_t height;          /* nesting levels in it: 0 for a scalar */
};

/* An open list or map. */
struct frame {
	struct node *node;
	const char *anchor;     /* its anchor, registered when it closes */
	size_t start_count;     /* ctx.count before it was created */
	size_t height;          /* 1 + the highest child */
	/* maps only: the key waiting for its value ... */
	bool have_key;
	const char *key;
	size_t key_len;
	unsigned key_line, key_col;
	/* its children so far: pending[first ...] (see struct yctx) */
	size_t first;
	size_t nkids;
	/* a plain << key is waiting for its value; merge_at: its index + 1 */
	bool merge_pending;
	size_t merge_at;
};

/*
 * A child of an open collection, with the key and its line,col (maps).
 * Children wait on one stack shared by the open collections, innermost on
 * top, and move into exact-size arrays of the tree when theirs closes.
 */
struct pending {
	struct node *node;
	const char *key;
	size_t key_len;
	unsigned line, col;
};

struct yctx {
	struct arena *a;            /* the result trees */
	struct arena tmp;           /* anchors, keys in flight: freed at the end */
	const char *name;
	struct parse_limits lim;
	struct frame *stack;
	size_t depth, alloc;
	struct strmap anchors;      /* name -> struct anchor, per document */
	size_t count;               /* nodes so far, aliases expanded */
	struct pending *pending;    /* children of the open collections */
	size_t npending, pending_alloc;
	struct strmap keys;         /* key text -> its one copy in the result arena */
	/* the last interned key per (length, first, last byte): most keys repeat */
	struct { const char *s; size_t len; } recent[256];
	struct node *doc;
};

static int yerr(struct yctx *c, const yaml_mark_t *m, const char *fmt, ...)
	KC_PRINTF(3, 4);

static int yerr(struct yctx *c, const yaml_mark_t *m, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_set("%s:%zu:%zu: %s", c->name, m->line + 1, m->column + 1, sb_str(&sb));
	sb_release(&sb);
	return -1;
}

static bool is_digits(const char *s, const char *end, const char *set)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

static double radix_value(const char *s, const char *end, unsigned base)
{
	double v = 0;

	for (; s < end; s++) {
		unsigned d = (unsigned)(*s >= 'a' ? *s - 'a' + 10 :
					*s >= 'A' ? *s - 'A' + 10 : *s - '0');
		v = v * base + d;
	}
	return v;
}

/* YAML 1.2 core schema int: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ */
static bool parse_int(const char *s, size_t len, double *out)
{
	const char *end = s + len, *p = s;

	if (len > 2 && s[0] == '0' && s[1] == 'o' && is_digits(s + 2, end, "01234567")) {
		*out = radix_value(s + 2, end, 8);
		return true;
	}
	if (len > 2 && s[0] == '0' && s[1] == 'x' &&
	    is_digits(s + 2, end, "0123456789abcdefABCDEF")) {
		*out = radix_value(s + 2, end, 16);
		return true;
	}
	if (p < end && (*p == '-' || *p == '+'))
		p++;
	if (!is_digits(p, end, "0123456789"))
		return false;
	*out = strtod(s, NULL);
	return true;
}

/*
 * Core schema float:
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.inf | \.nan
 */
static bool parse_float(const char *s, size_t len, double *out)
{
	const char *end = s + len, *p = s, *q;
	bool neg = false, digits = false;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (end - p == 4 && (!memcmp(p, ".inf", 4) || !memcmp(p, ".Inf", 4) ||
			     !memcmp(p, ".INF", 4))) {
		*out = neg ? -INFINITY : INFINITY;
		return true;
	}
	if (p == s && len == 4 && (!memcmp(s, ".nan", 4) || !memcmp(s, ".NaN", 4) ||
				   !memcmp(s, ".NAN", 4))) {
		*out = NAN;
		return true;
	}
	for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
		digits = true;
	if (q < end && *q == '.') {
		const char *f = ++q;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		/* ".5" needs digits after the dot; "5." is fine */
		if (!digits && q == f)
			return false;
		digits = true;
	}
	if (!digits)
		return false;
	if (q < end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < end && (*q == '-' || *q == '+'))
			q++;
		if (!is_digits(q, end, "0123456789"))
			return false;
		q = end;
	}
	if (q != end)
		return false;
	*out = strtod(s, NULL);
	return true;
}

static bool is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

static const char *const null_words[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };

/* Type a plain scalar by the core schema; anything else is a string. */
static void resolve_plain(struct node *n)
{
	double d;

	if (memchr(n->str, '\0', n->len))
		return;
	if (is_one_of(n->str, null_words)) {
		n->type = NODE_NULL;
	} else if (is_one_of(n->str, true_words)) {
		n->type = NODE_BOOL;
		n->boolean = true;
	} else if (is_one_of(n->str, false_words)) {
		n->type = NODE_BOOL;
		n->boolean = false;
	} else if (parse_int(n->str, n->len, &d) || parse_float(n->str, n->len, &d)) {
		n->type = NODE_NUMBER;
		n->number = d;
	}
}

/*
 * Tags.  KFP's API server decodes a spec with go-yaml v3 into Go values and
 * re-encodes them as JSON (apiserver/template/template.go:80-115).  The
 * core schema's tags read the same here; the others would not: !!binary
 * becomes raw bytes, !!timestamp a time re-encoded as RFC 3339, !!set and
 * !!omap other shapes, and a local or verbatim tag is not ours to guess.
 * They are refused at their position rather than read differently.
 */
static bool tag_is_core(const char *tag, const char *const *allowed)
{
	size_t i;

	if (!tag || !strcmp(tag, "!"))
		return true;
	if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)))
		return false;
	for (i = 0; allowed[i]; i++)
		if (!strcmp(tag + strlen(TAG_PREFIX), allowed[i]))
			return true;
	return false;
}

static int refuse_tag(struct yctx *c, const yaml_mark_t *m, const char *tag)
{
	bool core = !strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX));

	return yerr(c, m, "tag '%s%.60s' is not supported: KFP's loader (go-yaml v3) would not read "
		    "it as the same JSON value", core ? "!!" : "", core ? tag + strlen(TAG_PREFIX) : tag);
}

/* A scalar event as a node, honouring the standard !!tags. */
static int make_scalar(struct yctx *c, const yaml_event_t *ev, struct node **out)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct node *n = node_new_str(c->a, text, len);
	static const char *const scalar_tags[] = { "null", "bool", "int", "float", "str", NULL };
	double d;

	n->line = (unsigned)ev->start_mark.line + 1;
	n->col = (unsigned)ev->start_mark.column + 1;
	*out = n;
	if (!tag_is_core(tag, scalar_tags))
		return refuse_tag(c, &ev->start_mark, tag);
	if (tag && !strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX))) {
		const char *t = tag + strlen(TAG_PREFIX);

		if (!strcmp(t, "null")) {
			n->type = NODE_NULL;
		} else if (!strcmp(t, "bool")) {
			if (is_one_of(n->str, true_words) || is_one_of(n->str, false_words)) {
				n->type = NODE_BOOL;
				n->boolean = is_one_of(n->str, true_words);
			} else {
				return yerr(c, &ev->start_mark, "invalid !!bool value '%.*s'",
					    (int)(len > 40 ? 40 : len), text);
			}
		} else if (!strcmp(t, "int") || !strcmp(t, "float")) {
			if (!(parse_int(n->str, len, &d) ||
			      (t[0] == 'f' && parse_float(n->str, len, &d))))
				return yerr(c, &ev->start_mark, "invalid !!%s value '%.*s'",
					    t, (int)(len > 40 ? 40 : len), text);
			n->type = NODE_NUMBER;
			n->number = d;
		}
		/* !!str: the text, as a string */
		return 0;
	}
	/* "!" (non-specific) forces a string. */
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !(tag && !strcmp(tag, "!")))
		resolve_plain(n);
	return 0;
}

static int count_nodes(struct yctx *c, const yaml_mark_t *m, size_t add)
{
	if (add > c->lim.max_nodes || c->count > c->lim.max_nodes - add)
		return yerr(c, m, "too many nodes (limit %zu, aliases expanded)",
			    c->lim.max_nodes);
	c->count += add;
	return 0;
}

static void register_anchor(struct yctx *c, const char *name, struct node *n,
			    size_t size, size_t height)
{
	struct anchor *an = arena_alloc(&c->tmp, sizeof(*an));

	an->node = n;
	an->size = size;
	an->height = height;
	/* YAML lets a later anchor of the same name replace the earlier one. */
	strmap_put(&c->anchors, name, an);
}

static struct frame *top(struct yctx *c)
{
	return c->depth ? &c->stack[c->depth - 1] : NULL;
}

/* Is the next node of the innermost map its key? */
static bool wants_key(struct yctx *c)
{
	struct frame *f = top(c);

	return f && f->node->type == NODE_MAP && !f->have_key;
}

/*
 * Keys repeat (every task has "componentRef"): one copy of each text.
 * A key never holds a NUL (on_scalar refuses one), so len is its strlen.
 */
static const char *intern_key(struct yctx *c, const char *key, size_t len)
{
	size_t slot = len ? (len * 31 + (unsigned char)key[0] * 7 +
			     (unsigned char)key[len - 1]) & 255 : 0;
	char *copy;

	if (c->recent[slot].s && c->recent[slot].len == len &&
	    !memcmp(c->recent[slot].s, key, len))
		return c->recent[slot].s;
	if (!(copy = strmap_get(&c->keys, key))) {
		copy = arena_strndup(c->a, key, len);
		strmap_put(&c->keys, copy, copy);
	}
	c->recent[slot].s = copy;
	c->recent[slot].len = len;
	return copy;
}

static void take_key(struct yctx *c, const char *key, size_t len,
		     const yaml_mark_t *m)
{
	struct frame *f = top(c);

	f->key = intern_key(c, key, len);
	f->key_len = len;
	f->key_line = (unsigned)m->line + 1;
	f->key_col = (unsigned)m->column + 1;
	f->have_key = true;
}

/* Attach n (of the given height) to the open collection, or make it the root. */
static void place(struct yctx *c, struct node *n, size_t height)
{
	struct frame *f = top(c);
	struct pending *p;

	if (!f) {
		c->doc = n;
		return;
	}
	KC_GROW(c->pending, c->pending_alloc, c->npending + 1);
	p = &c->pending[c->npending++];
	memset(p, 0, sizeof(*p));
	p->node = n;
	if (f->node->type == NODE_MAP) {
		p->key = f->key;
		p->key_len = f->key_len;
		p->line = f->key_line;
		p->col = f->key_col;
		f->have_key = false;
		if (f->merge_pending)
			f->merge_at = f->nkids + 1;
		f->merge_pending = false;
	}
	f->nkids++;
	if (height + 1 > f->height)
		f->height = height + 1;
}

static int on_scalar(struct yctx *c, const yaml_event_t *ev)
{
	const char *anchor = (const char *)ev->data.scalar.anchor;
	bool is_key = wants_key(c);
	struct node *n;

	if (ev->data.scalar.length > c->lim.max_string)
		return yerr(c, &ev->start_mark, "scalar longer than %zu bytes",
			    c->lim.max_string);
	/*
	 * "\0", "\x00", "\u0000" decode to a NUL that would cut the string
	 * short wherever it is used as text ("alpine\0:evil" keyed as
	 * "alpine").  KFP's Go/JSON path cannot carry one into a container.
	 */
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
		return yerr(c, &ev->start_mark, "escaped NUL character in a string");
	/* Keys are text whatever their type ("1: x" has key "1"). */
	if (is_key) {
		take_key(c, (const char *)ev->data.scalar.value,
			 ev->data.scalar.length, &ev->start_mark);
		/* A plain, untagged << is YAML's merge key; '<<' quoted is a key. */
		top(c)->merge_pending = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			!ev->data.scalar.tag && ev->data.scalar.length == 2 &&
			!memcmp(ev->data.scalar.value, "<<", 2);
		if (!anchor && ev->data.scalar.tag) {
			static const char *const key_tags[] = { "str", "int", "float", "bool", "null", NULL };
			if (!tag_is_core((const char *)ev->data.scalar.tag, key_tags))
				return refuse_tag(c, &ev->start_mark, (const char *)ev->data.scalar.tag);
		}
	}
	if (is_key && !anchor)
		return 0;
	if (make_scalar(c, ev, &n) < 0)
		return -1;
	if (anchor)
		register_anchor(c, anchor, n, 1, 0);
	if (is_key)
		return 0;
	if (count_nodes(c, &ev->start_mark, 1) < 0)
		return -1;
	place(c, n, 0);
	return 0;
}

static int on_alias(struct yctx *c, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *an = strmap_get(&c->anchors, name);

	if (!an)
		return yerr(c, &ev->start_mark, "undefined alias '%s'", name);
	if (wants_key(c)) {
		if (an->node->type == NODE_LIST || an->node->type == NODE_MAP)
			return yerr(c, &ev->start_mark,
				    "a list or map as a mapping key is not supported");
		take_key(c, an->node->str, an->node->len, &ev->start_mark);
		return 0;
	}
	/* The subtree is shared, not copied, but counts as if it were. */
	if (c->depth + an->height > c->lim.max_depth)
		return yerr(c, &ev->start_mark, "nesting deeper than %zu levels",
			    c->lim.max_depth);
	if (count_nodes(c, &ev->start_mark, an->size) < 0)
		return -1;
	place(c, an->node, an->height);
	return 0;
}

static int on_start(struct yctx *c, const yaml_event_t *ev, enum node_type t)
{
	const char *anchor = t == NODE_MAP ? (const char *)ev->data.mapping_start.anchor :
		(const char *)ev->data.sequence_start.anchor;
	struct node *n;
	struct frame *f;

	const char *tag = t == NODE_MAP ? (const char *)ev->data.mapping_start.tag :
		(const char *)ev->data.sequence_start.tag;
	static const char *const map_tags[] = { "map", NULL }, *const seq_tags[] = { "seq", NULL };

	if (wants_key(c))
		return yerr(c, &ev->start_mark,
			    "a list or map as a mapping key is not supported");
	if (!tag_is_core(tag, t == NODE_MAP ? map_tags : seq_tags))
		return refuse_tag(c, &ev->start_mark, tag);
	if (c->depth + 1 > c->lim.max_depth)
		return yerr(c, &ev->start_mark, "nesting deeper than %zu levels",
			    c->lim.max_depth);
	if (count_nodes(c, &ev->start_mark, 1) < 0)
		return -1;
	n = node_new(c->a, t);
	n->line = (unsigned)ev->start_mark.line + 1;
	n->col = (unsigned)ev->start_mark.column + 1;
	place(c, n, 0);
	KC_GROW(c->stack, c->alloc, c->depth + 1);
	f = &c->stack[c->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	f->anchor = anchor ? arena_strdup(&c->tmp, anchor) : NULL;
	f->start_count = c->count - 1;
	f->first = c->npending;
	f->height = 1;
	return 0;
}

/*
 * YAML's merge key, which go-yaml v3 honours when KFP reads a spec: the
 * map's own keys first, then each merged map's keys that are not there yet,
 * the first of a list of maps winning over later ones.  Children are
 * shared, not copied.
 */
static int apply_merge(struct yctx *c, const struct frame *f)
{
	struct node *m = f->node, *v = m->items[f->merge_at - 1];
	struct node *out = node_new(c->a, NODE_MAP);
	struct strmap seen;
	size_t i, k;
	int ret = -1;

	strmap_init(&seen);
	if (!(v->type == NODE_MAP || v->type == NODE_LIST)) {
		yaml_mark_t mk;
		memset(&mk, 0, sizeof(mk));
		mk.line = c->pending[f->first + f->merge_at - 1].line - 1;
		mk.column = c->pending[f->first + f->merge_at - 1].col - 1;
		yerr(c, &mk, "the merge key '<<' takes a map or a list of maps, not a %s",
		     node_type_name(v->type));
		goto done;
	}
	for (i = 0; i < m->n; i++)
		if (i != f->merge_at - 1) {
			node_append(c->a, out, m->keys[i], m->key_lens[i], m->items[i]);
			strmap_put(&seen, m->keys[i], NULL);
		}
	for (k = 0; k < (v->type == NODE_MAP ? 1 : v->n); k++) {
		const struct node *src = v->type == NODE_MAP ? v : v->items[k];
		if (src->type != NODE_MAP) {
			yaml_mark_t mk;
			memset(&mk, 0, sizeof(mk));
			mk.line = src->line ? src->line - 1 : 0;
			mk.column = src->col ? src->col - 1 : 0;
			yerr(c, &mk, "the merge key '<<' takes a map or a list of maps, not a list with a %s",
			     node_type_name(src->type));
			goto done;
		}
		for (i = 0; i < src->n; i++)
			if (!strmap_has(&seen, src->keys[i])) {
				node_append(c->a, out, src->keys[i], src->key_lens[i], src->items[i]);
				strmap_put(&seen, src->keys[i], NULL);
			}
	}
	m->keys = out->keys;
	m->key_lens = out->key_lens;
	m->items = out->items;
	m->n = out->n;
	ret = 0;
done:
	strmap_release(&seen);
	return ret;
}

/* The closing collection's children, from the pending stack into the tree. */
static void close_children(struct yctx *c, const struct frame *f)
{
	struct node *m = f->node;
	const struct pending *p = c->pending + f->first;
	size_t i, n = f->nkids;

	m->n = n;
	if (!n)
		return;
	if (m->type != NODE_MAP) {
		m->items = arena_array(c->a, n, sizeof(*m->items));
		for (i = 0; i < n; i++)
			m->items[i] = p[i].node;
		return;
	}
	/* one allocation for the three arrays of a map: items, keys, lengths */
	m->items = arena_array(c->a, n, sizeof(*m->items) + sizeof(*m->keys) +
			       sizeof(*m->key_lens));
	m->keys = (const char **)(m->items + n);
	m->key_lens = (size_t *)(m->keys + n);
	for (i = 0; i < n; i++) {
		m->items[i] = p[i].node;
		m->keys[i] = p[i].key;
		m->key_lens[i] = p[i].key_len;
	}
}

static int on_end(struct yctx *c, const yaml_event_t *ev)
{
	struct frame f = c->stack[--c->depth];
	struct frame *parent = top(c);
	size_t dup;

	close_children(c, &f);
	if (f.node->type == NODE_MAP && parse_find_dup_key(f.node, &dup)) {
		yaml_mark_t m = ev->start_mark;

		m.line = c->pending[f.first + dup].line - 1;
		m.column = c->pending[f.first + dup].col - 1;
		return yerr(c, &m, "duplicate key '%.*s'",
			    (int)(f.node->key_lens[dup] > 80 ? 80 : f.node->key_lens[dup]),
			    f.node->keys[dup]);
	}
	if (f.merge_at && apply_merge(c, &f) < 0)
		return -1;
	/* indexed while its arrays are in the cache, not in a later walk */
	node_index_map(c->a, f.node);
	c->npending = f.first;
	if (f.anchor)
		register_anchor(c, f.anchor, f.node, c->count - f.start_count, f.height);
	if (parent && f.height + 1 > parent->height)
		parent->height = f.height + 1;
	return 0;
}

static int on_event(struct yctx *c, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		/* Anchors do not cross documents. */
		strmap_release(&c->anchors);
		c->doc = NULL;
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(c, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(c, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(c, ev, NODE_LIST);
	case YAML_MAPPING_START_EVENT:
		return on_start(c, ev, NODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(c, ev);
	default:
		return 0;
	}
}

/* libyaml's own error, as "NAME:LINE:COL: problem". */
static int parser_error(struct yctx *c, const yaml_parser_t *p, const char *buf,
			size_t len)
{
	unsigned line, col;
	const char *problem = p->problem ? p->problem : "invalid YAML";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return err_set("%s: out of memory while parsing YAML", c->name);
	case YAML_READER_ERROR:
		/* Reader errors carry a byte offset, not a mark. */
		parse_offset_pos(buf, len, p->problem_offset, &line, &col);
		return err_set("%s:%u:%u: %s", c->name, line, col, problem);
	default:
		return yerr(c, &p->problem_mark, "%s", problem);
	}
}

/*
 * Check the size and text, then run libyaml's event loop, folding each
 * event into the node tree (on_event) and collecting a root per document.
 * Kept whole because the parser and the event in hand are libyaml
 * resources that one cleanup label must release on every path, in order.
 */
int yaml_parse(struct arena *a, const char *buf, size_t len, const char *name,
	       const struct parse_limits *lim, struct node ***docs, size_t *ndocs)
{
	struct yctx c;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have_parser = false, have_event = false, at_end = false;
	struct node **list = NULL;
	size_t n = 0, alloc = 0;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.name = name;
	arena_init(&c.tmp);
	strmap_init(&c.anchors);
	strmap_init(&c.keys);
	parse_limits_fill(&c.lim, lim);
	*docs = NULL;
	*ndocs = 0;

	if (len > c.lim.max_bytes) {
		err_set("%s: input too large (%zu bytes, limit %zu)", name, len,
			c.lim.max_bytes);
		goto done;
	}
	if (parse_check_text(buf, len, name) < 0)
		goto done;
	if (!yaml_parser_initialize(&parser)) {
		err_set("%s: cannot initialise the YAML parser", name);
		goto done;
	}
	have_parser = true;
	/* Left to detect the encoding: that is what skips a UTF-8 BOM. */
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);

	while (!at_end) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&c, &parser, buf, len);
			goto done;
		}
		have_event = true;
		if (on_event(&c, &ev) < 0)
			goto done;
		if (ev.type == YAML_DOCUMENT_END_EVENT) {
			KC_GROW(list, alloc, n + 1);
			list[n++] = c.doc ? c.doc : node_new(a, NODE_NULL);
		}
		at_end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		have_event = false;
	}

	*docs = arena_array(a, n ? n : 1, sizeof(**docs));
	if (n)
		memcpy(*docs, list, n * sizeof(*list));
	*ndocs = n;
	ret = 0;
done:
	if (have_event)
		yaml_event_delete(&ev);
	if (have_parser)
		yaml_parser_delete(&parser);
	free(list);
	free(c.stack);
	free(c.pending);
	strmap_release(&c.anchors);
	strmap_release(&c.keys);
	arena_release(&c.tmp);
	return ret;
}
