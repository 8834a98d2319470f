#!/usr/bin/env bash
# Runs Apache James 3.8.1 (memory server; JAMES_APP below) with the mailsec jars and james-conf, in the foreground.
#
# Builds what is missing, assembles a working directory (conf/, extensions-jars/, var/), creates a
# test CA and server certificate at first start, starts James on unprivileged loopback ports, creates
# a demo domain and user through WebAdmin and prints one line starting with READY. Ctrl-C stops it.
#
# Environment (defaults in brackets):
#   JAMES_WORKDIR [./james-work]   working directory (kept between runs: mail, keys, logs)
#   JAMES_BIND [127.0.0.1]         address every listener binds to
#   SMTP_PORT [2525]  (James's 25, MX)      SUBMISSION_PORT [2587] (587)   SMTPS_PORT [2465] (465)
#   IMAP_PORT [2143]  (143, STARTTLS)       IMAPS_PORT [2993] (993)        POP3S_PORT [2995] (995)
#   WEBADMIN_PORT [8000]
#   DEMO_DOMAIN [mailsec.test]  DEMO_USER [demo@$DEMO_DOMAIN]  DEMO_PASSWORD [demo-secret]
#   DNS_SERVERS                    space-separated DNS servers for James (port 53); default: system resolvers
#   JAMES_CONF_BASE [james-conf/conf]  the configuration copied to conf/ (a test boots James's own sample)
#   JAMES_CONF_OVERLAY             a directory whose files are copied over conf/ (tests use it)
#   JAMES_JAVA [java]  JAMES_JAVA_OPTS [-Xms128m -Xmx1g]
#   CLAMD [start one]              host:port of a running clamd; unset: start clamd on 127.0.0.1:$CLAMD_PORT
#   CLAMD_PORT [3310]              port for the clamd this script starts (real signatures from
#                                  /var/lib/clamav when present, else EICAR test signatures only)
#   JAMES_CWD [/]                  the directory James is started in; like the official image
#                                  (current directory /, -Dworking.directory=...), it is not the
#                                  working directory, so every relative path must go through James's
#   JAMES_APP [memory]             which James 3.8.1 server runs the configuration (mailboxes and users are
#                                  in memory in both; run-james.sh creates the demo user at every start):
#                                    memory           the memory server (org.apache.james:james-server-memory-app);
#                                                     its mail queues are in memory: queued mail is lost at stop
#                                    memory-activemq  the same server on James's own persistent ActiveMQ mail
#                                                     queues (embedded broker, var/store/activemq/ in the working
#                                                     directory: the queues of James's JPA server); the spool and
#                                                     mailsec-outgoing survive a stop (james-conf/activemq-app)
#                                  (the JPA server itself, james-server-jpa-app, does not resolve from Maven Central)
#   MAILSEC_REBUILD=1              rebuild the jars even when they exist
set -euo pipefail

ROOT="$(cd "$(dirname "$0")" && pwd)"
WORK="${JAMES_WORKDIR:-$ROOT/james-work}"
BIND="${JAMES_BIND:-127.0.0.1}"
SMTP_PORT="${SMTP_PORT:-2525}"
SUBMISSION_PORT="${SUBMISSION_PORT:-2587}"
SMTPS_PORT="${SMTPS_PORT:-2465}"
IMAP_PORT="${IMAP_PORT:-2143}"
IMAPS_PORT="${IMAPS_PORT:-2993}"
POP3S_PORT="${POP3S_PORT:-2995}"
WEBADMIN_PORT="${WEBADMIN_PORT:-8000}"
DEMO_DOMAIN="${DEMO_DOMAIN:-mailsec.test}"
DEMO_USER="${DEMO_USER:-demo@$DEMO_DOMAIN}"
DEMO_PASSWORD="${DEMO_PASSWORD:-demo-secret}"
JAVA="${JAMES_JAVA:-java}"
JAVA_OPTS="${JAMES_JAVA_OPTS:--Xms128m -Xmx1g}"

log() { echo "run-james: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=james-conf/bin/plugin-jars.sh
. "$ROOT/james-conf/bin/plugin-jars.sh"
CLI_JAR="$ROOT/mailsec-cli/target/mailsec-cli.jar"
case "${JAMES_APP:-memory}" in
  memory)
    APP_MODULE=james-conf; LIB="$ROOT/james-conf/target/james-lib"; MAIN=org.apache.james.MemoryJamesServerMain ;;
  memory-activemq)
    APP_MODULE=james-conf/activemq-app; LIB="$ROOT/james-conf/activemq-app/target/james-lib"
    MAIN=io.mailsec.james.ActiveMQMemoryJamesServerMain ;;
  *) die "JAMES_APP=$JAMES_APP: expected memory or memory-activemq" ;;
esac

