/*
 * cost.c - resources per executor and their sums per decision.  After
 * predict in the flow.  Reads container.resources as the SDKs compile it
 * (pipeline_spec.proto ResourceSpec): the deprecated doubles cpuLimit,
 * cpuRequest (cores), memoryLimit, memoryRequest (GB), and the quantity
 * strings resourceCpuLimit, resourceCpuRequest, resourceMemoryLimit,
 * resourceMemoryRequest; accelerator {type, count} or {resourceType,
 * resourceCount}.  KFP does not hash resources, so changing them never
 * changes a decision; they only weigh it.
 */
#include "model/cost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

int cost_parse_quantity(const char *s, double *out)
{
	static const struct { const char *suffix; double mult; } units[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
		{ "Ti", 1099511627776.0 }, { "Pi", 1125899906842624.0 },
		{ "Ei", 1152921504606846976.0 },
		{ "k", 1e3 }, { "K", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 },
		{ "P", 1e15 }, { "E", 1e18 }, { "m", 1e-3 }, { "", 1.0 }
	};
	char *end;
	double v;
	size_t i;

	if (!s || !*s)
		return -1;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -1;
	for (i = 0; i < KC_ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].suffix)) {
			*out = v * units[i].mult;
			return 0;
		}
	return -1;
}

/*
 * One value of the resources map: a quantity string (new fields) or a
 * number (old ones, in `old_unit`).  1 set, 0 absent, -1 run-time value.
 */
static int read_value(const struct node *res, const char *new_key, const char *old_key,
		      double old_unit, double *out)
{
	const struct node *v = node_get(res, new_key);

	if (v && v->type == NODE_STRING && *v->str) {
		if (strstr(v->str, "{{"))
			return -1;
		if (cost_parse_quantity(v->str, out) == 0)
			return 1;
	}
	if (v && v->type == NODE_NUMBER) {
		*out = v->number;
		return 1;
	}
	v = node_get(res, old_key);
	if (v && v->type == NODE_NUMBER && v->number > 0) {
		*out = v->number * old_unit;
		return 1;
	}
	if (v && v->type == NODE_STRING && cost_parse_quantity(v->str, out) == 0) {
		*out *= old_unit;
		return 1;
	}
	return 0;
}

/* Request if given, else the limit (Kubernetes defaults request to limit). */
static void read_pair(const struct node *res, const char *what, double old_unit,
		      double *out, struct task_resources *r)
{
	char nreq[64], nlim[64], oreq[64], olim[64];
	double v = 0;
	int got;

	snprintf(nreq, sizeof(nreq), "resource%sRequest", what);
	snprintf(nlim, sizeof(nlim), "resource%sLimit", what);
	snprintf(oreq, sizeof(oreq), "%c%sRequest", what[0] + 32, what + 1);
	snprintf(olim, sizeof(olim), "%c%sLimit", what[0] + 32, what + 1);
	got = read_value(res, nreq, oreq, old_unit, &v);
	if (got == 0)
		got = read_value(res, nlim, olim, old_unit, &v);
	if (got < 0)
		r->dynamic = what;
	*out = got > 0 ? v : 0;
}

void cost_task_resources(const struct task *t, struct task_resources *out)
{
	const struct node *res = node_get(t->container, "resources");
	const struct node *acc = node_get(res, "accelerator");
	const struct node *cnt;
	double gpus = 0;

	memset(out, 0, sizeof(*out));
	if (!node_is_map(res))
		return;
	out->any = true;
	read_pair(res, "Cpu", 1.0, &out->cpu, out);
	read_pair(res, "Memory", 1e9, &out->memory, out);   /* the old fields are in GB */
	if (!node_is_map(acc))
		return;
	out->gpu_type = node_get_str(acc, "resourceType");
	if (!out->gpu_type || !*out->gpu_type)
		out->gpu_type = node_get_str(acc, "type");
	cnt = node_get(acc, "resourceCount");
	if (!cnt || (cnt->type == NODE_STRING && !*cnt->str))
		cnt = node_get(acc, "count");
	if (cnt && cnt->type == NODE_NUMBER)
		gpus = cnt->number;
	else if (cnt && cnt->type == NODE_STRING && strstr(cnt->str, "{{"))
		out->dynamic = "accelerator";
	else if (cnt && cnt->type == NODE_STRING && cost_parse_quantity(cnt->str, &gpus) < 0)
		gpus = 0;
	/* An accelerator type without a count means one (the SDK's default). */
	if (!cnt && out->gpu_type && *out->gpu_type)
		gpus = 1;
	out->gpus = gpus;
}

/* ---- durations ---- */

struct durations {
	struct strmap by_task;      /* path -> double * (malloc'd) */
};

static void free_value(const char *key, void *value, void *ctx)
{
	(void)key;
	(void)ctx;
	free(value);
}

