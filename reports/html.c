/*
 * html.c - one self-contained HTML page per report, for review tickets:
 * analyze shows the Graphviz SVG (rendered in-process) with pan and zoom
 * and a sortable, filterable task table; history shows the timeline plot
 * and the commit table.  No network: styles and script are inline and a
 * Content-Security-Policy forbids loading anything.  Names from the spec
 * are HTML-escaped in text; the data is embedded as JSON that cannot close
 * its <script> (< > & are \u-escaped).  `#selftest` in the URL makes the
 * page exercise its own filters and write the results into the DOM, for
 * the headless-browser test.
 */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>

#include "reports/change.h"
#include "reports/style.h"
#include "reports/timeline.h"
#include "base/banned.h"

static const char style_head[] =
	"body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222}\n"
	"h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.2em 0 .4em}\n"
	"code{background:#f3f3f3;padding:0 .2em}\n"
	".verdict{font-size:1.1em;font-weight:bold}.meta{color:#555}\n"
	".counts span{display:inline-block;padding:.2em .6em;margin:0 .3em .3em 0;border-radius:.3em}\n";
/* Then the decision classes (decision_css), then these. */
static const char style_tail[] =
	"#graph{border:1px solid #ccc;height:65vh;overflow:hidden;cursor:grab;background:#fff}\n"
	"#graph svg{width:100%;height:100%;display:block}\n"
	".toolbar{margin:.3em 0}.toolbar button{min-width:2.2em}\n"
	".filters{margin:.4em 0}.filters label{margin-right:1em}\n"
	"table{border-collapse:collapse;font-size:.9em}\n"
	"th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\n"
	"th{background:#f5f5f5;cursor:pointer;user-select:none;position:sticky;top:0}\n"
	"th[aria-sort=ascending]::after{content:\" \\25B2\"}th[aria-sort=descending]::after{content:\" \\25BC\"}\n"
	"td.num{text-align:right}td.path{font-family:monospace;word-break:break-all;min-width:14em}\n"
	"#plot{overflow-x:auto}\n"
	"pre.diff{background:#f8f8f8;border:1px solid #ddd;padding:.4em;margin:.3em 0 .6em;overflow-x:auto}\n"
	"pre.diff .del{background:#fdd}pre.diff .add{background:#dfd}pre.diff .hunk{color:#777}\n";

/*
 * Shared by both pages.  The table is #kc-table, rows carry their filter
 * tokens in data-f; the select #f-what picks a token, #f-text matches the
 * row's text.  Sorting: click a header; data-type="num" sorts numerically.
 * Pan and zoom act on the viewBox of #graph svg.
 */
