#!/bin/sh
# Trigger conditions on the real compiled specs of ../shared/kfp-corpus:
# with each spec's defaults, the tasks that do not run (NOT_RUN), those
# whose condition cannot be decided (conditional) and those KFP cannot
# evaluate (condition_error) match the reviewed list in
# tests/sh/conditions_corpus.expected.  And the learn-to-learn forecasting
# spec, run with run_evaluation flipped against a baseline run with the
# default (false), hits none of the evaluation tasks: that baseline never
# ran them, so it left no entries (they were wrong HITs before).  With
# its defaults, that spec's run fails before any of them (§10).
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
if [ ! -d "$CORPUS/specs" ]; then
	echo "skip - conditions corpus: $CORPUS not present"
	exit 0
fi
# The two AutoML specs fail with their defaults (null list and struct
# parameters into exit-handler-1, §10): their conditions are listed again
# with those parameters given ("+values").
printf '%s\n' '{"additional_experiments": {}, "cv_trainer_worker_pool_specs_override": [],' \
	'"quantiles": [], "stage_1_tuner_worker_pool_specs_override": [], "study_spec_parameters_override": []}' > automl.json
printf '%s\n' '{"available_at_forecast_columns": [], "group_columns": [], "holiday_regions": [], "quantiles": [],' \
	'"stage_1_tuner_worker_pool_specs_override": [], "stage_2_trainer_worker_pool_specs_override": [],' \
	'"study_spec_parameters_override": [], "time_series_attribute_columns": [], "unavailable_at_forecast_columns": []}' > l2l.json
list() {
	awk -F, -v s="$1" 'NR > 1 && ($9 == "NOT_RUN" || $8 == "true" || $10 ~ /condition_error/) {
		printf "%s: %s %s %s\n", s, $1, ($8 == "true" ? "conditional" : "-"), ($9 == "" ? "dag" : $9 " " $10) }' out.csv >> got
}
: > got
for spec in "$CORPUS"/specs/*.yaml; do
	name=$(basename "$spec")
	kc analyze -q --cold "$spec" --csv out.csv 2> /dev/null || { echo "$name: (does not load)" >> got; continue; }
	list "$name"
	case $name in
	automl_tabular_pipeline.yaml) values=automl.json ;;
	learn_to_learn_forecasting_pipeline.yaml) values=l2l.json ;;
	*) continue ;;
	esac
	kc analyze -q --cold "$spec" --params-file $values --csv out.csv 2> /dev/null && list "$name+values"
done
if diff -u "$ROOT/tests/sh/conditions_corpus.expected" got > diff.out; then
	echo "ok - conditions corpus: evaluated decisions under conditions ($(grep -c NOT_RUN got) NOT_RUN, $(grep -c ' conditional ' got) conditional)"
else
	echo "not ok - conditions corpus: decisions under conditions differ from tests/sh/conditions_corpus.expected"
	head -40 diff.out >&2
fi

L=$CORPUS/specs/learn_to_learn_forecasting_pipeline.yaml
# With its defaults the run fails: nine optional list parameters without a
# default are null, and exit-handler-1's inputs are not optional
# (kfp-cache-semantics.md §10).  So both runs give them a value: the
# baseline as a PipelineJob (YAML: pipelineSpec is the spec indented),
# the predicted run with --params-file (l2l.json, above).
NULLS="available_at_forecast_columns group_columns holiday_regions quantiles
stage_1_tuner_worker_pool_specs_override stage_2_trainer_worker_pool_specs_override
study_spec_parameters_override time_series_attribute_columns unavailable_at_forecast_columns"
kc analyze --cold "$L" --csv defaults.csv > defaults.out 2> err
if grep -q "^run will fail: exit-handler-1 gets null for root parameter 'available_at_forecast_columns'" defaults.out &&
   ! awk -F, 'NR > 1 && $2 == "container" && $1 != "set-optional-inputs" && $9 != "NOT_RUN"' defaults.csv | grep -q .; then
	echo "ok - conditions corpus: learn-to-learn with its defaults fails at exit-handler-1 (a null root parameter)"
else
	echo "not ok - conditions corpus: learn-to-learn with its defaults is not predicted to fail"; cat defaults.out err >&2
fi
{ echo "pipelineSpec:"; sed 's/^/  /' "$L"; printf 'runtimeConfig:\n  parameterValues:\n'
  for p in $NULLS; do echo "    $p: []"; done; } > job.yaml
if kc analyze -q --baseline job.yaml "$L" --params-file l2l.json --param run_evaluation=true --csv flip.csv 2> err; then
	hits=$(awk -F, '$1 ~ /condition-3\// && $9 == "HIT" {print $1}' flip.csv)
	n=$(awk -F, '$1 ~ /condition-3\// && $2 == "container" && $9 != "NOT_RUN"' flip.csv | wc -l)
	[ -z "$hits" ] && [ "$n" -gt 0 ] && echo "ok - conditions corpus: learn-to-learn with run_evaluation flipped hits none of its $n evaluation tasks" \
		|| echo "not ok - conditions corpus: learn-to-learn evaluation tasks predicted HIT: $hits (of $n)"
else
	echo "not ok - conditions corpus: learn-to-learn does not analyze"; cat err >&2
fi