# 1. Build what is missing.
need_build="${MAILSEC_REBUILD:-}"
[ -f "$LIB/james-server-memory-app-3.8.1.jar" ] || need_build=1
[ "$APP_MODULE" = james-conf ] || [ -f "$LIB/james-conf-activemq-app.jar" ] || need_build=1
[ -f "$CLI_JAR" ] || need_build=1
plugin_jars_missing "$ROOT" && need_build=1
if [ -n "$need_build" ]; then
  log "building mailsec jars and fetching James 3.8.1 (first run only)..."
  (cd "$ROOT" && mvn -B -q package -DskipTests -pl "$APP_MODULE",mailsec-cli,"$(IFS=,; echo "${MAILSEC_PLUGINS[*]}")" -am) >&2 \
    || die "maven build failed"
fi

# 2. Assemble the working directory. Configuration is refreshed from james-conf at every start;
#    mail (var/), logs and the TLS material (conf/tls/) are kept.
mkdir -p "$WORK/conf" "$WORK/extensions-jars" "$WORK/var" "$WORK/logs" "$WORK/conf/tls"
WORK="$(cd "$WORK" && pwd)" # James starts elsewhere (step 6): only absolute paths are passed on
find "$WORK/conf" -maxdepth 1 -type f -delete
cp -R "${JAMES_CONF_BASE:-$ROOT/james-conf/conf}/." "$WORK/conf/"
if [ -n "${JAMES_CONF_OVERLAY:-}" ]; then
  [ -d "$JAMES_CONF_OVERLAY" ] || die "JAMES_CONF_OVERLAY=$JAMES_CONF_OVERLAY is not a directory"
  cp -R "$JAMES_CONF_OVERLAY/." "$WORK/conf/"
fi
copy_plugin_jars "$ROOT" "$WORK/extensions-jars"

# Map the standard ports of james-conf to this run's ports.
map_port() { # file standard-port new-port
  sed -i "s#<bind>0.0.0.0:$2</bind>#<bind>$BIND:$3</bind>#" "$WORK/conf/$1"
}
sed -i "s#>mail\.mailsec\.test</helloName>#>mail.$DEMO_DOMAIN</helloName>#" "$WORK/conf/smtpserver.xml"
map_port smtpserver.xml 25 "$SMTP_PORT"
map_port smtpserver.xml 587 "$SUBMISSION_PORT"
map_port smtpserver.xml 465 "$SMTPS_PORT"
map_port imapserver.xml 143 "$IMAP_PORT"
map_port imapserver.xml 993 "$IMAPS_PORT"
map_port pop3server.xml 995 "$POP3S_PORT"
sed -i "s#^port=.*#port=$WEBADMIN_PORT#; s#^host=.*#host=$BIND#" "$WORK/conf/webadmin.properties"
if [ -n "${DNS_SERVERS:-}" ]; then
  servers=""
  for s in $DNS_SERVERS; do servers="$servers<server>$s</server>"; done
  sed -i "s#<servers>#<servers>$servers#; s#<autodiscover>true</autodiscover>#<autodiscover>false</autodiscover>#" \
    "$WORK/conf/dnsservice.xml"
fi

# 3. TLS material: a test CA and a server certificate for this host, made once.
TLS="$WORK/conf/tls"
"$ROOT/james-conf/bin/make-test-tls.sh" "$TLS" "mail.$DEMO_DOMAIN" "$BIND"

# 4. Demo DKIM key for the demo domain (made once, kept in conf/dkim/).
DKIM_DIR="$WORK/conf/dkim"
DKIM_KEY="demo.$DEMO_DOMAIN.pem"
if [ ! -s "$DKIM_DIR/$DKIM_KEY" ]; then
  java -jar "$CLI_JAR" dkim keygen --algorithm rsa --bits 2048 --domain "$DEMO_DOMAIN" --selector demo \
    --out "$DKIM_DIR" > "$DKIM_DIR/demo.$DEMO_DOMAIN.dns.txt" || die "could not create the demo DKIM key"
  log "demo DKIM key $DKIM_DIR/$DKIM_KEY (DNS record in $DKIM_DIR/demo.$DEMO_DOMAIN.dns.txt)"
fi
# Sign the demo domain's mail unless the table (e.g. a test overlay) already names that domain.
grep -qE "^[[:space:]]*$DEMO_DOMAIN[[:space:]]" "$DKIM_DIR/keytable" \
  || printf '%s selector=demo key=%s\n' "$DEMO_DOMAIN" "$DKIM_KEY" >> "$DKIM_DIR/keytable"

