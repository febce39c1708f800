/*
 * test_util.c - the base helpers the command line leans on: "did you mean"
 * (kc_did_you_mean, git's help.c ranking) and outset_mkdir (mkdir -p, the
 * directories it made removed again by outset_abort).
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

int main(void)
{
	TEST(test_did_you_mean);
	TEST(test_mkdir_p);
	return T_DONE();
}
