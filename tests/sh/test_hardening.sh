#!/bin/sh
# Outputs never clobber (issue 10, items 1-6): a symbolic link stays a link
# and its target is written; an output that is an input, or another output,
# is refused before any work with one line naming both options; a run
# killed by SIGINT, SIGTERM or SIGHUP leaves no temporary behind and dies
# of that signal; an empty path is a usage error; the layout budget refuses
# a graph too large to lay out, at once, naming --max-render-nodes.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
S=$ROOT/samples/pipelines/train.yaml

ok() { echo "ok - outputs $1"; }
no() { echo "not ok - outputs $1"; }
fresh() { cd "$TMP" && rm -rf w && mkdir w && cd w && cp "$S" s.yaml; }
# refused NAME LINE ARGS...: exit 2, LINE then the synopsis on stderr, s.yaml
# unchanged and nothing else in the directory.
refused() {
	name=$1 want=$2
	shift 2
	before=$(ls | sort | tr '\n' ' ')
	kc "$@" > out 2> err
	rc=$?
	if [ $rc != 2 ]; then no "$name: exit $rc, want 2"; cat err >&2
	elif [ "$(head -n 1 err)" != "$want" ]; then no "$name: stderr"; echo "got:  $(head -n 1 err)" >&2; echo "want: $want" >&2
	elif ! sed -n 2p err | grep -q '^usage: kfpcache '; then no "$name: no synopsis"
	elif ! cmp -s s.yaml "$S"; then no "$name: the input was changed"
	elif [ "$(ls | grep -v '^err$' | grep -v '^out$' | sort | tr '\n' ' ')" != "$before" ]; then no "$name: files left: $(ls | tr '\n' ' ')"
	else ok "$name"; fi
}

# 1. symbolic links
fresh
echo old > target.csv
ln -s target.csv link.csv
kc analyze --cold -q s.yaml --csv link.csv 2> err
if [ -L link.csv ] && [ "$(readlink link.csv)" = target.csv ] && head -n 1 target.csv | grep -q '^task,kind,'; then
	ok "a symlinked output stays a link and its target is written"
else no "a symlinked output stays a link and its target is written"; ls -la >&2; fi
mkdir sub && ln -s ../deep.csv sub/rel.csv && mkdir -p elsewhere && ln -s "$PWD/elsewhere/abs.csv" abs.csv
kc analyze --cold -q s.yaml --csv sub/rel.csv --dot abs.csv 2> err
if [ -L sub/rel.csv ] && [ -L abs.csv ] && [ -s deep.csv ] && [ -s elsewhere/abs.csv ] &&
	[ -z "$(find . -name '*.tmp-*')" ]; then
	ok "relative and absolute, dangling links are written through"
else no "relative and absolute, dangling links are written through"; find . >&2; fi
ln -s loop1 loop2; ln -s loop2 loop1
kc analyze --cold -q s.yaml --csv loop1 > out 2> err
if [ $? = 1 ] && grep -q '^kfpcache: loop1: too many levels of symbolic links$' err; then
	ok "a link loop is an error naming the path"
else no "a link loop is an error naming the path"; cat err >&2; fi
if [ -c /dev/null ]; then
	kc analyze --cold -q s.yaml --csv /dev/null --dot /dev/null 2> err
	if [ $? = 0 ] && [ -c /dev/null ]; then ok "character devices are written in place, more than once"
	else no "character devices are written in place, more than once"; cat err >&2; fi
fi
fresh
ln -s /dev/null devlink
kc analyze --cold -q s.yaml --csv devlink 2> err
if [ $? = 0 ] && [ -L devlink ] && [ -c /dev/null ]; then ok "a link to a device stays a link"
else no "a link to a device stays a link"; fi

fresh
n=$(kc analyze --cold -q s.yaml --csv /dev/stdout | wc -l)
kc analyze --cold -q s.yaml --csv /dev/fd/1 > redirected.csv 2> err
if [ "$n" -gt 5 ] && [ "$(wc -l < redirected.csv)" = "$n" ] && [ -z "$(ls | grep tmp-)" ] && [ -c /dev/stdout -o -L /dev/stdout ]; then
	ok "/dev/stdout into a pipe and /dev/fd/1 into a file are written in place"
else no "/dev/stdout into a pipe and /dev/fd/1 into a file are written in place"; cat err >&2; fi