static const char *const script[] = {
	"(function () {\n",
	"'use strict';\n",
	"var errors = [];\n",
	"window.addEventListener('error', function (e) { errors.push(String(e.message)); });\n",
	"function $(id) { return document.getElementById(id); }\n",
	"var data = JSON.parse($('kc-data').textContent);\n",
	"var table = $('kc-table'), rows = Array.prototype.slice.call(table.tBodies[0].rows);\n",
	"var fWhat = $('f-what'), fText = $('f-text'), fCount = $('f-count');\n",
	"function applyFilter() {\n",
	"  var want = fWhat.value, q = fText.value.toLowerCase(), n = 0;\n",
	"  rows.forEach(function (r) {\n",
	"    var ok = !want || (' ' + r.getAttribute('data-f') + ' ').indexOf(' ' + want + ' ') >= 0;\n",
	"    if (ok && q) ok = r.textContent.toLowerCase().indexOf(q) >= 0;\n",
	"    r.hidden = !ok;\n",
	"    if (ok) n++;\n",
	"  });\n",
	"  fCount.textContent = n + ' of ' + rows.length + ' shown';\n",
	"  return n;\n",
	"}\n",
	"fWhat.addEventListener('change', applyFilter);\n",
	"fText.addEventListener('input', applyFilter);\n",
	"var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);\n",
	"function cellValue(r, k, num) {\n",
	"  var t = r.cells[k].textContent;\n",
	"  if (!num) return t;\n",
	"  var v = parseFloat(t);\n",
	"  return isNaN(v) ? -Infinity : v;\n",
	"}\n",
	"function sortBy(k) {\n",
	"  var th = heads[k], num = th.getAttribute('data-type') === 'num';\n",
	"  var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;\n",
	"  heads.forEach(function (h) { h.removeAttribute('aria-sort'); });\n",
	"  th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');\n",
	"  rows.sort(function (a, b) {\n",
	"    var x = cellValue(a, k, num), y = cellValue(b, k, num);\n",
	"    if (x < y) return -dir;\n",
	"    if (x > y) return dir;\n",
	"    return (+a.getAttribute('data-i') - +b.getAttribute('data-i'));\n",
	"  });\n",
	"  var body = table.tBodies[0];\n",
	"  rows.forEach(function (r) { body.appendChild(r); });\n",
	"}\n",
	"heads.forEach(function (th, k) { th.addEventListener('click', function () { sortBy(k); }); });\n",
	"var box = $('graph'), svg = box ? box.querySelector('svg') : null, vb = null, home = null;\n",
	"function setView(v) { vb = v; svg.setAttribute('viewBox', v.join(' ')); }\n",
	"function zoom(f, cx, cy) {\n",
	"  if (!svg) return;\n",
	"  if (cx === undefined) { cx = vb[0] + vb[2] / 2; cy = vb[1] + vb[3] / 2; }\n",
	"  var w = vb[2] / f, h = vb[3] / f;\n",
	"  setView([cx - (cx - vb[0]) / f, cy - (cy - vb[1]) / f, w, h]);\n",
	"}\n",
	"if (svg) {\n",
	"  home = (svg.getAttribute('viewBox') || '0 0 100 100').split(/[\\s,]+/).map(Number);\n",
	"  svg.removeAttribute('width');\n",
	"  svg.removeAttribute('height');\n",
	"  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');\n",
	"  setView(home.slice());\n",
	"  var point = function (e) {\n",
	"    var r = svg.getBoundingClientRect(), s = Math.max(vb[2] / r.width, vb[3] / r.height);\n",
	"    var ox = vb[0] - (r.width * s - vb[2]) / 2, oy = vb[1] - (r.height * s - vb[3]) / 2;\n",
	"    return [ox + (e.clientX - r.left) * s, oy + (e.clientY - r.top) * s, s];\n",
	"  };\n",
	"  box.addEventListener('wheel', function (e) {\n",
	"    e.preventDefault();\n",
	"    var p = point(e);\n",
	"    zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, p[0], p[1]);\n",
	"  }, { passive: false });\n",
	"  var drag = null;\n",
	"  box.addEventListener('pointerdown', function (e) {\n",
	"    drag = [e.clientX, e.clientY, vb.slice(), point(e)[2]];\n",
	"    box.style.cursor = 'grabbing';\n",
	"  });\n",
	"  window.addEventListener('pointermove', function (e) {\n",
	"    if (!drag) return;\n",
	"    var s = drag[3];\n",
	"    setView([drag[2][0] - (e.clientX - drag[0]) * s, drag[2][1] - (e.clientY - drag[1]) * s, drag[2][2], drag[2][3]]);\n",
	"  });\n",
	"  window.addEventListener('pointerup', function () { drag = null; box.style.cursor = ''; });\n",
	"  $('zoom-in').addEventListener('click', function () { zoom(1.5); });\n",
	"  $('zoom-out').addEventListener('click', function () { zoom(1 / 1.5); });\n",
	"  $('zoom-fit').addEventListener('click', function () { setView(home.slice()); });\n",
	/* A tall, narrow graph is a thin line after "fit": fill the width from the top, pan down. */
	"  var fitWidth = function () {\n",
	"    var r = svg.getBoundingClientRect(), h = r.width ? home[2] * r.height / r.width : home[3];\n",
	"    setView([home[0], home[1], home[2], h]);\n",
	"  };\n",
	"  $('zoom-width').addEventListener('click', fitWidth);\n",
	"  if (box.clientWidth && home[3] * box.clientWidth > 3 * home[2] * box.clientHeight) fitWidth();\n",
	"}\n",
	"applyFilter();\n",
	"if (location.hash === '#selftest') {\n",
	"  var out = [], bad = [];\n",
	"  try {\n",
	"    out.push('rows=' + rows.length);\n",
	"    var want = data.tasks ? data.tasks.length : data.commits.length;\n",
	"    if (rows.length !== want) bad.push('rows ' + rows.length + ' != data ' + want);\n",
	"    Array.prototype.slice.call(fWhat.options).forEach(function (o) {\n",
	"      if (!o.value) return;\n",
	"      fWhat.value = o.value;\n",
	"      fWhat.dispatchEvent(new Event('change'));\n",
	"      var shown = rows.filter(function (r) { return !r.hidden; }).length;\n",
	"      var expect = +o.getAttribute('data-n');\n",
	"      out.push('filter:' + o.value + '=' + shown);\n",
	"      if (shown !== expect) bad.push('filter ' + o.value + ' shows ' + shown + ', want ' + expect);\n",
	"    });\n",
	"    fWhat.value = '';\n",
	"    fText.value = rows.length ? rows[rows.length - 1].cells[0].textContent : '';\n",
	"    fText.dispatchEvent(new Event('input'));\n",
	"    var byText = rows.filter(function (r) { return !r.hidden; }).length;\n",
	"    out.push('text=' + byText);\n",
	"    if (rows.length && byText < 1) bad.push('text filter hides its own row');\n",
	"    fText.value = '';\n",
	"    fText.dispatchEvent(new Event('input'));\n",
	"    heads[0].click();\n",
	"    heads[0].click();\n",
	"    var firsts = rows.map(function (r) { return r.cells[0].textContent; });\n",
	"    var sorted = firsts.slice().sort().reverse();\n",
	"    out.push('sort=' + (firsts.join('\\n') === sorted.join('\\n') ? 'ok' : 'bad'));\n",
	"    if (firsts.join('\\n') !== sorted.join('\\n')) bad.push('sort descending');\n",
	"    var pictures = document.querySelectorAll('svg').length;\n",
	"    out.push('svg=' + pictures);\n",
	"    if (svg) {\n",
	"      out.push('nodes=' + svg.querySelectorAll('g.node').length);\n",
	"      var before = svg.getAttribute('viewBox');\n",
	"      $('zoom-in').click();\n",
	"      out.push('zoom=' + (svg.getAttribute('viewBox') !== before ? 'ok' : 'bad'));\n",
	"      $('zoom-fit').click();\n",
	"      before = svg.getAttribute('viewBox');\n",
	"      $('zoom-width').click();\n",
	"      out.push('width=' + (svg.getAttribute('viewBox').split(' ')[2] === before.split(' ')[2] ? 'ok' : 'bad'));\n",
	"      $('zoom-fit').click();\n",
	"    }\n",
	"  } catch (e) {\n",
	"    bad.push(String(e));\n",
	"  }\n",
	"  bad = bad.concat(errors);\n",
	"  out.push('errors=' + bad.length);\n",
	"  var pre = $('selftest');\n",
	"  pre.textContent = out.join(';') + (bad.length ? '\\n' + bad.join('\\n') : '');\n",
	"  pre.hidden = false;\n",
	"}\n",
	"})();\n",
	NULL
};

