#!/bin/sh
# Names that attack the reader: tests/fixtures/control-names*.yaml have task
# names with a newline that would forge a "kfpcache:" line, ESC sequences, a
# bidi override, and the list separator ';' (tasks "x" and "x;y" are both
# root causes of one task, and of each other: equal keys that race).  Text for a person must be escaped; list cells
# must decode to the names (README, CSV under "Reports"); merge reads them back;
# one enormous name must not blow the Markdown size cap.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
if ! python3 -c 'import yaml' 2> /dev/null; then
	echo "skip - hostile text: python3 with PyYAML not installed"
	exit 0
fi
F1=$ROOT/tests/fixtures/control-names.yaml
F2=$ROOT/tests/fixtures/control-names-v2.yaml
ESC=$(printf '\033')
RLO=$(printf '\342\200\256')
USE=$(printf 'use\nkfpcache: forged\033[31m\342\200\256evil\\')

# clean FILE WHAT: no ESC, no bidi override, no line a name forged.
clean() {
	if grep -q "$ESC" "$1" || grep -q "$RLO" "$1" || grep -q '^kfpcache: forged' "$1"; then
		echo "not ok - hostile text: $2 passes control characters through"; cat -A "$1" | head -20 >&2
	else
		echo "ok - hostile text: $2 escapes control characters"
	fi
}

kc analyze -b "$F1" "$F2" --csv a.csv --json a.json --md a.md > sum.out 2> sum.err
echo "analyze exit $?" >> sum.err
clean sum.out "the analyze summary"
if grep -q '^control\\x1b\[2Jnames: 3 executor tasks' sum.out && grep -q '^  x;y  *UNKNOWN same_run_race;image: 3 tasks do not hit$' sum.out; then
	echo "ok - hostile text: the summary shows escaped names and 'x;y' as one cause"
else
	echo "not ok - hostile text: summary"; cat sum.out sum.err >&2
fi
kc lint "$F2" > lint.out 2>&1
clean lint.out "lint text"
grep -q 'warning KC008 use\\nkfpcache: forged\\x1b\[31m\\u202eevil\\:' lint.out &&
	echo "ok - hostile text: lint names the task escaped" ||
	{ echo "not ok - hostile text: lint names the task escaped"; cat lint.out >&2; }
kc explain -b "$F1" "$F2" "$USE" > explain.out 2>&1
clean explain.out "explain"
grep -q '^task use\\nkfpcache: forged\\x1b\[31m\\u202eevil\\$' explain.out &&
	echo "ok - hostile text: explain names the task escaped" ||
	{ echo "not ok - hostile text: explain names the task escaped"; cat explain.out >&2; }
kc compare --cold --policy kfp-default --policy run-off "$F1" > compare.out 2>&1
clean compare.out "compare text"
grep -q '^\* use\\nkfpcache: forged\\x1b\[31m\\u202eevil\\ ' compare.out &&
	echo "ok - hostile text: compare names the task escaped" ||
	{ echo "not ok - hostile text: compare names the task escaped"; cat compare.out >&2; }
kc explain -b "$F1" "$F2" "$(printf 'nope\nkfpcache: forged')" > noexp.out 2> noexp.err
clean noexp.err "an explain error"
[ "$(wc -l < noexp.err)" -eq 1 ] && echo "ok - hostile text: an error stays one line" ||
	{ echo "not ok - hostile text: an error stays one line"; cat noexp.err >&2; }
kc analyze --cold -q "$(printf 'a\nkfpcache: forged\033[2J.yaml')" 2> open.err
clean open.err "a usage error"

# List cells: ';' and '\' inside a name are escaped, and decode to the names.
python3 - a.csv a.json a.md "$USE" <<'PY' && echo "ok - hostile text: list cells decode to the names (csv, json, md)" || echo "not ok - hostile text: list cells"
import csv, json, sys
def decode(cell):
    items, cur, i = [], "", 0
    while i < len(cell):
        c = cell[i]
        if c == "\\":
            assert cell[i + 1] in "\\;", cell
            cur += cell[i + 1]; i += 2; continue
        if c == ";":
            items.append(cur); cur = ""
        else:
            cur += c
        i += 1
    if cur:
        items.append(cur)
    return items
