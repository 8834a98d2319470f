#!/usr/bin/env bash
# End-to-end load run (issue 7): James's stock pipeline vs the mailsec inbound pipeline vs James's own
# DKIMVerify + SPF mailets (the peer), three real James 3.8.1 processes, rotating rounds.
# Needs root (dnsmasq on 127.0.6.53:53).
# Usage: scripts/bench-pipeline.sh [messagesPerRound=1500] [rounds=8]   -> bench/target/pipeline/pipeline.txt
# Environment: BENCH_WARMUP [max(30000, 2 x messagesPerRound)] warm-up messages per James at least before
#              measuring; the warm-up then goes on until the compiler threads of every James used < 0.1 ms
#              per message in a round, at most BENCH_WARMUP_MAX [90000] messages;
#              BENCH_JFR=1 records every James JVM with JFR during the measured rounds
#              (bench/target/pipeline/{stock,mailsec,builtin}.jfr); BENCH_JFR_SETTINGS [profile]
#              the JFR settings (default has less overhead, profile samples Java code twice as often);
#              BENCH_PEER=0 leaves the peer out (two James, order flipped every round);
#              BENCH_PEER=nochecks (diagnostic) runs instead of the peer the mailsec configuration with
#              MailAuthCheck replaced by MailsecStamp (same hooks, steps and modified message, none of
#              the checks' work): mailsec minus nochecks is what the checks cost inside James;
#              BENCH_PROFILE=1 loads async-profiler into every James JVM for the measured rounds (CPU
#              samples of all threads; bench/target/pipeline/{stock,mailsec,builtin}.collapsed,
#              compared by scripts/profile-diff.py);
#              BENCH_STOCK_HEADER=1 (diagnostic) sends stock its messages with an Authentication-Results
#              field as long as the one mailsec adds, leaving the cost of the checks without that of the header.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests >&2   # the plugin jars and the CLI that run-james.sh installs
CP="$(scripts/bench-classpath.sh)"
exec java -cp "$CP" -Dbench.jfr="${BENCH_JFR:+true}" -Dbench.jfr.settings="${BENCH_JFR_SETTINGS:-profile}" -Dbench.stockHeader="${BENCH_STOCK_HEADER:+true}" -Dbench.profile="${BENCH_PROFILE:+true}" -Dbench.peer="$(case "${BENCH_PEER:-1}" in 0) echo false;; nochecks) echo nochecks;; *) echo builtin;; esac)" ${BENCH_WARMUP:+-Dbench.warmup=$BENCH_WARMUP} ${BENCH_WARMUP_MAX:+-Dbench.warmupMax=$BENCH_WARMUP_MAX} -Dmailsec.root="$PWD" io.mailsec.bench.pipeline.PipelineBenchMain "$@"
