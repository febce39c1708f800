#!/usr/bin/env python3
"""Validate JSON documents against a JSON Schema (draft 2020-12).

  json_validate.py SCHEMA.json DOC.json...

Needs the jsonschema module (Debian: python3-jsonschema, for /usr/bin/python3).
Prints each violation as FILE: POINTER: MESSAGE and exits 1, else exits 0.
"""
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
bad = 0
for f in sys.argv[2:]:
    for e in v.iter_errors(json.load(open(f))):
        bad += 1
        print(f"{f}: {'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)
sys.exit(1 if bad else 0)
