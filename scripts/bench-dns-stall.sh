#!/usr/bin/env bash
# Issue 19 "DNS without stalls": N concurrent cold lookups against a local server answering after 5 ms
# (127.0.25.53:53, needs root), through dnsjava 3.5.2's SimpleResolver and mailsec's MailsecDnsResolver,
# alternating rounds in one run; per-query latency percentiles. Not part of the test run.
# Usage: scripts/bench-dns-stall.sh [lookups=1000] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
CP="$(scripts/bench-classpath.sh)"
exec java -cp "$CP" io.mailsec.bench.dns.DnsStallBenchMain "$@"
