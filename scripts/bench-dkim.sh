#!/usr/bin/env bash
# JMH benchmarks of mailsec DKIM next to James's built-in jDKIM 0.3 and the raw JDK primitive, in one JVM run.
# Single thread. Prints each figure, the peer's figure and the ratio, and checks the targets of issue #4.
# Usage: scripts/bench-dkim.sh [extra JMH args, e.g. -wi 1 -i 2]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT="${BENCH_OUT:-$ROOT/dkim-mailet/target/bench}"
mkdir -p "$OUT"
CP_FILE="$OUT/classpath.txt"
mvn -B -q -pl dkim-mailet -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="dkim-mailet/target/test-classes:dkim-mailet/target/classes:mailsec-core/target/classes:$(cat "$CP_FILE")"
java -cp "$CP" org.openjdk.jmh.Main 'io.mailsec.dkim.bench.DkimBench' -rf json -rff "$OUT/dkim-bench.json" "$@" \
    | tee "$OUT/dkim-bench.txt" | grep -E '^(Benchmark|DkimBench)' || true
python3 - "$OUT/dkim-bench.json" <<'PY'
import json, sys
rows = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in json.load(open(sys.argv[1]))}
def f(name): return rows.get(name, float("nan"))
print()
print(f"{'measure (ops/s, 1 thread)':44} {'mailsec':>10} {'peer':>10} {'ratio':>7}  target")
def line(label, ours, peer, peername, target, ok):
    print(f"{label:44} {ours:10.0f} {peer:10.0f} {ours/peer:6.2f}x  {target} -> {'OK' if ok else 'MISSED'}  (peer: {peername})")
line("verify RSA-2048, 4 KB", f("verifyRsa2048_4k_mailsec"), f("verifyRsa2048_4k_jdkim"), "jDKIM 0.3",
     ">= 20000/s", f("verifyRsa2048_4k_mailsec") >= 20000)
line("verify RSA-2048, 1 MB", f("verifyRsa2048_1m_mailsec"), f("verifyRsa2048_1m_jdkim"), "jDKIM 0.3",
     ">= 840/s", f("verifyRsa2048_1m_mailsec") >= 840)
r = f("signRsa2048_4k_mailsec") / f("signRsa2048_jdkRaw")
line("sign RSA-2048, 4 KB (vs raw JDK SHA256withRSA)", f("signRsa2048_4k_mailsec"), f("signRsa2048_jdkRaw"),
     "JDK SHA256withRSA", ">= 0.90x raw", r >= 0.90)
line("sign RSA-2048, 4 KB (vs jDKIM)", f("signRsa2048_4k_mailsec"), f("signRsa2048_4k_jdkim"), "jDKIM 0.3", "-", True)
print(f"{'sign Ed25519, 4 KB':44} {f('signEd25519_4k_mailsec'):10.0f} {'-':>10} {'-':>7}  >= 20000/s -> {'OK' if f('signEd25519_4k_mailsec') >= 20000 else 'MISSED'}  (jDKIM has no Ed25519)")
print(f"{'verify Ed25519, 4 KB':44} {f('verifyEd25519_4k_mailsec'):10.0f} {'-':>10} {'-':>7}  >= 10000/s -> {'OK' if f('verifyEd25519_4k_mailsec') >= 10000 else 'MISSED'}")
print()
print("floors (raw primitives, same run) and our share of them:")
for ours_n, raw_n, label in [("verifyRsa2048_4k_mailsec", "verifyRsa2048_jdkRaw", "RSA-2048 verify 4 KB vs raw JDK verify"),
                             ("signEd25519_4k_mailsec", "signEd25519_bcRaw", "Ed25519 sign 4 KB vs raw BC sign"),
                             ("verifyEd25519_4k_mailsec", "verifyEd25519_bcRaw", "Ed25519 verify 4 KB vs raw BC verify")]:
    print(f"{label:44} {f(ours_n):10.0f} {f(raw_n):10.0f} {f(ours_n)/f(raw_n):6.2f}x")
print(f"{'relaxed body c14n + SHA-256, 1 MB (floor)':44} {f('canonicalizeRelaxedBody_1m'):10.0f}")
PY
