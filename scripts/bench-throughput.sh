#!/usr/bin/env bash
# Outbound throughput (issues 17, 18): mailsec's TlsPolicyDelivery vs James's own RemoteDelivery in james-conf's
# relay processor, two real James processes taking turns, 5 remote domains on a real Postfix with STARTTLS:
# DANE-EE, DANE-TA, MTA-STS enforce, a verify entry, the default may (needs root: DNSSEC testbed on
# 127.0.17.53-55 (nsd, ldnsutils, unbound), nginx on 127.0.12.10:443, Postfix listeners on 127.0.12.21-25:25).
# Usage: scripts/bench-throughput.sh [messagesPerRound=5000] [rounds=3] [warmup=1000]
#        -> bench/target/delivery/throughput.txt
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests >&2   # the plugin jars and the CLI that run-james.sh installs
CP="$(scripts/bench-classpath.sh)"
exec java -cp "$CP" -Dmailsec.root="$PWD" io.mailsec.bench.delivery.ThroughputBenchMain "$@"
