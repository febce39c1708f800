#!/bin/sh
# Regenerate reports/examples/: what kfpcache writes for the bundled samples,
# so a reader of the repository sees real output.
#   sh reports/examples/regen.sh [KFPCACHE [OUTDIR]]
# (defaults: build/kfpcache, reports/examples).  tests/sh/test_examples.sh
# runs it into a temporary directory and fails if any byte differs from the
# committed files: rerun it and review the diff when a report changes.
#
#   train.{csv,dot,svg,md,json,html}  analyze samples/pipelines/train.yaml
#       against the cache of samples/history/train/006.yaml (-o: every format)
#   timeline.{csv,json,svg,html}      history of pipelines/train.yaml in the
#       sample repository (samples/history/train replayed into git)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KC=${1:-$ROOT/build/kfpcache}
OUT=${2:-$ROOT/reports/examples}
case $KC in /*) ;; *) KC=$(pwd)/$KC ;; esac
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
export LC_ALL=C TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT"

# Relative names: the reports name the spec as it was given.
cd "$ROOT"
"$KC" analyze -q --baseline samples/history/train/006.yaml samples/pipelines/train.yaml -o "$OUT"

bash samples/make-sample-repo.sh train "$tmp/repo" > /dev/null
"$KC" history -q --repo "$tmp/repo" pipelines/train.yaml \
	--csv "$OUT/timeline.csv" --json "$OUT/timeline.json" \
	--plot "$OUT/timeline.svg" --html "$OUT/timeline.html"
