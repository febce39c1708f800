/*
 * json.c - the machine-readable reports: analyze as "kfpcache/analyze/v4"
 * and the history timeline as "kfpcache/history/v2" (schemas in
 * reports/schema/).  Written by hand, so reports need no JSON library;
 * every string goes through one escaper that also keeps the text valid
 * UTF-8 and, for HTML embedding, free of "</script>".
 */
#include "reports/report.h"

#include <string.h>

#include "reports/timeline.h"
#include "base/banned.h"

/* Key-part texts longer than this are cut (at a character boundary). */
#define PART_TEXT_MAX 1024

size_t report_utf8_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))
			return 0;       /* overlong, or a UTF-16 surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;       /* overlong, or past U+10FFFF */
		return 4;
	}
	return 0;
}

static void string_n(FILE *fp, const char *str, size_t n, bool html_safe)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;

	fputc('"', fp);
	while (s < end) {
		size_t k;
		switch (*s) {
		case '"': fputs("\\\"", fp); s++; continue;
		case '\\': fputs("\\\\", fp); s++; continue;
		case '\n': fputs("\\n", fp); s++; continue;
		case '\r': fputs("\\r", fp); s++; continue;
		case '\t': fputs("\\t", fp); s++; continue;
		case '<': case '>': case '&':
			if (html_safe) {
				fprintf(fp, "\\u%04x", *s);
				s++;
				continue;
			}
			break;
		}
		if (*s < 0x20) {
			fprintf(fp, "\\u%04x", *s);
			s++;
			continue;
		}
		/* The text is a prefix of a NUL-terminated string: reading on is safe. */
		k = report_utf8_len((const char *)s);
		if (k > (size_t)(end - s))
			k = 0;
		if (!k) {
			fputs("\\ufffd", fp);
			s++;
			continue;
		}
		/* U+2028/U+2029 end lines in older JavaScript parsers. */
		if (html_safe && k == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
			fprintf(fp, "\\u%04x", 0x2000 | (s[2] & 0x3f));
		else
			fwrite(s, 1, k, fp);
		s += k;
	}
	fputc('"', fp);
}

void report_json_string(FILE *fp, const char *s, bool html_safe)
{
	string_n(fp, s ? s : "", s ? strlen(s) : 0, html_safe);
}

struct jw {
	FILE *fp;
	bool html;
};

static void str(const struct jw *w, const char *s)
{
	report_json_string(w->fp, s, w->html);
}

/* A string, or null when s is NULL or empty. */
static void str_or_null(const struct jw *w, const char *s)
{
	if (s && *s)
		str(w, s);
	else
		fputs("null", w->fp);
}

static void key(const struct jw *w, int indent, const char *k, bool first)
{
	fprintf(w->fp, "%s\n%*s", first ? "" : ",", indent, "");
	str(w, k);
	fputs(": ", w->fp);
}

/* The reasons' tokens as an array. */
static void reason_array(const struct jw *w, const struct task_result *r)
{
	struct strbuf tok = STRBUF_INIT;
	size_t i;

	fputc('[', w->fp);
	for (i = 0; i < r->nreasons; i++) {
		sb_reset(&tok);
		reason_token(&tok, &r->reasons[i]);
		fputs(i ? ", " : "", w->fp);
		str(w, sb_str(&tok));
	}
	fputc(']', w->fp);
	sb_release(&tok);
}

/* The root causes' paths as an array. */
static void cause_array(const struct jw *w, const struct task_result *r)
{
	size_t i;

	fputc('[', w->fp);
	for (i = 0; i < r->ncauses; i++) {
		fputs(i ? ", " : "", w->fp);
		str(w, r->causes[i]->path);
	}
	fputc(']', w->fp);
}

static const char *tristate(int v)
{
	return v < 0 ? "null" : v ? "true" : "false";
}

static void policy_obj(const struct jw *w, const struct report_info *info,
		       const struct prediction *pr)
{
	static const enum layer layers[] = {
		LAYER_DEPLOYMENT, LAYER_POLICY, LAYER_RUN, LAYER_SPEC, LAYER_DEFAULT
	};
	const struct policy *p = info ? info->pol : NULL;
	size_t i;

	fputs("{", w->fp);
	key(w, 4, "kfp_version", true);
	if (p) {
		char v[KFP_VERSION_NAME_MAX];
		fprintf(w->fp, "\"%s\"", policy_version_name(p, v));
	}
	else
		fputs("null", w->fp);
	key(w, 4, "publish_logs", false);
	fputs(p ? (p->publish_logs ? "true" : "false") : "null", w->fp);
	key(w, 4, "global_cache", false);
	fputs(p ? tristate(p->global_cache) : "null", w->fp);
	key(w, 4, "global_cache_source", false);
	str_or_null(w, p && p->global_cache >= 0 ? p->global_source : NULL);
	key(w, 4, "run_caching", false);
	fputs(p ? tristate(p->run_caching) : "null", w->fp);
	key(w, 4, "run_override_unreached", false);
	fprintf(w->fp, "%zu", pr->run_override_unreached);
	key(w, 4, "layers", false);
	fputs("[", w->fp);
	for (i = 0; i < KC_ARRAY_SIZE(layers); i++) {
		fputs(i ? ", " : "", w->fp);
		str(w, layer_name(layers[i]));
	}
	fputs("]\n  }", w->fp);
}

