/*
 * md.c - the pull-request comment: a one-line verdict, counts per decision,
 * why tasks run (root causes, then each task that does not hit, with the
 * resources it requests), a Mermaid flowchart coloured by decision, and the
 * full table collapsed.  Code-review sites render Mermaid; every name from
 * the spec is escaped for the context it lands in (code span, Mermaid label).
 */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>

#include "reports/change.h"
#include "reports/style.h"
#include "base/banned.h"

/* Past this many rows the list of tasks that do not hit is collapsed. */
#define MD_LIST_OPEN 50
/* At most this many root causes are listed, and this many tasks' changed parts. */
#define MD_CAUSES 10
#define MD_CHANGED 10
#define MD_CHANGED_BYTES 8000
/*
 * GitHub refuses comments longer than 65536 characters: the document stays
 * under MD_BUDGET bytes.  Table rows past a section's share are left out
 * with a note (the CSV, JSON and HTML reports have every task), and the
 * diagram gets at most MD_GRAPH_MAX bytes, drawing fewer tasks if needed.
 */
#define MD_BUDGET 60000
#define MD_GRAPH_MAX 24000
/*
 * One name is shown with at most MD_CELL_MAX bytes and one list cell with
 * at most MD_LIST_MAX, each with a visible marker when cut: the budget
 * above leaves rows out, but one enormous name must not fill the comment.
 */
#define MD_CELL_MAX 256
#define MD_LIST_MAX 1024
/* Mermaid refuses diagrams of more than 500 edges (its maxEdges default). */
#define MD_GRAPH_EDGES 400

/* ---- escaping ---- */

/*
 * A Markdown code span inside a table cell: nothing in it is markup (no
 * emphasis, links or @mentions); the fence is one backtick longer than any
 * run inside; '|' is escaped for the table (GFM splits cells first); line
 * breaks would end the row and become spaces.
 */
/* How much of s (len bytes) to show: at most MD_CELL_MAX, cut between characters. */
static size_t md_cut(const char *s, size_t len)
{
	if (len <= MD_CELL_MAX)
		return len;
	len = MD_CELL_MAX;
	while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

static void md_cut_marker(struct strbuf *out, size_t full)
{
	sb_addf(out, "\xe2\x80\xa6 (cut, %zu bytes)", full);
}

static void md_code(struct strbuf *out, const char *s)
{
	size_t run = 0, longest = 0, len, full, i;
	bool pad;

	if (!s || !*s)
		return;
	full = strlen(s);
	len = md_cut(s, full);
	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = s[0] == '`' || s[len - 1] == '`' || (s[0] == ' ' && s[len - 1] == ' ');
	for (i = 0; i <= longest; i++)
		sb_addc(out, '`');
	if (pad)
		sb_addc(out, ' ');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '|')
			sb_adds(out, "\\|");
		else if (c < 0x20 || c == 0x7f)
			sb_addc(out, ' ');
		else
			sb_addc(out, c);
	}
	if (pad)
		sb_addc(out, ' ');
	for (i = 0; i <= longest; i++)
		sb_addc(out, '`');
	if (len < full)
		md_cut_marker(out, full);
}

/* Each item of a list cell (util.h) as its own code span. */
/* A cell of code spans "a, b", capped at MD_LIST_MAX bytes with a count of the rest. */
struct md_list {
	struct strbuf *out;
	size_t start, more;
	bool first;
};

static void md_list_add(struct md_list *l, const char *item)
{
	if (l->out->len - l->start > MD_LIST_MAX) {
		l->more++;
		return;
	}
	if (!l->first)
		sb_adds(l->out, ", ");
	md_code(l->out, item);
	l->first = false;
}

static void md_list_end(const struct md_list *l)
{
	if (l->more)
		sb_addf(l->out, ", \xe2\x80\xa6 %zu more", l->more);
}

static void md_reasons(struct strbuf *out, const struct task_result *r)
{
	struct md_list l = { out, out->len, 0, true };
	struct strbuf tok = STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->nreasons; i++) {
		sb_reset(&tok);
		reason_token(&tok, &r->reasons[i]);
		md_list_add(&l, sb_str(&tok));
	}
	md_list_end(&l);
	sb_release(&tok);
}

