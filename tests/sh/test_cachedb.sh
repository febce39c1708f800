#!/bin/sh
# --cache-db against a real MariaDB server: a throwaway one in a temp folder
# (unix socket, no network), filled by tests/sh/cachedb_seed.sh with the rows
# KFP's launcher, API server and MLMD write.  Checks exact HIT/MISS for
# static tasks, fingerprints chained through a HIT producer's parameter and
# artifact, namespace and pipeline-name scoping (case-insensitive, as
# MySQL's collation makes KFP's lookup), newest-row selection with equal
# timestamps, the least-privilege user, that no password reaches any
# output, and every error (one line, exit 1, no report written).
# Skips, saying so, when mariadb-server is not installed.
. "$ROOT/tests/lib.sh"
. "$ROOT/tests/sh/cachedb_seed.sh"

for b in mariadbd mariadb-install-db mariadb python3; do
	if ! command -v $b > /dev/null 2>&1; then
		echo "skip - cachedb: $b not installed (apt-get install mariadb-server python3)"
		exit 0
	fi
done
D=$(mktemp -d /tmp/kc-db.XXXXXX)
SOCK=$D/sock
stop() {
	if [ -f "$D/pid" ]; then
		kill "$(cat "$D/pid")" 2>/dev/null
		i=0; while [ -f "$D/pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	fi
	rm -rf "$D"
}
trap stop EXIT
trap 'exit 1' INT TERM

t0=$(date +%s)
if ! mariadb-install-db --no-defaults --datadir="$D/data" --auth-root-authentication-method=normal \
	--skip-test-db --skip-name-resolve > "$D/install.log" 2>&1; then
	echo "skip - cachedb: mariadb-install-db failed: $(tail -1 "$D/install.log")"
	exit 0
fi
mariadbd --no-defaults --datadir="$D/data" --socket="$SOCK" --skip-networking \
	--pid-file="$D/pid" --log-error="$D/server.log" --user="$(id -un)" \
	--innodb-buffer-pool-size=16M --skip-log-bin > /dev/null 2>&1 &
i=0
until mariadb --no-defaults -S "$SOCK" -u root -e 'SELECT 1' > /dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 150 ]; then
		echo "not ok - cachedb: the server did not start in 15 s: $(tail -2 "$D/server.log")"
		exit 0
	fi
	sleep 0.1
done
echo "ok - cachedb: server up in $(( $(date +%s) - t0 )) s"
sql() { mariadb --no-defaults -S "$SOCK" -u root "$@"; }

SPEC=$ROOT/tests/fixtures/live-chain.yaml
fp() {  # fp TASK [--input ...]: the fingerprint kfpcache computes with pinned inputs
	task=$1; shift
	kc fingerprint "$@" "$SPEC" | awk -F, -v t="$task" '$1 == t { print $5 }'
}
FP_PREP=$(fp prep)
FP_SOLO=$(fp solo)
# prep's newest entry (2b: equal CreatedTimestamp, larger UUID) produced artifact 103.
FP_TRAIN=$(fp train --input train:data=103 --input train:rows=1000)
FP_TRAIN_OLD=$(fp train --input train:data=102 --input train:rows=1000)
FP_EVAL=$(fp evaluate --input evaluate:model=201)
[ -n "$FP_PREP" ] && [ -n "$FP_TRAIN" ] && [ -n "$FP_EVAL" ] &&
	echo "ok - cachedb: pinned fingerprints" || echo "not ok - cachedb: pinned fingerprints"

{
	seed_schema
	seed_schema_contexts
	seed_run run-a kubeflow
	seed_run run-b team-b
	seed_run run-c team-c
	# prep ran three times: the lookup must take 2b (newest, then UUID DESC).
	seed_execution 11 "$FP_PREP" '{"rows": 1000}' dataset=101
	seed_execution 12 "$FP_PREP" '{"rows": 1000}' dataset=102
	# A long `outputs` value (over the first fetch buffer: cachedb.c fetches it whole).
	seed_execution 13 "$FP_PREP" "{\"rows\": 1000, \"notes\": \"$(printf '%0600d' 0)\"}" dataset=103
	seed_entry e-prep-1 run-a kubeflow live-chain "$FP_PREP" 11 1700000100
	# 2b before 2a, so no insertion or scan order can stand in for UUID DESC.
	seed_entry e-prep-2b run-a kubeflow live-chain "$FP_PREP" 13 1700000200
	seed_entry e-prep-2a run-a kubeflow live-chain "$FP_PREP" 12 1700000200
	seed_execution 21 "$FP_TRAIN" '' model=201
	seed_entry e-train run-a kubeflow live-chain "$FP_TRAIN" 21 1700000300
	# An entry keyed by prep's older artifact: serves no one now.
	seed_execution 22 "$FP_TRAIN_OLD" '' model=202
	seed_entry e-train-old run-a kubeflow live-chain "$FP_TRAIN_OLD" 22 1700000250
	# solo: in another namespace, and under another pipeline name.
	seed_execution 31 "$FP_SOLO"
	seed_entry e-solo-b run-b team-b live-chain "$FP_SOLO" 31 1700000400
	seed_entry e-solo-other run-a kubeflow other-pipeline "$FP_SOLO" 31 1700000400
	seed_entry e-solo-c run-c team-c LIVE-CHAIN "$FP_SOLO" 31 1700000400
	# The persistence agent's rows carry no fingerprint: never an entry.
	seed_agent_row e-agent run-a kubeflow live-chain 41
	echo "CREATE USER 'kfpcache'@'localhost' IDENTIFIED BY 'sekret-pw';"
	echo "GRANT SELECT ON mlpipeline.tasks TO 'kfpcache'@'localhost';"
	echo "GRANT SELECT ON metadb.* TO 'kfpcache'@'localhost';"
	echo "CREATE DATABASE emptydb;"
	echo "CREATE DATABASE oldkfp;"
	echo "CREATE TABLE oldkfp.tasks (UUID varchar(191) PRIMARY KEY, Namespace varchar(255), PipelineName varchar(255), RunUUID varchar(191), MLMDExecutionID varchar(255), CreatedTimestamp bigint);"
} > "$D/seed.sql"
if sql < "$D/seed.sql" 2> "$D/seed.err"; then
	echo "ok - cachedb: seeded"
else
	echo "not ok - cachedb: seed failed: $(head -3 "$D/seed.err")"
	exit 0
fi

URL="mysql://kfpcache@localhost/?socket=$SOCK"
ROOTURL="mysql://root@localhost/?socket=$SOCK"
export KFPCACHE_DB_PASSWORD=sekret-pw

# check NAME FILE TASK DECISION [REASON]: one row of an analyze CSV.
check() {
	row=$(awk -F, -v t="$3" '$1 == t { print $9 "," $10 }' "$2")
	if [ "$row" = "$4,${5:-}" ]; then echo "ok - cachedb: $1: $3 $4 ${5:-}"
	else echo "not ok - cachedb: $1: $3 is '$row', expected '$4,${5:-}'"; fi
}
fpcol() { awk -F, -v t="$2" '$1 == t { print $13 }' "$1"; }

# 1. the default namespace: prep hits (newest row), train's fingerprint is
#    exact through prep's cached parameter and artifact and hits, evaluate's
#    is exact and misses; solo's entries are in other scopes.
kc analyze --cache-db "$URL" --csv "$D/a.csv" "$SPEC" > "$D/a.out" 2> "$D/a.err"
rc=$?
[ $rc = 0 ] && echo "ok - cachedb: analyze exits 0" || echo "not ok - cachedb: analyze exit $rc: $(cat "$D/a.err")"
check default "$D/a.csv" prep HIT
check default "$D/a.csv" train HIT
check default "$D/a.csv" evaluate MISS cold_cache
check default "$D/a.csv" solo MISS cold_cache
[ "$(fpcol "$D/a.csv" train)" = "$FP_TRAIN" ] && echo "ok - cachedb: train's chained fingerprint equals the pinned one" ||
	echo "not ok - cachedb: train's fingerprint '$(fpcol "$D/a.csv" train)' is not '$FP_TRAIN'"
