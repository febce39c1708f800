#!/usr/bin/env python3
"""Synthetic KFP v2 specs and histories for kfpcache's benchmarks.

  gen.py spec N OUT.yaml            a compiled spec with N executor tasks
  gen.py history N M REPO           a git repository whose spec.yaml has M
                                    commits of realistic edits (fast-import)
  gen.py discover S M REPO          a repository of S specs (20 tasks each)
                                    under pipelines/ and M commits, one in
                                    ten editing a spec, the others source
                                    files (the shape --glob discovery meets)

Specs look like `kfp dsl compile` output: Python-function components with the
SDK bootstrap command, sub-pipelines of 50 tasks chained by artifacts, fan-in
and fan-out inside each, a parameter edge, a static ParallelFor.  Executors
are shared by groups of tasks (as reused components are), so 100k tasks stay
within memory.  Deterministic: the same arguments give the same bytes.
"""
import random
import subprocess
import sys

BOOT = ("\\nif ! [ -x \\\"$(command -v pip)\\\" ]; then\\n    python3 -m ensurepip || python3 -m ensurepip"
        " --user || apt-get install python3-pip\\nfi\\n\\nPIP_DISABLE_PIP_VERSION_CHECK=1 python3 -m pip install"
        " --quiet --no-warn-script-location 'kfp==2.9.0' '--no-deps' 'typing-extensions>=3.7.4,<5;"
        " python_version<\\\"3.9\\\"' && \\\"$0\\\" \\\"$@\\\"\\n")
PROG = ("program_path=$(mktemp -d)\\n\\nprintf \\\"%s\\\" \\\"$0\\\" > \\\"$program_path/ephemeral_component.py\\\"\\n"
        "_KFP_RUNTIME=true python3 -m kfp.dsl.executor_main --component_module_path"
        " \\\"$program_path/ephemeral_component.py\\\" \\\"$@\\\"\\n")
GROUP = 50          # tasks per sub-pipeline
EXECUTORS = 40      # distinct executors


def source(e, variant):
    body = "".join(f"    x{k} = [r * {k + 1} for r in rows]  # step {k}\\n" for k in range(12))
    return (f"\\nimport kfp\\nfrom kfp import dsl\\nfrom kfp.dsl import *\\nfrom typing import *\\n\\n"
            f"def step_{e}(data_in: Input[Dataset], data_out: Output[Dataset], n: int) -> int:\\n"
            f"    rows = open(data_in.path).read().split()  # variant {variant}\\n{body}"
            f"    open(data_out.path, 'w').write(str(len(rows)))\\n    return n + 1\\n\\n")


