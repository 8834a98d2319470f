#!/usr/bin/env python3
"""Compares two async-profiler collapsed-stack files written with `threads` (first frame = thread name),
e.g. the load run's stock.collapsed and mailsec.collapsed. Samples are 1 ms of CPU each, so per thread
group and per frame the difference is CPU time; divide by the messages in the measured rounds for
ms per message.

usage: scripts/profile-diff.py BASE OTHER [messages] [group] [top]
   e.g. scripts/profile-diff.py integration-tests/target/bench/{stock,mailsec}.collapsed 12000 spooler
"""
import collections
import os
import re
import sys

GROUPS = [("spooler", r"^\[?spooler"), ("smtp", r"smtp"), ("mailbox", r"^\[?(blocking|boundedElastic)"),
          ("gc+vm", r"GC|VM Thread|G1|Parallel"), ("jit", r"C[12] CompilerThre")]


def group(thread):
    for name, pat in GROUPS:
        if re.search(pat, thread):
            return name
    return "other"


TIER = re.compile(r"_\[([0-9a-z])\]$")
TIERS = {"0": "interpreted", "1": "C1", "j": "C2", "i": "C2"}


def load(path):
    stacks = []
    with open(path) as f:
        for line in f:
            stack, n = line.rstrip("\n").rsplit(" ", 1)
            # lambda classes are numbered per JVM: one name for both
            frames = [re.sub(r"\$\$Lambda\$[0-9]+(/|\.)0x[0-9a-f]+", "$$Lambda", f) for f in stack.split(";")]
            thread = re.sub(r"^\[(.*?)(?: tid=\d+)?\]$", r"\1", frames[0])
            # profiles written with `ann` end each Java frame in how it ran; the tier of the innermost
            # Java frame is kept, the names are compared without it
            tiers = [m.group(1) for m in (TIER.search(f) for f in frames[1:]) if m and m.group(1) in TIERS]
            frames = [TIER.sub("", f) for f in frames[1:]]
            stacks.append((group(thread), frames, int(n), TIERS.get(tiers[-1]) if tiers else None))
    return stacks


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    msgs = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    only = sys.argv[4] if len(sys.argv) > 4 else None
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 40
    unit = "ms/msg" if msgs != 1.0 else "samples"
    na, nb = (os.path.basename(p).split(".")[0] for p in sys.argv[1:3])
    ga, gb = collections.Counter(), collections.Counter()
    for g, _, n, _ in a:
        ga[g] += n
    for g, _, n, _ in b:
        gb[g] += n
    print("%-10s %10s %10s %10s  (%s)" % ("group", na, nb, "added", unit))
    for g in sorted(set(ga) | set(gb), key=lambda g: -(gb[g] - ga[g])):
        print("%-10s %10.3f %10.3f %+10.3f" % (g, ga[g] / msgs, gb[g] / msgs, (gb[g] - ga[g]) / msgs))
    ia, ib = collections.Counter(), collections.Counter()
    for stacks, inc in ((a, ia), (b, ib)):
        for g, frames, n, _ in stacks:
            if only and g != only:
                continue
            for fr in set(frames):
                inc[fr] += n
    tiers = [collections.Counter((g, t) for g, _, n, t in s for _ in range(n)) for s in (a, b)]
    if any(t for (_, t) in tiers[0]) or any(t for (_, t) in tiers[1]):
        print("\nwhere the innermost Java frame ran (share of the group's Java samples): %s | %s" % (na, nb))
        for g in sorted(set(ga) | set(gb)):
            row = []
            for c in tiers:
                java = sum(v for (gg, t), v in c.items() if gg == g and t)
                row.append(" ".join("%s %4.1f%%" % (t, 100.0 * c[(g, t)] / java if java else 0) for t in ("interpreted", "C1", "C2")))
            print("%-10s %s | %s" % (g, row[0], row[1]))
    diff = sorted(set(ia) | set(ib), key=lambda f: -(ib[f] - ia[f]))
    print("\nframes with the largest added inclusive CPU%s (%s): %s, %s, added" % (" in " + only if only else "", unit, na, nb))
    for fr in diff[:top]:
        print("%9.3f %9.3f %+9.3f  %s" % (ia[fr] / msgs, ib[fr] / msgs, (ib[fr] - ia[fr]) / msgs, fr))


if __name__ == "__main__":
    main()
