#!/usr/bin/env python3
"""Differential test of `kfpcache history --follow` against `git log --follow`.

usage: follow_diff.py random KFPCACHE WORKDIR FIRST_SEED COUNT
       follow_diff.py shapes KFPCACHE WORKDIR
       follow_diff.py lineage KFPCACHE WORKDIR CORPUS NAME...

random:

Builds COUNT random linear histories (seeds FIRST_SEED..), each with git
fast-import: files are added, edited a little (they stay above git's 50 %),
rewritten (around and below it), renamed, copied (the source stays),
moved to another directory under the same name, deleted and re-added,
duplicated byte for byte, with CRLF and long lines now and then.  For every
path that ever existed, `git log --follow --format=%H -- PATH` must list the
commits the timeline of `kfpcache history --follow` lists, in the same
order, under the same name at each commit.  Prints "not ok" per history
that differs and one summary line.

shapes: the rename and copy shapes that decide a lineage, each built by
hand: a copy whose source stays (C100), a partial copy (C5x), a deleted file
and an unrelated added one (no rename), a rename from a deleted source
beating a closer copy, exact duplicates (unused source, then file name,
then path order), a deleted source pushed out of git's four candidates,
--follow-threshold N against git's -MN%.

lineage: a corpus history (../shared/kfp-corpus/history/NAME) replayed with
its copies kept (the source stays, as in the KFP repository) and unrelated
files deleted beside each rename: kfpcache and git must both list the
commits of commits.tsv under its paths; then again with other corpus specs
deleted at each rename or copy (candidates git may prefer), where kfpcache
must agree with git.
"""
import csv
import io
import multiprocessing
import os
import random
import shutil
import subprocess
import sys

WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
         "omicron pi rho sigma tau upsilon phi chi psi omega image args command "
         "python:3.9 python:3.11 cache enabled disabled outputs inputs").split()
MAX_PATHS = 5
DIRS = ["", "a/", "b/", "a/b/", "c/"]
NAMES = ["f1.txt", "f2.txt", "f3.txt", "spec.yaml", "x.yaml"]
ENV = dict(os.environ, HOME="/nonexistent", GIT_CONFIG_NOSYSTEM="1",
           GIT_CONFIG_GLOBAL="/dev/null", LC_ALL="C", TZ="UTC",
           # Throw-away repositories: no fsync (it dominates fast-import's time).
           GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="core.fsync", GIT_CONFIG_VALUE_0="none")


def line(rng):
    if rng.random() < 0.05:  # a long line: several of git's 64-byte spans
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30)))
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5)))


def new_content(rng):
    lines = [line(rng) for _ in range(rng.randint(3, 40))]
    return lines


def edit(rng, lines, frac):
    """Replace, insert or delete about frac of the lines."""
    out = list(lines)
    for _ in range(max(1, int(len(out) * frac))):
        op = rng.random()
        if op < 0.5 and out:
            out[rng.randrange(len(out))] = line(rng)
        elif op < 0.75 or not out:
            out.insert(rng.randint(0, len(out)), line(rng))
        else:
            del out[rng.randrange(len(out))]
    return out or [line(rng)]


def render(lines, crlf):
    eol = "\r\n" if crlf else "\n"
    return (eol.join(lines) + eol).encode()


def random_path(rng):
    return rng.choice(DIRS) + rng.choice(NAMES)


def step(rng, files):
    """One commit: 1 to 3 operations on files {path: (lines, crlf)}."""
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        paths = sorted(files)
        if not paths or op < 0.15:
            p = random_path(rng)
            if paths and rng.random() < 0.5:  # a look-alike of an existing file
                src = files[rng.choice(paths)]
                files[p] = (edit(rng, src[0], rng.choice([0.1, 0.4, 0.7])), src[1])
            else:
                files[p] = (new_content(rng), rng.random() < 0.1)
        elif op < 0.40:
            p = rng.choice(paths)
            lines, crlf = files[p]
            files[p] = (edit(rng, lines, rng.choice([0.05, 0.1, 0.2])), crlf)
        elif op < 0.50:
            p = rng.choice(paths)
            lines, crlf = files[p]
            files[p] = (edit(rng, lines, rng.choice([0.5, 0.7, 1.0, 2.0])), crlf)
        elif op < 0.65:  # rename, maybe to the same name elsewhere, maybe edited
            p = rng.choice(paths)
            q = (rng.choice(DIRS) + p.rsplit("/", 1)[-1]) if rng.random() < 0.5 else random_path(rng)
            if q != p:
                lines, crlf = files.pop(p)
                if rng.random() < 0.5:
                    lines = edit(rng, lines, rng.choice([0.05, 0.3, 0.6]))
                files[q] = (lines, crlf)
        elif op < 0.80:  # copy: the source stays
            p = rng.choice(paths)
            q = random_path(rng)
            lines, crlf = files[p]
            if rng.random() < 0.6:
                lines = edit(rng, lines, rng.choice([0.0, 0.1, 0.3, 0.6]))
            files[q] = (list(lines), crlf)
        elif op < 0.92:
            del files[rng.choice(paths)]
        else:  # a byte-for-byte duplicate somewhere else
            p = rng.choice(paths)
            files[random_path(rng)] = (list(files[p][0]), files[p][1])


