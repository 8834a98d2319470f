package io.mailsec.tls.outbound;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.tls.peers.Peers;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.peers.StripTlsRelay;
import io.mailsec.tls.peers.TestPki;

/**
 * The real peers of the outbound tests, each test domain with an MX on its own 127.0.4.x:25:
 * <pre>
 * valid.tls.test       mx.valid.tls.test       127.0.4.10  Postfix, STARTTLS, certificate from the test CA
 * plain.tls.test       mx.plain.tls.test       127.0.4.11  Postfix, no STARTTLS
 * strip.tls.test       mx.strip.tls.test       127.0.4.12  relay stripping STARTTLS -> 127.0.4.16 (Postfix, CA cert)
 * selfsigned.tls.test  mx.selfsigned.tls.test  127.0.4.13  Postfix, self-signed certificate
 * wrongname.tls.test   mx.wrongname.tls.test   127.0.4.14  Postfix, CA certificate for another name
 * expired.tls.test     mx.expired.tls.test     127.0.4.15  Postfix, expired CA certificate
 * brokentls.tls.test   mx.brokentls.tls.test   127.0.4.17  Postfix offering STARTTLS with only TLS 1.0/1.1 (handshake fails)
 * small.tls.test       mx.small.tls.test       127.0.4.18  Postfix, no STARTTLS, SIZE 20000; no SMTPUTF8, PIPELINING, 8BITMIME
 * refused.tls.test     mx.refused.tls.test     127.0.4.19  nothing listens (connection refused)
 * refusing.tls.test    mx.refusing.tls.test    127.0.4.20  Postfix, no STARTTLS; refuses per hash: maps at RCPT (recipient)
 *                                                         and after the message (sender): {@link #REFUSALS}
 * </pre>
 * Every listener disconnects a client that pipelines where RFC 2920 does not allow it.
 * DNS: dnsmasq on 127.0.4.53:53.
 */
public final class PeerEnvironment implements AutoCloseable {
    public static final String DNS = "127.0.4.53";
    /** The refusing peer's maps: what it answers, and to whom. */
    public static final String REFUSALS = "later@refusing.tls.test 450 4.2.0 try later\n"
            + "eod-later@sender.test 451 4.7.1 try again later\n"
            + "eod-never@sender.test 554 5.7.1 message refused\n";
    public final Path dir;
    public final Path caFile;
    public final PostfixPeer postfix;
    public final StripTlsRelay relay;
    public final Dnsmasq dns;

    private PeerEnvironment(Path dir, Path caFile, PostfixPeer postfix, StripTlsRelay relay, Dnsmasq dns) {
        this.dir = dir;
        this.caFile = caFile;
        this.postfix = postfix;
        this.relay = relay;
        this.dns = dns;
    }

    public static PeerEnvironment start() throws Exception {
        PeerTools.requireRoot();
        Path dir = Files.createDirectories(Path.of("/tmp", "mailsec-tls-peers-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            Path tls = Files.createDirectories(dir.resolve("tls"));
            TestPki pki = new TestPki("mailsec test CA");
            Path ca = pki.writeCa(tls.resolve("ca.pem"));
            Instant now = Instant.now();
            Path[] valid = pki.issue(tls, "valid", "mx.valid.tls.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
            Path[] strip = pki.issue(tls, "strip", "mx.strip.tls.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
            Path[] wrong = pki.issue(tls, "wrong", "mx.somewhere-else.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
            Path[] expired = pki.issue(tls, "expired", "mx.expired.tls.test", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(2)));
            Path[] self = TestPki.selfSigned(tls, "self", "mx.selfsigned.tls.test");
            Map<String, String[]> mx = new LinkedHashMap<>();
            mx.put("valid.tls.test", new String[] {"mx.valid.tls.test", "127.0.4.10"});
            mx.put("plain.tls.test", new String[] {"mx.plain.tls.test", "127.0.4.11"});
            mx.put("strip.tls.test", new String[] {"mx.strip.tls.test", "127.0.4.12"});
            mx.put("selfsigned.tls.test", new String[] {"mx.selfsigned.tls.test", "127.0.4.13"});
            mx.put("wrongname.tls.test", new String[] {"mx.wrongname.tls.test", "127.0.4.14"});
            mx.put("expired.tls.test", new String[] {"mx.expired.tls.test", "127.0.4.15"});
            mx.put("brokentls.tls.test", new String[] {"mx.brokentls.tls.test", "127.0.4.17"});
            mx.put("small.tls.test", new String[] {"mx.small.tls.test", "127.0.4.18"});
            mx.put("refused.tls.test", new String[] {"mx.refused.tls.test", "127.0.4.19"});
            mx.put("refusing.tls.test", new String[] {"mx.refusing.tls.test", "127.0.4.20"});
            Dnsmasq dns = Peers.dns(DNS, "tls.test", mx);
            Path refusals = dir.resolve("postfix/etc/refusals");
            PostfixPeer postfix = PostfixPeer.start(dir.resolve("postfix"), List.copyOf(mx.keySet()), List.of(
                    new PostfixPeer.Listener("127.0.4.10", null, valid[0], valid[1]),
                    new PostfixPeer.Listener("127.0.4.11", "-o smtpd_tls_security_level=none", null, null),
                    new PostfixPeer.Listener("127.0.4.13", null, self[0], self[1]),
                    new PostfixPeer.Listener("127.0.4.14", null, wrong[0], wrong[1]),
                    new PostfixPeer.Listener("127.0.4.15", null, expired[0], expired[1]),
                    new PostfixPeer.Listener("127.0.4.16", null, strip[0], strip[1]),
                    new PostfixPeer.Listener("127.0.4.17", "-o smtpd_tls_protocols=!TLSv1.2,!TLSv1.3 -o smtpd_tls_mandatory_protocols=!TLSv1.2,!TLSv1.3",
                            valid[0], valid[1]),
                    new PostfixPeer.Listener("127.0.4.18", "-o smtpd_tls_security_level=none -o message_size_limit=20000 -o smtputf8_enable=no"
                            + " -o smtpd_discard_ehlo_keywords=pipelining,8bitmime",
                            null, null),
                    new PostfixPeer.Listener("127.0.4.20", "-o smtpd_tls_security_level=none"
                            + " -o smtpd_recipient_restrictions=check_recipient_access,hash:" + refusals
                            + " -o smtpd_end_of_data_restrictions=check_sender_access,hash:" + refusals, null, null)),
                    Map.of("refusals", REFUSALS));
            StripTlsRelay relay = StripTlsRelay.start("127.0.4.12", 25, new InetSocketAddress("127.0.4.16", 25));
            return new PeerEnvironment(dir, ca, postfix, relay, dns);
        } catch (Exception | Error e) {
            PeerTools.closeAll();
            throw e;
        }
    }

    @Override
    public void close() {
        PeerTools.closeAll();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // best effort
        }
    }
}
