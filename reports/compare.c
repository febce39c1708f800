/*
 * compare.c (reports) - the policy matrix as terminal text, Markdown and
 * CSV: counts per policy (per commit for a history), then per task the
 * decision under each policy, the tasks that differ first.  Renders what
 * analyzer/compare.c folded together.
 */
#include "reports/report.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

/* "HIT", "DISABLED(run)", "-" (no such task in this version). */
static const char *cell_text(char *buf, size_t cap, const struct compare_cell *c)
{
	if (c->decision == DECISION_NONE)
		return "-";
	if (c->decision == DECISION_DISABLED && *c->layer)
		snprintf(buf, cap, "DISABLED(%s)", c->layer);
	else
		snprintf(buf, cap, "%s", decision_name(c->decision));
	return buf;
}

/* For a differing task: "policy=DECISION reason | ..." for every non-HIT cell. */
static void why_text(struct strbuf *sb, const struct compare *c, const struct compare_task *t)
{
	size_t p;

	sb_reset(sb);
	if (!t->differs)
		return;
	for (p = 0; p < c->npolicies; p++) {
		const struct compare_cell *cell = &t->cells[p];
		if (cell->decision == DECISION_HIT || cell->decision == DECISION_NONE)
			continue;
		sb_addf(sb, "%s%s=%s%s%s", sb->len ? " | " : "", c->policies[p],
			decision_name(cell->decision), *cell->reason ? " " : "", cell->reason);
	}
}

static const struct compare_block *newest(const struct compare *c)
{
	size_t i;

	for (i = c->nblocks; i > 0; i--)
		if (!c->blocks[i - 1].error)
			return &c->blocks[i - 1];
	return NULL;
}

static size_t policy_width(const struct compare *c)
{
	size_t p, w = 6;

	for (p = 0; p < c->npolicies; p++)
		if (strlen(c->policies[p]) > w)
			w = strlen(c->policies[p]);
	return w;
}

static void text_counts(FILE *fp, const struct compare *c)
{
	int pw = (int)policy_width(c);
	size_t i, p, k;

	if (c->history)
		fprintf(fp, "%-12s  ", "commit");
	fprintf(fp, "%-*s %9s", pw, "policy", "executors");
	for (k = 0; k < DECISION_ORDER_N; k++)
		fprintf(fp, " %s", decision_name(decision_order[k]));
	fputs("  differ\n", fp);
	for (i = 0; i < c->nblocks; i++) {
		const struct compare_block *b = &c->blocks[i];
		if (b->error) {
			fprintf(fp, "%-12.12s  %s\n", b->label, term_text(b->error));
			continue;
		}
		for (p = 0; p < c->npolicies; p++) {
			const struct compare_counts *n = &b->per_policy[p];
			if (c->history)
				fprintf(fp, "%-12.12s  ", p ? "" : b->label);
			fprintf(fp, "%-*s %9zu", pw, c->policies[p], n->executors);
			for (k = 0; k < DECISION_ORDER_N; k++)
				fprintf(fp, " %*zu", (int)strlen(decision_name(decision_order[k])), n->counts[decision_order[k]]);
			if (!p)
				fprintf(fp, "  %6zu", b->ndiffer);
			fputc('\n', fp);
		}
	}
}

static void text_matrix(FILE *fp, const struct compare *c, const struct compare_block *b)
{
	size_t i, p, tw = 4, cw = policy_width(c);
	char buf[64];

	for (i = 0; i < b->ntasks; i++) {
		if (strlen(b->tasks[i].path) > tw)
			tw = strlen(b->tasks[i].path);
		for (p = 0; p < c->npolicies; p++)
			if (strlen(cell_text(buf, sizeof(buf), &b->tasks[i].cells[p])) > cw)
				cw = strlen(buf);
	}
	/* Every column padded but the last, so lines carry no trailing blanks. */
	fprintf(fp, "  %-*s", (int)tw, "task");
	for (p = 0; p < c->npolicies; p++)
		fprintf(fp, "  %-*s", p + 1 < c->npolicies ? (int)cw : 0, c->policies[p]);
	fputc('\n', fp);
	for (i = 0; i < b->ntasks; i++) {
		const struct compare_task *t = &b->tasks[i];
		fprintf(fp, "%c %-*s", t->differs ? '*' : ' ', (int)tw, term_text(t->path));
		for (p = 0; p < c->npolicies; p++)
			fprintf(fp, "  %-*s", p + 1 < c->npolicies ? (int)cw : 0,
				cell_text(buf, sizeof(buf), &t->cells[p]));
		fputc('\n', fp);
	}
}