def commit_block(branch, mark, parents, t, msg, files):
    out = ["commit refs/heads/%s\nmark :%d\n"
           "author T <t@t.invalid> %d +0000\ncommitter T <t@t.invalid> %d +0000\n"
           "data %d\n%s\n" % (branch, mark, t, t, len(msg), msg)]
    for k, p in enumerate(parents):
        out.append("%s :%d\n" % ("from" if k == 0 else "merge", p))
    out.append("deleteall\n")
    for p in sorted(files):
        data = render(*files[p])
        out.append("M 100644 inline %s\ndata %d\n%s\n" % (p, len(data), data.decode()))
    return "".join(out)


def fast_import_stream(rng, ncommits, branchy):
    """Commits on main; when branchy, side branches that merge back."""
    heads = {"main": [None, {}]}     # branch -> [mark of its tip, files]
    ever = {"main": set()}           # paths each branch's history has had
    out = []
    t = 1700000000
    for i in range(ncommits):
        if branchy and "side" not in heads and heads["main"][0] and rng.random() < 0.3:
            heads["side"] = [heads["main"][0], dict(heads["main"][1])]
            ever["side"] = set(ever["main"])
        branch = rng.choice(sorted(heads))
        tip, files = heads[branch]
        parents = [tip] if tip else []
        if branch == "main" and "side" in heads and rng.random() < 0.35:
            side_tip, side_files = heads.pop("side")
            merged = dict(files)
            for p, v in side_files.items():   # side wins some, loses others
                if p not in merged or rng.random() < 0.5:
                    merged[p] = v
            for p in list(merged):
                if p not in side_files and p in files and rng.random() < 0.3:
                    del merged[p]
            if rng.random() < 0.3:
                step(rng, merged)             # an evil merge
            files = merged
            parents.append(side_tip)
            ever["main"] |= ever.pop("side")
            msg = "merge %d" % i
        else:
            before = dict(files)
            step(rng, files)
            if files == before:
                files[random_path(rng)] = (new_content(rng), False)
            msg = "commit %d on %s" % (i, branch)
        t += 0 if rng.random() < 0.1 else 3600  # now and then the same second
        out.append(commit_block(branch, i + 1, parents, t, msg, files))
        heads[branch] = [i + 1, files]
        ever[branch].update(files)
    return "".join(out).encode(), sorted(ever["main"])  # HEAD is main


def run(args, cwd):
    return subprocess.run(args, cwd=cwd, env=ENV, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)


def git_follow(repo, path, extra=()):
    """(commit, path at that commit) of git log --follow, newest first."""
    out = run(["git", "log", "--follow"] + list(extra) +
              ["--format=%x01%H", "--name-only", "--", path], repo).stdout.decode()
    rows = []
    for block in out.split("\x01")[1:]:
        lines = [x for x in block.split("\n") if x]
        rows.append((lines[0], lines[1] if len(lines) > 1 else ""))
    return rows


def show(rows):
    return " ".join("%s:%s" % (c[:7], p) for c, p in rows)


def one(kfpcache, work, seed):
    rng = random.Random(seed)
    repo = os.path.join(work, "h%d" % seed)
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    run(["git", "init", "-q", "--template=", "-b", "main"], repo)
    branchy = seed % 3 == 0
    stream, paths = fast_import_stream(rng, rng.randint(4, 14), branchy)
    if len(paths) > MAX_PATHS:  # keep the run short: a seeded sample
        paths = sorted(rng.sample(paths, MAX_PATHS))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, env=ENV, input=stream,
                   check=True)
    bad = []
    # One kfpcache run for every path: its timeline names the spec per row.
    # git log walks every parent: so does --all-parents (first parents else).
    r = run([kfpcache, "history", "-q", "-j", "1", "--repo", ".", "--follow"] +
            (["--all-parents"] if branchy else []) + paths + ["--csv", "-"], repo)
    if r.returncode not in (0, 3):
        return ["exit %d: %s" % (r.returncode, r.stderr.decode().strip())], len(paths)
    rows = list(csv.reader(io.StringIO(r.stdout.decode())))
    col = rows[0].index("spec")
    for p in paths:
        want = git_follow(repo, p)
        got = [(row[0], row[4]) for row in rows[1:] if row[col] == p]
        got.reverse()  # the timeline is oldest first, git log newest first
        if got != want:
            bad.append("%s: kfpcache %s, git %s" % (p, show(got), show(want)))
    shutil.rmtree(repo, ignore_errors=True)
    return bad, len(paths)


