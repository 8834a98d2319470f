package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.mailsec.core.peers.PeerTools;

/** NSD (Debian nsd), authoritative only, serving zone files from one directory on {@code address}:53. */
final class Nsd {
    private Nsd() {
    }

    /** @param zones zone name ("." for the root) to zone file name in {@code dir}, in the order to list them */
    static Daemon start(Path dir, String address, Map<String, String> zones) throws IOException {
        String nsd = PeerTools.requireExecutable("/usr/sbin/nsd", "nsd");
        StringBuilder c = new StringBuilder()
                .append("server:\n")
                .append("  ip-address: ").append(address).append("\n")
                .append("  port: 53\n")
                .append("  username: \"\"\n")
                .append("  chroot: \"\"\n")
                .append("  zonesdir: \"").append(dir).append("\"\n")
                // no database: zones are read from the files at each start
                .append("  database: \"\"\n")
                .append("  zonelistfile: \"").append(dir.resolve("nsd-zone.list")).append("\"\n")
                .append("  xfrdfile: \"").append(dir.resolve("nsd-xfrd.state")).append("\"\n")
                .append("  xfrdir: \"").append(dir).append("\"\n")
                .append("  pidfile: \"").append(dir.resolve("nsd.pid")).append("\"\n")
                .append("  logfile: \"").append(dir.resolve("nsd.log")).append("\"\n")
                .append("  server-count: 1\n")
                .append("  do-ip6: no\n")
                .append("  hide-version: yes\n")
                .append("  verbosity: 1\n")
                .append("remote-control:\n")
                .append("  control-enable: no\n");
        for (Map.Entry<String, String> z : zones.entrySet()) {
            c.append("zone:\n  name: \"").append(z.getKey()).append("\"\n  zonefile: \"").append(z.getValue()).append("\"\n");
        }
        Path conf = dir.resolve("nsd.conf");
        Files.writeString(conf, c);
        return Daemon.start("nsd", address, List.of(nsd, "-d", "-c", conf.toString()), dir.resolve("nsd.out"), ".");
    }
}
