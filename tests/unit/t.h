/*
 * t.h - a tiny TAP-like unit test harness.  Each test binary prints one
 * "ok - name" or "not ok - name" line per check group and exits non-zero on
 * failure; tests/run.sh counts the lines.
 */
#ifndef KFPCACHE_T_H
#define KFPCACHE_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failed_checks;
static int t_passed_tests;
static int t_failed_tests;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		t_failed_checks++; \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!g_ || !w_ || strcmp(g_, w_)) { \
		fprintf(stderr, "  %s:%d: %s\n    got:  %s\n    want: %s\n", __FILE__, __LINE__, \
			#got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
		t_failed_checks++; \
	} \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) { \
		fprintf(stderr, "  %s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
		t_failed_checks++; \
	} \
} while (0)

#define TEST(fn) do { \
	int before_ = t_failed_checks; \
	fn(); \
	if (t_failed_checks == before_) { \
		printf("ok - %s\n", #fn); \
		t_passed_tests++; \
	} else { \
		printf("not ok - %s\n", #fn); \
		t_failed_tests++; \
	} \
} while (0)

#define SKIP(fn, why) printf("skip - %s: %s\n", #fn, why)

#define T_DONE() (t_failed_tests ? 1 : 0)

#endif
