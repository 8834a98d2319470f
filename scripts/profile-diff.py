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


def load(path):
    stacks = []
    with open(path) as f:
        for line in f:
            stack, n = line.rstrip("\n").rsplit(" ", 1)
            # lambda classes are numbered per JVM: one name for both
            frames = [re.sub(r"\$\$Lambda\$[0-9]+(/|\.)0x[0-9a-f]+", "$$Lambda", f) for f in stack.split(";")]
            thread = re.sub(r"^\[(.*?)(?: tid=\d+)?\]$", r"\1", frames[0])
            stacks.append((group(thread), frames[1:], int(n)))
    return stacks


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    msgs = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    only = sys.argv[4] if len(sys.argv) > 4 else None
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 40
    unit = "ms/msg" if msgs != 1.0 else "samples"
    na, nb = (os.path.basename(p).split(".")[0] for p in sys.argv[1:3])
    ga, gb = collections.Counter(), collections.Counter()
    for g, _, n in a:
        ga[g] += n
    for g, _, n in b:
        gb[g] += n
    print("%-10s %10s %10s %10s  (%s)" % ("group", na, nb, "added", unit))
    for g in sorted(set(ga) | set(gb), key=lambda g: -(gb[g] - ga[g])):
        print("%-10s %10.3f %10.3f %+10.3f" % (g, ga[g] / msgs, gb[g] / msgs, (gb[g] - ga[g]) / msgs))
    ia, ib = collections.Counter(), collections.Counter()
    for stacks, inc in ((a, ia), (b, ib)):
        for g, frames, n in stacks:
            if only and g != only:
                continue
            for fr in set(frames):
                inc[fr] += n
    diff = sorted(set(ia) | set(ib), key=lambda f: -(ib[f] - ia[f]))
    print("\nframes with the largest added inclusive CPU%s (%s): %s, %s, added" % (" in " + only if only else "", unit, na, nb))
    for fr in diff[:top]:
        print("%9.3f %9.3f %+9.3f  %s" % (ia[fr] / msgs, ib[fr] / msgs, (ib[fr] - ia[fr]) / msgs, fr))


if __name__ == "__main__":
    main()
