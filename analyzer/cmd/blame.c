/*
 * cmd/blame.c - `kfpcache blame PATH`: for each task of the newest version,
 * the commit that last invalidated its cache entry and what it changed: for a
 * task that hits, the commit whose run created the entry it hits; for one
 * that misses, the start of its current run of misses.
 * Replays the history with the cumulative cache model, as `history` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/outfile.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "load/history.h"
#include "model/walk.h"
#include "reports/report.h"
#include "base/banned.h"

enum { B_RANGE = 256, B_FOLLOW, B_CSV, B_QUIET };

const struct opt blame_opts[] = {
	{ "range", 0, "A..B", "commits reachable from B but not from A", B_RANGE, 0, OPTG_INPUTS, "HEAD" },
	{ "follow", 0, NULL, "follow the spec through renames and moves", B_FOLLOW, 0, OPTG_INPUTS, "off" },
	{ "csv", 0, "FILE", "write the table as CSV ('-' for stdout)", B_CSV, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "quiet", 'q', NULL, "no table on stdout", B_QUIET, 0, OPTG_OUTPUTS, "off" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

struct blame_rec {
	char commit[41];
	char date[32];
	char *author, *subject;
	enum decision decision;
	char *reason, *root_cause;
	size_t last_seen;            /* last commit index of this streak */
};

/* Every invalidation of one task: the misses whose runs created entries. */
struct blame_list {
	struct blame_rec *v;
	size_t n, alloc;
};

struct blame_ctx {
	struct hist_options ho;
	const char *csv;
	bool quiet;
	struct strmap recs;          /* task path -> struct blame_list * */
	char **final_paths;          /* tasks of the newest analyzable version */
	enum decision *final_dec;
	char (*final_hit)[13];       /* commit (short) whose run made the entry hit now */
	size_t nfinal;
	size_t errors;
};

static int on_opt(int id, const char *arg, void *ctx)
{
	struct blame_ctx *b = ctx;

	switch (id) {
	case B_RANGE: b->ho.range = arg; return 0;
	case B_FOLLOW: b->ho.follow = true; return 0;
	case B_CSV: b->csv = arg; return 0;
	case B_QUIET: b->quiet = true; return 0;
	}
	return -1;
}

static void list_free(const char *key, void *value, void *ctx)
{
	struct blame_list *l = value;
	size_t i;

	(void)key;
	(void)ctx;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].author);
		free(l->v[i].subject);
		free(l->v[i].reason);
		free(l->v[i].root_cause);
	}
	free(l->v);
	free(l);
}

/*
 * The blamed record: for a task that hits now, the miss whose run created
 * the entry it hits; otherwise the start of its latest run of misses.
 */
static const struct blame_rec *blamed(const struct blame_ctx *b, size_t i)
{
	const struct blame_list *l = strmap_get(&b->recs, b->final_paths[i]);
	size_t k;

	if (!l || !l->n)
		return NULL;
	if (b->final_dec[i] != DECISION_HIT)
		return &l->v[l->n - 1];
	for (k = l->n; k-- > 0;)
		if (!strncmp(l->v[k].commit, b->final_hit[i], strlen(b->final_hit[i])))
			return &l->v[k];
	return NULL;
}

/*
 * The walk's callback for one commit: remember every executor task's
 * decision as the final state, and for each task that does not hit add a
 * record of this commit unless it only continues the previous one (same
 * decision and reason at the commit before, and not MISS_UPSTREAM).  Kept
 * whole: both are done in the one loop over the prediction's tasks.
 */
static int on_commit(struct walk *w, size_t index, const struct hist_entry *e,
		     const struct prediction *pr, const char *error)
{
	struct blame_ctx *b = w->ctx;
	struct strbuf reason, causes;
	size_t i;

	if (!pr) {
		if (strcmp(error, "deleted"))
			b->errors++;
		return 0;
	}
	for (i = 0; i < b->nfinal; i++)
		free(b->final_paths[i]);
	b->nfinal = 0;
	b->final_paths = xreallocarray(b->final_paths, pr->n + 1, sizeof(*b->final_paths));
	b->final_dec = xreallocarray(b->final_dec, pr->n + 1, sizeof(*b->final_dec));
	b->final_hit = xreallocarray(b->final_hit, pr->n + 1, sizeof(*b->final_hit));
	sb_init(&reason);
	sb_init(&causes);
	for (i = 0; i < pr->n; i++) {
		const struct task_result *r = &pr->results[i];
		struct blame_list *l;
		struct blame_rec *rec;
		if (!task_is_executor(r->task))
			continue;
		b->final_paths[b->nfinal] = xstrdup(r->task->path);
		b->final_dec[b->nfinal] = r->decision;
		snprintf(b->final_hit[b->nfinal], sizeof(b->final_hit[0]), "%s",
			 r->hit.run ? r->hit.run : "");
		b->nfinal++;
		if (r->decision == DECISION_HIT)
			continue;
		if (!(l = strmap_get(&b->recs, r->task->path))) {
			l = xcalloc(1, sizeof(*l));
			strmap_put(&b->recs, r->task->path, l);
		}
		rec = l->n ? &l->v[l->n - 1] : NULL;
		sb_reset(&reason);
		result_reason_list(&reason, r);
		/* A task that misses every time for the same reason (a per-run
		 * value, caching off) keeps the commit where that began. */
		if (rec && rec->last_seen + 1 == index && rec->decision == r->decision &&
		    !strcmp(rec->reason, sb_str(&reason)) && r->decision != DECISION_MISS_UPSTREAM) {
			rec->last_seen = index;
			continue;
		}
		KC_GROW(l->v, l->alloc, l->n + 1);
		rec = &l->v[l->n++];
		memset(rec, 0, sizeof(*rec));
		memcpy(rec->commit, e->commit, sizeof(rec->commit));
		history_format_date(rec->date, e->time, e->offset);
		rec->author = xstrdup(e->author);
		rec->subject = xstrdup(e->subject);
		rec->decision = r->decision;
		rec->reason = xstrdup(sb_str(&reason));
		sb_reset(&causes);
		result_cause_list(&causes, r);
		rec->root_cause = xstrdup(sb_str(&causes));
		rec->last_seen = index;
	}
	sb_release(&reason);
	sb_release(&causes);
	return 0;
}

