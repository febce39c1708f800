#!/usr/bin/env bash
# Replay samples/history/NAME as a fresh git repository at DEST.
#
# usage: make-sample-repo.sh NAME DEST
#
#   NAME  a directory under history/ next to this script (e.g. train)
#   DEST  new or empty directory; becomes a git work tree on branch main
#
# history/NAME/commits.tsv is tab-separated with a header row; columns are
# found by name, so their order does not matter:
#
#   seq          001, 002, ... (rows are replayed in file order, oldest first)
#   author_date  strict ISO 8601 with offset, e.g. 2026-02-03T10:14:07+01:00
#   author_name  author name (the e-mail is a fixed placeholder)
#   subject      commit message (one line)
#   path         where the file lives in the replayed tree; a different path
#                than the previous row's moves the file
#   file         the NNN.yaml under history/NAME holding the bytes at that
#                commit; empty means the file is deleted in that commit
#   blob         optional: expected git blob id of those bytes, checked after
#                the commit
#
# One commit per row.  The committer is fixed (kfpcache samples
# <samples@kfpcache.invalid>), the committer date equals the author date and
# the caller's git configuration is ignored, so every run on every machine
# gives the same commit ids.  A map seq -> commit -> path is written to
# DEST/.git/kfpcache-samples-map.tsv (not part of the work tree).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() {
  local d names=""
  for d in "$here"/history/*/commits.tsv; do
    [ -f "$d" ] || continue
    d=${d%/commits.tsv}
    names="$names ${d##*/}"
  done
  echo "usage: $0 NAME DEST   (NAME one of:${names:- none})" >&2
  exit 2
}
[ $# -eq 2 ] || usage
name=$1 dest=$2
case "$name" in */*|.|..|"") usage ;; esac
hist=$here/history/$name
[ -f "$hist/commits.tsv" ] || { echo "no history named '$name'" >&2; usage; }
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
  echo "DEST '$dest' exists and is not empty" >&2
  exit 2
fi

# Isolate git from the caller's configuration and environment.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
      GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL \
      GIT_COMMITTER_DATE GIT_TEMPLATE_DIR
fakehome=$(mktemp -d)
trap 'rm -rf "$fakehome"' EXIT
export HOME=$fakehome XDG_CONFIG_HOME=$fakehome GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
       LC_ALL=C TZ=UTC
export GIT_COMMITTER_NAME="kfpcache samples" GIT_COMMITTER_EMAIL="samples@kfpcache.invalid"
author_email="noreply@kfpcache.invalid"

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
git -c init.defaultBranch=main init -q --template= "$dest"
git -C "$dest" symbolic-ref HEAD refs/heads/main
g() { git -C "$dest" -c core.autocrlf=false -c core.safecrlf=false -c commit.gpgsign=false \
          -c core.fileMode=true -c core.quotePath=false "$@"; }

# Column positions by header name.  \037 instead of tab: bash `read` would
# merge consecutive tabs (empty fields).
IFS=$'\037' read -r -a header < <(head -n 1 "$hist/commits.tsv" | tr -d '\r' | tr '\t' '\037')
col() {
  local i
  for i in "${!header[@]}"; do
    if [ "${header[$i]}" = "$1" ]; then echo "$i"; return 0; fi
  done
  [ "${2:-}" = optional ] && { echo -1; return 0; }
  echo "commits.tsv: no column '$1'" >&2
  exit 1
}
c_seq=$(col seq)
c_date=$(col author_date)
c_author=$(col author_name)
c_subject=$(col subject)
c_path=$(col path)
c_file=$(col file)
c_blob=$(col blob optional)
field() { if [ "$1" -ge 0 ]; then printf '%s' "${row[$1]:-}"; fi; }

map=$dest/.git/kfpcache-samples-map.tsv
printf 'seq\tcommit\tpath\n' > "$map"
cur=""    # path of the file in the replayed tree ("" when absent)
n=0
while IFS=$'\037' read -r -a row; do
  seq=$(field "$c_seq")
  [ -n "$seq" ] || continue
  date=$(field "$c_date") author=$(field "$c_author") subject=$(field "$c_subject")
  path=$(field "$c_path") file=$(field "$c_file") blob=$(field "$c_blob")
  case "$path" in /*|*..*|"") echo "seq $seq: bad path '$path'" >&2; exit 1 ;; esac
  if [ -z "$file" ]; then
    if [ -n "$cur" ]; then g rm -q -- "$cur"; fi
    cur=""
  else
    [ -f "$hist/$file" ] || { echo "seq $seq: missing $hist/$file" >&2; exit 1; }
    if [ -n "$cur" ] && [ "$cur" != "$path" ]; then g rm -q -- "$cur"; fi
    mkdir -p "$dest/$(dirname -- "$path")"
    cp -- "$hist/$file" "$dest/$path"
    chmod 644 "$dest/$path"
    g add -- "$path"
    cur=$path
  fi
  GIT_AUTHOR_NAME=$author GIT_AUTHOR_EMAIL=$author_email GIT_AUTHOR_DATE=$date \
  GIT_COMMITTER_DATE=$date \
    g commit -q --no-verify --allow-empty --allow-empty-message -m "$subject"
  if [ -n "$cur" ] && [ -n "$blob" ]; then
    got=$(g rev-parse "HEAD:$cur")
    if [ "$got" != "$blob" ]; then
      echo "seq $seq: replayed blob $got != expected $blob" >&2
      exit 1
    fi
  fi
  printf '%s\t%s\t%s\n' "$seq" "$(g rev-parse HEAD)" "$cur" >> "$map"
  n=$((n + 1))
done < <(tail -n +2 "$hist/commits.tsv" | tr -d '\r' | tr '\t' '\037')

echo "$name: $n commits replayed into $dest (HEAD $(g rev-parse HEAD), file ${cur:-<deleted>})"
