#!/bin/sh
# run-fuzz.sh SECONDS [NAME...] - build every tests/fuzz/fuzz_NAME.c with
# clang libFuzzer, ASan and UBSan (arena debug: one malloc per allocation)
# into build/fuzz/, then run each for SECONDS on a copy of its seed corpus
# tests/fuzz/corpus/NAME/.  New inputs accumulate in build/fuzz/corpus-NAME,
# findings land in build/fuzz/crash-NAME-*.  Exits 1 on any finding.
#   make fuzz FUZZ_SECONDS=N     the same, for every target
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
secs=${1:-60}
[ $# -gt 0 ] && shift
OUT=build/fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

command -v clang > /dev/null || { echo "run-fuzz: clang is needed (apt-get install clang)" >&2; exit 1; }
# The library objects come from the Makefile, instrumented for coverage
# (warnings stay warnings: clang's set differs from the compiler of record).
mk() {
	make -s --no-print-directory BUILD=$OUT/lib CC=clang WERROR=0 \
		OPT="-O1 -g $SAN -fsanitize=fuzzer-no-link" EXTRA_CFLAGS=-DKC_ARENA_DEBUG "$@"
}
mk fuzz-lib || exit 1
eval "$(mk fuzz-vars)"

names=$*
[ -n "$names" ] || names=$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')
for n in $names; do
	[ -f "tests/fuzz/fuzz_$n.c" ] || { echo "run-fuzz: no target tests/fuzz/fuzz_$n.c" >&2; exit 1; }
	# shellcheck disable=SC2086 # the flags are word lists
	clang $CFLAGS -fsanitize=fuzzer -o "$OUT/fuzz_$n" "tests/fuzz/fuzz_$n.c" $LIB_OBJ $LDLIBS || exit 1
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for n in $names; do
	corpus=$OUT/corpus-$n
	mkdir -p "$corpus"
	cp tests/fuzz/corpus/"$n"/* "$corpus"/
	old=$(ls "$OUT" | grep -c "^crash-$n-")
	"$OUT/fuzz_$n" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$OUT/crash-$n-" "$corpus" \
		> "$OUT/fuzz_$n.log" 2>&1
	rc=$?
	new=$(ls "$OUT" | grep -c "^crash-$n-")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/fuzz_$n.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/fuzz_$n.log")
	added=$(sed -n 's/^stat::new_units_added: *//p' "$OUT/fuzz_$n.log")
	cov=$(grep -o 'cov: [0-9]*' "$OUT/fuzz_$n.log" | tail -1)
	echo "fuzz_$n: ${execs:-?} execs in ${secs}s (${rate:-?}/s), $cov, ${added:-?} new inputs, $(ls "$corpus" | wc -l) in corpus"
	if [ $rc -ne 0 ] || [ "$new" -gt "$old" ]; then
		status=1
		echo "  FINDING (exit $rc): see $OUT/fuzz_$n.log"
		ls "$OUT" | grep "^crash-$n-" | sed "s|^|  $OUT/|"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$OUT/fuzz_$n.log" | head -5 | sed 's/^/  /'
	fi
done
exit $status
