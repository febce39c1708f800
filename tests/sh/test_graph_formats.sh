#!/bin/sh
# SVG and PNG for every sample (rendered in-process with gvc): the SVG is
# well-formed XML with one node per executor task, titled by the task path,
# whose tooltip gives the decision and reason; the PNG is a PNG.  Output
# formats follow the extension (--report), and -o DIR writes every format.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
S=$ROOT/samples
if ! command -v python3 > /dev/null; then
	echo "skip - graph formats: python3 not installed"
	exit 0
fi

check_svg() {   # check_svg NAME: NAME.svg against NAME.json
	python3 - "$1.svg" "$1.json" <<'PY'
import json, sys
from xml.dom import minidom
doc = minidom.parse(sys.argv[1])
report = json.load(open(sys.argv[2]))
def text(n):
    return "".join(c.data if c.nodeType == c.TEXT_NODE else text(c) for c in n.childNodes)
nodes = {}
for g in doc.getElementsByTagName("g"):
    if g.getAttribute("class") != "node":
        continue
    title = text(g.getElementsByTagName("title")[0])
    tips = [a.getAttribute("xlink:title") for a in g.getElementsByTagName("a")]
    nodes[title.rstrip(" ")] = tips[0] if tips else ""
tasks = [t for t in report["tasks"] if t["kind"] != "dag"]
ok = True
for t in tasks:
    tip = nodes.get(t["task"])
    want = t["task"] + ": " + t["decision"]
    if t["reason"]:
        want += " (" + ";".join(t["reason"]) + ")"
    if tip is None or not tip.startswith(want):
        ok = False
        print("%s: node %r tooltip %r, want %r..." % (sys.argv[1], t["task"], tip, want), file=sys.stderr)
task_nodes = [n for n in nodes if not n.startswith("legend_")]
if len(task_nodes) != len(tasks):
    ok = False
    print("%s: %d task nodes, %d executor tasks" % (sys.argv[1], len(task_nodes), len(tasks)), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

n=0 bad=0 prev=
for spec in "$S"/pipelines/*.yaml "$S"/history/train/*.yaml; do
	name=$(basename "$(dirname "$spec")")-$(basename "$spec" .yaml)
	# Against the previous sample version where there is one: varied decisions.
	if [ -n "$prev" ] && [ "$(dirname "$spec")" = "$(dirname "$prev")" ]; then
		set -- --baseline "$prev"
	else
		set -- --cold
	fi
	n=$((n + 1))
	if ! kc analyze -q "$@" "$spec" --svg "$name.svg" --png "$name.png" --json "$name.json" 2> "$name.err"; then
		echo "not ok - graph formats: analyze $name failed"; cat "$name.err" >&2; bad=$((bad + 1))
	elif ! check_svg "$name"; then
		echo "not ok - graph formats: $name.svg"; bad=$((bad + 1))
	elif ! head -c 8 "$name.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'; then
		echo "not ok - graph formats: $name.png is not a PNG"; bad=$((bad + 1))
	fi
	prev=$spec
done
[ $bad = 0 ] && echo "ok - graph formats: SVG (one node per task, tooltips) and PNG for all $n samples"

# The format follows the extension.
if kc analyze -q --cold "$S/pipelines/train.yaml" --report r.csv --report r.dot --report r.svg \
	--report r.png --report r.md --report r.json --report r.html 2> report.err &&
	head -1 r.csv | grep -q '^task,kind,' && head -1 r.dot | grep -q '^digraph' &&
	grep -q '<svg' r.svg && head -c 4 r.png | grep -q PNG && head -1 r.md | grep -q '^\*\*kfpcache' &&
	python3 -c 'import json,sys; sys.exit(json.load(open("r.json"))["schema"] != "kfpcache/analyze/v4")' &&
	head -1 r.html | grep -q '^<!DOCTYPE html>'; then
	echo "ok - graph formats: --report picks the format from the extension"
else
	echo "not ok - graph formats: --report picks the format from the extension"; cat report.err >&2
fi
kc analyze -q --cold "$S/pipelines/train.yaml" --report r.txt > /dev/null 2> ext.err
rc=$?
[ $rc = 2 ] && grep -q "^kfpcache: --report 'r.txt': the extension names no format" ext.err && [ ! -e r.txt ] \
	&& echo "ok - graph formats: an unknown extension is a usage error" \
	|| { echo "not ok - graph formats: an unknown extension is a usage error (rc $rc)"; cat ext.err >&2; }

# Every format goes to stdout as '-', alone there (no summary after it),
# and no file named '-' is created.
mkdir dash && cd dash || exit 1
bad=
for f in csv dot svg png md json html; do
	kc analyze --cold "$S/pipelines/train.yaml" --$f - > out 2> err || bad="$bad $f(rc)"
	grep -q '^baseline: ' out && bad="$bad $f(summary)"
	[ -e ./- ] && { bad="$bad $f(file -)"; rm -f ./-; }
	[ -s out ] || bad="$bad $f(empty)"
done
head -c 4 out | grep -q '^<!DO' || bad="$bad html(content)"
cd .. || exit 1
[ -z "$bad" ] && echo "ok - graph formats: '-' writes each format to stdout instead of the summary" \
	|| echo "not ok - graph formats: '-' for each format:$bad"

# -o DIR: every format, committed together.
mkdir all
if kc analyze -q --cold "$S/pipelines/train.yaml" -o all 2> o.err &&
	[ "$(cd all && ls | tr '\n' ' ')" = "train.csv train.dot train.html train.json train.md train.svg " ]; then
	echo "ok - graph formats: -o writes csv, dot, svg, md, json and html"
else
	echo "not ok - graph formats: -o writes csv, dot, svg, md, json and html: $(ls all | tr '\n' ' ')"; cat o.err >&2
fi
# Reports are as readable as other files the user creates (mkstemp makes 0600).
mode=$(umask 022 && kc analyze -q --cold "$S/pipelines/train.yaml" --md perm.md && stat -c %a perm.md)
[ "$mode" = 644 ] && echo "ok - graph formats: reports get the umask's mode" \
	|| echo "not ok - graph formats: reports get the umask's mode ($mode)"
# A failed HTML (no room) leaves none of the set behind.
if [ -w /dev/full ]; then
	kc analyze -q --cold "$S/pipelines/train.yaml" --md new.md --json new.json --html /dev/full 2> full.err
	rc=$?
	[ $rc = 1 ] && [ ! -e new.md ] && [ ! -e new.json ] && ! ls | grep -q 'tmp-' \
		&& echo "ok - graph formats: a failed report commits none of the set" \
		|| echo "not ok - graph formats: a failed report commits none of the set (rc $rc)"
fi
exit 0
