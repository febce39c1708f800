/*
 * test_util.c - base/util helpers that shape what people read: path_cmp,
 * the one order of task paths, and plural().
 */
#include "base/util.h"

#include <stdlib.h>

#include "t.h"

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
	TEST(test_path_cmp_numeric);
	TEST(test_path_cmp_sorts);
	TEST(test_plural);
	return T_DONE();
}
