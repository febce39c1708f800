#!/bin/sh
# history: --shard K/N for N = 1, 2, 3 merged is byte-identical to one run;
# the real histories of ../shared/kfp-corpus are followed through their
# renames and copies (one row per commit of commits.tsv); errors are clear.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
sample_repo train repo
P=pipelines/train.yaml

check_shards() {   # $1 repo, $2 label, rest: history args
	r=$1 label=$2; shift 2
	kc history -q --repo "$r" "$@" --csv full.csv
	for n in 1 2 3; do
		parts=""
		for k in $(seq 1 $n); do
			kc history -q --repo "$r" --shard $k/$n "$@" --csv part$k.csv
			parts="$parts part$k.csv"
		done
		kc merge -q --csv merged.csv $parts
		if cmp -s full.csv merged.csv; then echo "ok - $label: --shard N=$n merged is identical"
		else echo "not ok - $label: --shard N=$n merged differs"; diff full.csv merged.csv >&2; fi
	done
}
check_shards repo "sample" $P

# Versions load in worker threads: the output is the same bytes for any --jobs.
check_jobs() {   # $1 repo, $2 label, rest: history args
	r=$1 label=$2; shift 2
	rm -rf j1 jn
	kc history -q --repo "$r" --jobs 1 "$@" --csv j1.csv -o j1
	for j in 2 3 4; do
		rm -rf jn
		kc history -q --repo "$r" --jobs $j "$@" --csv jn.csv -o jn
		if cmp -s j1.csv jn.csv && diff -r j1 jn > /dev/null; then
			echo "ok - $label: --jobs $j output identical to --jobs 1"
		else
			echo "not ok - $label: --jobs $j output differs"; diff -r j1 jn | head -20 >&2
		fi
	done
}
check_jobs repo "sample" $P

# Progress on stderr only on a terminal, outside CI, without --quiet.
if command -v script > /dev/null; then
	env -u CI script -qec "$KFPCACHE history --repo repo $P --csv /dev/null" /dev/null > tty.out 2>&1
	env -u CI script -qec "$KFPCACHE history -q --repo repo $P --csv /dev/null" /dev/null > tty-q.out 2>&1
	kc history --repo repo $P --csv /dev/null 2> notty.err > /dev/null
	if grep -q "$P: 7/7 commits" tty.out && ! grep -q 'commits .*left' tty-q.out && [ ! -s notty.err ]; then
		echo "ok - progress line only on a terminal and without --quiet"
	else
		echo "not ok - progress line"; od -c tty.out | head -5 >&2
	fi
else
	echo "skip - progress line: script(1) not installed"
fi

# Several specs: dealt out whole, discovered without a PATH.
mkdir -p repo/other
cp "$ROOT/tests/fixtures/nested-run-override.yaml" repo/other/nested.yaml
gitp repo add -A
commit_at repo 2026-06-01T09:00:00+00:00 "Add the nested demo"
cp "$ROOT/tests/fixtures/nested-config-image.yaml" repo/other/nested.yaml
gitp repo add -A
commit_at repo 2026-06-02T09:00:00+00:00 "load-config on python 3.11"
kc history -q --repo repo --csv all.csv
grep -c ',other/nested.yaml,' all.csv | grep -qx 2 && grep -c ',pipelines/train.yaml,' all.csv | grep -qx 7 \
	&& echo "ok - discovers every spec in the tree" || { echo "not ok - discovers every spec"; cat all.csv >&2; }
kc history -q --repo repo --glob 'other/**' --csv glob.csv
[ "$(grep -c ',other/nested.yaml,' glob.csv)" = 2 ] && ! grep -q train glob.csv \
	&& echo "ok - --glob selects specs" || echo "not ok - --glob selects specs"
check_shards repo "two specs"

# Errors: one line, exit 1.
kc history -q --repo repo no/such.yaml 2> err; rc=$?
[ $rc -eq 1 ] && [ "$(cat err)" = "kfpcache: no/such.yaml: not present in any commit of HEAD" ] \
	&& echo "ok - path never present" || { echo "not ok - path never present ($rc)"; cat err >&2; }
kc history -q --repo repo --range nosuch..HEAD $P 2> err; rc=$?
[ $rc -eq 1 ] && [ "$(cat err)" = "kfpcache: nosuch: unknown revision" ] \
	&& echo "ok - missing revision" || { echo "not ok - missing revision ($rc)"; cat err >&2; }
kc history -q --repo /nonexistent $P 2> err; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l < err)" -eq 1 ] && echo "ok - not a repository" || echo "not ok - not a repository ($rc)"
# A shallow clone: the boundary is reported, not silently treated as the start.
git clone -q --depth 2 "file://$TMP/repo" shallow 2> /dev/null
kc history -q --repo shallow $P 2> err; rc=$?
[ $rc -eq 1 ] && grep -q 'shallow' err && [ "$(wc -l < err)" -eq 1 ] \
	&& echo "ok - shallow clone boundary" || { echo "not ok - shallow clone boundary ($rc)"; cat err >&2; }