static void emit(FILE *fp, struct blame_ctx *b, bool csv)
{
	static const char *const head[] = {
		"task", "commit", "date", "author", "subject", "decision", "reason",
		"root_cause", "now"
	};
	size_t i, k;

	if (csv) {
		for (k = 0; k < KC_ARRAY_SIZE(head); k++)
			fprintf(fp, "%s%s", k ? "," : "", head[k]);
		fputc('\n', fp);
	}
	for (i = 0; i < b->nfinal; i++) {
		const struct blame_rec *r = blamed(b, i);
		const char *cells[KC_ARRAY_SIZE(head)];
		char shortid[13];
		snprintf(shortid, sizeof(shortid), "%.12s", r ? r->commit : "");
		cells[0] = b->final_paths[i];
		cells[1] = r ? (csv ? r->commit : shortid) : "";
		cells[2] = r ? r->date : "";
		cells[3] = r ? r->author : "";
		cells[4] = r ? r->subject : "";
		cells[5] = r ? decision_name(r->decision) : "";
		cells[6] = r ? r->reason : "";
		cells[7] = r ? r->root_cause : "";
		cells[8] = decision_name(b->final_dec[i]);
		if (csv) {
			for (k = 0; k < KC_ARRAY_SIZE(cells); k++) {
				if (k)
					fputc(',', fp);
				report_csv_cell(fp, cells[k]);
			}
			fputc('\n', fp);
		} else if (r) {
			/* For a person: author, subject and names are escaped (util.h). */
			fprintf(fp, "%s %.10s %-14s %s\n    %s %s%s%s  (now %s)\n", shortid,
				term_text(r->date), term_text(r->author), term_text(r->subject),
				term_text(b->final_paths[i]), decision_name(r->decision),
				*r->reason ? " " : "", term_text(r->reason), cells[8]);
		} else {
			fprintf(fp, "%-12s %s: never invalidated in the range  (now %s)\n", "",
				term_text(b->final_paths[i]), cells[8]);
		}
	}
}

/*
 * Open the repository, log PATH's commits, walk them into blame records,
 * then write the CSV and print the table.  One linear sequence; the walk
 * setup is a run of field assignments, and the repository, entries and
 * records are released under the one cleanup label.
 */
int cmd_blame(int argc, char **argv, const struct command *cmd)
{
	struct blame_ctx b;
	struct common c;
	struct gitrepo *repo = NULL;
	struct hist_entry *entries = NULL;
	struct outset os;
	struct walk w;
	size_t n = 0, i;
	int idx, ret = EXIT_ERROR;
	FILE *fp;

	memset(&b, 0, sizeof(b));
	strmap_init(&b.recs);
	common_init(&c);
	outset_init(&os);
	idx = cmd_args(argc, argv, cmd, &c, on_opt, &b, 1, 1, "one PATH", &ret);
	if (idx < 0)
		goto done;
	if (gitrepo_open(&repo, c.repo) < 0 || history_log(repo, argv[idx], &b.ho, &entries, &n) < 0) {
		ret = cmd_fail();
		goto done;
	}
	memset(&w, 0, sizeof(w));
	w.repo = repo;
	w.pol = &c.pol;
	common_dag_options(&c, &c.pol, &w.dag_opts);
	w.limits = &c.limits;
	w.spec_path = argv[idx];
	w.progress = !b.quiet && isatty(2) && !getenv("CI");
	w.on_commit = on_commit;
	w.ctx = &b;
	w.jobs = default_jobs();
	if (walk_spec(&w, entries, n, 0, n) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if (b.csv && !strcmp(b.csv, "-")) {
		emit(stdout, &b, true);
	} else if (b.csv) {
		if (outset_open(&os, b.csv, &fp) < 0) {
			ret = cmd_fail();
			goto done;
		}
		emit(fp, &b, true);
		if (outset_commit(&os) < 0) {
			ret = cmd_fail();
			goto done;
		}
	}
	if (!b.quiet && !(b.csv && !strcmp(b.csv, "-")))
		emit(stdout, &b, false);
	ret = fflush(stdout) ? EXIT_ERROR : b.errors ? 3 : EXIT_OK;
done:
	outset_abort(&os);
	strmap_each(&b.recs, list_free, NULL);
	strmap_release(&b.recs);
	for (i = 0; i < b.nfinal; i++)
		free(b.final_paths[i]);
	free(b.final_paths);
	free(b.final_dec);
	free(b.final_hit);
	history_entries_free(entries, n);
	gitrepo_free(repo);
	common_release(&c);
	return ret;
}