static void md_causes(struct strbuf *out, const struct task_result *r)
{
	struct md_list l = { out, out->len, 0, true };
	size_t i;

	for (i = 0; i < r->ncauses; i++)
		md_list_add(&l, r->causes[i]->path);
	md_list_end(&l);
}

/*
 * A Mermaid label inside ["..."]: letters, digits, spaces and - _ . / : [ ]
 * ( ) , + = @ and non-ASCII text stay; every other character becomes
 * Mermaid's entity code #<decimal>; (a quote would end the label, '#' starts
 * an entity, < > & are markup, '`' a Markdown string, '|' an edge label),
 * and control characters become spaces.
 */
static void mermaid_label(struct strbuf *sb, const char *s)
{
	size_t full = s ? strlen(s) : 0, len = md_cut(s, full), i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(" -_./:[](),+=@", c))
			sb_addc(sb, (char)c);
		else if (c < 0x20 || c == 0x7f)
			sb_addc(sb, ' ');
		else if (c == '"')
			sb_adds(sb, "#quot;");
		else
			sb_addf(sb, "#%u;", c);
	}
	if (len < full)
		md_cut_marker(sb, full);
}

/* ---- resources ---- */

/* "8 CPU, 52 GB, 1x NVIDIA_TESLA_T4" from the cost module's reading of the spec. */
static void resources_text(struct strbuf *sb, const struct task *t)
{
	struct task_resources res;

	if (t->kind != TASK_CONTAINER)
		return;
	cost_task_resources(t, &res);
	if (res.cpu > 0)
		sb_addf(sb, "%g CPU", res.cpu);
	if (res.memory > 0)
		sb_addf(sb, "%s%.3g GB", sb->len ? ", " : "", res.memory / 1e9);
	if (res.gpus > 0)
		sb_addf(sb, "%s%g\xc3\x97 %s", sb->len ? ", " : "", res.gpus,
			res.gpu_type && *res.gpu_type ? res.gpu_type : "accelerator");
	if (res.dynamic)
		sb_addf(sb, "%s%s set at run time", sb->len ? ", " : "", res.dynamic);
}

/* ---- sections ---- */

void report_verdict(struct strbuf *sb, const struct prediction *pr)
{
	size_t hit = pr->counts[DECISION_HIT], unknown = pr->counts[DECISION_UNKNOWN];
	size_t run = pr->counts[DECISION_MISS] + pr->counts[DECISION_MISS_UPSTREAM] +
		     pr->counts[DECISION_DISABLED];
	const char *sep = " (";
	size_t i;

	if (!pr->executors) {
		sb_adds(sb, "no executor tasks");
		return;
	}
	if (hit == pr->executors) {
		sb_addf(sb, "%s %zu %s the cache; nothing runs", hit == 1 ? "the" : "all", hit,
			plural(hit, "executor task hits", "executor tasks hit"));
		return;
	}
	sb_addf(sb, "%zu of %zu %s %s", run, pr->executors,
		plural(pr->executors, "executor task", "executor tasks"), plural(run, "runs", "run"));
	for (i = 1; i < DECISION_ORDER_N; i++)
		if (decision_order[i] != DECISION_UNKNOWN && decision_order[i] != DECISION_NOT_RUN &&
		    pr->counts[decision_order[i]]) {
			sb_addf(sb, "%s%s %zu", sep, decision_name(decision_order[i]), pr->counts[decision_order[i]]);
			sep = ", ";
		}
	sb_addf(sb, "%s, %zu %s the cache", *sep == ',' ? ")" : "", hit, plural(hit, "hits", "hit"));
	if (unknown)
		sb_addf(sb, ", %zu cannot be decided before the run", unknown);
	if (pr->counts[DECISION_NOT_RUN])
		sb_addf(sb, ", %zu %s not run at all (a false condition)", pr->counts[DECISION_NOT_RUN],
			plural(pr->counts[DECISION_NOT_RUN], "does", "do"));
}

