#!/bin/sh
# --follow lists the commits `git log --follow` lists (issue 13, §1): 200
# seeded random linear histories compared commit for commit with the local
# git; the rename and copy shapes that decide a lineage, built by hand; two
# real lineages of ../shared/kfp-corpus (flip_coin, pipeline_with_volume_
# no_cache) replayed with their copies kept (skipped without the corpus).
# tests/sh/follow_diff.py does the work; it needs python3 and git.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
if ! command -v python3 > /dev/null 2>&1 || ! command -v git > /dev/null 2>&1; then
	echo "skip - follow: python3 or git is not installed"
	exit 0
fi
# Throw-away repositories on tmpfs when there is one: fast-import and rm -r
# on a slow disk are most of the run.
W=$TMP
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	W=$(mktemp -d /dev/shm/kfpcache-follow.XXXXXX) || W=$TMP
fi
F=$ROOT/tests/sh/follow_diff.py
python3 "$F" random "$KFPCACHE" "$W" 1 200 || echo "not ok - follow: follow_diff.py random failed"
python3 "$F" shapes "$KFPCACHE" "$W" || echo "not ok - follow: follow_diff.py shapes failed"
if [ -d "$CORPUS/history" ]; then
	python3 "$F" lineage "$KFPCACHE" "$W" "$CORPUS" flip_coin pipeline_with_volume_no_cache \
		|| echo "not ok - follow: follow_diff.py lineage failed"
else
	echo "skip - follow lineages: ../shared/kfp-corpus not present"
fi
[ "$W" = "$TMP" ] || rm -rf "$W"
exit 0
