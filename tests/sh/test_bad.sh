#!/bin/sh
# The bad-input catalogue: tests/bad/expected.tsv lists, per input file, the
# exit status and the exact one-line stderr of
#   kfpcache analyze --cold -q tests/bad/FILE --csv OUT
# Each must finish within 5 seconds (60 under valgrind), never die by a
# signal, and leave no OUT.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP"
cd "$ROOT" || exit 1
tab=$(printf '\t')
limit=5
[ -n "${KFPCACHE_WRAP:-}" ] && limit=60     # valgrind is some 30 times slower
while IFS="$tab" read -r file want_rc want_err; do
	case $file in ''|'#'*) continue ;; esac
	rm -f "$TMP/out.csv"
	timeout $limit $KFPCACHE_WRAP "$KFPCACHE" analyze --cold -q "tests/bad/$file" --csv "$TMP/out.csv" \
		> /dev/null 2> "$TMP/err"
	rc=$?
	got=$(cat "$TMP/err")
	if [ $rc -ge 124 ]; then
		echo "not ok - bad/$file: killed or timed out (status $rc)"
	elif [ "$rc" != "$want_rc" ]; then
		echo "not ok - bad/$file: exit $rc, want $want_rc ($got)"
	elif [ "$got" != "$want_err" ]; then
		echo "not ok - bad/$file: stderr differs"; echo "  got:  $got" >&2; echo "  want: $want_err" >&2
	elif [ -e "$TMP/out.csv" ]; then
		echo "not ok - bad/$file: left an output file"
	else
		echo "ok - bad/$file"
	fi
done < tests/bad/expected.tsv
