/*
 * dot.c - the decision graph, built with cgraph and written with agwrite
 * (DOT) or laid out and rendered with gvc (SVG, PNG).  Sub-DAGs become
 * labelled clusters, nodes are filled by decision, the reason is the
 * tooltip, edges are labelled artifact/parameter, and edges that carry an
 * invalidation are bold in the colour of the cause.
 */
#include "report.h"

#include <errno.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdbool.h>
#include <string.h>

#include "banned.h"

static const char *decision_color(enum decision d)
{
	switch (d) {
	case DECISION_HIT: return "#a6dba0";
	case DECISION_MISS: return "#f4a582";
	case DECISION_MISS_UPSTREAM: return "#fddbc7";
	case DECISION_DISABLED: return "#d9d9d9";
	case DECISION_UNKNOWN: return "#92c5de";
	case DECISION_NONE: break;
	}
	return "#ffffff";
}

static const char *edge_color(enum decision d)
{
	switch (d) {
	case DECISION_MISS: return "#d6604d";
	case DECISION_MISS_UPSTREAM: return "#e08214";
	case DECISION_DISABLED: return "#636363";
	case DECISION_UNKNOWN: return "#2166ac";
	default: return "#999999";
	}
}

/* DOT escString: keep names literal (backslash starts an escape there). */
static void esc(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			sb_adds(sb, "\\\\");
		else if (*s == '\n')
			sb_adds(sb, "\\n");
		else if (*s == '\r')
			continue;
		else
			sb_addc(sb, *s);
	}
}

static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

/*
 * cgraph's writer checks, for every node, each direct subgraph of the graph
 * being written: with hundreds of sibling clusters that is quadratic.  Past
 * GROUP_FANOUT siblings, clusters are nested in plain (undrawn) subgraphs, a
 * balanced tree of at most GROUP_FANOUT children per level.
 */
#define GROUP_FANOUT 16

static Agraph_t *group_for(Agraph_t *parent, const char *pkey, size_t idx, size_t count)
{
	struct strbuf name = STRBUF_INIT;
	size_t span = 1, levels = 0;
	Agraph_t *g = parent;

	while (span * GROUP_FANOUT < count) {
		span *= GROUP_FANOUT;
		levels++;
	}
	sb_addf(&name, "group_%s", pkey);
	for (; levels > 0; levels--, span /= GROUP_FANOUT) {
		sb_addf(&name, "_%zu", idx / span % GROUP_FANOUT);
		g = agsubg(g, name.buf, 1);
	}
	sb_release(&name);
	return g;
}

/* Clusters for every DAG task, parents first (tasks are sorted by path). */
static void make_clusters(Agraph_t *root, const struct prediction *pr, struct strmap *clusters)
{
	struct strmap count = STRMAP_INIT, next = STRMAP_INIT;
	struct strbuf name = STRBUF_INIT, label = STRBUF_INIT;
	size_t i;

	for (i = 0; i < pr->n; i++) {
		const struct task *t = pr->results[i].task;
		const char *pk = t->parent ? t->parent->path : "";
		if (t->kind == TASK_DAG)
			strmap_put(&count, pk, (void *)((uintptr_t)strmap_get(&count, pk) + 1));
	}
	for (i = 0; i < pr->n; i++) {
		const struct task *t = pr->results[i].task;
		const char *pk = t->parent ? t->parent->path : "";
		Agraph_t *parent = t->parent ? strmap_get(clusters, pk) : root, *g;
		uintptr_t idx;
		if (t->kind != TASK_DAG)
			continue;
		idx = (uintptr_t)strmap_get(&next, pk);
		strmap_put(&next, pk, (void *)(idx + 1));
		parent = group_for(parent, pk, idx, (uintptr_t)strmap_get(&count, pk));
		sb_reset(&name);
		sb_addf(&name, "cluster_%s", t->path);
		g = agsubg(parent, name.buf, 1);
		sb_reset(&label);
		esc(&label, t->key);
		set(g, "label", label.buf);
		set(g, "style", t->conditional ? "rounded,dashed" : "rounded");
		set(g, "tooltip", t->path);
		strmap_put(clusters, t->path, g);
	}
	strmap_release(&count);
	strmap_release(&next);
	sb_release(&name);
	sb_release(&label);
}

