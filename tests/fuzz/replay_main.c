/*
 * replay_main.c - a plain main() for a fuzz target: runs
 * LLVMFuzzerTestOneInput once over every regular file of the directory (or
 * the single file) named by argv[1], in name order, so a corpus replays
 * deterministically under `make check`, ASan and valgrind.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "base/util.h"
#include "base/banned.h"

static int replay(const char *path)
{
	char *buf;
	size_t len;

	if (read_file(path, &buf, &len) < 0) {
		fprintf(stderr, "replay: %s\n", err_msg());
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

static int replay_dir(const char *dir, size_t *count)
{
	struct strbuf path = STRBUF_INIT;
	struct dirent **names;
	struct stat st;
	int n, i, ret = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		sb_reset(&path);
		sb_addf(&path, "%s/%s", dir, names[i]->d_name);
		if (!stat(path.buf, &st) && S_ISREG(st.st_mode)) {
			if (replay(path.buf) < 0)
				ret = -1;
			++*count;
		}
		free(names[i]);
	}
	free(names);
	sb_release(&path);
	return ret;
}

int main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR|FILE\n", argv[0]);
		return 2;
	}
	if (stat(argv[1], &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (replay_dir(argv[1], &count) < 0)
			return 1;
	} else {
		if (replay(argv[1]) < 0)
			return 1;
		count = 1;
	}
	if (!count) {
		fprintf(stderr, "%s: no inputs\n", argv[1]);
		return 1;
	}
	printf("replayed %zu inputs from %s\n", count, argv[1]);
	return 0;
}
