#!/usr/bin/env bash
# End-to-end load run (issue 7): James's stock pipeline vs the mailsec inbound pipeline, two real
# James 3.8.1 processes, alternating rounds. Needs root (dnsmasq on 127.0.6.53:53).
# Usage: scripts/bench-pipeline.sh [messagesPerRound=1500] [rounds=8]   -> integration-tests/target/bench/pipeline.txt
# Environment: BENCH_WARMUP [max(30000, 2 x messagesPerRound)] warm-up messages per James before measuring;
#              BENCH_JFR=1 records both James JVMs with JFR during the measured rounds
#              (integration-tests/target/bench/{stock,mailsec}.jfr); BENCH_JFR_SETTINGS [profile]
#              the JFR settings (default has less overhead, profile samples Java code twice as often);
#              BENCH_PROFILE=1 loads async-profiler into both James JVMs for the measured rounds (CPU
#              samples of all threads; integration-tests/target/bench/{stock,mailsec}.collapsed,
#              compared by scripts/profile-diff.py);
#              BENCH_STOCK_HEADER=1 (diagnostic) sends stock its messages with an Authentication-Results
#              field as long as the one mailsec adds, leaving the cost of the checks without that of the header.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >&2
CP="integration-tests/target/test-classes:$(cat integration-tests/target/bench.cp)"
exec java -cp "$CP" -Dbench.jfr="${BENCH_JFR:+true}" -Dbench.jfr.settings="${BENCH_JFR_SETTINGS:-profile}" -Dbench.stockHeader="${BENCH_STOCK_HEADER:+true}" -Dbench.profile="${BENCH_PROFILE:+true}" ${BENCH_WARMUP:+-Dbench.warmup=$BENCH_WARMUP} -Dmailsec.root="$PWD" io.mailsec.it.bench.PipelineBenchMain "$@"
