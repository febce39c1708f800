/*
 * util.c - errors, checked allocation, strbuf, arena and strmap.
 * Nothing here knows about KFP; everything else is built on it.
 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static _Thread_local char err_buf[1024];

int err_vset(const char *fmt, va_list ap)
{
	char buf[sizeof(err_buf)];

	/* Callers may wrap the previous message: err_set("%s: %s", path, err_msg()). */
	vsnprintf(buf, sizeof(buf), fmt, ap);
	memcpy(err_buf, buf, sizeof(buf));
	return -1;
}

int err_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(fmt, ap);
	va_end(ap);
	return -1;
}

const char *err_msg(void)
{
	return err_buf[0] ? err_buf : "unknown error";
}

void err_clear(void)
{
	err_buf[0] = '\0';
}

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("kfpcache: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die("out of memory reallocating %zu bytes", n);
	return q;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		die("size overflow: %zu x %zu", nmemb, size);
	return xrealloc(p, nmemb * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sb_detach(&sb, NULL);
}

void kc_grow(void **arr, size_t *alloc, size_t need, size_t size)
{
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			die("size overflow growing to %zu elements", need);
		n *= 2;
	}
	*arr = xreallocarray(*arr, n, size);
	*alloc = n;
}

/* ---- strbuf ---- */

void sb_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	if (extra > SIZE_MAX - sb->len - 1)
		die("strbuf size overflow");
	kc_grow((void **)&sb->buf, &sb->alloc, sb->len + extra + 1, 1);
}

void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	sb_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	size_t avail;
	int n;

	sb_grow(sb, 64);
	avail = sb->alloc - sb->len;
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, avail, fmt, cp);
	va_end(cp);
	if (n < 0)
		die("bad format string '%s'", fmt);
	if ((size_t)n >= avail) {
		sb_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

char *sb_detach(struct strbuf *sb, size_t *len)
{
	char *p;

	sb_grow(sb, 0);
	sb->buf[sb->len] = '\0';
	p = sb->buf;
	if (len)
		*len = sb->len;
	sb_init(sb);
	return p;
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

/* ---- arena ---- */

#define ARENA_ALIGN (sizeof(max_align_t))
#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t need;
	void *p;

	if (n > SIZE_MAX - ARENA_ALIGN - sizeof(*b))
		die("arena allocation overflow: %zu bytes", n);
	need = (n + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
	if (!need)
		need = ARENA_ALIGN;
#ifdef KC_ARENA_DEBUG
	b = NULL;
#endif
	if (!b || b->size - b->used < need) {
		size_t size = need;
#ifndef KC_ARENA_DEBUG
		if (size < ARENA_BLOCK)
			size = ARENA_BLOCK;
#endif
		b = xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		b->next = a->head;
		a->head = b;
		a->total += size;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

void *arena_array(struct arena *a, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		die("arena array overflow: %zu x %zu", nmemb, size);
	return arena_alloc(a, nmemb * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	char *p;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	p = arena_strndup(a, sb_str(&sb), sb.len);
	sb_release(&sb);
	return p;
}

/* ---- strmap ---- */

uint64_t kc_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	strmap_init(m);
}

static struct strmap_entry *strmap_slot(const struct strmap *m,
					const char *key, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;;) {
		struct strmap_entry *e = &m->slots[i];
		if (!e->key || (e->hash == h && !strcmp(e->key, key)))
			return e;
		i = (i + 1) & mask;
	}
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_entry *e;

	if (!m->count)
		return NULL;
	e = strmap_slot(m, key, kc_hash(key, strlen(key)));
	return e->key ? e->value : NULL;
}

bool strmap_has(const struct strmap *m, const char *key)
{
	if (!m->count)
		return false;
	return strmap_slot(m, key, kc_hash(key, strlen(key)))->key != NULL;
}

static void strmap_resize(struct strmap *m, size_t cap)
{
	struct strmap old = *m;
	size_t i;

	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	for (i = 0; i < old.cap; i++) {
		struct strmap_entry *e = &old.slots[i];
		if (e->key)
			*strmap_slot(m, e->key, e->hash) = *e;
	}
	free(old.slots);
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	uint64_t h = kc_hash(key, strlen(key));
	struct strmap_entry *e;
	void *prev;

	if ((m->count + 1) * 4 >= m->cap * 3)
		strmap_resize(m, m->cap ? m->cap * 2 : 16);
	e = strmap_slot(m, key, h);
	if (e->key) {
		prev = e->value;
		e->value = value;
		return prev;
	}
	e->key = xstrdup(key);
	e->hash = h;
	e->value = value;
	m->count++;
	return NULL;
}

void strmap_each(const struct strmap *m,
		 void (*fn)(const char *key, void *value, void *ctx), void *ctx)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			fn(m->slots[i].key, m->slots[i].value, ctx);
}

int kc_strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int read_file(const char *path, char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f;
	char chunk[65536];
	size_t n;
	int is_stdin = !strcmp(path, "-");

	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return err_set("%s: cannot open: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(&sb, chunk, n);
	if (ferror(f)) {
		int e = errno;
		if (!is_stdin)
			fclose(f);
		sb_release(&sb);
		return err_set("%s: read error: %s", path, strerror(e));
	}
	if (!is_stdin)
		fclose(f);
	*out = sb_detach(&sb, len);
	return 0;
}

void hex_encode(char *out, const unsigned char *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}
