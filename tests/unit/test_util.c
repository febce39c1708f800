/*
 * test_util.c - the base helpers the command line leans on: "did you mean"
 * (kc_did_you_mean, git's help.c ranking) and outset_mkdir (mkdir -p, the
 * directories it made removed again by outset_abort); and those that shape
 * what people read: path_cmp, the one order of task paths, and plural().
 */
#include "t.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/util.h"

static const char *const commands[] = {
	"analyze", "explain", "fingerprint", "history", "diff", "blame", "lint",
	"compare", "merge"
};

static size_t suggest(const char *word, size_t *out)
{
	return kc_did_you_mean(word, commands, KC_ARRAY_SIZE(commands), out, 4);
}

static void test_did_you_mean(void)
{
	size_t hit[4];

	/* a swap of neighbours costs nothing, as in git */
	CHECK_INT(suggest("anaylze", hit), 1);
	CHECK_STR(commands[hit[0]], "analyze");
	CHECK_INT(suggest("histroy", hit), 1);
	CHECK_STR(commands[hit[0]], "history");
	CHECK_INT(suggest("fingerprnt", hit), 1);
	CHECK_STR(commands[hit[0]], "fingerprint");
	/* a prefix is nearest */
	CHECK_INT(suggest("fi", hit), 1);
	CHECK_STR(commands[hit[0]], "fingerprint");
	/* the ties, in the candidates' order */
	CHECK_INT(suggest("d", hit), 1);
	CHECK_STR(commands[hit[0]], "diff");
	/* nothing is near: no suggestion rather than a wild guess */
	CHECK_INT(suggest("frobnicate", hit), 0);
	CHECK_INT(suggest("", hit), 0);
}

static void test_mkdir_p(void)
{
	char tmpl[] = "/tmp/kc-mkdir-XXXXXX";
	char *root = mkdtemp(tmpl), *deep, *file;
	struct outset os;
	struct stat st;

	if (!root) {
		CHECK(!"mkdtemp");
		return;
	}
	deep = xstrfmt("%s/a//b/c/", root);
	file = xstrfmt("%s/f", root);
	outset_init(&os);
	CHECK(outset_mkdir(&os, deep) == 0);
	CHECK(stat(deep, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(os.ndirs, 3);
	/* an abort removes what it made, innermost first */
	outset_abort(&os);
	free(deep);
	deep = xstrfmt("%s/a", root);
	CHECK(stat(deep, &st) < 0);
	/* a file in the way: named, nothing made */
	fclose(fopen(file, "w"));
	free(deep);
	deep = xstrfmt("%s/x/y", file);
	CHECK(outset_mkdir(&os, deep) < 0);
	CHECK(strstr(err_msg(), "exists and is not a directory") != NULL);
	outset_abort(&os);
	unlink(file);
	CHECK(rmdir(root) == 0);
	free(deep);
	free(file);
}

static int sign(int v)
{
	return v < 0 ? -1 : v > 0;
}

static void test_path_cmp_numeric(void)
{
	/* Iterations sort by number, not byte: [2] after [1], [10] after [9]. */
	CHECK_INT(sign(path_cmp("for-loop-2[1]/op", "for-loop-2[2]/op")), -1);
	CHECK_INT(sign(path_cmp("for-loop-2[9]/op", "for-loop-2[10]/op")), -1);
	CHECK_INT(sign(path_cmp("for-loop-2[10]/op", "for-loop-2[2]/op")), 1);
	CHECK_INT(sign(path_cmp("condition-2", "condition-15")), -1);
	CHECK_INT(sign(path_cmp("a[3]/b", "a[3]/b")), 0);
	/* Not digits: byte order, a prefix first. */
	CHECK_INT(sign(path_cmp("a/b", "a-b")), 1);
	CHECK_INT(sign(path_cmp("train", "train-model")), -1);
	CHECK_INT(sign(path_cmp("op", "op2")), -1);
	/* The same number with leading zeros: still a total order. */
	CHECK_INT(sign(path_cmp("a01", "a1")), -1);
	CHECK_INT(sign(path_cmp("a1", "a01")), 1);
	CHECK_INT(sign(path_cmp("a007b", "a7c")), -1);
	/* Digit runs longer than any integer type. */
	CHECK_INT(sign(path_cmp("x123456789012345678901234567890", "x99")), 1);
}

static void test_path_cmp_sorts(void)
{
	const char *v[] = {
		"for-loop-2[10]/p", "for-loop-2[2]/p", "for-loop-2[1]/p", "for-loop-2[11]/p",
		"for-loop-2[0]/p", "for-loop-2[9]/p", "for-loop-2", "exit-handler-1/log-run"
	};
	const char *want[] = {
		"exit-handler-1/log-run", "for-loop-2", "for-loop-2[0]/p", "for-loop-2[1]/p",
		"for-loop-2[2]/p", "for-loop-2[9]/p", "for-loop-2[10]/p", "for-loop-2[11]/p"
	};
	size_t i;

	qsort(v, KC_ARRAY_SIZE(v), sizeof(*v), path_cmp_ptr);
	for (i = 0; i < KC_ARRAY_SIZE(v); i++)
		CHECK_STR(v[i], want[i]);
}

static void test_plural(void)
{
	CHECK_STR(plural(0, "task", "tasks"), "tasks");
	CHECK_STR(plural(1, "task", "tasks"), "task");
	CHECK_STR(plural(2, "task differs", "tasks differ"), "tasks differ");
}

int main(void)
{
	TEST(test_did_you_mean);
	TEST(test_mkdir_p);
	TEST(test_path_cmp_numeric);
	TEST(test_path_cmp_sorts);
	TEST(test_plural);
	return T_DONE();
}
