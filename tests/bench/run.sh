#!/bin/sh
# make bench: kfpcache against baselines measured in the same run, on the
# same generated inputs.  Prints min/median/max over repeated runs and the
# ratios; the README's performance section quotes them.
#   BENCH_REPS (default 5), BENCH_HISTORY_REPS (default 3), BENCH_COMMITS (default 2000),
#   BENCH_DISCOVER_SPECS (default 200), BENCH_DISCOVER_COMMITS (default 3000),
#   BENCH_SCALE (default "1000 10000 100000"), KFP_CORPUS_DIR (default ../shared/kfp-corpus)
# Each target of issue 14 is printed with its verdict: "met" or the gap.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
KC=$ROOT/$BUILD/kfpcache
W=$ROOT/$BUILD/bench
REPS=${BENCH_REPS:-5}
HREPS=${BENCH_HISTORY_REPS:-3}
COMMITS=${BENCH_COMMITS:-2000}
SCALE=${BENCH_SCALE:-1000 10000 100000}
sh tests/deps.sh --quiet time python3-yaml > /dev/null || true
mkdir -p "$W"
cc -O2 -o "$W/yamlscan" tests/bench/yamlscan.c $(pkg-config --cflags --libs yaml-0.1)

now() { date +%s.%N; }
# stats CMD...: run REPS times, print "min median max" seconds
stats() {
	i=0; : > "$W/times"
	while [ $i -lt "$REPS" ]; do
		t0=$(now); "$@" > /dev/null 2>&1; t1=$(now)
		echo "$t1 - $t0" | bc -l >> "$W/times"; i=$((i + 1))
	done
	sort -g "$W/times" | awk '{a[NR]=$1} END {printf "%.4f %.4f %.4f\n", a[1], a[int((NR+1)/2)], a[NR]}'
}
# peak RSS in KiB of one run
peak() { /usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -n 1; }
ratio() { echo "$1 / $2" | bc -l | awk '{printf "%.2f", $1}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); $(date -u +%Y-%m-%d)"
echo
LIM="--max-input-mb 1024 --max-nodes 100000000 --max-tasks 1000000"
# verdict RATIO TARGET: "met" or the gap, said plainly
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {if (r <= t) printf "met (<= %.1fx)", t; else printf "NOT MET: %.2fx over the %.1fx target", r - t, t}'; }
med() { echo "$1" | cut -d' ' -f2; }
# changed SPEC OUT: SPEC with one executor's image bumped (the warm case's one change)
changed() { sed '0,/image: /s/\(image: .*\)$/\1-bench/' "$1" > "$2"; }

echo "== §1 analyze (CSV + DOT + the terminal summary) vs the libyaml event scan of the same input files (target <= 2.0x)"
echo "   cold: analyze --cold SPEC; warm: analyze --baseline SPEC SPEC' (SPEC' = one image changed), scan of both files"
printf '%-8s %-5s %-10s %-26s %-26s %-6s %s\n' tasks cache bytes "kfpcache min/med/max s" "yamlscan min/med/max s" ratio verdict
: > "$W/scaling.$$"
for n in $SCALE; do
	spec=$W/spec-$n.yaml
	[ -f "$spec" ] || python3 tests/bench/gen.py spec "$n" "$spec"
	[ -f "$W/spec-$n-changed.yaml" ] || changed "$spec" "$W/spec-$n-changed.yaml"
	for mode in cold warm; do
		if [ $mode = cold ]; then
			set -- --cold "$spec"; files=$spec
		else
			set -- --baseline "$spec" "$W/spec-$n-changed.yaml"; files="$spec $W/spec-$n-changed.yaml"
		fi
		# shellcheck disable=SC2086
		k=$(stats "$KC" analyze $LIM "$@" --csv /dev/null --dot /dev/null)
		# shellcheck disable=SC2086
		y=$(stats "$W/yamlscan" $files)
		# shellcheck disable=SC2086
		bytes=$(cat $files | wc -c)
		r=$(ratio "$(med "$k")" "$(med "$y")")
		printf '%-8s %-5s %-10s %-26s %-26s %-6s %s\n' "$n" $mode "$bytes" "$k" "$y" "${r}x" "$(verdict "$r" 2.0)"
		echo "$n $mode $(med "$k") $bytes $(peak "$KC" analyze $LIM "$@" --csv /dev/null --dot /dev/null)" >> "$W/scaling.$$"
	done
done
echo
echo "== §2 peak RSS of analyze vs the bytes of its input files (target <= 3.0x at 10k tasks and more)"
while read -r n mode t bytes kib; do
	r=$(ratio "$((kib * 1024))" "$bytes")
	if [ "$n" -ge 10000 ]; then v=$(verdict "$r" 3.0); else v="(no target below 10k tasks)"; fi
	printf '%-8s %-5s %10d KiB  %6.1f MiB input  %sx  %s\n' "$n" "$mode" "$kib" "$(echo "$bytes / 1048576" | bc -l)" "$r" "$v"
done < "$W/scaling.$$"
echo
echo "== §4 time exponent from the smallest to the largest size, with the summary (target <= 1.1)"
for mode in cold warm; do
	awk -v m=$mode '$2 == m {if (!n0) {n0 = $1; t0 = $3}; n = $1; t = $3}
		END {if (n > n0) {e = log(t / t0) / log(n / n0);
			printf "%-5s %d -> %d tasks: exponent %.2f  %s\n", m, n0, n, e, e <= 1.1 ? "met (<= 1.1)" : sprintf("NOT MET: %.2f over the 1.1 target", e - 1.1)}
		else print m ": needs two sizes in BENCH_SCALE"}' "$W/scaling.$$"
done
rm -f "$W/scaling.$$"

echo
CORPUS=${KFP_CORPUS_DIR:-$ROOT/../shared/kfp-corpus}
big=$(ls -S "$CORPUS"/specs/*.yaml 2>/dev/null | head -n 1 || true)
if [ -n "$big" ]; then
	echo "== §5 other commands on the largest corpus spec ($(basename "$big"), $(wc -c < "$big") bytes) vs one analyze of it (target <= 2.0x each)"
	changed "$big" "$W/corpus-changed.yaml"
	task=$("$KC" analyze --cold "$big" --csv - 2> /dev/null | sed -n '2s/,.*//p')
	a=$(stats "$KC" analyze --cold "$big" --csv /dev/null --dot /dev/null)
	printf '%-34s %-26s %s\n' "analyze --cold (CSV + DOT + summary)" "$a" "(the baseline)"
	for c in lint diff compare explain; do
		case $c in
		lint) s=$(stats "$KC" lint "$big") ;;
		diff) s=$(stats "$KC" diff "$big" "$W/corpus-changed.yaml") ;;
		compare) s=$(stats "$KC" compare --cold --policy kfp-default --policy deployment-off \
			--policy run-off --policy compile-default-off "$big") ;;
		explain) s=$(stats "$KC" explain --cold "$big" "$task") ;;
		esac
		r=$(ratio "$(med "$s")" "$(med "$a")")
		printf '%-34s %-26s %-6s %s\n' "$c$([ $c = compare ] && echo ' (4 policies)')$([ $c = explain ] && echo " $task")" "$s" "${r}x" "$(verdict "$r" 2.0)"
	done
