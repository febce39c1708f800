#!/usr/bin/env python3
"""Structural check of the Mermaid block in kfpcache's Markdown report.

  mermaid_check.py REPORT.md [REPORT.json]

Mermaid's own parser needs a browser; this checks the subset of the
flowchart grammar kfpcache writes, strictly enough that an unescaped name
fails: exactly one ```mermaid block, `flowchart LR`, classDef / subgraph /
end / node / edge / linkStyle / class lines only, node ids n<k> and
subgraph ids s<k> declared once before use, labels in ["..."] holding no
quote, '#' outside an entity code, markup other than <br/>, backtick,
pipe, backslash, brace, semicolon or control character; subgraphs
balanced; linkStyle indexes within the edges; classes defined.  With the
JSON report, the decoded labels must name exactly the executor tasks the
diagram claims to show (every one, unless the report says it shows a part).
Prints what is wrong and exits 1, or exits 0.
"""
import json
import re
import sys

LABEL = r'"((?:[^"#<>&`|\\{};\x00-\x1f\x7f]|#(?:quot|[0-9]+);|<br/>)*)"'
CLASSES = {"hit", "miss", "missUpstream", "disabled", "unknown", "notRun"}
STYLE = r"[a-z-]+:[#0-9A-Za-z.]+(?:,[a-z-]+:[#0-9A-Za-z.]+)*"

RE_CLASSDEF = re.compile(r"^  classDef ([A-Za-z]+) (%s)$" % STYLE)
RE_SUBGRAPH = re.compile(r"^ *subgraph (s[0-9]+) \[%s\]$" % LABEL)
RE_END = re.compile(r"^ *end$")
RE_NODE = re.compile(r"^ *(n[0-9]+)\[%s\]$" % LABEL)
RE_EDGE = re.compile(r"^  ([ns][0-9]+) (-->\|(?:artifact|parameter)\||-\.->) (n[0-9]+)$")
RE_LINKSTYLE = re.compile(r"^  linkStyle ([0-9]+(?:,[0-9]+)*) stroke:#[0-9a-f]{6},stroke-width:3px$")
RE_CLASS = re.compile(r"^  class (n[0-9]+(?:,n[0-9]+)*) ([A-Za-z]+)$")


def decode(label):
    """Mermaid's entity codes back to text."""
    label = label.replace("#quot;", '"')
    return re.sub(r"#([0-9]+);", lambda m: chr(int(m.group(1))), label)


def check(md, report):
    errors = []
    blocks = re.findall(r"^```mermaid\n(.*?)^```$", md, re.S | re.M)
    if len(blocks) != 1:
        return ["%d mermaid blocks, want 1" % len(blocks)]
    lines = blocks[0].split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != "flowchart LR":
        errors.append("first line %r, want 'flowchart LR'" % (lines[:1],))
    defined, used_classes, labels = set(), set(), {}
    nodes, groups, depth, edges = set(), set(), 0, 0
    for no, line in enumerate(lines[1:], 2):
        m = RE_CLASSDEF.match(line)
        if m:
            defined.add(m.group(1))
            continue
        m = RE_SUBGRAPH.match(line)
        if m:
            if m.group(1) in groups or m.group(1) in nodes:
                errors.append("line %d: %s declared twice" % (no, m.group(1)))
            groups.add(m.group(1))
            depth += 1
            continue
        if RE_END.match(line):
            depth -= 1
            if depth < 0:
                errors.append("line %d: 'end' without subgraph" % no)
            continue
        m = RE_NODE.match(line)
        if m:
            if m.group(1) in nodes or m.group(1) in groups:
                errors.append("line %d: %s declared twice" % (no, m.group(1)))
            nodes.add(m.group(1))
            labels[m.group(1)] = decode(m.group(2))
            continue
        m = RE_EDGE.match(line)
        if m:
            for ident in (m.group(1), m.group(3)):
                if ident not in nodes and ident not in groups:
                    errors.append("line %d: edge uses undeclared %s" % (no, ident))
            edges += 1
            continue
        m = RE_LINKSTYLE.match(line)
        if m:
            for k in m.group(1).split(","):
                if int(k) >= edges:
                    errors.append("line %d: linkStyle %s past the %d edges" % (no, k, edges))
            continue
        m = RE_CLASS.match(line)
        if m:
            used_classes.add(m.group(2))
            for ident in m.group(1).split(","):
                if ident not in nodes:
                    errors.append("line %d: class of undeclared %s" % (no, ident))
            continue
        errors.append("line %d: not kfpcache's flowchart grammar: %r" % (no, line))
    if depth != 0:
        errors.append("%d subgraph(s) not closed" % depth)
    if not defined <= CLASSES or used_classes - defined:
        errors.append("classes: defined %s, used %s" % (sorted(defined), sorted(used_classes)))
    if report is not None:
        tasks = {t["task"]: t for t in report["tasks"] if t["kind"] != "dag"}
        shown = {}
        for ident, label in labels.items():
            path, _, rest = label.partition("<br/>")
            decision = rest.split(":", 1)[0]
            if path not in tasks:
                errors.append("node %s label %r names no task" % (ident, path))
            elif tasks[path]["decision"] != decision:
                errors.append("node %s: decision %r, want %r" % (ident, decision, tasks[path]["decision"]))
            shown[path] = ident
        partial = "too many for one diagram" in md
        if not partial and set(shown) != set(tasks):
            errors.append("diagram shows %d of %d tasks without saying so" % (len(shown), len(tasks)))
        if len(shown) > 150:
            errors.append("diagram shows %d tasks, more than 150" % len(shown))
    return errors


def main():
    md = open(sys.argv[1], encoding="utf-8").read()
    report = json.load(open(sys.argv[2], encoding="utf-8")) if len(sys.argv) > 2 else None
    errors = check(md, report)
    for e in errors:
        print("%s: %s" % (sys.argv[1], e), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
