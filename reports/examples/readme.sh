#!/bin/sh
# Rerun the examples of README.md and rewrite them with what the current
# code prints, so every example in the README is real output.
#   sh reports/examples/readme.sh [KFPCACHE [IN [OUT]]]
# (defaults: build/kfpcache, README.md, IN rewritten in place).
# tests/sh/test_readme_examples.sh runs it into a temporary file and fails,
# naming the example, if any byte differs: after a change to what a
# command prints, rerun it and review `git diff README.md`.
#
# An example is a fenced block right after a marker line
#   <!-- example [repo=NAME] [pipe] [exit=S,S...] -->
# - a plain ``` block is a terminal transcript: each line `$ COMMAND` is
#   run on a pseudo-terminal (script(1); `pipe`: with its output to a
#   pipe instead), and the lines up to the next `$ ` are replaced by what
#   it printed, standard output and error together;
# - a ```sh block lists commands whose output is not shown: every line
#   that is not empty and not a comment is run; the block is kept as is.
# Commands run from the repository root, or with repo=NAME in a fresh copy
# of the sample repository (samples/make-sample-repo.sh NAME, the same
# commit ids on every machine), with `kfpcache` on PATH and
# `build/kfpcache` both meaning KFPCACHE; LC_ALL=C, TZ=UTC, NO_COLOR=1,
# COLUMNS=80, CI=1 (no progress line), a fresh HOME (no git
# configuration).  Each repo= block gets its own copy, so commands that
# write reports write them there.  The marker's exit= is rewritten with
# the exit statuses, one per command, when one is not 0: a status that
# changes is a difference too.  Examples at the repository root must not
# write files; one command per line (no `\` continuations).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KC=${1:-$ROOT/build/kfpcache}
IN=${2:-$ROOT/README.md}
OUT=${3:-$IN}
case $KC in /*) ;; *) KC=$(pwd)/$KC ;; esac
[ -x "$KC" ] || { echo "readme.sh: $KC: not an executable" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/home"
ln -s "$KC" "$tmp/bin/kfpcache"

# in_env CWD ARGS...: run ARGS in CWD in the examples' environment (five
# minutes at most: a hung example fails the run instead of the test).
in_env() {
	(cd "$1" && shift && exec timeout 300 env KC="$KC" PATH="$tmp/bin:$PATH" \
		HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home" SHELL=/bin/sh \
		GIT_CONFIG_NOSYSTEM=1 LC_ALL=C TZ=UTC NO_COLOR=1 COLUMNS=80 CI=1 \
		"$@") < /dev/null
}

# run_cmd CWD COMMAND [tty]: run one example command, output in $tmp/out,
# status in $status.  build/kfpcache is replaced by KFPCACHE in the text
# that runs only (the block keeps the command as written).  With tty the
# command runs on a pseudo-terminal of 80 columns (script(1), util-linux),
# as a reader typing it sees it: what kfpcache prints only on a terminal,
# standard output and error in the order they were written.
run_cmd() {
	cmd=$(printf '%s\n' "$2" | sed 's#\(^\|[ ;|&(]\)build/kfpcache#\1"$KC"#g')
	status=0
	if [ "${3:-}" = tty ]; then
		echo 127 > "$tmp/status"
		in_env "$1" script -qec "stty cols 80 rows 24 2> /dev/null; (
$cmd
)
echo \$? > '$tmp/status'" /dev/null > "$tmp/raw" 2>&1 || :
		tr -d '\r' < "$tmp/raw" > "$tmp/out"
		status=$(cat "$tmp/status")
	else
		in_env "$1" sh -c "$cmd" > "$tmp/out" 2>&1 || status=$?
	fi
}

# example_cwd OPTIONS: the directory the block's commands run in.
nrepo=0
example_cwd() {
	cwd=$ROOT how=tty
	for o in $1; do
		case $o in
		repo=*)
			nrepo=$((nrepo + 1))
			cwd=$tmp/repo$nrepo
			bash "$ROOT/samples/make-sample-repo.sh" "${o#repo=}" "$cwd" > /dev/null ;;
		exit=*) ;;
		pipe) how=pipe ;;
		*) echo "readme.sh: $IN:$lineno: unknown example option '$o'" >&2; exit 1 ;;
		esac
	done
}

# flush: print the marker (with the statuses) and the rebuilt block.
flush() {
	opts=
	for o in $marker_opts; do
		case $o in exit=*) ;; *) opts="$opts $o" ;; esac
	done
	case $statuses in *[!0,]*) opts="$opts exit=${statuses#,}" ;; esac
	printf '<!-- example%s -->\n' "$opts" >> "$tmp/new"
	cat "$tmp/block" >> "$tmp/new"
}

: > "$tmp/new"
state=text lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	case $state in
	text)
		case $line in
		'<!-- example -->'|'<!-- example '*' -->')
			marker_opts=${line#<!-- example}
			marker_opts=${marker_opts% -->}
			marker_line=$lineno
			state=fence ;;
		*) printf '%s\n' "$line" >> "$tmp/new" ;;
		esac ;;
	fence)
		case $line in
		'```') kind=transcript ;;
		'```sh') kind=commands ;;
		*) echo "readme.sh: $IN:$marker_line: an example marker must be followed by a \`\`\` or \`\`\`sh block" >&2
		   exit 1 ;;
		esac
		example_cwd "$marker_opts"
		printf '%s\n' "$line" > "$tmp/block"
		statuses= state=$kind ;;
	transcript|commands)
		if [ "$line" = '```' ]; then
			printf '%s\n' "$line" >> "$tmp/block"
			flush
			state=text
			continue
		fi
		case $state:$line in
		'transcript:$ '*)
			printf '%s\n' "$line" >> "$tmp/block"
			run_cmd "$cwd" "${line#\$ }" "$how"
			# Output read back as a command would run on the next pass.
			if grep -q '^\$ ' "$tmp/out"; then
				echo "readme.sh: $IN:$lineno: the output of '$line' has a line starting with '\$ '" >&2
				exit 1
			fi
			sed -e '$a\' "$tmp/out" >> "$tmp/block"
			statuses="$statuses,$status" ;;
		transcript:*) ;;	# the output of the previous run
		commands:|'commands:#'*)
			printf '%s\n' "$line" >> "$tmp/block" ;;
		commands:*)
			printf '%s\n' "$line" >> "$tmp/block"
			run_cmd "$cwd" "$line"
			statuses="$statuses,$status" ;;
		esac ;;
	esac
done < "$IN"
if [ "$state" != text ]; then
	echo "readme.sh: $IN:$marker_line: example block not closed" >&2
	exit 1
fi
# Output that names this machine's directories would not be the same
# after a fresh clone elsewhere.
if grep -n -F -e "$ROOT" -e "$tmp" "$tmp/new" >&2; then
	echo "readme.sh: an example prints an absolute path (above)" >&2
	exit 1
fi
cp "$tmp/new" "$OUT.tmp-readme"
mv "$OUT.tmp-readme" "$OUT"