static void counts_obj(const struct jw *w, const struct prediction *pr)
{
	static const enum decision ds[] = {
		DECISION_HIT, DECISION_MISS, DECISION_MISS_UPSTREAM,
		DECISION_DISABLED, DECISION_UNKNOWN, DECISION_NOT_RUN
	};
	size_t i;

	fprintf(w->fp, "{\n    \"tasks\": %zu,\n    \"executors\": %zu", pr->n, pr->executors);
	for (i = 0; i < KC_ARRAY_SIZE(ds); i++)
		fprintf(w->fp, ",\n    \"%s\": %zu", decision_name(ds[i]), pr->counts[ds[i]]);
	fputs("\n  }", w->fp);
}

/* The longest prefix of s of at most max bytes that ends on a character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* A part's value: "digest", "text" (cut at PART_TEXT_MAX), "truncated", "bytes"; indent ind. */
static void value_members(const struct jw *w, int ind, const struct keypart *p, bool first)
{
	size_t len = strlen(p->text), cut = utf8_cut(p->text, len, PART_TEXT_MAX);

	key(w, ind, "digest", first);
	str(w, p->digest);
	key(w, ind, "text", false);
	string_n(w->fp, p->text, cut, w->html);
	key(w, ind, "truncated", false);
	fputs(cut < len ? "true" : "false", w->fp);
	key(w, ind, "bytes", false);
	fprintf(w->fp, "%zu", len);
}

/*
 * Each part with how it compares with the same path in the newest
 * baseline ("status", v3's "baseline") and, when it changed, the
 * baseline's value ("baseline", v4).
 */
static void key_parts(const struct jw *w, const struct task_result *r)
{
	size_t i;

	fputc('[', w->fp);
	for (i = 0; i < r->nparts; i++) {
		const struct keypart *p = &r->parts[i];
		enum part_status st = result_part_status(r, p);
		const struct keypart *b = st == PART_CHANGED ? result_prev_part(r, p->name) : NULL;
		fprintf(w->fp, "%s\n        {", i ? "," : "");
		key(w, 10, "name", true);
		str(w, p->name);
		value_members(w, 10, p, false);
		key(w, 10, "upstream", false);
		fputs(p->upstream ? "true" : "false", w->fp);
		key(w, 10, "status", false);
		str_or_null(w, part_status_name(st));
		key(w, 10, "baseline", false);
		if (b && b->text) {
			fputc('{', w->fp);
			value_members(w, 12, b, true);
			fputs("\n          }", w->fp);
		} else {
			fputs("null", w->fp);
		}
		fputs("\n        }", w->fp);
	}
	fputs(r->nparts ? "\n      ]" : "]", w->fp);
}

/* The baseline's parts the key no longer has (v4), with their values. */
static void removed_parts(const struct jw *w, const struct task_result *r)
{
	const struct keypart *p;
	size_t i;

	fputc('[', w->fp);
	for (i = 0; (p = result_removed_part(r, i)) && p->text; i++) {
		fprintf(w->fp, "%s\n        {", i ? "," : "");
		key(w, 10, "name", true);
		str(w, p->name);
		value_members(w, 10, p, false);
		fputs("\n        }", w->fp);
	}
	fputs(i ? "\n      ]" : "]", w->fp);
}

static void task_obj(const struct jw *w, const struct task_result *r)
{
	const struct task *t = r->task;
	bool exec = task_is_executor(t);

	fputs("    {", w->fp);
	key(w, 6, "task", true);     /* the CSV reports' column name (v3) */
	str(w, t->path);
	key(w, 6, "kind", false);
	str(w, task_kind_name(t->kind));
	key(w, 6, "component", false);
	str_or_null(w, t->component);
	key(w, 6, "executor", false);
	str_or_null(w, t->executor_label);
	key(w, 6, "image", false);
	str_or_null(w, t->image);
	key(w, 6, "cache_enabled", false);
	fputs(r->has_policy ? (r->pol.enabled ? "true" : "false") : "null", w->fp);
	key(w, 6, "layer", false);
	str_or_null(w, r->has_policy ? layer_name(r->pol.layer) : NULL);
	key(w, 6, "cache_key", false);
	str_or_null(w, r->has_policy ? r->pol.cache_key : NULL);
	key(w, 6, "conditional", false);
	fputs(r->conditional ? "true" : "false", w->fp);
	key(w, 6, "decision", false);
	str_or_null(w, decision_name(r->decision));
	key(w, 6, "reason", false);
	reason_array(w, r);
	key(w, 6, "root_cause", false);
	cause_array(w, r);
	key(w, 6, "distance", false);
	if (r->distance >= 0)
		fprintf(w->fp, "%d", r->distance);
	else
		fputs("null", w->fp);
	key(w, 6, "fingerprint", false);
	str_or_null(w, r->fingerprint);
	key(w, 6, "fingerprint_note", false);
	str_or_null(w, exec && !r->fingerprint[0] ? r->fingerprint_why : NULL);
	key(w, 6, "key", false);
	str_or_null(w, exec ? r->key : NULL);
	key(w, 6, "key_parts", false);
	key_parts(w, r);
	key(w, 6, "key_parts_removed", false);
	removed_parts(w, r);
	fputs("\n    }", w->fp);
}

