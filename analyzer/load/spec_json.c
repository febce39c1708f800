/*
 * spec_json.c - JSON text (a spec or a PipelineJob) to the positioned node
 * tree, with cJSON.  First stage of the flow, like spec_yaml.c.  cJSON keeps
 * no positions, so a light scan records where each value starts; on valid
 * JSON its order is exactly cJSON's pre-order, which pairs them up.
 */
#include "load/parse.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

struct jctx {
	struct arena *a;
	const char *name;
	const char *buf;
	size_t len;
	struct parse_limits lim;
	size_t *starts;         /* byte offset of each value, in text order */
	size_t nstarts, alloc;
	size_t next;            /* the next start to hand out */
	size_t cur_off;         /* position cursor: offset ... */
	unsigned cur_line, cur_col;     /* ... and its line and column */
};

/* cJSON skips every byte up to ' ' as white space; so must the scan. */
static bool is_ws(char ch)
{
	return (unsigned char)ch <= ' ';
}

static bool ends_token(char ch)
{
	return is_ws(ch) || strchr(",:[]{}\"", ch) != NULL;
}

static size_t skip_bom(const char *buf, size_t len)
{
	return len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

static int jerr_at(struct jctx *c, size_t off, const char *fmt, ...) KC_PRINTF(3, 4);

static int jerr_at(struct jctx *c, size_t off, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned line, col;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	parse_offset_pos(c->buf, c->len, off, &line, &col);
	err_set("%s:%u:%u: %s", c->name, line, col, sb_str(&sb));
	sb_release(&sb);
	return -1;
}

static int add_start(struct jctx *c, size_t off)
{
	if (c->nstarts >= c->lim.max_nodes)
		return jerr_at(c, off, "too many nodes (limit %zu)", c->lim.max_nodes);
	KC_GROW(c->starts, c->alloc, c->nstarts + 1);
	c->starts[c->nstarts++] = off;
	return 0;
}

/*
 * Record where every value starts and enforce the depth and node limits
 * before cJSON recurses.  Tolerates invalid JSON (cJSON reports it next).
 */
static int scan(struct jctx *c)
{
	const char *b = c->buf;
	size_t i = skip_bom(b, c->len), depth = 0;

	while (i < c->len) {
		char ch = b[i];

		if (is_ws(ch) || ch == ',' || ch == ':') {
			i++;
		} else if (ch == '{' || ch == '[') {
			if (++depth > c->lim.max_depth)
				return jerr_at(c, i, "nesting deeper than %zu levels",
					       c->lim.max_depth);
			if (add_start(c, i) < 0)
				return -1;
			i++;
		} else if (ch == '}' || ch == ']') {
			if (depth)
				depth--;
			i++;
		} else if (ch == '"') {
			size_t start = i++;

			while (i < c->len && b[i] != '"') {
				/* cJSON would end the string at the NUL (see the YAML loader). */
				if (b[i] == '\\' && c->len - i >= 6 && !memcmp(b + i, "\\u0000", 6))
					return jerr_at(c, i, "escaped NUL character in a string");
				i += b[i] == '\\' ? 2 : 1;
			}
			i++;
			while (i < c->len && is_ws(b[i]))
				i++;
			/* A string followed by ':' is a key, not a value. */
			if ((i >= c->len || b[i] != ':') && add_start(c, start) < 0)
				return -1;
		} else {
			if (add_start(c, i) < 0)
				return -1;
			while (i < c->len && !ends_token(b[i]))
				i++;
			if (i < c->len && b[i] == '"')
				i++;    /* garbage like 1"; cJSON rejects it */
		}
	}
	return 0;
}

/* Line and column of a value start, moving the cursor forward. */
static void pos_of(struct jctx *c, size_t off, unsigned *line, unsigned *col)
{
	const unsigned char *b = (const unsigned char *)c->buf;

	if (off < c->cur_off) {
		parse_offset_pos(c->buf, c->len, off, line, col);
		return;
	}
	for (; c->cur_off < off; c->cur_off++) {
		if (b[c->cur_off] == '\n') {
			c->cur_line++;
			c->cur_col = 1;
		} else if ((b[c->cur_off] & 0xC0) != 0x80 &&
			   !(b[c->cur_off] == '\r' && c->cur_off + 1 < c->len &&
			     b[c->cur_off + 1] == '\n')) {
			c->cur_col++;
		}
	}
	*line = c->cur_line;
	*col = c->cur_col;
}

static int convert(struct jctx *c, const cJSON *j, struct node **out)
{
	struct node *n;
	const cJSON *ch;
	unsigned line = 0, col = 0;
	size_t off = 0, dup;
	bool have_pos = c->next < c->nstarts;

	if (have_pos) {
		off = c->starts[c->next++];
		pos_of(c, off, &line, &col);
	}
	if (cJSON_IsString(j)) {
		size_t len = strlen(j->valuestring);

		if (len > c->lim.max_string)
			return jerr_at(c, off, "string longer than %zu bytes", c->lim.max_string);
		n = node_new_str(c->a, j->valuestring, len);
	} else if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
		n = node_new(c->a, cJSON_IsArray(j) ? NODE_LIST : NODE_MAP);
		for (ch = j->child; ch; ch = ch->next) {
			struct node *item;

			if (convert(c, ch, &item) < 0)
				return -1;
			node_append(c->a, n, ch->string ? ch->string : "",
				    ch->string ? strlen(ch->string) : 0, item);
		}
		if (n->type == NODE_MAP && parse_find_dup_key(n, &dup)) {
			/* Point at the repeated key's value: the key has no start of its own. */
			return err_set("%s:%u:%u: duplicate key '%.*s'", c->name,
				       n->items[dup]->line, n->items[dup]->col,
				       (int)(n->key_lens[dup] > 80 ? 80 : n->key_lens[dup]),
				       n->keys[dup]);
		}
	} else {
		if (cJSON_IsNumber(j))
			n = node_new_num(c->a, j->valuedouble);
		else if (cJSON_IsBool(j))
			n = node_new_bool(c->a, cJSON_IsTrue(j));
		else if (cJSON_IsNull(j))
			n = node_new(c->a, NODE_NULL);
		else
			return jerr_at(c, off, "unsupported JSON value");
		/* Keep the source text, as the YAML loader does for scalars. */
		if (have_pos) {
			size_t e = off;

			while (e < c->len && !ends_token(c->buf[e]))
				e++;
			n->str = arena_strndup(c->a, c->buf + off, e - off);
			n->len = e - off;
		}
	}
	n->line = line;
	n->col = col;
	*out = n;
	return 0;
}

