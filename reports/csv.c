/*
 * csv.c - the analyze and fingerprint CSV reports, written with libcsv.
 * Columns are the contract's; booleans true/false; empty cells for "not
 * applicable".  Cells a spreadsheet would run as a formula are neutralised.
 */
#include "reports/report.h"

#include <csv.h>
#include <string.h>

#include "base/banned.h"

/*
 * A cell starting with = + - @ TAB or CR would be executed by spreadsheets
 * (CSV injection); such cells get a leading apostrophe.
 */
static bool cell_is_formula(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]);
}

void report_csv_cell(FILE *fp, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	if (!s)
		s = "";
	if (cell_is_formula(s)) {
		sb_addc(&sb, '\'');
		sb_adds(&sb, s);
		s = sb.buf;
	}
	/* libcsv trims unquoted spaces and tabs at either end when reading (merge). */
	if (strpbrk(s, ",\"\r\n") || *s == ' ' || *s == '\t' ||
	    (*s && (s[strlen(s) - 1] == ' ' || s[strlen(s) - 1] == '\t')))
		csv_fwrite(fp, s, strlen(s));
	else
		fputs(s, fp);
	sb_release(&sb);
}

static void row(FILE *fp, const char *const *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		report_csv_cell(fp, cells[i]);
	}
	fputc('\n', fp);
}

static const char *tf(bool b)
{
	return b ? "true" : "false";
}

int report_csv_write(FILE *fp, const struct prediction *pr)
{
	static const char *const head[] = {
		"task", "kind", "component", "executor", "image", "cache_enabled",
		"layer", "conditional", "decision", "reason", "root_cause", "distance",
		"fingerprint"
	};
	struct strbuf rsb = STRBUF_INIT, csb = STRBUF_INIT;
	size_t i;

	row(fp, head, KC_ARRAY_SIZE(head));
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		char dist[32] = "";
		const char *cells[KC_ARRAY_SIZE(head)];
		if (r->distance >= 0)
			snprintf(dist, sizeof(dist), "%d", r->distance);
		cells[0] = t->path;
		cells[1] = task_kind_name(t->kind);
		cells[2] = t->component;
		cells[3] = t->executor_label;
		cells[4] = t->image;
		cells[5] = r->has_policy ? tf(r->pol.enabled) : "";
		cells[6] = r->has_policy ? layer_name(r->pol.layer) : "";
		cells[7] = tf(t->conditional);
		cells[8] = decision_name(r->decision);
		cells[9] = result_reasons_str(&rsb, r);
		cells[10] = result_causes_str(&csb, r);
		cells[11] = dist;
		cells[12] = r->fingerprint;
		row(fp, cells, KC_ARRAY_SIZE(cells));
	}
	sb_release(&rsb);
	sb_release(&csb);
	return ferror(fp) ? err_set("write error") : 0;
}

int report_fingerprint_csv(FILE *fp, const struct prediction *pr)
{
	static const char *const head[] = {
		"task", "component", "executor", "cache_enabled", "fingerprint", "note"
	};
	size_t i;

	row(fp, head, KC_ARRAY_SIZE(head));
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		const char *cells[KC_ARRAY_SIZE(head)];
		if (t->kind != TASK_CONTAINER)
			continue;
		cells[0] = t->path;
		cells[1] = t->component;
		cells[2] = t->executor_label;
		cells[3] = tf(r->pol.enabled);
		cells[4] = r->fingerprint;
		cells[5] = r->fingerprint[0] ? (r->pol.cache_key ? "custom cacheKey" : "")
					     : r->fingerprint_why;
		row(fp, cells, KC_ARRAY_SIZE(cells));
	}
	return ferror(fp) ? err_set("write error") : 0;
}
