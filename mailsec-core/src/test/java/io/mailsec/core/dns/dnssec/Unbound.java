package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.mailsec.core.peers.PeerTools;

/**
 * unbound (Debian unbound) as the recursive resolver of the test root: from the root hints it
 * iterates down to NSD, as a production resolver does from the real root. Validating with the
 * test trust anchor (the resolver {@code trust-ad} mode trusts), or iterating only (a recursive
 * resolver that passes DNSSEC records through unjudged, for {@code validate} mode).
 */
final class Unbound {
    private Unbound() {
    }

    /** The server: clause shared by the daemon and {@code unbound-host -C}: the test root, and "test." not blocked. */
    static String resolutionSettings(Path rootHints, Path trustAnchor) {
        StringBuilder c = new StringBuilder()
                .append("  root-hints: \"").append(rootHints).append("\"\n")
                // unbound answers names under the RFC 6761 "test." locally (NXDOMAIN) unless told not to
                .append("  local-zone: \"test.\" nodefault\n")
                .append("  do-not-query-localhost: no\n")
                .append("  do-ip6: no\n");
        if (trustAnchor != null) {
            c.append("  trust-anchor-file: \"").append(trustAnchor).append("\"\n");
        }
        return c.toString();
    }

    /** @param trustAnchor the anchor to validate from, or null for an iterating-only resolver */
    static Daemon start(Path dir, String name, String address, Path rootHints, Path trustAnchor) throws IOException {
        String unbound = PeerTools.requireExecutable("/usr/sbin/unbound", "unbound");
        String c = "server:\n"
                + "  interface: " + address + "\n"
                + "  port: 53\n"
                + "  outgoing-interface: " + address + "\n"
                + "  do-daemonize: no\n"
                + "  username: \"\"\n"
                + "  chroot: \"\"\n"
                + "  directory: \"" + dir + "\"\n"
                + "  pidfile: \"" + dir.resolve(name + ".pid") + "\"\n"
                + "  logfile: \"" + dir.resolve(name + ".log") + "\"\n"
                + "  use-syslog: no\n"
                + "  verbosity: 1\n"
                + "  val-log-level: 2\n"
                + "  access-control: 127.0.0.0/8 allow\n"
                // RFC 8914 extended errors: how a SERVFAIL says "bogus" (trust-ad mode reads them)
                + "  ede: yes\n"
                + "  module-config: \"" + (trustAnchor == null ? "iterator" : "validator iterator") + "\"\n"
                + resolutionSettings(rootHints, trustAnchor)
                + "remote-control:\n"
                + "  control-enable: no\n";
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, c);
        return Daemon.start(name, address, List.of(unbound, "-d", "-c", conf.toString()), dir.resolve(name + ".out"), ".");
    }
}
