#!/bin/sh
# The Markdown pull-request comment: its Mermaid block passes the
# structural checker (tests/sh/mermaid_check.py: node ids safe, labels
# escaped and decoding to the task paths) on every sample, on hostile names
# and at 300 tasks, where the diagram is cut to the tasks that run and the
# comment stays under the review sites' size limit.  The checker itself must
# reject unescaped labels.  When Chromium and npm are available, Mermaid
# itself parses and renders every block.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
S=$ROOT/samples
CHECK=$ROOT/tests/sh/mermaid_check.py
if ! command -v python3 > /dev/null; then
	echo "skip - markdown: python3 not installed"
	exit 0
fi

# Every sample version against the one before it, the pipeline against 006.
bad=0 prev= n=0
for spec in "$S"/history/train/*.yaml "$S/pipelines/train.yaml"; do
	name=$(basename "$spec" .yaml)
	case $name in train) set -- --baseline "$S/history/train/006.yaml" ;; *) set -- ${prev:+--baseline "$prev"} ;; esac
	[ -n "$prev" ] || set -- --cold
	kc analyze -q "$@" "$spec" --md "$name.md" --json "$name.json" 2>> err || bad=$((bad + 1))
	python3 "$CHECK" "$name.md" "$name.json" 2>> err || bad=$((bad + 1))
	prev=$spec
	n=$((n + 1))
done
[ $bad = 0 ] && echo "ok - markdown: mermaid block well-formed for $n sample versions" \
	|| { echo "not ok - markdown: mermaid block well-formed for the samples"; cat err >&2; }

# The verdict, the counts and the collapsed full table.
if head -1 train.md | grep -q '^\*\*kfpcache: 4 of 11 executor tasks run (MISS 3, DISABLED 1), 7 hit the cache\*\*' &&
	grep -q '^| MISS | 3 |$' train.md && grep -q '^<details><summary>All 15 tasks</summary>$' train.md &&
	grep -q '^| `exit-handler-1/log-run` | MISS | `run_unique:create_time`, `run_unique:job_uuid` | `exit-handler-1/log-run` | 0 |' train.md; then
	echo "ok - markdown: verdict, counts, tasks that run, full table"
else
	echo "not ok - markdown: verdict, counts, tasks that run, full table"
fi

# Hostile names: Mermaid labels escaped, no markup outside code spans.
F=$ROOT/tests/fixtures/hostile-names.yaml
if kc analyze -q --cold "$F" --md h.md --json h.json 2> err && python3 "$CHECK" h.md h.json 2>> err &&
	python3 - h.md <<'PY' 2>> err
import re, sys
md = open(sys.argv[1]).read()
md = re.sub(r"^```mermaid\n.*?^```$", "", md, flags=re.S | re.M)
# Code spans hold the names; outside them only our own tags may appear.
outside = re.sub(r"(`+) ?(.*?) ?\1", "", md)
tags = set(re.findall(r"</?[a-zA-Z][^>]*>", outside))
if not tags <= {"<details>", "</details>", "<summary>", "</summary>"}:
    sys.exit("markup outside code spans: %s" % sorted(tags))
if "@SUM" in outside:
    sys.exit("a name outside a code span")
PY
then
	echo "ok - markdown: hostile names escaped (mermaid labels, code spans)"
else
	echo "not ok - markdown: hostile names escaped"; cat err >&2
fi

# The checker rejects what an unescaping writer would produce.
sed 's/n0\["[^"]*"\]/n0["say "hi" <b>x<\/b>"]/' train.md > broken.md
sed 's/n1\[/n1 [/; s/  n0 -->/  nX -->/' train.md > broken2.md
if ! python3 "$CHECK" broken.md 2> /dev/null && ! python3 "$CHECK" broken2.md 2> /dev/null; then
	echo "ok - markdown: the mermaid checker rejects unescaped labels and undeclared ids"
else
	echo "not ok - markdown: the mermaid checker rejects unescaped labels and undeclared ids"
fi

# 300 tasks: one image changed upstream, and a cold cache.
python3 "$ROOT/tests/bench/gen.py" spec 300 big.yaml
sed 's#gcr.io/acme/step-37:1.0.0#gcr.io/acme/step-37:1.0.1#' big.yaml > big2.yaml
kc analyze -q --baseline big.yaml big2.yaml --md big.md --json big.json 2> err
kc analyze -q --cold big.yaml --md cold.md --json cold.json 2>> err
ok=1
for f in big cold; do
	python3 "$CHECK" $f.md $f.json 2>> err || ok=0
	[ "$(wc -c < $f.md)" -lt 65536 ] || { ok=0; echo "$f.md: $(wc -c < $f.md) bytes" >> err; }
	grep -q 'executor tasks are too many for one diagram: it shows' $f.md || ok=0
	grep -q '^<details><summary>[0-9]* tasks</summary>$' $f.md || ok=0
done
grep -q 'it shows the root causes and their direct neighbours' big.md || ok=0
[ $ok = 1 ] && echo "ok - markdown: readable at 300 tasks (diagram cut to the tasks that run, under 64 KiB)" \
	|| { echo "not ok - markdown: readable at 300 tasks"; cat err >&2; }

# Mermaid itself, in headless Chromium, when both can be had.
MDIR=$ROOT/build/mermaid   # shared by every build (check, asan)
MERMAID=$MDIR/package/dist/mermaid.min.js
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ ! -f "$MERMAID" ] && [ -n "$CHROMIUM" ] && command -v npm > /dev/null; then
	mkdir -p "$MDIR" &&
	(cd "$MDIR" && timeout 120 npm pack --silent mermaid@11 > pack.log 2>&1 &&
	 tar xzf mermaid-*.tgz package/dist/mermaid.min.js && rm -f mermaid-*.tgz) || rm -rf "$MDIR"
fi
if [ -z "$CHROMIUM" ]; then
	echo "skip - markdown: mermaid render: chromium not installed (tests/deps.sh chromium)"
elif [ ! -f "$MERMAID" ]; then
	echo "skip - markdown: mermaid render: mermaid.min.js not available (npm pack mermaid@11 failed)"
else
	python3 - "$MERMAID" train.md h.md big.md cold.md 0*.md > render.html <<'PY'
import json, re, sys
blocks = []
for f in sys.argv[2:]:
    blocks += [(f, b) for b in re.findall(r"^```mermaid\n(.*?)^```$", open(f).read(), re.S | re.M)]
print("""<!DOCTYPE html><html><body><pre id="out">pending</pre>
<script src="file://%s"></script>
<script>
var blocks = %s, out = document.getElementById('out'), res = [];
mermaid.initialize({startOnLoad: false, securityLevel: 'strict', maxTextSize: 100000});
(async function () {
  for (var i = 0; i < blocks.length; i++) {
    try { await mermaid.parse(blocks[i][1]); var r = await mermaid.render('g' + i, blocks[i][1]);
          res.push(blocks[i][0] + ' ok ' + (r.svg.indexOf('<svg') >= 0)); }
    catch (e) { res.push(blocks[i][0] + ' ERROR ' + (e && e.message || e)); }
  }
  out.textContent = 'done\\n' + res.join('\\n');
})();
</script></body></html>""" % (sys.argv[1], json.dumps(blocks).replace("<", "\\u003c")))
PY
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/chrome" \
		--allow-file-access-from-files --virtual-time-budget=20000 --dump-dom "file://$TMP/render.html" \
		> render.dom 2> /dev/null
	sed -n '/<pre id="out">/,/<\/pre>/p' render.dom > render.txt
	if grep -q '<pre id="out">done' render.txt && ! grep -q ' ERROR ' render.txt && ! grep -q ' ok false' render.txt; then
		echo "ok - markdown: mermaid $(sed -n 's/.*mermaid-\([0-9.]*\)\.tgz.*/\1 /p' "$MDIR/pack.log" 2> /dev/null | head -1)parses and renders every block"
	else
		echo "not ok - markdown: mermaid parses and renders every block"; cat render.txt >&2
	fi
fi
exit 0
