#!/bin/sh
# JSON reports validate against the schemas shipped in reports/schema/
# (draft 2020-12, checked with Debian's python3-jsonschema, installed through
# tests/deps.sh when run as root): analyze on the samples, hostile names, a
# 300-task spec and the corpus; history and merge on the sample repository;
# the copy embedded in the HTML report.  Documents that break the schema
# must fail, so the check cannot pass vacuously.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
S=$ROOT/samples
A=$ROOT/reports/schema/analyze.v4.schema.json
H=$ROOT/reports/schema/history.v2.schema.json
PY=/usr/bin/python3
V=$ROOT/tests/sh/json_validate.py

if ! $PY -c 'import jsonschema' 2> /dev/null && [ "$(id -u)" = 0 ]; then
	sh "$ROOT/tests/deps.sh" --quiet python3-jsonschema > /dev/null 2>&1
fi
if ! $PY -c 'import jsonschema' 2> /dev/null; then
	echo "skip - json: python3-jsonschema is not installed and could not be (run tests/deps.sh python3-jsonschema as root)"
	exit 0
fi

# analyze: samples (against the previous version), hostile names, 300 tasks.
prev= n=0
for spec in "$S"/history/train/*.yaml "$S/pipelines/train.yaml"; do
	n=$((n + 1))
	if [ -n "$prev" ]; then set -- --baseline "$prev"; else set -- --cold; fi
	kc analyze -q "$@" "$spec" --json "a$n.json" 2>> err || echo "analyze $spec failed" >> err
	prev=$spec
done
kc analyze -q --baseline "$S/history/train/006.yaml" "$S/pipelines/train.yaml" --json train.json 2>> err
kc analyze -q --cold "$ROOT/tests/fixtures/hostile-names.yaml" --json hostile.json 2>> err
kc analyze -q --run-caching off --kfp-version 2.18 --cold "$S/pipelines/train.yaml" --json policy.json 2>> err
kc analyze -q --kfp-version master --cold "$S/pipelines/train.yaml" --json master.json 2>> err
grep -q '"kfp_version": "master"' master.json || echo "master.json: kfp_version is not \"master\"" >> err
python3 "$ROOT/tests/bench/gen.py" spec 300 big.yaml
kc analyze -q --cold big.yaml --json big.json 2>> err
if [ "$(ls a*.json | wc -l)" = 8 ] && $PY "$V" "$A" a*.json train.json hostile.json policy.json master.json big.json 2>> err && ! grep -q master.json err; then
	echo "ok - json: analyze reports validate against analyze.v4.schema.json"
else
	echo "not ok - json: analyze reports validate against analyze.v4.schema.json"; cat err >&2
fi

# The corpus, when present.
if [ -d "$CORPUS/specs" ]; then
	mkdir corpus
	for f in "$CORPUS"/specs/*; do
		kc analyze -q --cold "$f" --json "corpus/$(basename "$f").json" 2> /dev/null
	done
	c=$(ls corpus | wc -l)
	if [ "$c" -gt 0 ] && $PY "$V" "$A" corpus/*.json 2> err; then
		echo "ok - json: $c corpus specs validate"
	else
		echo "not ok - json: corpus specs validate"; head -20 err >&2
	fi
else
	echo "skip - json: corpus: ../shared/kfp-corpus not present"
fi

# Contents: the fields a consumer reads, hostile names exactly.
if python3 - train.json hostile.json policy.json <<'PY' 2> err
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["task"]: x for x in r["tasks"]}
lr = t["exit-handler-1/log-run"]
assert r["schema"] == "kfpcache/analyze/v4" and r["pipeline"] == "churn-training", r["pipeline"]
assert r["counts"]["HIT"] == 7 and r["counts"]["MISS"] == 3 and r["counts"]["DISABLED"] == 1, r["counts"]
assert lr["decision"] == "MISS" and lr["reason"] == ["run_unique:create_time", "run_unique:job_uuid"], lr
assert lr["root_cause"] == ["exit-handler-1/log-run"] and lr["distance"] == 0, lr
assert {p["name"] for p in lr["key_parts"]} >= {"image", "command", "args"}, lr["key_parts"]
assert all(len(p["digest"]) == 16 for p in lr["key_parts"])
assert t["exit-handler-1"]["decision"] is None and t["exit-handler-1"]["kind"] == "dag"
h = json.load(open(sys.argv[2]))
paths = {x["task"] for x in h["tasks"]}
assert "<script>alert(1)</script>\\/C:\\temp\\" in paths, paths
assert h["pipeline"] == 'hostile <names> & "quotes"', h["pipeline"]
p = json.load(open(sys.argv[3]))
assert p["policy"]["run_caching"] is False and p["policy"]["kfp_version"] == "2.18", p["policy"]
PY
then
	echo "ok - json: decisions, reasons, root causes, key parts and names as in the spec"
else
	echo "not ok - json: decisions, reasons, root causes, key parts and names as in the spec"; cat err >&2
fi

# v4: a changed part carries the baseline's value, a removed part is listed
# (the goldens of report-changed-values, so the checked output is valid).
G=$ROOT/tests/golden/report-changed-values/expected
if $PY "$V" "$A" "$G/v.json" "$G/image.json" 2>> err && python3 - "$G/v.json" "$G/image.json" <<'PY' 2>> err
import json, sys
t = {x["task"]: x for x in json.load(open(sys.argv[1]))["tasks"]}
pre = t["exit-handler-1/preprocess"]
parts = {p["name"]: p for p in pre["key_parts"]}
cmd = parts["command"]
assert cmd["status"] == "changed" and cmd["baseline"]["bytes"] == 1528 and cmd["bytes"] == 1718, cmd
assert "train and test sets." in cmd["baseline"]["text"] and "stratified" not in cmd["baseline"]["text"], cmd["baseline"]
assert parts["image"]["status"] == "same" and parts["image"]["baseline"] is None, parts["image"]
assert [(p["name"], p["text"]) for p in pre["key_parts_removed"]] == [("input:test_size", "0.2")], pre
t = {x["task"]: x for x in json.load(open(sys.argv[2]))["tasks"]}
img = [p for p in t["exit-handler-1/preprocess"]["key_parts"] if p["name"] == "image"][0]
assert img["text"] == "python:3.10" and img["baseline"]["text"] == "python:3.11", img
PY
then
	echo "ok - json: changed key parts carry the baseline's value, removed parts are listed (v4)"
else
	echo "not ok - json: changed key parts carry the baseline's value, removed parts are listed (v4)"; cat err >&2
fi

# history and merge on the sample repository.
sample_repo train repo
kc history -q --repo repo pipelines/train.yaml --json history.json 2>> err
kc history -q --repo repo --shard 1/2 pipelines/train.yaml --csv p1.csv 2>> err
kc history -q --repo repo --shard 2/2 pipelines/train.yaml --csv p2.csv 2>> err
kc merge -q p1.csv p2.csv --json merged.json 2>> err
if $PY "$V" "$H" history.json merged.json 2>> err && cmp -s history.json merged.json &&
	[ "$(python3 -c 'import json; print(len(json.load(open("history.json"))["commits"]))')" = 7 ]; then
	echo "ok - json: history and merge validate against history.v2.schema.json, merge is byte-identical"
else
	echo "not ok - json: history and merge validate against history.v2.schema.json"; cat err >&2
fi

# A task a false condition keeps from running: counted as NOT_RUN (v2).
mkdir gated && gitp gated init -q && cp "$ROOT/tests/fixtures/condition-false.yaml" gated/gated.yaml
gitp gated add -A && commit_at gated 2026-07-01T09:00:00+00:00 "Gate publishing on a flag"
kc history -q --repo gated gated.yaml --json gated.json 2>> err
if $PY "$V" "$H" gated.json 2>> err &&
	python3 -c 'import json, sys; c = json.load(open("gated.json"))["commits"][0]["counts"]; sys.exit(c["NOT_RUN"] != 1)'; then
	echo "ok - json: a NOT_RUN history validates against history.v2.schema.json"
else
	echo "not ok - json: a NOT_RUN history validates against history.v2.schema.json"; cat err >&2
fi

# The data embedded in the HTML reports is the same document, HTML-safe.
kc analyze -q --cold "$ROOT/tests/fixtures/hostile-names.yaml" --html hostile.html 2>> err
kc history -q --repo repo pipelines/train.yaml --html history.html 2>> err
if python3 - hostile.html embedded-a.json history.html embedded-h.json <<'PY' 2>> err &&
import re, sys
for html, out in zip(sys.argv[1::2], sys.argv[2::2]):
    page = open(html, encoding="utf-8").read()
    m = re.search(r'<script type="application/json" id="kc-data">\n(.*?)</script>', page, re.S)
    if not m or "<" in m.group(1) or ">" in m.group(1):
        sys.exit("%s: no embedded JSON, or markup in it" % html)
    open(out, "w", encoding="utf-8").write(m.group(1))
PY
	$PY "$V" "$A" embedded-a.json 2>> err && $PY "$V" "$H" embedded-h.json 2>> err; then
	echo "ok - json: the HTML reports embed valid, HTML-safe JSON"
else
	echo "not ok - json: the HTML reports embed valid, HTML-safe JSON"; cat err >&2
fi

# Negative controls: documents that break the schema fail.
python3 - train.json history.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["tasks"][3]["decision"] = "MAYBE"
json.dump(r, open("bad-decision.json", "w"))
r = json.load(open(sys.argv[1]))
del r["tasks"][3]["key_parts"][0]["digest"]
json.dump(r, open("bad-part.json", "w"))
r = json.load(open(sys.argv[1]))
r["schema"] = "kfpcache/analyze/v1"
json.dump(r, open("bad-schema.json", "w"))
r = json.load(open(sys.argv[1]))
r["tasks"][3]["key_parts"][0]["status"] = "changed"
r["tasks"][3]["key_parts"][0]["baseline"] = None
json.dump(r, open("bad-baseline.json", "w"))
h = json.load(open(sys.argv[2]))
h["commits"][0]["commit"] = "HEAD"
json.dump(h, open("bad-commit.json", "w"))
PY
bad=0
for f in bad-decision bad-part bad-schema bad-baseline; do
	[ -s $f.json ] || bad=1
	$PY "$V" "$A" $f.json 2> /dev/null && bad=1
done
[ -s bad-commit.json ] || bad=1
$PY "$V" "$H" bad-commit.json 2> /dev/null && bad=1
[ $bad = 0 ] && echo "ok - json: documents that break the schemas are rejected" \
	|| echo "not ok - json: documents that break the schemas are rejected"
exit 0
