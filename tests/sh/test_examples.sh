#!/bin/sh
# reports/examples/ holds the reports of the samples (and readme.sh, which
# reruns the README's examples: tests/sh/test_readme_examples.sh); regenerating them
# (reports/examples/regen.sh) must give the committed bytes, every file,
# and two regenerations must agree (Graphviz's SVG included).  When a
# report changes on purpose: sh reports/examples/regen.sh build/kfpcache,
# then review the diff.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
EX=$ROOT/reports/examples
if ! sh "$EX/regen.sh" "$KFPCACHE" "$TMP/a" > regen.log 2>&1 || ! sh "$EX/regen.sh" "$KFPCACHE" "$TMP/b" >> regen.log 2>&1; then
	echo "not ok - examples: regen.sh failed"; cat regen.log >&2
	exit 0
fi
if diff -r a b > det.diff; then
	echo "ok - examples: two regenerations are byte-identical"
else
	echo "not ok - examples: two regenerations are byte-identical"; head -40 det.diff >&2
fi
committed=$(cd "$EX" && ls | grep -v -E '^(regen|readme)\.sh$' | tr '\n' ' ')
made=$(ls a | tr '\n' ' ')
drift=
for f in $made; do
	cmp -s "a/$f" "$EX/$f" || drift="$drift $f"
done
if [ "$committed" = "$made" ] && [ -z "$drift" ]; then
	echo "ok - examples: reports/examples matches a regeneration ($(echo $made | wc -w) files)"
else
	echo "not ok - examples: reports/examples drifted:$drift (committed: $committed; made: $made); run sh reports/examples/regen.sh build/kfpcache"
	for f in $drift; do diff -u "$EX/$f" "a/$f" | head -20 >&2; done
fi
exit 0