/* .d-HIT{background:...} for each decision, from the shared colour table. */
static void decision_css(FILE *fp)
{
	int d;

	for (d = DECISION_HIT; d < DECISION_COUNT; d++)
		fprintf(fp, ".d-%s{background:%s}%s", decision_name((enum decision)d),
			report_decision_style((enum decision)d)->fill,
			d == DECISION_MISS_UPSTREAM || d == DECISION_COUNT - 1 ? "\n" : "");
}

static void head(FILE *fp, const char *title_prefix, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"kfpcache\">\n<title>", fp);
	fputs(title_prefix, fp);
	report_markup_text(fp, title);
	fprintf(fp, "</title>\n<style>\n%s", style_head);
	decision_css(fp);
	fprintf(fp, "%s</style>\n</head>\n<body>\n", style_tail);
}

static void tail(FILE *fp)
{
	const char *const *line;

	fputs("<pre id=\"selftest\" hidden></pre>\n<script>\n", fp);
	for (line = script; *line; line++)
		fputs(*line, fp);
	fputs("</script>\n</body>\n</html>\n", fp);
}

/* An option of the #f-what filter, with the row count the self-test expects. */
static void option(FILE *fp, const char *value, const char *label, size_t n)
{
	fprintf(fp, "<option value=\"%s\" data-n=\"%zu\">%s (%zu)</option>", value, n, label, n);
}

