#!/bin/sh
# make demo's job: replays the sample history, analyzes its last commit
# against the previous one, writes the reports and prints their paths and
# the summary.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$ROOT" || exit 1
if sh samples/demo.sh "${BUILD#$ROOT/}" > "$TMP/out" 2> "$TMP/err"; then
	echo "ok - demo runs"
else
	echo "not ok - demo runs"; cat "$TMP/err" >&2; exit 0
fi
for f in csv dot svg; do
	if grep -q "^$f: reports/demo/train.$f$" "$TMP/out" && [ -s "reports/demo/train.$f" ]; then
		echo "ok - demo writes and prints reports/demo/train.$f"
	else
		echo "not ok - demo writes and prints reports/demo/train.$f"
	fi
done
grep -q '^baseline: [0-9a-f]\{12\}:pipelines/train.yaml$' "$TMP/out" && grep -q '^churn-training: 11 executor tasks: HIT 7 MISS 3' "$TMP/out" \
	&& echo "ok - demo prints the baseline and the summary" || { echo "not ok - demo summary"; cat "$TMP/out" >&2; }