# 2. an output that is an input
fresh
refused "--csv onto the spec" "kfpcache: --csv 's.yaml' is the same file as the input SPEC 's.yaml'" \
	analyze --cold -q s.yaml --csv s.yaml
fresh
ln -s s.yaml alias.yaml
refused "--dot onto the spec through a link" "kfpcache: --dot 's.yaml' is the same file as the input SPEC 'alias.yaml'" \
	analyze --cold -q alias.yaml --dot s.yaml
fresh
refused "--csv onto the baseline" "kfpcache: --csv './s.yaml' is the same file as the input --baseline 's.yaml'" \
	analyze -q --baseline s.yaml "$S" --csv ./s.yaml
fresh
refused "--json onto --params-file" "kfpcache: --json 's.yaml' is the same file as the input --params-file 's.yaml'" \
	analyze -q --cold --params-file s.yaml "$S" --json s.yaml
fresh
refused "--md onto --deployment" "kfpcache: --md 's.yaml' is the same file as the input --deployment 's.yaml'" \
	analyze -q --cold "$S" --md s.yaml --deployment s.yaml
fresh
refused "--html onto --policy" "kfpcache: --html 's.yaml' is the same file as the input --policy 's.yaml'" \
	analyze -q --cold --policy s.yaml "$S" --html s.yaml
fresh
refused "--cost-csv onto --durations" "kfpcache: --cost-csv 's.yaml' is the same file as the input --durations 's.yaml'" \
	analyze -q --cold --durations s.yaml "$S" --cost-csv s.yaml
fresh
refused "lint --sarif onto the spec" "kfpcache: --sarif 's.yaml' is the same file as the input SPEC 's.yaml'" \
	lint s.yaml --sarif s.yaml
fresh
refused "diff --csv onto B" "kfpcache: --csv 's.yaml' is the same file as the input B 's.yaml'" \
	diff "$S" s.yaml --csv s.yaml
fresh
refused "fingerprint --csv onto the spec" "kfpcache: --csv 's.yaml' is the same file as the input SPEC 's.yaml'" \
	fingerprint s.yaml --csv s.yaml
fresh
kc analyze --cold -q "$S" --csv t.csv > /dev/null 2>&1 && cp t.csv t0.csv
kc merge t.csv --csv t.csv > out 2> err
if [ $? = 2 ] && head -n 1 err | grep -q "^kfpcache: --csv 't.csv' is the same file as the input TIMELINE 't.csv'$" && cmp -s t.csv t0.csv; then
	ok "merge --csv onto one of its inputs"
else no "merge --csv onto one of its inputs"; cat err >&2; fi

# 3. two reports on one path
fresh
refused "--csv and --dot on one path" "kfpcache: --csv 'x' and --dot './x' are the same file" \
	analyze --cold -q s.yaml --csv x --dot ./x
fresh
refused "-o DIR colliding with an explicit path" "kfpcache: --csv 'out/s.dot' and --output-dir 'out/s.dot' are the same file" \
	analyze --cold -q s.yaml -o out --csv out/s.dot
fresh
refused "--report colliding with --csv" "kfpcache: --csv 'r.csv' and --report 'r.csv' are the same file" \
	analyze --cold -q s.yaml --csv r.csv --report r.csv
fresh
refused "history -o DIR colliding with --csv" "kfpcache: --csv 'o/timeline.csv' and --output-dir 'o/timeline.csv' are the same file" \
	history --csv o/timeline.csv -o o

# 6. empty paths
fresh
refused "--csv ''" "kfpcache: --csv: the path is empty" analyze --cold -q s.yaml --csv ''
fresh
refused "--report ''" "kfpcache: --report: the path is empty" analyze --cold -q s.yaml --report ''

