/*
 * dot.c - the decision graph: described once (struct dgraph), then written
 * as DOT text directly, in agwrite's exact format, or built with cgraph and
 * laid out and rendered with gvc (SVG, PNG).  Sub-DAGs become
 * labelled clusters, nodes are filled by decision, the reason is the
 * tooltip, edges are labelled artifact/parameter, and edges that carry an
 * invalidation are bold in the colour of the cause.  The only module that
 * uses cgraph and gvc: nothing of them leaves this file.
 */
#include "reports/report.h"

#include <ctype.h>
#include <errno.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
 * The graph as data, built once and handed to either back end: the DOT
 * text writer (write_dot) or cgraph (build, for gvc's layout).  Its records
 * replay the cgraph calls of the graph in order, so both back ends see the
 * same subgraphs, nodes, edges and attribute values.  Attribute slots are
 * in byte-wise name order, the order agwrite prints them; NULL is unset.
 */
enum { NA_COLOR, NA_FILLCOLOR, NA_FONTNAME, NA_LABEL, NA_PENWIDTH, NA_SHAPE, NA_STYLE,
       NA_TOOLTIP, NA_N };
enum { EA_COLOR, EA_FONTNAME, EA_FONTSIZE, EA_LABEL, EA_LTAIL, EA_PENWIDTH, EA_STYLE, EA_N };
enum { GA_LABEL, GA_RANK, GA_STYLE, GA_TOOLTIP, GA_N };
static const char *const node_attr[NA_N] = {
	"color", "fillcolor", "fontname", "label", "penwidth", "shape", "style", "tooltip"
};
static const char *const edge_attr[EA_N] = {
	"color", "fontname", "fontsize", "label", "ltail", "penwidth", "style"
};
static const char *const graph_attr[GA_N] = { "label", "rank", "style", "tooltip" };

#define DG_ROOT SIZE_MAX

struct dsub {
	const char *name;
	size_t parent;              /* index in subs, DG_ROOT for the root graph */
	const char *a[GA_N];
	size_t *kids, nkids, kalloc;  /* child subgraphs, in creation order */
	size_t *nodes, nnodes, nalloc;  /* nodes directly in it, in creation order */
};

struct dnode {
	const char *name;
	size_t sub;                 /* its subgraph, DG_ROOT for the root graph */
	const char *a[NA_N];
	size_t min_in;              /* the lowest tail index of its in-edges, else SIZE_MAX */
};

struct dedge {
	size_t tail, head;          /* node indexes */
	size_t owner;               /* the (sub)graph it was created in */
	const char *a[EA_N];
};

struct dgraph {
	struct arena arena;
	struct dsub *subs;
	size_t nsubs, salloc;
	struct dnode *nodes;
	size_t nnodes, nalloc;
	struct dedge *edges;
	size_t nedges, ealloc;
	size_t *root_kids, nroot_kids, ralloc;
	struct strmap node_by_name;   /* name -> index + 1 */
	struct strmap sub_by_name;    /* "parent\x1fname" -> index + 1 */
	struct strmap sub_names;      /* every subgraph name */
	bool unusual;                 /* a name collides: cgraph's own rules then decide */
	const struct prediction *pr;
};

static void dg_init(struct dgraph *d, const struct prediction *pr)
{
	memset(d, 0, sizeof(*d));
	arena_init(&d->arena);
	strmap_init(&d->node_by_name);
	strmap_init(&d->sub_by_name);
	strmap_init(&d->sub_names);
	d->pr = pr;
}

static void dg_release(struct dgraph *d)
{
	size_t i;

	for (i = 0; i < d->nsubs; i++) {
		free(d->subs[i].kids);
		free(d->subs[i].nodes);
	}
	free(d->subs);
	free(d->nodes);
	free(d->edges);
	free(d->root_kids);
	strmap_release(&d->node_by_name);
	strmap_release(&d->sub_by_name);
	strmap_release(&d->sub_names);
	arena_release(&d->arena);
}

static const char *dg_str(struct dgraph *d, const char *s)
{
	return arena_strdup(&d->arena, s);
}

static void push_index(size_t **list, size_t *n, size_t *alloc, size_t i)
{
	KC_GROW(*list, *alloc, *n + 1);
	(*list)[(*n)++] = i;
}

/* agsubg(parent, name, 1): the existing child of that name, or a new one. */
static size_t dg_sub(struct dgraph *d, size_t parent, const char *name)
{
	struct strbuf key = STRBUF_INIT;
	uintptr_t known;
	size_t i;

	sb_addf(&key, "%zu\x1f%s", parent, name);
	known = (uintptr_t)strmap_get(&d->sub_by_name, key.buf);
	if (known) {
		sb_release(&key);
		return known - 1;
	}
	/* cgraph's IDs go by name: a name reused elsewhere would reorder siblings */
	if (strmap_has(&d->sub_names, name))
		d->unusual = true;
	strmap_put(&d->sub_names, name, NULL);
	KC_GROW(d->subs, d->salloc, d->nsubs + 1);
	i = d->nsubs++;
	memset(&d->subs[i], 0, sizeof(d->subs[i]));
	d->subs[i].name = dg_str(d, name);
	d->subs[i].parent = parent;
	strmap_put(&d->sub_by_name, key.buf, (void *)(uintptr_t)(i + 1));
	sb_release(&key);
	if (parent == DG_ROOT)
		push_index(&d->root_kids, &d->nroot_kids, &d->ralloc, i);
	else
		push_index(&d->subs[parent].kids, &d->subs[parent].nkids, &d->subs[parent].kalloc, i);
	return i;
}

/* agnode(g, name, 1) then agsubnode(sub, n, 1). */
static size_t dg_node(struct dgraph *d, size_t sub, const char *name)
{
	size_t i;

	if (strmap_has(&d->node_by_name, name))
		d->unusual = true;
	KC_GROW(d->nodes, d->nalloc, d->nnodes + 1);
	i = d->nnodes++;
	memset(&d->nodes[i], 0, sizeof(d->nodes[i]));
	d->nodes[i].name = dg_str(d, name);
	d->nodes[i].sub = sub;
	d->nodes[i].min_in = SIZE_MAX;
	if (!strmap_has(&d->node_by_name, name))
		strmap_put(&d->node_by_name, name, (void *)(uintptr_t)(i + 1));
	/* the root graph's body goes through every node: no list of its own */
	if (sub != DG_ROOT)
		push_index(&d->subs[sub].nodes, &d->subs[sub].nnodes, &d->subs[sub].nalloc, i);
	return i;
}

static struct dedge *dg_edge(struct dgraph *d, size_t owner, size_t tail, size_t head)
{
	struct dedge *e;

	KC_GROW(d->edges, d->ealloc, d->nedges + 1);
	e = &d->edges[d->nedges++];
	memset(e, 0, sizeof(*e));
	e->owner = owner;
	e->tail = tail;
	e->head = head;
	if (tail < d->nodes[head].min_in)
		d->nodes[head].min_in = tail;
	return e;
}

/*
 * cgraph's writer checks, for every node, each direct subgraph of the graph
 * being written: with hundreds of sibling clusters that is quadratic.  Past
 * GROUP_FANOUT siblings, clusters are nested in plain (undrawn) subgraphs, a
 * balanced tree of at most GROUP_FANOUT children per level.  The DOT writer
 * keeps them so that both back ends print the same graph.
 */
#define GROUP_FANOUT 16

static size_t group_for(struct dgraph *d, size_t parent, const char *pkey, size_t idx,
			size_t count)
{
	struct strbuf name = STRBUF_INIT;
	size_t span = 1, levels = 0;
	size_t g = parent;

	while (span * GROUP_FANOUT < count) {
		span *= GROUP_FANOUT;
		levels++;
	}
	sb_addf(&name, "group_%s", pkey);
	for (; levels > 0; levels--, span /= GROUP_FANOUT) {
		sb_addf(&name, "_%zu", idx / span % GROUP_FANOUT);
		g = dg_sub(d, g, name.buf);
	}
	sb_release(&name);
	return g;
}

/* Clusters for every DAG task, parents first (tasks are sorted by path). */
static void make_clusters(struct dgraph *d, struct strmap *clusters)
{
	const struct prediction *pr = d->pr;
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
		size_t parent = DG_ROOT, g;
		uintptr_t idx;
		if (t->kind != TASK_DAG)
			continue;
		if (t->parent) {
			uintptr_t p = (uintptr_t)strmap_get(clusters, pk);
			if (!p) {
				d->unusual = true;
				continue;
			}
			parent = p - 1;
		}
		idx = (uintptr_t)strmap_get(&next, pk);
		strmap_put(&next, pk, (void *)(idx + 1));
		parent = group_for(d, parent, pk, idx, (uintptr_t)strmap_get(&count, pk));
		g = dg_sub(d, parent, dot_name(&name, "cluster_", t->path));
		sb_reset(&label);
		esc(&label, t->key);
		report_iteration_suffix(&label, t);
		d->subs[g].a[GA_LABEL] = dg_str(d, label.buf);
		d->subs[g].a[GA_STYLE] = pr->results[i].conditional ? "rounded,dashed" : "rounded";
		sb_reset(&label);
		esc(&label, t->path);
		d->subs[g].a[GA_TOOLTIP] = dg_str(d, label.buf);
		/* agwrite prints an empty value of a subgraph by its parent's */
		if (!*d->subs[g].a[GA_LABEL] || !*d->subs[g].a[GA_TOOLTIP])
			d->unusual = true;
		strmap_put(clusters, t->path, (void *)(uintptr_t)(g + 1));
	}
	strmap_release(&count);
	strmap_release(&next);
	sb_release(&name);
	sb_release(&label);
}