static void verdict(struct strbuf *out, const struct prediction *pr, const struct report_info *info)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	report_verdict(&sb, pr);
	sb_addf(out, "**kfpcache: %s** \xe2\x80\x94 ", sb.buf);
	sb_release(&sb);
	md_code(out, pr->dag->pipeline_name);
	sb_adds(out, "\n\n");
	if (info && info->spec) {
		sb_adds(out, "Spec ");
		md_code(out, info->spec);
		sb_adds(out, " against ");
		if (info->baseline && *info->baseline) {
			sb_adds(out, "the cache of ");
			md_code(out, info->baseline);
		} else {
			sb_adds(out, "an empty cache");
		}
		if (info->pol) {
			char v[KFP_VERSION_NAME_MAX];
			sb_addf(out, "; KFP backend %s", policy_version_name(info->pol, v));
		}
		sb_adds(out, ".\n");
	}
	if (pr->cold)
		sb_adds(out, "Cold cache: every cache-enabled task runs.\n");
	if (pr->run_override_unreached)
		sb_addf(out, "The run-level caching override reaches root-DAG tasks only: %zu nested %s the spec's setting.\n",
			pr->run_override_unreached, plural(pr->run_override_unreached, "task keeps", "tasks keep"));
	sb_adds(out, "\n| decision | tasks |\n|---|---:|\n");
	for (i = 0; i < DECISION_ORDER_N; i++)
		sb_addf(out, "| %s | %zu |\n", decision_name(decision_order[i]), pr->counts[decision_order[i]]);
	sb_addc(out, '\n');
}

/* Root causes of the tasks that do not hit, most tasks first. */
static void causes(struct strbuf *out, const struct prediction *pr)
{
	struct cause_count *c;
	size_t nc = causes_tally(&c, pr, false), i;

	if (nc) {
		sb_adds(out, "### Why tasks run\n\n| root cause | decision | reason | tasks affected |\n|---|---|---|---:|\n");
		for (i = 0; i < nc && i < MD_CAUSES; i++) {
			const struct task_result *r = &pr->results[c[i].task->index];
			sb_adds(out, "| ");
			md_code(out, c[i].task->path);
			sb_addf(out, " | %s | ", decision_name(r->decision));
			md_reasons(out, r);
			sb_addf(out, " | %zu |\n", c[i].n);
		}
		if (nc > MD_CAUSES)
			sb_addf(out, "\n%zu more %s in the table below.\n", nc - MD_CAUSES,
				plural(nc - MD_CAUSES, "root cause is", "root causes are"));
		sb_addc(out, '\n');
	}
	free(c);
}

/* A fenced block of lines: the fence is longer than any backtick run inside. */
static void md_fence(struct strbuf *out, const char *indent, const char *lang, const char *text)
{
	size_t run = 0, longest = 0, i;
	const char *p, *nl;

	for (p = text; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	sb_adds(out, indent);
	for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		sb_addc(out, '`');
	sb_addf(out, "%s\n", lang);
	for (p = text; (nl = strchr(p, '\n')); p = nl + 1) {
		sb_adds(out, indent);
		sb_add(out, p, (size_t)(nl - p) + 1);
	}
	sb_adds(out, indent);
	for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		sb_addc(out, '`');
	sb_addc(out, '\n');
}

/* One changed part of a task: "`old -> new`", or its sizes and a diff block. */
static void md_change(struct strbuf *out, const char *task, const char *name, const char *old,
		      const char *new_)
{
	struct change_view v;

	change_view_init(&v, old, new_, CHANGE_MAX_LINES);
	sb_adds(out, "- ");
	md_code(out, task);
	sb_adds(out, " ");
	md_code(out, name);
	if (v.is_inline) {
		v.text.buf[--v.text.len] = '\0';
		sb_adds(out, ": ");
		md_code(out, sb_str(&v.text));
		sb_addc(out, '\n');
	} else {
		sb_addf(out, " (%zu -> %zu bytes, -%zu +%zu lines):\n\n", old ? strlen(old) : 0,
			new_ ? strlen(new_) : 0, v.removed, v.added);
		md_fence(out, "  ", "diff", sb_str(&v.text));
	}
	change_view_release(&v);
}

/* The key parts that changed since the baseline, old -> new, task by task. */
static void changes(struct strbuf *out, const struct prediction *pr)
{
	const char *name, *old, *new_;
	size_t i, k, shown = 0, more = 0, start = out->len;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		if (!change_part(r, 0, &name, &old, &new_))
			continue;
		if (shown == MD_CHANGED || out->len - start > MD_CHANGED_BYTES) {
			more++;
			continue;
		}
		if (!shown++)
			sb_adds(out, "### What changed\n\nThe key parts that differ from the baseline, old -> new:\n\n");
		for (k = 0; change_part(r, k, &name, &old, &new_); k++)
			md_change(out, r->task->path, name, old, new_);
	}
	if (more)
		sb_addf(out, "\n%zu more %s changed key parts (`kfpcache explain` shows each).\n", more,
			plural(more, "task has", "tasks have"));
	if (shown)
		sb_addc(out, '\n');
}

