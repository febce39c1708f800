#!/bin/sh
# The HTML reports in a real browser: headless Chromium (Debian's chromium,
# installed through tests/deps.sh when run as root) loads each page with
# #selftest, which makes the page apply every filter of its table, sort it,
# zoom the graph and write the results into <pre id="selftest">; the test
# reads them from --dump-dom.  No console message may appear (Chromium logs
# them to stderr with --enable-logging), the SVG must be there, every
# filter must show the rows the data says, and the page must load nothing
# from outside.  Skips with a message when Chromium cannot be had.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
S=$ROOT/samples

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ] && [ "$(id -u)" = 0 ]; then
	sh "$ROOT/tests/deps.sh" --quiet chromium > /dev/null 2>&1
	CHROMIUM=$(command -v chromium || true)
fi
if [ -z "$CHROMIUM" ]; then
	echo "skip - html: chromium is not installed and could not be (run tests/deps.sh chromium as root)"
	exit 0
fi

# browse PAGE: the selftest line of PAGE#selftest; console lines in PAGE.log.
browse() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --disable-extensions \
		--user-data-dir="$TMP/chrome-$1" --enable-logging=stderr --v=0 \
		--dump-dom "file://$TMP/$1#selftest" > "$1.dom" 2> "$1.stderr"
	grep -E ':CONSOLE|Uncaught' "$1.stderr" > "$1.log"
	sed -n 's/.*<pre id="selftest">\([^<]*\).*/\1/p' "$1.dom" | head -1
}

# check PAGE WANT...: the selftest line has no errors and each WANT field.
check() {
	page=$1 what=$2
	shift 2
	line=$(browse "$page")
	ok=1
	case $line in *";errors=0") ;; *) ok=0 ;; esac
	for want in "$@"; do
		case ";$line;" in *";$want;"*) ;; *) ok=0 ;; esac
	done
	[ -s "$page.log" ] && ok=0
	if [ $ok = 1 ]; then
		echo "ok - html: $what"
	else
		echo "not ok - html: $what"
		echo "selftest: $line" >&2
		sed -n '/<pre id="selftest">/,/<\/pre>/p' "$page.dom" | head -20 >&2
		cat "$page.log" >&2
	fi
}

kc analyze -q --baseline "$S/history/train/006.yaml" "$S/pipelines/train.yaml" --html train.html 2> err
check train.html "analyze page: no console errors, SVG with 17 nodes (11 tasks, 6 legend), every filter shows its rows, fit width" \
	rows=15 svg=1 nodes=17 filter:nothit=4 filter:HIT=7 filter:MISS=3 filter:DISABLED=1 filter:dag=4 \
	sort=ok zoom=ok width=ok

F=$ROOT/tests/fixtures/hostile-names.yaml
kc analyze -q --cold "$F" --html hostile.html 2> err
check hostile.html "hostile names: page loads, names shown as text" rows=5 svg=1 filter:MISS=3 filter:HIT=1
if grep -q '<script>alert' hostile.html; then
	echo "not ok - html: hostile names are escaped in the page source"
else
	echo "ok - html: hostile names are escaped in the page source"
fi
# The table shows each name exactly (the DOM's text, entities decoded).
python3 - hostile.html.dom <<'PY' && echo "ok - html: hostile names read back exactly from the table" \
	|| echo "not ok - html: hostile names read back exactly from the table"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.cells = []; self.td = None
    def handle_starttag(self, tag, attrs):
        if tag == "td": self.td = ""
    def handle_endtag(self, tag):
        if tag == "td": self.cells.append(self.td); self.td = None
    def handle_data(self, d):
        if self.td is not None: self.td += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
want = {"<script>alert(1)</script>\\", "<script>alert(1)</script>\\/C:\\temp\\", 'say "hi"', "=cmd|' /C calc'!A0"}
sys.exit(0 if want <= set(p.cells) else 1)
PY

python3 "$ROOT/tests/bench/gen.py" spec 300 big.yaml
kc analyze -q --cold big.yaml --html big.html 2> err
check big.html "300 tasks: the page loads and filters" svg=1 filter:MISS=304

sample_repo train repo
kc history -q --repo repo pipelines/train.yaml --html history.html 2> err
check history.html "history page: the plot and a commit table that filters" \
	rows=7 svg=1 filter:invalidated=4 filter:clean=3 filter:error=0 sort=ok

printf 'pipelineInfo: {name: churn-training\nroot: [\n' > repo/pipelines/train.yaml
gitp repo add -A && commit_at repo 2026-06-01T09:00:00+00:00 "Broken <merge>"
kc history -q --repo repo pipelines/train.yaml --html partial.html 2> err
check partial.html "history page with a version that did not load" rows=8 filter:error=1 filter:invalidated=4

# Self-contained: nothing is loaded from outside, a CSP forbids it anyway.
if grep -Eqi '(src|href|action)=["'"'"']?(https?:|//)|@import|url\(' train.html history.html; then
	echo "not ok - html: no external resources"
else
	grep -q "Content-Security-Policy\" content=\"default-src 'none'" train.html &&
		echo "ok - html: no external resources, CSP default-src 'none'" || echo "not ok - html: CSP"
fi

# The console check catches what it should: a page that throws.
printf '<!DOCTYPE html><pre id="selftest">errors=0</pre><script>undefinedFunction();</script>\n' > throws.html
browse throws.html > /dev/null
[ -s throws.html.log ] && echo "ok - html: the console check sees an uncaught error" \
	|| echo "not ok - html: the console check sees an uncaught error"
exit 0
