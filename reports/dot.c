/*
 * dot.c - the decision graph, built with cgraph and written with agwrite
 * (DOT) or laid out and rendered with gvc (SVG, PNG).  Sub-DAGs become
 * labelled clusters, nodes are filled by decision, the reason is the
 * tooltip, edges are labelled artifact/parameter, and edges that carry an
 * invalidation are bold in the colour of the cause.  The only module that
 * uses cgraph and gvc: nothing of them leaves this file.
 */
#include "reports/report.h"

#include <errno.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "reports/style.h"
#include "base/banned.h"

/*
 * cgraph and gvc keep process-wide state (string pools, the gvc context)
 * while graphs are opened, built and closed: one thread at a time.
 */
static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;

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

/*
 * The DOT name of a task or cluster.  agwrite quotes names without escaping
 * a final backslash, which then escapes the closing quote, and DOT cannot
 * spell a trailing backslash at all: such a name (also with spaces after
 * it) gets one more space, which keeps names distinct.  Labels show the path.
 */
static const char *dot_name(struct strbuf *sb, const char *prefix, const char *path)
{
	size_t i;

	sb_reset(sb);
	sb_adds(sb, prefix);
	sb_adds(sb, path);
	for (i = sb->len; i > 0 && sb->buf[i - 1] == ' '; i--)
		;
	if (i > 0 && sb->buf[i - 1] == '\\')
		sb_addc(sb, ' ');
	return sb->buf;
}

static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

/*
 * cgraph's default ID discipline makes the address of a name's interned
 * string its ID, and agwrite orders subgraphs by ID: the DOT would follow
 * the allocator (glibc, ASan and musl differ).  Named objects get IDs in
 * creation order instead: even numbers; anonymous ones (edges) odd, as in
 * the default.  Names stay interned strings (agwrite reads their header).
 */
struct ids {
	Agraph_t *g;
	struct strmap by_name;      /* name -> ID */
	char **names;               /* ID / 2 - 1 -> interned name */
	size_t n, alloc;
	IDTYPE anon;                /* the next odd ID */
};

static void *ids_open(Agraph_t *g, Agdisc_t *disc)
{
	struct ids *s = xcalloc(1, sizeof(*s));

	(void)disc;
	s->g = g;
	strmap_init(&s->by_name);
	s->anon = 1;
	return s;
}

static long ids_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	struct ids *s = state;
	uintptr_t known;

	(void)objtype;
	if (!str) {
		*id = s->anon;
		s->anon += 2;
		return 1;
	}
	if ((known = (uintptr_t)strmap_get(&s->by_name, str))) {
		*id = known;
		return 1;
	}
	if (!createflag)
		return 0;
	KC_GROW(s->names, s->alloc, s->n + 1);
	s->names[s->n++] = agstrdup(s->g, str);
	*id = 2 * (IDTYPE)s->n;
	strmap_put(&s->by_name, str, (void *)(uintptr_t)*id);
	return 1;
}

static long ids_alloc(void *state, int objtype, IDTYPE request)
{
	(void)state;
	(void)objtype;
	(void)request;
	return 0;       /* no caller-chosen IDs, as in the default */
}

static void ids_free(void *state, int objtype, IDTYPE id)
{
	(void)state;    /* names live until the graph closes */
	(void)objtype;
	(void)id;
}

static char *ids_print(void *state, int objtype, IDTYPE id)
{
	struct ids *s = state;

	(void)objtype;
	return id % 2 == 0 && id && id / 2 <= s->n ? s->names[id / 2 - 1] : NULL;
}

static void ids_close(void *state)
{
	struct ids *s = state;

	/* The names go with the graph's string dictionary, closed next. */
	free(s->names);
	strmap_release(&s->by_name);
	free(s);
}