# 5. clamd for VirusScan: the one named by CLAMD, or one started here.
CLAMD_PID=""
if [ -z "${CLAMD:-}" ]; then
  CLAMD_BIN=$(command -v clamd || echo /usr/sbin/clamd)
  [ -x "$CLAMD_BIN" ] || die "clamd not found: apt-get install clamav-daemon (or set CLAMD=host:port of a running clamd)"
  CLAMD_PORT="${CLAMD_PORT:-3310}"
  CL="$WORK/clamd"; mkdir -p "$CL/db"
  if compgen -G "/var/lib/clamav/*.c[vl]d" >/dev/null; then
    DB=/var/lib/clamav
  else
    # No signature database (no freshclam here): EICAR test signatures only, enough to try the pipeline.
    DB="$CL/db"
    printf 'Test.EICAR.NDB:0:*:%s\n' "$(printf 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' | od -An -tx1 | tr -d ' \n')" > "$DB/demo.ndb"
    log "clamd: no signature database in /var/lib/clamav; using EICAR test signatures only"
  fi
  cat > "$CL/clamd.conf" <<CONF
Foreground yes
TCPSocket $CLAMD_PORT
TCPAddr 127.0.0.1
DatabaseDirectory $DB
LogFile $WORK/logs/clamd.log
PidFile $CL/clamd.pid
StreamMaxLength 25M
MaxRecursion 8
ScanArchive yes
ScanMail yes
AlertEncrypted yes
AlertEncryptedArchive yes
MaxThreads 12
AlertExceedsMax yes
CONF
  "$CLAMD_BIN" --config-file="$CL/clamd.conf" >/dev/null 2>&1 &
  CLAMD_PID=$!
  CLAMD="127.0.0.1:$CLAMD_PORT"
fi
sed -i "s#<clamd>127.0.0.1:3310</clamd>#<clamd>$CLAMD</clamd>#" "$WORK/conf/mailetcontainer.xml"

# 6. Start James, as the official image does: from another directory than the working directory,
#    with the working directory, logback and jvm.properties named by absolute paths.
cd "${JAMES_CWD:-/}"
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -Dworking.directory="$WORK/" -Dlogback.configurationFile="$WORK/conf/logback.xml" \
  -Dextra.props="$WORK/conf/jvm.properties" \
  -Djdk.tls.ephemeralDHKeySize=2048 -cp "$LIB/*" "$MAIN" &
JAMES_PID=$!
stop() {
  kill "$JAMES_PID" 2>/dev/null || true; wait "$JAMES_PID" 2>/dev/null || true
  [ -n "$CLAMD_PID" ] && kill "$CLAMD_PID" 2>/dev/null || true
  exit 0
}
trap stop INT TERM
trap 'kill "$JAMES_PID" 2>/dev/null || true; [ -n "$CLAMD_PID" ] && kill "$CLAMD_PID" 2>/dev/null || true' EXIT

smtp_up() { (exec 3<>"/dev/tcp/$BIND/$SMTP_PORT") 2>/dev/null; }
for _ in $(seq 1 600); do
  kill -0 "$JAMES_PID" 2>/dev/null || die "James exited during startup (see $WORK/logs/james.log)"
  smtp_up && break
  sleep 0.2
done
smtp_up || die "SMTP did not open on $BIND:$SMTP_PORT within 120 s"

# 7. Demo domain and user (idempotent).
WA="http://$BIND:$WEBADMIN_PORT"
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "$WA/domains" && break
  kill -0 "$JAMES_PID" 2>/dev/null || die "James exited during startup (see $WORK/logs/james.log)"
  sleep 0.2
done
curl -sf -X PUT "$WA/domains/$DEMO_DOMAIN" >/dev/null || die "WebAdmin: could not create domain $DEMO_DOMAIN"
curl -sf -X PUT "$WA/users/$DEMO_USER" -H 'Content-Type: application/json' \
  -d "{\"password\":\"$DEMO_PASSWORD\"}" >/dev/null || die "WebAdmin: could not create user $DEMO_USER"
# The INBOX now: James creates it on first use, and two first uses at once (the first delivery and a
# POP3 login) race, one of them failing with MailboxExistsException.
curl -sf -X PUT "$WA/users/$DEMO_USER/mailboxes/INBOX" >/dev/null || die "WebAdmin: could not create the INBOX of $DEMO_USER"

echo "READY smtp=$BIND:$SMTP_PORT submission=$BIND:$SUBMISSION_PORT smtps=$BIND:$SMTPS_PORT" \
  "imap=$BIND:$IMAP_PORT imaps=$BIND:$IMAPS_PORT pop3s=$BIND:$POP3S_PORT webadmin=$BIND:$WEBADMIN_PORT" \
  "user=$DEMO_USER password=$DEMO_PASSWORD ca=$TLS/ca.crt clamd=$CLAMD workdir=$WORK"
set +e
wait "$JAMES_PID"
rc=$?
# 130 (Ctrl-C) and 143 (TERM) are requested stops, not failures.
case "$rc" in 0|130|143) exit 0 ;; *) log "James exited with status $rc (see $WORK/logs/james.log)"; exit "$rc" ;; esac
