#!/usr/bin/env python3
"""The architecture, checked from the sources (README "Architecture").

Layers, lowest first: base, load, model, reports, cmd.  A file may include
headers of its own layer and of the layers below it, never above.  Within
a layer, modules (a .c and the header of the same name) must not include
each other in a circle.  Prints one line per violation; exit 1 if any.
Usage: layers_check.py ROOT [--self-test]
"""
import os
import re
import sys

LAYERS = ["base", "load", "model", "reports", "cmd"]
INCLUDE = re.compile(r'^#include "([a-z]+)/([a-z_]+)\.h"', re.M)


def layer_of(path):
    parts = path.split("/")
    if parts[0] == "reports":
        return "reports"
    return parts[1]


def module_edges(root):
    """(file, its layer, its module) -> [(layer, module) included]."""
    files = []
    for top in ("analyzer", "include", "reports"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    files.append(os.path.relpath(os.path.join(d, n), root))
    out = []
    for f in sorted(files):
        with open(os.path.join(root, f), encoding="utf-8") as fp:
            text = fp.read()
        mod = os.path.basename(f)[:-2]
        out.append((f, layer_of(f), mod, INCLUDE.findall(text)))
    return out


def check(edges):
    problems = []
    graph = {}
    for f, layer, mod, incs in edges:
        if layer not in LAYERS:
            problems.append("%s: not in a layer (%s)" % (f, " ".join(LAYERS)))
            continue
        for ilayer, imod in incs:
            if ilayer not in LAYERS:
                problems.append("%s: includes %s/%s.h, not a layer" % (f, ilayer, imod))
            elif LAYERS.index(ilayer) > LAYERS.index(layer):
                problems.append("%s: includes %s/%s.h, an upward arrow (%s -> %s)"
                                % (f, ilayer, imod, layer, ilayer))
            elif (ilayer, imod) != (layer, mod):
                graph.setdefault((layer, mod), set()).add((ilayer, imod))
    # Circles between modules: depth-first search for a back edge.
    state = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt):] + [nxt]
                problems.append("circle: " + " -> ".join("%s/%s" % n for n in cyc))
            elif not state.get(nxt):
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [])
    return problems


def self_test():
    bad = [("analyzer/model/a.c", "model", "a", [("model", "b")]),
           ("analyzer/model/b.c", "model", "b", [("model", "a")]),
           ("analyzer/load/c.c", "load", "c", [("cmd", "cmd")])]
    p = check(bad)
    assert any(x.startswith("circle:") for x in p), p
    assert any("upward" in x for x in p), p
    good = [("analyzer/model/a.c", "model", "a", [("model", "a"), ("load", "c")])]
    assert not check(good)


def main():
    if "--self-test" in sys.argv:
        self_test()
        print("self-test passed")
        return 0
    edges = module_edges(sys.argv[1])
    problems = check(edges)
    for p in problems:
        print(p)
    print("%d files, %d problems" % (len(edges), len(problems)), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
