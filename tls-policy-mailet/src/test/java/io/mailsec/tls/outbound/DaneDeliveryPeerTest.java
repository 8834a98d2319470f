package io.mailsec.tls.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.dnssec.DaneTestZones;
import io.mailsec.core.dns.dnssec.DaneTestZones.Zone;
import io.mailsec.core.dns.dnssec.DnssecResolvers;
import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.dns.dnssec.TrustAnchors;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.tls.dane.DaneLookup;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.peers.TestPki;
import io.mailsec.tls.policy.EntryKind;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.TlsLevel;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * DANE for SMTP (RFC 7672) end to end: DNSSEC-signed zones (NSD, ldns-signzone, unbound) whose TLSA
 * records are made from the certificates of real Postfix peers, the delivery engine deciding per MX,
 * and Postfix's own {@code posttls-finger -l dane} judging the same destinations as a cross-check.
 * <pre>
 * domain               zone      MX (address)                     TLSA at _25._tcp.&lt;MX&gt;
 * ee.dane.test         signed    mx.ee (127.0.21.10, self-signed)  3 1 1 of its key
 * eealias.dane.test    signed    mx.eealias (127.0.21.10)          3 1 1 of the same key (certificate names mx.ee: EE ignores names)
 * eebad.dane.test      signed    mx.eebad (127.0.21.10)            3 1 1 of another key
 * ta.dane.test         signed    mx.ta (127.0.21.11, CA-issued)    2 0 1 of the DANE CA (not in the trust store)
 * tawrong.dane.test    signed    mx.tawrong (127.0.21.12)          2 0 1 of the DANE CA; certificate for mx.elsewhere.dane.test
 * twomx.dane.test      signed    mx1 (127.0.21.10) bad TLSA, mx2 (127.0.21.10) good TLSA
 * unsigned.dane.test   unsigned  mx.unsigned (127.0.21.10)          3 1 1 of its key, not DNSSEC-signed
 * nodane.dane.test     signed    mx.nodane (127.0.21.10)            none (NXDOMAIN, DNSSEC-proven)
 * expired.dane.test    signatures expired: bogus       mx.expired (127.0.21.10)
 * tampered.dane.test   (built in) MX and A secure, TLSA bogus
 * timeout.dane.test    (built in) TLSA lookup on a secure zone times out
 * </pre>
 * The delivery's own CA file holds an unrelated CA: every success here is DANE's doing, not PKIX's.
 */
class DaneDeliveryPeerTest {
    private static final String EE = "127.0.21.10";
    private static final String TA = "127.0.21.11";
    private static final String TA_WRONG = "127.0.21.12";

    private static Path dir;
    private static DnssecTestbed dns;
    private static PostfixPeer postfix;
    private static OutboundDelivery delivery;
    private static final List<String> TRACKING = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        PeerTools.requireRoot();
        dir = Files.createDirectories(Path.of("/tmp", "mailsec-dane-delivery-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path[] ee = TestPki.selfSigned(tls, "ee", "mx.ee.dane.test");
        TestPki danePki = new TestPki("mailsec DANE-TA test CA");
        Instant now = Instant.now();
        Path[] ta = danePki.issue(tls, "ta", "mx.ta.dane.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        Path[] taWrong = danePki.issue(tls, "tawrong", "mx.elsewhere.dane.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        Path[] other = TestPki.selfSigned(tls, "other", "mx.other.dane.test");

        String eeTlsa = "3 1 1 " + sha256(certificates(ee[0]).get(0).getPublicKey().getEncoded());
        String otherTlsa = "3 1 1 " + sha256(certificates(other[0]).get(0).getPublicKey().getEncoded());
        String caTlsa = "2 0 1 " + sha256(danePki.caCertificate().getEncoded());
        List<Zone> zones = List.of(
                leaf("ee.dane.test", Zone.Signing.SIGNED, EE, eeTlsa),
                leaf("eealias.dane.test", Zone.Signing.SIGNED, EE, eeTlsa),
                leaf("eebad.dane.test", Zone.Signing.SIGNED, EE, otherTlsa),
                leaf("ta.dane.test", Zone.Signing.SIGNED, TA, caTlsa),
                leaf("tawrong.dane.test", Zone.Signing.SIGNED, TA_WRONG, caTlsa),
                new Zone("twomx.dane.test", Zone.Signing.SIGNED, List.of(
                        "twomx.dane.test. MX 10 mx1.twomx.dane.test.", "twomx.dane.test. MX 20 mx2.twomx.dane.test.",
                        "mx1.twomx.dane.test. A " + EE, "mx2.twomx.dane.test. A " + EE,
                        "_25._tcp.mx1.twomx.dane.test. TLSA " + otherTlsa, "_25._tcp.mx2.twomx.dane.test. TLSA " + eeTlsa)),
                leaf("unsigned.dane.test", Zone.Signing.UNSIGNED, EE, eeTlsa),
                leaf("nodane.dane.test", Zone.Signing.SIGNED, EE, null),
                leaf("expired.dane.test", Zone.Signing.EXPIRED, EE, eeTlsa));
        dns = DnssecTestbed.start(zones);
        List<String> domains = new ArrayList<>();
        for (Zone z : zones) {
            domains.add(z.name());
        }
        postfix = PostfixPeer.start(dir.resolve("postfix"), domains, List.of(
                new PostfixPeer.Listener(EE, null, ee[0], ee[1]),
                new PostfixPeer.Listener(TA, null, ta[0], ta[1]),
                new PostfixPeer.Listener(TA_WRONG, null, taWrong[0], taWrong[1])));
        Path unrelatedCa = new TestPki("a CA no peer here uses").writeCa(tls.resolve("unrelated-ca.pem"));
        delivery = new OutboundDelivery(DnsjavaResolver.create(List.of(DnssecTestbed.VALIDATING), Duration.ofSeconds(3)),
                CertificateChecker.fromFile(unrelatedCa), "client.dane.test", 25,
                new SmtpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60)),
                new TrackingLog(TRACKING::add))
                .dane(new DaneLookup(DnssecResolvers.trustAd(List.of(DnssecTestbed.VALIDATING), Duration.ofSeconds(3)), 25));
    }