else
	echo "== §5 skipped: no corpus at $CORPUS (KFP_CORPUS_DIR)"
fi
echo

echo "== history of $COMMITS commits x 300 tasks vs git cat-file --batch + libyaml scan of the same blobs (target <= 1.5x at --jobs 1)"
repo=$W/history-$COMMITS
[ -d "$repo" ] || python3 tests/bench/gen.py history 300 "$COMMITS" "$repo"
git -C "$repo" rev-list --first-parent HEAD | sed 's/$/:spec.yaml/' > "$W/blobs.txt"
base() { git -C "$repo" cat-file --batch < "$W/blobs.txt" > "$W/blobs.bin"; "$W/yamlscan" --batch < "$W/blobs.bin"; }
REPS=$HREPS
b=$(stats base)
h1=$(stats "$KC" history -q --jobs 1 --repo "$repo" spec.yaml --csv /dev/null)
h2=$(stats "$KC" history -q --jobs 2 --repo "$repo" spec.yaml --csv /dev/null)
h4=$(stats "$KC" history -q --jobs 4 --repo "$repo" spec.yaml --csv /dev/null)
r1=$(ratio "$(med "$h1")" "$(med "$b")")
echo "                   min/median/max s"
echo "cat-file + scan    $b"
echo "history --jobs 1   $h1   ratio ${r1}x: $(verdict "$r1" 1.5)"
echo "history --jobs 2   $h2   speed-up $(ratio "$(med "$h1")" "$(med "$h2")")x"
echo "history --jobs 4   $h4   speed-up $(ratio "$(med "$h1")" "$(med "$h4")")x ($(nproc) cores)"
git -C "$repo" show HEAD:spec.yaml > "$W/last.yaml"
am=$(peak "$KC" analyze -q --cold "$W/last.yaml" --csv /dev/null)
for j in 1 2 4; do
	hm=$(peak "$KC" history -q --jobs $j --repo "$repo" spec.yaml --csv /dev/null)
	rm_=$(ratio "$hm" "$am")
	echo "peak memory --jobs $j: history ${hm} KiB, analyze of one version ${am} KiB, ratio ${rm_}x: $(verdict "$rm_" 1.5)"
done

echo
DSPECS=${BENCH_DISCOVER_SPECS:-200}
DCOMMITS=${BENCH_DISCOVER_COMMITS:-3000}
echo "== discovery: history --glob over $DCOMMITS commits and $DSPECS specs (one commit in ten edits a spec)"
echo "   vs git log --name-status + git cat-file --batch of the changed specs + libyaml scan (target <= 2.0x)"
drepo=$W/discover-$DCOMMITS-$DSPECS
[ -d "$drepo" ] || python3 tests/bench/gen.py discover "$DSPECS" "$DCOMMITS" "$drepo"
dfloor() {
	git -C "$drepo" log --first-parent --format=%H --name-status |
		awk '/^[0-9a-f]+$/ && length($1) == 40 {c = $1; next}
		     NF >= 2 && $1 != "D" && $NF ~ /^pipelines\/.*\.yaml$/ {print c ":" $NF}' > "$W/dblobs.txt"
	git -C "$drepo" cat-file --batch < "$W/dblobs.txt" | "$W/yamlscan" --batch
}
df=$(stats dfloor)
d1=$(stats "$KC" history -q --jobs 1 --repo "$drepo" --glob 'pipelines/**/*.yaml' --csv /dev/null)
d2=$(stats "$KC" history -q --repo "$drepo" --glob 'pipelines/**/*.yaml' --csv /dev/null)
rd=$(ratio "$(med "$d1")" "$(med "$df")")
echo "floor              $df"
echo "history --jobs 1   $d1   ratio ${rd}x: $(verdict "$rd" 2.0)"
echo "history (default)  $d2   ratio $(ratio "$(med "$d2")" "$(med "$df")")x"
echo "peak memory: $(peak "$KC" history -q --jobs 1 --repo "$drepo" --glob 'pipelines/**/*.yaml' --csv /dev/null) KiB"
