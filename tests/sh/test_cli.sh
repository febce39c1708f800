#!/bin/sh
# The command line: help lists every option of the table, usage errors exit 2
# with one line plus the synopsis, --version works.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
for c in analyze explain fingerprint; do
	kc $c --help > help.txt; rc=$?
	[ $rc -eq 0 ] && grep -q "^usage: kfpcache $c" help.txt && echo "ok - $c --help" || echo "not ok - $c --help"
	# every --option named in the sources' tables appears in the help
	for o in $(grep -ho '{ "[a-z-]*", ' "$ROOT/analyzer/cmd_common.c" "$ROOT/analyzer/cmd_$c.c" | cut -d'"' -f2); do
		grep -q -- "--$o" help.txt || echo "not ok - $c --help lacks --$o"
	done
done
kc analyze --frobnicate x 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "unknown option '--frobnicate'" err && grep -q '^usage: kfpcache analyze' err \
	&& echo "ok - unknown option: exit 2 with synopsis" || echo "not ok - unknown option (rc $rc)"
kc analyze 2> err; rc=$?
[ $rc -eq 2 ] && echo "ok - missing SPEC: exit 2" || echo "not ok - missing SPEC (rc $rc)"
kc analyze --run-caching maybe "$ROOT/samples/pipelines/train.yaml" 2> err; rc=$?
[ $rc -eq 2 ] && grep -q 'on or off' err && echo "ok - bad on|off value: exit 2" || echo "not ok - bad on|off (rc $rc)"
kc --version | grep -q '^kfpcache [0-9]' && echo "ok - --version" || echo "not ok - --version"
kc frob 2> /dev/null; [ $? -eq 2 ] && echo "ok - unknown command: exit 2" || echo "not ok - unknown command"
kc analyze --cold --param nosuch=1 "$ROOT/samples/pipelines/train.yaml" 2> err; rc=$?
[ $rc -eq 1 ] && grep -q 'nosuch: the pipeline has no such input' err && echo "ok - --param unknown name" || echo "not ok - --param unknown name (rc $rc)"
kc analyze --cold --param epochs=ten "$ROOT/samples/pipelines/train.yaml" 2> err; rc=$?
[ $rc -eq 1 ] && grep -q "epochs: 'ten' is not a number" err && echo "ok - --param typed by declared type" || echo "not ok - --param typing (rc $rc)"
# A changed root parameter changes exactly the keys that read it.
kc analyze -q --baseline "$ROOT/samples/pipelines/train.yaml" --param epochs=30 "$ROOT/samples/pipelines/train.yaml" --csv p.csv
grep -q '^exit-handler-1/train-pipeline/train-model,.*,MISS,input:epochs,' p.csv && grep -q '^exit-handler-1/preprocess,.*,HIT,' p.csv \
	&& echo "ok - --param changes the keys that read it" || { echo "not ok - --param changes keys"; cat p.csv >&2; }
# PipelineJob JSON with runtimeConfig.parameterValues, and stdin.
printf '{"runtimeConfig": {"parameterValues": {"epochs": 30}}}' > job-params.json
kc analyze -q --baseline "$ROOT/samples/pipelines/train.yaml" --params-file job-params.json "$ROOT/samples/pipelines/train.yaml" --csv q.csv
cmp -s p.csv q.csv && echo "ok - --params-file with runtimeConfig" || echo "not ok - --params-file"
kc analyze -q --baseline "$ROOT/samples/pipelines/train.yaml" - --csv r.csv < "$ROOT/samples/pipelines/train.yaml"
grep -q ',HIT,' r.csv && echo "ok - spec from stdin" || echo "not ok - spec from stdin"
exit 0
