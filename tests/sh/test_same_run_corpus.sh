#!/bin/sh
# Same-run hits on the real compiled specs of ../shared/kfp-corpus
# (kfp-cache-semantics.md §9): identical tasks the SDK compiled from one
# function, ordered (a HIT on the earlier one's entry), unordered (a race),
# in dsl.If / dsl.Else branches over one value (no race).
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
if [ ! -d "$CORPUS/specs" ]; then
	echo "skip - same-run corpus: $CORPUS not present"
	exit 0
fi
# row SPEC TASK: "decision,reason,root_cause" of TASK, cold cache.
row() {
	kc analyze -q --cold "$CORPUS/specs/$1" --csv out.csv 2> /dev/null &&
		awk -F, -v t="$2" '$1 == t { print $9 "," $10 "," $11 }' out.csv
}
check() {
	got=$(row "$1" "$2")
	[ "$got" = "$3" ] && echo "ok - same-run corpus: $1 $2: $3" ||
		echo "not ok - same-run corpus: $1 $2: got '$got', want '$3'"
}
# condition-1 depends on args-generator-op; its args-generator-op-2 has the same executor.
check pipeline_with_loops_and_conditions.yaml condition-1/args-generator-op-2 \
	"HIT,same_run,args-generator-op"
# Three exit-handler groups, each with the same print-op on `message`: nothing orders them.
check pipeline_with_multiple_exit_handlers.yaml exit-handler-2/print-op-4 \
	"UNKNOWN,same_run_race;cold_cache,exit-handler-1/print-op-2;exit-handler-2/print-op-4"
check pipeline_with_parallelfor_parallelism.yaml list-dict-maker-1-2 \
	"UNKNOWN,same_run_race;cold_cache,list-dict-maker-1;list-dict-maker-1-2"
# A ParallelFor body that does not read the item: the two iterations race.
check if_elif_else_complex.yaml \
	"for-loop-1[0]/condition-branches-4/condition-13/condition-14/for-loop-16[1]/print-and-return-9" \
	"UNKNOWN,same_run_race;cold_cache,for-loop-1[0]/condition-branches-4/condition-13/condition-14/for-loop-16[0]/print-and-return-9;for-loop-1[0]/condition-branches-4/condition-13/condition-14/for-loop-16[1]/print-and-return-9"
# dsl.If / dsl.Else over flip-coin's output: equal keys, but only one branch runs.
S=if_else_with_oneof_artifacts.yaml
kc analyze -q --cold "$CORPUS/specs/$S" --json out.json 2> /dev/null
if python3 - out.json <<'PY'
import json, sys
t = {x["task"]: x for x in json.load(open(sys.argv[1]))["tasks"]}
a = t["flip-coin-pipeline/condition-branches-1/condition-2/param-to-artifact"]
b = t["flip-coin-pipeline/condition-branches-1/condition-3/param-to-artifact-2"]
sys.exit(0 if a["key"] == b["key"] and a["reason"] == b["reason"] == ["cold_cache"] else 1)
PY
then
	echo "ok - same-run corpus: $S: the If and Else tasks have one key and do not race"
else
	echo "not ok - same-run corpus: $S: the If and Else tasks"
fi
