/*
 * fuzz_deployment.c - policy_read_deployment on arbitrary bytes.  It reads
 * a path, so the bytes go to an anonymous file (created in /dev/shm, or
 * $TMPDIR, and unlinked at once) read back through /proc/self/fd: nothing
 * is left behind even when a run crashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "model/policy.h"
#include "base/banned.h"

static int input_fd = -1;
static char input_path[64];

static void open_input(void)
{
	const char *tmp = getenv("TMPDIR");
	char templ[4096];
	int fd;

	snprintf(templ, sizeof(templ), "/dev/shm/kfpcache-fuzz-XXXXXX");
	fd = mkstemp(templ);
	if (fd < 0) {
		snprintf(templ, sizeof(templ), "%s/kfpcache-fuzz-XXXXXX", tmp ? tmp : "/tmp");
		fd = mkstemp(templ);
	}
	if (fd < 0)
		die("fuzz_deployment: cannot create a temporary file");
	unlink(templ);
	input_fd = fd;
	snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d", fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	char *note = NULL;

	if (input_fd < 0)
		open_input();
	if (ftruncate(input_fd, 0) < 0 ||
	    (size && pwrite(input_fd, data, size, 0) != (ssize_t)size))
		die("fuzz_deployment: cannot write the input");
	policy_init(&p);
	err_clear();
	if (policy_read_deployment(&p, input_path, &note) == 0) {
		if (p.global_cache != 0 && p.global_cache != 1)
			abort();
	} else if (!strcmp(err_msg(), "unknown error") || note) {
		abort();
	}
	free(note);
	return 0;
}