int report_compare_text(FILE *fp, const struct compare *c)
{
	const struct compare_block *b = newest(c);

	if (c->history)
		fprintf(fp, "%s: %zu %s under %zu %s\n", term_text(c->what), c->nblocks,
			plural(c->nblocks, "commit", "commits"), c->npolicies,
			plural(c->npolicies, "policy", "policies"));
	else
		fprintf(fp, "%s under %zu %s\n", term_text(c->what), c->npolicies,
			plural(c->npolicies, "policy", "policies"));
	if (c->source)
		fprintf(fp, "cache: %s\n", term_text(c->source));
	text_counts(fp, c);
	if (b) {
		if (c->history)
			fprintf(fp, "tasks at %s (%zu of %zu differ, marked *):\n", b->label, b->ndiffer,
				b->ntasks);
		else
			fprintf(fp, "tasks (%zu of %zu differ, marked *):\n", b->ndiffer, b->ntasks);
		text_matrix(fp, c, b);
	}
	return ferror(fp) ? err_set("write error") : 0;
}

/* A Markdown table cell: '|' and newlines escaped. */
static void md_cell(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", fp);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', fp);
		else
			fputc(*s, fp);
	}
}

/* The Markdown counts table: per policy (per commit and policy for a history). */
static void md_counts(FILE *fp, const struct compare *c)
{
	size_t i, p, k;

	fputs("|", fp);
	if (c->history)
		fputs(" commit |", fp);
	fputs(" policy | executors |", fp);
	for (k = 0; k < DECISION_ORDER_N; k++)
		fprintf(fp, " %s |", decision_name(decision_order[k]));
	fputs(" tasks that differ |\n|", fp);
	for (k = 0; k < DECISION_ORDER_N + 3 + (c->history ? 1 : 0); k++)
		fputs(k >= 1 + (c->history ? 1 : 0) ? "---:|" : "---|", fp);
	fputc('\n', fp);
	for (i = 0; i < c->nblocks; i++) {
		const struct compare_block *b = &c->blocks[i];
		for (p = 0; p < c->npolicies; p++) {
			const struct compare_counts *n = &b->per_policy[p];
			fputc('|', fp);
			if (c->history) {
				fputc(' ', fp);
				md_cell(fp, p ? "" : b->label);
				fputs(" |", fp);
			}
			fputc(' ', fp);
			md_cell(fp, c->policies[p]);
			if (b->error) {
				fputs(" | ", fp);
				md_cell(fp, b->error);
				fputs(" |", fp);
				for (k = 0; k < DECISION_ORDER_N + 1; k++)
					fputs(" |", fp);
				fputc('\n', fp);
				continue;
			}
			fprintf(fp, " | %zu |", n->executors);
			for (k = 0; k < DECISION_ORDER_N; k++)
				fprintf(fp, " %zu |", n->counts[decision_order[k]]);
			fprintf(fp, " %zu |\n", b->ndiffer);
		}
	}
}