static void legend(struct dgraph *d)
{
	size_t lg = dg_sub(d, DG_ROOT, "cluster_legend"), prev = SIZE_MAX;
	size_t i;

	d->subs[lg].a[GA_LABEL] = "legend";
	d->subs[lg].a[GA_STYLE] = "rounded";
	d->subs[lg].a[GA_RANK] = "sink";
	for (i = 0; i < DECISION_ORDER_N; i++) {
		char name[48];
		size_t n;
		snprintf(name, sizeof(name), "legend_%s", decision_name(decision_order[i]));
		n = dg_node(d, lg, name);
		d->nodes[n].a[NA_LABEL] = decision_name(decision_order[i]);
		d->nodes[n].a[NA_FILLCOLOR] = report_decision_style(decision_order[i])->fill;
		d->nodes[n].a[NA_TOOLTIP] = decision_name(decision_order[i]);
		if (prev != SIZE_MAX)
			dg_edge(d, lg, prev, n)->a[EA_STYLE] = "invis";
		prev = n;
	}
}

/*
 * A node per executor task, in its DAG's cluster: labelled with its key,
 * decision and reasons, filled by decision, the full story as tooltip.
 */
static void add_nodes(struct dgraph *d, const struct strmap *clusters,
		      const struct strmap *highlight)
{
	const struct prediction *pr = d->pr;
	struct strbuf sb = STRBUF_INIT, id = STRBUF_INIT, list = STRBUF_INIT;
	size_t i, k;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		struct dnode *n;
		size_t sub = DG_ROOT;
		if (!task_is_executor(t))
			continue;
		if (t->parent) {
			uintptr_t p = (uintptr_t)strmap_get(clusters, t->parent->path);
			if (!p) {
				d->unusual = true;
				continue;
			}
			sub = p - 1;
		}
		k = dg_node(d, sub, dot_name(&id, "", t->path));
		n = &d->nodes[k];
		sb_reset(&sb);
		esc(&sb, t->key);
		report_iteration_suffix(&sb, t);
		sb_addf(&sb, "\\n%s", decision_name(r->decision));
		if (r->nreasons) {
			sb_adds(&sb, "\\n");
			esc(&sb, result_reasons_str(&list, r));
		}
		n->a[NA_LABEL] = dg_str(d, sb.buf);
		n->a[NA_FILLCOLOR] = report_decision_style(r->decision)->fill;
		if (highlight && strmap_has(highlight, t->path)) {
			n->a[NA_PENWIDTH] = "3";
			n->a[NA_COLOR] = "#b2182b";
		}
		if (t->kind == TASK_IMPORTER)
			n->a[NA_SHAPE] = "cds";
		if (r->conditional)
			n->a[NA_STYLE] = "filled,rounded,dashed";
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
		n->a[NA_TOOLTIP] = dg_str(d, sb.buf);
	}
	sb_release(&sb);
	sb_release(&id);
	sb_release(&list);
}

