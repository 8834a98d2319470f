package io.mailsec.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;

/**
 * Real peer tools for interop tests: the project's DNS fixture on 127.0.1.53:53 (this module's
 * loopback range) serving the keys' TXT records, and command-line tools (dkimverify, dkimsign,
 * opendkim-testmsg) run with it as their resolver.
 */
final class Peers implements AutoCloseable {
    static final String DNS_ADDRESS = "127.0.1.53";

    private final Dnsmasq dns;
    private final Path dir;

    private Peers(Dnsmasq dns, Path dir) {
        this.dns = dns;
        this.dir = dir;
    }

    static void require(String... tools) {
        for (String t : tools) {
            PeerTools.requireExecutable(t, "dnsmasq-base python3-dkim opendkim-tools util-linux");
        }
    }

    /** Serves {@code zone} with the given TXT records. */
    static Peers start(String zone, Map<String, String> txt) throws IOException {
        Dnsmasq.Builder b = Dnsmasq.on(DNS_ADDRESS).zone(zone);
        txt.forEach(b::txt);
        return new Peers(b.start(), Files.createTempDirectory("mailsec-dkim-peers"));
    }

    DnsResolver resolver() {
        return DnsjavaResolver.create(List.of(DNS_ADDRESS), Duration.ofSeconds(2));
    }

    /** A scratch directory for the tools' key files. */
    Path dir() {
        return dir;
    }

    /** Result of a tool run. */
    record Run(int exit, String stdout, String stderr) {
        byte[] stdoutBytes() {
            return stdout.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Runs a command with our DNS server as the system resolver, feeding {@code stdin}. */
    Run run(byte[] stdin, String... command) throws IOException, InterruptedException {
        PeerTools.Result r = dns.run(stdin, command);
        return new Run(r.exit, r.out, r.err);
    }

    @Override
    public void close() {
        dns.close();
    }
}
