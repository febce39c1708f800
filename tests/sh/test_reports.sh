#!/bin/sh
# Reports: byte-identical across runs, DOT parses with Graphviz, SVG/PNG
# render in-process, outputs are committed atomically.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
S=$ROOT/samples
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; }

kc analyze -q --baseline "$S/history/train/001.yaml" "$S/pipelines/train.yaml" --csv a.csv --dot a.dot
kc analyze -q --baseline "$S/history/train/001.yaml" "$S/pipelines/train.yaml" --csv b.csv --dot b.dot
cmp -s a.csv b.csv && ok "csv byte-identical across runs" || no "csv byte-identical across runs"
cmp -s a.dot b.dot && ok "dot byte-identical across runs" || no "dot byte-identical across runs"

if command -v dot > /dev/null; then
	if dot -Tcanon a.dot > canon.dot 2> dot.err && [ -s canon.dot ]; then
		ok "dot parses with Graphviz"
	else
		no "dot parses with Graphviz"; cat dot.err >&2
	fi
else
	echo "skip - dot parses with Graphviz: 'dot' not installed"
fi
# One node per executor task (+6 legend nodes), one cluster per DAG task (+legend).
tasks=$(grep -c ',\(container\|importer\),' a.csv)
dags=$(grep -c ',dag,' a.csv)
nodes=$(grep -E '^[[:space:]]+("[^"]*"|[A-Za-z_][A-Za-z0-9_]*)[[:space:]]+\[' a.dot | grep -vcE '^[[:space:]]+(graph|node|edge)[[:space:]]')
clusters=$(grep -c 'subgraph "*cluster_' a.dot)
[ "$nodes" -eq $((tasks + 6)) ] && ok "dot has one node per executor task" || no "dot nodes $nodes vs $tasks tasks"
[ "$clusters" -eq $((dags + 1)) ] && ok "dot has one cluster per DAG task" || no "dot clusters $clusters vs $dags dags"
grep -q 'penwidth=2.5' a.dot && ok "invalidating edges are bold" || no "invalidating edges are bold"
grep -q 'label=artifact' a.dot && grep -q 'label=parameter' a.dot && ok "edges labelled artifact/parameter" \
	|| no "edges labelled artifact/parameter"

if kc analyze -q --baseline "$S/pipelines/train.yaml" "$S/pipelines/train.yaml" --svg g.svg --png g.png 2> svg.err; then
	grep -q '<svg' g.svg && grep -q 'deploy&#45;model' g.svg && ok "svg rendered in-process" || no "svg rendered in-process"
	head -c 8 g.png | od -c | grep -q 'P   N   G' && ok "png rendered in-process" || no "png rendered in-process"
else
	no "svg/png render"; cat svg.err >&2
fi

# -o DIR writes csv, dot and svg named after the spec.
mkdir out
kc analyze -q --cold "$S/pipelines/train.yaml" -o out
[ -s out/train.csv ] && [ -s out/train.dot ] && [ -s out/train.svg ] && ok "-o writes csv, dot, svg" || no "-o writes csv, dot, svg"

# A failed run leaves an existing report untouched and no temporary behind.
echo "precious" > keep.csv
cp keep.csv keep.orig
kc analyze -q --baseline "$S/pipelines/train.yaml" "$ROOT/tests/bad/dangling-producer.yaml" --csv keep.csv 2> err.txt
rc=$?
[ $rc -eq 1 ] && cmp -s keep.csv keep.orig && ok "failed analysis leaves the old report" || no "failed analysis leaves the old report (rc $rc)"
ls | grep -q 'tmp-' && no "temporary files left behind" || ok "no temporary files left behind"

# A write failure (full disk) is an error, and nothing else is committed.
if [ -w /dev/full ]; then
	kc analyze -q --cold "$S/pipelines/train.yaml" --csv new.csv --dot /dev/full 2> full.err
	rc=$?
	[ $rc -eq 1 ] && [ ! -e new.csv ] && grep -q '/dev/full' full.err && ok "full disk: exit 1, no partial report set" \
		|| no "full disk: exit 1, no partial report set (rc $rc)"
else
	echo "skip - full disk: /dev/full not writable"
fi
# An unwritable directory: one line naming the path.
kc analyze -q --cold "$S/pipelines/train.yaml" --csv /nonexistent-dir/x.csv 2> nodir.err
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l < nodir.err)" -eq 1 ] && grep -q '^kfpcache: /nonexistent-dir/x.csv: ' nodir.err \
	&& ok "unwritable output: one-line error" || no "unwritable output: one-line error (rc $rc)"
exit 0