static size_t dg_find_node(struct dgraph *d, const char *name)
{
	uintptr_t i = (uintptr_t)strmap_get(&d->node_by_name, name);

	if (!i)
		d->unusual = true;
	return i ? i - 1 : SIZE_MAX;
}

/*
 * The data and `after` edges into each executor task; an edge out of a
 * sub-DAG is drawn once, from its cluster, and an edge that carries an
 * invalidation is bold in the colour of the producer's decision.
 */
static void add_edges(struct dgraph *d)
{
	const struct prediction *pr = d->pr;
	struct strmap drawn = STRMAP_INIT;
	struct strbuf id = STRBUF_INIT;
	size_t i;

	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		struct dag_edge *in;
		size_t nin, k, to;
		if (!task_is_executor(t))
			continue;
		to = dg_find_node(d, dot_name(&id, "", t->path));
		nin = dag_in_edges(pr->dag, t, &in);
		for (k = 0; k < nin; k++) {
			const char *label = in[k].label;
			const char *via = in[k].via;
			const struct task_result *pres = &pr->results[in[k].from->index];
			struct dedge *ne;
			size_t from;
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
			from = dg_find_node(d, dot_name(&id, "", in[k].from->path));
			if (from == SIZE_MAX || to == SIZE_MAX)
				continue;
			ne = dg_edge(d, DG_ROOT, from, to);
			ne->a[EA_LABEL] = dg_str(d, label);
			if (via && *via) {
				struct strbuf cl = STRBUF_INIT;
				ne->a[EA_LTAIL] = dg_str(d, dot_name(&cl, "cluster_", via));
				sb_release(&cl);
			}
			if (!strcmp(label, "after"))
				ne->a[EA_STYLE] = "dashed";
			/* Invalidating: the consumer is not HIT because the producer runs. */
			if (pres && !result_hits_earlier_run(pres) &&
			    (r->decision == DECISION_MISS_UPSTREAM || r->decision == DECISION_UNKNOWN) &&
			    strcmp(label, "after")) {
				ne->a[EA_STYLE] = "bold";
				ne->a[EA_PENWIDTH] = "2.5";
				ne->a[EA_COLOR] = report_decision_style(pres->decision)->edge;
			}
		}
		free(in);
	}
	strmap_release(&drawn);
	sb_release(&id);
}

