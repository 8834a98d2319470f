#!/usr/bin/env bash
# End-to-end load run (issue 7): James's stock pipeline vs the mailsec inbound pipeline, two real
# James 3.8.1 processes, alternating rounds. Needs root (dnsmasq on 127.0.6.53:53) and clamd.
# Usage: scripts/bench-pipeline.sh [messagesPerRound=1000] [rounds=3]   -> integration-tests/target/bench/pipeline.txt
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
CP="integration-tests/target/test-classes:$(cat integration-tests/target/bench.cp)"
exec java -cp "$CP" -Dmailsec.root="$PWD" io.mailsec.it.bench.PipelineBenchMain "$@"
