#!/bin/sh
# Wording and pictures (issue 13, §8-9): the history plot's commit labels
# are horizontal, below the panel title, above the bars and inside the
# picture, even for a long subject on the last commit; the history page's
# headline gives commits that invalidated and the entries they invalidated
# apart, as the CSV counts them; the analyze page offers "fit width" for a
# tall, narrow graph (test_html.sh clicks it in a browser).
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
if ! command -v python3 > /dev/null; then
	echo "skip - wording: python3 not installed"
	exit 0
fi
sample_repo train repo
# The last commit invalidates most, with a subject longer than a label holds.
sed 's/python:3.11/python:3.12/' repo/pipelines/train.yaml > x && mv x repo/pipelines/train.yaml
gitp repo add -A && commit_at repo 2026-09-01T09:00:00+00:00 \
	"Bump every image to python:3.12 across the whole training pipeline, evaluation and deployment steps"
kc history -q --repo repo pipelines/train.yaml --plot plot.svg --csv timeline.csv --html history.html 2> err
if python3 - plot.svg <<'PY' 2>> err
import re, sys
from xml.dom import minidom
doc = minidom.parse(sys.argv[1])
svg = doc.documentElement
width = int(svg.getAttribute("width"))
title = [t for t in doc.getElementsByTagName("text") if t.getAttribute("class") == "title"][0]
title_y = int(title.getAttribute("y"))
grid = [int(l.getAttribute("y1")) for l in doc.getElementsByTagName("line") if l.getAttribute("class") == "grid"]
plot_top = min(grid)
labels = [g for g in doc.getElementsByTagName("g") if g.getAttribute("class") == "label"]
assert len(labels) == 3, len(labels)
ys = []
for g in labels:
    t = g.getElementsByTagName("text")[0]
    s = "".join(c.data for c in t.childNodes)
    assert not t.getAttribute("transform"), "rotated: " + s
    x, y = int(t.getAttribute("x")), int(t.getAttribute("y"))
    # 10px text: below the 14px title with room, above the bars.
    assert y - 10 > title_y + 4, ("label over the title", s, y, title_y)
    assert y < plot_top, ("label in the bars", s, y, plot_top)
    # About 5.5 px a character at 10px Helvetica: inside the picture.
    assert x >= 0 and x + 5.5 * len(s) <= width, ("cut off", s, x, width)
    ys.append(y)
    line = g.getElementsByTagName("line")[0]
    assert int(line.getAttribute("y2")) > y, ("leader crosses its text", s)
assert len(set(ys)) == 3, ("labels on one line overlap", ys)
assert any("Bump every image" in "".join(c.data for c in g.getElementsByTagName("text")[0].childNodes) for g in labels)
PY
then
	echo "ok - wording: plot labels horizontal, under the title, above the bars, inside the picture"
else
	echo "not ok - wording: plot labels horizontal, under the title, above the bars, inside the picture"; cat err >&2
fi

if python3 - history.html timeline.csv <<'PY' 2>> err
import csv, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
rows = [r for r in csv.DictReader(open(sys.argv[2])) if not r["error"]]
commits = sum(1 for r in rows if int(r["invalidated"]))
entries = sum(int(r["invalidated"]) for r in rows)
assert commits != entries, (commits, entries)
m = re.search(r'<p class="verdict">(\d+) commits; (\d+) commits invalidated cache entries \((\d+) entries in all\)', page)
assert m, re.search(r'<p class="verdict">[^<]*', page).group(0)
assert (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (len(rows), commits, entries), m.group(0)
PY
then
	echo "ok - wording: history page headline: commits that invalidated, and the entries, apart"
else
	echo "not ok - wording: history page headline: commits that invalidated, and the entries, apart"; cat err >&2
fi

kc analyze -q --cold "$ROOT/tests/fixtures/loop-twelve-shards.yaml" --html loop.html 2> err
if grep -q '<button id="zoom-width"' loop.html && grep -q "addEventListener('click', fitWidth)" loop.html; then
	echo "ok - wording: analyze page offers fit width"
else
	echo "not ok - wording: analyze page offers fit width"
fi
