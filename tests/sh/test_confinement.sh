#!/bin/sh
# Each outside library lives behind one module (STYLE.md, issue 11 item 3):
# its headers are included by exactly one file under analyzer/, reports/
# and include/, so no header others include carries its types; and the
# reports include no loader header, nor reach a git one through the model.
. "$ROOT/tests/lib.sh"
cd "$ROOT" || exit 1
# library, the include pattern (an extended regex), the one file allowed
while read -r lib pat allowed; do
	found=$(grep -rlE "^[[:space:]]*#[[:space:]]*include[[:space:]]*<$pat" analyzer reports include | sort | tr '\n' ' ')
	if [ "$found" = "$allowed " ]; then
		echo "ok - confinement: $lib only in $allowed"
	else
		echo "not ok - confinement: $lib included by: ${found:-nothing }(only $allowed may)"
	fi
done <<'EOF'
libgit2 git2\.h> analyzer/load/gitio.c
libcsv csv\.h> reports/csv.c
libyaml yaml\.h> analyzer/load/spec_yaml.c
cJSON (cjson/)?cJSON\.h> analyzer/load/spec_json.c
libcrypto openssl/ analyzer/base/crypto.c
graphviz (graphviz/)?(cgraph|gvc|cdt)\.h> reports/dot.c
libmariadb (mariadb/)?(mysql|errmsg|mysqld_error|mariadb_[a-z_]*)\.h> analyzer/load/cachedb.c
protobuf-c (protobuf-c/|google/protobuf/) analyzer/load/cachedb.c
EOF

direct=$(grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"load/' reports/*.c include/reports/*.h | tr '\n' ' ')
if [ -z "$direct" ]; then
	echo "ok - confinement: reports include no loader header"
else
	echo "not ok - confinement: reports include a loader header: $direct"
fi

# Through the model headers too, a report must not reach the git modules:
# the closure of the project headers the reports include, followed by grep.
quoted() { sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/include\/\1/p' "$@" 2> /dev/null; }
seen=
todo=$(quoted reports/*.c include/reports/*.h | sort -u)
while [ -n "$todo" ]; do
	next=
	for h in $todo; do
		case " $seen " in *" $h "*) continue ;; esac
		seen="$seen $h"
		[ -f "$h" ] && next="$next $(quoted "$h" | tr '\n' ' ')"
	done
	todo=$next
done
reach=
for h in $seen; do
	case $h in include/load/gitio.h|include/load/history.h) reach="$reach $h" ;; esac
	[ -f "$h" ] && grep -qE '#[[:space:]]*include[[:space:]]*<git2' "$h" && reach="$reach $h"
done
if [ -z "$reach" ]; then
	echo "ok - confinement: no report reaches a git header, directly or through the model"
else
	echo "not ok - confinement: reports reach a git header:$reach"
fi
exit 0
