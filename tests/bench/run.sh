#!/bin/sh
# make bench: kfpcache against baselines measured in the same run, on the
# same generated inputs.  Prints min/median/max over repeated runs and the
# ratios; the README's performance section quotes them.
#   BENCH_REPS (default 5), BENCH_HISTORY_REPS (default 3), BENCH_COMMITS (default 2000),
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
echo "== history of $COMMITS commits x 300 tasks vs git cat-file --batch + libyaml scan of the same blobs (target <= 1.5x)"
repo=$W/history-$COMMITS
[ -d "$repo" ] || python3 tests/bench/gen.py history 300 "$COMMITS" "$repo"
git -C "$repo" rev-list --first-parent HEAD | sed 's/$/:spec.yaml/' > "$W/blobs.txt"
base() { git -C "$repo" cat-file --batch < "$W/blobs.txt" | "$W/yamlscan" --batch; }
REPS=$HREPS
h=$(stats "$KC" history -q --repo "$repo" spec.yaml --csv /dev/null)
b=$(stats base)
h1=$(stats "$KC" history -q --jobs 1 --repo "$repo" spec.yaml --csv /dev/null)
echo "kfpcache history   $h   (--jobs default: $(nproc) cores, at most 4)"
echo "  with --jobs 1    $h1"
echo "cat-file + scan    $b"
echo "ratio              $(ratio "$(echo "$h" | cut -d' ' -f2)" "$(echo "$b" | cut -d' ' -f2)")x"
echo "speed-up 2 threads vs 1: $(ratio "$(echo "$h1" | cut -d' ' -f2)" "$(echo "$h" | cut -d' ' -f2)")x"
hm=$(peak "$KC" history -q --repo "$repo" spec.yaml --csv /dev/null)
git -C "$repo" show HEAD:spec.yaml > "$W/last.yaml"
am=$(peak "$KC" analyze -q --cold "$W/last.yaml" --csv /dev/null)
echo "peak memory: history ${hm} KiB, analyze of one version ${am} KiB, ratio $(ratio "$hm" "$am")x (target <= 1.5x)"
