/*
 * history.c - which commits changed a spec, walked newest to oldest with a
 * libgit2 revwalk (first parents unless asked otherwise), following renames
 * with libgit2's similarity detection as `git log --follow` does, then
 * returned oldest first.  Also finds every compiled KFP spec in a tree.
 */
#include "load/history.h"

#include <fnmatch.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "load/gitio_internal.h"
#include "base/banned.h"

/* Blob id of path in commit c (*present false when absent). */
static int blob_in(git_commit *c, const char *path, git_oid *out, bool *present)
{
	char hex[41];

	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	hex[12] = '\0';
	return gitio_blob_at(c, hex, path, out, present);
}

/* With --follow: the path `path` had in `parent`, if `c` renamed it. */
static int renamed_from(git_repository *repo, git_commit *parent, git_commit *c,
			const char *path, unsigned threshold, char **old)
{
	git_tree *pt = NULL, *ct = NULL;
	git_diff *diff = NULL;
	git_diff_find_options fo;
	size_t i, n;
	int ret = -1;

	*old = NULL;
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	if (git_commit_tree(&pt, parent) < 0 || git_commit_tree(&ct, c) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, pt, ct, NULL) < 0) {
		err_set("cannot diff for rename detection: %s", gitio_msg());
		goto done;
	}
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
	fo.rename_threshold = (uint16_t)threshold;
	fo.copy_threshold = (uint16_t)threshold;
	if (git_diff_find_similar(diff, &fo) < 0) {
		err_set("rename detection failed: %s", gitio_msg());
		goto done;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if ((d->status == GIT_DELTA_RENAMED || d->status == GIT_DELTA_COPIED) &&
		    !strcmp(d->new_file.path, path)) {
			*old = xstrdup(d->old_file.path);
			break;
		}
	}
	ret = 0;
done:
	git_diff_free(diff);
	git_tree_free(pt);
	git_tree_free(ct);
	return ret;
}

/*
 * Push the tip of the range; *hide gets A of "A..B" (commits reachable from
 * it are outside the window but still warm the cache).
 */
