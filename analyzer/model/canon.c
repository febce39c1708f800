/*
 * canon.c - Go-compatible canonical JSON for the cache key (stage "key").
 * Models the re-marshalling in backend/src/v2/cacheutils/cache.go
 * (GenerateFingerPrint): protojson output read back into interface{} and
 * printed by encoding/json, i.e. sorted keys, HTML-safe string escaping and
 * strconv's shortest float64 formatting.
 */
#include "model/canon.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/* protojson refuses deeper nesting (its RecursionLimit); so do we. */
#define CANON_MAX_DEPTH 10000

/* Truncate out back to `len` after a failure so callers see no half value. */
static int canon_fail(struct strbuf *out, size_t len)
{
	if (out->buf) {
		out->len = len;
		out->buf[len] = '\0';
	}
	return -1;
}

/*
 * Length of the well-formed UTF-8 sequence at s (Go's utf8.DecodeRune rules:
 * no overlongs, no surrogates, nothing above U+10FFFF), 0 when invalid.
 */
static size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int canon_string(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t start = out->len, i = 0, run = 0;

	sb_addc(out, '"');
	while (i < len) {
		unsigned char c = p[i];
		const char *esc = NULL;
		char ubuf[7];
		uint32_t cp;
		size_t n;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' &&
		    c != '<' && c != '>' && c != '&') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_seq(p + i, len - i, &cp);
			if (!n) {
				canon_fail(out, start);
				return err_set("invalid UTF-8 at byte %zu of string", i);
			}
			/* encoding/json escapes the JS line terminators only. */
			if (cp != 0x2028 && cp != 0x2029) {
				i += n;
				continue;
			}
			ubuf[0] = '\\', ubuf[1] = 'u', ubuf[2] = '2', ubuf[3] = '0';
			ubuf[4] = '2', ubuf[5] = cp == 0x2028 ? '8' : '9', ubuf[6] = '\0';
			esc = ubuf;
		} else {
			n = 1;
			switch (c) {
			case '"': esc = "\\\""; break;
			case '\\': esc = "\\\\"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			/* Go >= 1.22 (KFP builds with 1.26) prints \b and \f. */
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			default:
				/* Other controls and HTML-significant <, >, &. */
				ubuf[0] = '\\', ubuf[1] = 'u', ubuf[2] = '0', ubuf[3] = '0';
				ubuf[4] = hex[c >> 4], ubuf[5] = hex[c & 15], ubuf[6] = '\0';
				esc = ubuf;
				break;
			}
		}
		sb_add(out, s + run, i - run);
		sb_adds(out, esc);
		i += n;
		run = i;
	}
	sb_add(out, s + run, len - run);
	sb_addc(out, '"');
	return 0;
}

/* A decimal significand: value = 0.d1d2...dn * 10^point, no trailing zeros. */
struct decimal {
	char d[24];
	int n;
	int point;
};

/* Parse "%.*e" output ("d.ddde[+-]xx") into a decimal. */
static void decimal_from_e(struct decimal *dec, const char *buf)
{
	const char *p = buf;

	dec->n = 0;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			dec->d[dec->n++] = *p;
	dec->point = (int)strtol(p + 1, NULL, 10) + 1;
}

/* Set dec from an integer significand m and its power of ten. */
static void decimal_from_int(struct decimal *dec, uint64_t m, int exp10)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)m);

	memcpy(dec->d, tmp, (size_t)n);
	dec->n = n;
	dec->point = n + exp10;
}

static double decimal_value(const struct decimal *dec)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "0.%.*se%d", dec->n, dec->d, dec->point);
	return strtod(buf, NULL);
}

/*
 * Shortest digits that read back as a (> 0, finite), the closest such when
 * several exist: strconv.FormatFloat(f, 'g'-like, -1, 64).  The correctly
 * rounded p-digit string is tried first; near a power of two the rounding
 * interval is lopsided, so its neighbour on the far side of a is tried too.
 */