/*
 * Append a formatted table row unless the section (begun at `start`) would
 * pass `cap` bytes; returns false when the row was left out.
 */
static bool add_row(struct strbuf *out, size_t start, size_t cap, const struct strbuf *row)
{
	if (out->len - start + row->len > cap)
		return false;
	sb_add(out, row->buf, row->len);
	return true;
}

static void left_out(struct strbuf *out, size_t n, const char *what)
{
	if (n)
		sb_addf(out, "\n%zu more %s left out to keep this comment under the size limit of review comments; the CSV, JSON and HTML reports have them all.\n",
			n, what);
}

/* What the tasks that run request, and how long past runs say they take. */
static void run_costs(struct strbuf *out, const struct cost *c)
{
	if (c->runs.cpu > 0 || c->runs.memory > 0 || c->runs.gpus > 0) {
		const char *sep = "";
		sb_adds(out, "\nThe tasks that run request");
		if (c->runs.cpu > 0) {
			sb_addf(out, " %g CPU", c->runs.cpu);
			sep = ",";
		}
		if (c->runs.memory > 0) {
			sb_addf(out, "%s %.3g GB of memory", sep, c->runs.memory / 1e9);
			sep = ",";
		}
		if (c->runs.gpus > 0)
			sb_addf(out, "%s %g %s", sep, c->runs.gpus, c->runs.gpus == 1 ? "accelerator" : "accelerators");
		sb_adds(out, ".\n");
	}
	if (c->runs.timed)
		sb_addf(out, "\nBy past runs they take %.0f s of compute time (%zu of %zu %s timed).\n",
			c->runs.seconds, c->runs.timed, c->runs.tasks, plural(c->runs.tasks, "task", "tasks"));
}

static void not_hit(struct strbuf *out, const struct prediction *pr, const struct report_info *info,
		    size_t cap)
{
	struct strbuf res = STRBUF_INIT, row = STRBUF_INIT;
	struct cost own;
	const struct cost *c = info && info->cost ? info->cost : NULL;
	size_t n = 0, i, omitted = 0, start = out->len;

	for (i = 0; i < pr->n; i++) {
		enum decision d = pr->results[i].decision;
		n += d != DECISION_NONE && d != DECISION_HIT;
	}
	if (!n)
		return;
	if (!c) {
		cost_compute(&own, pr, NULL);
		c = &own;
	}
	sb_addf(out, "### Tasks that do not hit (%zu)\n\n", n);
	if (n > MD_LIST_OPEN)
		sb_addf(out, "<details><summary>%zu %s</summary>\n\n", n, plural(n, "task", "tasks"));
	sb_adds(out, "| task | decision | reason | root cause | distance | resources |\n"
		"|---|---|---|---|---:|---|\n");
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		if (r->decision == DECISION_NONE || r->decision == DECISION_HIT)
			continue;
		sb_reset(&res);
		resources_text(&res, r->task);
		sb_reset(&row);
		sb_adds(&row, "| ");
		md_code(&row, r->task->path);
		sb_addf(&row, "%s | %s | ", r->conditional ? " (conditional)" : "",
			decision_name(r->decision));
		md_reasons(&row, r);
		sb_adds(&row, " | ");
		md_causes(&row, r);
		if (r->distance >= 0)
			sb_addf(&row, " | %d | ", r->distance);
		else
			sb_adds(&row, " |  | ");
		md_code(&row, res.buf);
		sb_adds(&row, " |\n");
		omitted += !add_row(out, start, cap, &row);
	}
	left_out(out, omitted, omitted == 1 ? "task is" : "tasks are");
	if (n > MD_LIST_OPEN)
		sb_adds(out, "\n</details>\n");
	run_costs(out, c);
	sb_addc(out, '\n');
	sb_release(&res);
	sb_release(&row);
}

