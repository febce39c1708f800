#!/bin/sh
# Check the Debian packages kfpcache needs; install the missing ones when run
# as root (apt-get update once, then apt-get install -y), else print the exact
# command.  --quiet prints nothing when all are present.
# Extra packages can be requested: tests/deps.sh --quiet graphviz valgrind
quiet=0
[ "$1" = "--quiet" ] && { quiet=1; shift; }
need="build-essential pkg-config git libgit2-dev libcjson-dev libcsv-dev libgraphviz-dev libyaml-dev libssl-dev libmariadb-dev libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev graphviz $*"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	[ $quiet = 1 ] || echo "kfpcache: all build dependencies are installed"
	exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "kfpcache: installing missing Debian packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 && apt-get install -y -qq $missing >&2 || {
		echo "kfpcache: apt-get install failed for:$missing" >&2; exit 1; }
	exit 0
fi
echo "kfpcache: missing Debian packages:$missing" >&2
echo "kfpcache: run as root: apt-get update && apt-get install -y$missing" >&2
exit 1
