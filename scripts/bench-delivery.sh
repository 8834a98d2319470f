#!/usr/bin/env bash
# Slow-peer isolation (issue 17): mailsec's TlsPolicyDelivery vs James's own RemoteDelivery in james-conf's
# relay processor, one real James after the other, the same tarpit MX and healthy MX (needs root: dnsmasq
# on 127.0.8.153:53, listeners on port 25).
# Usage: scripts/bench-delivery.sh [tarpittedMessages=200]   -> bench/target/delivery/slow-peer.txt
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests >&2   # the plugin jars and the CLI that run-james.sh installs
CP="$(scripts/bench-classpath.sh)"
exec java -cp "$CP" -Dmailsec.root="$PWD" io.mailsec.bench.delivery.SlowPeerBenchMain "$@"
