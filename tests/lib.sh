# Shared shell helpers for golden cases and shell tests.
# kc: run kfpcache (under valgrind when KC_VALGRIND=1).
kc() { ${KFPCACHE_WRAP:-} "$KFPCACHE" "$@"; }
# sample_repo NAME DEST: replay samples/history/NAME as a git repository.
sample_repo() { bash "$ROOT/samples/make-sample-repo.sh" "$1" "$2" > /dev/null; }
# corpus_repo NAME DEST: replay ../shared/kfp-corpus/history/NAME.
corpus_repo() { bash "$CORPUS/make-history-repo.sh" "$1" "$2" > /dev/null; }
# gitp DIR ARGS...: git with the caller's configuration ignored and a fixed
# identity, so commits made by tests have stable ids (set GIT_*_DATE).
gitp() {
	d=$1; shift
	HOME=/nonexistent GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
	GIT_AUTHOR_NAME="kfpcache tests" GIT_AUTHOR_EMAIL=tests@kfpcache.invalid \
	GIT_COMMITTER_NAME="kfpcache tests" GIT_COMMITTER_EMAIL=tests@kfpcache.invalid \
	git -C "$d" -c commit.gpgsign=false "$@"
}
# commit_at DIR DATE MESSAGE: commit everything staged at a pinned date.
commit_at() {
	GIT_AUTHOR_DATE=$2 GIT_COMMITTER_DATE=$2 gitp "$1" commit -q --no-verify -m "$3"
}
