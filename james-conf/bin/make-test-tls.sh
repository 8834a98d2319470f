#!/usr/bin/env bash
# Creates a test CA and a server certificate signed by it, as James reads them:
#   DIR/server.key (PKCS#1 PEM), DIR/server.crt (leaf + CA chain), DIR/ca.crt (give it to test clients).
# Usage: make-test-tls.sh DIR [extra DNS names...]    (does nothing when DIR/server.key exists)
# For production, put your own key and chain at DIR/server.key and DIR/server.crt instead.
set -euo pipefail
DIR="$1"; shift
mkdir -p "$DIR"
if [ -s "$DIR/server.key" ] && [ -s "$DIR/server.crt" ]; then exit 0; fi
SAN="DNS:localhost,IP:127.0.0.1,DNS:$(hostname -f 2>/dev/null || hostname)"
for n in "$@"; do
  if [[ "$n" =~ ^[0-9.]+$ ]]; then SAN="$SAN,IP:$n"; else SAN="$SAN,DNS:$n"; fi
done
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=mailsec test CA" \
  -keyout "$DIR/ca.key" -out "$DIR/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$DIR/server-pkcs8.key" \
  -out "$DIR/server.csr" 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$SAN" > "$DIR/server.ext"
openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial \
  -days 825 -extfile "$DIR/server.ext" -out "$DIR/server-leaf.crt" 2>/dev/null
openssl rsa -in "$DIR/server-pkcs8.key" -traditional -out "$DIR/server.key" 2>/dev/null
cat "$DIR/server-leaf.crt" "$DIR/ca.crt" > "$DIR/server.crt"
rm -f "$DIR/server-pkcs8.key" "$DIR/server.csr" "$DIR/server.ext" "$DIR/server-leaf.crt"
chmod 600 "$DIR/"*.key
echo "created test CA $DIR/ca.crt and server certificate $DIR/server.crt ($SAN)" >&2