static void ids_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t creation_order_ids = {
	ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close, ids_register
};
static Agdisc_t graph_disc = { &AgMemDisc, &creation_order_ids, &AgIoDisc };

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
		g = agsubg(parent, (char *)dot_name(&name, "cluster_", t->path), 1);
		sb_reset(&label);
		esc(&label, t->key);
		report_iteration_suffix(&label, t);
		set(g, "label", label.buf);
		set(g, "style", pr->results[i].conditional ? "rounded,dashed" : "rounded");
		sb_reset(&label);
		esc(&label, t->path);
		set(g, "tooltip", label.buf);
		strmap_put(clusters, t->path, g);
	}
	strmap_release(&count);
	strmap_release(&next);
	sb_release(&name);
	sb_release(&label);
}

static void legend(Agraph_t *g)
{
		Agraph_t *lg = agsubg(g, (char *)"cluster_legend", 1);
	Agnode_t *prev = NULL;
	size_t i;

	set(lg, "label", "legend");
	set(lg, "style", "rounded");
	set(lg, "rank", "sink");
	for (i = 0; i < DECISION_ORDER_N; i++) {
		char name[48];
		Agnode_t *n;
		snprintf(name, sizeof(name), "legend_%s", decision_name(decision_order[i]));
		n = agnode(lg, name, 1);
		set(n, "label", decision_name(decision_order[i]));
		set(n, "fillcolor", report_decision_style(decision_order[i])->fill);
		set(n, "tooltip", decision_name(decision_order[i]));
		if (prev) {
			Agedge_t *e = agedge(lg, prev, n, NULL, 1);
			set(e, "style", "invis");
		}
		prev = n;
	}
}

/*
 * cgraph keeps names that start with '%' (a task may be called "%1") out of
 * the ID discipline, in an internal name map shared by the graph and its
 * subgraphs.  Graphviz 2.42's agclose closes that map with the first
 * subgraph it closes, without freeing its entries, so the root's nodes can
 * no longer release their names: clear the '%' names while the map is
 * whole, then close.
 */
static void close_graph(Agraph_t *g)
{
	aginternalmapclearlocalnames(g);
	agclose(g);
}

/* Every attribute the graph sets, with its default, in declaration order. */
static const struct {
	int kind;
	const char *name, *value;
} attr_defaults[] = {
	{ AGRAPH, "label", "" },
	{ AGRAPH, "style", "" },
	{ AGRAPH, "tooltip", "" },
	{ AGRAPH, "rank", "" },
	{ AGNODE, "shape", "box" },
	{ AGNODE, "style", "filled,rounded" },
	{ AGNODE, "fontname", "Helvetica" },
	{ AGNODE, "label", "\\N" },
	{ AGNODE, "fillcolor", "#ffffff" },
	{ AGNODE, "tooltip", "" },
	{ AGNODE, "penwidth", "1" },
	{ AGNODE, "color", "black" },
	{ AGEDGE, "label", "" },
	{ AGEDGE, "style", "" },
	{ AGEDGE, "color", "#999999" },
	{ AGEDGE, "penwidth", "1" },
	{ AGEDGE, "fontname", "Helvetica" },
	{ AGEDGE, "fontsize", "9" },
	{ AGEDGE, "ltail", "" },
};

/* The root graph: attribute defaults, layout, and the pipeline's tally as its title. */
static Agraph_t *open_graph(const struct prediction *pr)
{
	Agraph_t *g = agopen((char *)"kfpcache", Agdirected, &graph_disc);
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(attr_defaults); i++)
		agattr(g, attr_defaults[i].kind, (char *)attr_defaults[i].name,
		       (char *)attr_defaults[i].value);
	set(g, "rankdir", "LR");
	set(g, "compound", "true");
	set(g, "fontname", "Helvetica");
	esc(&sb, pr->dag->pipeline_name);
	sb_addf(&sb, "\\n%zu %s:", pr->executors, plural(pr->executors, "executor task", "executor tasks"));
	for (i = 0; i < DECISION_ORDER_N; i++)
		sb_addf(&sb, "%s %s %zu", i ? "," : "", decision_name(decision_order[i]),
			pr->counts[decision_order[i]]);
	set(g, "label", sb.buf);
	set(g, "labelloc", "t");
	sb_release(&sb);
	return g;
}