def check(args):
    return one(*args)


def random_main(kfpcache, work, first, count):
    seeds = range(first, first + count)
    # Two workers (the suite runs on two cores); results in seed order.
    with multiprocessing.Pool(2) as pool:
        results = pool.map(check, [(kfpcache, work, s) for s in seeds])
    failed = compared = 0
    for seed, (bad, n) in zip(seeds, results):
        compared += n
        if bad:
            failed += 1
            print("not ok - follow seed %d: %s" % (seed, "; ".join(bad)))
    print("%s - follow: %d random histories, %d paths, %d differ from git log --follow" % (
        "ok" if not failed else "not ok", count, compared, failed))


def build(repo, snapshots):
    """A linear repository, one commit per snapshot {path: bytes}."""
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    run(["git", "init", "-q", "--template=", "-b", "main"], repo)
    out = []
    for i, (msg, files) in enumerate(snapshots):
        t = 1700000000 + 3600 * i
        out.append(("commit refs/heads/main\nauthor T <t@t.invalid> %d +0000\n"
                    "committer T <t@t.invalid> %d +0000\ndata %d\n%s\ndeleteall\n" %
                    (t, t, len(msg), msg)).encode())
        for p in sorted(files):
            out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (p.encode(), len(files[p]),
                                                                files[p]))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, env=ENV, input=b"".join(out),
                   check=True)


def compare(kfpcache, repo, path, threshold=None):
    """kfpcache's (commit, path) rows newest first, git's, and an error."""
    extra = ["--follow-threshold", str(threshold)] if threshold else []
    r = run([kfpcache, "history", "-q", "-j", "1", "--repo", ".", "--follow", path,
             "--csv", "-"] + extra, repo)
    if r.returncode not in (0, 3):
        return None, None, "exit %d: %s" % (r.returncode, r.stderr.decode().strip())
    rows = list(csv.reader(io.StringIO(r.stdout.decode())))
    got = [(row[0], row[4]) for row in rows[1:]]
    got.reverse()
    return got, git_follow(repo, path, ["-M%d%%" % threshold] if threshold else []), None


def lines(n, tag):
    return b"".join(b"%s line %d of a compiled spec\n" % (tag, i) for i in range(n))


def shape_list():
    base = lines(40, b"base")
    other = lines(40, b"other")
    half = lines(24, b"base") + lines(14, b"new")
    near = lines(36, b"base") + lines(4, b"near")
    mid = lines(25, b"base") + lines(15, b"mid")
    # Spec-like neighbours: a third of each block alike, under git's 50 %
    # (libgit2's measure rated such pairs above the old 30 % threshold).
    spec_a = b"".join(b"      componentInputParameter: pipelinechannel--task-%d-output\n"
                      b"        taskOutputParameter:\n"
                      b"          outputParameterKey: Output-%d-a\n" % (i, i) for i in range(15))
    spec_b = b"".join(b"      componentInputParameter: pipelinechannel--flip-%d-result\n"
                      b"        taskOutputParameter:\n"
                      b"          outputParameterKey: Output-%d-b\n" % (i, i) for i in range(15))
    return [
        # name, snapshots, followed path, expected names newest first
        ("copy-stays", [("add", {"a/p.yaml": base}),
                        ("edit", {"a/p.yaml": base + b"x\n"}),
                        ("copy", {"a/p.yaml": base + b"x\n", "b/p.yaml": base + b"x\n"}),
                        ("edit copy", {"a/p.yaml": base + b"x\n", "b/p.yaml": base + b"y\n"})],
         "b/p.yaml", ["b/p.yaml", "b/p.yaml", "a/p.yaml", "a/p.yaml"]),
        ("partial-copy", [("add", {"a/p.yaml": base, "z.txt": other}),
                          ("copy half", {"a/p.yaml": base, "z.txt": other, "c/q.yaml": half})],
         "c/q.yaml", ["c/q.yaml", "a/p.yaml"]),
        # 59 % alike (R059): a rename at git's 50 %, none at -M60%, one at -M55%
        ("threshold-60", [("add", {"old.yaml": base}), ("move", {"new.yaml": half})],
         "new.yaml", ["new.yaml"]),
        ("threshold-55", [("add", {"old.yaml": base}), ("move", {"new.yaml": half})],
         "new.yaml", ["new.yaml", "old.yaml"]),
        ("delete-and-unrelated-add", [("add", {"old.yaml": spec_a}),
                                      ("replace", {"new.yaml": spec_b})],
         "new.yaml", ["new.yaml"]),
        ("deleted-beats-closer-copy", [("add", {"keep.yaml": base, "gone.yaml": mid}),
                                       ("move", {"keep.yaml": base, "dst.yaml": near})],
         "dst.yaml", ["dst.yaml", "gone.yaml"]),
        ("exact-tie-path-order", [("add", {"a/other.yaml": base, "b/p.yaml": base}),
                                  ("dup", {"b/p.yaml": base, "c/p.yaml": base})],
         "c/p.yaml", ["c/p.yaml", "a/other.yaml"]),
        ("exact-basename", [("add", {"a/other.yaml": base, "b/p.yaml": base}),
                            ("dup", {"a/other.yaml": base, "b/p.yaml": base, "c/p.yaml": base})],
         "c/p.yaml", ["c/p.yaml", "b/p.yaml"]),
        ("four-candidates", [("add", dict([("k%d.yaml" % i, near) for i in range(4)] +
                                          [("gone.yaml", mid)])),
                             ("add dst", dict([("k%d.yaml" % i, near) for i in range(4)] +
                                              [("dst.yaml", base)]))],
         # record_if_better puts k3 in gone.yaml's slot, first of equals
         "dst.yaml", ["dst.yaml", "k3.yaml"]),
    ]