[ "$(fpcol "$D/a.csv" evaluate)" = "$FP_EVAL" ] && echo "ok - cachedb: evaluate's chained fingerprint equals the pinned one" ||
	echo "not ok - cachedb: evaluate's fingerprint '$(fpcol "$D/a.csv" evaluate)' is not '$FP_EVAL'"
# Source line: host, databases, namespace, time, entries (5 with a fingerprint; the agent row is not one).
if grep -Eq "^cache: live cache localhost \(socket $SOCK\), databases mlpipeline and metadb, namespace kubeflow, read 20[0-9-]+T[0-9:]+Z: 5 entries in scope pipeline/live-chain$" "$D/a.out"; then
	echo "ok - cachedb: the summary says where the state came from"
else
	echo "not ok - cachedb: summary source line: $(grep '^cache' "$D/a.out")"
fi

# 2. explain names the cached execution, its run and age; the newest row wins.
kc explain --cache-db "$URL" "$SPEC" prep > "$D/e.out" 2>&1
grep -q "entry e-prep-2b, execution 13 of run run-a" "$D/e.out" &&
	echo "ok - cachedb: newest row with equal timestamps: UUID DESC" ||
	echo "not ok - cachedb: explain prep: $(grep 'live cache' "$D/e.out")"
kc explain --cache-db "$URL" "$SPEC" train > "$D/e2.out" 2>&1
grep -q "execution 21 of run run-a, created [0-9]* s before the read" "$D/e2.out" &&
	echo "ok - cachedb: explain names execution, run and age" ||
	echo "not ok - cachedb: explain train: $(grep 'live cache' "$D/e2.out")"

# 3. namespace scoping: team-b holds solo's entry only; prep runs there, so
#    train and evaluate stay symbolic (new artifacts).
kc analyze --cache-db "$URL" --namespace team-b --csv "$D/b.csv" "$SPEC" > /dev/null 2>&1
check team-b "$D/b.csv" solo HIT
check team-b "$D/b.csv" prep MISS cold_cache
check team-b "$D/b.csv" train MISS_UPSTREAM upstream_artifact
check team-b "$D/b.csv" evaluate MISS_UPSTREAM upstream_artifact
# 4. pipeline name: MySQL's _ci collation makes 'pipeline/LIVE-CHAIN' match.
kc analyze --cache-db "$URL" --namespace team-c --csv "$D/c.csv" "$SPEC" > /dev/null 2>&1
check "team-c (case-insensitive name)" "$D/c.csv" solo HIT

# 5. passwords: from a MySQL option file; in the URL (a warning); never printed.
printf '[client]\npassword=sekret-pw\n' > "$D/my.cnf"
env -u KFPCACHE_DB_PASSWORD "$KFPCACHE" analyze --cache-db "$URL" --cache-db-defaults-file "$D/my.cnf" \
	--csv "$D/f.csv" "$SPEC" > "$D/f.out" 2> "$D/f.err"
check "defaults file" "$D/f.csv" prep HIT
env -u KFPCACHE_DB_PASSWORD "$KFPCACHE" analyze --cache-db "mysql://kfpcache:sekret-pw@localhost/?socket=$SOCK" \
	--json "$D/u.json" "$SPEC" > "$D/u.out" 2> "$D/u.err"
grep -q "warning: --cache-db: the URL holds a password" "$D/u.err" &&
	echo "ok - cachedb: a password in the URL warns" || echo "not ok - cachedb: no warning: $(cat "$D/u.err")"
grep -q '"baseline": "live cache localhost (socket [^)]*), databases mlpipeline and metadb, namespace kubeflow, read' "$D/u.json" &&
	echo "ok - cachedb: the JSON report names the live source" ||
	echo "not ok - cachedb: the JSON report does not name the live source: $(grep baseline "$D/u.json")"