    @AfterAll
    static void stop() throws Exception {
        PeerTools.closeAll();
        if (dns != null) {
            dns.close();
        }
    }

    private static Zone leaf(String domain, Zone.Signing signing, String address, String tlsa) {
        List<String> records = new ArrayList<>(List.of(domain + ". MX 10 mx." + domain + ".", "mx." + domain + ". A " + address));
        if (tlsa != null) {
            records.add("_25._tcp.mx." + domain + ". TLSA " + tlsa);
        }
        return new Zone(domain, signing, records);
    }

    private static List<X509Certificate> certificates(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            return out;
        }
    }

    private static String sha256(byte[] data) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(data)) {
            hex.append(String.format("%02X", b));
        }
        return hex.toString();
    }

    private static final class Sent {
        final String token = UUID.randomUUID().toString();
        List<RecipientOutcome> outcomes;
        List<String> tracking;
    }

    /** Delivers to bob@domain under the list's default {@code level}, or under an explicit list entry. */
    private static Sent send(OutboundDelivery via, String domain, TlsLevel level, boolean explicit, boolean requireTls) {
        return send(via, domain, level, explicit, requireTls, false);
    }

    private static Sent send(OutboundDelivery via, String domain, TlsLevel level, boolean explicit, boolean requireTls, boolean waived) {
        Sent s = new Sent();
        String rcpt = "bob@" + domain;
        String sender = "s-" + s.token + "@sender.test";
        String msg = "From: <" + sender + ">\r\nTo: <" + rcpt + ">\r\nSubject: " + s.token + "\r\n\r\nbody " + s.token + "\r\n";
        PolicyMatch policy = explicit ? new PolicyMatch(level, domain, EntryKind.DOMAIN, 1) : new PolicyMatch(level, "default", EntryKind.DEFAULT, 0);
        int before = TRACKING.size();
        OutboundDelivery.Job job = new OutboundDelivery.Job(sender, domain, List.of(rcpt), policy,
                out -> out.write(msg.getBytes(StandardCharsets.US_ASCII)), "<" + s.token + "@sender.test>", 1);
        if (waived) {
            job.waivingDane();
        }
        s.outcomes = via.deliver(requireTls ? job.requiringTls() : job);
        s.tracking = new ArrayList<>(TRACKING.subList(before, TRACKING.size()));
        return s;
    }

    private static Sent send(String domain) {
        return send(delivery, domain, TlsLevel.MAY, false, false);
    }

    private static void assertDelivered(Sent s) throws Exception {
        assertThat(s.outcomes).as(s.tracking.toString()).singleElement()
                .satisfies(o -> assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.DELIVERED));
        assertThat(postfix.message(s.token, Duration.ofSeconds(10))).as("message in the peer's Maildir").isNotNull();
    }

    /** Retried, never bounced at once and never sent: the peer never saw the message. */
    private static void assertDeferredUnsent(Sent s, String status) throws Exception {
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.kind()).as(s.tracking.toString()).isEqualTo(RecipientOutcome.Kind.TEMPORARY);
        assertThat(o.status()).isEqualTo(status);
        assertThat(o.mayBounceAtOnce()).as("DANE failures are retried, not bounced at once").isFalse();
        assertThat(postfix.message(s.token, Duration.ofMillis(300))).isNull();
        assertThat(postfix.maillog()).doesNotContain(s.token);
    }

    @Test
    void daneEeMatchAuthenticatesASelfSignedPeer() throws Exception {
        Sent s = send("ee.dane.test");
        assertDelivered(s);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"outcome\":\"delivered\"", "\"tls\":true",
                "\"source\":\"dane\"", "\"level\":\"verify\"", "\"entry\":\"tlsa _25._tcp.mx.ee.dane.test\"", "\"dane\":\"authenticated\"",
                "\"certificate\":\"untrusted\""));
    }

    /** RFC 7672 §3.1.1: DANE-EE(3) ignores the names in the certificate. */
    @Test
    void daneEeIgnoresTheCertificateName() throws Exception {
        Sent s = send("eealias.dane.test");
        assertDelivered(s);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"dane\":\"authenticated\"", "\"peerHost\":\"mx.eealias.dane.test\""));
    }

    @Test
    void daneEeMismatchIsNeverSentAndRetried() throws Exception {
        Sent s = send("eebad.dane.test");
        assertDeferredUnsent(s, "4.7.10");
        assertThat(s.outcomes.get(0).diagnostic()).contains("DANE: the certificate matches no TLSA record at _25._tcp.mx.eebad.dane.test");
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"outcome\":\"blocked: TLS unavailable\"",
                "\"source\":\"dane\"", "\"dane\":\"not-authenticated\"", "\"step\":\"certificate\""));
    }

    /** RFC 7672 §3.1.2, §3.2.2: DANE-TA(2) anchors the chain at the published CA and checks the MX name. */
    @Test
    void daneTaWithTheRightNameIsDelivered() throws Exception {
        Sent s = send("ta.dane.test");
        assertDelivered(s);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"dane\":\"authenticated\"", "\"source\":\"dane\""));
    }

    @Test
    void daneTaWithTheWrongNameIsRefused() throws Exception {
        Sent s = send("tawrong.dane.test");
        assertDeferredUnsent(s, "4.7.10");
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"dane\":\"not-authenticated\""));
    }

    /** RFC 7672 §2.2: DANE is per MX host; one that fails is passed over for the next. */
    @Test
    void aFailingMxIsPassedOverForTheNextDaneMx() throws Exception {
        Sent s = send("twomx.dane.test");
        assertDelivered(s);
        assertThat(s.tracking).hasSize(2);
        assertThat(s.tracking.get(0)).contains("\"peerHost\":\"mx1.twomx.dane.test\"", "\"dane\":\"not-authenticated\"");
        assertThat(s.tracking.get(1)).contains("\"peerHost\":\"mx2.twomx.dane.test\"", "\"dane\":\"authenticated\"", "\"outcome\":\"delivered\"");
    }

    /** An insecure zone is no DANE and no failure: the list's default decides (here may: TLS, unverified). */
    @Test
    void anUnsignedZoneFallsBackToTheDefault() throws Exception {
        Sent s = send("unsigned.dane.test");
        assertDelivered(s);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"default\"", "\"level\":\"may\"",
                "\"tls\":true").doesNotContain("\"dane\""));
        // under a verify default, the self-signed certificate fails PKIX: DANE did not step in
        Sent v = send(delivery, "unsigned.dane.test", TlsLevel.VERIFY, false, false);
        assertThat(v.outcomes.get(0).kind()).isNotEqualTo(RecipientOutcome.Kind.DELIVERED);
        assertThat(v.tracking.get(0)).contains("\"source\":\"default\"", "certificate not verified");
    }

    @Test
    void aSignedZoneWithoutTlsaFallsBackToTheDefault() throws Exception {
        Sent s = send("nodane.dane.test");
        assertDelivered(s);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"default\"").doesNotContain("\"dane\""));
    }

    /** RFC 7672 §2.2.1: a bogus MX RRset may be an attack on the very records DANE rests on. */
    @Test
    void bogusSignaturesAreATemporaryFailureNeverPlaintext() throws Exception {
        Sent s = send("expired.dane.test");
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.TEMPORARY);
        assertThat(o.status()).isEqualTo("4.7.5");
        assertThat(o.diagnostic()).contains("failed DNSSEC validation");
        assertThat(postfix.maillog()).doesNotContain(s.token);
    }

    @ParameterizedTest
    @CsvSource({"tampered.dane.test, bogus", "timeout.dane.test, indeterminate"})
    void aTlsaLookupThatFailsOnASignedZoneDefers(String domain, String word) throws Exception {
        Sent s = send(domain);
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.kind()).as(s.tracking.toString()).isEqualTo(RecipientOutcome.Kind.TEMPORARY);
        assertThat(o.mayBounceAtOnce()).isFalse();
        assertThat(o.diagnostic()).contains("DANE: the TLSA lookup of _25._tcp.mx." + domain + " is " + word, "is not used now");
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"dane\"", "\"step\":\"dns\""));
    }

    /** The administrator's explicit entry wins over DANE, including a deliberate downgrade. */
    @Test
    void anExplicitListEntryWinsOverDane() throws Exception {
        Sent s = send(delivery, "eebad.dane.test", TlsLevel.NONE, true, false);
        assertDelivered(s);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"list\"", "\"tls\":false")
                .doesNotContain("\"dane\""));
    }

    /** RFC 8689 §5: "TLS-Required: No" lets a DANE failure fall back to the list's default. */
    @Test
    void aWaivingSenderFallsBackToTheDefault() throws Exception {
        Sent s = send(delivery, "eebad.dane.test", TlsLevel.MAY, false, false, true);
        assertDelivered(s);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"default\"").doesNotContain("\"dane\""));
    }

    /** RFC 8689 §4.2.1: DANE authenticates the MX, yet Postfix does not offer REQUIRETLS: 5.7.30. */
    @Test
    void requireTlsCountsDaneAsAuthenticationAndStillNeedsTheExtension() throws Exception {
        Sent s = send(delivery, "ee.dane.test", TlsLevel.MAY, false, true);
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.PERMANENT);
        assertThat(o.status()).isEqualTo("5.7.30");
        assertThat(o.diagnostic()).contains("does not offer REQUIRETLS after STARTTLS");
        assertThat(postfix.maillog()).doesNotContain(s.token);
    }

    /** The in-process validator (dnssec=validate) decides as the AD-trusting path does. */
    @Test
    void validateModeDecidesTheSame() throws Exception {
        OutboundDelivery validating = new OutboundDelivery(DnsjavaResolver.create(List.of(DnssecTestbed.RECURSIVE), Duration.ofSeconds(3)),
                CertificateChecker.fromFile(dir.resolve("tls/unrelated-ca.pem")), "client.dane.test", 25,
                new SmtpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60)),
                new TrackingLog(TRACKING::add))
                .dane(new DaneLookup(DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), Duration.ofSeconds(3),
                        TrustAnchors.read(dns.trustAnchor())), 25));
        assertDelivered(send(validating, "ta.dane.test", TlsLevel.MAY, false, false));
        Sent bad = send(validating, "eebad.dane.test", TlsLevel.MAY, false, false);
        assertDeferredUnsent(bad, "4.7.10");
        Sent expired = send(validating, "expired.dane.test", TlsLevel.MAY, false, false);
        assertThat(expired.outcomes.get(0).status()).isEqualTo("4.7.5");
    }

    /**
     * Postfix's posttls-finger, with its resolver pointed at the same validating unbound (a private
     * mount namespace gives it its own resolv.conf), judges each destination as we do. It probes the
     * first MX that answers, so it is compared with our first attempt.
     */
    @ParameterizedTest
    @CsvSource({
            "ee.dane.test, Verified TLS connection, authenticated",
            "eealias.dane.test, Verified TLS connection, authenticated",
            "ta.dane.test, Verified TLS connection, authenticated",
            "twomx.dane.test, Untrusted TLS connection, not-authenticated",
            "eebad.dane.test, Untrusted TLS connection, not-authenticated",
            "tawrong.dane.test, Untrusted TLS connection, not-authenticated",
            "unsigned.dane.test, Untrusted TLS connection, no DANE",
            "nodane.dane.test, Untrusted TLS connection, no DANE",
            "expired.dane.test, 'name=expired.dane.test type=MX: Host not found, try again', deferred",
            "tampered.dane.test, 'TLSA lookup error for mx.tampered.dane.test:25', deferred"})
    void posttlsFingerAgrees(String domain, String finger, String ours) throws Exception {
        String verdict = posttlsFinger(domain);
        assertThat(verdict).contains(finger);
        Sent s = send(domain);
        String first = s.tracking.isEmpty() ? "" : s.tracking.get(0);
        switch (ours) {
            case "no DANE":
                assertThat(first).doesNotContain("\"dane\"").contains("\"source\":\"default\"");
                break;
            case "deferred":
                assertThat(s.outcomes.get(0).kind()).isEqualTo(RecipientOutcome.Kind.TEMPORARY);
                assertThat(first).doesNotContain("\"tls\":true");
                break;
            default:
                assertThat(first).contains("\"dane\":\"" + ours + "\"");
        }
    }

    private static String posttlsFinger(String domain) throws Exception {
        PeerTools.requireExecutable("posttls-finger", "postfix");
        PeerTools.requireExecutable("unshare", "util-linux");
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + DnssecTestbed.VALIDATING + "\noptions trust-ad\n");
        PeerTools.Result r = PeerTools.run(List.of("unshare", "-m", "sh", "-c",
                "mount --bind " + resolv + " /etc/resolv.conf && MAIL_CONFIG=" + postfix.configDirectory() + " exec posttls-finger -c -l dane -L summary,certmatch -t 10 -T 10 " + domain),
                dir, 60);
        return r.out + r.err;
    }
}
