#!/bin/sh
# make bench: kfpcache against baselines measured in the same run, on the
# same generated inputs.  Prints min/median/max over repeated runs (wall
# time, and the peak RSS of the same runs) and the ratios; the README's
# performance section quotes them.  Each target of issue 14 is printed with
# its verdict: "met" or the gap.  Wall time on a shared machine is noisy, so
# instruction counts (perf stat, else valgrind's cachegrind; skipped with a
# message when neither works) back the analyze-vs-scan and §5 ratios.
# Settings (environment):
#   BENCH_SCALE           spec sizes in tasks, smallest first (default "1000 10000 100000")
#   BENCH_REPS            runs per analyze/§5 figure (default 5)
#   BENCH_CHAIN_REPS      runs per size of the deep-chain case (default 3)
#   BENCH_HISTORY_REPS    runs per history and discovery figure (default 3)
#   BENCH_COMMITS         commits of the 300-task history (default 2000)
#   BENCH_DISCOVER_SPECS  specs of the discovery repository (default 200)
#   BENCH_DISCOVER_COMMITS commits of the discovery repository (default 3000)
#   BENCH_ICOUNT          1: count instructions (default), 0: skip them
#   KFP_CORPUS_DIR        the corpus whose largest spec §5 uses (default ../shared/kfp-corpus)
# Generated inputs are kept in BUILD/bench and reused by later runs.
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
CHAIN_REPS=${BENCH_CHAIN_REPS:-3}
cc -O2 -o "$W/yamlscan" tests/bench/yamlscan.c $(pkg-config --cflags --libs yaml-0.1)