def spec(n, state):
    """state: per-executor (image tag, args variant, source variant); extra tasks."""
    out = ["# PIPELINE DEFINITION\n# Name: bench-pipeline\ncomponents:\n"]
    groups = (n + GROUP - 1) // GROUP
    for i in range(n):
        e = i % EXECUTORS
        first = i % GROUP == 0
        out.append(f"  comp-step-{i}:\n    executorLabel: exec-step-{e}\n    inputDefinitions:\n"
                   f"      artifacts:\n        data_in:\n          artifactType:\n"
                   f"            schemaTitle: system.Dataset\n            schemaVersion: 0.0.1\n"
                   f"      parameters:\n        n:\n          parameterType: NUMBER_INTEGER\n"
                   f"    outputDefinitions:\n      artifacts:\n        data_out:\n          artifactType:\n"
                   f"            schemaTitle: system.Dataset\n            schemaVersion: 0.0.1\n"
                   f"      parameters:\n        Output:\n          parameterType: NUMBER_INTEGER\n")
        del first
    for g in range(groups):
        lo, hi = g * GROUP, min(n, (g + 1) * GROUP)
        out.append(f"  comp-stage-{g}:\n    dag:\n      outputs:\n        artifacts:\n          data_out:\n"
                   f"            artifactSelectors:\n            - outputArtifactKey: data_out\n"
                   f"              producerSubtask: step-{hi - 1}\n      tasks:\n")
        for i in range(lo, hi):
            out.append(f"        step-{i}:\n          cachingOptions:\n            enableCache: true\n"
                       f"          componentRef:\n            name: comp-step-{i}\n")
            deps = []
            if i == lo:
                art = "              data_in:\n                componentInputArtifact: pipelinechannel--data\n"
                par = "              n:\n                componentInputParameter: pipelinechannel--n\n"
            else:
                # fan-in: read from the previous task; every 7th also depends on one 7 back
                art = (f"              data_in:\n                taskOutputArtifact:\n"
                       f"                  outputArtifactKey: data_out\n                  producerTask: step-{i - 1}\n")
                deps.append(f"step-{i - 1}")
                if i - 3 >= lo:
                    par = (f"              n:\n                taskOutputParameter:\n"
                           f"                  outputParameterKey: Output\n                  producerTask: step-{i - 3}\n")
                    deps.append(f"step-{i - 3}")
                else:
                    par = "              n:\n                componentInputParameter: pipelinechannel--n\n"
                if (i - lo) % 7 == 0 and i - 7 >= lo:
                    deps.append(f"step-{i - 7}")
            if deps:
                out.append("          dependentTasks:\n" + "".join(f"          - {d}\n" for d in sorted(set(deps))))
            out.append(f"          inputs:\n            artifacts:\n{art}            parameters:\n{par}"
                       f"          taskInfo:\n            name: step-{i}\n")
        out.append("    inputDefinitions:\n      artifacts:\n        pipelinechannel--data:\n"
                   "          artifactType:\n            schemaTitle: system.Dataset\n"
                   "            schemaVersion: 0.0.1\n      parameters:\n        pipelinechannel--n:\n"
                   "          parameterType: NUMBER_INTEGER\n    outputDefinitions:\n      artifacts:\n"
                   "        data_out:\n          artifactType:\n            schemaTitle: system.Dataset\n"
                   "            schemaVersion: 0.0.1\n")
    out.append("  comp-for-loop-1:\n    dag:\n      tasks:\n        fanout:\n          cachingOptions:\n"
               "            enableCache: true\n          componentRef:\n            name: comp-fanout\n"
               "          inputs:\n            parameters:\n              region:\n"
               "                componentInputParameter: pipelinechannel--loop-item-param-1\n"
               "          taskInfo:\n            name: fanout\n    inputDefinitions:\n      parameters:\n"
               "        pipelinechannel--loop-item-param-1:\n          parameterType: STRING\n")
    out.append("  comp-fanout:\n    executorLabel: exec-fanout\n    inputDefinitions:\n      parameters:\n"
               "        region:\n          parameterType: STRING\n")
    out.append("  comp-load:\n    executorLabel: exec-load\n    outputDefinitions:\n      artifacts:\n"
               "        data_out:\n          artifactType:\n            schemaTitle: system.Dataset\n"
               "            schemaVersion: 0.0.1\n")
    out.append("deploymentSpec:\n  executors:\n")
    for e in range(EXECUTORS):
        tag, argv, srcv = state[e]
        out.append(f"    exec-step-{e}:\n      container:\n        args:\n        - --executor_input\n"
                   f"        - '{{{{$}}}}'\n        - --function_to_execute\n        - step_{e}\n")
        if argv:
            out.append(f"        - --seed\n        - '{argv}'\n")
        out.append(f"        command:\n        - sh\n        - -c\n        - \"{BOOT}\"\n        - sh\n        - -ec\n"
                   f"        - \"{PROG}\"\n        - \"{source(e, srcv)}\"\n"
                   f"        image: gcr.io/acme/step-{e}:1.{tag}.0\n")
    out.append("    exec-fanout:\n      container:\n        command:\n        - echo\n        image: alpine:3.20\n")
    out.append("    exec-load:\n      container:\n        command:\n        - load\n        image: alpine:3.20\n")
    out.append("pipelineInfo:\n  name: bench-pipeline\nroot:\n  dag:\n    tasks:\n")
    out.append("      for-loop-1:\n        componentRef:\n          name: comp-for-loop-1\n"
               "        parameterIterator:\n          itemInput: pipelinechannel--loop-item-param-1\n"
               "          items:\n            raw: '[\"eu\", \"us\", \"asia\"]'\n        taskInfo:\n"
               "          name: for-loop-1\n")
    out.append("      load:\n        cachingOptions:\n          enableCache: true\n        componentRef:\n"
               "          name: comp-load\n        taskInfo:\n          name: load\n")
    for g in range(groups):
        src = ("              pipelinechannel--data:\n                taskOutputArtifact:\n"
               "                  outputArtifactKey: data_out\n"
               f"                  producerTask: {'load' if g == 0 else f'stage-{g - 1}'}\n")
        out.append(f"      stage-{g}:\n        cachingOptions:\n          enableCache: true\n"
                   f"        componentRef:\n          name: comp-stage-{g}\n"
                   f"        dependentTasks:\n        - {'load' if g == 0 else f'stage-{g - 1}'}\n"
                   f"        inputs:\n          artifacts:\n{src}          parameters:\n"
                   f"              pipelinechannel--n:\n                componentInputParameter: n\n"
                   f"        taskInfo:\n          name: stage-{g}\n")
    out.append("  inputDefinitions:\n    parameters:\n      n:\n        defaultValue: 3.0\n"
               "        parameterType: NUMBER_INTEGER\nschemaVersion: 2.1.0\nsdkVersion: kfp-2.9.0\n")
    return "".join(out)


