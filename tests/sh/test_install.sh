#!/bin/sh
# make install into a temporary prefix: the binary, the man page (man -l
# renders it without warnings and it documents every command and option of
# the built binary) and the bash completion (it loads, and completes the
# commands, each command's options and their choice lists).  --version and
# help COMMAND.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
P=$TMP/prefix
# The build folder as the Makefile names it (relative to the root when inside
# it): an absolute name would be other targets for the same objects, and
# their rebuilt .d files would name absolute targets a plain make ignores.
B=${BUILD#"$ROOT"/}

if make -s -C "$ROOT" BUILD="$B" PREFIX="$P" install > install.log 2>&1; then
	echo "ok - install: make install PREFIX=..."
else
	echo "not ok - install: make install PREFIX=..."; cat install.log >&2
	exit 0
fi
for f in bin/kfpcache share/man/man1/kfpcache.1 share/bash-completion/completions/kfpcache; do
	[ -s "$P/$f" ] || echo "not ok - install: $f missing"
done
KC=$P/bin/kfpcache

# --version, help COMMAND.
if "$KC" --version | grep -Eq '^kfpcache [0-9]+\.[0-9]+\.[0-9]+$' &&
	"$KC" help analyze > help.txt && "$KC" analyze --help > help2.txt && cmp -s help.txt help2.txt &&
	grep -q -- '--html FILE' help.txt; then
	echo "ok - install: --version, help COMMAND"
else
	echo "not ok - install: --version, help COMMAND"
fi

# The man page.
if ! command -v man > /dev/null || ! command -v groff > /dev/null; then
	[ "$(id -u)" = 0 ] && sh "$ROOT/tests/deps.sh" --quiet man-db groff-base > /dev/null 2>&1
fi
if ! command -v man > /dev/null || ! command -v groff > /dev/null; then
	echo "skip - install: man -l: man-db/groff not installed (tests/deps.sh man-db groff-base)"
else
	if MANWIDTH=100 MAN_KEEP_FORMATTING= man -l "$P/share/man/man1/kfpcache.1" > man.txt 2> man.err &&
		[ ! -s man.err ] && grep -q '^NAME' man.txt && grep -q 'EXIT STATUS' man.txt; then
		echo "ok - install: man -l renders kfpcache.1 without warnings"
	else
		echo "not ok - install: man -l renders kfpcache.1 without warnings"; cat man.err >&2
	fi
	# Every command and every option of its help is in the page.
	missing=
	for c in $("$KC" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
		grep -q "^   $c " man.txt || missing="$missing $c"
		for o in $("$KC" help "$c" | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z0-9-]*\).*/\2/p'); do
			grep -q -- "$o" man.txt || missing="$missing $c:$o"
		done
	done
	[ -z "$missing" ] && echo "ok - install: the man page documents every command and option" \
		|| echo "not ok - install: the man page lacks:$missing"
fi

# The completion.
if ! command -v bash > /dev/null; then
	echo "skip - install: completion: bash not installed"
	exit 0
fi
C=$P/share/bash-completion/completions/kfpcache
if bash -c ". '$C' && complete -p kfpcache" > complete.txt 2>&1 && grep -q -- '-F _kfpcache kfpcache' complete.txt; then
	echo "ok - install: the completion script loads"
else
	echo "not ok - install: the completion script loads"; cat complete.txt >&2
fi
# comp WORD...: what completing the last word offers.
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kfpcache; printf "%s\n" "${COMPREPLY[@]}"' \
		comp "$C" "$@" | sort | tr '\n' ' '
}
ok=1
[ "$(comp kfpcache an)" = "analyze " ] || ok=0
[ "$(comp kfpcache help hi)" = "history " ] || ok=0
[ "$(comp kfpcache analyze --ht)" = "--html " ] || ok=0
[ "$(comp kfpcache history --cache-model '')" = "cumulative previous " ] || ok=0
[ "$(comp kfpcache analyze --global-cache o)" = "off on " ] || ok=0
for c in $("$KC" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
	want=$("$KC" help "$c" | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z0-9-]*\).*/\2/p' | sort | tr '\n' ' ')
	got=$(comp kfpcache "$c" -- | tr ' ' '\n' | grep '^--' | sort | tr '\n' ' ')
	[ "$want" = "$got" ] || { ok=0; echo "$c: completes '$got', want '$want'" >&2; }
done
[ $ok = 1 ] && echo "ok - install: completion of commands, options and choices" \
	|| echo "not ok - install: completion of commands, options and choices"
exit 0
