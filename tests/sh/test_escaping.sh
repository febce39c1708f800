#!/bin/sh
# Hostile names in reports: tests/fixtures/hostile-names.yaml has task keys,
# component names and executor labels with double quotes, markup,
# backslashes (one ending a name) and CSV formula triggers.  The CSV must
# parse with every name literal (formula cells behind a leading apostrophe),
# the DOT must parse with Graphviz, and the SVG must be well-formed XML that
# shows every name exactly.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
F=$ROOT/tests/fixtures/hostile-names.yaml
if ! command -v python3 > /dev/null; then
	echo "skip - escaping: python3 not installed"
	exit 0
fi
if ! kc analyze -q --cold "$F" --csv h.csv --dot h.dot --svg h.svg 2> err; then
	echo "not ok - escaping: analyze failed"; cat err >&2
	exit 0
fi
echo "ok - escaping: analyze writes csv, dot and svg"

# CSV: Python's csv module reads back exactly the names of the spec.
python3 - h.csv <<'PY' && echo "ok - escaping: csv parses, names literal, formulas neutralised" || echo "not ok - escaping: csv"
import csv, sys
formula = "=cmd|' /C calc'!A0"
dag = '<script>alert(1)</script>\\'
want = {
    dag: ("dag", "comp-<script>alert(1)</script>", ""),
    dag + "/@SUM(A1:A9)": ("container", 'comp-say-"hi"', 'exec-say-"hi"'),
    dag + "/C:\\temp\\": ("container", 'comp-say-"hi"', 'exec-say-"hi"'),
    "'" + formula: ("container", "comp-" + formula, "exec-" + formula),
    'say "hi"': ("container", 'comp-say-"hi"', 'exec-say-"hi"'),
}
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f, strict=True))
ok = rows[0][:4] == ["task", "kind", "component", "executor"]
got = {r[0]: (r[1], r[2], r[3]) for r in rows[1:]}
if got != want:
    ok = False
    print("rows:", got, "\nwant:", want, file=sys.stderr)
images = {r[0]: r[4] for r in rows[1:]}
if images["'" + formula] != "'=HYPERLINK(\"http://example.invalid\")":
    ok = False
    print("image cell:", images["'" + formula], file=sys.stderr)
for r in rows:
    for cell in r:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            ok = False
            print("formula cell:", cell, file=sys.stderr)
    if len(r) != len(rows[0]):
        ok = False
        print("ragged row:", r, file=sys.stderr)
sys.exit(0 if ok else 1)
PY

# DOT: Graphviz parses it and keeps one node per executor task.
if command -v dot > /dev/null; then
	if dot -Tcanon h.dot > canon.dot 2> dot.err && [ -s canon.dot ]; then
		echo "ok - escaping: dot parses with Graphviz"
	else
		echo "not ok - escaping: dot parses with Graphviz"; cat dot.err >&2
	fi
	n=$(gvpr 'BEG_G { int n = 0; } N { if (substr($.name, 0, 7) != "legend_") n++; } END_G { printf("%d", n); }' canon.dot)
	[ "$n" = 4 ] && echo "ok - escaping: dot has the four executor tasks" \
		|| echo "not ok - escaping: dot has '$n' executor nodes, want 4"
else
	echo "skip - escaping: 'dot' not installed"
fi

# SVG: well-formed XML, no markup from the names, every name shown exactly.
python3 - h.svg <<'PY' && echo "ok - escaping: svg is well-formed and shows the names" || echo "not ok - escaping: svg"
import sys
from xml.dom import minidom
doc = minidom.parse(sys.argv[1])
def text(n):
    return "".join(c.data if c.nodeType == c.TEXT_NODE else text(c) for c in n.childNodes)
shown = {text(e) for e in doc.getElementsByTagName("text")}
tips = {a.getAttribute("xlink:title") for a in doc.getElementsByTagName("a")}
ok = not doc.getElementsByTagName("script")
for name in ("<script>alert(1)</script>\\", "@SUM(A1:A9)", "C:\\temp\\", "=cmd|' /C calc'!A0",
             'say "hi"', 'hostile <names> & "quotes"'):
    if name not in shown:
        ok = False
        print("not shown:", name, file=sys.stderr)
# say "hi" runs after the group whose C:\temp\ has its key: a same-run hit.
if "say \"hi\": HIT (same_run) root cause <script>alert(1)</script>\\/C:\\temp\\" not in tips:
    ok = False
    print("tooltips:", tips, file=sys.stderr)
raw = open(sys.argv[1], encoding="utf-8").read()
if "&lt;script&gt;" not in raw or "<script>" in raw:
    ok = False
    print("markup not escaped in the SVG text", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
exit 0
