#!/bin/sh
# The command line: every command's help lists every option of its table and
# the README documents them, usage errors exit 2 with one line plus the
# synopsis, --version works.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
# rows FILE NAME: the rows of the option table NAME[] in FILE (up to its
# { NULL ... }); a row may be a shared one of cmd.h (CMD_OPT_COLOR).
rows() {
	awk -v t="const struct opt $2[] = {" 'index($0, t) == 1 { on = 1; next }
		on && /^[ \t]*\{ NULL/ { exit }
		on && /^[ \t]*(\{|CMD_OPT_[A-Z]+,)/' "$1"
}
# names: the long option names of those rows.
names() { sed -n -e 's/^[ \t]*{ "\([a-z][a-z0-9-]*\)", .*/\1/p' -e 's/^[ \t]*CMD_OPT_COLOR,$/color/p'; }
# table FILE NAME: the long names, or "not ok" when a row does not parse.
table() {
	r=$(rows "$1" "$2" | wc -l)
	t=$(rows "$1" "$2" | names)
	if [ "$r" != "$(echo $t | wc -w)" ]; then
		echo "not ok - $2: $r rows but $(echo $t | wc -w) names parsed (pattern broken?)" >&2
		return 1
	fi
	echo $t
}
# Which shared options (common_opts) each command takes: written out here,
# not read from main.c, so a change to the table must change this test too.
# Every other shared option is refused with exit 2.
shared_all="repo param params-file baseline baseline-namespace namespace cold cache-db cache-db-defaults-file cache-db-page-size global-cache deployment run-caching kfp-version publish-logs policy max-input-mb max-depth max-nodes max-string-mb max-tasks help"
takes() {
	case $1 in
	analyze|explain|compare) echo $shared_all ;;
	lint) echo $shared_all | sed 's/ cache-db cache-db-defaults-file cache-db-page-size / /' ;;
	fingerprint) echo $shared_all | sed 's/ baseline baseline-namespace namespace cold cache-db cache-db-defaults-file cache-db-page-size / /' ;;
	history) echo $shared_all | sed 's/ params-file baseline baseline-namespace / /; s/ cold / /' ;;
	blame) echo $shared_all | sed 's/ params-file baseline baseline-namespace namespace cold cache-db cache-db-defaults-file cache-db-page-size / /' ;;
	diff) echo $shared_all | sed 's/ params-file baseline baseline-namespace / /; s/ cold / /; s/ cache-db-page-size / /' ;;
	merge) echo help ;;
	verify) echo $shared_all | sed 's/ baseline baseline-namespace / /; s/ cold / /; s/ cache-db-page-size / /' ;;
	*) echo "unknown-command-$1" ;;
	esac
}
# Every command kfpcache --help lists: its --help shows exactly the options
# of its table and the shared ones it takes, under the headings inputs,
# cache, policy, outputs, limits, each (but --help) with its default, in one
# aligned column, then two or three examples; README.md documents each
# option (by its long name, or its short one as "-x").  A pattern that
# finds nothing is a failure, not a pass: the check must keep checking.
cmds=$(kc --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
n=$(echo $cmds | wc -w)
[ "$n" -ge 9 ] && echo "ok - kfpcache --help lists $n commands" || echo "not ok - kfpcache --help lists $n commands (pattern broken?)"
common=$(table "$ROOT/analyzer/cmd/common.c" common_opts 2>&1)
[ -n "$common" ] && [ "${common#not ok}" = "$common" ] && echo "ok - common_opts: $(echo $common | wc -w) options" \
	|| echo "${common:-not ok - no option found in common_opts (pattern broken?)}"
case $common in "not ok"*) common= ;; esac
[ "$(echo $common | tr ' ' '\n' | sort)" = "$(echo $shared_all | tr ' ' '\n' | sort)" ] \
	&& echo "ok - the test knows every shared option" || echo "not ok - common_opts is not '$shared_all' (update takes())"
