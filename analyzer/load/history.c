/*
 * history.c - which commits changed a spec, walked newest to oldest with
 * gitio's revwalk (first parents unless asked otherwise), following renames
 * and copies as `git log --follow` does (gitio_follow_source), then
 * returned oldest first.  Also finds every compiled KFP spec in a tree.
 */
#include "load/history.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

static char *first_line(const char *msg)
{
	return xstrndup(msg ? msg : "", msg ? strcspn(msg, "\r\n") : 0);
}

void history_entries_free(struct hist_entry *e, size_t n)
{
	size_t i;

	for (i = 0; e && i < n; i++) {
		free(e[i].path);
		free(e[i].author);
		free(e[i].subject);
	}
	free(e);
}

size_t history_missing_blobs(const struct hist_entry *e, size_t n, size_t *first)
{
	size_t i, cnt = 0;

	for (i = 0; i < n; i++)
		if (e[i].blob_missing && !cnt++)
			*first = i;
	return cnt;
}

/* What c did to PATH (named `cur` at c), and where --follow goes next. */
struct change {
	bool changed;
	char status;              /* A, M, D, R or C */
	unsigned score;
	char *old;                /* R/C: the earlier name (malloc'd) */
};

/*
 * c's entry if it changed PATH from its first parent p: kept when PATH
 * differs from every parent (git's TREESAME rule), a root commit only when
 * it adds PATH.  With --follow, a commit that adds PATH is asked where it
 * came from, as git does when the path's diff is one addition
 * (tree-diff.c diff_might_be_rename).
 */
static int commit_change(struct change *out, struct gitio_walk *w, const struct hist_options *o,
			 struct gitio_commit *c, const char *cur, const char *cblob, bool cpres)
{
	struct gitio_commit *p = NULL, *pk = NULL;
	char b[41], st = 0;
	bool pp, ppres = false;
	unsigned np, k;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->changed = true;
	np = gitio_commit_parentcount(c);
	if (!o->all_parents && np)
		np = 1;
	for (k = 0; k < np; k++) {
		if (gitio_walk_parent(&pk, w, c, k) < 0 || gitio_commit_blob(pk, cur, b, &pp) < 0)
			goto done;
		if (pp == cpres && (!pp || !strcmp(b, cblob)))
			out->changed = false;
		if (k == 0) {
			ppres = pp;
			p = pk;
		} else {
			gitio_commit_free(pk);
		}
		pk = NULL;
	}
	if (!np)
		out->changed = cpres;
	out->status = !cpres ? 'D' : !ppres ? 'A' : 'M';
	if (out->changed && cpres && !ppres && o->follow && p &&
	    gitio_follow_source(&out->old, &st, &out->score, p, c, cur,
				o->follow_threshold ? o->follow_threshold
						    : HISTORY_FOLLOW_THRESHOLD) < 0)
		goto done;
	if (out->old)
		out->status = st;
	ret = 0;
done:
	gitio_commit_free(pk);
	gitio_commit_free(p);
	return ret;
}

static void entry_fill(struct hist_entry *h, struct gitio_walk *w, const struct hist_options *o,
		       const struct gitio_commit *c, const char *cur, const char *cblob,
		       const struct change *ch)
{
	struct gitio_commit_info ci;

	gitio_commit_info(&ci, c);
	memset(h, 0, sizeof(*h));
	memcpy(h->commit, ci.id, sizeof(h->commit));
	memcpy(h->blob, cblob, sizeof(h->blob));
	h->path = xstrdup(cur);
	h->author = xstrdup(ci.author);
	h->subject = first_line(ci.message);
	h->time = ci.author_time;
	h->offset = ci.author_offset;
	h->change = ch->status;
	h->blob_missing = *cblob && !gitio_has_blob(c, cblob);
	h->in_window = (!o->since || ci.time >= o->since) && (!o->until || ci.time <= o->until);
	if (h->in_window)
		h->in_window = !gitio_walk_hides(w, c);
}

/* One path's walk: its name at the commit being looked at, and its entries. */
struct path_log {
	char *cur;
	bool ever;                /* present in some commit */
	struct hist_entry *v;
	size_t cnt, alloc;
};

