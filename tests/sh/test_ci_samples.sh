#!/bin/sh
# samples/ci/: every YAML parses and has the shape its runner expects;
# every kfpcache invocation in them names a command and options that exist;
# and the scripts do what they say, run here against the sample repository:
# the pre-commit hook (informational, then blocking with --fail-on), the
# review workflow's predict step, and the Argo fan-out (clone, shards,
# merge) whose joined timeline must equal one history run.
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
CI=$ROOT/samples/ci
if ! python3 -c 'import yaml' 2> /dev/null; then
	echo "skip - ci samples: python3 has no yaml module (Debian: python3-yaml)"
	exit 0
fi

if python3 - "$CI" <<'PY' 2> err
import glob, os, sys, yaml
ci = sys.argv[1]
files = sorted(glob.glob(os.path.join(ci, "**", "*.y*ml"), recursive=True))
assert len(files) >= 4, files
for f in files:
    doc = yaml.safe_load(open(f))
    assert isinstance(doc, dict), f
    if "/github/" in f:
        on = doc.get("on", doc.get(True))      # YAML 1.1 reads a bare `on` as true
        assert on and doc["jobs"], f
        for job in doc["jobs"].values():
            assert job["runs-on"] and all("run" in s or "uses" in s for s in job["steps"]), f
    elif "/argo/" in f:
        assert doc["apiVersion"] == "argoproj.io/v1alpha1" and doc["kind"] == "Workflow", f
        names = {t["name"] for t in doc["spec"]["templates"]}
        assert doc["spec"]["entrypoint"] in names, f
        for t in doc["spec"]["templates"]:
            for group in t.get("steps", []):
                for step in group:
                    assert step["template"] in names, (f, step)
    else:
        assert doc["repos"][0]["hooks"][0]["id"] == "kfpcache", f
PY
then
	echo "ok - ci samples: the YAML files parse (GitHub workflows, Argo workflow, pre-commit config)"
else
	echo "not ok - ci samples: the YAML files parse"; cat err >&2
fi

# Every `kfpcache COMMAND --option` in the samples exists.
if python3 - "$KFPCACHE" "$CI" <<'PY' 2> err
import glob, os, re, subprocess, sys
kc, ci = sys.argv[1], sys.argv[2]
commands = re.findall(r"^  ([a-z]+) ", subprocess.run([kc, "--help"], capture_output=True, text=True).stdout, re.M)
opts = {c: set(re.findall(r"--([a-z0-9-]+)", subprocess.run([kc, "help", c], capture_output=True, text=True).stdout))
        for c in commands}
bad, seen = [], 0
for f in sorted(glob.glob(os.path.join(ci, "**", "*"), recursive=True)):
    if os.path.isdir(f):
        continue
    text = re.sub(r"\\\n\s*", " ", open(f).read())     # join continued lines
    for m in re.finditer(r"\bkfpcache +([a-z]+)\b([^\n;|&]*)", text):
        cmd, args = m.group(1), m.group(2)
        if cmd not in commands:     # prose ("kfpcache on PATH")
            continue
        seen += 1
        for o in re.findall(r"(?<![\w-])--([a-z0-9-]+)", args):
            if o not in opts[cmd]:
                bad.append("%s: kfpcache %s has no --%s" % (f, cmd, o))
if bad or seen < 8:
    sys.exit("\n".join(bad) or "only %d invocations found" % seen)
PY
then
	echo "ok - ci samples: every kfpcache invocation names existing commands and options"
else
	echo "not ok - ci samples: every kfpcache invocation names existing commands and options"; cat err >&2
fi

