package io.mailsec.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.dnssec.DaneTestZones.Zone;
import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.peers.TestPki;

/**
 * DANE (RFC 7672) in a real James 3.8.1 with james-conf's pipeline and {@code dnssec=trust-ad}: the
 * zones are DNSSEC-signed and served by NSD, James's only DNS server is the validating unbound of
 * mailsec-core's DnssecTestbed, and the MX is a real Postfix with a self-signed certificate on
 * 127.0.22.10. The list's default is {@code may} and its trust store knows no CA of the peer, so only
 * DANE can authenticate it.
 * <pre>
 * good.dane.test     signed, TLSA 3 1 1 of the peer's key    delivered, source dane, authenticated
 * wrong.dane.test    signed, TLSA 3 1 1 of another key       never sent; retried, then DSN 5.7.10 naming DANE
 * stale.dane.test    signatures expired (bogus)              never sent; retried, then DSN
 * </pre>
 */
class DaneIT {
    static final String MX = "127.0.22.10";
    static Path peers;
    static DnssecTestbed dns;
    static PostfixPeer postfix;
    static JamesProcess james;

    @BeforeAll
    static void start() throws Exception {
        PeerTools.requireRoot();
        peers = Files.createDirectories(Path.of("/tmp", "mailsec-dane-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        Path[] cert = TestPki.selfSigned(peers, "mx", "mx.good.dane.test");
        Path[] other = TestPki.selfSigned(peers, "other", "mx.other.dane.test");
        String good = "3 1 1 " + spkiSha256(cert[0]);
        String wrong = "3 1 1 " + spkiSha256(other[0]);
        dns = DnssecTestbed.start(List.of(zone("good.dane.test", Zone.Signing.SIGNED, good),
                zone("wrong.dane.test", Zone.Signing.SIGNED, wrong), zone("stale.dane.test", Zone.Signing.EXPIRED, good)));
        postfix = PostfixPeer.start(peers.resolve("postfix"), List.of("good.dane.test", "wrong.dane.test", "stale.dane.test"),
                List.of(new PostfixPeer.Listener(MX, null, cert[0], cert[1])));

        ShippedConf conf = ShippedConf.in(Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "dane-"));
        conf.file("mailsec-tls.policy", "[outbound]\ndefault may\n[inbound]\ndefault may\n");
        conf.file("tls/unrelated-ca.pem", Files.readString(new TestPki("a CA no peer uses").writeCa(peers.resolve("unrelated-ca.pem"))));
        conf.edit("mailetcontainer.xml", "<retrySchedule>5m, 15m, 30m, 1h, 2h, 4h</retrySchedule>", "<retrySchedule>2s</retrySchedule>\n"
                + "                <maxRetries>1</maxRetries>\n                <trustStore>conf/tls/unrelated-ca.pem</trustStore>\n"
                + "                <dnssec>trust-ad</dnssec>");
        james = JamesProcess.builder("dane").overlay(conf.dir()).dnsServer(DnssecTestbed.VALIDATING).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {james, postfix, dns}) {
            if (c != null) {
                c.close();
            }
        }
        PeerTools.closeAll();
    }

    static Zone zone(String domain, Zone.Signing signing, String tlsa) {
        return new Zone(domain, signing, List.of(domain + ". MX 10 mx." + domain + ".", "mx." + domain + ". A " + MX,
                "_25._tcp.mx." + domain + ". TLSA " + tlsa));
    }

    static String spkiSha256(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            StringBuilder hex = new StringBuilder();
            for (byte b : MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded())) {
                hex.append(String.format("%02X", b));
            }
            return hex.toString();
        }
    }

    static void submit(String rcpt, String subject) throws Exception {
        MailClient c = new MailClient(james);
        c.submit(c.newMessage(c.submissionSession(), james.demoUser(), rcpt, subject, "x\r\n"), james.demoUser(), james.demoPassword());
    }

    static List<String> tracking(String rcpt) {
        return james.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains(rcpt) && l.contains("\"direction\":\"outbound\"")
                && l.contains("\"source\"")).collect(Collectors.toList());
    }

    static boolean dsnArrived(String rcpt, String... needles) throws Exception {
        MailClient client = new MailClient(james);
        return JamesProcess.await(Duration.ofSeconds(40), () -> client.imapsOrNone(james.demoUser(), james.demoPassword()).stream()
                .map(m -> RequireTlsIT.text(m).replaceAll("\\s+", " ")) // a long diagnostic is folded
                .anyMatch(t -> t.contains(rcpt) && List.of(needles).stream().allMatch(t::contains)));
    }

    @Test
    void aMatchingTlsaRecordAuthenticatesASelfSignedMx() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("a@good.dane.test", token);
        assertThat(postfix.message("Subject: " + token, Duration.ofSeconds(30))).as("tracking:\n"
                + james.logFile("tls-tracking.jsonl")).isNotNull();
        assertThat(tracking("a@good.dane.test")).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"dane\"",
                "\"level\":\"verify\"", "\"entry\":\"tlsa _25._tcp.mx.good.dane.test\"", "\"dane\":\"authenticated\"",
                "\"certificate\":\"untrusted\"", "\"outcome\":\"delivered\""));
        assertThat(james.log()).contains("event=tls-delivery-init", "dane=on (dnssec=trust-ad)");
    }

    @Test
    void aTlsaMismatchIsNeverSentRetriedThenBounced() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("b@wrong.dane.test", token);
        assertThat(dsnArrived("b@wrong.dane.test", "Status: 5.7.10", "source dane", "DANE: the certificate matches no TLSA record"))
                .as("DSN 5.7.10 after the retry; tracking:\n" + james.logFile("tls-tracking.jsonl")).isTrue();
        assertThat(tracking("b@wrong.dane.test")).as("attempt 1 and its retry").hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("\"source\":\"dane\"", "\"dane\":\"not-authenticated\"", "\"outcome\":\"blocked: TLS unavailable\""));
        assertThat(postfix.messages(token)).isEmpty();
    }

    @Test
    void bogusSignaturesAreRetriedNeverSentThenBounced() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("c@stale.dane.test", token);
        assertThat(dsnArrived("c@stale.dane.test", "failed DNSSEC validation"))
                .as("DSN after the retry; tracking:\n" + james.logFile("tls-tracking.jsonl")).isTrue();
        assertThat(postfix.maillog()).doesNotContain(token);
    }
}