printf 'commit,date\n1,2\n' > bad.csv
kc merge bad.csv 2> err; rc=$?
[ $rc -eq 1 ] && grep -q 'bad.csv:1: expected 18 columns, found 2' err && echo "ok - merge rejects a foreign CSV" \
	|| { echo "not ok - merge rejects a foreign CSV ($rc)"; cat err >&2; }

# --glob finds every spec's commits in one walk, skipping the paths a
# commit's tree comparison with its first parent leaves alone: the rows of
# each spec are exactly the commits git log lists for it, through commits
# that touch other files only, a directory replaced by a file and back, and a spec edited deep in a tree.
rm -rf multi && mkdir multi && gitp multi init -q -b main
git -C repo show HEAD:$P > spec.txt
mkdir -p multi/a/deep/er multi/b multi/src
cp spec.txt multi/a/x.yaml; cp spec.txt multi/a/deep/er/y.yaml; cp spec.txt multi/b/z.yaml
echo one > multi/src/m.py
gitp multi add -A && commit_at multi 2026-01-01T00:00:00Z "add three specs"
echo two > multi/src/m.py; gitp multi add -A && commit_at multi 2026-01-02T00:00:00Z "other file"
echo "# edit" >> multi/a/deep/er/y.yaml; gitp multi add -A && commit_at multi 2026-01-03T00:00:00Z "edit y"
rm -r multi/b && echo file > multi/b; gitp multi add -A && commit_at multi 2026-01-05T00:00:00Z "b becomes a file"
rm multi/b && mkdir multi/b && cp spec.txt multi/b/z.yaml && echo "# back" >> multi/b/z.yaml
gitp multi add -A && commit_at multi 2026-01-06T00:00:00Z "z is back and edited"
echo "# x" >> multi/a/x.yaml; echo three > multi/src/m.py; gitp multi add -A && commit_at multi 2026-01-07T00:00:00Z "edit x"
kc history -q --no-follow --repo multi --glob '**/*.yaml' --csv multi.csv
ok=true
for s in a/x.yaml a/deep/er/y.yaml b/z.yaml; do
	git -C multi log --reverse --format=%H -- "$s" > want.txt
	awk -F, -v s="$s" 'NR > 1 && $16 == s {print $1}' multi.csv > got.txt
	cmp -s want.txt got.txt || { ok=false; echo "$s: want" >&2; cat want.txt got.txt >&2; }
done
[ "$(wc -l < want.txt)" -eq 3 ] || ok=false
if $ok; then echo "ok - --glob: one walk gives each spec the commits git log lists for it"
else echo "not ok - --glob: a spec's commits differ from git log"; fi
# The corpus histories (skipped without ../shared/kfp-corpus).
if [ ! -d "$CORPUS/history" ]; then
	echo "skip - corpus histories: ../shared/kfp-corpus not present"
	exit 0
fi
for h in "$CORPUS"/history/*/; do
	name=$(basename "$h")
	rm -rf "c-$name"
	corpus_repo "$name" "c-$name" || { echo "not ok - corpus $name: replay failed"; continue; }
	final=$(tail -n 1 "$h/commits.tsv" | cut -f5)
	rows=$(($(wc -l < "$h/commits.tsv") - 1))
	kc history -q --repo "c-$name" --follow "$final" --csv "c-$name.csv" 2> err
	rc=$?
	got=$(($(wc -l < "c-$name.csv") - 1))
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then echo "not ok - corpus $name: exit $rc"; cat err >&2
	elif [ "$got" -ne "$rows" ]; then echo "not ok - corpus $name: $got rows, commits.tsv has $rows"
	else echo "ok - corpus $name: --follow gives one row per commit ($rows)"; fi
	kc history -q --repo "c-$name" --no-follow "$final" --csv "n-$name.csv" 2> /dev/null
	nf=$(($(wc -l < "n-$name.csv") - 1))
	if grep -q 'R[0-9]\|C[0-9]' "$h/commits.tsv"; then
		[ "$nf" -lt "$rows" ] && echo "ok - corpus $name: with --no-follow the walk stops at the rename" \
			|| echo "not ok - corpus $name: with --no-follow ($nf rows)"
	fi
done
check_shards c-flip_coin "corpus flip_coin" --follow test_data/sdk_compiled_pipelines/valid/critical/flip_coin.yaml
check_jobs c-flip_coin "corpus flip_coin" --follow test_data/sdk_compiled_pipelines/valid/critical/flip_coin.yaml

exit 0