/* Commit c for one path: its entry when c changed it; renames move lg->cur. */
static int log_commit(struct path_log *lg, struct gitio_walk *w, const struct hist_options *o,
		      struct gitio_commit *c, bool git_walk)
{
	struct change ch;
	char cblob[41];
	bool cpres;

	if (gitio_commit_blob(c, lg->cur, cblob, &cpres) < 0)
		return -1;
	lg->ever = lg->ever || cpres;
	/*
	 * git log --follow diffs no merge (log-tree.c log_tree_diff
	 * hides them without -m): it lists none and renames nothing
	 * there.
	 */
	if (git_walk && gitio_commit_parentcount(c) > 1)
		return 0;
	if (commit_change(&ch, w, o, c, lg->cur, cblob, cpres) < 0)
		return -1;
	if (ch.changed) {
		KC_GROW(lg->v, lg->alloc, lg->cnt + 1);
		entry_fill(&lg->v[lg->cnt++], w, o, c, lg->cur, cblob, &ch);
	}
	if (ch.old) {
		free(lg->cur);
		lg->cur = ch.old;
	}
	return 0;
}

/* The walk's paths as gitio_commit_changes' filter sees them: their current names. */
struct log_paths {
	const struct path_log *logs;
	size_t n;
};

/* Is some path's current name path[0..len), or under that directory? */
static bool path_wanted(const char *path, size_t len, void *ctx)
{
	const struct log_paths *lp = ctx;
	size_t k;

	for (k = 0; k < lp->n; k++) {
		const char *cur = lp->logs[k].cur;
		if (!strncmp(cur, path, len) && (cur[len] == '\0' || cur[len] == '/'))
			return true;
	}
	return false;
}

int history_log_many(struct gitrepo *r, char *const *paths, size_t npaths,
		     const struct hist_options *o, struct hist_entry **outs, size_t *ns)
{
	struct gitio_walk *w = NULL;
	struct gitio_commit *c = NULL;
	struct path_log *logs = xcalloc(npaths ? npaths : 1, sizeof(*logs));
	struct strmap changed = STRMAP_INIT;
	/*
	 * --follow over every parent is git log --follow's walk: date order,
	 * no history simplification (revision.c: no pruning with
	 * follow_renames), one followed name for the whole walk.
	 */
	bool git_walk = o->follow && o->all_parents;
	struct log_paths lp = { logs, npaths };
	size_t k, i;
	int e, ret = -1;

	for (k = 0; k < npaths; k++) {
		logs[k].cur = xstrdup(paths[k]);
		outs[k] = NULL;
		ns[k] = 0;
	}
	if (!npaths) {
		ret = 0;
		goto done;
	}
	if (gitio_walk_begin(&w, r, o->range, !o->all_parents, git_walk, paths[0]) < 0)
		goto done;
	/*
	 * One walk for every path, and one tree comparison per commit with its
	 * first parent: a path that comparison leaves alone is as in the first
	 * parent, so the commit did not change it (TREESAME) and is skipped
	 * without a look-up; its presence is that of the parent, walked later.
	 * The comparison descends only where some path is (a commit that edits
	 * other directories costs one comparison of their ids), and a commit
	 * that changed none of them is not looked at again.
	 */
	while ((e = gitio_walk_next(w, &c)) == 1) {
		bool known = gitio_commit_changes(c, &changed, path_wanted, &lp);
		for (k = 0; k < npaths && (!known || changed.count); k++)
			if ((!known || gitio_changes_has(&changed, logs[k].cur)) &&
			    log_commit(&logs[k], w, o, c, git_walk) < 0)
				goto done;
		strmap_release(&changed);
		gitio_commit_free(c);
		c = NULL;
	}
	if (e < 0)
		goto done;
	for (k = 0; k < npaths; k++)
		if (!logs[k].ever) {
			err_set("%s: not present in any commit of %s", paths[k],
				o->range ? o->range : "HEAD");
			goto done;
		}
	for (k = 0; k < npaths; k++) {
		struct path_log *lg = &logs[k];
		/* Oldest first. */
		for (i = 0; i < lg->cnt / 2; i++) {
			struct hist_entry tmp = lg->v[i];
			lg->v[i] = lg->v[lg->cnt - 1 - i];
			lg->v[lg->cnt - 1 - i] = tmp;
		}
		outs[k] = lg->v;
		ns[k] = lg->cnt;
		lg->v = NULL;
		lg->cnt = 0;
	}
	ret = 0;
done:
	for (k = 0; k < npaths; k++) {
		history_entries_free(logs[k].v, logs[k].cnt);
		free(logs[k].cur);
	}
	free(logs);
	strmap_release(&changed);
	gitio_commit_free(c);
	gitio_walk_free(w);
	return ret;
}