/* Lint findings, when lint ran. */
static void findings(struct strbuf *out, const struct report_info *info, size_t cap)
{
	const struct lint_result *l = info ? info->lint : NULL;
	struct strbuf row = STRBUF_INIT;
	size_t i, omitted = 0, start = out->len;

	if (!l)
		return;
	sb_addf(out, "### Lint findings (%zu)\n\n", l->n);
	if (!l->n) {
		sb_adds(out, "No cache-safety findings.\n\n");
		return;
	}
	if (l->n > MD_LIST_OPEN)
		sb_addf(out, "<details><summary>%zu findings</summary>\n\n", l->n);
	sb_adds(out, "| severity | rule | task | finding | fix |\n|---|---|---|---|---|\n");
	for (i = 0; i < l->n; i++) {
		const struct finding *f = &l->findings[i];
		sb_reset(&row);
		sb_addf(&row, "| %s | ", severity_name(f->severity));
		md_code(&row, f->rule);
		sb_adds(&row, " | ");
		md_code(&row, f->task);
		sb_adds(&row, " | ");
		md_code(&row, f->message);
		sb_adds(&row, " | ");
		md_code(&row, f->fix);
		sb_adds(&row, " |\n");
		omitted += !add_row(out, start, cap, &row);
	}
	left_out(out, omitted, omitted == 1 ? "finding is" : "findings are");
	sb_release(&row);
	if (l->n > MD_LIST_OPEN)
		sb_adds(out, "\n</details>\n");
	sb_addc(out, '\n');
}

/* ---- Mermaid ---- */

struct medge {
	size_t from, to;        /* task indexes */
	const char *label;
	const char *via;        /* "" or the DAG task's path */
};

struct mermaid {
	const struct prediction *pr;
	struct medge *edges;
	size_t nedges, alloc;
	bool *shown;            /* executors drawn */
	bool *open;             /* DAG tasks drawn as subgraphs */
	long *id;               /* n<id> / s<id>, -1 when not drawn */
	size_t nshown;
};

static void collect_edges(struct mermaid *m)
{
	const struct prediction *pr = m->pr;
	size_t i, k;

	for (i = 0; i < pr->n; i++) {
		const struct task *t = pr->results[i].task;
		struct dag_edge *e;
		size_t n;
		if (!task_is_executor(t))
			continue;
		n = dag_in_edges(pr->dag, t, &e);
		for (k = 0; k < n; k++) {
			KC_GROW(m->edges, m->alloc, m->nedges + 1);
			m->edges[m->nedges].from = e[k].from->index;
			m->edges[m->nedges].to = i;
			m->edges[m->nedges].label = e[k].label;
			m->edges[m->nedges].via = e[k].via;
			m->nedges++;
		}
		free(e);
	}
}

static bool is_run(const struct task_result *r)
{
	return r->decision != DECISION_NONE && r->decision != DECISION_HIT;
}

/* Mark `seed` tasks and their direct neighbours; returns how many are marked. */
static size_t mark(struct mermaid *m, bool (*seed)(const struct task_result *))
{
	const struct prediction *pr = m->pr;
	size_t i, n = 0;

	memset(m->shown, 0, pr->n * sizeof(*m->shown));
	for (i = 0; i < pr->n; i++)
		if (task_is_executor(pr->results[i].task) && seed(&pr->results[i]))
			m->shown[i] = true;
	for (i = 0; i < m->nedges; i++) {
		const struct medge *e = &m->edges[i];
		if (seed(&pr->results[e->from]) || seed(&pr->results[e->to]))
			m->shown[e->from] = m->shown[e->to] = true;
	}
	for (i = 0; i < pr->n; i++)
		n += m->shown[i];
	return n;
}

static bool any_executor(const struct task_result *r)
{
	return task_is_executor(r->task);
}

static bool is_root_cause(const struct task_result *r)
{
	return is_run(r) && r->distance == 0;
}

/* Which executors to draw; returns a note for the reader, or NULL when all are. */
static const char *select_nodes(struct mermaid *m, size_t max)
{
	const struct prediction *pr = m->pr;
	size_t i, n;

	if (mark(m, any_executor) <= max)
		return NULL;
	if (mark(m, is_run) <= max)
		return "the tasks that do not hit and their direct neighbours";
	if (mark(m, is_root_cause) <= max)
		return "the root causes and their direct neighbours";
	/* Still too many: the first root causes and neighbours, in path order. */
	for (i = 0, n = 0; i < pr->n; i++)
		if (m->shown[i] && ++n > max)
			m->shown[i] = false;
	return "the first root causes and their direct neighbours";
}

