#!/bin/sh
# CI gating: --fail-on exit statuses (4 when a condition holds, 0 when none
# does, 2 for a bad condition) on analyze, history, diff, compare and lint;
# presets work wherever a policy file does; the command line overrides a
# policy's settings; every new option is in its command's help.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
T=$ROOT/samples/pipelines/train.yaml
F=$ROOT/tests/fixtures

expect() {   # expect STATUS LABEL CMD...: run, compare the exit status
	want=$1 label=$2; shift 2
	"$@" > out 2> err; rc=$?
	if [ $rc -eq "$want" ]; then echo "ok - $label (exit $rc)"
	else echo "not ok - $label: exit $rc, want $want"; cat err >&2; fi
}

# analyze (sample against itself: HIT 8 MISS 2 DISABLED 1)
expect 4 "analyze miss>0" kc analyze -q --baseline $T $T --fail-on 'miss>0'
grep -q "^kfpcache: --fail-on 'miss>0': miss is 2$" err && echo "ok - analyze: the failed condition on stderr" \
	|| { echo "not ok - analyze gate message"; cat err >&2; }
expect 0 "analyze miss>2" kc analyze -q --baseline $T $T --fail-on 'miss>2'
expect 4 "analyze comma-separated: one holds" kc analyze -q --baseline $T $T --fail-on 'miss>5,disabled>=1'
expect 4 "analyze repeated --fail-on" kc analyze -q --baseline $T $T --fail-on 'miss>5' --fail-on 'hit<9'
expect 0 "analyze miss_upstream>10" kc analyze -q --baseline $T $F/train-arg-changed.yaml --fail-on 'miss_upstream>10'
expect 4 "analyze miss_upstream>3" kc analyze -q --baseline $T $F/train-arg-changed.yaml --fail-on 'miss_upstream>3'
expect 2 "analyze unknown metric" kc analyze -q --baseline $T $T --fail-on 'misses>0'
grep -q "unknown metric 'misses'" err && grep -q '^usage: kfpcache analyze' err && echo "ok - unknown metric: one line plus synopsis" \
	|| echo "not ok - unknown metric message"
expect 2 "analyze no operator" kc analyze -q --baseline $T $T --fail-on 'miss'
expect 2 "analyze not a number" kc analyze -q --baseline $T $T --fail-on 'miss>lots'
expect 2 "analyze empty condition" kc analyze -q --baseline $T $T --fail-on 'miss>0,,hit>0'
expect 4 "analyze lint>=warning (implies --lint)" kc analyze -q --baseline $T $T --fail-on 'lint>=warning'
expect 0 "analyze lint>=error" kc analyze -q --baseline $T $T --fail-on 'lint>=error'
expect 0 "analyze without a gate" kc analyze -q --baseline $T $T
# gpu_miss: a new epochs value re-runs the GPU trainer; unchanged, it hits.
R=$F/train-resources.yaml
expect 4 "analyze gpu_miss>0 (changed)" kc analyze -q --baseline $R --param epochs=30 $R --fail-on 'gpu_miss>0'
expect 0 "analyze gpu_miss>0 (unchanged)" kc analyze -q --baseline $R $R --fail-on 'gpu_miss>0'
expect 4 "analyze seconds_run with --durations" kc analyze -q --baseline $R --param epochs=30 \
	--durations $F/train-durations.csv $R --fail-on 'seconds_run>=3600'
# An error outranks the gate.
expect 1 "analyze error with a gate" kc analyze -q --fail-on 'miss>0' nosuch.yaml

# lint
expect 4 "lint lint>=warning" kc lint -q --cold $F/lint/mutable-image.yaml --fail-on 'lint>=warning'
expect 0 "lint lint>=warning (clean)" kc lint -q --baseline $F/lint/clean.yaml $F/lint/clean.yaml --fail-on 'lint>=warning'
expect 4 "lint lint_error>0 (KC004, key honoured)" kc lint -q --kfp-version 2.18 --baseline $T $F/train-custom-key-image.yaml --fail-on 'lint_error>0'
expect 0 "lint lint_error>0 (KC004, key ignored: a warning)" kc lint -q --baseline $T $F/train-custom-key-image.yaml --fail-on 'lint_error>0'
expect 2 "lint with a prediction metric" kc lint -q --cold $T --fail-on 'miss>0'
expect 0 "lint without a gate" kc lint -q --cold $F/lint/mutable-image.yaml

