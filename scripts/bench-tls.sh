#!/usr/bin/env bash
# JMH benchmark of TLS policy lookups (10,000 entries). Prints our figure, the target and the ratio.
# The "peer" figure is a linear scan over the same entries (what a naive list check costs) and the
# issue's target of 1,000,000 lookups/s.
set -euo pipefail
cd "$(dirname "$0")/.."
CP_FILE=$(mktemp)
# one reactor run: the mailsec modules resolve to their target/classes, nothing needs installing
mvn -B -q -pl tls-policy-mailet -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="tls-policy-mailet/target/test-classes:tls-policy-mailet/target/classes:mailsec-core/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
OUT=$(mktemp)
java -cp "$CP" org.openjdk.jmh.Main 'io.mailsec.tls.bench.*' -rf json -rff "$OUT" "$@" | grep -E '^(Benchmark|PolicyLookup|LinearScan|InboundHook|MessageId)' || true
python3 - "$OUT" <<'PY'
import json, sys
res = {r["benchmark"].split(".")[-1]: r["primaryMetric"]["score"] for r in json.load(open(sys.argv[1]))}
target = 1_000_000
for name in ("recipientLookup", "peerIpLookup"):
    if name in res:
        print(f"{name}: {res[name]:,.0f} lookups/s   target {target:,}/s   ratio {res[name]/target:.1f}x")
if "mailAndRcpt" in res:
    print(f"inbound hook, MAIL FROM + RCPT TO: {res['mailAndRcpt']:,.0f} ns per transaction "
          f"(a loopback SMTP transaction takes milliseconds: {res['mailAndRcpt']/1e6*100:.4f}% of 1 ms)")
if {"receivedMessageOnly", "scanReceivedBytes", "javaMailHeaderParse"} <= res.keys():
    base = res["receivedMessageOnly"]
    scan, parse = res["scanReceivedBytes"] - base, res["javaMailHeaderParse"] - base
    print(f"Message-ID for the tracking log, 10 KB received message: scan {scan:,.0f} ns, "
          f"JavaMail header parse (before) {parse:,.0f} ns, ratio {parse/scan:.1f}x")
if "linearScan" in res and "recipientLookup" in res:
    print(f"linear scan over the same 10,000 entries (peer): {res['linearScan']:,.0f} lookups/s   ratio {res['recipientLookup']/res['linearScan']:.0f}x")
PY
rm -f "$OUT"
