# Shared shell helpers for golden cases and shell tests.
# kc: run kfpcache (under valgrind when KC_VALGRIND=1).
kc() { ${KFPCACHE_WRAP:-} "$KFPCACHE" "$@"; }
# sample_repo NAME DEST: replay samples/history/NAME as a git repository.
sample_repo() { bash "$ROOT/samples/make-sample-repo.sh" "$1" "$2" > /dev/null; }
# corpus_repo NAME DEST: replay ../shared/kfp-corpus/history/NAME.
corpus_repo() { bash "$CORPUS/make-history-repo.sh" "$1" "$2" > /dev/null; }
