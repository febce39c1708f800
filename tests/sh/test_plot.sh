#!/bin/sh
# history --plot: a well-formed SVG with one stacked bar per commit whose
# segments add up to its executor tasks, the hit ratio as a line, the three
# commits that invalidated most labelled with their subjects, hostile commit
# subjects escaped; merge of shards draws the same bytes.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
if ! command -v python3 > /dev/null; then
	echo "skip - plot: python3 not installed"
	exit 0
fi
sample_repo train repo
kc history -q --repo repo pipelines/train.yaml --plot plot.svg --csv timeline.csv 2> err
if python3 - plot.svg timeline.csv <<'PY' 2>> err
import csv, sys
from xml.dom import minidom
doc = minidom.parse(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2])))
def text(n):
    return "".join(c.data if c.nodeType == c.TEXT_NODE else text(c) for c in n.childNodes)
bars = [g for g in doc.getElementsByTagName("g") if g.getAttribute("class") == "commit"]
assert len(bars) == len(rows) == 7, (len(bars), len(rows))
for g, r in zip(bars, rows):
    title = text(g.getElementsByTagName("title")[0])
    assert r["commit"][:12] in title and r["subject"] in title, title
    heights = sum(int(x.getAttribute("height")) for x in g.getElementsByTagName("rect"))
    assert heights > 0, title
# Bars are proportional: the tallest holds the most tasks.
tall = max(range(7), key=lambda i: sum(int(x.getAttribute("height")) for x in bars[i].getElementsByTagName("rect")))
assert int(rows[tall]["tasks"]) == max(int(r["tasks"]) for r in rows), tall
labels = [text(g) for g in doc.getElementsByTagName("g") if g.getAttribute("class") == "label"]
top = sorted(rows, key=lambda r: (-int(r["invalidated"]), int(r["seq"])))[:3]
for r in top:
    assert any(l.startswith(r["commit"][:7] + " ") for l in labels), (r["commit"], labels)
assert len(labels) == 3, labels
line = [p for p in doc.getElementsByTagName("polyline") if p.getAttribute("class") == "ratio"]
assert len(line) == 1 and len(line[0].getAttribute("points").split()) == 7
PY
then
	echo "ok - plot: well-formed SVG, a stacked bar per commit, hit ratio, top 3 invalidating commits labelled"
else
	echo "not ok - plot: well-formed SVG, bars, hit ratio, labels"; cat err >&2
fi

# Hostile subjects and paths: still well-formed, shown exactly.
mkdir evil && gitp evil init -q -b main && mkdir -p evil/p
cp "$ROOT/samples/history/train/001.yaml" 'evil/p/a&b<c>.yaml'
gitp evil add -A && commit_at evil 2026-01-01T00:00:00+00:00 'first <script>alert("x")</script> & done'
cp "$ROOT/samples/history/train/002.yaml" 'evil/p/a&b<c>.yaml'
gitp evil add -A && commit_at evil 2026-01-02T00:00:00+00:00 "bump ]]> '\"--> $(printf '\001') caf$(printf '\351') latin-1" 2> /dev/null
kc history -q --repo evil 'p/a&b<c>.yaml' --plot evil.svg 2> err
if python3 - evil.svg <<'PY' 2>> err
import sys
from xml.dom import minidom
doc = minidom.parse(sys.argv[1])
def text(n):
    return "".join(c.data if c.nodeType == c.TEXT_NODE else text(c) for c in n.childNodes)
all_text = text(doc.documentElement)
assert 'first <script>alert("x")</script> & done' in all_text, all_text
assert "p/a&b<c>.yaml" in all_text
assert not doc.getElementsByTagName("script")
PY
then
	echo "ok - plot: hostile subjects and paths escaped"
else
	echo "not ok - plot: hostile subjects and paths escaped"; cat err >&2
fi

# A version that does not load: a dashed empty bar saying why, no gap in the
# line's commits; the JSON marks it not analyzed.
sample_repo train partial
printf 'pipelineInfo: {name: churn-training\nroot: [\n' > partial/pipelines/train.yaml
gitp partial add -A && commit_at partial 2026-06-01T09:00:00+00:00 "Broken merge"
cp "$ROOT/samples/pipelines/train.yaml" partial/pipelines/train.yaml
gitp partial add -A && commit_at partial 2026-06-02T09:00:00+00:00 "Fix the merge"
kc history -q --repo partial pipelines/train.yaml --plot partial.svg --json partial.json 2> partial.err
rc=$?
if [ $rc = 3 ] && python3 - partial.svg partial.json <<'PY' 2>> err
import json, sys
from xml.dom import minidom
doc = minidom.parse(sys.argv[1])
errs = [r for r in doc.getElementsByTagName("rect") if r.getAttribute("class") == "error"]
assert len(errs) == 1, len(errs)
title = "".join(c.data for c in errs[0].parentNode.getElementsByTagName("title")[0].childNodes)
assert "Broken merge" in title and "not analyzed" in title, title
commits = json.load(open(sys.argv[2]))["commits"]
bad = [c for c in commits if not c["analyzed"]]
assert len(commits) == 9 and len(bad) == 1 and bad[0]["error"] and "counts" not in bad[0], bad
PY
then
	echo "ok - plot: a version that does not load is drawn as such (exit 3)"
else
	echo "not ok - plot: a version that does not load is drawn as such (rc $rc)"; cat partial.err err >&2
fi

# The shards' timelines merged give the same plot.
kc history -q --repo repo --shard 1/3 pipelines/train.yaml --csv p1.csv 2>> err
kc history -q --repo repo --shard 2/3 pipelines/train.yaml --csv p2.csv 2>> err
kc history -q --repo repo --shard 3/3 pipelines/train.yaml --csv p3.csv 2>> err
kc merge -q p1.csv p2.csv p3.csv --plot merged.svg 2>> err
cmp -s plot.svg merged.svg && echo "ok - plot: merge of shards draws the same plot" \
	|| echo "not ok - plot: merge of shards draws the same plot"
kc history -q --repo repo pipelines/train.yaml --plot again.svg 2>> err
cmp -s plot.svg again.svg && echo "ok - plot: byte-identical across runs" \
	|| echo "not ok - plot: byte-identical across runs"
exit 0
