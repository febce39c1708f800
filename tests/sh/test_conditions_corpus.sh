#!/bin/sh
# Trigger conditions on the real compiled specs of ../shared/kfp-corpus:
# with each spec's defaults, the tasks that do not run (NOT_RUN), those
# whose condition cannot be decided (conditional) and those KFP cannot
# evaluate (condition_error) match the reviewed list in
# tests/sh/conditions_corpus.expected.  And the learn-to-learn forecasting
# spec, run with run_evaluation flipped against a baseline run with the
# default (false), hits none of the evaluation tasks: that baseline never
# ran them, so it left no entries (they were wrong HITs before).
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
if [ ! -d "$CORPUS/specs" ]; then
	echo "skip - conditions corpus: $CORPUS not present"
	exit 0
fi
: > got
for spec in "$CORPUS"/specs/*.yaml; do
	name=$(basename "$spec")
	kc analyze -q --cold "$spec" --csv out.csv 2> /dev/null || { echo "$name: (does not load)" >> got; continue; }
	awk -F, -v s="$name" 'NR > 1 && ($9 == "NOT_RUN" || $8 == "true" || $10 ~ /condition_error/) {
		printf "%s: %s %s %s\n", s, $1, ($8 == "true" ? "conditional" : "-"), ($9 == "" ? "dag" : $9 " " $10) }' out.csv >> got
done
if diff -u "$ROOT/tests/sh/conditions_corpus.expected" got > diff.out; then
	echo "ok - conditions corpus: evaluated decisions under conditions ($(grep -c NOT_RUN got) NOT_RUN, $(grep -c ' conditional ' got) conditional)"
else
	echo "not ok - conditions corpus: decisions under conditions differ from tests/sh/conditions_corpus.expected"
	head -40 diff.out >&2
fi

L=$CORPUS/specs/learn_to_learn_forecasting_pipeline.yaml
if kc analyze -q --baseline "$L" "$L" --param run_evaluation=true --csv flip.csv 2> err; then
	hits=$(awk -F, '$1 ~ /condition-3\// && $9 == "HIT" {print $1}' flip.csv)
	n=$(awk -F, '$1 ~ /condition-3\// && $2 == "container"' flip.csv | wc -l)
	[ -z "$hits" ] && [ "$n" -gt 0 ] && echo "ok - conditions corpus: learn-to-learn with run_evaluation flipped hits none of its $n evaluation tasks" \
		|| echo "not ok - conditions corpus: learn-to-learn evaluation tasks predicted HIT: $hits (of $n)"
else
	echo "not ok - conditions corpus: learn-to-learn does not analyze"; cat err >&2
fi