/*
 * A node per executor task, in its DAG's cluster: labelled with its key,
 * decision and reasons, filled by decision, the full story as tooltip.
 */
static void add_nodes(Agraph_t *g, const struct prediction *pr, const struct strmap *clusters,
		      const struct strmap *highlight)
{
	struct strbuf sb = STRBUF_INIT, id = STRBUF_INIT, list = STRBUF_INIT;
	size_t i;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		Agraph_t *parent;
		Agnode_t *n;
		if (!task_is_executor(t))
			continue;
		parent = t->parent ? strmap_get(clusters, t->parent->path) : g;
		n = agnode(g, (char *)dot_name(&id, "", t->path), 1);
		agsubnode(parent, n, 1);
		sb_reset(&sb);
		esc(&sb, t->key);
		report_iteration_suffix(&sb, t);
		sb_addf(&sb, "\\n%s", decision_name(r->decision));
		if (r->nreasons) {
			sb_adds(&sb, "\\n");
			esc(&sb, result_reasons_str(&list, r));
		}
		set(n, "label", sb.buf);
		set(n, "fillcolor", report_decision_style(r->decision)->fill);
		if (highlight && strmap_has(highlight, t->path)) {
			set(n, "penwidth", "3");
			set(n, "color", "#b2182b");
		}
		if (t->kind == TASK_IMPORTER)
			set(n, "shape", "cds");
		if (r->conditional)
			set(n, "style", "filled,rounded,dashed");
		sb_reset(&sb);
		esc(&sb, t->path);
		sb_addf(&sb, ": %s", decision_name(r->decision));
		if (r->nreasons) {
			sb_adds(&sb, " (");
			esc(&sb, result_reasons_str(&list, r));
			sb_adds(&sb, ")");
		}
		if (r->ncauses) {
			sb_adds(&sb, " root cause ");
			esc(&sb, result_causes_str(&list, r));
		}
		set(n, "tooltip", sb.buf);
	}
	sb_release(&sb);
	sb_release(&id);
	sb_release(&list);
}

/*
 * The data and `after` edges into each executor task; an edge out of a
 * sub-DAG is drawn once, from its cluster, and an edge that carries an
 * invalidation is bold in the colour of the producer's decision.
 */
static void add_edges(Agraph_t *g, const struct prediction *pr)
{
	struct strmap drawn = STRMAP_INIT;
	struct strbuf id = STRBUF_INIT;
	size_t i;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		struct dag_edge *in;
		size_t nin, k;
		Agnode_t *to;
		if (!task_is_executor(t))
			continue;
		to = agnode(g, (char *)dot_name(&id, "", t->path), 0);
		nin = dag_in_edges(pr->dag, t, &in);
		for (k = 0; k < nin; k++) {
			const char *from = in[k].from->path;
			const char *label = in[k].label;
			const char *via = in[k].via;
			const struct task_result *pres = &pr->results[in[k].from->index];
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
			ne = agedge(g, agnode(g, (char *)dot_name(&id, "", from), 0), to, NULL, 1);
			set(ne, "label", label);
			if (via && *via) {
				struct strbuf cl = STRBUF_INIT;
				set(ne, "ltail", dot_name(&cl, "cluster_", via));
				sb_release(&cl);
			}
			if (!strcmp(label, "after"))
				set(ne, "style", "dashed");
			/* Invalidating: the consumer is not HIT because the producer runs. */
			if (pres && !result_hits_earlier_run(pres) &&
			    (r->decision == DECISION_MISS_UPSTREAM || r->decision == DECISION_UNKNOWN) &&
			    strcmp(label, "after")) {
				set(ne, "style", "bold");
				set(ne, "penwidth", "2.5");
				set(ne, "color", report_decision_style(pres->decision)->edge);
			}
		}
		free(in);
	}
	strmap_release(&drawn);
	sb_release(&id);
}