/*
 * cJSON reports a bad object key (a trailing comma: {"a": 1,}) one byte
 * past it, as its parse_string starts after the quote it expects.  Step
 * back onto the byte when it follows '{' or ',' inside an object.
 */
static size_t key_error_offset(const struct jctx *c, size_t off)
{
	struct strbuf open = STRBUF_INIT;
	size_t p, q, i;
	bool in_object;

	if (!off || off > c->len || is_ws(c->buf[off - 1]) || c->buf[off - 1] == '"')
		return off;
	p = off - 1;
	for (q = p; q > 0 && is_ws(c->buf[q - 1]); q--)
		;
	if (!q || (c->buf[q - 1] != '{' && c->buf[q - 1] != ','))
		return off;
	for (i = skip_bom(c->buf, c->len); i < q; i++) {
		if (c->buf[i] == '"') {
			for (i++; i < q && c->buf[i] != '"'; i++)
				i += c->buf[i] == '\\';
		} else if (c->buf[i] == '{' || c->buf[i] == '[') {
			sb_addc(&open, c->buf[i]);
		} else if ((c->buf[i] == '}' || c->buf[i] == ']') && open.len) {
			open.len--;
		}
	}
	in_object = open.len && open.buf[open.len - 1] == '{';
	sb_release(&open);
	return in_object ? p : off;
}

/* cJSON only says where it stopped; turn that into one line of reason. */
static int syntax_error(struct jctx *c, const char *stop)
{
	size_t off = c->len, i, n;

	if (stop && stop >= c->buf && stop <= c->buf + c->len)
		off = key_error_offset(c, (size_t)(stop - c->buf));
	for (i = off + (off < c->len); i < c->len && is_ws(c->buf[i]); i++)
		;
	if (off >= c->len || (i >= c->len && !strchr("]}", c->buf[off])))
		return jerr_at(c, off < c->len ? off : c->len, "unexpected end of JSON input");
	for (n = 0; off + n < c->len && n < 20 && c->buf[off + n] != '\n' &&
	     c->buf[off + n] != '\r'; n++)
		;
	return jerr_at(c, off, "invalid JSON near '%.*s'", (int)n, c->buf + off);
}

int json_parse(struct arena *a, const char *buf, size_t len, const char *name,
	       const struct parse_limits *lim, struct node **out)
{
	struct jctx c;
	cJSON *root = NULL;
	const char *end = NULL;
	size_t i;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.name = name;
	c.buf = buf;
	c.len = len;
	c.cur_line = 1;
	c.cur_col = 1;
	c.cur_off = skip_bom(buf, len);
	parse_limits_fill(&c.lim, lim);
	*out = NULL;

	if (len > c.lim.max_bytes) {
		err_set("%s: input too large (%zu bytes, limit %zu)", name, len,
			c.lim.max_bytes);
		goto done;
	}
	/* JSON is UTF-8 (RFC 8259); cJSON would let a NUL cut a string short. */
	if (parse_check_text(buf, len, name) < 0 || scan(&c) < 0)
		goto done;
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!root) {
		syntax_error(&c, end);
		goto done;
	}
	i = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
	while (i < len && is_ws(buf[i]))
		i++;
	if (i < len) {
		jerr_at(&c, i, "unexpected text after the JSON value");
		goto done;
	}
	if (convert(&c, root, out) < 0)
		goto done;
	ret = 0;
done:
	cJSON_Delete(root);
	free(c.starts);
	return ret;
}