static const char *class_name(enum decision d)
{
	switch (d) {
	case DECISION_HIT: return "hit";
	case DECISION_MISS: return "miss";
	case DECISION_MISS_UPSTREAM: return "missUpstream";
	case DECISION_DISABLED: return "disabled";
	case DECISION_UNKNOWN: return "unknown";
	case DECISION_NOT_RUN: return "notRun";
	case DECISION_NONE: break;
	}
	return "";
}

static void indent(struct strbuf *sb, size_t depth)
{
	size_t i;

	for (i = 0; i < depth + 1 && i < 16; i++)
		sb_adds(sb, "  ");
}

/*
 * Nodes inside nested subgraphs, one per DAG task that holds a drawn
 * task.  An explicit stack: DAG nesting is bounded only by --max-tasks.
 */
static void emit_nodes(struct strbuf *sb, struct mermaid *m)
{
	const struct prediction *pr = m->pr;
	size_t n = pr->n, i, *first = xcalloc(n + 1, sizeof(size_t)),
	       *next = xcalloc(n + 1, sizeof(size_t)), *last = xcalloc(n + 1, sizeof(size_t));
	size_t *stack = NULL, depth = 0, alloc = 0;
	long nodes = 0, groups = 0;
	struct strbuf label = STRBUF_INIT;

	/* Children lists in path order; slot n is the root; 0 ends a list (indexes + 1). */
	for (i = 0; i < n; i++) {
		const struct task *t = pr->results[i].task;
		size_t p = t->parent ? t->parent->index : n;
		if (last[p])
			next[last[p] - 1] = i + 1;
		else
			first[p] = i + 1;
		last[p] = i + 1;
	}
	/* A DAG is drawn when a drawn executor is inside it. */
	for (i = 0; i < n; i++) {
		const struct task *t = pr->results[i].task;
		if (!m->shown[i])
			continue;
		for (t = t->parent; t && !m->open[t->index]; t = t->parent)
			m->open[t->index] = true;
	}
	KC_GROW(stack, alloc, 1);
	stack[depth++] = first[n];
	while (depth) {
		size_t cur = stack[depth - 1];
		const struct task_result *r;
		if (!cur) {
			depth--;
			if (depth) {
				indent(sb, depth - 1);
				sb_adds(sb, "end\n");
			}
			continue;
		}
		stack[depth - 1] = next[cur - 1];
		r = &pr->results[cur - 1];
		if (r->task->kind == TASK_DAG) {
			if (!m->open[cur - 1])
				continue;
			m->id[cur - 1] = groups;
			sb_reset(&label);
			mermaid_label(&label, r->task->key);
			report_iteration_suffix(&label, r->task);
			indent(sb, depth - 1);
			sb_addf(sb, "subgraph s%ld [\"%s\"]\n", groups++, label.buf);
			KC_GROW(stack, alloc, depth + 1);
			stack[depth++] = first[cur - 1];
			continue;
		}
		if (!m->shown[cur - 1])
			continue;
		m->id[cur - 1] = nodes;
		sb_reset(&label);
		mermaid_label(&label, r->task->path);
		sb_adds(&label, "<br/>");
		sb_adds(&label, decision_name(r->decision));
		if (r->nreasons) {
			/*
			 * Items read "a, b" (';' would be an entity code); a ',' inside
			 * an item is written #44; so no item reads as two.
			 */
			struct strbuf item = STRBUF_INIT;
			size_t k;
			sb_adds(&label, ": ");
			for (k = 0; k < r->nreasons; k++) {
				const char *q;
				sb_reset(&item);
				reason_token(&item, &r->reasons[k]);
				q = item.buf;
				if (k)
					sb_adds(&label, ", ");
				for (;;) {
					size_t len = strcspn(q, ",");
					struct strbuf piece = STRBUF_INIT;
					sb_add(&piece, q, len);
					mermaid_label(&label, sb_str(&piece));
					sb_release(&piece);
					if (!q[len])
						break;
					sb_adds(&label, "#44;");
					q += len + 1;
				}
			}
			sb_release(&item);
		}
		indent(sb, depth - 1);
		sb_addf(sb, "n%ld[\"%s\"]\n", nodes++, label.buf);
	}
	m->nshown = (size_t)nodes;
	free(stack);
	free(first);
	free(next);
	free(last);
	sb_release(&label);
}

