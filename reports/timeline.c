/*
 * timeline.c - the history timeline: rows from predictions, CSV out and back
 * in (through csv.c's cells and reader), and the terminal summary: a line
 * per commit and the commits that invalidated most.
 */
#include "reports/timeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "reports/style.h"
#include "base/banned.h"

static const char *const columns[] = {
	"commit", "date", "author", "subject", "path", "tasks", "enabled", "hit",
	"miss", "miss_upstream", "disabled", "unknown", "not_run", "root_causes",
	"invalidated", "spec", "seq", "error"
};
#define NCOLUMNS KC_ARRAY_SIZE(columns)
/* The column kfpcache/history/v2 added: a v1 timeline is the header without it. */
#define COL_NOT_RUN 12

struct cause {
	const char *path;
	char *reason;           /* the cause's own reasons, a list cell (malloc'd) */
	size_t n;
};

static int cmp_cause(const void *x, const void *y)
{
	const struct cause *a = x, *b = y;

	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return path_cmp(a->path, b->path);
}

void timeline_row_fill(struct timeline_row *row, const struct prediction *pr)
{
	struct cause_count *tally;
	struct cause *c;
	size_t ntally, nc = 0, i, k, renamed = SIZE_MAX;
	struct strbuf sb = STRBUF_INIT, item = STRBUF_INIT;

	row->tasks = pr->executors;
	memcpy(row->counts, pr->counts, sizeof(row->counts));
	row->enabled = 0;
	row->invalidated = 0;
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		if (r->has_policy && r->pol.enabled)
			row->enabled++;
		if (r->invalidates && r->decision != DECISION_UNKNOWN)
			row->invalidated++;
	}
	ntally = causes_tally(&tally, pr, true);
	c = xcalloc(ntally ? ntally : 1, sizeof(*c));
	for (i = 0; i < ntally; i++) {
		const struct task_result *root = &pr->results[tally[i].task->index];
		/* A renamed pipeline is one cause, not one per task. */
		if (result_has_reason(root, REASON_PIPELINE_NAME)) {
			if (renamed == SIZE_MAX) {
				renamed = nc++;
				c[renamed].path = "pipelineInfo.name";
				c[renamed].reason = xstrdup("pipeline_name");
			}
			c[renamed].n += tally[i].n;
			continue;
		}
		c[nc].path = tally[i].task->path;
		sb_reset(&item);
		result_reason_list(&item, root);
		c[nc].reason = xstrdup(sb_str(&item));
		c[nc].n = tally[i].n;
		nc++;
	}
	if (nc > 1)
		qsort(c, nc, sizeof(*c), cmp_cause);
	/* A list cell (util.h): the reason may itself be "image;command". */
	for (k = 0; k < nc && k < 5; k++) {
		sb_reset(&item);
		sb_addf(&item, "%s:%s(%zu)", c[k].path, c[k].reason, c[k].n);
		list_add(&sb, item.buf);
	}
	if (nc > 5) {
		sb_reset(&item);
		sb_addf(&item, "+%zu more", nc - 5);
		list_add(&sb, item.buf);
	}
	for (k = 0; k < nc; k++)
		free(c[k].reason);
	free(c);
	free(tally);
	sb_release(&item);
	free(row->root_causes);
	row->root_causes = sb_detach(&sb, NULL);
}

void timeline_row_release(struct timeline_row *row)
{
	free(row->spec);
	free(row->author);
	free(row->subject);
	free(row->path);
	free(row->root_causes);
	free(row->error);
	memset(row, 0, sizeof(*row));
}