static void legend(Agraph_t *g)
{
	static const enum decision ds[] = {
		DECISION_HIT, DECISION_MISS, DECISION_MISS_UPSTREAM,
		DECISION_DISABLED, DECISION_UNKNOWN
	};
	Agraph_t *lg = agsubg(g, (char *)"cluster_legend", 1);
	Agnode_t *prev = NULL;
	size_t i;

	set(lg, "label", "legend");
	set(lg, "style", "rounded");
	set(lg, "rank", "sink");
	for (i = 0; i < KC_ARRAY_SIZE(ds); i++) {
		char name[48];
		Agnode_t *n;
		snprintf(name, sizeof(name), "legend_%s", decision_name(ds[i]));
		n = agnode(lg, name, 1);
		set(n, "label", decision_name(ds[i]));
		set(n, "fillcolor", decision_color(ds[i]));
		set(n, "tooltip", decision_name(ds[i]));
		if (prev) {
			Agedge_t *e = agedge(lg, prev, n, NULL, 1);
			set(e, "style", "invis");
		}
		prev = n;
	}
}

static Agraph_t *build(const struct prediction *pr, const struct strmap *highlight)
{
	const struct dag *d = pr->dag;
	Agraph_t *g = agopen((char *)"kfpcache", Agdirected, NULL);
	Agraph_t *dg = d->graph;
	struct strmap clusters = STRMAP_INIT, drawn = STRMAP_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	agattr(g, AGRAPH, (char *)"label", (char *)"");
	agattr(g, AGRAPH, (char *)"style", (char *)"");
	agattr(g, AGRAPH, (char *)"tooltip", (char *)"");
	agattr(g, AGRAPH, (char *)"rank", (char *)"");
	agattr(g, AGNODE, (char *)"shape", (char *)"box");
	agattr(g, AGNODE, (char *)"style", (char *)"filled,rounded");
	agattr(g, AGNODE, (char *)"fontname", (char *)"Helvetica");
	agattr(g, AGNODE, (char *)"label", (char *)"\\N");
	agattr(g, AGNODE, (char *)"fillcolor", (char *)"#ffffff");
	agattr(g, AGNODE, (char *)"tooltip", (char *)"");
	agattr(g, AGNODE, (char *)"penwidth", (char *)"1");
	agattr(g, AGNODE, (char *)"color", (char *)"black");
	agattr(g, AGEDGE, (char *)"label", (char *)"");
	agattr(g, AGEDGE, (char *)"style", (char *)"");
	agattr(g, AGEDGE, (char *)"color", (char *)"#999999");
	agattr(g, AGEDGE, (char *)"penwidth", (char *)"1");
	agattr(g, AGEDGE, (char *)"fontname", (char *)"Helvetica");
	agattr(g, AGEDGE, (char *)"fontsize", (char *)"9");
	agattr(g, AGEDGE, (char *)"ltail", (char *)"");
	set(g, "rankdir", "LR");
	set(g, "compound", "true");
	set(g, "fontname", "Helvetica");
	sb_reset(&sb);
	esc(&sb, d->pipeline_name);
	sb_addf(&sb, "\\n%zu executor tasks: HIT %zu, MISS %zu, MISS_UPSTREAM %zu, DISABLED %zu, UNKNOWN %zu",
		pr->executors, pr->counts[DECISION_HIT], pr->counts[DECISION_MISS],
		pr->counts[DECISION_MISS_UPSTREAM], pr->counts[DECISION_DISABLED],
		pr->counts[DECISION_UNKNOWN]);
	set(g, "label", sb.buf);
	set(g, "labelloc", "t");

	make_clusters(g, pr, &clusters);
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		Agraph_t *parent;
		Agnode_t *n;
		if (!task_is_executor(t))
			continue;
		parent = t->parent ? strmap_get(&clusters, t->parent->path) : g;
		n = agnode(g, (char *)t->path, 1);
		agsubnode(parent, n, 1);
		sb_reset(&sb);
		esc(&sb, t->key);
		if (t->scope->iteration >= 0)
			sb_addf(&sb, " [%d]", t->scope->iteration);
		sb_addf(&sb, "\\n%s", decision_name(r->decision));
		if (*r->reason) {
			sb_adds(&sb, "\\n");
			esc(&sb, r->reason);
		}
		set(n, "label", sb.buf);
		set(n, "fillcolor", decision_color(r->decision));
		if (highlight && strmap_has(highlight, t->path)) {
			set(n, "penwidth", "3");
			set(n, "color", "#b2182b");
		}
		if (t->kind == TASK_IMPORTER)
			set(n, "shape", "cds");
		if (t->conditional)
			set(n, "style", "filled,rounded,dashed");
		sb_reset(&sb);
		esc(&sb, t->path);
		sb_addf(&sb, ": %s", decision_name(r->decision));
		if (*r->reason) {
			sb_adds(&sb, " (");
			esc(&sb, r->reason);
			sb_adds(&sb, ")");
		}
		if (*r->root_cause) {
			sb_adds(&sb, " root cause ");
			esc(&sb, r->root_cause);
		}
		set(n, "tooltip", sb.buf);
	}
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		Agnode_t *dn = agnode(dg, (char *)t->path, 0), *to;
		Agedge_t *e;
		if (!task_is_executor(t) || !dn)
			continue;
		to = agnode(g, (char *)t->path, 0);
		for (e = agfstin(dg, dn); e; e = agnxtin(dg, e)) {
			const char *from = agnameof(agtail(e));
			const char *label = agget(e, (char *)"label");
			const char *via = agget(e, (char *)"via");
			const struct task_result *pres = prediction_find(pr, from);
			Agedge_t *ne;
			if (via && *via) {
				/* One edge from the DAG's cluster, not one per task in it. */
				struct strbuf key = STRBUF_INIT;
				bool seen;
				sb_addf(&key, "%s\x1f%s", via, t->path);
				seen = strmap_has(&drawn, key.buf);
				strmap_put(&drawn, key.buf, NULL);
				sb_release(&key);
				if (seen)
					continue;
			}
			ne = agedge(g, agnode(g, (char *)from, 0), to, NULL, 1);
			set(ne, "label", label);
			if (via && *via) {
				struct strbuf cl = STRBUF_INIT;
				sb_addf(&cl, "cluster_%s", via);
				set(ne, "ltail", cl.buf);
				sb_release(&cl);
			}
			if (!strcmp(label, "after"))
				set(ne, "style", "dashed");
			/* Invalidating: the consumer is not HIT because the producer runs. */
			if (pres && pres->decision != DECISION_HIT &&
			    (r->decision == DECISION_MISS_UPSTREAM || r->decision == DECISION_UNKNOWN) &&
			    strcmp(label, "after")) {
				set(ne, "style", "bold");
				set(ne, "penwidth", "2.5");
				set(ne, "color", edge_color(pres->decision));
			}
		}
	}
	legend(g);
	strmap_release(&clusters);
	strmap_release(&drawn);
	sb_release(&sb);
	return g;
}

