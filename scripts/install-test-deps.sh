#!/usr/bin/env bash
# Installs the Debian packages the tests use as real peers (idempotent, non-interactive, root only).
set -euo pipefail
PKGS=(swaks libnet-ssleay-perl libio-socket-ssl-perl python3-dkim python3-spf spfquery opendkim-tools
      clamav-daemon clamav clamdscan dnsmasq-base bind9-dnsutils publicsuffix python3-authheaders
      python3-dnspython python3-yaml netcat-openbsd zip unzip postfix nginx postfix-mta-sts-resolver openssl
      nsd ldnsutils unbound unbound-host)   # DNSSEC: signed test zones, a validating resolver (mailsec-core DnssecTestbed)
command -v npm >/dev/null || PKGS+=(nodejs npm)   # npm packages go to temp dirs: mailauth (spf-dmarc-matcher), ajv-cli (TLS-RPT schema)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "test packages: all present"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root or: sudo apt-get install ${missing[*]})" >&2; exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages must not start their daemons: the tests start their own instances on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "test packages installed"
