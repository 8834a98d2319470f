#!/usr/bin/env bash
# Prepares james-conf/deploy/ (git-ignored) for the official image apache/james:memory-3.8.1:
#   deploy/conf/             a copy of james-conf/conf (edit this copy, never the tracked files)
#   deploy/extensions-jars/  the five mailsec plugin jars
#   deploy/conf/tls/         server.key + server.crt: a test CA and certificate for HOSTNAME unless
#                            you put your own there first (kept between runs)
# Then: cd james-conf && docker compose up    (or: docker build -f james-conf/Dockerfile .)
# Usage: james-conf/bin/prepare-docker.sh [HOSTNAME=mail.example.com]
set -euo pipefail
HOST="${1:-mail.example.com}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEPLOY="$ROOT/james-conf/deploy"
# shellcheck source=plugin-jars.sh
. "$ROOT/james-conf/bin/plugin-jars.sh"

if plugin_jars_missing "$ROOT"; then
  (cd "$ROOT" && mvn -B -q package -DskipTests -pl "$(IFS=,; echo "${MAILSEC_PLUGINS[*]}")" -am)
fi

mkdir -p "$DEPLOY/conf" "$DEPLOY/extensions-jars"
# configuration: refreshed from james-conf/conf, TLS material kept
find "$DEPLOY/conf" -maxdepth 1 -type f -delete
cp -R "$ROOT/james-conf/conf/." "$DEPLOY/conf/"
copy_plugin_jars "$ROOT" "$DEPLOY/extensions-jars"
# in the container: clamd is the compose service "clamd", and WebAdmin must listen beyond the
# container's loopback for the (loopback-only) port mapping to reach it
sed -i 's#<clamd>127.0.0.1:3310</clamd>#<clamd>clamd:3310</clamd>#' "$DEPLOY/conf/mailetcontainer.xml"
sed -i 's#^host=.*#host=0.0.0.0#' "$DEPLOY/conf/webadmin.properties"
sed -i "s#>mail\.mailsec\.test</helloName>#>$HOST</helloName>#" "$DEPLOY/conf/smtpserver.xml"
"$ROOT/james-conf/bin/make-test-tls.sh" "$DEPLOY/conf/tls" "$HOST"
echo "prepared $DEPLOY (conf/, extensions-jars/, conf/tls/) for $HOST" >&2