/* The decision graph of a prediction: clusters, task nodes, edges, legend. */
static Agraph_t *build(const struct prediction *pr, const struct strmap *highlight)
{
	Agraph_t *g = open_graph(pr);
	struct strmap clusters = STRMAP_INIT;

	make_clusters(g, pr, &clusters);
	add_nodes(g, pr, &clusters, highlight);
	add_edges(g, pr);
	legend(g);
	strmap_release(&clusters);
	return g;
}

int report_dot_write(FILE *fp, const struct prediction *pr)
{
	return report_dot_write_highlight(fp, pr, NULL);
}

int report_dot_write_highlight(FILE *fp, const struct prediction *pr,
			       const struct strmap *highlight)
{
	Agraph_t *g;
	int ret;

	pthread_mutex_lock(&graph_lock);
	g = build(pr, highlight);
	ret = agwrite(g, fp);
	close_graph(g);
	pthread_mutex_unlock(&graph_lock);
	if (ret < 0 || ferror(fp))
		return err_set("cannot write DOT");
	return 0;
}

/*
 * One Graphviz context for the process, never freed: Graphviz 2.42's pango
 * plugin keeps a pointer to the last font name across contexts, and
 * gvFreeContext frees that name (a use-after-free in the next render, e.g.
 * --svg and --png in one run).
 */
static GVC_t *render_context(void)
{
	static GVC_t *gvc;

	if (!gvc)
		gvc = gvContext();
	return gvc;
}

int report_render_buffer(char **out, size_t *len, const struct prediction *pr,
			 const char *format, size_t max_nodes)
{
	GVC_t *gvc;
	Agraph_t *g;
	char *data = NULL;
	unsigned int n = 0;
	int ret = -1;

	*out = NULL;
	*len = 0;
	pthread_mutex_lock(&graph_lock);
	gvc = render_context();
	g = build(pr, NULL);
	/*
	 * dot's layout time grows faster than the square of the graph (4,000
	 * tasks take some 20 s, 50,000 many minutes): refuse before starting.
	 */
	if ((size_t)agnnodes(g) > max_nodes || (size_t)agnedges(g) > 4 * max_nodes) {
		err_set("the graph has %d nodes and %d edges, more than --max-render-nodes %zu allows "
			"(at most that many nodes and 4 times as many edges; the DOT report has no limit)",
			agnnodes(g), agnedges(g), max_nodes);
		goto done;
	}
	if (gvLayout(gvc, g, "dot") != 0) {
		err_set("Graphviz cannot lay out the graph (is the 'graphviz' package installed?)");
		goto done;
	}
	/* Rendered in memory: on a failed write (a full disk) Graphviz exits the process. */
	if (gvRenderData(gvc, g, format, &data, &n) != 0) {
		err_set("Graphviz cannot render %s", format);
	} else {
		*out = xmalloc((size_t)n + 1);
		memcpy(*out, data, n);
		(*out)[n] = '\0';
		*len = n;
		ret = 0;
	}
	gvFreeRenderData(data);
	gvFreeLayout(gvc, g);
done:
	close_graph(g);
	pthread_mutex_unlock(&graph_lock);
	return ret;
}

int report_render(FILE *fp, const struct prediction *pr, const char *format, size_t max_nodes)
{
	char *data;
	size_t len;
	bool bad;

	if (report_render_buffer(&data, &len, pr, format, max_nodes) < 0)
		return -1;
	bad = fwrite(data, 1, len, fp) != len;
	free(data);
	return bad ? err_set("write failed: %s", errno ? strerror(errno) : "I/O error") : 0;
}