/* The Markdown task matrix of the newest version: a row per task, differing ones first and bold. */
static void md_tasks(FILE *fp, const struct compare *c, const struct compare_block *nb)
{
	struct strbuf why = STRBUF_INIT;
	char buf[64];
	size_t i, p;

	fputs("\n## Tasks", fp);
	if (c->history) {
		fputs(" at ", fp);
		md_cell(fp, nb->label);
	}
	fprintf(fp, "\n\n%zu of %zu %s %s; they come first.\n\n| task |", nb->ndiffer,
		nb->ntasks, plural(nb->ntasks, "task", "tasks"), plural(nb->ndiffer, "differs", "differ"));
	for (p = 0; p < c->npolicies; p++) {
		fputc(' ', fp);
		md_cell(fp, c->policies[p]);
		fputs(" |", fp);
	}
	fputs(" why |\n|---|", fp);
	for (p = 0; p <= c->npolicies; p++)
		fputs("---|", fp);
	fputc('\n', fp);
	for (i = 0; i < nb->ntasks; i++) {
		const struct compare_task *t = &nb->tasks[i];
		fputs("| ", fp);
		if (t->differs)
			fputs("**", fp);
		fputc('`', fp);
		md_cell(fp, t->path);
		fputc('`', fp);
		if (t->differs)
			fputs("**", fp);
		fputs(" |", fp);
		for (p = 0; p < c->npolicies; p++) {
			fputc(' ', fp);
			md_cell(fp, cell_text(buf, sizeof(buf), &t->cells[p]));
			fputs(" |", fp);
		}
		why_text(&why, c, t);
		fputc(' ', fp);
		md_cell(fp, sb_str(&why));
		fputs(" |\n", fp);
	}
	sb_release(&why);
}

int report_compare_md(FILE *fp, const struct compare *c)
{
	const struct compare_block *nb = newest(c);

	fputs("# Cache policies compared: ", fp);
	md_cell(fp, c->what);
	if (c->source) {
		fputs("\n\nAgainst the ", fp);
		md_cell(fp, c->source);
	}
	fputs("\n\n## Counts\n\n", fp);
	md_counts(fp, c);
	if (nb)
		md_tasks(fp, c, nb);
	return ferror(fp) ? err_set("write error") : 0;
}

int report_compare_csv(FILE *fp, const struct compare *c)
{
	struct strbuf why = STRBUF_INIT;
	char buf[64];
	size_t i, k, p;

	if (c->history)
		fputs("commit,", fp);
	fputs("task,differs", fp);
	for (p = 0; p < c->npolicies; p++) {
		fputc(',', fp);
		report_csv_cell(fp, c->policies[p]);
	}
	fputs(",why\n", fp);
	for (i = 0; i < c->nblocks; i++) {
		const struct compare_block *b = &c->blocks[i];
		for (k = 0; k < b->ntasks; k++) {
			const struct compare_task *t = &b->tasks[k];
			if (c->history) {
				report_csv_cell(fp, b->label);
				fputc(',', fp);
			}
			report_csv_cell(fp, t->path);
			fputs(t->differs ? ",true" : ",false", fp);
			for (p = 0; p < c->npolicies; p++) {
				fputc(',', fp);
				report_csv_cell(fp, cell_text(buf, sizeof(buf), &t->cells[p]));
			}
			why_text(&why, c, t);
			fputc(',', fp);
			report_csv_cell(fp, sb_str(&why));
			fputc('\n', fp);
		}
	}
	sb_release(&why);
	return ferror(fp) ? err_set("write error") : 0;
}

int report_compare_counts_csv(FILE *fp, const struct compare *c)
{
	size_t i, p, k;

	fputs("commit,policy,executors,hit,miss,miss_upstream,disabled,unknown,gpu_miss,differ,error\n", fp);
	for (i = 0; i < c->nblocks; i++) {
		const struct compare_block *b = &c->blocks[i];
		for (p = 0; p < c->npolicies; p++) {
			const struct compare_counts *n = &b->per_policy[p];
			report_csv_cell(fp, c->history ? b->label : "");
			fputc(',', fp);
			report_csv_cell(fp, c->policies[p]);
			fprintf(fp, ",%zu", n->executors);
			for (k = 0; k < DECISION_ORDER_N; k++)
				fprintf(fp, ",%zu", n->counts[decision_order[k]]);
			fprintf(fp, ",%zu,%zu,", n->gpu_miss, b->ndiffer);
			report_csv_cell(fp, b->error ? b->error : "");
			fputc('\n', fp);
		}
	}
	return ferror(fp) ? err_set("write error") : 0;
}
