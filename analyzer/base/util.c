/*
 * util.c - errors, checked allocation, strbuf, arena and strmap.
 * Nothing here knows about KFP; everything else is built on it.
 */
#include "base/util.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

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
	/* room already (a buffer always has alloc > len: its NUL) */
	if (sb->buf && extra < sb->alloc - sb->len)
		return;
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
	if (!sb->buf || sb->alloc - sb->len < 2)
		sb_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
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

/* max_align_t's alignment (16 on x86-64), not its size (32) */
#define ARENA_ALIGN (_Alignof(max_align_t))
#define ARENA_BLOCK (64 * 1024)
/*
 * Blocks grow with the arena (an eighth of it) up to this: a spec's tree
 * takes tens of blocks, not a thousand, and blocks this large come from
 * mmap, not from the heap that libyaml's many small allocations churn.
 */
#define ARENA_BLOCK_MAX (1024 * 1024)

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

/*
 * n bytes at the given alignment (a power of two up to ARENA_ALIGN), not
 * zeroed.  Strings take alignment 1, so a short key costs its bytes, not
 * a 16-byte slot.  A large request gets a block of its own behind the
 * current one, which keeps filling.
 */
static void *arena_get(struct arena *a, size_t n, size_t align)
{
	struct arena_block *b = a->head;
	size_t at, need = n ? n : 1;
	void *p;

	if (n > SIZE_MAX - ARENA_ALIGN - sizeof(*b))
		die("arena allocation overflow: %zu bytes", n);
#ifdef KC_ARENA_DEBUG
	b = NULL;
#endif
	at = b ? (b->used + align - 1) & ~(align - 1) : 0;
	if (!b || at > b->size || b->size - at < need) {
		/* its own block, full at once: the current one keeps filling */
		bool own = b && need > ARENA_BLOCK / 4;
		size_t size = need;
		struct arena_block *nb;
#ifndef KC_ARENA_DEBUG
		if (!own) {
			size_t blk = a->total / 8;
			blk = blk < ARENA_BLOCK ? ARENA_BLOCK : blk > ARENA_BLOCK_MAX ? ARENA_BLOCK_MAX : blk;
			if (size < blk)
				size = blk;
		}
#endif
		nb = xmalloc(sizeof(*nb) + size);
		nb->used = 0;
		nb->size = size;
		a->total += size;
		if (own) {
			nb->next = b->next;
			b->next = nb;
			nb->used = need;
			return nb->data;
		}
		nb->next = a->head;
		a->head = b = nb;
		at = 0;
	}
	p = (char *)b->data + at;
	b->used = at + need;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = arena_get(a, n, ARENA_ALIGN);

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
	char *p;

	if (n > SIZE_MAX - 1)
		die("arena allocation overflow: %zu bytes", n);
	p = arena_get(a, n + 1, 1);

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

/* The length of the digit run at s, and s past its leading zeros. */
static size_t digit_run(const char **s)
{
	size_t n = 0;

	while (**s == '0' && (*s)[1] >= '0' && (*s)[1] <= '9')
		(*s)++;
	while ((*s)[n] >= '0' && (*s)[n] <= '9')
		n++;
	return n;
}

int path_cmp(const char *a, const char *b)
{
	const char *pa = a, *pb = b;

	while (*pa && *pb) {
		bool da = *pa >= '0' && *pa <= '9', db = *pb >= '0' && *pb <= '9';
		if (da && db) {
			size_t na = digit_run(&pa), nb = digit_run(&pb);
			int c;
			/* Without leading zeros the longer run is the larger number. */
			if (na != nb)
				return na < nb ? -1 : 1;
			c = memcmp(pa, pb, na);
			if (c)
				return c;
			pa += na;
			pb += nb;
			continue;
		}
		if (*pa != *pb)
			return (unsigned char)*pa < (unsigned char)*pb ? -1 : 1;
		pa++;
		pb++;
	}
	if (*pa || *pb)
		return *pa ? 1 : -1;
	return strcmp(a, b);
}

int path_cmp_ptr(const void *a, const void *b)
{
	return path_cmp(*(const char *const *)a, *(const char *const *)b);
}

const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/*
 * git's levenshtein.c: optimal string alignment distance with weights for
 * a swap of two neighbours (w), a substitution (s), an insertion (a) and
 * a deletion (d); three rows of the table.
 */
static size_t edit_distance(const char *s1, const char *s2, size_t w, size_t s,
			    size_t a, size_t d)
{
	size_t len1 = strlen(s1), len2 = strlen(s2), i, j, r;
	size_t *row0 = xcalloc(len2 + 1, sizeof(*row0));
	size_t *row1 = xcalloc(len2 + 1, sizeof(*row1));
	size_t *row2 = xcalloc(len2 + 1, sizeof(*row2));

	for (j = 0; j <= len2; j++)
		row1[j] = j * a;
	for (i = 0; i < len1; i++) {
		size_t *t;
		row2[0] = (i + 1) * d;
		for (j = 0; j < len2; j++) {
			size_t *v = &row2[j + 1];
			*v = row1[j] + s * (s1[i] != s2[j]);
			if (i > 0 && j > 0 && s1[i - 1] == s2[j] && s1[i] == s2[j - 1] &&
			    *v > row0[j - 1] + w)
				*v = row0[j - 1] + w;
			if (*v > row1[j + 1] + d)
				*v = row1[j + 1] + d;
			if (*v > row2[j] + a)
				*v = row2[j] + a;
		}
		t = row0;
		row0 = row1;
		row1 = row2;
		row2 = t;
	}
	r = row1[len2];
	free(row0);
	free(row1);
	free(row2);
	return r;
}

size_t kc_did_you_mean(const char *word, const char *const *cand, size_t n,
		       size_t *out, size_t max)
{
	size_t *score, best = SIZE_MAX, i, k = 0;

	if (!n || strlen(word) > 256 || !*word)
		return 0;
	score = xcalloc(n, sizeof(*score));
	for (i = 0; i < n; i++) {
		/* help.c: a prefix match scores 0, others their distance + 1. */
		if (!strncmp(cand[i], word, strlen(word)))
			score[i] = 0;
		else
			score[i] = edit_distance(word, cand[i], 0, 2, 1, 3) + 1;
		if (score[i] < best)
			best = score[i];
	}
	/* help.c's SIMILARITY_FLOOR: anything at 7 or beyond is no suggestion. */
	for (i = 0; best < 7 && i < n && k < max; i++)
		if (score[i] == best)
			out[k++] = i;
	free(score);
	return k;
}

int read_file(const char *path, char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f;
	char chunk[65536];
	size_t n;
	int is_stdin = !strcmp(path, "-");
	struct stat st;

	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return err_set("%s: cannot open: %s", path, strerror(errno));
	/* A regular file is read into one buffer of its size, not a doubling one. */
	if (!is_stdin && !fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		sb_grow(&sb, (size_t)st.st_size + 1);
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

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Text for a person.  A name from a spec or a commit may hold any character;
 * printed raw, "\n" forges a second "kfpcache:" line and ESC or a bidi
 * override rewrites what the terminal shows.
 */
/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len, i;
	unsigned c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void sb_add_term(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned cp;
		size_t len = utf8_len(p + i, n - i, &cp);

		if (!len) {
			sb_addf(sb, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (cp == '\n')
			sb_adds(sb, "\\n");
		else if (cp == '\t')
			sb_adds(sb, "\\t");
		else if (cp == '\r')
			sb_adds(sb, "\\r");
		else if (cp < 0x20 || cp == 0x7f)
			sb_addf(sb, "\\x%02x", cp);
		else if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
			 (cp >= 0x2066 && cp <= 0x2069))
			sb_addf(sb, "\\u%04x", cp);
		else
			sb_add(sb, p + i, len);
		i += len;
	}
}

bool term_is_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return false;
	return true;
}

const char *term_text(const char *s)
{
	static _Thread_local struct strbuf ring[8];
	static _Thread_local unsigned next;
	struct strbuf *sb;

	if (!s)
		return "(null)";
	if (term_is_safe(s))    /* the common case: nothing to copy */
		return s;
	sb = &ring[next++ % KC_ARRAY_SIZE(ring)];
	sb_reset(sb);
	sb_add_term(sb, s, strlen(s));
	return sb_str(sb);
}

void term_fputs(const char *s, FILE *fp)
{
	struct strbuf sb = STRBUF_INIT;

	if (term_is_safe(s)) {
		fputs(s, fp);
		return;
	}
	sb_add_term(&sb, s, strlen(s));
	fputs(sb_str(&sb), fp);
	sb_release(&sb);
}

/*
 * List cells: items joined by ';'; inside an item '\' is written "\\" and
 * ';' "\;".  Empty items are not represented.
 */
void list_addn(struct strbuf *sb, const char *item, size_t n)
{
	size_t i;

	if (!n)
		return;
	if (sb->len)
		sb_addc(sb, ';');
	for (i = 0; i < n; i++) {
		if (item[i] == ';' || item[i] == '\\')
			sb_addc(sb, '\\');
		sb_addc(sb, item[i]);
	}
}

void list_add(struct strbuf *sb, const char *item)
{
	list_addn(sb, item, strlen(item));
}

int list_next(const char **p, struct strbuf *item)
{
	const char *s = *p;

	sb_reset(item);
	while (*s == ';')       /* empty items */
		s++;
	if (!*s) {
		*p = s;
		return 0;
	}
	for (; *s && *s != ';'; s++) {
		if (*s == '\\') {
			if (s[1] != '\\' && s[1] != ';') {
				*p = s;
				return -1;
			}
			s++;
		}
		sb_addc(item, *s);
	}
	*p = s;
	return 1;
}

int list_check(const char *s)
{
	struct strbuf item = STRBUF_INIT;
	int r;

	while ((r = list_next(&s, &item)) > 0)
		;
	sb_release(&item);
	return r;
}

bool list_has(const char *list, const char *item)
{
	struct strbuf it = STRBUF_INIT;
	bool found = false;

	while (!found && list_next(&list, &it) > 0)
		found = !strcmp(sb_str(&it), item);
	sb_release(&it);
	return found;
}

