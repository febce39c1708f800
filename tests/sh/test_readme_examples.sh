#!/bin/sh
# The README's examples are real output: reports/examples/readme.sh reruns
# every marked example (<!-- example ... --> before a fenced block) and
# must give the committed README byte for byte; a difference names the
# example.  Every command block of the README is marked (so it is run),
# no example is marked twice over, and the README links nothing outside
# the repository.  When an output changes on purpose:
# sh reports/examples/readme.sh build/kfpcache, then review git diff README.md.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
README=$ROOT/README.md

if ! sh "$ROOT/reports/examples/readme.sh" "$KFPCACHE" "$README" "$TMP/new.md" > run.log 2>&1; then
	echo "not ok - readme examples: readme.sh failed"; cat run.log >&2
	exit 0
fi
n=$(grep -c '^<!-- example' "$README")
if [ "$n" -ge 8 ]; then
	echo "ok - readme examples: $n marked examples"
else
	echo "not ok - readme examples: only $n marked examples"
fi

# Name the example each differing line belongs to: the nearest marker
# above it, and the block's first command.
if diff "$README" new.md > out.diff; then
	echo "ok - readme examples: README.md matches a rerun of its examples"
else
	grep -E '^[0-9]+(,[0-9]+)?[acd]' out.diff | sed 's/^\([0-9]*\).*/\1/' | sort -n -u > lines
	awk 'NR == FNR { want[$1] = 1; next }
	     /^<!-- example/ { mark = FNR }
	     (FNR in want) && mark && !(mark in seen) { seen[mark] = 1; print mark }' lines "$README" > marks
	names=
	for m in $(cat marks); do
		names="$names; README.md:$m: $(sed -n "$((m + 2))p" "$README")"
	done
	echo "not ok - readme examples: output differs from the README${names:-; outside the examples}; run sh reports/examples/readme.sh build/kfpcache"
	head -40 out.diff >&2
fi

# Every fenced block that runs kfpcache is an example the script runs.
unmarked() {
	awk '/^<!-- example/ { marked = 1; next }
	     /^```/ && !inblock { inblock = 1; start = FNR; m = marked; marked = 0; next }
	     /^```$/ && inblock { inblock = 0; next }
	     inblock && !m && /^(\$ )?(build\/)?kfpcache / { print "README.md:" start ": " $0; m = 1 }
	     { marked = 0 }' "$1"
}
unmarked "$README" > unmarked
printf '<!-- example -->\n```\n$ kfpcache a\n```\n\n```sh\nbuild/kfpcache b\n```\n' > probe.md
if [ -s unmarked ]; then
	echo "not ok - readme examples: command blocks without an example marker: $(head -3 unmarked | tr '\n' ' ')"
elif [ "$(unmarked probe.md)" != "README.md:6: build/kfpcache b" ]; then
	echo "not ok - readme examples: the unmarked-block check misses an unmarked block"
else
	echo "ok - readme examples: every command block is marked"
fi

# A transcript runs on a terminal (what a reader typing it sees), or with
# pipe on a pipe; its status is kept in the marker.
printf '<!-- example -->\n```\n$ [ -t 1 ] && echo terminal; echo err >&2; exit 3\n```\n<!-- example pipe -->\n```\n$ [ -t 1 ] || echo pipe\nold\n```\n' > tty.md
printf '<!-- example exit=3 -->\n```\n$ [ -t 1 ] && echo terminal; echo err >&2; exit 3\nterminal\nerr\n```\n<!-- example pipe -->\n```\n$ [ -t 1 ] || echo pipe\npipe\n```\n' > tty.want
if sh "$ROOT/reports/examples/readme.sh" "$KFPCACHE" tty.md tty.out 2> tty.err && cmp -s tty.out tty.want; then
	echo "ok - readme examples: transcripts run on a terminal or a pipe, statuses kept"
else
	echo "not ok - readme examples: transcripts run on a terminal or a pipe, statuses kept"
	diff tty.want tty.out >&2; cat tty.err >&2
fi

# A marker without a block is refused, naming the line.
printf 'x\n<!-- example -->\ntext\n' > bad.md
if sh "$ROOT/reports/examples/readme.sh" "$KFPCACHE" bad.md bad.out 2> bad.err ||
   ! grep -q 'bad.md:2: an example marker must be followed' bad.err; then
	echo "not ok - readme examples: a marker without a block is not refused: $(cat bad.err)"
else
	echo "ok - readme examples: a marker without a block is refused"
fi

# The README's policy file is one kfpcache accepts.
awk '/^The file is JSON, schema version 1/ { f = 1 }
     f && /^```json$/ { b = 1; next } b && /^```$/ { exit } b' "$README" > policy.json
if [ -s policy.json ] && kc lint --policy policy.json "$ROOT/samples/pipelines/train.yaml" > policy.out 2>&1; then
	echo "ok - readme examples: the README's policy file is accepted"
else
	echo "not ok - readme examples: the README's policy file is refused: $(head -1 policy.out)"
fi

# Self-contained: no link or reference outside the repository (KFP source
# lines are cited as path:line, not linked).
if (cd "$ROOT" && grep -n -E 'https?://|\]\(\.\./|\.\./shared|kfp-cache-semantics|semantics doc' README.md reports/man/kfpcache.1.in) > outside; then
	echo "not ok - readme examples: references outside the repository: $(head -3 outside | tr '\n' ' ')"
else
	echo "ok - readme examples: README and man page refer to nothing outside the repository"
fi
exit 0
