#!/bin/sh
# Bad environments, the part of the bad-input catalogue that is not a file in
# tests/bad/: git revisions and paths that do not resolve, unreadable or
# invalid --deployment and --params-file inputs, wrongly typed --param
# values, outputs that cannot be written (missing directory, /dev/full,
# stdout), limits that need a large input made here.  Each case runs in an
# empty directory and must exit with the given status (1, or 2 with the
# synopsis as second line for usage errors), print exactly the given first
# line on stderr, finish within 5 seconds, and leave no file behind.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
S=$ROOT/samples/pipelines/train.yaml
IN=$TMP/in
RUN=$TMP/run
limit=5
[ -n "${KFPCACHE_WRAP:-}" ] && limit=60     # valgrind is some 30 times slower
rm -rf "$IN" && mkdir -p "$IN"
sample_repo train "$IN/repo"

# check NAME STATUS STDERR ARGS...: run kfpcache ARGS in the empty $RUN.
check() {
	name=$1 want_rc=$2 want_err=$3
	shift 3
	rm -rf "$RUN" && mkdir -p "$RUN"
	(cd "$RUN" && timeout $limit $KFPCACHE_WRAP "$KFPCACHE" "$@" > "$TMP/stdout" 2> "$TMP/err" < /dev/null)
	report "$name" $? "$want_rc" "$want_err"
}

# report NAME GOT_STATUS WANT_STATUS WANT_STDERR: judge the run just made.
report() {
	got_err=$(head -n 1 "$TMP/err")
	lines=$(wc -l < "$TMP/err")
	want_lines=1
	[ "$3" = 2 ] && want_lines=2
	if [ "$2" -ge 124 ]; then
		echo "not ok - env $1: killed or timed out (status $2)"
	elif [ "$2" != "$3" ]; then
		echo "not ok - env $1: exit $2, want $3 ($got_err)"
	elif [ "$got_err" != "$4" ]; then
		echo "not ok - env $1: stderr differs"
		echo "  got:  $got_err" >&2
		echo "  want: $4" >&2
	elif [ "$lines" -ne $want_lines ]; then
		echo "not ok - env $1: $lines lines on stderr, want $want_lines"; cat "$TMP/err" >&2
	elif [ "$3" = 2 ] && ! sed -n 2p "$TMP/err" | grep -q '^usage: kfpcache '; then
		echo "not ok - env $1: no synopsis after the usage error"
	elif [ -n "$(ls -A "$RUN")" ]; then
		echo "not ok - env $1: left files behind: $(ls -A "$RUN" | tr '\n' ' ')"
	else
		echo "ok - env $1"
	fi
}

# git: REV:PATH that does not resolve
check "unknown revision" 1 "kfpcache: nosuchrev:pipelines/train.yaml: unknown revision 'nosuchrev'" \
	analyze -q --cold --repo "$IN/repo" nosuchrev:pipelines/train.yaml --csv out.csv
check "path absent at revision" 1 "kfpcache: HEAD:pipelines/nope.yaml: 'pipelines/nope.yaml' is not in HEAD" \
	analyze -q --cold --repo "$IN/repo" HEAD:pipelines/nope.yaml --csv out.csv
check "path is a tree at revision" 1 "kfpcache: HEAD:pipelines: not a file at that revision (a tree)" \
	analyze -q --cold --repo "$IN/repo" HEAD:pipelines --csv out.csv
check "baseline revision unknown" 1 "kfpcache: nosuchrev:pipelines/train.yaml: unknown revision 'nosuchrev'" \
	analyze -q --repo "$IN/repo" --baseline nosuchrev:pipelines/train.yaml HEAD:pipelines/train.yaml --csv out.csv
check "--repo not a repository" 1 "kfpcache: $IN: not a git repository (or any parent directory)" \
	analyze -q --cold --repo "$IN" HEAD:pipelines/train.yaml --csv out.csv