static void filters(FILE *fp)
{
	fputs("</select></label> <label>text <input id=\"f-text\" type=\"search\" "
	      "placeholder=\"task, reason, ...\"></label> <span id=\"f-count\"></span></div>\n", fp);
}

static void td_text(FILE *fp, const char *cls, const char *s)
{
	fprintf(fp, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	report_markup_text(fp, s);
	fputs("</td>", fp);
}

/* Graphviz's SVG without its XML prolog and doctype, to sit inside HTML. */
static int graph(FILE *fp, const struct prediction *pr, size_t max_nodes)
{
	char *svg;
	size_t len;
	const char *start;

	if (report_render_buffer(&svg, &len, pr, "svg", max_nodes) < 0)
		return -1;
	start = strstr(svg, "<svg");
	fputs("<div id=\"graph\">\n", fp);
	if (start)
		fwrite(start, 1, len - (size_t)(start - svg), fp);
	fputs("</div>\n", fp);
	free(svg);
	return 0;
}

/* The page's header: pipeline name, verdict, what was compared against what, the counts. */
static void prediction_header(FILE *fp, const struct prediction *pr, const struct report_info *info)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	fputs("<header>\n<h1>kfpcache: ", fp);
	report_markup_text(fp, pr->dag->pipeline_name);
	report_verdict(&sb, pr);
	fputs("</h1>\n<p class=\"verdict\">", fp);
	report_markup_text(fp, sb.buf);
	sb_release(&sb);
	fputs("</p>\n<p class=\"meta\">", fp);
	if (info && info->spec) {
		fputs("Spec <code>", fp);
		report_markup_text(fp, info->spec);
		fputs("</code> against ", fp);
		if (info->baseline && *info->baseline) {
			fputs("the cache of <code>", fp);
			report_markup_text(fp, info->baseline);
			fputs("</code>", fp);
		} else {
			fputs("an empty cache", fp);
		}
		if (info->pol) {
			char v[KFP_VERSION_NAME_MAX];
			fprintf(fp, "; KFP backend %s", policy_version_name(info->pol, v));
		}
		fputs(".", fp);
	}
	if (pr->run_override_unreached)
		fprintf(fp, " The run-level caching override reaches root-DAG tasks only: %zu nested %s the spec's setting.",
			pr->run_override_unreached, plural(pr->run_override_unreached, "task keeps", "tasks keep"));
	fputs("</p>\n<p class=\"counts\">", fp);
	for (i = 0; i < DECISION_ORDER_N; i++)
		fprintf(fp, "<span class=\"d-%s\">%s %zu</span>", decision_name(decision_order[i]),
			decision_name(decision_order[i]), pr->counts[decision_order[i]]);
	fputs("</p>\n</header>\n", fp);
}

/* At most this many tasks' changed parts are shown; the JSON below has them all. */
#define HTML_CHANGED 50

