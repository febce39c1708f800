/*
 * fuzz_mergecsv.c - the CSV reader of `kfpcache merge`
 * (timeline_csv_read_buf) on arbitrary bytes.  Generic on purpose: bytes
 * in, rows or one error out, whatever the cells encode.  Rows it accepts
 * are written back with timeline_csv_write and must read back to as many
 * rows with the same spec, commit and sequence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reports/timeline.h"
#include "base/banned.h"

static void free_rows(struct timeline_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		timeline_row_release(&rows[i]);
	free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeline_row *rows = NULL, *back = NULL;
	size_t n = 0, nback = 0, i;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	err_clear();
	if (timeline_csv_read_buf((const char *)data, size, "fuzz.csv", &rows, &n) < 0) {
		if (!strcmp(err_msg(), "unknown error"))
			abort();
		return 0;
	}
	fp = open_memstream(&buf, &len);
	if (!fp)
		die("fuzz_mergecsv: open_memstream");
	if (timeline_csv_write(fp, rows, n) < 0)
		abort();
	if (fclose(fp))
		die("fuzz_mergecsv: fclose");
	if (timeline_csv_read_buf(buf, len, "again.csv", &back, &nback) < 0 || nback != n)
		abort();
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].spec, back[i].spec) || strcmp(rows[i].commit, back[i].commit) ||
		    rows[i].seq != back[i].seq)
			abort();
	free_rows(back, nback);
	free_rows(rows, n);
	free(buf);
	return 0;
}