# 4. signals: the run blocks opening a FIFO nobody reads, after two
# temporaries exist; the signal must remove them and end the process.
if command -v mkfifo > /dev/null && command -v python3 > /dev/null; then
	for sig in INT:2 TERM:15 HUP:1; do
		num=${sig#*:} sig=${sig%:*}
		fresh
		mkfifo fifo
		# python restores SIGINT, which sh leaves ignored for background jobs.
		python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
			"$KFPCACHE" analyze --cold -q s.yaml --csv x.csv --dot x.dot --json fifo 2> err &
		pid=$!
		i=0
		while [ $i -lt 100 ] && [ "$(ls | grep -c 'tmp-')" -lt 2 ]; do sleep 0.05; i=$((i + 1)); done
		before=$(ls | grep -c 'tmp-')
		kill -$sig $pid
		wait $pid
		rc=$?
		want=$((128 + num))
		left=$(ls | grep 'tmp-' | tr '\n' ' ')
		if [ "$before" != 2 ]; then no "SIG$sig: the run did not reach its outputs ($before temporaries)"
		elif [ $rc != $want ]; then no "SIG$sig: exit $rc, want $want"
		elif [ -n "$left" ] || [ -e x.csv ] || [ -e x.dot ]; then no "SIG$sig: files left: $left"
		else ok "SIG$sig removes the temporaries and ends the process by the signal"; fi
	done
else
	echo "skip - outputs signals: mkfifo or python3 missing"
fi

# 5. the layout budget
fresh
python3 "$ROOT/tests/bench/gen.py" spec 2500 big.yaml 2> /dev/null || echo "gen.py failed" >&2
start=$(date +%s)
kc analyze --cold -q big.yaml --svg big.svg > out 2> err
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc = 1 ] && grep -q '^kfpcache: big.svg: the graph has [0-9]* nodes and [0-9]* edges, more than --max-render-nodes 2000 allows' err &&
	[ ! -e big.svg ] && [ $took -lt 30 ] && [ "$(wc -l < err)" = 1 ]; then
	ok "a graph above the budget is refused at once, naming the option"
else no "a graph above the budget is refused at once, naming the option (exit $rc, ${took}s)"; cat err >&2; fi
kc analyze --cold -q big.yaml --html big.html --png big.png > out 2> err
if [ $? = 1 ] && grep -q '^kfpcache: big.png: the graph has .*--max-render-nodes' err && [ ! -e big.html ] && [ ! -e big.png ]; then
	ok "PNG and HTML keep the budget too, and nothing is written"
else no "PNG and HTML keep the budget too, and nothing is written"; cat err >&2; fi
kc analyze --cold -q s.yaml --svg small.svg --max-render-nodes 3 > out 2> err
if [ $? = 1 ] && grep -q 'more than --max-render-nodes 3 allows' err; then ok "--max-render-nodes sets the budget"
else no "--max-render-nodes sets the budget"; cat err >&2; fi
kc analyze --cold -q s.yaml --svg small.svg --max-render-nodes 0 > out 2> err
if [ $? = 2 ]; then ok "--max-render-nodes 0 is a usage error"; else no "--max-render-nodes 0 is a usage error"; fi

# --deployment with several documents (issue 10, item 14): the ml-pipeline
# Deployment is read whatever its place, and a note says which.
fresh
dep_doc() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  template:\n    spec:\n      containers:\n      - name: ml-pipeline-api-server\n        env:\n        - name: CACHEENABLED\n          value: "%s"\n' "$1" "$2"; }
{ dep_doc ml-pipeline-ui true; echo ---; dep_doc ml-pipeline false; } > dep.yaml
kc analyze --cold -q --deployment dep.yaml s.yaml --csv o.csv 2> err
if [ $? = 0 ] && grep -q "^kfpcache: note: dep.yaml: CACHEENABLED read from document 2 of 2 (Deployment 'ml-pipeline')$" err &&
	[ "$(grep -c ',DISABLED,' o.csv)" -gt 3 ]; then
	ok "--deployment reads the ml-pipeline Deployment of several and says so"
else no "--deployment reads the ml-pipeline Deployment of several and says so"; cat err >&2; fi

# YAML merge keys (issue 10, item 13): go-yaml v3, KFP's loader, merges
# them, explicit keys winning; the merged spec reads as the written-out one.
fresh
kc analyze --cold -q "$ROOT/tests/fixtures/merge-keys.yaml" --csv m.csv 2> err
kc analyze --cold -q "$ROOT/tests/fixtures/merge-keys-expanded.yaml" --csv e.csv 2>> err
kc fingerprint "$ROOT/tests/fixtures/merge-keys.yaml" > mf.csv 2>> err
kc fingerprint "$ROOT/tests/fixtures/merge-keys-expanded.yaml" > ef.csv 2>> err
if cmp -s m.csv e.csv && cmp -s mf.csv ef.csv && grep -q '^use,container,comp-use,exec-use,python:3.12,' m.csv; then
	ok "a << merge key reads as the map written out, explicit keys winning"
else no "a << merge key reads as the map written out, explicit keys winning"; diff m.csv e.csv >&2; cat err >&2; fi
