#!/bin/sh
# The architecture the README draws, checked on the sources: every include
# goes to the file's own layer or one below it (base < load < model <
# reports < cmd), no two modules include each other in a circle, commands
# do not call each other, and the exit statuses are defined in one header.
. "$ROOT/tests/lib.sh"
CHECK=$ROOT/tests/sh/layers_check.py
if ! command -v python3 > /dev/null; then
	echo "skip - layers: python3 not installed"
	exit 0
fi
python3 "$CHECK" --self-test > /dev/null 2>&1 && echo "ok - layers: the checker finds a planted circle and an upward arrow" \
	|| echo "not ok - layers: the checker's self-test"
if out=$(python3 "$CHECK" "$ROOT" 2>/dev/null); then
	echo "ok - layers: no upward include, no circle between modules"
else
	echo "not ok - layers: $(echo "$out" | head -5 | tr '\n' ';')"
fi

# A command file includes no other command's file and calls no cmd_* entry
# point but the shared layer's (cmd_args, cmd_fail, ...).
shared='cmd_args|cmd_parse|cmd_fail|cmd_usage|cmd_usage_error|cmd_claims_check|cmd_gate_exit|cmd_gating_ready|cmd_on_stdout|cmd_write_timeline|cmd_note_missing_blobs|cmd_color_mode|cmd_color_on'
bad=
for f in "$ROOT"/analyzer/cmd/*.c; do
	n=$(basename "$f" .c)
	case $n in main|common|gating) continue ;; esac
	calls=$(grep -oE '\bcmd_[a-z_]+\(' "$f" | tr -d '(' | sort -u | grep -vxE "$shared|cmd_$n")
	[ -z "$calls" ] || bad="$bad $n:$calls"
done
[ -z "$bad" ] && echo "ok - layers: commands do not call each other" \
	|| echo "not ok - layers: commands call each other:$bad"

defs=$(grep -rlE '^#define EXIT_[A-Z]+ ' "$ROOT/analyzer" "$ROOT/include" "$ROOT/reports")
[ "$defs" = "$ROOT/include/cmd/exit.h" ] && echo "ok - layers: exit statuses in include/cmd/exit.h only" \
	|| echo "not ok - layers: EXIT_ defined in: $defs"
