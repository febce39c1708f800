/*
 * plot.c - the history timeline as a hand-written SVG plot: per commit a
 * bar of its executor tasks stacked by decision, the hit ratio as a line on
 * a second axis, and the commits that invalidated most labelled with their
 * subjects.  One panel per spec.  Coordinates are integers, so the bytes
 * are the same everywhere.
 */
#include "reports/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "reports/style.h"
#include "base/banned.h"

#define LEFT 64          /* room for the task axis */
#define RIGHT 56         /* room for the hit-ratio axis */
#define LABEL_W 240      /* how far a label may reach past the last bar */
#define TITLE 28         /* panel title */
#define HEADROOM 84      /* labels of the commits that invalidated most */
#define PLOT_H 200       /* bar area */
#define AXIS 44          /* x tick labels */
#define PANEL_H (TITLE + HEADROOM + PLOT_H + AXIS)
#define LEGEND_H 36
#define MIN_W 640
#define LABELLED 3       /* how many commits get a label */
#define SUBJECT_MAX 36   /* bytes of a subject in a label */
#define LABEL_LINE 16    /* a label line in the headroom: LABELLED of them fit */
#define CHAR_W 6         /* the width of a byte of 10px label text, rounded up */

/*
 * Bottom to top.  NOT_RUN's fill is near the background, so its rects get
 * the decision's stroke; it joins the legend only when a commit has one, so
 * plots of histories without conditions stay as they were.
 */
static const struct {
	enum decision d;
	bool outlined;
} stack[] = {
	{ DECISION_HIT, false }, { DECISION_MISS_UPSTREAM, false }, { DECISION_MISS, false },
	{ DECISION_UNKNOWN, false }, { DECISION_DISABLED, false }, { DECISION_NOT_RUN, true }
};

static bool analyzed(const struct timeline_row *r)
{
	return !r->error || !*r->error;
}

/* Room per commit: the plot is about 720 px wide, at least 3 px a commit. */
static int step_for(size_t n)
{
	size_t s = n ? 720 / n : 80;

	return s > 80 ? 80 : s < 3 ? 3 : (int)s;
}

static int panel_width(size_t n)
{
	long w = LEFT + (long)n * step_for(n) + RIGHT + LABEL_W;

	return w < MIN_W ? MIN_W : (int)w;
}

/* A round axis maximum >= v with its tick step (1, 2 or 5 times 10^k). */
static size_t nice_max(size_t v, size_t *tick)
{
	size_t base = 1;

	if (v < 4)
		v = 4;
	for (;;) {
		static const size_t mult[] = { 1, 2, 5 };
		size_t i;
		for (i = 0; i < 3; i++) {
			size_t t = base * mult[i];
			if (t * 5 >= v) {
				*tick = t;
				return (v + t - 1) / t * t;
			}
		}
		base *= 10;
	}
}