def shapes_main(kfpcache, work):
    for name, snaps, path, names in shape_list():
        repo = os.path.join(work, "shape-" + name)
        build(repo, snaps)
        threshold = None
        if name.startswith("threshold-"):   # --follow-threshold N is git's -MN%
            threshold = int(name.split("-")[1])
        got, want, err = compare(kfpcache, repo, path, threshold)
        if err or got != want or [p for _, p in got] != names:
            print("not ok - follow shape %s: %s; kfpcache %s, git %s, expected %s" % (
                name, err or "", show(got or []), show(want or []), " ".join(names)))
        else:
            print("ok - follow shape %s: %s" % (name, " <- ".join(names)))
        shutil.rmtree(repo, ignore_errors=True)


def lineage_snapshots(corpus, name, decoys):
    """commits.tsv replayed with copies kept; decoys deleted at each R/C row."""
    hist = os.path.join(corpus, "history", name)
    rows = list(csv.DictReader(open(os.path.join(hist, "commits.tsv")), delimiter="\t"))
    files, cur, snaps = {}, None, []
    for i, d in enumerate(decoys):
        files["decoy/%d/%s" % (i, os.path.basename(d))] = open(d, "rb").read()
    left = sorted(p for p in files if p.startswith("decoy/"))
    for row in rows:
        ch, src = row["change"], None
        if ch.startswith("D"):
            files.pop(cur, None)
        else:
            if cur and cur != row["path_at_that_commit"] and ch.startswith("R"):
                files.pop(cur, None)
            src = cur if ch.startswith("C") and cur != row["path_at_that_commit"] else None
            files[row["path_at_that_commit"]] = open(os.path.join(hist, row["file"]), "rb").read()
            cur = row["path_at_that_commit"]
            if ch[0] in "RC" and left:
                files.pop(left.pop(0))
        snaps.append((row["subject"], dict(files)))
        if src:
            # The source of a copy stays, untouched by the copy, then goes
            # its own way (KFP's SDK copies were regenerated apart from the
            # test data): reindented, it is no candidate for later copies.
            files[src] = files[src].replace(b" ", b"  ")
            snaps.append(("the source of the copy moves on", dict(files)))
    return snaps, [(r["path_at_that_commit"]) for r in reversed(rows)]


def lineage_main(kfpcache, work, corpus, names):
    specs = sorted(os.path.join(corpus, "specs", f) for f in os.listdir(os.path.join(corpus, "specs")))
    licence = [os.path.join(corpus, "LICENSE")] * 8
    for name in names:
        for label, decoys in (("copies kept", licence), ("spec decoys deleted", specs[:8])):
            snaps, paths = lineage_snapshots(corpus, name, decoys)
            repo = os.path.join(work, "lineage-" + name)
            build(repo, snaps)
            got, want, err = compare(kfpcache, repo, paths[0])
            exact = label == "copies kept"
            if err or got != want or (exact and [p for _, p in got] != paths):
                print("not ok - follow lineage %s, %s: %s; kfpcache %d rows, git %d, commits.tsv %d"
                      % (name, label, err or "", len(got or []), len(want or []), len(paths)))
            else:
                print("ok - follow lineage %s, %s: %d commits as git log --follow%s" % (
                    name, label, len(got), " and commits.tsv" if exact else ""))
            shutil.rmtree(repo, ignore_errors=True)


def main():
    mode, kfpcache, work = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "random":
        random_main(kfpcache, work, int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "shapes":
        shapes_main(kfpcache, work)
    else:
        lineage_main(kfpcache, work, sys.argv[4], sys.argv[5:])


if __name__ == "__main__":
    main()