/* The decision graph of a prediction: clusters, task nodes, edges, legend. */
static void describe(struct dgraph *d, const struct prediction *pr,
		     const struct strmap *highlight)
{
	struct strmap clusters = STRMAP_INIT;

	dg_init(d, pr);
	make_clusters(d, &clusters);
	add_nodes(d, &clusters, highlight);
	add_edges(d);
	legend(d);
	strmap_release(&clusters);
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

static const char *attr_default(int kind, const char *name)
{
	size_t i;

	for (i = 0; i < KC_ARRAY_SIZE(attr_defaults); i++)
		if (attr_defaults[i].kind == kind && !strcmp(attr_defaults[i].name, name))
			return attr_defaults[i].value;
	return "";
}

/* The root graph's title: the pipeline's name and tally. */
static void graph_label(struct strbuf *sb, const struct prediction *pr)
{
	size_t i;

	esc(sb, pr->dag->pipeline_name);
	sb_addf(sb, "\\n%zu %s:", pr->executors, plural(pr->executors, "executor task", "executor tasks"));
	for (i = 0; i < DECISION_ORDER_N; i++)
		sb_addf(sb, "%s %s %zu", i ? "," : "", decision_name(decision_order[i]),
			pr->counts[decision_order[i]]);
}

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
	graph_label(&sb, pr);
	set(g, "label", sb.buf);
	set(g, "labelloc", "t");
	sb_release(&sb);
	return g;
}