use = sys.argv[4]
ok = True
rows = {r["task"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
if decode(rows[use]["root_cause"]) != ["x", "x;y"] or rows[use]["root_cause"] != "x;x\\;y":
    ok = False; print("csv:", rows[use]["root_cause"], file=sys.stderr)
# x and x;y have equal keys and nothing orders them: each races the other.
if decode(rows["x;y"]["root_cause"]) != ["x", "x;y"]:
    ok = False; print("csv x;y:", rows["x;y"]["root_cause"], file=sys.stderr)
tasks = {t["task"]: t for t in json.load(open(sys.argv[2]))["tasks"]}
if tasks[use]["root_cause"] != ["x", "x;y"]:
    ok = False; print("json:", tasks[use]["root_cause"], file=sys.stderr)
md = open(sys.argv[3]).read()
if "| `x`, `x;y` |" not in md:
    ok = False; print("md: no '`x`, `x;y`' cell", file=sys.stderr)
sys.exit(0 if ok else 1)
PY

# merge reads list cells back: a well-formed one unchanged, a stray '\' refused.
h=commit,date,author,subject,path,tasks,enabled,hit,miss,miss_upstream,disabled,unknown,not_run,root_causes,invalidated,spec,seq,error
printf '%s\n%s\n' "$h" 'c1,2026-01-01T00:00:00+00:00,a,s,p.yaml,3,3,0,2,0,0,1,0,x:image(2);x\;y:image(2),2,p.yaml,1,' > good.csv
printf '%s\n%s\n' "$h" 'c1,2026-01-01T00:00:00+00:00,a,s,p.yaml,3,3,0,2,0,0,1,0,x\:image(2),2,p.yaml,1,' > bad.csv
if kc merge good.csv --csv merged.csv > /dev/null 2> merge.err && cmp -s good.csv merged.csv; then
	echo "ok - hostile text: merge keeps an escaped list cell"
else
	echo "not ok - hostile text: merge keeps an escaped list cell"; cat merge.err >&2; diff good.csv merged.csv >&2
fi
kc merge bad.csv --csv m2.csv > /dev/null 2> bad.err
rc=$?
if [ $rc -eq 1 ] && [ "$(cat bad.err)" = "kfpcache: bad.csv:2: root_causes: a '\\' not followed by '\\' or ';'" ] && [ ! -e m2.csv ]; then
	echo "ok - hostile text: merge refuses a malformed list cell"
else
	echo "not ok - hostile text: merge refuses a malformed list cell (exit $rc)"; cat bad.err >&2
fi

# One 1 MB task name: the Markdown stays under its cap and says it cut.
python3 - "$F1" big.json <<'PY'
import json, sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
tasks = spec["root"]["dag"]["tasks"]
big = "n" * (1 << 20)
tasks[big] = tasks.pop("x;y")
for t in tasks.values():
    for p in t.get("inputs", {}).get("parameters", {}).values():
        if p["taskOutputParameter"]["producerTask"] == "x;y":
            p["taskOutputParameter"]["producerTask"] = big
json.dump(spec, open(sys.argv[2], "w"))
PY
if kc analyze --cold -q big.json --md big.md 2> big.err; then
	size=$(wc -c < big.md)
	if [ "$size" -lt 60000 ] && grep -q '… (cut, 1048576 bytes)' big.md; then
		echo "ok - hostile text: a 1 MB name is cut in Markdown ($size bytes)"
	else
		echo "not ok - hostile text: a 1 MB name makes $size bytes of Markdown"
	fi
else
	echo "not ok - hostile text: analyze of a 1 MB name failed"; cat big.err >&2
fi