now() { date +%s.%N; }
# mmm FILE FORMAT: "min median max" of the numbers in FILE, one a line
mmm() { sort -g "$1" | awk -v f="$2" '{a[NR]=$1} END {printf f " " f " " f "\n", a[1], a[int((NR+1)/2)], a[NR]}'; }
# stats CMD...: run REPS times, print "min median max" seconds; a program
# (not a shell function) runs under /usr/bin/time, its peak RSS of each run
# into $W/rss (rss prints "min median max" KiB)
stats() {
	i=0; : > "$W/times"; : > "$W/rss"
	case $(command -v "$1") in /*) timed=1 ;; *) timed=0 ;; esac
	while [ $i -lt "$REPS" ]; do
		t0=$(now)
		if [ $timed = 1 ]; then
			/usr/bin/time -f %M -o "$W/rss1" "$@" > /dev/null 2>&1
			tail -n 1 "$W/rss1" >> "$W/rss"
		else
			"$@" > /dev/null 2>&1
		fi
		t1=$(now)
		echo "$t1 - $t0" | bc -l >> "$W/times"; i=$((i + 1))
	done
	mmm "$W/times" %.4f
}
rss() { mmm "$W/rss" %d; }
ratio() { echo "$1 / $2" | bc -l | awk '{printf "%.2f", $1}'; }

# Instructions of one run of CMD..., or nothing when no counter works here.
ICOUNTER=none
if [ "${BENCH_ICOUNT:-1}" = 1 ]; then
	if perf stat -x, -e instructions -o "$W/ic" true > /dev/null 2>&1 &&
	   awk -F, '$3 ~ /^instructions/ && $1 ~ /^[0-9]+$/ {ok = 1} END {exit !ok}' "$W/ic"; then
		ICOUNTER=perf
	elif valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null true > /dev/null 2>&1; then
		ICOUNTER=cachegrind
	fi
fi
icount() {
	case $ICOUNTER in
	perf) perf stat -x, -e instructions -o "$W/ic" "$@" > /dev/null 2>&1
	      awk -F, '$3 ~ /^instructions/ {print $1}' "$W/ic" ;;
	cachegrind) valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 > /dev/null |
	      awk '/I +refs:/ {gsub(",", "", $NF); print $NF}' ;;
	esac
}
icount_note() {
	case $ICOUNTER in
	perf) echo "instructions: perf stat -e instructions" ;;
	cachegrind) echo "instructions: valgrind --tool=cachegrind (perf stat -e instructions is not available here)" ;;
	*) if [ "${BENCH_ICOUNT:-1}" = 1 ]; then echo "instructions: skipped: neither perf stat -e instructions nor valgrind works here"
	   else echo "instructions: skipped (BENCH_ICOUNT=0)"; fi ;;
	esac
}
giga() { awk -v n="$1" 'BEGIN {printf "%.3f G", n / 1e9}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); $(date -u +%Y-%m-%d)"
echo
LIM="--max-input-mb 1024 --max-nodes 100000000 --max-tasks 1000000"
# verdict RATIO TARGET: "met" or the gap, said plainly
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {if (r <= t) printf "met (<= %.1fx)", t; else printf "NOT MET: %.2fx over the %.1fx target", r - t, t}'; }
med() { echo "$1" | cut -d' ' -f2; }
# changed SPEC OUT: SPEC with one executor's image bumped (the warm case's one change)
changed() { sed '0,/image: /s/\(image: .*\)$/\1-bench/' "$1" > "$2"; }

# rootchange SPEC OUT: SPEC with the image of `load`, the first task, bumped:
# every other executor but the loop's reads its artifact through the chain
# of stages, so all are MISS_UPSTREAM of that one root cause
rootchange() { sed '/^    exec-load:/,/image:/s/image: alpine:3.20$/image: alpine:3.21/' "$1" > "$2"; }
# exponent FILE MODE COLUMN LABEL: the time exponent from the smallest to the largest size
exponent() {
	awk -v m="$2" -v c="$3" -v label="$4" '$2 == m {if (!n0) {n0 = $1; t0 = $c}; n = $1; t = $c}
		END {if (n > n0) {e = log(t / t0) / log(n / n0); printf "%s %d -> %d tasks: exponent %.2f", label, n0, n, e}
		else printf "%s: needs two sizes in BENCH_SCALE", label}' "$1"
}
# exponents FILE MODE LABEL: from the medians (verdict), the mins and the maxes
exponents() {
	e=$(exponent "$1" "$2" 4 "$3")
	case $e in *needs*) echo "$e"; return ;; esac
	echo "$e (medians; mins $(exponent "$1" "$2" 3 x | sed 's/.*exponent //'), maxes $(exponent "$1" "$2" 5 x | sed 's/.*exponent //'))  $(verdict "${e##* }" 1.1 | sed 's/x//g')"
}

echo "== §1 analyze (CSV + DOT + the terminal summary) vs the libyaml event scan of the same input files (target <= 2.0x)"
echo "   cold: analyze --cold SPEC; warm: analyze --baseline SPEC SPEC' (SPEC' = one image changed), scan of both files"
printf '%-8s %-5s %-10s %-26s %-26s %-6s %s\n' tasks cache bytes "kfpcache min/med/max s" "yamlscan min/med/max s" ratio verdict
# one line per run: tasks mode min med max bytes rss-min rss-med rss-max
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
		krss=$(rss)
		# shellcheck disable=SC2086
		y=$(stats "$W/yamlscan" $files)
		# shellcheck disable=SC2086
		bytes=$(cat $files | wc -c)
		r=$(ratio "$(med "$k")" "$(med "$y")")
		printf '%-8s %-5s %-10s %-26s %-26s %-6s %s\n' "$n" $mode "$bytes" "$k" "$y" "${r}x" "$(verdict "$r" 2.0)"
		echo "$n $mode $k $bytes $krss" >> "$W/scaling.$$"
	done
done
# Instructions do not depend on the machine's load: the same ratio, counted.
n=10000
spec=$W/spec-$n.yaml
[ -f "$spec" ] || python3 tests/bench/gen.py spec "$n" "$spec"
icount_note
if [ $ICOUNTER != none ]; then
	# shellcheck disable=SC2086
	ik=$(icount "$KC" analyze $LIM --cold "$spec" --csv /dev/null --dot /dev/null)
	iy=$(icount "$W/yamlscan" "$spec")
	r=$(ratio "$ik" "$iy")
	echo "$n cold: analyze $(giga "$ik"), yamlscan $(giga "$iy"), ratio ${r}x: $(verdict "$r" 2.0)"
fi
echo
echo "== §2 peak RSS of analyze (the runs of §1) vs the bytes of its input files (target <= 3.0x at 10k tasks and more)"
printf '%-8s %-5s %-30s %-10s %-6s %s\n' tasks cache "peak RSS min/med/max KiB" "input MiB" ratio verdict
while read -r n mode t1 t2 t3 bytes k1 k2 k3; do
	r=$(ratio "$((k2 * 1024))" "$bytes")
	if [ "$n" -ge 10000 ]; then v=$(verdict "$r" 3.0); else v="(no target below 10k tasks)"; fi
	printf '%-8s %-5s %-30s %-10.1f %-6s %s\n' "$n" "$mode" "$k1 $k2 $k3" "$(echo "$bytes / 1048576" | bc -l)" "${r}x" "$v"
done < "$W/scaling.$$"
echo
echo "== §4 time exponent from the smallest to the largest size, with the summary (target <= 1.1)"
for mode in cold warm; do
	exponents "$W/scaling.$$" $mode "$mode "
done
# The quadratic cause tally (every task's root causes tallied against every
# other's) shows only where one cause reaches every task through a deep chain.
echo "   deep chain: analyze --baseline SPEC SPEC'' (SPEC'' = the first task's image changed: every other task"
echo "   but the loop's MISS_UPSTREAM of that one root cause, at distances up to the task count); $CHAIN_REPS runs"
printf '%-8s %-26s %s\n' tasks "kfpcache min/med/max s" "MISS_UPSTREAM"
: > "$W/chain.$$"
REPS_ALL=$REPS
REPS=$CHAIN_REPS
for n in $SCALE; do
	spec=$W/spec-$n.yaml
	[ -f "$W/spec-$n-root.yaml" ] || rootchange "$spec" "$W/spec-$n-root.yaml"
	# shellcheck disable=SC2086
	k=$(stats "$KC" analyze $LIM --baseline "$spec" "$W/spec-$n-root.yaml" --csv /dev/null --dot /dev/null)
	# shellcheck disable=SC2086
	up=$("$KC" analyze $LIM -q --baseline "$spec" "$W/spec-$n-root.yaml" --csv - | grep -c ',MISS_UPSTREAM,upstream_artifact,load,' || true)
	printf '%-8s %-26s %s\n' "$n" "$k" "$up of $n"
	echo "$n chain $k" >> "$W/chain.$$"
done
REPS=$REPS_ALL
exponents "$W/chain.$$" chain "chain"
rm -f "$W/scaling.$$" "$W/chain.$$"

echo
CORPUS=${KFP_CORPUS_DIR:-$ROOT/../shared/kfp-corpus}
big=$(ls -S "$CORPUS"/specs/*.yaml 2>/dev/null | head -n 1 || true)
if [ -n "$big" ]; then
	echo "== §5 other commands on the largest corpus spec ($(basename "$big"), $(wc -c < "$big") bytes) vs one analyze of it (target <= 2.0x each)"
	changed "$big" "$W/corpus-changed.yaml"
	task=$("$KC" analyze --cold "$big" --csv - 2> /dev/null | sed -n '2s/,.*//p')
	printf '%-34s %-26s %-6s %-22s %-26s %s\n' command "min/med/max s" ratio verdict "instructions (ratio)" verdict
	for c in analyze lint diff compare explain; do
		case $c in
		analyze) set -- "$KC" analyze --cold "$big" --csv /dev/null --dot /dev/null; label="analyze --cold (CSV + DOT + summary)" ;;
		lint) set -- "$KC" lint "$big"; label=lint ;;
		diff) set -- "$KC" diff "$big" "$W/corpus-changed.yaml"; label="diff A A' (one image changed)" ;;
		compare) set -- "$KC" compare --cold --policy kfp-default --policy deployment-off \
			--policy run-off --policy compile-default-off "$big"; label="compare (4 policies)" ;;
		explain) set -- "$KC" explain --cold "$big" "$task"; label="explain $task" ;;
		esac
		s=$(stats "$@")
		i=$(icount "$@")
		if [ $c = analyze ]; then
			a=$s; ia=$i
			printf '%-34s %-26s %-29s %s\n' "$label" "$s" "(the baseline)" "${i:+$(giga "$i")}"
			continue
		fi
		r=$(ratio "$(med "$s")" "$(med "$a")")
		ic=
		[ -n "$i" ] && ri=$(ratio "$i" "$ia") && ic="$(giga "$i") (${ri}x)  $(verdict "$ri" 2.0)"
		printf '%-34s %-26s %-6s %-22s %s\n' "$label" "$s" "${r}x" "$(verdict "$r" 2.0)" "$ic"
	done
	icount_note
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
h1=$(stats "$KC" history -q --jobs 1 --repo "$repo" spec.yaml --csv /dev/null); h1rss=$(rss)
h2=$(stats "$KC" history -q --jobs 2 --repo "$repo" spec.yaml --csv /dev/null); h2rss=$(rss)
h4=$(stats "$KC" history -q --jobs 4 --repo "$repo" spec.yaml --csv /dev/null); h4rss=$(rss)
r1=$(ratio "$(med "$h1")" "$(med "$b")")
echo "                   min/median/max s"
echo "cat-file + scan    $b"
echo "history --jobs 1   $h1   ratio ${r1}x: $(verdict "$r1" 1.5)"
echo "history --jobs 2   $h2   speed-up $(ratio "$(med "$h1")" "$(med "$h2")")x"
echo "history --jobs 4   $h4   speed-up $(ratio "$(med "$h1")" "$(med "$h4")")x ($(nproc) cores)"
git -C "$repo" show HEAD:spec.yaml > "$W/last.yaml"
am=$(stats "$KC" analyze -q --cold "$W/last.yaml" --csv /dev/null > /dev/null; rss)
echo "peak RSS min/med/max KiB of the same runs; analyze of the last version $am"
for j in 1 2 4; do
	eval "hm=\$h${j}rss"
	rm_=$(ratio "$(med "$hm")" "$(med "$am")")
	echo "peak memory --jobs $j: history $hm, ratio ${rm_}x (medians): $(verdict "$rm_" 1.5)"
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
d1=$(stats "$KC" history -q --jobs 1 --repo "$drepo" --glob 'pipelines/**/*.yaml' --csv /dev/null); d1rss=$(rss)
d2=$(stats "$KC" history -q --repo "$drepo" --glob 'pipelines/**/*.yaml' --csv /dev/null)
rd=$(ratio "$(med "$d1")" "$(med "$df")")
echo "floor              $df"
echo "history --jobs 1   $d1   ratio ${rd}x: $(verdict "$rd" 2.0)"
echo "history (default)  $d2   ratio $(ratio "$(med "$d2")" "$(med "$df")")x"
echo "peak memory --jobs 1: min/med/max $d1rss KiB"