# git: a damaged repository (its only pack truncated) is not "no such file"
cp -R "$IN/repo" "$IN/damaged"
gitp "$IN/damaged" repack -adq
head_id=$(gitp "$IN/damaged" rev-parse HEAD)
for p in "$IN"/damaged/.git/objects/pack/*.pack; do
	chmod u+w "$p" && truncate -s $(($(wc -c < "$p") / 2)) "$p"
done
check "pack file truncated" 1 "kfpcache: HEAD:pipelines/train.yaml: cannot read the commit: object not found - no match for id ($head_id)" \
	analyze -q --cold --repo "$IN/damaged" HEAD:pipelines/train.yaml --csv out.csv
# git: the spec path is a symbolic link in the commit
cp -R "$IN/repo" "$IN/linked"
ln -s train.yaml "$IN/linked/pipelines/link.yaml"
gitp "$IN/linked" add pipelines/link.yaml
commit_at "$IN/linked" "2026-01-02T00:00:00Z" "link"
check "path is a symlink at revision" 1 "kfpcache: HEAD:pipelines/link.yaml: a symbolic link in git to 'train.yaml', not a spec file" \
	analyze -q --cold --repo "$IN/linked" HEAD:pipelines/link.yaml --csv out.csv

# spec arguments that are not readable specs
check "spec missing" 1 "kfpcache: $IN/none.yaml: no such file" \
	analyze -q --cold "$IN/none.yaml" --csv out.csv
check "spec is a directory" 1 "kfpcache: $IN: is a directory" \
	analyze -q --cold "$IN" --csv out.csv
check "empty stdin" 1 "kfpcache: <stdin>: empty file" \
	analyze -q --cold - --csv out.csv
check "bad baseline" 1 "kfpcache: $ROOT/tests/bad/empty.yaml: empty file" \
	analyze -q --baseline "$ROOT/tests/bad/empty.yaml" "$S" --csv out.csv

# --deployment
printf 'spec:\n  template:\n    spec:\n      containers:\n      - name: ml-pipeline-api-server\n        env:\n        - name: CACHEENABLED\n          value: maybe\n' > "$IN/dep-maybe.yaml"
printf 'spec:\n  template:\n    spec:\n      containers:\n      - name: ml-pipeline-api-server\n        env:\n        - name: CACHEENABLED\n          value: false\n' > "$IN/dep-unquoted.yaml"
check "--deployment missing" 1 "kfpcache: $IN/none.yaml: cannot open: No such file or directory" \
	analyze -q --cold --deployment "$IN/none.yaml" "$S" --csv out.csv
check "--deployment malformed" 1 "kfpcache: $ROOT/tests/bad/malformed.yaml:6:1: did not find expected ',' or ']'" \
	analyze -q --cold --deployment "$ROOT/tests/bad/malformed.yaml" "$S" --csv out.csv
check "--deployment without the API server" 1 "kfpcache: $S: no container 'ml-pipeline-api-server' under spec.template.spec.containers" \
	analyze -q --cold --deployment "$S" "$S" --csv out.csv
check "--deployment CACHEENABLED not a boolean" 1 "kfpcache: $IN/dep-maybe.yaml:8:18: CACHEENABLED 'maybe' is not a boolean; the API server would not start" \
	analyze -q --cold --deployment "$IN/dep-maybe.yaml" "$S" --csv out.csv
check "--deployment CACHEENABLED unquoted" 1 "kfpcache: $IN/dep-unquoted.yaml:8:18: CACHEENABLED must be a quoted string value" \
	analyze -q --cold --deployment "$IN/dep-unquoted.yaml" "$S" --csv out.csv

# two API server Deployments: the ml-pipeline one is read, with a note; two such is ambiguous
dep_doc() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  template:\n    spec:\n      containers:\n      - name: ml-pipeline-api-server\n        env:\n        - name: CACHEENABLED\n          value: "%s"\n' "$1" "$2"; }
{ dep_doc ml-pipeline-copy true; echo ---; dep_doc ml-pipeline true; echo ---; dep_doc ml-pipeline false; } > "$IN/dep-two.yaml"
check "--deployment with two ml-pipeline Deployments" 1 "kfpcache: $IN/dep-two.yaml: 3 documents have a container 'ml-pipeline-api-server' and several are the Deployment 'ml-pipeline': keep the one to read in a file of its own" \
	analyze -q --cold --deployment "$IN/dep-two.yaml" "$S" --csv out.csv

# run parameters
printf '[1, 2]' > "$IN/list.json"
printf '{"epochs": ' > "$IN/cut.json"
check "--param not a number" 1 "kfpcache: --param epochs: 'ten' is not a number" \
	analyze -q --cold --param epochs=ten "$S" --csv out.csv
check "--param not an integer" 1 "kfpcache: --param epochs: '2.5' is not an integer" \
	analyze -q --cold --param epochs=2.5 "$S" --csv out.csv
check "--param unknown input" 1 "kfpcache: --param nosuch: the pipeline has no such input; its inputs: dataset_uri (STRING), epochs (NUMBER_INTEGER), learning_rate (NUMBER_DOUBLE), min_accuracy (NUMBER_DOUBLE)" \
	analyze -q --cold --param nosuch=1 "$S" --csv out.csv
check "--param without a value" 1 "kfpcache: --param 'epochs': expected NAME=VALUE" \
	analyze -q --cold --param epochs "$S" --csv out.csv
check "--params-file missing" 1 "kfpcache: $IN/none.json: cannot open: No such file or directory" \
	analyze -q --cold --params-file "$IN/none.json" "$S" --csv out.csv
check "--params-file not an object" 1 "kfpcache: $IN/list.json: expected a JSON object of parameter values" \
	analyze -q --cold --params-file "$IN/list.json" "$S" --csv out.csv
printf '{"epochs": 2.5}' > "$IN/frac.json"
printf '{\n  "epochs": {"a": 1}\n}' > "$IN/obj.json"
check "--params-file value not an integer" 1 "kfpcache: $IN/frac.json:1:12: parameter epochs: '2.5' is not an integer" \
	analyze -q --cold --params-file "$IN/frac.json" "$S" --csv out.csv
check "--params-file object for an integer" 1 "kfpcache: $IN/obj.json:2:13: parameter epochs: '{\"a\":1}' is not an integer" \
	analyze -q --cold --params-file "$IN/obj.json" "$S" --csv out.csv
check "--param whole-looking fraction" 1 "kfpcache: --param epochs: '12345678901234567890.5' is not an integer" \
	analyze -q --cold --param epochs=12345678901234567890.5 "$S" --csv out.csv
check "--params-file truncated" 1 "kfpcache: $IN/cut.json:1:11: unexpected end of JSON input" \
	analyze -q --cold --params-file "$IN/cut.json" "$S" --csv out.csv

# outputs that cannot be written; nothing else of the set may be committed
check "output directory missing" 1 "kfpcache: /nonexistent-dir/x.csv: cannot write: No such file or directory" \
	analyze -q --cold "$S" --dot out.dot --csv /nonexistent-dir/x.csv
# -o DIR makes DIR and its parents (mkdir -p), and only when the reports are
# written: a failure names the directory and the reason, and removes the
# directories it made (the run directory must stay empty).
: > "$IN/file"
check "-o under a file" 1 "kfpcache: $IN/file/a/b: '$IN/file' exists and is not a directory" \
	analyze -q --cold "$S" -o "$IN/file/a/b"
check "-o made, then removed on failure" 1 "kfpcache: new/a/train.svg: the graph has 17 nodes and 17 edges, more than --max-render-nodes 1 allows (at most that many nodes and 4 times as many edges; the DOT report has no limit)" \
	analyze -q --cold "$S" -o new/a --max-render-nodes 1
check "history -o under a file" 1 "kfpcache: $IN/file/t: '$IN/file' exists and is not a directory" \
	history -q --repo "$IN/repo" -o "$IN/file/t" pipelines/train.yaml
if [ -d /proc/self ]; then
	check "-o parent cannot be made" 1 "kfpcache: /proc/kc-none/x: cannot create directory '/proc/kc-none': No such file or directory" \
		analyze -q --cold "$S" -o /proc/kc-none/x
fi
# REV:PATH: the paths of the tree with the same file name; outside a repository
check "path in another directory" 1 "kfpcache: HEAD:train.yaml: 'train.yaml' is not in HEAD; did you mean HEAD:pipelines/train.yaml?" \
	analyze -q --cold --repo "$IN/repo" HEAD:train.yaml
check "REV:PATH outside a repository" 1 "kfpcache: HEAD:train.yaml: no such file, and the current directory is not in a git repository (for REV:PATH)" \
	analyze -q --cold HEAD:train.yaml
# two reports on standard output would be one unreadable document
check "two reports to stdout" 2 "kfpcache: --csv - and --json -: both write to standard output; send one to a file" \
	analyze -q --cold "$S" --csv - --json -
check "history: two reports to stdout" 2 "kfpcache: --csv - and --json -: both write to standard output; send one to a file" \
	history --repo "$IN/repo" --csv - --json - pipelines/train.yaml
check "lint: --format and a report to stdout" 2 "kfpcache: --format text and a report to '-': both write to standard output" \
	lint --format text --sarif - "$S"
check "output is a directory" 1 "kfpcache: $IN: is a directory" \
	analyze -q --cold "$S" --csv "$IN"
if [ -w /dev/full ]; then
	check "csv to /dev/full" 1 "kfpcache: /dev/full: write failed: No space left on device" \
		analyze -q --cold "$S" --dot out.dot --csv /dev/full
	check "dot to /dev/full" 1 "kfpcache: /dev/full: cannot write DOT" \
		analyze -q --cold "$S" --csv out.csv --dot /dev/full
	check "svg to /dev/full" 1 "kfpcache: /dev/full: write failed: No space left on device" \
		analyze -q --cold "$S" --csv out.csv --svg /dev/full
	rm -rf "$RUN" && mkdir -p "$RUN"
	(cd "$RUN" && timeout $limit $KFPCACHE_WRAP "$KFPCACHE" analyze --cold "$S" > /dev/full 2> "$TMP/err")
	report "stdout to /dev/full" $? 1 "kfpcache: cannot write to stdout"
else
	echo "skip - env /dev/full: not writable"
fi

# The --max-* limits reach the loader and dag_build (parameters, not globals).
check "--max-tasks 2" 1 "kfpcache: $S:88:9: more than 2 tasks once sub-DAGs and loops are expanded" \
	analyze -q --cold --max-tasks 2 "$S" --csv out.csv
check "--max-depth 3" 1 "kfpcache: $S:11:7: nesting deeper than 3 levels" \
	analyze -q --cold --max-depth 3 "$S" --csv out.csv
check "--max-depth 3, baseline" 1 "kfpcache: $S:11:7: nesting deeper than 3 levels" \
	diff -q --max-depth 3 "$S" "$S"

# usage errors: one line, then the synopsis, exit 2
check "--kfp-version 3.0" 2 "kfpcache: --kfp-version 3.0: only KFP 2.x backends run v2 specs" \
	analyze -q --cold --kfp-version 3.0 "$S" --csv out.csv
check "--kfp-version not X.Y" 2 "kfpcache: --kfp-version 'banana': expected X.Y" \
	analyze -q --cold --kfp-version banana "$S" --csv out.csv
check "--kfp-version 2.x" 2 "kfpcache: --kfp-version '2.x': expected X.Y" \
	analyze -q --cold --kfp-version 2.x "$S" --csv out.csv
check "two specs" 2 "kfpcache: expected one SPEC" \
	analyze -q --cold "$S" "$S" --csv out.csv

# A chain of 1001 tasks, each after the next: deeper than the 1000 levels
# the recursive resolution allows (a clear error, not a stack overflow).
awk 'BEGIN {
	print "components:\n  comp-echo:\n    executorLabel: exec-echo"
	print "deploymentSpec:\n  executors:\n    exec-echo:\n      container: {image: alpine}"
	print "pipelineInfo: {name: chain}\nroot:\n  dag:\n    tasks:"
	for (i = 0; i <= 1000; i++)
		printf "      t%d: {componentRef: {name: comp-echo}%s}\n", i,
			i < 1000 ? sprintf(", dependentTasks: [t%d]", i + 1) : ""
	print "schemaVersion: 2.1.0"
}' > "$IN/chain.yaml"
check "dependency chain too deep" 1 "kfpcache: $IN/chain.yaml:1012:14: task 't1000': producers and sub-DAGs nest deeper than 1000 levels" \
	analyze -q --cold "$IN/chain.yaml" --csv out.csv

# A scalar over the 16 MiB limit: made here, too large to keep in the tree.
# Under valgrind the 17 MB scan would dominate the run, so it is skipped.
if [ -z "${KFPCACHE_WRAP:-}" ]; then
	{ printf 'pipelineInfo:\n  name: "'; head -c 16777300 /dev/zero | tr '\0' x; printf '"\n'; } > "$IN/huge.yaml"
	check "scalar over the limit" 1 "kfpcache: $IN/huge.yaml:2:9: scalar longer than 16777216 bytes" \
		analyze -q --cold "$IN/huge.yaml" --csv out.csv
	rm -f "$IN/huge.yaml"
else
	echo "skip - env scalar over the limit: not under valgrind"
fi
exit 0
