/*
 * fuzz_listenc.c - the list-cell encoding (util.h) and the escaping of text
 * for a person.  The input, split at NUL bytes, is a list of items (empty
 * ones dropped): encoding then decoding must give back exactly the items,
 * with one unescaped ';' between each two.  The whole input as a cell must
 * decode without reading past its end, and what it decodes to must encode
 * and decode to the same items.  Escaped for a terminal, the input must
 * leave no control character, C1 control, bidi override or invalid UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "base/util.h"
#include "base/banned.h"

#define CHECK(c) do { if (!(c)) die("fuzz_listenc: %s (line %d)", #c, __LINE__); } while (0)

static void round_trip(char **items, size_t n)
{
	struct strbuf enc = STRBUF_INIT, item = STRBUF_INIT;
	const char *p;
	size_t i, seps = 0;

	for (i = 0; i < n; i++)
		list_add(&enc, items[i]);
	for (i = 0; i < enc.len; i++) {
		if (enc.buf[i] == '\\')
			i++;            /* an escape: the next byte is part of the item */
		else if (enc.buf[i] == ';')
			seps++;
	}
	CHECK(seps + 1 == n || (n == 0 && enc.len == 0));
	CHECK(list_check(sb_str(&enc)) == 0);
	p = sb_str(&enc);
	for (i = 0; i < n; i++) {
		CHECK(list_next(&p, &item) == 1);
		CHECK(!strcmp(sb_str(&item), items[i]));
		CHECK(list_has(sb_str(&enc), items[i]));
	}
	CHECK(list_next(&p, &item) == 0);
	sb_release(&item);
	sb_release(&enc);
}

static void check_term(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p;
	size_t i;

	sb_add_term(&sb, s, len);
	p = (const unsigned char *)sb_str(&sb);
	for (i = 0; i < sb.len; i++) {
		CHECK(p[i] >= 0x20 && p[i] != 0x7f);
		if (p[i] == 0xc2 && i + 1 < sb.len)
			CHECK(p[i + 1] < 0x80 || p[i + 1] > 0x9f);
		if (p[i] == 0xe2 && i + 2 < sb.len && p[i + 1] == 0x80)
			CHECK(p[i + 2] < 0xaa || p[i + 2] > 0xae);
		if (p[i] == 0xe2 && i + 2 < sb.len && p[i + 1] == 0x81)
			CHECK(p[i + 2] < 0xa6 || p[i + 2] > 0xa9);
	}
	/* Escaping is idempotent: the output is all safe text. */
	{
		struct strbuf again = STRBUF_INIT;
		sb_add_term(&again, sb.buf ? sb.buf : "", sb.len);
		CHECK(again.len == sb.len && !memcmp(sb_str(&again), sb_str(&sb), sb.len));
		sb_release(&again);
	}
	sb_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1), **items = NULL;
	size_t n = 0, alloc = 0, i = 0;
	struct strbuf item = STRBUF_INIT;
	const char *p;
	int r;

	memcpy(text, data, size);
	text[size] = '\0';
	check_term(text, size);

	/* The input (up to its first NUL) as a cell read back by merge. */
	p = text;
	while ((r = list_next(&p, &item)) > 0) {
		KC_GROW(items, alloc, n + 1);
		items[n++] = xstrdup(sb_str(&item));
	}
	CHECK(p >= text && p <= text + strlen(text));
	CHECK(r == 0 ? list_check(text) == 0 : list_check(text) < 0);
	if (r == 0)
		round_trip(items, n);
	while (n)
		free(items[--n]);

	/* Items separated by NUL bytes. */
	while (i <= size) {
		size_t len = strlen(text + i);
		if (len) {
			KC_GROW(items, alloc, n + 1);
			items[n++] = xstrndup(text + i, len);
		}
		i += len + 1;
	}
	round_trip(items, n);
	while (n)
		free(items[--n]);
	free(items);
	sb_release(&item);
	free(text);
	return 0;
}