static size_t emit_edges(struct strbuf *sb, struct mermaid *m)
{
	const struct prediction *pr = m->pr;
	struct strmap via_seen = STRMAP_INIT;
	struct strbuf styles[DECISION_COUNT], k = STRBUF_INIT;
	size_t i, link = 0;
	int d;

	for (d = 0; d < DECISION_COUNT; d++)
		sb_init(&styles[d]);
	for (i = 0; i < m->nedges; i++) {
		const struct medge *e = &m->edges[i];
		const struct task_result *from = &pr->results[e->from], *to = &pr->results[e->to];
		if (!m->shown[e->to])
			continue;
		if (*e->via) {
			const struct task *v = dag_find_task(pr->dag, e->via);
			if (!v || m->id[v->index] < 0)
				continue;
			sb_reset(&k);
			sb_addf(&k, "%zu/%zu", v->index, e->to);
			if (strmap_has(&via_seen, k.buf))
				continue;
			strmap_put(&via_seen, k.buf, NULL);
			sb_addf(sb, "  s%ld -.-> n%ld\n", m->id[v->index], m->id[e->to]);
			link++;
			continue;
		}
		if (!m->shown[e->from])
			continue;
		if (!strcmp(e->label, "after"))
			sb_addf(sb, "  n%ld -.-> n%ld\n", m->id[e->from], m->id[e->to]);
		else
			sb_addf(sb, "  n%ld -->|%s| n%ld\n", m->id[e->from],
				!strcmp(e->label, "artifact") ? "artifact" : "parameter", m->id[e->to]);
		/* The edges that carry an invalidation, in the colour of the cause (as in DOT). */
		if (!result_hits_earlier_run(from) && strcmp(e->label, "after") &&
		    (to->decision == DECISION_MISS_UPSTREAM || to->decision == DECISION_UNKNOWN))
			sb_addf(&styles[from->decision], "%s%zu", styles[from->decision].len ? "," : "", link);
		link++;
	}
	for (d = 0; d < DECISION_COUNT; d++)
		if (styles[d].len)
			sb_addf(sb, "  linkStyle %s stroke:%s,stroke-width:3px\n", styles[d].buf,
				report_decision_style((enum decision)d)->edge);
	for (d = 0; d < DECISION_COUNT; d++)
		sb_release(&styles[d]);
	sb_release(&k);
	strmap_release(&via_seen);
	return link;
}

static void emit_classes(struct strbuf *sb, const struct mermaid *m)
{
	const struct prediction *pr = m->pr;
	size_t i, k;

	for (k = 0; k < DECISION_ORDER_N; k++) {
		bool first = true;
		for (i = 0; i < pr->n; i++) {
			if (m->id[i] < 0 || pr->results[i].task->kind == TASK_DAG ||
			    pr->results[i].decision != decision_order[k])
				continue;
			sb_addf(sb, "%sn%ld", first ? "  class " : ",", m->id[i]);
			first = false;
		}
		if (!first)
			sb_addf(sb, " %s\n", class_name(decision_order[k]));
	}
}

/* The flowchart of at most max executors; *note says which when not all. */
static size_t flowchart(struct strbuf *sb, const struct prediction *pr, size_t max,
			const char **note, size_t *shown)
{
	struct mermaid m;
	size_t i, edges;

	memset(&m, 0, sizeof(m));
	m.pr = pr;
	m.shown = xcalloc(pr->n + 1, sizeof(*m.shown));
	m.open = xcalloc(pr->n + 1, sizeof(*m.open));
	m.id = xcalloc(pr->n + 1, sizeof(*m.id));
	for (i = 0; i < pr->n; i++)
		m.id[i] = -1;
	collect_edges(&m);
	*note = select_nodes(&m, max);
	sb_adds(sb, "flowchart LR\n");
	for (i = 0; i < DECISION_ORDER_N; i++)
		sb_addf(sb, "  classDef %s fill:%s,stroke:%s,color:#000\n", class_name(decision_order[i]),
			report_decision_style(decision_order[i])->fill, report_decision_style(decision_order[i])->stroke);
	emit_nodes(sb, &m);
	edges = emit_edges(sb, &m);
	emit_classes(sb, &m);
	*shown = m.nshown;
	free(m.edges);
	free(m.shown);
	free(m.open);
	free(m.id);
	return edges;
}

