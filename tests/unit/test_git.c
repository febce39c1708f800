/*
 * test_git.c - unit tests for gitio.c and spec_load's REV:PATH: builds a
 * small git repository with the git CLI (pinned names, dates and HOME, so
 * commit ids are stable), then checks reads, errors, the previous-version
 * walk, tracked paths, a shallow clone and a corrupt object.
 */
#include "load/gitio.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/spec.h"
#include "base/util.h"
#include "t.h"
#include "base/banned.h"

static char root[] = "/tmp/kfpcache-test-git-XXXXXX";
static struct strbuf repo = STRBUF_INIT;        /* work tree, no trailing '/' */
static char ids[8][41];                         /* ids[1] .. ids[7]: the commits */

#define SPEC(name) \
	"pipelineInfo:\n  name: " name "\nschemaVersion: 2.1.0\nroot: {}\n" \
	"components: {}\ndeploymentSpec: {}\n"

/* Run a shell command built from fmt; 0 when it exits 0. */
static int sh(const char *fmt, ...) KC_PRINTF(1, 2);

static int sh(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	rc = system(sb_str(&sb));
	if (rc)
		fprintf(stderr, "  command failed (%d): %s\n", rc, sb_str(&sb));
	sb_release(&sb);
	return rc;
}

static void write_file(const char *rel, const char *text)
{
	struct strbuf path = STRBUF_INIT;
	FILE *f;

	sb_addf(&path, "%s/%s", sb_str(&repo), rel);
	f = fopen(sb_str(&path), "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	sb_release(&path);
}

/* Commit everything as commit number n, dated n days after a fixed epoch. */
static int commit(int n, const char *msg)
{
	struct strbuf out = STRBUF_INIT;
	char *text = NULL;
	size_t len;
	int rc;

	rc = sh("cd %s && git add -A && GIT_AUTHOR_DATE='2024-01-%02dT12:00:00Z' "
		"GIT_COMMITTER_DATE='2024-01-%02dT12:00:00Z' git commit -q -m '%s' && "
		"git rev-parse HEAD > %s/id", sb_str(&repo), n, n, msg, root);
	sb_addf(&out, "%s/id", root);
	if (!rc && !read_file(sb_str(&out), &text, &len) && len >= 40) {
		memcpy(ids[n], text, 40);
		ids[n][40] = '\0';
	}
	free(text);
	sb_release(&out);
	return rc;
}

static int build_repo(void)
{
	if (!mkdtemp(root))
		return -1;
	/* Isolate git and libgit2 from the user's configuration. */
	setenv("HOME", root, 1);
	setenv("XDG_CONFIG_HOME", root, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "Test Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "Test Committer", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
	sb_addf(&repo, "%s/repo", root);
	if (sh("git init -q -b main %s", sb_str(&repo)) ||
	    sh("mkdir -p %s/dir", sb_str(&repo)))
		return -1;
	write_file("p.yaml", SPEC("v1"));
	write_file("dir/q.yaml", SPEC("q"));
	write_file("other.txt", "1\n");
	if (commit(1, "add p"))
		return -1;
	write_file("other.txt", "2\n");
	if (commit(2, "other 2"))
		return -1;
	write_file("p.yaml", SPEC("v2"));
	if (commit(3, "p v2"))
		return -1;
	write_file("other.txt", "3\n");
	if (commit(4, "other 3") || sh("cd %s && git rm -q p.yaml", sb_str(&repo)) ||
	    commit(5, "remove p"))
		return -1;
	write_file("p.yaml", SPEC("v3"));
	if (commit(6, "re-add p"))
		return -1;
	write_file("other.txt", "4\n");
	if (commit(7, "other 4"))
		return -1;
	write_file("untracked.yaml", SPEC("u"));
	return 0;
}

/* `git rev-parse what` in the fixture repository. */
static const char *git_rev_parse(const char *what, char out[41])
{
	struct strbuf path = STRBUF_INIT;
	char *text = NULL;
	size_t len;

	out[0] = '\0';
	sb_addf(&path, "%s/rp", root);
	if (!sh("cd %s && git rev-parse '%s' > %s", sb_str(&repo), what, sb_str(&path)) &&
	    !read_file(sb_str(&path), &text, &len) && len >= 40) {
		memcpy(out, text, 40);
		out[40] = '\0';
	}
	free(text);
	sb_release(&path);
	return out;
}

/* Pinned names and dates make the fixture's commit ids reproducible. */
static void test_stable_ids(void)
{
	CHECK_STR(ids[1], "96d1a5fe3fb94b72949aa0f590fae879510309f3");
	CHECK_STR(ids[7], "fd7af48f6f94e25d45afccb37c87e270284b193e");
}

static void test_open(void)
{
	struct gitrepo *r = NULL;
	struct strbuf want = STRBUF_INIT;
	bool found = false;

	CHECK(gitrepo_open(&r, sb_str(&repo)) == 0);
	sb_addf(&want, "%s/", sb_str(&repo));
	CHECK_STR(r ? gitrepo_workdir(r) : NULL, sb_str(&want));
	CHECK(gitrepo_find_rev(r, "HEAD", "p.yaml", &found) == 0 && found);
	CHECK(gitrepo_find_rev(r, "main~2", "p.yaml", &found) == 0 && found);
	CHECK(gitrepo_find_rev(r, ids[3], "p.yaml", &found) == 0 && found);
	CHECK(gitrepo_find_rev(r, "nope", "p.yaml", &found) == 0 && !found);
	CHECK(gitrepo_find_rev(r, "HEAD:p.yaml", "p.yaml", &found) == 0 && !found);  /* a blob */
	gitrepo_free(r);
	sb_release(&want);
	/* opening from a subdirectory discovers the repository */
	sb_reset(&want);
	sb_addf(&want, "%s/dir", sb_str(&repo));
	CHECK(gitrepo_open(&r, sb_str(&want)) == 0);
	gitrepo_free(r);
	CHECK(gitrepo_open(&r, root) < 0);
	CHECK(strstr(err_msg(), "not a git repository") != NULL);
	CHECK(r == NULL);
	gitrepo_free(NULL);
	sb_release(&want);
}

static void test_read(void)
{
	struct gitrepo *r = NULL;
	char *buf = NULL;
	size_t len = 0;
	char blob[41], want[41];

	if (gitrepo_open(&r, sb_str(&repo)) < 0) {
		CHECK(!"open");
		return;
	}
	CHECK(gitrepo_read(r, "HEAD~4", "p.yaml", &buf, &len, blob) == 0);
	CHECK_STR(buf, SPEC("v2"));
	CHECK_INT(len, strlen(SPEC("v2")));
	CHECK_STR(blob, git_rev_parse("HEAD~4:p.yaml", want));
	free(buf);
	CHECK(gitrepo_read(r, ids[1], "dir/q.yaml", &buf, &len, blob) == 0);
	CHECK_STR(buf, SPEC("q"));
	free(buf);

	CHECK(gitrepo_read(r, "nope", "p.yaml", &buf, &len, blob) < 0);
	CHECK_STR(err_msg(), "nope: unknown revision");
	CHECK(buf == NULL && blob[0] == '\0');
	CHECK(gitrepo_read(r, "HEAD", "missing.yaml", &buf, &len, blob) < 0);
	CHECK_STR(err_msg(), "HEAD:missing.yaml: 'missing.yaml' is not in HEAD");
	CHECK(gitrepo_read(r, "HEAD~2", "p.yaml", &buf, &len, blob) < 0);
	CHECK_STR(err_msg(), "HEAD~2:p.yaml: 'p.yaml' is not in HEAD~2");
	/* the paths of the tree with that file name are suggested */
	CHECK(gitrepo_read(r, "HEAD", "q.yaml", &buf, &len, blob) < 0);
	CHECK_STR(err_msg(), "HEAD:q.yaml: 'q.yaml' is not in HEAD; did you mean HEAD:dir/q.yaml?");
	CHECK(gitrepo_read(r, "HEAD", "other/q.yaml", &buf, &len, blob) < 0);
	CHECK_STR(err_msg(), "HEAD:other/q.yaml: 'other/q.yaml' is not in HEAD; did you mean HEAD:dir/q.yaml?");
	CHECK(gitrepo_read(r, "HEAD", "dir", &buf, &len, blob) < 0);
	CHECK_STR(err_msg(), "HEAD:dir: not a file at that revision (a tree)");
	gitrepo_free(r);
}

/* A filter of gitio_commit_changes: only p.yaml, or a directory above it, is of interest. */
static bool only_p(const char *path, size_t len, void *ctx)
{
	(void)ctx;
	return len == 6 && !strncmp(path, "p.yaml", len);
}

/*
 * gitio_commit_changes newest first over the fixture: every changed path
 * without a filter; with one, only the paths it wants (the commits that
 * edit other.txt change nothing of interest); a root commit is not known.
 */
static void test_commit_changes(void)
{
	static const char *const want_all[] = { "other.txt", "p.yaml", "p.yaml", "other.txt", "p.yaml", "other.txt" };
	static const char *const want_p[] = { NULL, "p.yaml", "p.yaml", NULL, "p.yaml", NULL };
	struct gitrepo *r = NULL;
	struct gitio_walk *w = NULL;
	struct gitio_commit *c = NULL;
	size_t i = 0;

	if (gitrepo_open(&r, sb_str(&repo)) < 0 || gitio_walk_begin(&w, r, NULL, true, false, "p.yaml") < 0) {
		CHECK(!"open");
		gitrepo_free(r);
		return;
	}
	while (gitio_walk_next(w, &c) == 1) {
		struct strmap all = STRMAP_INIT, p = STRMAP_INIT;
		bool known = gitio_commit_changes(c, &all, NULL, NULL);
		CHECK(gitio_commit_changes(c, &p, only_p, NULL) == known);
		if (i < 6) {
			CHECK(known);
			CHECK_INT(all.count, 1);
			CHECK(strmap_has(&all, want_all[i]));
			CHECK_INT(p.count, want_p[i] ? 1 : 0);
			if (want_p[i])
				CHECK(strmap_has(&p, want_p[i]));
		} else {
			CHECK(!known);                           /* the root commit */
		}
		strmap_release(&all);
		strmap_release(&p);
		gitio_commit_free(c);
		i++;
	}
	CHECK_INT(i, 7);
	gitio_walk_free(w);
	gitrepo_free(r);
}

static void test_prev_version(void)
{
	struct gitrepo *r = NULL;
	bool found = true;
	char c[41];

	if (gitrepo_open(&r, sb_str(&repo)) < 0) {
		CHECK(!"open");
		return;
	}
	/* v2 was written by commit 3; the version before it is commit 2's */
	CHECK(gitrepo_prev_version(r, "HEAD~3", "p.yaml", &found, c) == 0);
	CHECK(found);
	CHECK_STR(c, ids[2]);
	CHECK(gitrepo_prev_version(r, ids[3], "p.yaml", &found, c) == 0);
	CHECK(found);
	CHECK_STR(c, ids[2]);
	/* added in the root commit and unchanged since: nothing before it */
	CHECK(gitrepo_prev_version(r, ids[2], "p.yaml", &found, c) == 0);
	CHECK(!found);
	CHECK_STR(c, "");
	CHECK(gitrepo_prev_version(r, "HEAD", "dir/q.yaml", &found, c) == 0);
	CHECK(!found);
	/* deleted in 5, re-added in 6: the walk stops where it was absent */
	CHECK(gitrepo_prev_version(r, "HEAD", "p.yaml", &found, c) == 0);
	CHECK(!found);
	CHECK(gitrepo_prev_version(r, "HEAD~2", "p.yaml", &found, c) < 0);
	CHECK_STR(err_msg(), "HEAD~2:p.yaml: path not found at revision");
	CHECK(gitrepo_prev_version(r, "nope", "p.yaml", &found, c) < 0);
	CHECK_STR(err_msg(), "nope: unknown revision");
	gitrepo_free(r);
}

static void test_tracked_path(void)
{
	struct strbuf path = STRBUF_INIT, wd = STRBUF_INIT;
	bool tracked = false;
	char *dir = NULL, *rel = NULL;

	sb_addf(&wd, "%s/", sb_str(&repo));
	sb_addf(&path, "%s/dir/q.yaml", sb_str(&repo));
	CHECK(gitrepo_tracked_path(sb_str(&path), &tracked, &dir, &rel) == 0);
	CHECK(tracked);
	CHECK_STR(rel, "dir/q.yaml");
	CHECK_STR(dir, sb_str(&wd));
	free(dir);
	free(rel);

	/* a relative path through "..", from inside the work tree */
	sb_reset(&path);
	sb_addf(&path, "%s/dir", sb_str(&repo));
	if (!chdir(sb_str(&path))) {
		CHECK(gitrepo_tracked_path("../p.yaml", &tracked, &dir, &rel) == 0);
		CHECK(tracked);
		CHECK_STR(rel, "p.yaml");
		free(dir);
		free(rel);
		CHECK(chdir("/") == 0);
	}

	sb_reset(&path);
	sb_addf(&path, "%s/untracked.yaml", sb_str(&repo));
	CHECK(gitrepo_tracked_path(sb_str(&path), &tracked, &dir, &rel) == 0);
	CHECK(!tracked);
	CHECK_STR(rel, "untracked.yaml");
	free(dir);
	free(rel);

	sb_reset(&path);
	sb_addf(&path, "%s/id", root);     /* outside any repository */
	CHECK(gitrepo_tracked_path(sb_str(&path), &tracked, &dir, &rel) == 0);
	CHECK(!tracked && dir == NULL && rel == NULL);

	sb_reset(&path);
	sb_addf(&path, "%s/none.yaml", root);
	CHECK(gitrepo_tracked_path(sb_str(&path), &tracked, &dir, &rel) < 0);
	CHECK(strstr(err_msg(), "none.yaml: No such file or directory") != NULL);
	sb_release(&path);
	sb_release(&wd);
}

static void test_spec_load_git(void)
{
	struct spec *s = NULL;
	struct strbuf path = STRBUF_INIT;
	char want[41];

	CHECK(spec_load(&s, "HEAD~4:p.yaml", sb_str(&repo), NULL) == 0);
	if (s) {
		CHECK_STR(s->name, "HEAD~4:p.yaml");
		CHECK_STR(node_path(s->pipeline, "pipelineInfo", "name", NULL)->str, "v2");
		CHECK_STR(s->blob_id, git_rev_parse("HEAD~4:p.yaml", want));
		spec_free(s);
	}
	CHECK(spec_load(&s, "nope:p.yaml", sb_str(&repo), NULL) < 0);
	CHECK_STR(err_msg(), "nope:p.yaml: unknown revision 'nope'");
	CHECK(spec_load(&s, "HEAD:missing.yaml", sb_str(&repo), NULL) < 0);
	CHECK_STR(err_msg(), "HEAD:missing.yaml: 'missing.yaml' is not in HEAD");
	CHECK(spec_load(&s, "HEAD:other.txt", sb_str(&repo), NULL) < 0);
	CHECK_STR(err_msg(), "HEAD:other.txt:1:1: not a pipeline spec: the document "
		  "is a number, expected a map");

	/* without --repo: the current directory's repository; ./ is relative to it */
	sb_addf(&path, "%s/dir", sb_str(&repo));
	if (!chdir(sb_str(&path))) {
		CHECK(spec_load(&s, "HEAD:./q.yaml", NULL, NULL) == 0);
		CHECK(s && !strcmp(node_path(s->pipeline, "pipelineInfo", "name", NULL)->str, "q"));
		spec_free(s);
		CHECK(spec_load(&s, "HEAD:../p.yaml", NULL, NULL) == 0);
		CHECK(s && !strcmp(node_path(s->pipeline, "pipelineInfo", "name", NULL)->str, "v3"));
		spec_free(s);
		CHECK(spec_load(&s, "HEAD:p.yaml", NULL, NULL) == 0);
		spec_free(s);
		CHECK(spec_load(&s, "HEAD:../../x.yaml", NULL, NULL) < 0);
		CHECK_STR(err_msg(), "HEAD:../../x.yaml: path leaves the repository");
		CHECK(chdir(root) == 0);
		CHECK(spec_load(&s, "HEAD:p.yaml", NULL, NULL) < 0);
		CHECK_STR(err_msg(), "HEAD:p.yaml: no such file, and the current directory is not in a git repository (for REV:PATH)");
		CHECK(chdir("/") == 0);
	}
	sb_release(&path);
}

static void test_shallow(void)
{
	struct gitrepo *r = NULL;
	struct strbuf dir = STRBUF_INIT;
	bool found = true;
	char c[41];

	sb_addf(&dir, "%s/shallow", root);
	if (sh("git clone -q --depth 2 file://%s %s", sb_str(&repo), sb_str(&dir)) ||
	    gitrepo_open(&r, sb_str(&dir)) < 0) {
		CHECK(!"shallow clone");
		sb_release(&dir);
		return;
	}
	/* HEAD and HEAD~1 hold the same p.yaml; HEAD~2 is cut off */
	CHECK(gitrepo_prev_version(r, "HEAD", "p.yaml", &found, c) < 0);
	CHECK(strstr(err_msg(), "HEAD:p.yaml: history is shallow at commit ") == err_msg());
	CHECK(!strncmp(err_msg() + strlen("HEAD:p.yaml: history is shallow at commit "),
		       ids[6], 12));
	gitrepo_free(r);
	sb_release(&dir);
}

static void test_corrupt(void)
{
	struct gitrepo *r = NULL;
	struct strbuf dir = STRBUF_INIT, want = STRBUF_INIT;
	char blob[41], *buf = NULL;
	size_t len;

	git_rev_parse("HEAD:other.txt", blob);
	sb_addf(&dir, "%s/corrupt", root);
	if (sh("cp -r %s %s && f=%s/.git/objects/%.2s/%s && chmod u+w $f && "
	       "printf 'garbage' > $f", sb_str(&repo), sb_str(&dir), sb_str(&dir),
	       blob, blob + 2) || gitrepo_open(&r, sb_str(&dir)) < 0) {
		CHECK(!"corrupt copy");
		sb_release(&dir);
		return;
	}
	CHECK(gitrepo_read(r, "HEAD", "other.txt", &buf, &len, blob) < 0);
	sb_addf(&want, "HEAD:other.txt: cannot read object %s: ", git_rev_parse("HEAD:other.txt", blob));
	CHECK(!strncmp(err_msg(), sb_str(&want), want.len));
	CHECK(strlen(err_msg()) > want.len);
	CHECK(strchr(err_msg(), '\n') == NULL);
	gitrepo_free(r);
	sb_release(&dir);
	sb_release(&want);
}

int main(void)
{
	int rc;

	if (system("git --version > /dev/null 2>&1")) {
		SKIP(test_git, "no git command");
		return 0;
	}
	if (build_repo() < 0) {
		printf("not ok - build_repo\n");
		return 1;
	}
	TEST(test_stable_ids);
	TEST(test_open);
	TEST(test_read);
	TEST(test_commit_changes);
	TEST(test_prev_version);
	TEST(test_tracked_path);
	TEST(test_spec_load_git);
	TEST(test_shallow);
	TEST(test_corrupt);
	rc = T_DONE();
	if (!getenv("KFPCACHE_KEEP_TMP"))
		sh("rm -rf %s", root);
	sb_release(&repo);
	return rc;
}