/* The description as a cgraph graph, for gvc (and for agwrite, see write_dot). */
static Agraph_t *build_cgraph(const struct dgraph *d)
{
	Agraph_t *g = open_graph(d->pr);
	Agraph_t **subs = xreallocarray(NULL, d->nsubs ? d->nsubs : 1, sizeof(*subs));
	Agnode_t **nodes = xreallocarray(NULL, d->nnodes ? d->nnodes : 1, sizeof(*nodes));
	size_t i, k;

	for (i = 0; i < d->nsubs; i++) {
		const struct dsub *s = &d->subs[i];
		subs[i] = agsubg(s->parent == DG_ROOT ? g : subs[s->parent], (char *)s->name, 1);
		for (k = 0; k < GA_N; k++)
			if (s->a[k])
				set(subs[i], graph_attr[k], s->a[k]);
	}
	for (i = 0; i < d->nnodes; i++) {
		const struct dnode *n = &d->nodes[i];
		nodes[i] = agnode(g, (char *)n->name, 1);
		if (n->sub != DG_ROOT)
			agsubnode(subs[n->sub], nodes[i], 1);
		for (k = 0; k < NA_N; k++)
			if (n->a[k])
				set(nodes[i], node_attr[k], n->a[k]);
	}
	for (i = 0; i < d->nedges; i++) {
		const struct dedge *e = &d->edges[i];
		Agedge_t *ne = agedge(e->owner == DG_ROOT ? g : subs[e->owner],
				      nodes[e->tail], nodes[e->head], NULL, 1);
		for (k = 0; k < EA_N; k++)
			if (e->a[k])
				set(ne, edge_attr[k], e->a[k]);
	}
	free(subs);
	free(nodes);
	return g;
}

static Agraph_t *build(const struct prediction *pr, const struct strmap *highlight)
{
	struct dgraph d;
	Agraph_t *g;

	describe(&d, pr, highlight);
	g = build_cgraph(&d);
	dg_release(&d);
	return g;
}

/* ---- DOT text in agwrite's format (Graphviz 2.42 lib/cgraph/write.c) ---- */

#define MAX_OUTPUTLINE 128
#define is_id_char(c) (isalnum(c) || (c) == '.' || (c) == '-' || (c) >= 0x80)
#define is_name_char(c) (isalnum(c) || (c) == '_' || (c) >= 0x80)

/*
 * agstrcanon: s as a DOT ID, quoted when it is not a plain name or number,
 * and broken after MAX_OUTPUTLINE characters at the next place where a
 * non-id character is followed by an id character (Graphviz 2.42 counts
 * '-' as an id character there; checked against agwrite on random strings).
 */
static void canon(struct strbuf *out, const char *arg)
{
	static const char *const tokens[] = { "node", "edge", "strict", "graph", "digraph",
					      "subgraph" };
	const unsigned char *s = (const unsigned char *)arg;
	size_t start = out->len, cnt = 0, dotcnt = 0, i;
	bool needs_quotes = false, maybe_num, backslash_pending = false, breakable;
	unsigned char uc, last;

	if (!arg || !*arg) {
		sb_adds(out, "\"\"");
		return;
	}
	sb_addc(out, '"');
	uc = *s++;
	maybe_num = isdigit(uc) || uc == '.' || uc == '-';
	while (uc) {
		if (uc == '"') {
			sb_addc(out, '\\');
			needs_quotes = true;
		} else if (maybe_num) {
			if (uc == '-') {
				if (cnt) {
					maybe_num = false;
					needs_quotes = true;
				}
			} else if (uc == '.') {
				if (dotcnt++) {
					maybe_num = false;
					needs_quotes = true;
				}
			} else if (!isdigit(uc)) {
				maybe_num = false;
				needs_quotes = true;
			}
		} else if (!is_name_char(uc)) {
			needs_quotes = true;
		}
		sb_addc(out, (char)uc);
		uc = *s++;
		cnt++;
		/* Long strings break after a non-id character, before an id character. */
		last = (unsigned char)out->buf[out->len - 1];
		breakable = !(is_id_char(last) || last == '\\') && is_id_char(uc);
		if (uc && backslash_pending && breakable) {
			sb_adds(out, "\\\n");
			needs_quotes = true;
			backslash_pending = false;
			cnt = 0;
		} else if (uc && cnt >= MAX_OUTPUTLINE) {
			if (breakable) {
				sb_adds(out, "\\\n");
				needs_quotes = true;
				cnt = 0;
			} else {
				backslash_pending = true;
			}
		}
	}
	sb_addc(out, '"');
	if (needs_quotes || (cnt == 1 && (*arg == '.' || *arg == '-')))
		return;
	for (i = 0; i < KC_ARRAY_SIZE(tokens); i++)
		if (!strcasecmp(tokens[i], arg))
			return;
	/* a plain ID: unquoted */
	out->len = start;
	out->buf[start] = '\0';
	sb_adds(out, arg);
}

static void indent(struct strbuf *out, int level)
{
	for (; level > 0; level--)
		sb_addc(out, '\t');
}