for c in $cmds; do
	kc $c --help > help.txt; rc=$?
	[ $rc -eq 0 ] && grep -q "^usage: kfpcache $c" help.txt && echo "ok - $c --help" || echo "not ok - $c --help"
	shown=$(sed -n 's/^  \(-[a-zA-Z], \)\{0,1\} *--\([a-z][a-z0-9-]*\).*/\2/p' help.txt)
	if [ -z "$shown" ]; then
		echo "not ok - $c --help: no option line found (pattern broken?)"
		continue
	fi
	src=$(grep -l "^const struct opt ${c}_opts\[\] = {" "$ROOT"/analyzer/cmd/*.c)
	if [ -z "$src" ]; then
		echo "not ok - $c: no table ${c}_opts[] in analyzer/cmd/*.c (pattern broken?)"
	elif own=$(table "$src" ${c}_opts 2>&1) && [ "${own#not ok}" = "$own" ]; then
		want=$(echo $own $(takes $c) | tr ' ' '\n' | sort)
		got=$(echo $shown | tr ' ' '\n' | sort)
		[ "$want" = "$got" ] && echo "ok - $c --help lists exactly its $(echo $own | wc -w) options and the $(takes $c | wc -w) shared ones it takes" \
			|| { echo "not ok - $c --help lists other options than it takes"; printf 'want: %s\ngot:  %s\n' "$(echo $want)" "$(echo $got)" >&2; }
	else
		echo "$own"
	fi
	for o in $shared_all; do
		case " $(takes $c) " in *" $o "*) continue ;; esac
		kc $c --$o x y z > /dev/null 2> err; rc=$?
		[ $rc -eq 2 ] && [ "$(wc -l < err)" -eq 2 ] && grep -q "^kfpcache: $c does not take --$o " err \
			|| { echo "not ok - $c --$o: not refused (rc $rc)"; cat err >&2; refused=no; }
	done
	[ "${refused:-}" = no ] || echo "ok - $c refuses the shared options it does not take"
	refused=
	# Headings, defaults, one column for the descriptions, examples.
	bad=$(awk '/^[a-z]+:$/ && !/^(inputs|cache|policy|outputs|limits|examples):$/ { print "heading " $0 }
		/^examples:/ { ex = 1; next }
		ex && /^  kfpcache / { nex++ }
		!ex && /^  (-[a-zA-Z], |    )--[a-z]/ {
			match($0, /^  (-[a-zA-Z], |    )--[a-z0-9-]+( [^ ]+)?  +/)
			if (col && RLENGTH != col) print "column " $0
			col = RLENGTH
			if ($0 !~ /--help/ && $0 !~ /\(default: [^)]+\)$/) print "no default: " $0
		}
		END { if (nex < 2 || nex > 3) print "examples: " nex + 0 }' help.txt)
	[ -z "$bad" ] && echo "ok - $c --help: grouped, aligned, defaults, examples" \
		|| { echo "not ok - $c --help layout"; echo "$bad" >&2; }
	undoc=
	for o in $shown; do
		short=$(sed -n "s/^  -\([a-zA-Z]\), --$o\b.*/\1/p" help.txt)
		grep -q -- "--$o\b" "$ROOT/README.md" && continue
		[ -n "$short" ] && grep -q -- "\`-$short[\` ]" "$ROOT/README.md" && continue
		undoc="$undoc --$o"
	done
	[ -z "$undoc" ] && echo "ok - $c: README documents its $(echo $shown | wc -w) options" \
		|| echo "not ok - $c: README does not document$undoc"
done
kc analyze --frobnicate x 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "unknown option '--frobnicate'" err && grep -q '^usage: kfpcache analyze' err \
	&& echo "ok - unknown option: exit 2 with synopsis" || echo "not ok - unknown option (rc $rc)"
kc analyze 2> err; rc=$?
[ $rc -eq 2 ] && echo "ok - missing SPEC: exit 2" || echo "not ok - missing SPEC (rc $rc)"
kc analyze --run-caching maybe "$ROOT/samples/pipelines/train.yaml" 2> err; rc=$?
[ $rc -eq 2 ] && grep -q 'on or off' err && echo "ok - bad on|off value: exit 2" || echo "not ok - bad on|off (rc $rc)"
kc --version | grep -q '^kfpcache [0-9]' && echo "ok - --version" || echo "not ok - --version"
[ "$(kc version)" = "$(kc --version)" ] && echo "ok - kfpcache version is --version" || echo "not ok - kfpcache version"
kc frob 2> err; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < err)" -eq 2 ] && sed -n 2p err | grep -q '^usage: kfpcache <command>' \
	&& echo "ok - unknown command: exit 2, one line and the synopsis" || { echo "not ok - unknown command (rc $rc)"; cat err >&2; }
kc anaylze 2> err; rc=$?
[ $rc -eq 2 ] && [ "$(sed -n 1p err)" = "kfpcache: 'anaylze' is not a command. Did you mean 'analyze'?" ] \
	&& [ "$(wc -l < err)" -eq 2 ] && echo "ok - unknown command: did you mean" || { echo "not ok - did you mean (rc $rc)"; cat err >&2; }
kc analyze --cld x 2> err; rc=$?
[ $rc -eq 2 ] && grep -q "^kfpcache: unknown option '--cld'. Did you mean '--cold'?$" err \
	&& echo "ok - unknown option: did you mean" || { echo "not ok - option did you mean (rc $rc)"; cat err >&2; }
# -o DIR makes the missing directories, in analyze and history
kc analyze -q --cold -o made/a/b "$ROOT/samples/pipelines/train.yaml"; rc=$?
[ $rc -eq 0 ] && [ -s made/a/b/train.csv ] && [ -s made/a/b/train.json ] \
	&& echo "ok - analyze -o makes DIR and its parents" || echo "not ok - analyze -o DIR/a/b (rc $rc)"
sample_repo train hrepo
kc history -q --repo hrepo -o made/h/t pipelines/train.yaml; rc=$?
[ $rc -eq 0 ] && [ -s made/h/t/timeline.csv ] \
	&& echo "ok - history -o makes DIR and its parents" || echo "not ok - history -o DIR/a/b (rc $rc)"
# Two reports to standard output: a usage error, nothing printed.
kc analyze --cold --csv - --json - "$ROOT/samples/pipelines/train.yaml" > out 2> err; rc=$?
[ $rc -eq 2 ] && [ ! -s out ] && grep -q -- '--csv - and --json -: both write to standard output' err \
	&& echo "ok - two reports to stdout: usage error" || { echo "not ok - two reports to stdout (rc $rc)"; cat err >&2; }
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