/*
 * The graph section: MD_MERMAID_MAX executors at most, fewer when long
 * names would make it pass MD_GRAPH_MAX bytes or there are more than
 * MD_GRAPH_EDGES edges, none as a last resort.
 */
static void mermaid(struct strbuf *out, const struct prediction *pr)
{
	static const size_t tries[] = { MD_MERMAID_MAX, 100, 50, 20 };
	struct strbuf sb = STRBUF_INIT;
	const char *note = NULL;
	size_t k, shown = 0;

	sb_adds(out, "### Graph\n\n");
	for (k = 0; k < KC_ARRAY_SIZE(tries); k++) {
		sb_reset(&sb);
		if (flowchart(&sb, pr, tries[k], &note, &shown) <= MD_GRAPH_EDGES &&
		    sb.len <= MD_GRAPH_MAX)
			break;
	}
	if (k == KC_ARRAY_SIZE(tries)) {
		sb_adds(out, "The graph is too large for a diagram in a comment; the SVG and HTML reports (`--svg`, `--html`) draw it.\n\n");
	} else {
		if (note)
			sb_addf(out, "%zu executor tasks are too many for one diagram: it shows %s (%zu %s). The SVG and HTML reports (`--svg`, `--html`) draw them all.\n\n",
				pr->executors, note, shown, plural(shown, "task", "tasks"));
		sb_addf(out, "```mermaid\n%s```\n\n", sb.buf);
	}
	sb_release(&sb);
}

/* ---- full table ---- */

static void full_table(struct strbuf *out, const struct prediction *pr, size_t cap)
{
	struct strbuf row = STRBUF_INIT;
	size_t i, omitted = 0, start;

	sb_addf(out, "<details><summary>%s %zu %s</summary>\n\n", pr->n == 1 ? "The" : "All", pr->n,
		plural(pr->n, "task", "tasks"));
	start = out->len;
	sb_adds(out, "| task | kind | decision | reason | root cause | distance | cache | layer | fingerprint |\n"
		"|---|---|---|---|---|---:|---|---|---|\n");
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		sb_reset(&row);
		sb_adds(&row, "| ");
		md_code(&row, r->task->path);
		sb_addf(&row, "%s | %s | %s | ", r->conditional ? " (conditional)" : "",
			task_kind_name(r->task->kind), decision_name(r->decision));
		md_reasons(&row, r);
		sb_adds(&row, " | ");
		md_causes(&row, r);
		if (r->distance >= 0)
			sb_addf(&row, " | %d", r->distance);
		else
			sb_adds(&row, " | ");
		sb_addf(&row, " | %s | %s | ", r->has_policy ? (r->pol.enabled ? "on" : "off") : "",
			r->has_policy ? layer_name(r->pol.layer) : "");
		if (r->fingerprint[0])
			sb_addf(&row, "`%.12s`", r->fingerprint);
		sb_adds(&row, " |\n");
		omitted += !add_row(out, start, cap, &row);
	}
	left_out(out, omitted, omitted == 1 ? "task is" : "tasks are");
	sb_adds(out, "\n</details>\n");
	sb_release(&row);
}

/* What is left of the budget for a section, keeping `reserve` for what follows. */
static size_t share(const struct strbuf *doc, size_t reserve)
{
	return doc->len + reserve < MD_BUDGET ? MD_BUDGET - doc->len - reserve : 0;
}

int report_md_write(FILE *fp, const struct prediction *pr, const struct report_info *info)
{
	struct strbuf doc = STRBUF_INIT, graph = STRBUF_INIT;
	/* Room for the notes, headers and closing tags the table sections add. */
	const size_t slack = 2000;

	mermaid(&graph, pr);
	verdict(&doc, pr, info);
	causes(&doc, pr);
	changes(&doc, pr);
	/* The tasks that do not hit first, then lint, then the full table. */
	not_hit(&doc, pr, info, share(&doc, graph.len + slack) * 2 / 3);
	findings(&doc, info, share(&doc, graph.len + slack) / 2);
	sb_add(&doc, graph.buf, graph.len);
	full_table(&doc, pr, share(&doc, slack / 2));
	fwrite(doc.buf, 1, doc.len, fp);
	sb_release(&doc);
	sb_release(&graph);
	return ferror(fp) ? err_set("write error") : 0;
}