int report_dot_write(FILE *fp, const struct prediction *pr)
{
	return report_dot_write_highlight(fp, pr, NULL);
}

int report_dot_write_highlight(FILE *fp, const struct prediction *pr,
			       const struct strmap *highlight)
{
	Agraph_t *g = build(pr, highlight);
	int ret = agwrite(g, fp);

	agclose(g);
	if (ret < 0 || ferror(fp))
		return err_set("cannot write DOT");
	return 0;
}

int report_render(const struct prediction *pr, const char *format, const char *path)
{
	GVC_t *gvc = gvContext();
	Agraph_t *g = build(pr, NULL);
	char *data = NULL;
	unsigned int len = 0;
	FILE *fp;
	int ret = -1;

	if (gvLayout(gvc, g, "dot") != 0) {
		err_set("%s: Graphviz cannot lay out the graph (is the 'graphviz' package installed?)",
			path);
		goto done;
	}
	/* Rendered in memory: on a failed write (a full disk) Graphviz exits the process. */
	if (gvRenderData(gvc, g, format, &data, &len) != 0) {
		err_set("%s: Graphviz cannot render %s", path, format);
	} else if (!(fp = fopen(path, "wb"))) {
		err_set("%s: cannot write: %s", path, strerror(errno));
	} else {
		bool bad = fwrite(data, 1, len, fp) != len;

		if (fclose(fp) != 0)
			bad = true;
		if (bad)
			err_set("%s: write failed: %s", path, errno ? strerror(errno) : "I/O error");
		else
			ret = 0;
	}
	gvFreeRenderData(data);
	gvFreeLayout(gvc, g);
done:
	agclose(g);
	gvFreeContext(gvc);
	return ret;
}