# A PATH with kfpcache on it, for the scripts.
mkdir bin && ln -s "$KFPCACHE" bin/kfpcache
[ -n "${KFPCACHE_WRAP:-}" ] && { printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$KFPCACHE_WRAP" "$KFPCACHE" > bin/kfpcache.w; mv bin/kfpcache.w bin/kfpcache; chmod +x bin/kfpcache; }
export PATH="$TMP/bin:$PATH"

# The pre-commit hook: sample 006 committed, 007 staged.
mkdir hook && gitp hook init -q -b main && mkdir hook/pipelines
cp "$ROOT/samples/history/train/006.yaml" hook/pipelines/train.yaml
gitp hook add -A && commit_at hook 2026-01-01T00:00:00+00:00 "006"
cp "$ROOT/samples/history/train/007.yaml" hook/pipelines/train.yaml
echo "not a spec: true" > hook/other.yaml
gitp hook add -A
(cd hook && sh "$CI/pre-commit") > hook.out 2> hook.err
rc=$?
if [ $rc = 0 ] && grep -q '^== kfpcache: pipelines/train.yaml$' hook.out && grep -q 'HIT 7 MISS 3' hook.out &&
	! grep -q other.yaml hook.out; then
	echo "ok - ci samples: pre-commit hook reports the staged spec against HEAD"
else
	echo "not ok - ci samples: pre-commit hook reports the staged spec against HEAD (rc $rc)"; cat hook.out hook.err >&2
fi
(cd hook && KFPCACHE_FAIL_ON='miss>0' sh "$CI/pre-commit") > hook2.out 2> hook2.err
rc=$?
[ $rc = 1 ] && grep -q 'commit blocked' hook2.err && echo "ok - ci samples: pre-commit hook blocks with KFPCACHE_FAIL_ON" \
	|| { echo "not ok - ci samples: pre-commit hook blocks with KFPCACHE_FAIL_ON (rc $rc)"; cat hook2.err >&2; }

# The review workflow's predict step, in the sample repository.
sample_repo train repo
python3 - "$CI/github/kfpcache-review.yml" > predict.sh <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
step = next(s for s in doc["jobs"]["predict"]["steps"] if s.get("id") == "predict")
print('SPECS="%s"' % doc["env"]["SPECS"])
print(step["run"])
PY
(cd repo && BASE=HEAD~1 GITHUB_OUTPUT=$TMP/gh-output sh -e "$TMP/predict.sh") > predict.out 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^status=0$' gh-output && grep -q '^#### `pipelines/train.yaml`$' repo/out/comment.md &&
	grep -q '^```mermaid$' repo/out/comment.md && [ -s repo/out/pipelines_train_yaml.svg ] &&
	[ -s repo/out/pipelines_train_yaml.html ]; then
	echo "ok - ci samples: the review workflow's predict step writes the comment and the SVG"
else
	echo "not ok - ci samples: the review workflow's predict step (rc $rc)"; cat predict.out >&2
fi

# The Argo workflow, its scripts run in sequence here: clone, 3 shards, merge.
python3 - "$CI/argo/history-shards.yaml" "$TMP/repo" "$TMP/work" 3 > argo.sh <<'PY'
import re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
repo, work, shards = sys.argv[2], sys.argv[3], sys.argv[4]
params = {p["name"]: p["value"] for p in doc["spec"]["arguments"]["parameters"]}
params.update(repo=repo, shards=shards)
t = {x["name"]: x for x in doc["spec"]["templates"]}
def script(name, **inputs):
    src = t[name]["script"]["source"]
    src = re.sub(r"\{\{workflow\.parameters\.(\w+)\}\}", lambda m: params[m.group(1)], src)
    src = re.sub(r"\{\{inputs\.parameters\.(\w+)\}\}", lambda m: inputs[m.group(1)], src)
    return "(\n%s\n) || exit 1\n" % src.replace("/work", work)
print("set -e")
print(script("clone"))
for k in range(1, int(shards) + 1):
    print(script("shard", k=str(k)))
print(script("merge"))
PY
if sh argo.sh > argo.out 2>&1 &&
	kc history -q --repo repo pipelines/train.yaml --csv one-run.csv 2>> argo.out &&
	cmp -s one-run.csv work/out/timeline.csv && [ -s work/out/timeline.svg ] && [ -s work/out/timeline.html ]; then
	echo "ok - ci samples: the Argo fan-out (3 shards, merge) equals one history run"
else
	echo "not ok - ci samples: the Argo fan-out (3 shards, merge) equals one history run"; cat argo.out >&2
fi
exit 0
