#!/bin/sh
# Every real spec of ../shared/kfp-corpus loads and analyzes cold and against
# itself; a spec KFP rejects gets one clear line and exit 1; nothing crashes.
# Against itself, no task may MISS for a reason other than a per-run value
# or a kind KFP never caches (deletepvc).
. "$ROOT/tests/lib.sh"
if [ ! -d "$CORPUS/specs" ]; then
	echo "skip - corpus specs: ../shared/kfp-corpus not present"
	exit 0
fi
mkdir -p "$TMP" && cd "$TMP" || exit 1
# Under valgrind (make valgrind) only the specs up to KC_CORPUS_MAX_KB (10 by
# default there) run, and every one KFP rejects; KC_CORPUS_MAX_KB=0 runs all.
max_kb=${KC_CORPUS_MAX_KB:-0}
[ -n "${KFPCACHE_WRAP:-}" ] && max_kb=${KC_CORPUS_MAX_KB:-10}
skipped=0
# Specs KFP itself rejects, with the reason we must give.
rejected() {
	case $1 in
	no_name.yaml) echo "missing pipelineInfo.name" ;;
	pipeline_with_parallelfor_list_artifacts_GH-12033.yaml) echo "KFP rejects artifactIterator" ;;
	*) echo "" ;;
	esac
}
for f in "$CORPUS"/specs/*; do
	b=$(basename "$f")
	want=$(rejected "$b")
	if [ "$max_kb" -gt 0 ] && [ -z "$want" ] && [ "$(wc -c < "$f")" -gt $((max_kb * 1024)) ]; then
		skipped=$((skipped + 1))
		continue
	fi
	for mode in cold self; do
		if [ $mode = cold ]; then set -- --cold; else set -- --baseline "$f"; fi
		timeout 60 $KFPCACHE_WRAP "$KFPCACHE" analyze -q "$@" "$f" --csv out.csv > /dev/null 2> err
		rc=$?
		if [ -n "$want" ]; then
			if [ $rc -eq 1 ] && grep -q "$want" err && [ "$(grep -vc '^kfpcache: note:' err)" -eq 1 ]; then
				echo "ok - corpus $b $mode: rejected with a clear error"
			else
				echo "not ok - corpus $b $mode: want exit 1 and '$want', got $rc"; cat err >&2
			fi
		elif [ $rc -ne 0 ]; then
			echo "not ok - corpus $b $mode: exit $rc"; cat err >&2
		elif [ $mode = self ] && grep ',MISS,' out.csv | grep -v ',MISS,run_unique:\|,MISS,never_cached:' | grep -q .; then
			echo "not ok - corpus $b self: a MISS that is not per-run"; grep ',MISS,' out.csv >&2
		else
			echo "ok - corpus $b $mode"
		fi
	done
done
[ $skipped -eq 0 ] || echo "skip - corpus: $skipped specs over $max_kb KB not run under valgrind (KC_CORPUS_MAX_KB)"