/* One changed part: its old -> new value, or its sizes and the diff of its lines. */
static void html_change(FILE *fp, const char *task, const char *name, const char *old,
			const char *new_)
{
	struct change_view v;
	const char *p, *nl;

	change_view_init(&v, old, new_, CHANGE_MAX_LINES);
	fputs("<li><code>", fp);
	report_markup_text(fp, task);
	fputs("</code> <code>", fp);
	report_markup_text(fp, name);
	fputs("</code>", fp);
	if (v.is_inline) {
		v.text.buf[--v.text.len] = '\0';
		fputs(": <code>", fp);
		report_markup_text(fp, sb_str(&v.text));
		fputs("</code></li>\n", fp);
	} else {
		fprintf(fp, " (%zu -&gt; %zu bytes, -%zu +%zu lines)\n<pre class=\"diff\">",
			old ? strlen(old) : 0, new_ ? strlen(new_) : 0, v.removed, v.added);
		for (p = sb_str(&v.text); (nl = strchr(p, '\n')); p = nl + 1) {
			char *line = xstrndup(p, (size_t)(nl - p));
			const char *cls = *p == '-' ? "del" : *p == '+' ? "add" : *p == '@' ? "hunk" : NULL;
			if (cls)
				fprintf(fp, "<span class=\"%s\">", cls);
			report_markup_text(fp, line);
			fputs(cls ? "</span>\n" : "\n", fp);
			free(line);
		}
		fputs("</pre></li>\n", fp);
	}
	change_view_release(&v);
}

/* The key parts that changed since the baseline, old -> new (reports/change.h). */
static void changes(FILE *fp, const struct prediction *pr)
{
	const char *name, *old, *new_;
	size_t i, k, shown = 0, more = 0;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		if (!change_part(r, 0, &name, &old, &new_))
			continue;
		if (shown == HTML_CHANGED) {
			more++;
			continue;
		}
		if (!shown++)
			fputs("<section>\n<h2>What changed</h2>\n<p>The key parts that differ from the "
			      "baseline, old -&gt; new:</p>\n<ul class=\"changes\">\n", fp);
		for (k = 0; change_part(r, k, &name, &old, &new_); k++)
			html_change(fp, r->task->path, name, old, new_);
	}
	if (!shown)
		return;
	fputs("</ul>\n", fp);
	if (more)
		fprintf(fp, "<p>%zu more %s changed key parts (the embedded JSON has them all).</p>\n",
			more, plural(more, "task has", "tasks have"));
	fputs("</section>\n", fp);
}

/* A table row per task, tagged for the filter: its decision, "dag", "nothit". */
static void task_rows(FILE *fp, const struct prediction *pr)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		const char *d = decision_name(r->decision);
		char dist[32] = "";
		if (r->distance >= 0)
			snprintf(dist, sizeof(dist), "%d", r->distance);
		fprintf(fp, "<tr data-i=\"%zu\" data-f=\"%s%s\">", i,
			r->decision == DECISION_NONE ? "dag" : d,
			r->decision != DECISION_NONE && r->decision != DECISION_HIT ? " nothit" : "");
		td_text(fp, "path", t->path);
		td_text(fp, NULL, task_kind_name(t->kind));
		fprintf(fp, "<td%s%s%s>%s</td>", *d ? " class=\"d-" : "", d, *d ? "\"" : "", d);
		td_text(fp, NULL, result_reasons_str(&sb, r));
		td_text(fp, "path", result_causes_str(&sb, r));
		td_text(fp, "num", dist);
		td_text(fp, NULL, r->has_policy ? (r->pol.enabled ? "on" : "off") : "");
		td_text(fp, NULL, r->has_policy ? layer_name(r->pol.layer) : "");
		td_text(fp, NULL, r->conditional ? "yes" : "");
		td_text(fp, NULL, t->component);
		td_text(fp, NULL, t->image);
		fprintf(fp, "<td class=\"path\" title=\"%s\">%.12s</td></tr>\n", r->fingerprint,
			r->fingerprint);
	}
	sb_release(&sb);
}