int timeline_csv_write(FILE *fp, const struct timeline_row *rows, size_t n)
{
	size_t i, k;

	for (k = 0; k < NCOLUMNS; k++) {
		if (k)
			fputc(',', fp);
		fputs(columns[k], fp);
	}
	fputc('\n', fp);
	for (i = 0; i < n; i++) {
		const struct timeline_row *r = &rows[i];
		char num[10][32];
		const char *cells[NCOLUMNS];
		bool ok = !r->error || !*r->error;
		snprintf(num[0], 32, "%zu", r->tasks);
		snprintf(num[1], 32, "%zu", r->enabled);
		snprintf(num[2], 32, "%zu", r->counts[DECISION_HIT]);
		snprintf(num[3], 32, "%zu", r->counts[DECISION_MISS]);
		snprintf(num[4], 32, "%zu", r->counts[DECISION_MISS_UPSTREAM]);
		snprintf(num[5], 32, "%zu", r->counts[DECISION_DISABLED]);
		snprintf(num[6], 32, "%zu", r->counts[DECISION_UNKNOWN]);
		snprintf(num[7], 32, "%zu", r->counts[DECISION_NOT_RUN]);
		snprintf(num[8], 32, "%zu", r->invalidated);
		cells[0] = r->commit;
		cells[1] = r->date;
		cells[2] = r->author;
		cells[3] = r->subject;
		cells[4] = r->path;
		for (k = 0; k < 8; k++)
			cells[5 + k] = ok ? num[k] : "";
		cells[13] = ok ? r->root_causes : "";
		cells[14] = ok ? num[8] : "";
		cells[15] = r->spec;
		snprintf(num[9], 32, "%zu", r->seq);
		cells[16] = num[9];
		cells[17] = r->error ? r->error : "";
		for (k = 0; k < NCOLUMNS; k++) {
			if (k)
				fputc(',', fp);
			report_csv_cell(fp, cells[k]);
		}
		fputc('\n', fp);
	}
	return ferror(fp) ? err_set("write error") : 0;
}

/* ---- reading (merge) ---- */