# history (per commit), diff, compare
sample_repo train repo
expect 4 "history miss_upstream>4 at a commit" kc history -q --repo repo pipelines/train.yaml --fail-on 'miss_upstream>4'
grep -q "miss_upstream is 5 at 92687010b6ce" err && echo "ok - history names the commit" || echo "not ok - history gate message"
expect 0 "history miss_upstream>5" kc history -q --repo repo pipelines/train.yaml --fail-on 'miss_upstream>5'
expect 4 "history lint>=warning" kc history -q --repo repo pipelines/train.yaml --fail-on 'lint>=warning'
expect 4 "diff affected>3" kc diff -q --repo repo HEAD~5:pipelines/train.yaml HEAD~4:pipelines/train.yaml --fail-on 'affected>3'
expect 0 "diff changed>1" kc diff -q --repo repo HEAD~5:pipelines/train.yaml HEAD~4:pipelines/train.yaml --fail-on 'changed>1'
expect 2 "diff --lint is not a diff option" kc diff -q --repo repo HEAD~1:pipelines/train.yaml HEAD:pipelines/train.yaml --lint
expect 4 "compare differ>0" kc compare -q --baseline $T $T --policy kfp-default --policy run-off --fail-on 'differ>0'
expect 0 "compare differ>0 (same policy twice)" kc compare -q --baseline $T $T --policy run-off --policy run-off --fail-on 'differ>0'
expect 4 "compare miss>0 over a history" kc compare -q --repo repo pipelines/train.yaml --policy kfp-default --policy run-off-all --fail-on 'miss>9'
grep -q "under kfp-default at 62ca71ec8ec4" err && echo "ok - compare names the policy and commit" || echo "not ok - compare gate message"
expect 2 "compare needs two policies" kc compare -q --baseline $T $T --policy run-off

# Presets wherever a policy file is; the command line overrides the policy.
kc history -q --repo repo --policy run-off-all pipelines/train.yaml --csv h.csv
awk -F, 'NR > 1 && $11 + 0 != $6 - 1 { bad = 1 } END { exit bad }' h.csv \
	&& echo "ok - history --policy run-off-all: every task but the importer disabled" \
	|| { echo "not ok - history --policy run-off-all"; cat h.csv >&2; }
kc diff -q --policy deployment-off --repo repo --csv d.csv HEAD~1:pipelines/train.yaml HEAD:pipelines/train.yaml
grep -q 'deploy-model,added,,false' d.csv && echo "ok - diff --policy deployment-off" || { echo "not ok - diff --policy"; cat d.csv >&2; }
kc lint -q --cold --policy run-off $F/nested-run-override.yaml --json l.json
grep -q '"KC006"' l.json && echo "ok - lint --policy run-off: KC006" || echo "not ok - lint --policy run-off"
kc analyze -q --policy run-off --run-caching on --baseline $T $T --csv o.csv
grep -q '^notify-slack,.*,true,run,' o.csv && echo "ok - --run-caching overrides the policy's run setting" \
	|| { echo "not ok - command line override"; cat o.csv >&2; }

for c in lint compare history diff; do
	kc $c --help > help.txt
	# its own option table rows: { "name", 0 or 'x', ... (test_cli.sh checks
	# which shared ones each command takes)
	for o in $(grep -hoE '\{ "[a-z-]+", (0|.[a-z].), ' "$ROOT/analyzer/cmd/$c.c" | cut -d'"' -f2); do
		grep -q -- "--$o" help.txt || echo "not ok - $c --help lacks --$o"
	done
	grep -q -- '--policy' help.txt && echo "ok - $c --help" || echo "not ok - $c --help lacks --policy"
done
exit 0
