#!/bin/sh
# kfpcache test runner: unit binaries, fuzz corpus replays, golden cases and
# shell tests.  Ends with "N passed, N failed, N skipped".
#   KC_GOLDEN_UPDATE=1  rewrite golden expectations (make golden-update)
#   KC_VALGRIND=1       run binaries under valgrind (make valgrind)
#   KC_ONLY=pattern     only the golden/shell cases whose name matches
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export ROOT BUILD
export KFPCACHE=$BUILD/kfpcache
export CORPUS=${KFP_CORPUS_DIR:-$ROOT/../shared/kfp-corpus}
export LC_ALL=C TZ=UTC
pass=0 fail=0 skip=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ASan builds (make asan): third-party leaks are suppressed.
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

VG=""
if [ "${KC_VALGRIND:-0}" = 1 ]; then
	VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --suppressions=$ROOT/tests/valgrind.supp"
	export KFPCACHE_WRAP="$VG"
fi

count() {   # count ok/not ok/skip lines of a TAP-ish log; print failures
	p=$(grep -c '^ok ' "$1"); f=$(grep -c '^not ok ' "$1"); s=$(grep -c '^skip ' "$1")
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	grep -E '^(not ok|skip) ' "$1" | sed 's/^/  /'
}

# 1. unit tests
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	echo "== unit $name"
	(cd "$WORK" && $VG "$t") > "$WORK/log" 2> "$WORK/err"
	rc=$?
	count "$WORK/log"
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$WORK/log"; then
		echo "not ok - $name exited $rc"; fail=$((fail + 1))
	fi
	[ $rc -ne 0 ] && sed 's/^/    /' "$WORK/err" | head -40
done

# 2. fuzz targets as plain drivers replaying their corpora
for t in "$BUILD"/fuzz-replay/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	corpus=$ROOT/tests/fuzz/corpus/${name#fuzz_}
	if $VG "$t" "$corpus" > "$WORK/log" 2>&1; then
		echo "ok - replay $name"; pass=$((pass + 1))
	else
		echo "not ok - replay $name"; fail=$((fail + 1)); tail -20 "$WORK/log"
	fi
done

# 3. golden cases: tests/golden/<case>/cmd, expected stdout/stderr/exit/files
. "$ROOT/tests/lib.sh"
for d in "$ROOT"/tests/golden/*/; do
	[ -f "$d/cmd" ] || continue
	name=$(basename "$d")
	case $name in *${KC_ONLY:-}*) ;; *) continue ;; esac
	out=$WORK/golden/$name
	rm -rf "$out"; mkdir -p "$out"
	if grep -q '^# needs-corpus' "$d/cmd" && [ ! -d "$CORPUS" ]; then
		echo "skip - golden $name: ../shared/kfp-corpus not present"; skip=$((skip + 1)); continue
	fi
	(cd "$out" && OUT=$out CASE=$d sh -c ". \"$ROOT/tests/lib.sh\"; . \"$d/cmd\"" > "$out/.stdout" 2> "$out/.stderr"; echo $? > "$out/.exit")
	# Paths of this checkout are machine-specific: show them as $ROOT.
	for e in stdout stderr; do
		sed "s|$ROOT|\$ROOT|g" "$out/.$e" > "$out/.$e.tmp" && mv "$out/.$e.tmp" "$out/.$e"
	done
	if [ "${KC_GOLDEN_UPDATE:-0}" = 1 ]; then
		rm -rf "$d/expected"; mkdir -p "$d/expected"
		cp "$out/.stdout" "$d/expected/stdout"; cp "$out/.stderr" "$d/expected/stderr"
		cp "$out/.exit" "$d/expected/exit"
		for f in "$out"/*; do [ -f "$f" ] && cp "$f" "$d/expected/"; done
		echo "ok - golden $name (updated)"; pass=$((pass + 1)); continue
	fi
	ok=1
	for e in stdout stderr exit; do
		if ! diff -u "$d/expected/$e" "$out/.$e" > "$WORK/diff" 2>&1; then
			ok=0; echo "  golden $name: $e differs"; head -40 "$WORK/diff"
		fi
	done
	for f in "$d"/expected/*; do
		b=$(basename "$f")
		case $b in stdout|stderr|exit) continue ;; esac
		if ! diff -u "$f" "$out/$b" > "$WORK/diff" 2>&1; then
			ok=0; echo "  golden $name: $b differs"; head -40 "$WORK/diff"
		fi
	done
	for f in "$out"/*; do
		[ -f "$f" ] || continue
		[ -f "$d/expected/$(basename "$f")" ] || { ok=0; echo "  golden $name: unexpected output $(basename "$f")"; }
	done
	if [ $ok = 1 ]; then echo "ok - golden $name"; pass=$((pass + 1))
	else echo "not ok - golden $name"; fail=$((fail + 1)); fi
done

# 4. shell tests: each prints ok/not ok/skip lines
for t in "$ROOT"/tests/sh/test_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	case $name in *${KC_ONLY:-}*) ;; *) continue ;; esac
	echo "== $name"
	(cd "$WORK" && TMP=$WORK/$name sh "$t") > "$WORK/log" 2> "$WORK/err"
	rc=$?
	cat "$WORK/log" | grep -E '^(not ok|skip) ' | sed 's/^/  /'
	p=$(grep -c '^ok ' "$WORK/log"); f=$(grep -c '^not ok ' "$WORK/log"); s=$(grep -c '^skip ' "$WORK/log")
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ $rc -ne 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited $rc"; fail=$((fail + 1)); tail -20 "$WORK/err"
	fi
	[ "$f" != 0 ] && tail -30 "$WORK/err"
done

echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
