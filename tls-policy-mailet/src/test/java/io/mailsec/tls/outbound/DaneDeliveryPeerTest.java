package io.mailsec.tls.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import io.mailsec.core.dns.dnssec.DnssecResolvers;
import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.dns.dnssec.TrustAnchors;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.tls.dane.DaneLookup;
import io.mailsec.tls.peers.DanePeers;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.policy.EntryKind;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.TlsLevel;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * DANE for SMTP (RFC 7672) end to end: the signed zones and Postfix listeners of {@link DanePeers}
 * (TLSA records made from the peers' own certificates, on 127.0.21.x), the delivery engine deciding
 * per MX, and Postfix's own {@code posttls-finger -l dane} judging the same destinations as a
 * cross-check. The delivery's own CA file holds an unrelated CA: every success here is DANE's doing,
 * not PKIX's.
 */
class DaneDeliveryPeerTest {
    private static DanePeers peers;
    private static PostfixPeer postfix;
    private static OutboundDelivery delivery;
    private static final List<String> TRACKING = Collections.synchronizedList(new ArrayList<>());
    private static final SmtpTimeouts TIMEOUTS = new SmtpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofSeconds(60));

    @BeforeAll
    static void start() throws Exception {
        peers = DanePeers.start("127.0.21");
        postfix = peers.postfix;
        delivery = new OutboundDelivery(DnsjavaResolver.create(List.of(DnssecTestbed.VALIDATING), Duration.ofSeconds(3)),
                CertificateChecker.fromFile(peers.unrelatedCa), "client.dane.test", 25, TIMEOUTS, new TrackingLog(TRACKING::add))
                .dane(new DaneLookup(DnssecResolvers.trustAd(List.of(DnssecTestbed.VALIDATING), Duration.ofSeconds(3)), 25));
    }

    @AfterAll
    static void stop() throws Exception {
        if (peers != null) {
            peers.close();
        }
        PeerTools.closeAll();
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
                CertificateChecker.fromFile(peers.unrelatedCa), "client.dane.test", 25, TIMEOUTS, new TrackingLog(TRACKING::add))
                .dane(new DaneLookup(DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), Duration.ofSeconds(3),
                        TrustAnchors.read(peers.dns.trustAnchor())), 25));
        assertDelivered(send(validating, "ta.dane.test", TlsLevel.MAY, false, false));
        Sent bad = send(validating, "eebad.dane.test", TlsLevel.MAY, false, false);
        assertDeferredUnsent(bad, "4.7.10");
        Sent expired = send(validating, "expired.dane.test", TlsLevel.MAY, false, false);
        assertThat(expired.outcomes.get(0).status()).isEqualTo("4.7.5");
    }

    /** posttls-finger judges each destination as we do; it probes the first MX that answers, so it is compared with our first attempt. */
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
        String verdict = peers.posttlsFinger(domain);
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
}