int report_html_write(FILE *fp, const struct prediction *pr, const struct report_info *info)
{
	size_t i, nothit = 0, dags = 0;

	head(fp, "kfpcache: ", pr->dag->pipeline_name);
	prediction_header(fp, pr, info);
	changes(fp, pr);
	fputs("<section>\n<h2>Graph</h2>\n<div class=\"toolbar\">"
	      "<button id=\"zoom-in\" title=\"zoom in\">+</button> "
	      "<button id=\"zoom-out\" title=\"zoom out\">&#8722;</button> "
	      "<button id=\"zoom-fit\" title=\"whole graph\">fit</button> "
	      "<button id=\"zoom-width\" title=\"fill the width, from the top\">fit width</button> "
	      "wheel to zoom, drag to pan; hover a task for its reason and root cause</div>\n", fp);
	if (graph(fp, pr, info->render_max ? info->render_max : REPORT_RENDER_MAX_NODES) < 0)
		return -1;
	for (i = 0; i < pr->n; i++) {
		enum decision d = pr->results[i].decision;
		nothit += d != DECISION_NONE && d != DECISION_HIT;
		dags += d == DECISION_NONE;
	}
	fputs("</section>\n<section>\n<h2>Tasks</h2>\n<div class=\"filters\"><label>show "
	      "<select id=\"f-what\"><option value=\"\">all</option>", fp);
	option(fp, "nothit", "not HIT", nothit);
	for (i = 0; i < DECISION_ORDER_N; i++)
		option(fp, decision_name(decision_order[i]), decision_name(decision_order[i]), pr->counts[decision_order[i]]);
	option(fp, "dag", "DAG tasks", dags);
	filters(fp);
	fputs("<table id=\"kc-table\">\n<thead><tr><th>task</th><th>kind</th><th>decision</th>"
	      "<th>reason</th><th>root cause</th><th data-type=\"num\">distance</th><th>cache</th>"
	      "<th>layer</th><th>conditional</th><th>component</th><th>image</th><th>fingerprint</th>"
	      "</tr></thead>\n<tbody>\n", fp);
	task_rows(fp, pr);
	fputs("</tbody>\n</table>\n</section>\n<script type=\"application/json\" id=\"kc-data\">\n", fp);
	if (report_json_write_opts(fp, pr, info, true) < 0)
		return -1;
	fputs("</script>\n", fp);
	tail(fp);
	return ferror(fp) ? err_set("write error") : 0;
}

/* The count columns of the commit table; NOT_RUN only when a commit has one. */
static const enum decision cols[] = {
	DECISION_HIT, DECISION_MISS, DECISION_MISS_UPSTREAM,
	DECISION_DISABLED, DECISION_UNKNOWN, DECISION_NOT_RUN
};

/* A table row per commit, tagged for the filter: "invalidated", "clean" or "error". */
static void commit_rows(FILE *fp, const struct timeline_row *rows, size_t n, size_t ncols)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct timeline_row *r = &rows[i];
		bool ok = !r->error || !*r->error;
		char ratio[32] = "";
		if (ok && r->tasks)
			snprintf(ratio, sizeof(ratio), "%.0f%%",
				 100.0 * (double)r->counts[DECISION_HIT] / (double)r->tasks);
		fprintf(fp, "<tr data-i=\"%zu\" data-f=\"%s\"><td class=\"path\" title=\"%s\">%.12s</td>"
			"<td class=\"num\">%zu</td>", i,
			!ok ? "error" : r->invalidated ? "invalidated" : "clean", r->commit, r->commit,
			r->seq);
		td_text(fp, NULL, r->date);
		td_text(fp, NULL, r->author);
		td_text(fp, NULL, r->subject);
		td_text(fp, "path", r->path);
		if (ok) {
			fprintf(fp, "<td class=\"num\">%zu</td>", r->tasks);
			for (k = 0; k < ncols; k++)
				fprintf(fp, "<td class=\"num\">%zu</td>", r->counts[cols[k]]);
			fprintf(fp, "<td class=\"num\">%s</td><td class=\"num\">%zu</td>", ratio,
				r->invalidated);
		} else {
			/* tasks, the counts, hit ratio, invalidated */
			for (k = 0; k < 1 + ncols + 2; k++)
				fputs("<td></td>", fp);
		}
		td_text(fp, "path", ok ? r->root_causes : "");
		td_text(fp, "path", r->spec);
		td_text(fp, NULL, ok ? "" : r->error);
		fputs("</tr>\n", fp);
	}
}