/* s cut to at most max bytes at a character boundary, with an ellipsis when cut. */
static void short_text(struct strbuf *sb, const char *s, size_t max)
{
	size_t len = strlen(s), cut = len;

	if (len > max) {
		cut = max;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	sb_add(sb, s, cut);
	if (cut < len)
		sb_adds(sb, "\xe2\x80\xa6");
}

static int cmp_invalidated(const void *x, const void *y)
{
	const struct timeline_row *a = *(const struct timeline_row *const *)x;
	const struct timeline_row *b = *(const struct timeline_row *const *)y;

	if (a->invalidated != b->invalidated)
		return a->invalidated < b->invalidated ? 1 : -1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* One panel's geometry: the bar area's top left corner and width, a commit's slot, the task axis. */
struct frame {
	int px, py, w;
	int width;          /* the panel's, labels stay inside it */
	int step, gap;      /* a commit's slot, and the space between bars */
	size_t axis, tick;  /* task axis maximum and tick step */
};

/* The (at most LABELLED) analyzed commits that invalidated most, most first; returns how many. */
static size_t most_invalidated(const struct timeline_row *rows, size_t n,
			       const struct timeline_row **top)
{
	const struct timeline_row **by = xcalloc(n + 1, sizeof(*by));
	size_t i, ntop = 0;

	for (i = 0; i < n; i++)
		by[i] = &rows[i];
	if (n)
		qsort(by, n, sizeof(*by), cmp_invalidated);
	for (i = 0; i < n && ntop < LABELLED; i++)
		if (analyzed(by[i]) && by[i]->invalidated)
			top[ntop++] = by[i];
	free(by);
	return ntop;
}

/* Grid and ticks of the task axis (left), the hit-ratio axis (right), and their names. */
static void draw_axes(FILE *fp, const struct frame *f)
{
	size_t k;

	for (k = 0; k <= f->axis; k += f->tick) {
		int y = f->py + PLOT_H - (int)(k * PLOT_H / f->axis);
		fprintf(fp, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%zu</text>\n",
			f->px, y, f->px + f->w, y, f->px - 6, y + 4, k);
	}
	for (k = 0; k <= 100; k += 25) {
		int y = f->py + PLOT_H - (int)(k * PLOT_H / 100);
		fprintf(fp, "<text class=\"tick ratio\" x=\"%d\" y=\"%d\">%zu%%</text>\n",
			f->px + f->w + 6, y + 4, k);
	}
	fprintf(fp, "<text class=\"axis\" transform=\"translate(%d %d) rotate(-90)\" text-anchor=\"middle\">executor tasks</text>\n",
		f->px - 44, f->py + PLOT_H / 2);
	fprintf(fp, "<text class=\"axis ratio\" transform=\"translate(%d %d) rotate(90)\" text-anchor=\"middle\">hit ratio</text>\n",
		f->px + f->w + 46, f->py + PLOT_H / 2);
}

/*
 * A bar per commit stacked by decision (a dashed outline for a commit that
 * was not analyzed) with its tally as tooltip; every commit's number under
 * it, or every so many when there are more than 40.
 */
static void draw_bars(FILE *fp, const struct frame *f, const struct timeline_row *rows, size_t n)
{
	size_t i, k, every = (n + 39) / 40;

	for (i = 0; i < n; i++) {
		const struct timeline_row *r = &rows[i];
		int x = f->px + (int)i * f->step + f->gap / 2, bw = f->step - f->gap, y = f->py + PLOT_H;
		fprintf(fp, "<g class=\"commit\"><title>%03zu %.12s ", r->seq, r->commit);
		report_markup_text(fp, r->subject);
		if (analyzed(r)) {
			fprintf(fp, " \xe2\x80\x94 %zu %s: HIT %zu, MISS %zu, MISS_UPSTREAM %zu, UNKNOWN %zu, DISABLED %zu",
				r->tasks, plural(r->tasks, "task", "tasks"), r->counts[DECISION_HIT], r->counts[DECISION_MISS],
				r->counts[DECISION_MISS_UPSTREAM], r->counts[DECISION_UNKNOWN],
				r->counts[DECISION_DISABLED]);
			if (r->counts[DECISION_NOT_RUN])
				fprintf(fp, ", NOT_RUN %zu", r->counts[DECISION_NOT_RUN]);
			fprintf(fp, "; %zu %s invalidated", r->invalidated,
				plural(r->invalidated, "entry", "entries"));
		} else {
			fputs(" \xe2\x80\x94 not analyzed: ", fp);
			report_markup_text(fp, r->error);
		}
		fputs("</title>", fp);
		if (!analyzed(r)) {
			fprintf(fp, "<rect class=\"error\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
				x, f->py, bw > 1 ? bw : 1, PLOT_H);
		}
		for (k = 0; analyzed(r) && k < KC_ARRAY_SIZE(stack); k++) {
			const struct decision_style *st = report_decision_style(stack[k].d);
			size_t c = r->counts[stack[k].d];
			int h = (int)(c * PLOT_H / f->axis);
			if (!c)
				continue;
			if (h < 1)
				h = 1;
			y -= h;
			fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"",
				x, y, bw > 1 ? bw : 1, h, st->fill);
			if (stack[k].outlined)
				fprintf(fp, " stroke=\"%s\"", st->stroke);
			fputs("/>", fp);
		}
		fputs("</g>\n", fp);
		if (i % every == 0)
			fprintf(fp, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%zu</text>\n",
				f->px + (int)i * f->step + f->step / 2, f->py + PLOT_H + 14, r->seq);
	}
	fprintf(fp, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">commit</text>\n",
		f->px + f->w / 2, f->py + PLOT_H + 34);
}

/* The hit ratio as one line, over the commits that were analyzed. */
static void draw_ratio(FILE *fp, const struct frame *f, const struct timeline_row *rows, size_t n)
{
	bool first = true;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct timeline_row *r = &rows[i];
		if (!analyzed(r) || !r->tasks)
			continue;
		fprintf(fp, "%s%d,%d", first ? "<polyline class=\"ratio\" points=\"" : " ",
			f->px + (int)i * f->step + f->step / 2,
			f->py + PLOT_H - (int)(r->counts[DECISION_HIT] * PLOT_H / r->tasks));
		first = false;
	}
	if (!first)
		fputs("\"/>\n", fp);
}

/*
 * A label per top commit, in commit order: short id, subject, entries it
 * invalidated.  Horizontal, one line each in the headroom between the title
 * and the bars (the j-th label on line j), with a leader down to its bar;
 * moved left when it would pass the right edge.  Rotated labels crossed the
 * title and were cut off at the top and right.
 */