static int push_range(git_repository *repo, git_revwalk *w, const char *range,
		      git_oid *hide, bool *has_hide)
{
	const char *dots = range ? strstr(range, "..") : NULL;
	git_object *obj = NULL;
	char *from;

	*has_hide = false;
	if (!range)
		return git_revwalk_push_head(w) < 0 ? err_set("HEAD: %s", gitio_msg()) : 0;
	if (!dots) {
		if (git_revparse_single(&obj, repo, range) < 0)
			return err_set("%s: unknown revision", range);
		git_revwalk_push(w, git_object_id(obj));
		git_object_free(obj);
		return 0;
	}
	from = xstrndup(range, (size_t)(dots - range));
	if (git_revparse_single(&obj, repo, *from ? from : "HEAD") < 0) {
		err_set("%s: unknown revision", *from ? from : "HEAD");
		free(from);
		return -1;
	}
	{
		git_object *peeled = NULL;
		if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
			err_set("%s: not a commit", from);
			git_object_free(obj);
			free(from);
			return -1;
		}
		git_oid_cpy(hide, git_object_id(peeled));
		git_object_free(peeled);
	}
	*has_hide = true;
	git_object_free(obj);
	free(from);
	if (git_revparse_single(&obj, repo, dots[2] ? dots + 2 : "HEAD") < 0)
		return err_set("%s: unknown revision", dots[2] ? dots + 2 : "HEAD");
	git_revwalk_push(w, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

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

int history_log(struct gitrepo *r, const char *path, const struct hist_options *o,
		struct hist_entry **out, size_t *n)
{
	git_repository *repo = gitrepo_raw(r);
	git_revwalk *w = NULL;
	git_oid id, hide;
	bool has_hide;
	struct hist_entry *v = NULL;
	size_t cnt = 0, alloc = 0, i;
	char *cur = xstrdup(path);
	bool ever = false;
	int e, ret = -1;

	*out = NULL;
	*n = 0;
	if (git_revwalk_new(&w, repo) < 0) {
		err_set("cannot walk history: %s", gitio_msg());
		goto done;
	}
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (!o->all_parents)
		git_revwalk_simplify_first_parent(w);
	if (push_range(repo, w, o->range, &hide, &has_hide) < 0)
		goto done;
	while ((e = git_revwalk_next(&id, w)) == 0) {
		git_commit *c = NULL, *p = NULL;
		git_oid cb;
		bool cpres, ppres = false, changed = true;
		unsigned np, k;
		char *old = NULL;
		char change;
		int64_t t;
		if (git_commit_lookup(&c, repo, &id) < 0) {
			char hex[41];
			git_oid_tostr(hex, sizeof(hex), &id);
			err_set("commit %.12s: cannot read it: %s", hex, gitio_msg());
			goto done;
		}
		t = (int64_t)git_commit_time(c);
		if (blob_in(c, cur, &cb, &cpres) < 0) {
			git_commit_free(c);
			goto done;
		}
		ever = ever || cpres;
		np = o->all_parents ? git_commit_parentcount(c) : (git_commit_parentcount(c) ? 1 : 0);
		/* Kept when it differs from every parent (git's TREESAME rule). */
		for (k = 0; k < np; k++) {
			git_commit *pk = NULL;
			bool pp;
			git_oid b;
			if (git_commit_parent(&pk, c, k) < 0) {
				char hex[41];
				git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
				if (git_repository_is_shallow(repo) == 1)
					err_set("%s: history is shallow at commit %.12s (git fetch --unshallow)",
						path, hex);
				else
					err_set("commit %.12s: cannot read its parent: %s", hex, gitio_msg());
				git_commit_free(p);
				git_commit_free(c);
				goto done;
			}
			if (blob_in(pk, cur, &b, &pp) < 0) {
				git_commit_free(pk);
				git_commit_free(p);
				git_commit_free(c);
				goto done;
			}
			if (pp == cpres && (!pp || git_oid_equal(&b, &cb)))
				changed = false;
			if (k == 0) {
				ppres = pp;
				p = pk;
			} else {
				git_commit_free(pk);
			}
		}
		if (!np)
			changed = cpres;   /* a root commit changes PATH only by adding it */
		change = !cpres ? 'D' : !ppres ? 'A' : 'M';
		if (changed && cpres && !ppres && o->follow && p &&
		    renamed_from(repo, p, c, cur,
				 o->follow_threshold ? o->follow_threshold : HISTORY_FOLLOW_THRESHOLD, &old) < 0) {
			git_commit_free(p);
			git_commit_free(c);
			goto done;
		}
		if (old)
			change = 'R';
		if (changed) {
			const git_signature *a = git_commit_author(c);
			struct hist_entry *h;
			KC_GROW(v, alloc, cnt + 1);
			h = &v[cnt++];
			memset(h, 0, sizeof(*h));
			git_oid_tostr(h->commit, sizeof(h->commit), git_commit_id(c));
			if (cpres)
				git_oid_tostr(h->blob, sizeof(h->blob), &cb);
			h->path = xstrdup(cur);
			h->author = xstrdup(a && a->name ? a->name : "");
			h->subject = first_line(git_commit_message(c));
			h->time = a ? (int64_t)a->when.time : t;
			h->offset = a ? a->when.offset : 0;
			h->change = change;
			h->in_window = (!o->since || t >= o->since) && (!o->until || t <= o->until);
			if (has_hide && h->in_window)
				h->in_window = !git_oid_equal(&hide, git_commit_id(c)) &&
					       git_graph_descendant_of(repo, &hide, git_commit_id(c)) != 1;
		}
		if (old) {
			free(cur);
			cur = old;
		}
		git_commit_free(p);
		git_commit_free(c);
	}
	if (e != GIT_ITEROVER) {
		if (git_repository_is_shallow(repo) == 1)
			err_set("%s: history is shallow: an earlier commit is not in this clone (git fetch --unshallow)",
				path);
		else
			err_set("history walk failed: %s", gitio_msg());
		goto done;
	}
	if (!ever) {
		err_set("%s: not present in any commit of %s", path, o->range ? o->range : "HEAD");
		goto done;
	}
	/* Oldest first. */
	for (i = 0; i < cnt / 2; i++) {
		struct hist_entry tmp = v[i];
		v[i] = v[cnt - 1 - i];
		v[cnt - 1 - i] = tmp;
	}
	*out = v;
	*n = cnt;
	v = NULL;
	ret = 0;
done:
	history_entries_free(v, cnt);
	git_revwalk_free(w);
	free(cur);
	return ret;
}

/* ---- discovery ---- */

struct discover {
	git_repository *repo;
	const char *glob;
	char **paths;
	size_t n, alloc;
	int err;
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

static int discover_cb(const char *root, const git_tree_entry *entry, void *payload)
{
	struct discover *d = payload;
	struct strbuf path = STRBUF_INIT;
	git_blob *blob = NULL;

	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !has_ext(git_tree_entry_name(entry)))
		return 0;
	sb_addf(&path, "%s%s", root, git_tree_entry_name(entry));
	if (d->glob && !glob_match(d->glob, path.buf))
		goto done;
	if (git_blob_lookup(&blob, d->repo, git_tree_entry_id(entry)) < 0) {
		err_set("%s: cannot read object: %s", path.buf, gitio_msg());
		d->err = -1;
		sb_release(&path);
		return -1;
	}
	if (looks_like_spec(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))) {
		KC_GROW(d->paths, d->alloc, d->n + 1);
		d->paths[d->n++] = sb_detach(&path, NULL);
	}
done:
	git_blob_free(blob);
	sb_release(&path);
	return 0;
}

int history_discover(struct gitrepo *r, const char *rev, const char *glob,
		     char ***paths, size_t *n)
{
	struct discover d;
	git_object *obj = NULL;
	git_tree *tree = NULL;
	int ret = -1;

	memset(&d, 0, sizeof(d));
	d.repo = gitrepo_raw(r);
	d.glob = glob;
	if (git_revparse_single(&obj, d.repo, rev ? rev : "HEAD") < 0) {
		err_set("%s: unknown revision", rev ? rev : "HEAD");
		goto done;
	}
	if (git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) < 0) {
		err_set("%s: no tree: %s", rev ? rev : "HEAD", gitio_msg());
		goto done;
	}
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, discover_cb, &d) < 0 && d.err) {
		goto done;
	}
	qsort(d.paths, d.n, sizeof(*d.paths), kc_strcmp_ptr);
	*paths = d.paths;
	*n = d.n;
	d.paths = NULL;
	d.n = 0;
	ret = 0;
done:
	while (d.n)
		free(d.paths[--d.n]);
	free(d.paths);
	git_tree_free(tree);
	git_object_free(obj);
	return ret;
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