struct reader {
	const char *path;
	struct timeline_row *rows;
	size_t n, alloc;
	size_t records;
};

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s) {
		*out = 0;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* The header of kfpcache/history/v1: the columns without not_run. */
static bool is_v1_header(char **cells, size_t ncell)
{
	size_t k;

	if (ncell != NCOLUMNS - 1)
		return false;
	for (k = 0; k < ncell; k++)
		if (strcmp(cells[k], columns[k < COL_NOT_RUN ? k : k + 1]))
			return false;
	return true;
}

/* One record: the header (checked), or a row; the row takes the text cells. */
static int on_record(char **cells, size_t ncell, size_t line, void *data)
{
	struct reader *r = data;
	struct timeline_row *row;
	size_t k;

	r->records = line;
	/* Read as v2, its rows would claim that no task was NOT_RUN. */
	if (line == 1 && is_v1_header(cells, ncell))
		return err_set("%s:1: a timeline written by an older kfpcache (no 'not_run' column); re-run 'kfpcache history'",
			       r->path);
	if (ncell != NCOLUMNS)
		return err_set("%s:%zu: expected %zu columns, found %zu", r->path, line, NCOLUMNS,
			       ncell);
	if (line == 1) {
		for (k = 0; k < NCOLUMNS; k++)
			if (strcmp(cells[k], columns[k]))
				return err_set("%s:1: not a kfpcache timeline (column %zu is '%s', expected '%s')",
					       r->path, k + 1, cells[k], columns[k]);
		return 0;
	}
	KC_GROW(r->rows, r->alloc, r->n + 1);
	row = &r->rows[r->n++];
	memset(row, 0, sizeof(*row));
	snprintf(row->commit, sizeof(row->commit), "%s", cells[0]);
	snprintf(row->date, sizeof(row->date), "%s", cells[1]);
	row->author = cells[2];
	row->subject = cells[3];
	row->path = cells[4];
	row->root_causes = cells[13];
	row->spec = cells[15];
	row->error = cells[17];
	cells[2] = cells[3] = cells[4] = cells[13] = cells[15] = cells[17] = NULL;
	if (parse_size(cells[5], &row->tasks) || parse_size(cells[6], &row->enabled) ||
	    parse_size(cells[7], &row->counts[DECISION_HIT]) ||
	    parse_size(cells[8], &row->counts[DECISION_MISS]) ||
	    parse_size(cells[9], &row->counts[DECISION_MISS_UPSTREAM]) ||
	    parse_size(cells[10], &row->counts[DECISION_DISABLED]) ||
	    parse_size(cells[11], &row->counts[DECISION_UNKNOWN]) ||
	    parse_size(cells[COL_NOT_RUN], &row->counts[DECISION_NOT_RUN]) ||
	    parse_size(cells[14], &row->invalidated) || parse_size(cells[16], &row->seq) ||
	    !row->seq)
		return err_set("%s:%zu: a count column is not a number", r->path, line);
	if (list_check(row->root_causes) < 0)
		return err_set("%s:%zu: root_causes: a '\\' not followed by '\\' or ';'",
			       r->path, line);
	return 0;
}

int timeline_csv_read(const char *path, struct timeline_row **rows, size_t *n)
{
	char *buf = NULL;
	size_t len;
	int ret;

	if (read_file(path, &buf, &len) < 0)
		return -1;
	ret = timeline_csv_read_buf(buf, len, path, rows, n);
	free(buf);
	return ret;
}

int timeline_csv_read_buf(const char *buf, size_t len, const char *path,
			  struct timeline_row **rows, size_t *n)
{
	struct reader r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.path = path;
	if (report_csv_read(buf, len, path, on_record, &r) < 0)
		goto fail;
	if (r.records == 0) {
		err_set("%s: empty file", path);
		goto fail;
	}
	*rows = r.rows;
	*n = r.n;
	return 0;
fail:
	for (i = 0; i < r.n; i++)
		timeline_row_release(&r.rows[i]);
	free(r.rows);
	return -1;
}

static int cmp_row(const void *x, const void *y)
{
	const struct timeline_row *a = x, *b = y;
	int c = path_cmp(a->spec, b->spec);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void timeline_sort(struct timeline_row *rows, size_t n)
{
	if (n)      /* qsort(NULL, 0, ...) is undefined */
		qsort(rows, n, sizeof(*rows), cmp_row);
}

/* Most invalidated first; a tie goes to the newest commit (author date, then history order). */
static int cmp_invalidated(const void *x, const void *y)
{
	const struct timeline_row *a = *(const struct timeline_row *const *)x;
	const struct timeline_row *b = *(const struct timeline_row *const *)y;
	int c;

	if (a->invalidated != b->invalidated)
		return a->invalidated < b->invalidated ? 1 : -1;
	if (a->time != b->time)
		return a->time < b->time ? 1 : -1;
	if ((c = path_cmp(a->spec, b->spec)))
		return c;
	return a->seq < b->seq ? 1 : a->seq > b->seq ? -1 : 0;
}

/* The first root cause of a row's list cell and how many more it stands for. */
static size_t first_cause(const char *list, struct strbuf *first)
{
	struct strbuf item = STRBUF_INIT;
	const char *p = list ? list : "";
	size_t n = 0;

	sb_reset(first);
	while (list_next(&p, &item) > 0) {
		/* timeline_row_fill's last item "+N more" stands for N causes. */
		if (n && item.buf[0] == '+')
			n += strtoul(item.buf + 1, NULL, 10);
		else if (!n++)
			sb_adds(first, item.buf);
	}
	sb_release(&item);
	return n ? n - 1 : 0;
}

/* A count in decision d's colour when it is not 0. */
static void count_cell(FILE *fp, enum decision d, size_t n, bool color)
{
	char num[32];

	snprintf(num, sizeof(num), "%4zu", n);
	report_term_decision(fp, n ? d : DECISION_NONE, num, color);
}

/*
 * One line per commit, oldest first (as the rows are sorted): date, short
 * commit, HIT and MISS+MISS_UPSTREAM counts, subject, the first root cause;
 * a commit that did not load says why instead.
 */
static void commit_table(FILE *fp, const struct timeline_row *rows, size_t n, size_t specs,
			 bool color)
{
	struct strbuf sb = STRBUF_INIT, cause = STRBUF_INIT;
	size_t i, more;

	fprintf(fp, "%-10s  %-12s  %4s %4s  %-*s  %s\n", "date", "commit", "hit", "miss",
		TIMELINE_SUBJECT_WIDTH, "subject", "root cause");
	for (i = 0; i < n; i++) {
		const struct timeline_row *r = &rows[i];
		bool ok = !r->error || !*r->error;
		if (specs > 1 && (!i || strcmp(r->spec, rows[i - 1].spec)))
			fprintf(fp, "%s:\n", term_text(r->spec));
		fprintf(fp, "%.10s  %.12s  ", term_text(r->date), term_text(r->commit));
		if (ok) {
			count_cell(fp, DECISION_HIT, r->counts[DECISION_HIT], color);
			fputc(' ', fp);
			count_cell(fp, DECISION_MISS, r->counts[DECISION_MISS] + r->counts[DECISION_MISS_UPSTREAM],
				   color);
		} else {
			fprintf(fp, "%4s %4s", "-", "-");
		}
		fputs("  ", fp);
		report_term_cut_end(&sb, term_text(r->subject), TIMELINE_SUBJECT_WIDTH);
		if (!ok) {
			report_term_pad(fp, sb_str(&sb), TIMELINE_SUBJECT_WIDTH);
			fprintf(fp, "  (%s)\n", term_text(r->error));
			continue;
		}
		more = first_cause(r->root_causes, &cause);
		if (!cause.len) {
			fprintf(fp, "%s\n", sb_str(&sb));
			continue;
		}
		report_term_pad(fp, sb_str(&sb), TIMELINE_SUBJECT_WIDTH);
		sb_reset(&sb);
		report_short_path(&sb, term_text(sb_str(&cause)), TIMELINE_CAUSE_WIDTH);
		fprintf(fp, "  %s", sb_str(&sb));
		if (more)
			fprintf(fp, " +%zu more", more);
		fputc('\n', fp);
	}
	sb_release(&sb);
	sb_release(&cause);
}

void timeline_summary(FILE *fp, const struct timeline_row *rows, size_t n,
		      const struct timeline_print *o)
{
	static const struct timeline_print plain = { false, false };
	const struct timeline_row **v = xcalloc(n ? n : 1, sizeof(*v));
	size_t i, errors = 0, shown = 0, specs = 0, not_run = 0, not_run_commits = 0;

	if (!o)
		o = &plain;
	for (i = 0; i < n; i++) {
		v[i] = &rows[i];
		if (rows[i].error && *rows[i].error && strcmp(rows[i].error, "deleted"))
			errors++;
		if (!rows[i].error || !*rows[i].error) {
			not_run += rows[i].counts[DECISION_NOT_RUN];
			not_run_commits += rows[i].counts[DECISION_NOT_RUN] > 0;
		}
		if (!i || strcmp(rows[i].spec, rows[i - 1].spec))
			specs++;
	}
	if (o->table && n)
		commit_table(fp, rows, n, specs, o->color);
	fprintf(fp, "%zu %s of %zu %s", n, plural(n, "commit", "commits"), specs, plural(specs, "spec", "specs"));
	if (errors)
		fprintf(fp, ", %zu not analyzable (see the error column)", errors);
	if (not_run)
		fprintf(fp, ", %zu NOT_RUN %s on %zu %s (a false condition)", not_run,
			plural(not_run, "task", "tasks"), not_run_commits, plural(not_run_commits, "commit", "commits"));
	fputc('\n', fp);
	if (n)
		qsort(v, n, sizeof(*v), cmp_invalidated);
	for (i = 0; i < n && shown < 5; i++) {
		const struct timeline_row *r = v[i];
		if (!r->invalidated)
			break;
		if (!shown++)
			fputs("commits that invalidated most (ties: the newest first):\n", fp);
		/* A commit subject or a task name may hold control characters. */
		fprintf(fp, "  %.12s %.10s %3zu task%s  %s\n      %s%s%s\n", term_text(r->commit),
			term_text(r->date), r->invalidated, r->invalidated == 1 ? " " : "s",
			term_text(r->subject), specs > 1 ? term_text(r->spec) : "",
			specs > 1 ? ": " : "", term_text(r->root_causes));
	}
	if (!shown)
		fputs("no commit invalidated cached tasks\n", fp);
	free(v);
}
