#!/usr/bin/env bash
# JMH benchmarks of the SPF/DMARC module (single thread, warm DNS cache): mailsec SPF vs jSPF 1.0.3
# (James 3.8.1's built-in SPF library) on the same 3-level include chain, and mailsec DMARC; then
# MailAuthCheck (DKIM verification, SPF, DMARC, one Authentication-Results header) on the load run's
# message (10 KB, RSA-2048 signature) in James's MimeMessageWrapper, with a real dnsmasq on
# 127.0.2.53 (needs root) behind a warm cache, against a baseline that only builds the Mail.
# Prints our figure, the peer's figure and the ratio. Extra arguments go to JMH. Not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
RESULT=$(mktemp --suffix=.json)
trap 'rm -f "$RESULT"' EXIT
CP="$(scripts/bench-classpath.sh)"
JAVA_OPTS=()
[ "${MAILSEC_BENCH_IGNORE_LOCK:-0}" = 1 ] && JAVA_OPTS+=(-Djmh.ignoreLock=true)
java "${JAVA_OPTS[@]}" -cp "$CP" org.openjdk.jmh.Main 'io.mailsec.bench.spfdmarc.(SpfDmarcBenchmark|MailAuthCheckBenchmark)' -rf json -rff "$RESULT" "$@" >&2
python3 - "$RESULT" <<'PY'
import json, sys
res = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
def f(name):
    m = res[name]
    try:
        err = float(m["scoreError"])
    except (TypeError, ValueError):
        err = float("nan")
    return float(m["score"]), err
print("%-28s %14s %12s" % ("benchmark (1 thread, warm)", "ops/s", "+/- 99.9%"))
for n in ["spfMailsec", "spfJspf", "dmarcRfc9989Pass", "dmarcRfc9989Fail", "dmarcRfc7489Pass"]:
    if n in res:
        s, e = f(n)
        print("%-28s %14.0f %12.0f" % (n, s, e))
if "spfMailsec" in res and "spfJspf" in res:
    ours, peer = f("spfMailsec")[0], f("spfJspf")[0]
    print("SPF 3-level include chain: mailsec %.0f/s, jSPF 1.0.3 %.0f/s, ratio mailsec/jSPF = %.1fx (target >= 50,000/s: %s)"
          % (ours, peer, ours / peer, "met" if ours >= 50000 else "NOT met"))
d = [f(n)[0] for n in ["dmarcRfc9989Pass", "dmarcRfc9989Fail", "dmarcRfc7489Pass"] if n in res]
if d:
    print("DMARC: slowest case %.0f/s (target >= 100,000/s: %s)" % (min(d), "met" if min(d) >= 100000 else "NOT met"))
if "mailAuthCheck" in res and "baseline" in res:
    (m, me), (b, be) = f("mailAuthCheck"), f("baseline")
    print("MailAuthCheck per 10 KB signed message: %.1f +/- %.1f us, building the Mail alone %.1f +/- %.1f us:"
          " the checks %.1f us" % (m, me, b, be, m - b))
PY