int report_json_write_opts(FILE *fp, const struct prediction *pr,
			   const struct report_info *info, bool html_safe)
{
	struct jw w = { fp, html_safe };
	size_t i;

	fputs("{", fp);
	key(&w, 2, "schema", true);
	str(&w, REPORT_JSON_SCHEMA);
	key(&w, 2, "spec", false);
	str_or_null(&w, info ? info->spec : NULL);
	key(&w, 2, "pipeline", false);
	str(&w, pr->dag->pipeline_name);
	key(&w, 2, "baseline", false);
	str_or_null(&w, info ? info->baseline : NULL);
	key(&w, 2, "cold_cache", false);
	fputs(pr->cold ? "true" : "false", fp);
	key(&w, 2, "policy", false);
	policy_obj(&w, info, pr);
	key(&w, 2, "counts", false);
	counts_obj(&w, pr);
	key(&w, 2, "tasks", false);
	fputs(pr->n ? "[\n" : "[", fp);
	for (i = 0; i < pr->n; i++) {
		task_obj(&w, &pr->results[i]);
		fputs(i + 1 < pr->n ? ",\n" : "\n  ", fp);
	}
	fputs("]\n}\n", fp);
	return ferror(fp) ? err_set("write error") : 0;
}

int report_json_write(FILE *fp, const struct prediction *pr, const struct report_info *info)
{
	return report_json_write_opts(fp, pr, info, false);
}

/* ---- history ---- */

/* One commit of the timeline as a JSON object; the counts only when it was analyzed. */
static void commit_json(struct jw *w, const struct timeline_row *r)
{
	/* kfpcache/history/v2: NOT_RUN joined the counts. */
	static const enum decision ds[] = {
		DECISION_HIT, DECISION_MISS, DECISION_MISS_UPSTREAM,
		DECISION_DISABLED, DECISION_UNKNOWN, DECISION_NOT_RUN
	};
	FILE *fp = w->fp;
	bool ok = !r->error || !*r->error;
	size_t k;

	fputs("    {", fp);
	key(w, 6, "spec", true);
	str(w, r->spec);
	key(w, 6, "seq", false);
	fprintf(fp, "%zu", r->seq);
	key(w, 6, "commit", false);
	str(w, r->commit);
	key(w, 6, "date", false);
	str(w, r->date);
	key(w, 6, "author", false);
	str(w, r->author);
	key(w, 6, "subject", false);
	str(w, r->subject);
	key(w, 6, "path", false);
	str(w, r->path);
	key(w, 6, "analyzed", false);
	fputs(ok ? "true" : "false", fp);
	key(w, 6, "error", false);
	str_or_null(w, ok ? NULL : r->error);
	if (ok) {
		key(w, 6, "tasks", false);
		fprintf(fp, "%zu", r->tasks);
		key(w, 6, "enabled", false);
		fprintf(fp, "%zu", r->enabled);
		key(w, 6, "counts", false);
		fputs("{", fp);
		for (k = 0; k < KC_ARRAY_SIZE(ds); k++)
			fprintf(fp, "%s\"%s\": %zu", k ? ", " : "", decision_name(ds[k]),
				r->counts[ds[k]]);
		fputs("}", fp);
		key(w, 6, "hit_ratio", false);
		if (r->tasks)
			fprintf(fp, "%.4f", (double)r->counts[DECISION_HIT] / (double)r->tasks);
		else
			fputs("null", fp);
		key(w, 6, "invalidated", false);
		fprintf(fp, "%zu", r->invalidated);
		key(w, 6, "root_causes", false);
		str(w, r->root_causes);
	}
	fputs("\n    }", fp);
}

int timeline_json_write_opts(FILE *fp, const struct timeline_row *rows, size_t n, bool html_safe,
			     const char *cache)
{
	struct jw w = { fp, html_safe };
	size_t i;

	fputs("{", fp);
	key(&w, 2, "schema", true);
	str(&w, TIMELINE_JSON_SCHEMA);
	if (cache) {
		key(&w, 2, "cache", false);
		str(&w, cache);
	}
	key(&w, 2, "commits", false);
	fputs(n ? "[\n" : "[", fp);
	for (i = 0; i < n; i++) {
		commit_json(&w, &rows[i]);
		fputs(i + 1 < n ? ",\n" : "\n  ", fp);
	}
	fputs("]\n}\n", fp);
	return ferror(fp) ? err_set("write error") : 0;
}

int timeline_json_write(FILE *fp, const struct timeline_row *rows, size_t n)
{
	return timeline_json_write_opts(fp, rows, n, false, NULL);
}
