#!/bin/sh
# A partial clone (git clone --filter=blob:none) leaves old blobs out and
# libgit2 cannot fetch them (issue 13, §2): history keeps a row for every
# commit, marks the rows whose version is missing (the 'error' column of the
# CSV and JSON timeline), and notes the count and the first commit; blame
# notes it too; a rename that needs a missing blob to be detected is an
# error naming the commit and the path.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
sample_repo train repo
gitp repo config uploadpack.allowfilter true
P=pipelines/train.yaml
clone() {   # $1 source, $2 destination: a blob-less clone, HEAD checked out
	rm -rf "$2"
	HOME=/nonexistent GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
		git -c protocol.file.allow=always clone -q --filter=blob:none "file://$TMP/$1" "$2" 2> clone.err
}
clone repo pc || { echo "skip - partial clone: git cannot make one here ($(head -1 clone.err))"; exit 0; }
versions=$(gitp repo log --format=%H -- "$P" | wc -l)

kc history --repo pc "$P" --no-follow --csv t.csv --json t.json -q 2> err; rc=$?
rows=$(($(wc -l < t.csv) - 1))
missing=$(grep -c 'is missing from this clone (a partial clone?)' t.csv)
first=$(gitp repo log --reverse --format=%h --abbrev=12 -- "$P" | head -1)
[ $rc -eq 3 ] && [ "$rows" -eq "$versions" ] && [ "$missing" -eq $((versions - 1)) ] \
	&& echo "ok - partial clone: every commit keeps its row, $missing marked in 'error'" \
	|| { echo "not ok - partial clone: rows ($rc, $rows rows, $missing marked, $versions commits)"; cat err >&2; }
grep -q "note: $P: $missing of $versions versions are missing from this clone (a partial clone?), the first at commit $first" err \
	&& echo "ok - partial clone: a note with the count and the first commit" \
	|| { echo "not ok - partial clone: note"; cat err >&2; }
[ "$(grep -c 'is missing from this clone' t.json)" -eq "$missing" ] \
	&& echo "ok - partial clone: the JSON timeline marks the same rows" \
	|| echo "not ok - partial clone: JSON rows"
kc blame --repo pc "$P" -q 2> err; rc=$?
[ $rc -eq 3 ] && grep -q "note: $P: $missing of $versions versions are missing" err \
	&& echo "ok - partial clone: blame notes the missing versions" \
	|| { echo "not ok - partial clone: blame ($rc)"; cat err >&2; }

# A rename with an edit: finding its source needs the old blob.
mkdir -p repo/kfp
sed 's/trainer:2.3.0/trainer:2.4.0/' repo/$P > repo/kfp/train.yaml
gitp repo rm -q "$P"
gitp repo add kfp/train.yaml
commit_at repo 2026-06-01T09:00:00+00:00 "Move and bump the trainer"
clone repo pc
id=$(gitp repo rev-parse --short=12 HEAD)
kc history --repo pc kfp/train.yaml --csv r.csv -q 2> err; rc=$?
[ $rc -eq 1 ] && [ ! -e r.csv ] && [ "$(wc -l < err)" -eq 1 ] &&
	grep -q "commit $id: following kfp/train.yaml: blob [0-9a-f]* of '$P' is missing from this clone (a partial clone?): fetch it, or use --no-follow" err \
	&& echo "ok - partial clone: rename detection names the commit and the path" \
	|| { echo "not ok - partial clone: rename detection ($rc)"; cat err >&2; }
kc history --repo pc kfp/train.yaml --no-follow --csv r.csv -q 2> /dev/null; rc=$?
[ $rc -eq 0 ] && [ "$(($(wc -l < r.csv) - 1))" -eq 1 ] \
	&& echo "ok - partial clone: --no-follow stops at the rename" \
	|| echo "not ok - partial clone: --no-follow ($rc)"
exit 0