if cat "$D"/*.out "$D"/*.err "$D"/*.csv "$D/u.json" | grep -q sekret; then
	echo "not ok - cachedb: the password reached an output"
else
	echo "ok - cachedb: no password in any output or report"
fi

# 6. errors: one line naming the server or object, exit 1, no report written.
err_case() {  # [ERR_PW=PASSWORD] err_case NAME PATTERN ARGS...
	name=$1 pat=$2; shift 2
	rm -f "$D/x.csv"
	KFPCACHE_DB_PASSWORD=${ERR_PW-sekret-pw} kc analyze --csv "$D/x.csv" "$@" "$SPEC" \
		> "$D/x.out" 2> "$D/x.err"
	rc=$?
	unset ERR_PW
	if [ $rc = 1 ] && [ "$(wc -l < "$D/x.err")" = 1 ] && grep -q "$pat" "$D/x.err" &&
	   [ ! -e "$D/x.csv" ] && ! grep -q sekret "$D/x.err"; then
		echo "ok - cachedb: error: $name"
	else
		echo "not ok - cachedb: error $name: exit $rc, csv $([ -e "$D/x.csv" ] && echo written || echo absent): $(cat "$D/x.err")"
	fi
}
err_case "unreachable server" "^kfpcache: 127.0.0.1:1: cannot reach the database server" \
	--cache-db "mysql://kfpcache@127.0.0.1:1/"
err_case "unreachable socket" "socket $D/nosock): cannot reach" --cache-db "mysql://kfpcache@localhost/?socket=$D/nosock"
ERR_PW=wrong err_case "bad password" "^kfpcache: localhost (socket $SOCK): access denied" --cache-db "$URL"
ERR_PW= err_case "missing database" "Unknown database 'nosuch'\|nosuch" --cache-db "$ROOTURL&pipeline_db=nosuch"
ERR_PW= err_case "missing table" "KFP tasks table: Table 'emptydb.tasks' doesn't exist" --cache-db "$ROOTURL&pipeline_db=emptydb"
ERR_PW= err_case "missing MLMD table" "MLMD Execution table: Table 'emptydb.Execution' doesn't exist" --cache-db "$ROOTURL&mlmd_db=emptydb"
ERR_PW= err_case "missing column" "Unknown column 'PodName'\|Unknown column 'Fingerprint'\|Unknown column" --cache-db "$ROOTURL&pipeline_db=oldkfp"
err_case "no privilege beyond the grant" "KFP tasks table: access denied: SELECT command denied to user 'kfpcache'" --cache-db "$URL&pipeline_db=oldkfp"
err_case "bad URL" "^kfpcache: cache-db URL: unknown option 'sockt'" --cache-db "mysql://kfpcache@localhost/?sockt=$SOCK"
# usage: a live cache is never cold
kc analyze --cache-db "$URL" --cold "$SPEC" > /dev/null 2> "$D/x.err"
[ $? = 2 ] && echo "ok - cachedb: --cache-db with --cold is a usage error" || echo "not ok - cachedb: --cache-db --cold: $(cat "$D/x.err")"

# 6a. conditions over a HIT producer's cached output are decided: rows is
#     1000, so condition-1 (> 500) holds and condition-2 (< 500) does not.
COND=$ROOT/tests/fixtures/live-cond.yaml
kc analyze --cache-db "$URL" --csv "$D/cond.csv" "$COND" > /dev/null 2> "$D/cond.err"
cond() {  # cond NAME FILE TASK CONDITIONAL DECISION REASON
	row=$(awk -F, -v t="$3" '$1 == t { print $8 "," $9 "," $10 }' "$2")
	[ "$row" = "$4,$5,$6" ] && echo "ok - cachedb: $1: $3 $4 $5 $6" ||
		echo "not ok - cachedb: $1: $3 is '$row', expected '$4,$5,$6' $(cat "$D/cond.err")"
}
cond "condition from a cached output" "$D/cond.csv" condition-1/report-big false MISS cold_cache
cond "condition from a cached output" "$D/cond.csv" condition-2/report-small false NOT_RUN condition
kc explain --cache-db "$URL" "$COND" condition-2/report-small > "$D/cond.exp" 2>&1
grep -q "input pipelinechannel--prep-rows = 1000$" "$D/cond.exp" && grep -q "result: false" "$D/cond.exp" &&
	echo "ok - cachedb: explain shows the cached value the condition was decided with" ||
	echo "not ok - cachedb: explain condition: $(grep -A3 'condition of' "$D/cond.exp")"
kc analyze --cache-db "$URL" --namespace team-b --csv "$D/cond-b.csv" "$COND" > /dev/null 2> "$D/cond.err"
cond "condition, producer runs" "$D/cond-b.csv" condition-2/report-small true MISS cold_cache

# 6b. compare: every policy's column against the same live state.
kc compare --cache-db "$URL" --policy kfp-default --policy deployment-off "$SPEC" > "$D/cmp.out" 2> "$D/cmp.err"
rc=$?
if [ $rc = 0 ] && grep -q "^cache: live cache localhost (socket $SOCK), databases mlpipeline and metadb, namespace kubeflow" "$D/cmp.out" &&
   grep -Eq '^\* prep +HIT +DISABLED\(deployment\)$' "$D/cmp.out" &&
   grep -Eq '^\* evaluate +MISS +DISABLED\(deployment\)$' "$D/cmp.out"; then
	echo "ok - cachedb: compare --cache-db: each policy against the live state, source named"
else
	echo "not ok - cachedb: compare --cache-db: exit $rc: $(cat "$D/cmp.err") $(cat "$D/cmp.out")"
fi

# 6c. diff: A and B both against the live state; B changes prep's input.
sed 's|s3://acme/raw|s3://acme/raw-v2|' "$SPEC" > "$D/chain-b.yaml"
kc diff --cache-db "$URL" --csv "$D/diff.csv" "$SPEC" "$D/chain-b.yaml" > "$D/diff.out" 2> "$D/diff.err"
rc=$?
if [ $rc = 0 ] && grep -q "^cache: live cache localhost (socket $SOCK)" "$D/diff.out" &&
   grep -q '^prep,changed,' "$D/diff.csv" && grep -q '^train,affected,' "$D/diff.csv"; then
	echo "ok - cachedb: diff --cache-db: B's change against the live state"
else
	echo "not ok - cachedb: diff --cache-db: exit $rc: $(cat "$D/diff.err") $(cat "$D/diff.csv")"
fi

# 7. verify a recorded run: prep and train hit (as predicted), evaluate ran
#    (its entry was written after its driver looked: predicted MISS as its
#    driver saw the cache), solo hit although no entry serves it now: the
#    one deliberate misprediction, which --fail-on names.
{
	seed_run_context 1 run-v
	seed_run_execution 51 1 prep 5 1700001000000 "$FP_PREP" 13
	seed_run_execution 52 1 train 5 1700001010000 "$FP_TRAIN" 21
	seed_run_execution 53 1 evaluate 3 1700001020000 "$FP_EVAL"
	seed_run_execution 54 1 solo 5 1700001020000 "$FP_SOLO" 31
	seed_execution 55 "$FP_EVAL"
	seed_entry e-eval-late run-a kubeflow live-chain "$FP_EVAL" 55 1700001030
} > "$D/run.sql"
sql < "$D/run.sql" && echo "ok - cachedb: recorded run seeded" || echo "not ok - cachedb: recorded run seed failed"
kc verify --cache-db "$URL" --spec "$SPEC" run-v > "$D/v.out" 2> "$D/v.err"
rc=$?
sed 1d "$D/v.out" > "$D/v.table"
cat > "$D/v.want" <<'TXT'
task,predicted,actual,execution,fingerprint,match
evaluate,MISS,MISS,53,equal,true
prep,HIT,HIT,51,equal,true
solo,MISS,HIT,54,equal,false
train,HIT,HIT,52,equal,true
accuracy: 3 of 4 tasks (75.0%)
TXT
if [ $rc = 0 ] && diff -u "$D/v.want" "$D/v.table" > "$D/v.diff"; then
	echo "ok - cachedb: verify: predicted vs actual per task, accuracy"
else
	echo "not ok - cachedb: verify: exit $rc: $(cat "$D/v.err") $(cat "$D/v.diff")"
fi
grep -q "^run run-v: 4 container executions; live cache localhost" "$D/v.out" &&
	echo "ok - cachedb: verify names the run and the source" || echo "not ok - cachedb: verify header: $(head -1 "$D/v.out")"
# Without the drivers' moments evaluate would hit the late entry: check that it is there.
kc analyze --cache-db "$URL" --csv "$D/late.csv" "$SPEC" > /dev/null 2>&1
check "late entry (now)" "$D/late.csv" evaluate HIT
kc verify --cache-db "$URL" --spec "$SPEC" --fail-on 'mismatch>0' run-v > /dev/null 2> "$D/v.err"
rc=$?
[ $rc = 4 ] && grep -q "^kfpcache: --fail-on 'mismatch>0': 1 mismatch: solo$" "$D/v.err" &&
	echo "ok - cachedb: verify --fail-on mismatch>0 exits 4 naming the task" ||
	echo "not ok - cachedb: verify --fail-on: exit $rc: $(cat "$D/v.err")"
kc verify --cache-db "$URL" --spec "$SPEC" no-such-run > /dev/null 2> "$D/v.err"
rc=$?
[ $rc = 1 ] && grep -q "run 'no-such-run' has no container executions" "$D/v.err" &&
	echo "ok - cachedb: verify of an unknown run: one line, exit 1" ||
	echo "not ok - cachedb: verify unknown run: exit $rc: $(cat "$D/v.err")"

# 8. history: the live cache is the state before the first commit, each
#    commit's run replayed on top.  Commit 1 is live-chain as seeded (prep,
#    train and evaluate hit live, solo misses); commit 2 changes evaluate's
#    command (a miss), and solo hits commit 1's run; commits 3 and 4 touch a
#    comment only (all hit).  The lookups are read once: the
#    statements the server executes do not grow with the commits.
stmts() { sql -N -e "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | awk '{ print $2 }'; }
tlrow() {  # tlrow FILE SEQ: hit,miss of the timeline row
	awk -F, -v s="$2" 'NR > 1 && $17 == s { print $8 "," $9 }' "$1"
}
H=$D/hist
mkdir -p "$H/p"
gitp "$H" init -q
cp "$SPEC" "$H/p/chain.yaml"
gitp "$H" add -A && commit_at "$H" 2026-01-01T10:00:00+00:00 "chain as deployed"
sed 's|acme.evaluate|acme.evaluate_v2|' "$SPEC" > "$H/p/chain.yaml"
gitp "$H" add -A && commit_at "$H" 2026-01-02T10:00:00+00:00 "evaluate v2"
before=$(stmts)
kc history --repo "$H" --cache-db "$URL" --csv "$D/h2.csv" p/chain.yaml > "$D/h2.out" 2> "$D/h2.err"
rc=$?
two=$(( $(stmts) - before ))
if [ $rc = 0 ] && [ "$(tlrow "$D/h2.csv" 1)" = "3,1" ] && [ "$(tlrow "$D/h2.csv" 2)" = "3,1" ]; then
	echo "ok - cachedb: history: commit 1 hits the live state, commit 2 its own first run"
else
	echo "not ok - cachedb: history: exit $rc, rows '$(tlrow "$D/h2.csv" 1)' '$(tlrow "$D/h2.csv" 2)': $(cat "$D/h2.err")"
fi
kc history --repo "$H" --csv "$D/h2cold.csv" p/chain.yaml > /dev/null 2>&1
[ "$(tlrow "$D/h2cold.csv" 1)" = "0,4" ] && echo "ok - cachedb: history without --cache-db starts cold" ||
	echo "not ok - cachedb: history without --cache-db: $(tlrow "$D/h2cold.csv" 1)"
kc history --repo "$H" --cache-db "$URL" p/chain.yaml > "$D/h2.out" 2> "$D/h2.err"
n=$(sql -N -e "SELECT COUNT(*) FROM mlpipeline.tasks WHERE PipelineName = 'pipeline/live-chain' AND Namespace = 'kubeflow' AND Fingerprint <> ''")
if grep -Eq "^cache: live cache localhost \(socket $SOCK\), databases mlpipeline and metadb, namespace kubeflow, read [0-9TZ:-]+: $n entries in scope pipeline/live-chain; every commit's run replayed on top$" "$D/h2.out"; then
	echo "ok - cachedb: history names the live state in its summary"
else
	echo "not ok - cachedb: history source line: $(grep '^cache' "$D/h2.out")"
fi
# The JSON and HTML timelines carry the same source line; without --cache-db neither has one.
# (The same run's summary: the line holds the time of the read.)
kc history --repo "$H" --cache-db "$URL" --json "$D/h2.json" --html "$D/h2.html" p/chain.yaml > "$D/h2j.out" 2>&1
kc history --repo "$H" --json "$D/h2cold.json" --html "$D/h2cold.html" p/chain.yaml > /dev/null 2>&1
line=$(sed -n 's/^cache: //p' "$D/h2j.out")
if python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d.get("cache") != sys.argv[2] or "cache" in json.load(open(sys.argv[3])))' \
	"$D/h2.json" "$line" "$D/h2cold.json" &&
	grep -q '^<p class="source">cache: live cache localhost' "$D/h2.html" && ! grep -q 'class="source"' "$D/h2cold.html"; then
	echo "ok - cachedb: history --json and --html name the live state (and only with --cache-db)"
else
	echo "not ok - cachedb: history JSON/HTML source: $(head -c 300 "$D/h2.json")"
fi
printf '# a comment\n' >> "$H/p/chain.yaml"
gitp "$H" add -A && commit_at "$H" 2026-01-03T10:00:00+00:00 "comment"
printf '# another\n' >> "$H/p/chain.yaml"
gitp "$H" add -A && commit_at "$H" 2026-01-04T10:00:00+00:00 "another comment"
before=$(stmts)
kc history --repo "$H" --cache-db "$URL" --csv "$D/h4.csv" p/chain.yaml > /dev/null 2> "$D/h4.err"
four=$(( $(stmts) - before ))
if [ "$(tlrow "$D/h4.csv" 4)" = "4,0" ] && [ "$two" -gt 0 ] && [ "$four" = "$two" ]; then
	echo "ok - cachedb: history: as many statements for 4 commits as for 2 ($four: the scope read once)"
else
	echo "not ok - cachedb: history: $two statements for 2 commits, $four for 4; row 4 '$(tlrow "$D/h4.csv" 4)' $(cat "$D/h4.err")"
fi
kc history --repo "$H" --cache-db "$URL" --namespace team-b --csv "$D/hb.csv" p/chain.yaml > /dev/null 2>&1
[ "$(tlrow "$D/hb.csv" 1)" = "1,1" ] && echo "ok - cachedb: history --namespace: the live state of that namespace" ||
	echo "not ok - cachedb: history --namespace team-b: row 1 '$(tlrow "$D/hb.csv" 1)'"
kc history --repo "$H" --namespace team-b p/chain.yaml > /dev/null 2> "$D/x.err"
[ $? = 2 ] && grep -q -- "--namespace without --cache-db" "$D/x.err" &&
	echo "ok - cachedb: history --namespace without --cache-db is a usage error" ||
	echo "not ok - cachedb: history --namespace alone: $(cat "$D/x.err")"
kc compare --repo "$H" --history --cache-db "$URL" --policy kfp-default --policy deployment-off p/chain.yaml \
	> "$D/ch.out" 2> "$D/ch.err"
rc=$?
if [ $rc = 0 ] && grep -q "^cache: live cache localhost (socket $SOCK), .*; every commit's run replayed on top$" "$D/ch.out" &&
   grep -Eq '^\* prep +HIT +DISABLED\(deployment\)$' "$D/ch.out"; then
	echo "ok - cachedb: compare --history --cache-db: each policy's history on top of the live state"
else
	echo "not ok - cachedb: compare --history --cache-db: exit $rc: $(cat "$D/ch.err") $(cat "$D/ch.out")"
fi

# 9. mixed mode: --baseline on top of the live state.  The baseline is
#    live-chain itself: its run hits prep, train and evaluate live and runs
#    solo, so the current version hits prep only through the live state,
#    solo only through the baseline's run, and its changed evaluate misses
#    in both.
sed 's|acme.evaluate|acme.evaluate_v2|' "$SPEC" > "$D/chain-v2.yaml"
kc analyze --cache-db "$URL" --baseline "$SPEC" --csv "$D/m.csv" "$D/chain-v2.yaml" > "$D/m.out" 2> "$D/m.err"
rc=$?
[ $rc = 0 ] && echo "ok - cachedb: mixed mode exits 0" || echo "not ok - cachedb: mixed mode exit $rc: $(cat "$D/m.err")"
check mixed "$D/m.csv" prep HIT
check mixed "$D/m.csv" solo HIT
check mixed "$D/m.csv" evaluate MISS cold_cache
kc analyze --cache-db "$URL" --csv "$D/m0.csv" "$D/chain-v2.yaml" > /dev/null 2>&1
check "without the baseline" "$D/m0.csv" solo MISS cold_cache
kc explain --cache-db "$URL" --baseline "$SPEC" "$D/chain-v2.yaml" prep > "$D/m-prep.out" 2>&1
kc explain --cache-db "$URL" --baseline "$SPEC" "$D/chain-v2.yaml" solo > "$D/m-solo.out" 2>&1
if grep -q "live cache: fingerprint .* entry e-prep-2b, execution 13 of run run-a" "$D/m-prep.out" &&
   grep -q "baseline-1:solo (a replayed run's entry, newer than every live row)" "$D/m-solo.out"; then
	echo "ok - cachedb: explain: prep hits the live row, solo the baseline's run"
else
	echo "not ok - cachedb: mixed explain: $(grep -h 'lookup\|live cache' "$D/m-prep.out" "$D/m-solo.out")"
fi
n=$(sql -N -e "SELECT COUNT(*) FROM mlpipeline.tasks WHERE PipelineName = 'pipeline/live-chain' AND Namespace = 'kubeflow' AND Fingerprint <> ''")
if grep -Eq "^cache: live cache localhost \(socket $SOCK\), databases mlpipeline and metadb, namespace kubeflow, read [0-9TZ:-]+: $n entries in scope pipeline/live-chain; then 1 baseline replayed on top: $SPEC$" "$D/m.out" &&
   grep -q "^pipeline live-chain; live cache .*; then 1 baseline replayed on top: $SPEC$" "$D/m-solo.out"; then
	echo "ok - cachedb: mixed mode names the live state and the baseline"
else
	echo "not ok - cachedb: mixed source line: $(grep -h '^cache\|^pipeline' "$D/m.out" "$D/m-solo.out")"
fi
# A baseline in another namespace: its scope is read too, and named.
kc analyze --cache-db "$URL" --baseline-namespace team-b --baseline "$SPEC" --json "$D/mb.json" \
	"$D/chain-v2.yaml" > "$D/mb.out" 2> "$D/mb.err"
grep -q '"baseline": "live cache .*: [0-9]* entries in scope pipeline/live-chain, 1 entry in scope pipeline/live-chain in namespace team-b; then 1 baseline replayed on top' "$D/mb.json" &&
	echo "ok - cachedb: mixed mode, baseline namespace: both scopes in the report" ||
	echo "not ok - cachedb: mixed mode, baseline namespace: $(grep baseline "$D/mb.json") $(cat "$D/mb.err")"

# 10. paging: the scope, with 25 more entries, read in pages of 1, 2, 4 and
#     the default 10000 rows gives the same entry count (no row lost or read
#     twice across page ends, some inside a run of equal CreatedTimestamp)
#     and the same decisions; the newest of prep's equal-timestamp rows still
#     wins with one row per page.  Pages are statements: the server counts
#     them.  The progress line is for a terminal only.
{ seed_page_rows 25 run-a kubeflow live-chain; } > "$D/page.sql"
sql < "$D/page.sql" && echo "ok - cachedb: page rows seeded" || echo "not ok - cachedb: page rows seed failed"
n=$(sql -N -e "SELECT COUNT(*) FROM mlpipeline.tasks WHERE PipelineName = 'pipeline/live-chain' AND Namespace = 'kubeflow' AND Fingerprint <> ''")
for ps in 10000 4 2 1; do
	before=$(stmts)
	kc history --repo "$H" --cache-db "$URL" --cache-db-page-size $ps --csv "$D/hp$ps.csv" p/chain.yaml \
		> "$D/hp$ps.out" 2> "$D/hp$ps.err"
	eval "st$ps=$(( $(stmts) - before ))"
	if grep -q ": $n entries in scope pipeline/live-chain;" "$D/hp$ps.out" && cmp -s "$D/h4.csv" "$D/hp$ps.csv"; then
		echo "ok - cachedb: paging: pages of $ps rows read all $n entries, the same timeline"
	else
		echo "not ok - cachedb: paging $ps: $(grep '^cache' "$D/hp$ps.out") $(cat "$D/hp$ps.err") $(diff "$D/h4.csv" "$D/hp$ps.csv")"
	fi
done
# pages = entries / size + 1 (the last one short): the extra statements are the extra pages.
[ $((st4 - st10000)) = $((n / 4)) ] && [ $((st1 - st10000)) = "$n" ] &&
	echo "ok - cachedb: paging: $((n / 4 + 1)) pages of 4 rows, $((n + 1)) of 1" ||
	echo "not ok - cachedb: paging statements: $st10000 (10000), $st4 (4), $st1 (1) for $n entries"
kc explain --cache-db "$URL" --cache-db-page-size 1 --baseline "$SPEC" "$D/chain-v2.yaml" prep > "$D/pe.out" 2>&1
grep -q "entry e-prep-2b, execution 13 of run run-a" "$D/pe.out" &&
	echo "ok - cachedb: paging: one row per page, the newest of equal timestamps (UUID DESC)" ||
	echo "not ok - cachedb: paging, newest row: $(grep 'live cache' "$D/pe.out")"
# Not a terminal: no progress line (and nothing else) on stderr.
if [ ! -s "$D/hp1.err" ]; then echo "ok - cachedb: paging: no progress line when stderr is not a terminal"
else echo "not ok - cachedb: paging: stderr not empty off a terminal: $(od -c "$D/hp1.err" | head -3)"; fi
if command -v script > /dev/null 2>&1 && script -qec true /dev/null > /dev/null 2>&1; then
	env -u CI script -qec "$KFPCACHE analyze --cache-db '$URL' --cache-db-page-size 4 --baseline '$SPEC' --csv '$D/tty.csv' '$SPEC' > /dev/null" \
		/dev/null > "$D/tty.out" 2>&1
	# Each page rewrites the line (\r); the end erases it (\r ESC [K).
	if grep -q "reading the live cache: pipeline/live-chain in namespace kubeflow: 4 entries" "$D/tty.out" &&
	   grep -q ": $n entries" "$D/tty.out" && [ "$(tr -cd '\r' < "$D/tty.out" | wc -c)" -gt $((n / 4)) ] &&
	   grep -q "$(printf '\r\033\\[K')" "$D/tty.out" && [ -s "$D/tty.csv" ]; then
		echo "ok - cachedb: paging: a progress line on a terminal, erased at the end"
	else
		echo "not ok - cachedb: paging: terminal progress: $(od -c "$D/tty.out" | head -5)"
	fi
	env -u CI script -qec "$KFPCACHE history -q --repo '$H' --cache-db '$URL' --cache-db-page-size 4 p/chain.yaml" \
		/dev/null > "$D/tty-q.out" 2>&1
	rc=$?
	[ $rc != 0 ] || grep -q "reading the live cache" "$D/tty-q.out" &&
		echo "not ok - cachedb: paging: history -q on a terminal: exit $rc, $(od -c "$D/tty-q.out" | head -3)" ||
		echo "ok - cachedb: paging: history -q: no progress line on a terminal either"
else
	echo "ok - cachedb: paging: # skip the terminal progress check: util-linux script is not available"
fi
kc analyze --cache-db "$URL" --cache-db-page-size 0 "$SPEC" > /dev/null 2> "$D/x.err"
[ $? = 2 ] && grep -q "cache-db-page-size '0': expected 1 to 1000000 rows" "$D/x.err" &&
	echo "ok - cachedb: --cache-db-page-size 0 is a usage error" || echo "not ok - cachedb: page size 0: $(cat "$D/x.err")"
kc analyze --cache-db-page-size 5 "$SPEC" > /dev/null 2> "$D/x.err"
[ $? = 2 ] && grep -q -- "--cache-db-page-size without --cache-db" "$D/x.err" &&
	echo "ok - cachedb: --cache-db-page-size without --cache-db is a usage error" || echo "not ok - cachedb: page size alone: $(cat "$D/x.err")"
kc analyze --cache-db "$URL" --cache-db-page-size 5 "$SPEC" > /dev/null 2> "$D/x.err"
[ $? = 2 ] && grep -q -- "--cache-db-page-size without --baseline: one spec's lookups are indexed queries" "$D/x.err" &&
	echo "ok - cachedb: --cache-db-page-size where no scope is read whole is a usage error" || echo "not ok - cachedb: page size, indexed: $(cat "$D/x.err")"

# 11. a lost connection mid-walk: a proxy on a unix socket forwards to the
#     server and closes both ends when the client sends MARKER (here the
#     statement of the second page, so the first page is read).  An error,
#     one line naming the socket and the query, exit 1, no report written;
#     never a partial result.
cat > "$D/proxy.py" <<'PY'
import os, socket, sys, threading
listen, target, marker = sys.argv[1], sys.argv[2], sys.argv[3].encode()
srv = socket.socket(socket.AF_UNIX)
srv.bind(listen)
srv.listen(8)
srv.settimeout(60)   # gone a minute after its last client, whatever the test does
def pump(a, b, watch):
    seen = b""
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            seen = (seen + data)[-4096:]
            if watch and marker in seen:
                break
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
while True:
    try:
        c, _ = srv.accept()
    except OSError:
        sys.exit(0)
    c.settimeout(None)
    u = socket.socket(socket.AF_UNIX)
    u.connect(target)
    threading.Thread(target=pump, args=(c, u, True), daemon=True).start()
    threading.Thread(target=pump, args=(u, c, False), daemon=True).start()
PY
python3 "$D/proxy.py" "$D/proxy.sock" "$SOCK" '(`CreatedTimestamp` = ? AND `UUID` < ?)' &
PROXY=$!
i=0; while [ ! -S "$D/proxy.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PURL="mysql://kfpcache@localhost/?socket=$D/proxy.sock"
lost() {  # lost NAME REPORT COMMAND...: exit 1, one line, no REPORT
	name=$1 report=$2; shift 2
	rm -f "$report"
	"$@" > "$D/l.out" 2> "$D/l.err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l < "$D/l.err")" = 1 ] && [ ! -e "$report" ] &&
	   grep -q "localhost (socket $D/proxy.sock): reading the cache entries of pipeline/live-chain in namespace kubeflow, page 2: lost the connection to the database server$" "$D/l.err"; then
		echo "ok - cachedb: lost connection: $name"
	else
		echo "not ok - cachedb: lost connection: $name: exit $rc, $([ -e "$report" ] && echo written || echo absent): $(cat "$D/l.err")"
	fi
}
lost "mixed mode" "$D/l.csv" kc analyze --cache-db "$PURL" --cache-db-page-size 4 --baseline "$SPEC" --csv "$D/l.csv" "$SPEC"
lost "history" "$D/l.csv" kc history --repo "$H" --cache-db "$PURL" --cache-db-page-size 4 --csv "$D/l.csv" p/chain.yaml
# Through the same proxy, a read of one page is whole: the proxy itself is not the failure.
kc history --repo "$H" --cache-db "$PURL" --csv "$D/l2.csv" p/chain.yaml > /dev/null 2> "$D/l2.err"
cmp -s "$D/l2.csv" "$D/h4.csv" && echo "ok - cachedb: lost connection: one page through the proxy reads whole" ||
	echo "not ok - cachedb: through the proxy: $(cat "$D/l2.err")"
kill "$PROXY" 2>/dev/null

# 12. verify from the stored spec: without --spec, the manifest the API
#     server stored for the run (run_details.PipelineSpecManifest), else its
#     pipeline version's spec; --spec still overrides.  run-p is run-v again
#     (its context holds the same executions), created from a pipeline
#     version whose manifest is the only copy.
printf 'pipelineInfo:\n  name: [broken\n' > "$D/broken.yaml"
: > "$D/empty.yaml"
if python3 -c 'import json, sys, yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1])))[0], open(sys.argv[2], "w"))' \
	"$SPEC" "$D/chain.json" 2> /dev/null; then PV_SPEC=$D/chain.json; else PV_SPEC=$SPEC; fi
{
	seed_schema_runs
	seed_run_spec run-v kubeflow "$SPEC"
	seed_run_spec run-p kubeflow "$D/empty.yaml" pv-1
	seed_pipeline_version pv-1 "$PV_SPEC"
	seed_run_spec run-e kubeflow "$D/empty.yaml"
	seed_run_spec run-m kubeflow "$D/broken.yaml"
	seed_run_v1 run-1 kubeflow
	seed_run_context 2 run-p
	for e in 51 52 53 54; do echo "INSERT INTO metadb.Association (context_id, execution_id) VALUES (2, $e);"; done
} > "$D/runs.sql"
sql < "$D/runs.sql" 2> "$D/runs.err" && echo "ok - cachedb: stored runs seeded" ||
	echo "not ok - cachedb: stored runs seed failed: $(head -3 "$D/runs.err")"
# The least-privilege user lacks run_details until the README's grant.
kc verify --cache-db "$URL" run-v > /dev/null 2> "$D/v12.err"
rc=$?
[ $rc = 1 ] && grep -q "KFP run_details table: access denied" "$D/v12.err" &&
	echo "ok - cachedb: verify without --spec needs the run_details grant" ||
	echo "not ok - cachedb: verify without the grant: exit $rc: $(cat "$D/v12.err")"
sql -e "GRANT SELECT ON mlpipeline.run_details TO 'kfpcache'@'localhost';
	GRANT SELECT ON mlpipeline.pipeline_versions TO 'kfpcache'@'localhost';"
kc verify --cache-db "$URL" run-v > "$D/v12.out" 2> "$D/v12.err"
rc=$?
sed 1d "$D/v12.out" > "$D/v12.table"
if [ $rc = 0 ] && diff -u "$D/v.want" "$D/v12.table" > "$D/v12.diff" &&
   grep -q "; spec as stored in mlpipeline.run_details for run run-v$" "$D/v12.out"; then
	echo "ok - cachedb: verify without --spec: the run's stored manifest"
else
	echo "not ok - cachedb: verify without --spec: exit $rc: $(cat "$D/v12.err") $(head -1 "$D/v12.out") $(cat "$D/v12.diff")"
fi
kc verify --cache-db "$URL" run-p > "$D/v12p.out" 2> "$D/v12.err"
rc=$?
sed 1d "$D/v12p.out" > "$D/v12p.table"
if [ $rc = 0 ] && diff -u "$D/v.want" "$D/v12p.table" > "$D/v12.diff" &&
   grep -q "; spec as stored in mlpipeline.pipeline_versions for run run-p$" "$D/v12p.out"; then
	echo "ok - cachedb: verify without --spec: the pipeline version's spec ($(basename "$PV_SPEC"))"
else
	echo "not ok - cachedb: verify from the version: exit $rc: $(cat "$D/v12.err") $(cat "$D/v12.diff")"
fi
# --spec overrides the stored one: B changes prep's input, so prep is predicted to run.
kc verify --cache-db "$URL" --spec "$D/chain-b.yaml" run-v > "$D/v12b.out" 2> "$D/v12.err"
grep -q "^prep,MISS,HIT,51,differs,false$" "$D/v12b.out" && grep -q "; spec $D/chain-b.yaml$" "$D/v12b.out" &&
	echo "ok - cachedb: verify --spec overrides the stored spec" ||
	echo "not ok - cachedb: verify --spec override: $(cat "$D/v12.err") $(cat "$D/v12b.out")"
v12_err() {  # v12_err NAME RUN PATTERN
	kc verify --cache-db "$URL" "$2" > "$D/v12x.out" 2> "$D/v12x.err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l < "$D/v12x.err")" = 1 ] && grep -q "$3" "$D/v12x.err" && [ ! -s "$D/v12x.out" ]; then
		echo "ok - cachedb: verify without --spec: $1"
	else
		echo "not ok - cachedb: verify without --spec, $1: exit $rc: $(cat "$D/v12x.err")"
	fi
}
v12_err "run not found" no-such-run "^kfpcache: localhost (socket $SOCK): run 'no-such-run' not found in mlpipeline.run_details$"
v12_err "empty manifest" run-e "run 'run-e' has an empty pipeline spec manifest in mlpipeline.run_details; give the spec with --spec$"
v12_err "malformed spec" run-m "^kfpcache: run:run-m:[0-9]*:[0-9]*: did not find expected"
v12_err "a v1 run" run-1 "run 'run-1' is a KFP v1 run (an Argo workflow, no pipeline spec)"

# The run's parameter values (RuntimeParameters) are the run's, not the
# spec's defaults: run-r ran live-loop with names ["ada", "cy"].  (Its
# executions sit in two iteration DAGs; section 13 explains them.)
LOOP=$ROOT/tests/fixtures/live-loop.yaml
FP_CY=$(kc fingerprint --param 'names=["ada", "cy"]' "$LOOP" 2> /dev/null | awk -F, '$1 == "for-loop-1[1]/greet" { print $5 }')
FP_BOB=$(kc fingerprint "$LOOP" 2> /dev/null | awk -F, '$1 == "for-loop-1[1]/greet" { print $5 }')
{
	seed_run_spec run-r kubeflow "$LOOP"
	seed_run_params run-r '{"names":"[\"ada\", \"cy\"]"}'
	seed_run_context 5 run-r
	seed_dag_execution 100 5 '' 0
	seed_dag_execution 101 5 for-loop-1 100
	seed_dag_execution 102 5 for-loop-1 101 0
	seed_dag_execution 103 5 for-loop-1 101 1
	seed_child_execution 102 104 5 greet 3 1700002010000 "$(kc fingerprint "$LOOP" 2> /dev/null | awk -F, '$1 == "for-loop-1[0]/greet" { print $5 }')"
	seed_child_execution 103 105 5 greet 3 1700002010000 "$FP_CY"
} > "$D/params.sql"
sql < "$D/params.sql" 2> "$D/params.err" || echo "not ok - cachedb: run-r seed failed: $(head -3 "$D/params.err")"
kc verify --cache-db "$URL" run-r > "$D/v12r.out" 2> "$D/v12.err"
[ -n "$FP_CY" ] && [ "$FP_CY" != "$FP_BOB" ] && grep -q '^for-loop-1\[1\]/greet,MISS,MISS,105,equal,true$' "$D/v12r.out" &&
	echo "ok - cachedb: verify without --spec: the run's parameter values" ||
	echo "not ok - cachedb: verify run-r: $(cat "$D/v12.err") $(cat "$D/v12r.out")"
# --param still overrides them.
kc verify --cache-db "$URL" --param 'names=["ada", "bob"]' run-r > "$D/v12r.out" 2> "$D/v12.err"
grep -q '^for-loop-1\[1\]/greet,MISS,MISS,105,differs,true$' "$D/v12r.out" &&
	echo "ok - cachedb: verify --param overrides the run's values" ||
	echo "not ok - cachedb: verify run-r --param: $(cat "$D/v12.err") $(cat "$D/v12r.out")"

# 13. loop iterations: executions are matched to task paths through their
#     DAG executions (parent_dag_id, iteration_index), for-loop-1[0]/greet;
#     for-loop-2 (items from gen, known only at run time) is predicted once,
#     and each iteration's execution is compared with that prediction.
LOOP=$ROOT/tests/fixtures/live-loop.yaml
lfp() { kc fingerprint "$LOOP" 2> /dev/null | awk -F, -v t="$1" '$1 == t { print $5 }'; }
FP_G0=$(lfp 'for-loop-1[0]/greet')
FP_G1=$(lfp 'for-loop-1[1]/greet')
FP_W=$(lfp 'for-loop-2/work')
{
	# Entries from an earlier run: greet of "ada" and work.
	seed_execution 81 "$FP_G0"
	seed_entry e-greet-ada run-a kubeflow live-loop "$FP_G0" 81 1700001500
	seed_execution 82 "$FP_W"
	seed_entry e-work run-a kubeflow live-loop "$FP_W" 82 1700001500
	seed_run_context 3 run-l
	seed_dag_execution 60 3 '' 0
	seed_dag_execution 61 3 for-loop-1 60
	seed_dag_execution 62 3 for-loop-1 61 0
	seed_dag_execution 63 3 for-loop-1 61 1
	seed_child_execution 62 64 3 greet 5 1700002010000 "$FP_G0" 81
	seed_child_execution 63 65 3 greet 3 1700002010000 "$FP_G1"
	seed_child_execution 60 66 3 gen 3 1700002010000 ''
	seed_dag_execution 67 3 for-loop-2 60
	seed_dag_execution 68 3 for-loop-2 67 0
	seed_dag_execution 69 3 for-loop-2 67 1
	# The second iteration ran although an entry served it: the misprediction.
	seed_child_execution 68 70 3 work 5 1700002020000 "$FP_W" 82
	seed_child_execution 69 71 3 work 3 1700002020000 "$FP_W"
} > "$D/loop.sql"
sql < "$D/loop.sql" 2> "$D/loop.err" && echo "ok - cachedb: loop run seeded" ||
	echo "not ok - cachedb: loop run seed failed: $(head -3 "$D/loop.err")"
kc verify --cache-db "$URL" --spec "$LOOP" run-l > "$D/v13.out" 2> "$D/v13.err"
rc=$?
sed 1d "$D/v13.out" > "$D/v13.table"
cat > "$D/v13.want" <<'TXT'
task,predicted,actual,execution,fingerprint,match
for-loop-1[0]/greet,HIT,HIT,64,equal,true
for-loop-1[1]/greet,MISS,MISS,65,equal,true
for-loop-2[0]/work,HIT,HIT,70,equal,true
for-loop-2[1]/work,HIT,MISS,71,equal,false
gen,DISABLED,MISS,66,,true
accuracy: 4 of 5 tasks (80.0%)
note: for-loop-2/work: one prediction for all 2 iterations (the loop's items are known only at run time); each iteration's execution is compared with it
TXT
if [ $rc = 0 ] && diff -u "$D/v13.want" "$D/v13.table" > "$D/v13.diff" &&
   grep -q "^run run-l: 5 container executions; " "$D/v13.out"; then
	echo "ok - cachedb: verify: loop iterations matched per iteration"
else
	echo "not ok - cachedb: verify loop iterations: exit $rc: $(cat "$D/v13.err") $(head -1 "$D/v13.out") $(cat "$D/v13.diff")"
fi
kc verify --cache-db "$URL" --spec "$LOOP" --fail-on 'mismatch>0' run-l > /dev/null 2> "$D/v13.err"
rc=$?
[ $rc = 4 ] && grep -q "^kfpcache: --fail-on 'mismatch>0': 1 mismatch: for-loop-2\[1\]/work$" "$D/v13.err" &&
	echo "ok - cachedb: verify --fail-on names the iteration" ||
	echo "not ok - cachedb: verify loop --fail-on: exit $rc: $(cat "$D/v13.err")"

# 14. importers: the artifact an importer's launcher re-links (reimport
#     false) is read from ML Metadata, so its consumers' fingerprints are
#     exact.  Decoys with lower ids: another pipeline's, another case of the
#     URI (MariaDB's `=` matches it, Go's == does not), one without the
#     importer's metadata, one not LIVE.
IMP=$ROOT/tests/fixtures/live-import.yaml
FP_ITRAIN=$(kc fingerprint --input train:data=301 "$IMP" | awk -F, '$1 == "train" { print $5 }')
{
	seed_schema_artifacts
	seed_pipeline_context 10 live-import
	seed_pipeline_context 11 other-pipeline
	seed_imported 296 gs://acme/data/raw.csv 3 10 gs source=s:lake version=d:3
	seed_imported 297 gs://acme/data/raw.csv 2 11 gs source=s:lake version=d:3
	seed_imported 298 GS://acme/data/RAW.csv 2 10 gs source=s:lake version=d:3
	seed_imported 299 gs://acme/data/raw.csv 2 10 gs source=s:lake
	seed_imported 301 gs://acme/data/raw.csv 2 10 gs source=s:lake version=d:3
	seed_imported 302 gs://acme/data/raw.csv 2 10 gs source=s:lake version=d:3
	seed_execution 91 "$FP_ITRAIN"
	seed_entry e-itrain run-a kubeflow live-import "$FP_ITRAIN" 91 1700000900
} > "$D/imp.sql"
sql < "$D/imp.sql" 2> "$D/imp.err" && echo "ok - cachedb: imported artifacts seeded" ||
	echo "not ok - cachedb: imported artifacts seed failed: $(head -3 "$D/imp.err")"
kc analyze --cache-db "$URL" --csv "$D/imp.csv" "$IMP" > /dev/null 2> "$D/imp.err"
check importer "$D/imp.csv" importer HIT
check importer "$D/imp.csv" train HIT
[ "$(fpcol "$D/imp.csv" train)" = "$FP_ITRAIN" ] && echo "ok - cachedb: importer: train's fingerprint is exact through artifact 301" ||
	echo "not ok - cachedb: importer: train's fingerprint '$(fpcol "$D/imp.csv" train)' is not '$FP_ITRAIN' $(cat "$D/imp.err")"
check importer "$D/imp.csv" importer-2 MISS cold_cache
check importer "$D/imp.csv" check MISS_UPSTREAM upstream_artifact
check importer "$D/imp.csv" importer-3 UNKNOWN upstream_value
kc explain --cache-db "$URL" "$IMP" importer > "$D/imp.exp" 2>&1
grep -q "ML Metadata holds artifact 301 (system.Dataset, gs://acme/data/raw.csv, LIVE, in the context of pipeline live-import): the launcher re-links it" "$D/imp.exp" &&
	echo "ok - cachedb: explain names the re-linked artifact" || echo "not ok - cachedb: explain importer: $(grep -i 'live cache' "$D/imp.exp")"
kc explain --cache-db "$URL" "$IMP" importer-3 > "$D/imp.exp" 2>&1
grep -q "not known: its metadata 'tags' is a list (an MLMD struct value): not compared" "$D/imp.exp" &&
	echo "ok - cachedb: explain says why an importer stays UNKNOWN" || echo "not ok - cachedb: explain importer-3: $(grep -i 'live cache' "$D/imp.exp")"
# importer-2's URI from the pipeline parameter; without metadata it takes
# 299 (a superset of its properties is a match), the lowest id that passes.
kc analyze --cache-db "$URL" --param other_uri=gs://acme/data/raw.csv --csv "$D/imp2.csv" "$IMP" > /dev/null 2> "$D/imp.err"
check "importer, URI from a parameter" "$D/imp2.csv" importer-2 HIT
check "importer, URI from a parameter" "$D/imp2.csv" check MISS cold_cache
[ "$(fpcol "$D/imp2.csv" check)" = "$(kc fingerprint --input check:data=299 "$IMP" | awk -F, '$1 == "check" { print $5 }')" ] &&
	echo "ok - cachedb: importer: the lowest matching id (299)" ||
	echo "not ok - cachedb: importer: check's fingerprint is not the one of artifact 299 $(cat "$D/imp.err")"

# 15. what a real database holds that a model forgets.
# a. The persistence agent's rows (empty Fingerprint) are in the table and in
#    scope, but never entries (nor counted).
n=$(sql -N -e "SELECT COUNT(*) FROM mlpipeline.tasks WHERE PipelineName = 'pipeline/live-chain' AND Namespace = 'kubeflow'")
na=$(sql -N -e "SELECT COUNT(*) FROM mlpipeline.tasks WHERE PipelineName = 'pipeline/live-chain' AND Namespace = 'kubeflow' AND Fingerprint = ''")
kc analyze --cache-db "$URL" "$SPEC" > "$D/agent.out" 2>&1
[ "$na" = 1 ] && grep -q ": $((n - na)) entries in scope pipeline/live-chain$" "$D/agent.out" &&
	echo "ok - cachedb: an agent row (empty fingerprint) is in scope but not an entry" ||
	echo "not ok - cachedb: agent row: $n rows, $na without a fingerprint, $(grep '^cache' "$D/agent.out")"
# b. Pipeline names differing only in case share entries: section 4
#    (team-c: 'pipeline/LIVE-CHAIN' serves live-chain).
# c. Executions a driver creates on a hit: empty pod_name and namespace,
#    CACHED, re-linking the cached artifacts.  run-h ran in team-b (its
#    context says so; its executions cannot): solo hit e-solo-b there.
#    prep's hit re-links artifact 103 a second time: prep's entry still
#    reads its own execution's outputs.
{
	seed_run_context 4 run-h
	seed_run_namespace 4 team-b
	seed_hit_execution 57 4 solo 1700003000000 "$FP_SOLO" 31
	seed_hit_execution 58 4 prep 1700003000000 "$FP_PREP" 13 '{"rows": 1000}' dataset=103
} > "$D/hit.sql"
sql < "$D/hit.sql" 2> "$D/hit.err" && echo "ok - cachedb: hit executions seeded" ||
	echo "not ok - cachedb: hit executions seed failed: $(head -3 "$D/hit.err")"
kc verify --cache-db "$URL" --spec "$SPEC" run-h > "$D/v15.out" 2> "$D/v15.err"
rc=$?
if [ $rc = 0 ] && grep -q "^solo,HIT,HIT,57,equal,true$" "$D/v15.out" &&
   grep -q "^prep,MISS,HIT,58,equal,false$" "$D/v15.out" &&
   grep -q "^run run-h: 2 container executions; live cache [^;]*, namespace team-b, " "$D/v15.out"; then
	echo "ok - cachedb: verify: a hit's execution (no pod, no namespace) is judged in the run's namespace"
else
	echo "not ok - cachedb: verify run-h: exit $rc: $(cat "$D/v15.err") $(cat "$D/v15.out")"
fi
kc verify --cache-db "$URL" --spec "$SPEC" --namespace kubeflow run-h > "$D/v15k.out" 2> "$D/v15.err"
grep -q "^solo,MISS,HIT,57,equal,false$" "$D/v15k.out" && grep -q "^prep,HIT,HIT,58,equal,true$" "$D/v15k.out" &&
	echo "ok - cachedb: verify --namespace overrides the run's namespace" ||
	echo "not ok - cachedb: verify run-h --namespace kubeflow: $(cat "$D/v15.err") $(cat "$D/v15k.out")"
kc analyze --cache-db "$URL" --csv "$D/hit.csv" "$SPEC" > /dev/null 2>&1
check "after a hit re-linked prep's artifact" "$D/hit.csv" prep HIT
[ "$(fpcol "$D/hit.csv" train)" = "$FP_TRAIN" ] && echo "ok - cachedb: a hit's re-linking events change no fingerprint" ||
	echo "not ok - cachedb: train's fingerprint after the hit: '$(fpcol "$D/hit.csv" train)'"
# d. tasks.RunUUID -> run_details.UUID ON DELETE CASCADE (2.14: GORM v1's
#    AddForeignKey, client_manager/client_manager.go:488-492; 2.15-2.17: the
#    model's constraint, model/task.go:29-30): an entry needs its run, and
#    deleting the run (DeleteRun, storage/run_store.go:753-764) deletes it.
{
	seed_run run-fk team-d
	seed_entry e-solo-d run-fk team-d live-chain "$FP_SOLO" 31 1700000400
} > "$D/fk.sql"
sql < "$D/fk.sql" 2> "$D/fk.err" || echo "not ok - cachedb: fk seed failed: $(cat "$D/fk.err")"
kc analyze --cache-db "$URL" --namespace team-d --csv "$D/fk1.csv" "$SPEC" > /dev/null 2>&1
sql -e "DELETE FROM mlpipeline.run_details WHERE UUID = 'run-fk'"
kc analyze --cache-db "$URL" --namespace team-d --csv "$D/fk2.csv" "$SPEC" > /dev/null 2>&1
check "foreign key: before the run is deleted" "$D/fk1.csv" solo HIT
check "foreign key: after the run is deleted" "$D/fk2.csv" solo MISS cold_cache
if sql -e "$(seed_entry e-orphan no-such-run kubeflow live-chain "$FP_SOLO" 31 1700000400)" 2> /dev/null; then
	echo "not ok - cachedb: a tasks row without its run was accepted (the seed lacks KFP's foreign key)"
else
	echo "ok - cachedb: a tasks row needs its run (KFP's foreign key)"
fi