static void shortest_decimal(struct decimal *dec, double a)
{
	char buf[40];
	int p, i;

	for (p = 1; p <= 17; p++) {
		struct decimal alt;
		uint64_t m = 0;
		double got;

		snprintf(buf, sizeof(buf), "%.*e", p - 1, a);
		decimal_from_e(dec, buf);
		got = decimal_value(dec);
		if (got == a)
			break;
		for (i = 0; i < dec->n; i++)
			m = m * 10 + (uint64_t)(dec->d[i] - '0');
		decimal_from_int(&alt, got < a ? m + 1 : m - 1, dec->point - dec->n);
		if (decimal_value(&alt) == a) {
			*dec = alt;
			break;
		}
	}
	while (dec->n > 1 && dec->d[dec->n - 1] == '0')
		dec->n--;
}

int canon_number(struct strbuf *out, double d)
{
	struct decimal dec;
	double a = fabs(d);
	int i;

	if (isnan(d) || isinf(d))
		return err_set("cannot encode %s in JSON",
			       isnan(d) ? "NaN" : "an infinite number");
	if (signbit(d))
		sb_addc(out, '-');
	if (a == 0) {
		sb_addc(out, '0');
		return 0;
	}
	shortest_decimal(&dec, a);
	if (a < 1e-6 || a >= 1e21) {
		/* encoding/json: 'e' format, exponent without a leading zero. */
		int x = dec.point - 1;

		sb_addc(out, dec.d[0]);
		if (dec.n > 1) {
			sb_addc(out, '.');
			sb_add(out, dec.d + 1, (size_t)dec.n - 1);
		}
		sb_addf(out, "e%c%d", x < 0 ? '-' : '+', x < 0 ? -x : x);
	} else if (dec.point <= 0) {
		sb_adds(out, "0.");
		for (i = dec.point; i < 0; i++)
			sb_addc(out, '0');
		sb_add(out, dec.d, (size_t)dec.n);
	} else if (dec.point >= dec.n) {
		/* Go pads the shortest digits with zeros: 12345678901234567000. */
		sb_add(out, dec.d, (size_t)dec.n);
		for (i = dec.n; i < dec.point; i++)
			sb_addc(out, '0');
	} else {
		sb_add(out, dec.d, (size_t)dec.point);
		sb_addc(out, '.');
		sb_add(out, dec.d + dec.point, (size_t)(dec.n - dec.point));
	}
	return 0;
}

static int canon_node(struct strbuf *out, const struct node *n, int depth);

static int canon_map(struct strbuf *out, const struct node *n, int depth)
{
	struct node_key *ents = node_sorted_keys(n);
	bool first = true;
	size_t i;
	int ret = -1;

	sb_addc(out, '{');
	for (i = 0; i < n->n; i++) {
		/* A repeated key behaves like a Go map assignment: last wins. */
		if (i + 1 < n->n && ents[i].len == ents[i + 1].len &&
		    !memcmp(ents[i].key, ents[i + 1].key, ents[i].len))
			continue;
		if (!first)
			sb_addc(out, ',');
		first = false;
		if (canon_string(out, ents[i].key, ents[i].len) < 0)
			goto done;
		sb_addc(out, ':');
		if (canon_node(out, n->items[ents[i].idx], depth + 1) < 0)
			goto done;
	}
	sb_addc(out, '}');
	ret = 0;
done:
	free(ents);
	return ret;
}

static int canon_node(struct strbuf *out, const struct node *n, int depth)
{
	size_t i;

	if (!n)
		return err_set("cannot encode a value with no kind");
	if (depth > CANON_MAX_DEPTH)
		return err_set("value nested deeper than %d levels", CANON_MAX_DEPTH);
	switch (n->type) {
	case NODE_NULL:
		sb_adds(out, "null");
		return 0;
	case NODE_BOOL:
		sb_adds(out, n->boolean ? "true" : "false");
		return 0;
	case NODE_NUMBER:
		return canon_number(out, n->number);
	case NODE_STRING:
		return canon_string(out, n->str ? n->str : "", n->str ? n->len : 0);
	case NODE_LIST:
		sb_addc(out, '[');
		for (i = 0; i < n->n; i++) {
			if (i)
				sb_addc(out, ',');
			if (canon_node(out, n->items[i], depth + 1) < 0)
				return -1;
		}
		sb_addc(out, ']');
		return 0;
	case NODE_MAP:
		return canon_map(out, n, depth);
	}
	return err_set("cannot encode node of unknown type %d", (int)n->type);
}

int canon_json(struct strbuf *out, const struct node *n)
{
	size_t start = out->len;

	if (canon_node(out, n, 0) < 0)
		return canon_fail(out, start);
	return 0;
}
