#!/usr/bin/env bash
# JMH benchmark of TLS policy lookups (10,000 entries). Prints our figure, the target and the ratio.
# The "peer" figure is a linear scan over the same entries (what a naive list check costs) and the
# issue's target of 1,000,000 lookups/s.
set -euo pipefail
cd "$(dirname "$0")/.."
CP="$(scripts/bench-classpath.sh 2>/dev/null)"
OUT=$(mktemp)
java -cp "$CP" org.openjdk.jmh.Main 'io.mailsec.bench.tls.*' -rf json -rff "$OUT" "$@" | grep -E '^(Benchmark|PolicyLookup|LinearScan|InboundHook|MessageId)' || true
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
