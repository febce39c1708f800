/*
 * cmd/merge.c - `kfpcache merge CSV...`: join the timelines of a history
 * walk's shards (history --shard K/N) into one, in commit order, refusing
 * a commit that two shards both report.  Exit status 3 when a row carries
 * an error, as history's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "base/util.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "load/history.h"
#include "reports/timeline.h"
#include "base/banned.h"

enum { M_CSV = 256, M_QUIET, M_JSON, M_PLOT, M_HTML };

const struct opt merge_opts[] = {
	{ "csv", 0, "FILE", "write the joined timeline to FILE", M_CSV, OPT_OUT, OPTG_OUTPUTS, "stdout, unless another report is asked for" },
	{ "json", 0, "FILE", "write the joined timeline as JSON, schema " TIMELINE_JSON_SCHEMA, M_JSON, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "plot", 0, "FILE", "plot hits and misses per commit as SVG", M_PLOT, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "html", 0, "FILE", "write a self-contained HTML report: the plot and the commit table", M_HTML, OPT_OUT, OPTG_OUTPUTS, "not written" },
	{ "quiet", 'q', NULL, "no summary", M_QUIET, 0, OPTG_OUTPUTS, "off" },
	{ NULL, 0, NULL, NULL, 0, 0, 0, NULL }
};

struct merge_args {
	const char *csv, *json, *plot, *html;
	bool quiet;
};

static int merge_opt(int id, const char *arg, void *ctx)
{
	struct merge_args *m = ctx;

	if (id == M_CSV)
		m->csv = arg;
	else if (id == M_JSON)
		m->json = arg;
	else if (id == M_PLOT)
		m->plot = arg;
	else if (id == M_HTML)
		m->html = arg;
	else if (id == M_QUIET)
		m->quiet = true;
	else
		return -1;
	return 0;
}

/*
 * Read every shard's timeline CSV, join and sort the rows, refuse a commit
 * two shards both report, then write the joined timeline and summary.  One
 * linear sequence over the joined rows, released under one cleanup label.
 */
int cmd_merge(int argc, char **argv, const struct command *cmd)
{
	struct merge_args m = { NULL, NULL, NULL, NULL, false };
	bool csv_out;
	struct common c;
	struct outset os;
	struct timeline_row *all = NULL;
	size_t nall = 0, i;
	int idx, k, ret = EXIT_ERROR;
	FILE *fp = stdout;

	common_init(&c);
	outset_init(&os);
	idx = cmd_args(argc, argv, cmd, &c, merge_opt, &m, 1, -1, "the shards' timeline CSV files", &ret);
	if (idx < 0)
		goto done;
	for (k = idx; k < argc; k++) {
		struct timeline_row *rows;
		size_t n;
		if (timeline_csv_read(argv[k], &rows, &n) < 0) {
			ret = cmd_fail();
			goto done;
		}
		all = xreallocarray(all, nall + n + 1, sizeof(*all));
		if (n)  /* a shard with no rows may hand back no array */
			memcpy(all + nall, rows, n * sizeof(*all));
		nall += n;
		free(rows);
	}
	timeline_sort(all, nall);
	/* The summary ranks ties by date, which the CSV holds as text; one it cannot read ranks oldest. */
	for (i = 0; i < nall; i++)
		if (history_parse_date(all[i].date, &all[i].time) < 0) {
			all[i].time = 0;
			err_clear();
		}
	for (i = 1; i < nall; i++)
		if (!strcmp(all[i].spec, all[i - 1].spec) && all[i].seq == all[i - 1].seq) {
			fprintf(stderr, "kfpcache: %s commit %zu (%.12s) appears in two shards\n",
				term_text(all[i].spec), all[i].seq, term_text(all[i].commit));
			goto done;
		}
	/* The CSV goes to stdout when asked, or when nothing else is. */
	csv_out = m.csv || (!m.json && !m.plot && !m.html);
	if (m.csv && strcmp(m.csv, "-") && outset_open(&os, m.csv, &fp) < 0) {
		ret = cmd_fail();
		goto done;
	}
	if ((csv_out && timeline_csv_write(fp, all, nall) < 0) ||
	    cmd_write_timeline(&os, m.json, timeline_json_write, all, nall) < 0 ||
	    cmd_write_timeline(&os, m.plot, timeline_plot_svg, all, nall) < 0 ||
	    cmd_write_timeline(&os, m.html, timeline_html_write, all, nall) < 0 ||
	    outset_commit(&os) < 0) {
		outset_abort(&os);
		ret = cmd_fail();
		goto done;
	}
	if (!m.quiet && !(csv_out && !m.csv) &&
	    !cmd_on_stdout((const char *const[]){ m.csv, m.json, m.plot, m.html }, 4))
		timeline_summary(stdout, all, nall, NULL);
	ret = EXIT_OK;
	for (i = 0; i < nall; i++)
		if (*all[i].error && strcmp(all[i].error, "deleted"))
			ret = EXIT_PARTIAL;
	if (fflush(stdout))
		ret = EXIT_ERROR;
done:
	for (i = 0; i < nall; i++)
		timeline_row_release(&all[i]);
	free(all);
	common_release(&c);
	return ret;
}
