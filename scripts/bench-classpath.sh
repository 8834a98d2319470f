#!/usr/bin/env bash
# Builds the bench module and what it needs (one reactor run: the mailsec modules resolve to their
# target/ directories, nothing is installed) and prints the class path of the benchmarks.
# Used by scripts/bench-*.sh; run from the repository root.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
mkdir -p bench/target
mvn -B -q -pl bench -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=compile -Dmdep.outputFile="$ROOT/bench/target/classpath.txt" >&2
echo "$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")"