int timeline_html_write(FILE *fp, const struct timeline_row *rows, size_t n)
{
	return timeline_html_write_cache(fp, rows, n, NULL);
}

int timeline_html_write_cache(FILE *fp, const struct timeline_row *rows, size_t n,
			      const char *cache)
{
	size_t i, invalidated = 0, entries = 0, errors = 0, analyzed = 0, hits = 0, tasks = 0;
	size_t ncols, not_run = 0;
	bool several = false;

	for (i = 0; i < n; i++) {
		bool ok = !rows[i].error || !*rows[i].error;
		invalidated += ok && rows[i].invalidated;
		entries += ok ? rows[i].invalidated : 0;
		errors += !ok;
		analyzed += ok;
		if (ok) {
			hits += rows[i].counts[DECISION_HIT];
			tasks += rows[i].tasks;
			not_run += rows[i].counts[DECISION_NOT_RUN];
		}
		several |= i && strcmp(rows[i].spec, rows[0].spec);
	}
	/* Pages without conditions stay as they were. */
	ncols = KC_ARRAY_SIZE(cols) - !not_run;
	head(fp, "kfpcache history: ", n ? rows[0].spec : "");
	fputs("<header>\n<h1>kfpcache history: ", fp);
	report_markup_text(fp, several ? "several specs" : n ? rows[0].spec : "no commits");
	/* Commits and entries are two numbers: one commit may invalidate many entries. */
	fprintf(fp, "</h1>\n<p class=\"verdict\">%zu %s; %zu %s cache entries (%zu %s in all)",
		n, plural(n, "commit", "commits"), invalidated,
		plural(invalidated, "commit invalidated", "commits invalidated"),
		entries, plural(entries, "entry", "entries"));
	if (tasks)
		fprintf(fp, "; %.1f%% of executor tasks hit over the history", 100.0 * (double)hits / (double)tasks);
	if (errors)
		fprintf(fp, "; %zu could not be analyzed", errors);
	fputs(".</p>\n", fp);
	if (cache) {
		fputs("<p class=\"source\">cache: ", fp);
		report_markup_text(fp, cache);
		fputs("</p>\n", fp);
	}
	fputs("</header>\n<section>\n<h2>Hits and misses per commit</h2>\n<div id=\"plot\">\n", fp);
	if (timeline_plot_svg(fp, rows, n) < 0)
		return -1;
	fputs("</div>\n</section>\n<section>\n<h2>Commits</h2>\n<div class=\"filters\"><label>show "
	      "<select id=\"f-what\"><option value=\"\">all</option>", fp);
	option(fp, "invalidated", "commits that invalidated", invalidated);
	option(fp, "clean", "commits that kept the cache", analyzed - invalidated);
	option(fp, "error", "not analyzed", errors);
	filters(fp);
	fputs("<table id=\"kc-table\">\n<thead><tr><th>commit</th><th data-type=\"num\">seq</th>"
	      "<th>date</th><th>author</th><th>subject</th><th>path</th><th data-type=\"num\">tasks</th>", fp);
	for (i = 0; i < ncols; i++)
		fprintf(fp, "<th data-type=\"num\">%s</th>", decision_name(cols[i]));
	fputs("<th data-type=\"num\">hit ratio</th>"
	      "<th data-type=\"num\">invalidated</th><th>root causes</th><th>spec</th><th>error</th>"
	      "</tr></thead>\n<tbody>\n", fp);
	commit_rows(fp, rows, n, ncols);
	fputs("</tbody>\n</table>\n</section>\n<script type=\"application/json\" id=\"kc-data\">\n", fp);
	if (timeline_json_write_opts(fp, rows, n, true, cache) < 0)
		return -1;
	fputs("</script>\n", fp);
	tail(fp);
	return ferror(fp) ? err_set("write error") : 0;
}
