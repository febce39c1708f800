/*
 * util.h - the small shared toolkit: error recording, allocation that aborts
 * on out-of-memory, a growable string buffer, an arena for everything derived
 * from one spec, and a string-keyed hash map.  Every other module builds on it.
 */
#ifndef KFPCACHE_UTIL_H
#define KFPCACHE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define KC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define KC_NORETURN __attribute__((noreturn))
#else
#define KC_PRINTF(a, b)
#define KC_NORETURN
#endif

#define KC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Errors: the function that detects a problem records one message and
 * returns -1; callers pass -1 up without rewording.  The message is
 * per-thread.  err_set always returns -1 so `return err_set(...)` reads well.
 */
int err_set(const char *fmt, ...) KC_PRINTF(1, 2);
int err_vset(const char *fmt, va_list ap) KC_PRINTF(1, 0);
const char *err_msg(void);
void err_clear(void);

/* Allocation wrappers: abort with a message on out-of-memory or overflow. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A malloc'd formatted string (the caller frees it). */
char *xstrfmt(const char *fmt, ...) KC_PRINTF(1, 2);
KC_NORETURN void die(const char *fmt, ...) KC_PRINTF(1, 2);

/* Grow *arr (with *alloc slots) so it can hold `need` elements of `size`. */
void kc_grow(void **arr, size_t *alloc, size_t need, size_t size);
#define KC_GROW(arr, alloc, need) \
	kc_grow((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

/* strbuf: a NUL-terminated growable buffer (git's strbuf). */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};
#define STRBUF_INIT { NULL, 0, 0 }
void sb_init(struct strbuf *sb);
void sb_release(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) KC_PRINTF(2, 3);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap) KC_PRINTF(2, 0);
/* Detach the buffer (never NULL); the caller frees it. */
char *sb_detach(struct strbuf *sb, size_t *len);
/* The contents, "" when empty; borrowed. */
const char *sb_str(const struct strbuf *sb);

/*
 * arena: one per unit of work (a spec and everything derived from it),
 * freed in one call.  Built with -DKC_ARENA_DEBUG every allocation is its own
 * malloc so ASan and valgrind see each one.
 */
struct arena_block;
struct arena {
	struct arena_block *head;
	size_t total;
};
void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);   /* zeroed, max-aligned */
void *arena_array(struct arena *a, size_t nmemb, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) KC_PRINTF(2, 3);

/*
 * strmap: string keys to borrowed pointers, open addressing.  Keys are
 * copied.  Iteration order is unspecified: never let it reach output.
 */
struct strmap_entry {
	char *key;
	void *value;
	uint64_t hash;
};
struct strmap {
	struct strmap_entry *slots;
	size_t cap;
	size_t count;
};
#define STRMAP_INIT { NULL, 0, 0 }
void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
void *strmap_get(const struct strmap *m, const char *key);
bool strmap_has(const struct strmap *m, const char *key);
/* Insert or replace; returns the previous value or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *value);
/* Call fn for each entry (unspecified order). */
void strmap_each(const struct strmap *m,
		 void (*fn)(const char *key, void *value, void *ctx), void *ctx);

uint64_t kc_hash(const void *data, size_t len);

/* Sorting helper for arrays of strings (byte order). */
int kc_strcmp_ptr(const void *a, const void *b);

/*
 * The order of task paths everywhere they are sorted: bytes, except that
 * runs of digits compare as numbers, so "for-loop-2[2]" sorts after
 * "for-loop-2[1]" and "[10]" after "[9]" (byte order puts "[10]" before
 * "[2]").  Equal numbers with different zeros fall back to byte order, so
 * the order stays total.  path_cmp_ptr sorts arrays of char *.
 */
int path_cmp(const char *a, const char *b);
int path_cmp_ptr(const void *a, const void *b);

/*
 * The word for a count: plural(1, "task", "tasks") is "task".  Every count
 * a person reads goes through it, so no report says "1 tasks".
 */
const char *plural(size_t n, const char *one, const char *many);

/*
 * "Did you mean": the candidates nearest to word, as git's help.c picks
 * them (help_unknown_cmd: weighted Damerau-Levenshtein, swap 0,
 * substitution 2, insertion 1, deletion 3; a candidate that word is a
 * prefix of is nearest; none nearer than the similarity floor 7).  Their
 * indexes into cand, in cand's order, go to out (at most max); returns
 * how many.  Words longer than 256 bytes get no suggestion.
 */
size_t kc_did_you_mean(const char *word, const char *const *cand, size_t n,
		       size_t *out, size_t max);

/* Read a whole file ("-" = stdin) into a malloc'd buffer; NUL-terminated. */
int read_file(const char *path, char **out, size_t *len);

/* The value of hex digit c (either case), or -1. */
int kc_hex_value(int c);

/* Lowercase hex of len bytes into out (2*len+1 bytes). */
void hex_encode(char *out, const unsigned char *in, size_t len);

/*
 * Text printed for a person (errors, the terminal summary, lint text,
 * explain, history/diff/blame on a terminal): C0 and C1 controls, DEL, the
 * bidi overrides U+202A-U+202E and U+2066-U+2069 and invalid UTF-8 are
 * written as \n, \t, \r, \x1b, \u202e.  Machine formats (CSV, JSON, DOT,
 * HTML, Markdown, SARIF) keep their own escaping and never use these.
 */
void sb_add_term(struct strbuf *sb, const char *s, size_t n);
bool term_is_safe(const char *s);
/* s escaped; borrowed, valid until eight more calls in this thread. */
const char *term_text(const char *s);
void term_fputs(const char *s, FILE *fp);

/*
 * List cells (reason, root_cause, root_causes): items joined by ';', and
 * inside an item '\' written "\\" and ';' written "\;", so an item may
 * hold any character.  Empty items are not represented; "" is no items.
 * list_add appends ';' first when sb is not empty.
 */
void list_add(struct strbuf *sb, const char *item);
void list_addn(struct strbuf *sb, const char *item, size_t n);
/* The next item of *p into item: 1, 0 at the end, -1 on a stray '\'. */
int list_next(const char **p, struct strbuf *item);
int list_check(const char *s);          /* 0 well formed, -1 not */
bool list_has(const char *list, const char *item);

#endif
