#!/usr/bin/env bash
# OpenSSL's DANE test suite (test/danetest.in, test/dane-cross.in) through mailsec's DaneMatcher.
# The files are third-party data that reach conformance/dane/ through the steering repository's
# shared/ (conformance/dane/README.md: origin, blobs, licence); without them this fails, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in danetest.in dane-cross.in; do
  [ -f "conformance/dane/$f" ] || { echo "conformance/dane/$f is missing: see conformance/dane/README.md" >&2; exit 1; }
done
exec mvn -B -q -pl tls-policy-mailet -am test -Dmailsec.excludedGroups=none -Dgroups=conformance-data \
  -Dtest=OpenSslDaneSuiteTest -Dsurefire.failIfNoSpecifiedTests=false
