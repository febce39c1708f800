/*
 * csv.c - the CSV module, the only user of libcsv: the analyze and
 * fingerprint reports, the cell every CSV writer emits, and the reader
 * behind `kfpcache merge`.  Columns are the contract's; booleans
 * true/false; empty cells for "not applicable".  Cells a spreadsheet would
 * run as a formula are neutralised on the way out and restored on the way in.
 */
#include "reports/report.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/*
 * A cell starting with = + - @ TAB or CR would be executed by spreadsheets
 * (CSV injection); such cells get a leading apostrophe.
 */
#define FORMULA_START "=+-@\t\r"

static bool cell_is_formula(const char *s)
{
	return s[0] && strchr(FORMULA_START, s[0]);
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
		cells[7] = tf(r->conditional);
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

/* ---- reading (merge) ---- */

struct reader {
	report_csv_record_fn *fn;
	void *payload;
	char **cells;
	size_t ncell, alloc;
	size_t line;
	bool failed;
};

/* The writer neutralised formula-like cells with a leading apostrophe. */
static char *cell_value(const char *s, size_t len)
{
	if (len >= 2 && s[0] == '\'' && strchr(FORMULA_START, s[1]))
		return xstrndup(s + 1, len - 1);
	return xstrndup(s, len);
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;

	KC_GROW(r->cells, r->alloc, r->ncell + 1);
	r->cells[r->ncell++] = cell_value(s ? s : "", s ? len : 0);
}

static void cells_clear(struct reader *r)
{
	while (r->ncell)
		free(r->cells[--r->ncell]);
}

/* After a failed record the rest are counted, not handed on. */
static void on_record(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	r->line++;
	if (!r->failed && r->fn(r->cells, r->ncell, r->line, r->payload) < 0)
		r->failed = true;
	cells_clear(r);
}

int report_csv_read(const char *buf, size_t len, const char *path, report_csv_record_fn *fn,
		    void *payload)
{
	struct csv_parser p;
	struct reader r;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	r.fn = fn;
	r.payload = payload;
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
		return err_set("%s: cannot initialise the CSV parser", path);
	if (csv_parse(&p, buf, len, on_field, on_record, &r) != len ||
	    csv_fini(&p, on_field, on_record, &r) != 0) {
		if (!r.failed)
			err_set("%s:%zu: %s", path, r.line + 1, csv_strerror(csv_error(&p)));
		goto done;
	}
	if (!r.failed)
		ret = 0;
done:
	cells_clear(&r);
	free(r.cells);
	csv_free(&p);
	return ret;
}
