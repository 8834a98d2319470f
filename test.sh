#!/usr/bin/env bash
# Runs every test of mailsec: installs the Debian packages the tests use as real peers
# (when missing; needs root), then the whole Maven build with unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-test-deps.sh
exec mvn -B verify "$@"