/* name=value after `open` (the first of a list) or after ",\n" and the indent. */
static void write_pair(struct strbuf *out, int level, const char *open, const char *name,
		       const char *value)
{
	if (open) {
		sb_adds(out, open);
	} else {
		sb_adds(out, ",\n");
		indent(out, level + 1);
	}
	canon(out, name);
	sb_addc(out, '=');
	canon(out, value);
}

/* An attribute statement (graph/node/edge [a=b, ...];) of the set values. */
static void write_dict(struct strbuf *out, int level, const char *kind,
		       const char *const *names, const char *const *values, size_t n)
{
	size_t i, cnt = 0;

	for (i = 0; i < n; i++) {
		if (!values[i] || !*values[i])
			continue;
		if (cnt++ == 0) {
			indent(out, level);
			sb_adds(out, kind);
		}
		write_pair(out, level, cnt == 1 ? " [" : NULL, names[i], values[i]);
	}
	if (cnt > 1) {
		sb_addc(out, '\n');
		indent(out, level);
	}
	if (cnt)
		sb_adds(out, "];\n");
}

/* "\t[a=b,\n...]" of the values that differ from the defaults. */
static void write_attrs(struct strbuf *out, int level, int kind, const char *const *names,
			const char *const *values, size_t n)
{
	size_t i, cnt = 0;

	for (i = 0; i < n; i++) {
		if (!values[i] || !strcmp(values[i], attr_default(kind, names[i])))
			continue;
		cnt++;
		write_pair(out, level, cnt == 1 ? "\t[" : NULL, names[i], values[i]);
	}
	if (cnt)
		sb_addc(out, ']');
}

struct out_edge {
	size_t head, idx;
};

struct dot_out {
	const struct dgraph *d;
	struct strbuf sb;
	FILE *fp;
	struct out_edge **out;      /* per node: its out-edges, by head then creation */
	size_t *nout;
	bool failed;
};

static void flush_some(struct dot_out *o, bool all)
{
	if (o->sb.len && (all || o->sb.len > 1 << 16)) {
		if (fwrite(o->sb.buf, 1, o->sb.len, o->fp) != o->sb.len)
			o->failed = true;
		sb_reset(&o->sb);
	}
}

static void write_node(struct dot_out *o, int level, size_t i)
{
	const struct dnode *n = &o->d->nodes[i];

	indent(&o->sb, level);
	canon(&o->sb, n->name);
	write_attrs(&o->sb, level, AGNODE, node_attr, n->a, NA_N);
	sb_adds(&o->sb, ";\n");
	flush_some(o, false);
}

static void write_edge(struct dot_out *o, int level, const struct dedge *e)
{
	indent(&o->sb, level);
	canon(&o->sb, o->d->nodes[e->tail].name);
	sb_adds(&o->sb, " -> ");
	canon(&o->sb, o->d->nodes[e->head].name);
	write_attrs(&o->sb, level, AGEDGE, edge_attr, e->a, EA_N);
	sb_adds(&o->sb, ";\n");
	flush_some(o, false);
}

/*
 * write_node_test: a node directly in g is written unless one of its
 * predecessors (in g) comes before `pred`: it was then written before that
 * predecessor's edge.  (Every node here has attributes.)
 */
static bool node_due(const struct dgraph *d, size_t g, size_t n, size_t pred)
{
	return d->nodes[n].sub == g && n >= pred && d->nodes[n].min_in >= pred;
}

static void write_body(struct dot_out *o, int level, size_t g);

static void write_sub(struct dot_out *o, int level, size_t i)
{
	const struct dsub *s = &o->d->subs[i];

	indent(&o->sb, level);
	sb_adds(&o->sb, "subgraph ");
	canon(&o->sb, s->name);
	sb_adds(&o->sb, " {\n");
	write_dict(&o->sb, level + 1, "graph", graph_attr, s->a, GA_N);
	write_body(o, level + 1, i);
	indent(&o->sb, level);
	sb_adds(&o->sb, "}\n");
}

/*
 * agwrite's write_body: the subgraphs, then each node with the edges out of
 * it, a head written before its first edge.  Only the root graph and the
 * legend (the last subgraph) hold edges.
 */
