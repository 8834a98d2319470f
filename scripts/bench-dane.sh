#!/usr/bin/env bash
# JMH benchmark of the DNS side of DANE (single thread, warm caches): a cached validated lookup next
# to the same lookup in the unvalidated cache, and a whole cached DANE decision per domain (MX, A,
# AAAA, TLSA of the MX host, statuses checked, TLSA RDATA read) in validate and trust-ad mode,
# against the issue's target of 10 us. The answers come from mailsec-core's DnssecTestbed (signed
# zones on NSD 127.0.17.53, unbound on .54/.55): needs root, nsd, ldnsutils, unbound. Extra
# arguments go to JMH. Not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
RESULT=$(mktemp --suffix=.json)
trap 'rm -f "$RESULT"' EXIT
CP="$(scripts/bench-classpath.sh)"
JAVA_OPTS=()
[ "${MAILSEC_BENCH_IGNORE_LOCK:-0}" = 1 ] && JAVA_OPTS+=(-Djmh.ignoreLock=true)
java "${JAVA_OPTS[@]}" -cp "$CP" org.openjdk.jmh.Main 'io.mailsec.bench.dane.DaneLookupBenchmark' -rf json -rff "$RESULT" "$@" >&2
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
print("%-26s %12s %12s" % ("benchmark (1 thread, warm)", "ns/op", "+/- 99.9%"))
for n in ["validatedMxCached", "plainMxCached", "validatedTlsaCached", "daneDecisionValidated", "daneDecisionTrustAd",
          "deliveryDecisionValidated", "deliveryDecisionTrustAd", "plainDecision"]:
    if n in res:
        s, e = f(n)
        print("%-26s %12.1f %12.1f" % (n, s, e))
if "validatedMxCached" in res and "plainMxCached" in res:
    v, p = f("validatedMxCached")[0], f("plainMxCached")[0]
    print("cached MX lookup: validated %.0f ns, unvalidated %.0f ns, ratio validated/unvalidated = %.2fx" % (v, p, v / p))
for n in ["daneDecisionValidated", "daneDecisionTrustAd", "deliveryDecisionValidated", "deliveryDecisionTrustAd"]:
    if n in res:
        s = f(n)[0]
        print("%s: %.2f us per domain (target <= 10 us: %s)" % (n, s / 1000, "met" if s <= 10000 else "NOT met"))
PY