void durations_free(struct durations *d)
{
	if (!d)
		return;
	strmap_each(&d->by_task, free_value, NULL);
	strmap_release(&d->by_task);
	free(d);
}

/* One CSV field (RFC 4180 quoting) from *p into sb; advances *p. */
static int csv_field(const char **p, struct strbuf *sb)
{
	const char *s = *p;

	sb_reset(sb);
	if (*s == '"') {
		s++;
		for (;;) {
			if (!*s)
				return -1;
			if (*s == '"' && s[1] == '"') {
				sb_addc(sb, '"');
				s += 2;
			} else if (*s == '"') {
				s++;
				break;
			} else {
				sb_addc(sb, *s++);
			}
		}
	} else {
		size_t n = strcspn(s, ",\r\n");
		sb_add(sb, s, n);
		s += n;
	}
	*p = s;
	return 0;
}

int durations_load(struct durations **out, const char *path)
{
	struct durations *d = xcalloc(1, sizeof(*d));
	struct strbuf task = STRBUF_INIT, secs = STRBUF_INIT;
	char *buf = NULL, *end;
	const char *p;
	size_t len, line = 0;
	int ret = -1;

	strmap_init(&d->by_task);
	if (read_file(path, &buf, &len) < 0)
		goto done;
	for (p = buf; *p; ) {
		double v, *slot;
		line++;
		if (*p == '\n' || *p == '\r') {
			p += *p == '\r' && p[1] == '\n' ? 2 : 1;
			continue;
		}
		if (csv_field(&p, &task) < 0 || *p != ',') {
			err_set("%s:%zu: expected task,seconds", path, line);
			goto done;
		}
		p++;
		if (csv_field(&p, &secs) < 0 || (*p && *p != '\n' && *p != '\r')) {
			err_set("%s:%zu: expected task,seconds", path, line);
			goto done;
		}
		v = strtod(sb_str(&secs), &end);
		if (line == 1 && !strcmp(sb_str(&secs), "seconds"))
			continue;     /* the header */
		if (end == sb_str(&secs) || *end || !isfinite(v) || v < 0) {
			err_set("%s:%zu: '%s' is not a number of seconds", path, line, sb_str(&secs));
			goto done;
		}
		slot = xmalloc(sizeof(*slot));
		*slot = v;
		free(strmap_put(&d->by_task, sb_str(&task), slot));
	}
	ret = 0;
done:
	free(buf);
	sb_release(&task);
	sb_release(&secs);
	if (ret < 0) {
		durations_free(d);
		return -1;
	}
	*out = d;
	return 0;
}

bool durations_get(const struct durations *d, const char *path, double *seconds)
{
	const double *v = strmap_get(&d->by_task, path);
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (!v && strchr(path, '[')) {
		/* "for-loop-4[2]/deploy-model" -> "for-loop-4/deploy-model" */
		for (p = path; *p; p++) {
			if (*p == '[' && strchr(p, ']')) {
				p = strchr(p, ']');
				continue;
			}
			sb_addc(&sb, *p);
		}
		v = strmap_get(&d->by_task, sb_str(&sb));
	}
	sb_release(&sb);
	if (v)
		*seconds = *v;
	return v != NULL;
}

/* ---- sums ---- */

static void add_row(struct cost_row *row, const struct task_resources *r, bool timed, double secs)
{
	row->tasks++;
	row->cpu += r->cpu;
	row->memory += r->memory;
	row->gpus += r->gpus;
	if (timed) {
		row->timed++;
		row->seconds += secs;
		row->cpu_seconds += r->cpu * secs;
		row->gpu_seconds += r->gpus * secs;
	}
}

void cost_compute(struct cost *out, const struct prediction *pr, const struct durations *d)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->have_durations = d != NULL;
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		const struct task *t = r->task;
		struct task_resources res;
		double secs = 0;
		bool timed, runs;
		/* Every executor, importers too, as the summary counts them (predict.c). */
		if (!t || !task_is_executor(t) || r->decision == DECISION_NONE)
			continue;
		cost_task_resources(t, &res);
		out->with_resources += res.any;
		out->dynamic += res.dynamic != NULL;
		timed = d && durations_get(d, t->path, &secs);
		add_row(&out->by[r->decision], &res, timed, secs);
		runs = r->decision == DECISION_MISS || r->decision == DECISION_MISS_UPSTREAM ||
		       r->decision == DECISION_DISABLED;
		if (runs)
			add_row(&out->runs, &res, timed, secs);
		if (r->decision == DECISION_HIT)
			add_row(&out->saved, &res, timed, secs);
		if (res.gpus > 0 && runs)
			out->gpu_runs++;
		if (res.gpus > 0 && (r->decision == DECISION_MISS ||
				     r->decision == DECISION_MISS_UPSTREAM))
			out->gpu_miss++;
	}
}