int history_log(struct gitrepo *r, const char *path, const struct hist_options *o,
		struct hist_entry **out, size_t *n)
{
	char *p = (char *)path;

	return history_log_many(r, &p, 1, o, out, n);
}

/* ---- discovery ---- */

struct discover {
	const char *glob;
	char **paths;
	size_t n, alloc;
};

static bool has_ext(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

/* fnmatch where a double star also spans directories (and may match none). */
static bool glob_match(const char *pat, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	bool ok;

	for (p = pat; *p; p++) {
		if (p[0] == '*' && p[1] == '*') {
			sb_addc(&sb, '*');
			p++;
			if (p[1] == '/')
				p++;   /* "**" + "/" also matches no directory */
		} else {
			sb_addc(&sb, *p);
		}
	}
	/* Without FNM_PATHNAME '*' crosses '/', which is what '**' needs. */
	ok = fnmatch(strstr(pat, "**") ? sb.buf : pat, path,
		     strstr(pat, "**") ? 0 : FNM_PATHNAME) == 0;
	sb_release(&sb);
	return ok;
}

static bool looks_like_spec(const char *buf, size_t len)
{
	size_t scan = len < 4 * 1024 * 1024 ? len : 4 * 1024 * 1024;
	char *copy = xstrndup(buf, scan);
	bool ok = strstr(copy, "pipelineInfo") && strstr(copy, "deploymentSpec") &&
		  strstr(copy, "root");

	free(copy);
	return ok;
}

static int discover_cb(const char *path, struct gitio_file *f, void *payload)
{
	struct discover *d = payload;
	const char *buf;
	size_t len;

	if (!has_ext(path) || (d->glob && !glob_match(d->glob, path)))
		return 0;
	if (gitio_file_read(f, &buf, &len) < 0)
		return -1;
	if (looks_like_spec(buf, len)) {
		KC_GROW(d->paths, d->alloc, d->n + 1);
		d->paths[d->n++] = xstrdup(path);
	}
	return 0;
}

int history_discover(struct gitrepo *r, const char *rev, const char *glob,
		     char ***paths, size_t *n)
{
	struct discover d;

	memset(&d, 0, sizeof(d));
	d.glob = glob;
	if (gitio_tree_each(r, rev, discover_cb, &d) < 0) {
		while (d.n)
			free(d.paths[--d.n]);
		free(d.paths);
		return -1;
	}
	qsort(d.paths, d.n, sizeof(*d.paths), path_cmp_ptr);
	*paths = d.paths;
	*n = d.n;
	return 0;
}

void history_format_date(char out[32], int64_t time, int offset)
{
	/* Civil date from days since the epoch (Howard Hinnant's algorithm). */
	int64_t t = time + (int64_t)offset * 60;
	int64_t days = t / 86400, secs = t % 86400;
	int64_t z, era, doe, yoe, y, doy, mp, d, m;
	int off = offset < 0 ? -offset : offset;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (int)y, (int)m, (int)d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
		 offset < 0 ? '-' : '+', off / 60, off % 60);
}

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int history_parse_date(const char *text, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, s = 0, oh = 0, om = 0, n = 0;
	char sign = 0;
	const char *rest;

	if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31)
		return err_set("'%s': expected a date YYYY-MM-DD[THH:MM:SS[Z|+HH:MM]]", text);
	rest = text + n;
	if (*rest == 'T' || *rest == ' ') {
		if (sscanf(rest + 1, "%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3)
			return err_set("'%s': expected a time HH:MM:SS", text);
		rest += 1 + n;
		if (*rest == 'Z') {
			rest++;
		} else if (*rest == '+' || *rest == '-') {
			sign = *rest;
			if (sscanf(rest + 1, "%2d:%2d%n", &oh, &om, &n) != 2)
				return err_set("'%s': expected an offset +HH:MM", text);
			rest += 1 + n;
		}
	}
	if (*rest)
		return err_set("'%s': unexpected '%s' after the date", text, rest);
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
	       (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	return 0;
}