static void write_body(struct dot_out *o, int level, size_t g)
{
	const struct dgraph *d = o->d;
	const size_t *kids = g == DG_ROOT ? d->root_kids : d->subs[g].kids;
	size_t nkids = g == DG_ROOT ? d->nroot_kids : d->subs[g].nkids;
	bool edges = g == DG_ROOT || g == d->nsubs - 1;
	size_t i, k;

	for (i = 0; i < nkids; i++)
		write_sub(o, level, kids[i]);
	if (!edges) {
		for (i = 0; i < d->subs[g].nnodes; i++)
			write_node(o, level, d->subs[g].nodes[i]);
		return;
	}
	for (i = 0; i < d->nnodes; i++) {
		size_t prev = i;
		if (g != DG_ROOT && d->nodes[i].sub != g)
			continue;
		if (node_due(d, g, i, i))
			write_node(o, level, i);
		for (k = 0; k < o->nout[i]; k++) {
			const struct dedge *e = &d->edges[o->out[i][k].idx];
			if (e->owner != g && g != DG_ROOT)
				continue;
			if (prev != e->head && node_due(d, g, e->head, i)) {
				write_node(o, level, e->head);
				prev = e->head;
			}
			if (e->owner == g)
				write_edge(o, level, e);
		}
	}
}

static int out_edge_cmp(const void *pa, const void *pb)
{
	const struct out_edge *a = pa, *b = pb;

	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The graph as DOT, byte for byte what agwrite prints for build_cgraph(d). */
static int write_dot(FILE *fp, const struct dgraph *d)
{
	static const char *const root_attr[] = { "compound", "fontname", "label", "labelloc",
						 "rankdir" };
	const char *root_val[5] = { "true", "Helvetica", NULL, "t", "LR" };
	const char *nval[NA_N], *eval[EA_N];
	struct dot_out o;
	struct strbuf label = STRBUF_INIT;
	size_t i, *nalloc;

	memset(&o, 0, sizeof(o));
	o.d = d;
	o.fp = fp;
	sb_reset(&o.sb);
	o.out = xcalloc(d->nnodes ? d->nnodes : 1, sizeof(*o.out));
	o.nout = xcalloc(d->nnodes ? d->nnodes : 1, sizeof(*o.nout));
	nalloc = xcalloc(d->nnodes ? d->nnodes : 1, sizeof(*nalloc));
	for (i = 0; i < d->nedges; i++) {
		size_t t = d->edges[i].tail;
		KC_GROW(o.out[t], nalloc[t], o.nout[t] + 1);
		o.out[t][o.nout[t]].head = d->edges[i].head;
		o.out[t][o.nout[t]++].idx = i;
	}
	for (i = 0; i < d->nnodes; i++)
		if (o.nout[i] > 1)
			qsort(o.out[i], o.nout[i], sizeof(**o.out), out_edge_cmp);

	graph_label(&label, d->pr);
	root_val[2] = label.buf;
	for (i = 0; i < NA_N; i++)
		nval[i] = attr_default(AGNODE, node_attr[i]);
	for (i = 0; i < EA_N; i++)
		eval[i] = attr_default(AGEDGE, edge_attr[i]);
	sb_adds(&o.sb, "digraph kfpcache {\n");
	write_dict(&o.sb, 1, "graph", root_attr, root_val, KC_ARRAY_SIZE(root_attr));
	write_dict(&o.sb, 1, "node", node_attr, nval, NA_N);
	write_dict(&o.sb, 1, "edge", edge_attr, eval, EA_N);
	write_body(&o, 1, DG_ROOT);
	sb_adds(&o.sb, "}\n");
	flush_some(&o, true);

	for (i = 0; i < d->nnodes; i++)
		free(o.out[i]);
	free(o.out);
	free(o.nout);
	free(nalloc);
	sb_release(&o.sb);
	sb_release(&label);
	return o.failed ? -1 : 0;
}

int report_dot_write(FILE *fp, const struct prediction *pr)
{
	return report_dot_write_highlight(fp, pr, NULL);
}

int report_dot_write_highlight(FILE *fp, const struct prediction *pr,
			       const struct strmap *highlight)
{
	struct dgraph d;
	int ret;

	describe(&d, pr, highlight);
	if (!d.unusual) {
		ret = write_dot(fp, &d);
	} else {
		/* colliding names: cgraph merges them by its own rules */
		Agraph_t *g;
		pthread_mutex_lock(&graph_lock);
		g = build_cgraph(&d);
		ret = agwrite(g, fp);
		close_graph(g);
		pthread_mutex_unlock(&graph_lock);
	}
	dg_release(&d);
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
