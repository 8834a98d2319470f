#!/usr/bin/env bash
# Virus-scan benchmarks (JMH, not part of the test run). Starts its own clamd (127.0.3.1, free port)
# with the conformance signatures; prints our figure, the direct-INSTREAM figure and the ratio.
#   scripts/bench-av.sh            # full run (~14 min)
#   QUICK=1 scripts/bench-av.sh    # shorter iterations
#   BENCH=small|large|walk         # one part only; walk = the MIME walk alone, hand-written vs mime4j
#                                  # (no clamd; ~7 min: JMH, then CPU time in alternating rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/target/av
mkdir -p "$OUT"
CP="$(MAVEN_OPTS="${MAVEN_OPTS:-}" scripts/bench-classpath.sh)"
ITER=()
if [ -n "${QUICK:-}" ]; then ITER=(-wi 1 -w 2s -i 2 -r 3s); fi
# -Djmh.ignoreLock: other sessions on this machine may run JMH too (figures are then noisier; the
# interleaved rounds below are the robust comparison)
run() { java -Djmh.ignoreLock=true -cp "$CP" org.openjdk.jmh.Main "$@" "${ITER[@]}" -foe true; }

B="${BENCH:-all}"
if [ "$B" = all ] || [ "$B" = small ]; then
  run 'ScanThroughputBench' -t 1 -rf json -rff "$OUT/small-t1.json"
  run 'ScanThroughputBench' -t 4 -rf json -rff "$OUT/small-t4.json"
fi
if [ "$B" = all ] || [ "$B" = small ]; then
  # alternating rounds: robust against load changes on a shared machine
  R=${ROUNDS:-10}
  java -cp "$CP" io.mailsec.bench.av.InterleavedBench 1 "$R" 2000 | tee "$OUT/interleaved-t1.txt"
  java -cp "$CP" io.mailsec.bench.av.InterleavedBench 4 "$R" 2000 | tee "$OUT/interleaved-t4.txt"
fi
if [ "$B" = all ] || [ "$B" = large ]; then
  run 'LargeAttachmentBench' -t 1 -prof gc -rf json -rff "$OUT/large.json"
fi
if [ "$B" = all ] || [ "$B" = walk ]; then
  # issue 16: all walks in one JMH run (same JVM build, same machine state), then CPU time
  run 'MimeWalkBench' -t 1 -prof gc -rf json -rff "$OUT/walk.json"
  java -cp "$CP" io.mailsec.bench.av.MimeWalkCpuBench "${ROUNDS:-10}" 1000 | tee "$OUT/walk-cpu.txt"
fi

python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    res = {}
    for r in json.load(open(os.path.join(out, name))):
        m = r["benchmark"].rsplit(".", 1)[1]
        res[m] = r["primaryMetric"]["score"]
        for k, v in r.get("secondaryMetrics", {}).items():
            res[m + ":" + k] = v["score"]
    return res
def full(name):
    return json.load(open(os.path.join(out, name)))
if os.path.exists(os.path.join(out, "walk.json")):
    print()
    print("== MIME walk + decoding into a null sink (no clamd), 1 thread -- JMH, 99.9 % error ==")
    rows = {}
    for r in full("walk.json"):
        w = r["benchmark"].rsplit(".", 1)[1]
        msg = r["params"]["message"]
        pm, sm = r["primaryMetric"], r.get("secondaryMetrics", {})
        rows[(msg, w)] = (pm["score"], pm["scoreError"], sm.get("rawBytes", {}).get("score", 0) / 1e6,
                          sm.get("rawBytes", {}).get("scoreError", 0) / 1e6,
                          sm.get("gc.alloc.rate.norm", {}).get("score", 0) / 1024)
    for msg in sorted({k[0] for k in rows}, key=["typical", "large", "largeShortBoundary"].index):
        base = rows.get((msg, "handWritten"))
        for w in ("handWritten", "mime4j", "mime4jOurBase64"):
            if (msg, w) not in rows:
                continue
            ops, err, mbs, mberr, kb = rows[(msg, w)]
            print("%-18s %-16s %10.1f ± %7.1f msg/s  %7.1f ± %5.1f MB/s  %8.1f KB allocated/msg  ratio %.3f"
                  % (msg, w, ops, err, mbs, mberr, kb, ops / base[0]))
    f = os.path.join(out, "walk-cpu.txt")
    if os.path.exists(f):
        print("== the same, CPU time of the walking thread, alternating rounds ==")
        print("".join(l for l in open(f) if l.startswith("CPU")), end="")
if not os.path.exists(os.path.join(out, "small-t1.json")) and not os.path.exists(os.path.join(out, "large.json")):
    sys.exit(0)
print()
print("== small message (text + 1.5 KB zip, 2 parts) -- messages/s ==")
for t in ("t1", "t4"):
    if not os.path.exists(os.path.join(out, "small-%s.json" % t)):
        continue
    r = load("small-%s.json" % t)
    ours, nos, direct = r["ourScanner"], r["ourScannerWithoutSessions"], r["directInstream"]
    print("threads=%s  ours(pooled sessions) %8.0f msg/s | ours(no sessions) %8.0f msg/s | direct INSTREAM %8.0f msg/s"
          " | ratio %.2f (no sessions %.2f)" % (t[1:], ours, nos, direct, ours / direct, nos / direct))
print("== interleaved rounds (ours, direct, ours, ...) ==")
for t in ("t1", "t4"):
    f = os.path.join(out, "interleaved-%s.txt" % t)
    if os.path.exists(f):
        print([l for l in open(f) if l.startswith("RESULT")][-1].strip())
if not os.path.exists(os.path.join(out, "large.json")):
    sys.exit(0)
r = load("large.json")
ours, direct = r["ourScanner20MB"], r["directInstream20MB"]
print("== 20 MB attachment (base64 in the message) -- ms per message ==")
print("ours %.1f ms | direct INSTREAM of the decoded 20 MB %.1f ms | ratio (direct/ours, higher is better) %.2f" % (ours, direct, direct / ours))
alloc = r.get("ourScanner20MB:gc.alloc.rate.norm")
if alloc is not None:
    print("heap allocated per 20 MB scan (ours): %.0f KB; direct client holding the part: %.0f KB"
          % (alloc / 1024, r.get("directInstream20MB:gc.alloc.rate.norm", 0) / 1024))
PY
