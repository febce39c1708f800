#!/bin/sh
# make demo: replay the bundled sample history into a git repository under
# build/, predict what its last commit does to the cache (against the
# previous version of the spec, kfpcache's default baseline), and write the
# reports under reports/demo/.
set -e
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
KC=$BUILD/kfpcache
REPO=$BUILD/demo-repo
OUT=reports/demo
rm -rf "$REPO"
bash samples/make-sample-repo.sh train "$REPO" > /dev/null
mkdir -p "$OUT"
echo "== kfpcache analyze --repo $REPO HEAD:pipelines/train.yaml"
git -C "$REPO" log --format='   %h %ad %s' --date=short -n 2
"$KC" analyze --repo "$REPO" HEAD:pipelines/train.yaml \
	--csv "$OUT/train.csv" --dot "$OUT/train.dot" --svg "$OUT/train.svg"
echo
echo "== kfpcache explain ... exit-handler-1/condition-2/for-loop-4[2]/deploy-model"
"$KC" explain --repo "$REPO" HEAD:pipelines/train.yaml \
	'exit-handler-1/condition-2/for-loop-4[2]/deploy-model' | grep -E '^(task|decision|  input:region)'
