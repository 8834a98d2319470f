#!/usr/bin/env bash
# Benchmarks mailsec DKIM next to James's built-in jDKIM 0.3 and the raw primitives (JDK SHA256withRSA,
# Bouncy Castle Ed25519), single thread, in the same JVM: (1) JMH, wall clock; (2) operations per
# CPU-second of the measuring thread (robust when other processes load the machine).
# Prints each figure, the peer's figure, the ratio and the issue #4 targets, absolute and scaled to this
# machine by the jDKIM rate measured in the same run (the issue quotes jDKIM at ~4,200/s on its machines).
# Usage: scripts/bench-dkim.sh [extra JMH args, e.g. -wi 1 -i 2]     (BENCH_CPU_ONLY=1 skips JMH)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT="${BENCH_OUT:-$ROOT/dkim-mailet/target/bench}"
mkdir -p "$OUT"
CP="$("$ROOT/scripts/bench-classpath.sh" 2>/dev/null)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
if [ -z "${BENCH_CPU_ONLY:-}" ]; then
  java -cp "$CP" org.openjdk.jmh.Main 'io.mailsec.bench.dkim.DkimBench' -rf json -rff "$OUT/dkim-bench.json" "$@" \
      > "$OUT/dkim-bench.txt"
  grep -E '^(Benchmark|DkimBench)' "$OUT/dkim-bench.txt" || true
fi
java -cp "$CP" io.mailsec.bench.dkim.DkimCpuBench 3 4 > "$OUT/dkim-cpu.tsv"
python3 - "$OUT" "${BENCH_CPU_ONLY:-}" <<'PY'
import json, os, sys
out, cpu_only = sys.argv[1], sys.argv[2]
# Issue #4 states its absolute targets for machines where jDKIM 0.3 verifies a 4 KB RSA-2048 message
# about 4,200 times a second. Each absolute target is also shown scaled to this machine by jDKIM's rate
# measured in the same run (the ratio to jDKIM is what carries over between machines).
JDKIM_REFERENCE = 4200.0
def table(title, rows):
    f = lambda n: rows.get(n, float("nan"))
    scale = f("verifyRsa2048_4k_jdkim") / JDKIM_REFERENCE
    print(f"\n== {title} ==")
    print(f"machine speed vs the issue's reference (jDKIM verify 4 KB {f('verifyRsa2048_4k_jdkim'):.0f}/s vs {JDKIM_REFERENCE:.0f}/s): {scale:.2f}x")
    print(f"{'measure (ops/s, 1 thread)':46} {'mailsec':>9} {'peer':>9} {'ratio':>7}  target (scaled to this machine)")
    def line(label, ours, peer, target, note=""):
        o, p = f(ours), f(peer)
        if isinstance(target, float):
            verdict = f">= {target:.2f}x raw -> {'met' if o >= target * p else 'NOT met'}"
        elif target:
            scaled = target * scale
            verdict = (f">= {target}/s ({scaled:.0f}/s here) -> absolute {'met' if o >= target else 'NOT met'}, "
                       f"scaled {'met' if o >= scaled else 'NOT met'}")
        else:
            verdict = "-"
        print(f"{label:46} {o:9.0f} {p:9.0f} {o/p:6.2f}x  {verdict} {note}")
    line("verify RSA-2048 4 KB (peer jDKIM 0.3)", "verifyRsa2048_4k_mailsec", "verifyRsa2048_4k_jdkim", 20000)
    line("verify RSA-2048 1 MB (peer jDKIM 0.3)", "verifyRsa2048_1m_mailsec", "verifyRsa2048_1m_jdkim", 840)
    line("sign RSA-2048 4 KB (peer raw JDK SHA256withRSA)", "signRsa2048_4k_mailsec", "signRsa2048_jdkRaw", 0.90)
    line("sign RSA-2048 4 KB (peer jDKIM 0.3)", "signRsa2048_4k_mailsec", "signRsa2048_4k_jdkim", None)
    line("sign Ed25519 4 KB (peer raw BC sign)", "signEd25519_4k_mailsec", "signEd25519_bcRaw", 20000,
         "(jDKIM has no Ed25519)")
    line("verify Ed25519 4 KB (peer raw BC verify)", "verifyEd25519_4k_mailsec", "verifyEd25519_bcRaw", 10000)
    line("verify RSA-2048 4 KB (peer raw JDK verify)", "verifyRsa2048_4k_mailsec", "verifyRsa2048_jdkRaw", None)
    print(f"{'relaxed body c14n + SHA-256 of 1 MB alone':46} {f('canonicalizeRelaxedBody_1m'):9.0f}")
    print(f"{'SHA-256 of 1 MB alone (JDK)':46} {f('sha256_1m_jdkRaw'):9.0f}")
if not cpu_only and os.path.exists(f"{out}/dkim-bench.json"):
    rows = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in json.load(open(f"{out}/dkim-bench.json"))}
    table("JMH, wall clock", rows)
rows = {}
for l in open(f"{out}/dkim-cpu.tsv"):
    k, _, v = l.strip().partition("\t")
    if v:
        rows[k] = float(v)
table("operations per CPU-second of the measuring thread", rows)
PY
