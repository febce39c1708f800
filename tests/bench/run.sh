#!/bin/sh
# make bench: kfpcache against baselines measured in the same run, on the
# same generated inputs.  Prints min/median/max over repeated runs and the
# ratios; the README's performance section quotes them.
#   BENCH_REPS (default 5), BENCH_HISTORY_REPS (default 3), BENCH_COMMITS (default 2000),
#   BENCH_DISCOVER_SPECS (default 200), BENCH_DISCOVER_COMMITS (default 3000),
#   BENCH_SCALE (default "1000 10000 100000")
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
echo "== analyze (CSV + DOT) vs libyaml event scan of the same file (target <= 2.0x)"
printf '%-8s %-10s %-28s %-28s %s\n' tasks bytes "kfpcache min/med/max s" "yamlscan min/med/max s" ratio
for n in $SCALE; do
	spec=$W/spec-$n.yaml
	[ -f "$spec" ] || python3 tests/bench/gen.py spec "$n" "$spec"
	k=$(stats "$KC" analyze -q --cold --max-input-mb 1024 --max-nodes 100000000 --max-tasks 1000000 "$spec" --csv /dev/null --dot /dev/null)
	y=$(stats "$W/yamlscan" "$spec")
	printf '%-8s %-10s %-28s %-28s %sx\n' "$n" "$(wc -c < "$spec")" "$k" "$y" \
		"$(ratio "$(echo "$k" | cut -d' ' -f2)" "$(echo "$y" | cut -d' ' -f2)")"
	echo "$n $(echo "$k" | cut -d' ' -f2) $(peak "$KC" analyze -q --cold --max-input-mb 1024 --max-nodes 100000000 --max-tasks 1000000 "$spec" --csv /dev/null --dot /dev/null)" >> "$W/scaling.$$"
done
echo
echo "== scaling: time and peak memory (exponent from the first to the last size; target <= 1.1)"
awk 'NR==1 {n0=$1; t0=$2} {printf "%-8s %8.3fs %8d KiB\n", $1, $2, $3; n=$1; t=$2}
     END {if (NR > 1) printf "time exponent %.2f\n", log(t/t0)/log(n/n0)}' "$W/scaling.$$"
rm -f "$W/scaling.$$"

echo
echo "== analyze with the terminal summary (no -q), 6,000 to 30,000 tasks (time exponent; target <= 1.1)"
for n in 6000 30000; do
	spec=$W/spec-$n.yaml
	[ -f "$spec" ] || python3 tests/bench/gen.py spec "$n" "$spec"
	k=$(stats "$KC" analyze --cold --max-input-mb 1024 --max-nodes 100000000 --max-tasks 1000000 "$spec")
	printf '%-8s %-28s\n' "$n" "$k"
	echo "$n $(echo "$k" | cut -d' ' -f2)" >> "$W/summary.$$"
done
awk 'NR==1 {n0=$1; t0=$2} {n=$1; t=$2} END {printf "time exponent %.2f (medians)\n", log(t/t0)/log(n/n0)}' "$W/summary.$$"
rm -f "$W/summary.$$"
echo
# verdict RATIO TARGET: "met" or the plain gap
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {if (r <= t) print "met"; else printf "NOT MET: %.2fx over the %.1fx target\n", r / t, t}'; }
med() { echo "$1" | cut -d' ' -f2; }

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