static void draw_labels(FILE *fp, const struct frame *f, const struct timeline_row *rows, size_t n,
			const struct timeline_row *const *top, size_t ntop)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, k, line = 0;

	for (i = 0; i < n; i++) {
		const struct timeline_row *r = &rows[i];
		int x, y, ty, tx, tw;
		for (k = 0; k < ntop && top[k] != r; k++)
			;
		if (k == ntop)
			continue;
		x = f->px + (int)i * f->step + f->step / 2;
		y = f->py + PLOT_H - (int)(r->tasks * PLOT_H / f->axis) - 2;
		ty = f->py - HEADROOM + LABEL_LINE * (int)(line++ + 1);
		sb_reset(&sb);
		short_text(&sb, r->subject, SUBJECT_MAX);
		sb_addf(&sb, " (%zu %s invalidated)", r->invalidated,
			plural(r->invalidated, "entry", "entries"));
		/* The commit id and a space, then the text, at about CHAR_W a byte. */
		tw = CHAR_W * (8 + (int)sb.len);
		tx = x + tw > f->width - 4 ? f->width - 4 - tw : x;
		if (tx < 4)
			tx = 4;
		fprintf(fp, "<g class=\"label\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text x=\"%d\" y=\"%d\">%.7s ", x, y, x, ty + 3, tx, ty, r->commit);
		report_markup_text(fp, sb.buf);
		fputs("</text></g>\n", fp);
	}
	sb_release(&sb);
}

/* One spec's panel at height y0: title, axes, bars, hit-ratio line, labels. */
static void panel(FILE *fp, const struct timeline_row *rows, size_t n, int y0)
{
	const struct timeline_row *top[LABELLED];
	struct frame f;
	size_t ymax = 0, i, ntop;

	f.step = step_for(n);
	f.gap = f.step >= 8 ? f.step / 4 : f.step >= 4 ? 1 : 0;
	f.px = LEFT;
	f.py = y0 + TITLE + HEADROOM;
	f.w = (int)n * f.step;
	f.width = panel_width(n);
	for (i = 0; i < n; i++)
		if (analyzed(&rows[i]) && rows[i].tasks > ymax)
			ymax = rows[i].tasks;
	f.axis = nice_max(ymax, &f.tick);
	ntop = most_invalidated(rows, n, top);

	fprintf(fp, "<g class=\"panel\">\n<text class=\"title\" x=\"%d\" y=\"%d\">", LEFT, y0 + 18);
	report_markup_text(fp, n ? rows[0].spec : "");
	fprintf(fp, " \xe2\x80\x94 %zu %s</text>\n", n, plural(n, "commit", "commits"));
	draw_axes(fp, &f);
	draw_bars(fp, &f, rows, n);
	draw_ratio(fp, &f, rows, n);
	draw_labels(fp, &f, rows, n, top, ntop);
	fputs("</g>\n", fp);
}

int timeline_plot_svg(FILE *fp, const struct timeline_row *rows, size_t n)
{
	size_t i, start, panels = 0;
	int width = MIN_W, height, y, k, x;
	bool not_run = false;

	for (i = 0; i < n; i++)
		not_run |= analyzed(&rows[i]) && rows[i].counts[DECISION_NOT_RUN];
	for (start = 0; start < n; start = i, panels++) {
		for (i = start + 1; i < n && !strcmp(rows[i].spec, rows[start].spec); i++)
			;
		if (panel_width(i - start) > width)
			width = panel_width(i - start);
	}
	if (!panels)
		panels = 1;
	height = (int)panels * PANEL_H + LEGEND_H;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"kfpcache-plot\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"Helvetica,Arial,sans-serif\">\n",
		width, height, width, height);
	fputs("<style>.grid{stroke:#e0e0e0}.tick{font-size:10px;fill:#555}.axis{font-size:11px;fill:#333}"
	      ".title{font-size:14px;font-weight:bold}.ratio{fill:none;stroke:#2166ac;stroke-width:2}"
	      "text.ratio{fill:#2166ac;stroke:none}.error{fill:none;stroke:#b2182b;stroke-dasharray:3 2}"
	      ".label line{stroke:#b2182b}.label text{font-size:10px;fill:#b2182b}.legend{font-size:11px}</style>\n",
	      fp);
	y = 0;
	for (start = 0; start < n; start = i) {
		for (i = start + 1; i < n && !strcmp(rows[i].spec, rows[start].spec); i++)
			;
		panel(fp, rows + start, i - start, y);
		y += PANEL_H;
	}
	if (!n) {
		panel(fp, rows, 0, y);
		y += PANEL_H;
	}
	fprintf(fp, "<g class=\"legend\" transform=\"translate(%d %d)\">", LEFT, y + 10);
	for (k = 0, x = 0; k < (int)KC_ARRAY_SIZE(stack); k++) {
		const struct decision_style *st = report_decision_style(stack[k].d);
		const char *name = decision_name(stack[k].d);
		if (stack[k].d == DECISION_NOT_RUN && !not_run)
			continue;
		fprintf(fp, "<rect x=\"%d\" y=\"0\" width=\"12\" height=\"12\" fill=\"%s\"", x, st->fill);
		if (stack[k].outlined)
			fprintf(fp, " stroke=\"%s\"", st->stroke);
		fprintf(fp, "/><text x=\"%d\" y=\"10\">%s</text>", x + 16, name);
		x += 16 + 7 * (int)strlen(name) + 18;
	}
	fprintf(fp, "<line class=\"ratio\" x1=\"%d\" y1=\"6\" x2=\"%d\" y2=\"6\"/><text x=\"%d\" y=\"10\">hit ratio</text></g>\n",
		x, x + 20, x + 24);
	fputs("</svg>\n", fp);
	return ferror(fp) ? err_set("write error") : 0;
}