def initial_state():
    return [[0, 0, 0] for _ in range(EXECUTORS)]


def history(n, m, repo):
    rnd = random.Random(42)
    state = initial_state()
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    fi = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    w = fi.stdin.write
    t0 = 1767225600     # 2026-01-01
    for c in range(m):
        if c:
            e = rnd.randrange(EXECUTORS)
            kind = rnd.random()
            if kind < 0.2:
                state[e][0] += 1               # image bump
                msg = f"step-{e}: image 1.{state[e][0]}.0"
            elif kind < 0.6:
                state[e][1] += 1               # argument change
                msg = f"step-{e}: seed {state[e][1]}"
            else:
                state[e][2] += 1               # code change
                msg = f"step-{e}: refactor ({state[e][2]})"
        else:
            msg = "Add the bench pipeline"
        data = spec(n, state).encode()
        when = t0 + c * 3600
        w(b"commit refs/heads/main\n")
        w(f"author Bench <bench@kfpcache.invalid> {when} +0000\n".encode())
        w(f"committer Bench <bench@kfpcache.invalid> {when} +0000\n".encode())
        mb = msg.encode()
        w(f"data {len(mb)}\n".encode() + mb + b"\n")
        w(f"M 100644 inline spec.yaml\ndata {len(data)}\n".encode() + data + b"\n")
    fi.stdin.close()
    if fi.wait():
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", repo, "reset", "-q", "--hard"], check=True)


def discover(nspecs, m, repo):
    rnd = random.Random(7)
    states = [initial_state() for _ in range(nspecs)]
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    fi = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    w = fi.stdin.write
    t0 = 1767225600

    def blob(path, data):
        w(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    for c in range(m):
        when = t0 + c * 600
        w(b"commit refs/heads/main\n")
        w(f"author Bench <bench@kfpcache.invalid> {when} +0000\n".encode())
        w(f"committer Bench <bench@kfpcache.invalid> {when} +0000\n".encode())
        msg = f"change {c}".encode()
        w(f"data {len(msg)}\n".encode() + msg + b"\n")
        if c == 0:
            for k in range(nspecs):
                blob(f"pipelines/group-{k % 10}/spec-{k}.yaml", spec(20, states[k]).encode())
            for k in range(50):
                blob(f"src/module-{k}.py", f"# module {k}\n".encode())
        elif c % 10 == 0:
            k = rnd.randrange(nspecs)
            states[k][rnd.randrange(EXECUTORS)][0] += 1
            blob(f"pipelines/group-{k % 10}/spec-{k}.yaml", spec(20, states[k]).encode())
        else:
            k = rnd.randrange(50)
            blob(f"src/module-{k}.py", f"# module {k}, revision {c}\n".encode())
    fi.stdin.close()
    if fi.wait():
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", repo, "reset", "-q", "--hard"], check=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "spec":
        with open(sys.argv[3], "w") as f:
            f.write(spec(int(sys.argv[2]), initial_state()))
    elif len(sys.argv) == 5 and sys.argv[1] == "history":
        history(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "discover":
        discover(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
