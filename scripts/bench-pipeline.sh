#!/usr/bin/env bash
# End-to-end load run (issue 7): James's stock pipeline vs the mailsec inbound pipeline, two real
# James 3.8.1 processes, alternating rounds. Needs root (dnsmasq on 127.0.6.53:53).
# Usage: scripts/bench-pipeline.sh [messagesPerRound=1500] [rounds=8]   -> integration-tests/target/bench/pipeline.txt
# Environment: BENCH_WARMUP [max(30000, 2 x messagesPerRound)] warm-up messages per James before measuring;
#              BENCH_JFR=1 records both James JVMs with JFR during the measured rounds
#              (integration-tests/target/bench/{stock,mailsec}.jfr); BENCH_JFR_SETTINGS [profile]
#              the JFR settings (default has less overhead, profile samples Java code twice as often).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
CP="integration-tests/target/test-classes:$(cat integration-tests/target/bench.cp)"
exec java -cp "$CP" -Dbench.jfr="${BENCH_JFR:+true}" -Dbench.jfr.settings="${BENCH_JFR_SETTINGS:-profile}" ${BENCH_WARMUP:+-Dbench.warmup=$BENCH_WARMUP} -Dmailsec.root="$PWD" io.mailsec.it.bench.PipelineBenchMain "$@"
