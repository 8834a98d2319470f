#!/usr/bin/env bash
# JMH: what MailAuthCheck (DKIM verification, SPF, DMARC, one Authentication-Results header) costs per
# message on the load run's message (10 KB, RSA-2048 signature) held in James's MimeMessageWrapper,
# with a real dnsmasq (127.0.2.53, needs root) behind a warm cache. Prints both benchmarks and the
# difference (the checks alone). Extra arguments go to JMH (e.g. -prof gc). Not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
CP_FILE=$(mktemp)
RESULT=$(mktemp --suffix=.json)
trap 'rm -f "$CP_FILE" "$RESULT"' EXIT
mvn -B -q -pl spf-dmarc-matcher -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >&2
CP="spf-dmarc-matcher/target/test-classes:spf-dmarc-matcher/target/classes:dkim-mailet/target/classes:mailsec-core/target/classes:$(cat "$CP_FILE")"
java -cp "$CP" org.openjdk.jmh.Main 'io.mailsec.spfdmarc.bench.MailAuthCheckBenchmark' -rf json -rff "$RESULT" "$@" >&2
python3 - "$RESULT" <<'PY'
import json, sys
res = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
for n in ["baseline", "mailAuthCheck"]:
    print("%-14s %8.1f +/- %5.1f us/op" % (n, res[n]["score"], res[n]["scoreError"]))
print("checks alone (mailAuthCheck - baseline): %.1f us per message" % (res["mailAuthCheck"]["score"] - res["baseline"]["score"]))
PY
