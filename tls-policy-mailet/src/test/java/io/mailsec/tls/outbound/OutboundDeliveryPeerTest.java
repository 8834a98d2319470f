package io.mailsec.tls.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.tls.policy.EntryKind;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.TlsLevel;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * Issue 3 "Outbound" guarantees against real peers (Postfix, a STARTTLS-stripping relay, dnsmasq),
 * with the delivery engine driven directly. RFC 3207 (STARTTLS), RFC 3464 (DSN), RFC 6125 (names).
 */
class OutboundDeliveryPeerTest {
    private static PeerEnvironment env;
    private static OutboundDelivery delivery;
    private static final List<String> TRACKING = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        env = PeerEnvironment.start();
        delivery = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                CertificateChecker.fromFile(env.caFile), "client.tls.test", 25, new SmtpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60)), new TrackingLog(TRACKING::add));
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    private static final class Sent {
        final String token = UUID.randomUUID().toString();
        List<RecipientOutcome> outcomes;
        List<String> tracking;
    }

    private static Sent send(String domain, TlsLevel level) {
        Sent s = new Sent();
        String rcpt = "bob@" + domain;
        String sender = "s-" + s.token + "@sender.test";
        String msg = "From: <" + sender + ">\r\nTo: <" + rcpt + ">\r\nSubject: " + s.token + "\r\nMessage-ID: <" + s.token
                + "@sender.test>\r\n\r\nbody " + s.token + "\r\n.leading dot line\r\n";
        int before = TRACKING.size();
        s.outcomes = delivery.deliver(new OutboundDelivery.Job(sender, domain, List.of(rcpt),
                new PolicyMatch(level, domain, EntryKind.DOMAIN, 1),
                out -> out.write(msg.getBytes(StandardCharsets.US_ASCII)), "<" + s.token + "@sender.test>", 1));
        s.tracking = new ArrayList<>(TRACKING.subList(before, TRACKING.size()));
        return s;
    }

    @Test
    void verifyDeliversToCaSignedPeerOverTls13() throws Exception {
        Sent s = send("valid.tls.test", TlsLevel.VERIFY);
        assertThat(s.outcomes).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.DELIVERED));
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l)
                .contains("\"outcome\":\"delivered\"", "\"tls\":true", "\"protocol\":\"TLSv1.3\"", "\"certificate\":\"trusted\"",
                        "\"peerHost\":\"mx.valid.tls.test\"", "\"peerIp\":\"127.0.4.10\"", "\"level\":\"verify\""));
        String received = env.postfix.message(s.token, Duration.ofSeconds(10));
        assertThat(received).as("message in the peer's Maildir").isNotNull().contains("using TLSv1.3").contains("\n..leading dot line".substring(1).replace("..", "."));
    }

    @Test
    void encryptNeverSendsWhenPeerOffersNoStarttls() throws Exception {
        Sent s = send("plain.tls.test", TlsLevel.ENCRYPT);
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.TEMPORARY);
        assertThat(o.tlsFailure()).isTrue();
        assertThat(o.step()).isEqualTo("starttls");
        assertThat(o.status()).isEqualTo("4.7.10");
        assertThat(o.asPermanent().status()).isEqualTo("5.7.10");
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l)
                .contains("\"outcome\":\"blocked: TLS unavailable\"", "\"tls\":false", "\"step\":\"starttls\"", "STARTTLS not offered"));
        assertThat(env.postfix.maillog()).doesNotContain(s.token);
        assertThat(env.postfix.message(s.token, Duration.ofMillis(500))).isNull();

        // RFC 3464 DSN with 5.7.10, "TLS unavailable", remote host and failing step
        String text = new String(DsnBuilder.build("client.tls.test", "postmaster@client.tls.test", "s@sender.test", "<x@y>", "hello",
                new java.util.Date(), "Subject: hello\r\n", List.of(o.asPermanent())), StandardCharsets.US_ASCII);
        assertThat(text).contains("Content-Type: multipart/report; report-type=delivery-status;");
        assertThat(text).contains("Content-Type: message/delivery-status", "Status: 5.7.10", "Action: failed",
                "Final-Recipient: rfc822; bob@plain.tls.test", "Remote-MTA: dns; mx.plain.tls.test", "TLS unavailable",
                "mx.plain.tls.test [127.0.4.11]", "failed step: starttls", "text/rfc822-headers");
    }

    @Test
    void mayFallsBackToPlaintextWithoutStarttls() throws Exception {
        Sent s = send("plain.tls.test", TlsLevel.MAY);
        assertThat(s.outcomes.get(0).kind()).isEqualTo(RecipientOutcome.Kind.DELIVERED);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"outcome\":\"delivered\"", "\"tls\":false"));
        assertThat(env.postfix.message(s.token, Duration.ofSeconds(10))).isNotNull().doesNotContain("using TLS");
    }

    @Test
    void encryptDeliversToSelfSignedPeer() throws Exception {
        Sent s = send("selfsigned.tls.test", TlsLevel.ENCRYPT);
        assertThat(s.outcomes.get(0).kind()).isEqualTo(RecipientOutcome.Kind.DELIVERED);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l)
                .contains("\"outcome\":\"delivered\"", "\"tls\":true", "\"certificate\":\"untrusted\""));
        assertThat(env.postfix.message(s.token, Duration.ofSeconds(10))).isNotNull().contains("using TLS");
    }

    @Test
    void verifyBouncesSelfSignedPeer() throws Exception {
        assertCertificateFailure(send("selfsigned.tls.test", TlsLevel.VERIFY), "self-signed", "untrusted");
    }

    @Test
    void verifyBouncesCertificateForAnotherName() throws Exception {
        assertCertificateFailure(send("wrongname.tls.test", TlsLevel.VERIFY), "mx.somewhere-else.test", "name-mismatch");
    }

    @Test
    void verifyBouncesExpiredCertificate() throws Exception {
        assertCertificateFailure(send("expired.tls.test", TlsLevel.VERIFY), "expired", "expired");
    }

    private static void assertCertificateFailure(Sent s, String problem, String verdict) throws Exception {
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.tlsFailure()).isTrue();
        assertThat(o.step()).isEqualTo("certificate");
        assertThat(o.diagnostic()).contains(problem);
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l)
                .contains("\"outcome\":\"blocked: TLS unavailable\"", "\"tls\":true", "\"certificate\":\"" + verdict + "\"", "\"step\":\"certificate\""));
        assertThat(env.postfix.maillog()).doesNotContain(s.token);
        assertThat(env.postfix.message(s.token, Duration.ofMillis(300))).isNull();
    }

    @Test
    void encryptBlocksStarttlsStrippingRelayAndPeerNeverSeesData() throws Exception {
        int before = env.relay.clientLines().size();
        Sent s = send("strip.tls.test", TlsLevel.ENCRYPT);
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.tlsFailure()).isTrue();
        assertThat(o.step()).isEqualTo("starttls");
        assertThat(o.remote()).isEqualTo("mx.strip.tls.test [127.0.4.12]");
        List<String> seen = env.relay.clientLines().subList(before, env.relay.clientLines().size());
        assertThat(seen).anyMatch(l -> l.startsWith("EHLO"));
        assertThat(seen).noneMatch(l -> l.startsWith("MAIL") || l.startsWith("RCPT") || l.startsWith("DATA") || l.contains(s.token));
        assertThat(env.postfix.message(s.token, Duration.ofMillis(300))).isNull();
    }

    @Test
    void mayThroughStrippingRelayDeliversInPlaintext() throws Exception {
        Sent s = send("strip.tls.test", TlsLevel.MAY);
        assertThat(s.outcomes.get(0).kind()).isEqualTo(RecipientOutcome.Kind.DELIVERED);
        assertThat(s.tracking.get(0)).contains("\"tls\":false");
        assertThat(env.postfix.message(s.token, Duration.ofSeconds(10))).isNotNull();
    }

    @Test
    void noneNeverStartsTlsEvenWhenOffered() throws Exception {
        Sent s = send("valid.tls.test", TlsLevel.NONE);
        assertThat(s.outcomes.get(0).kind()).isEqualTo(RecipientOutcome.Kind.DELIVERED);
        assertThat(s.tracking.get(0)).contains("\"tls\":false", "\"certificate\":\"none\"");
        assertThat(env.postfix.message(s.token, Duration.ofSeconds(10))).isNotNull().doesNotContain("using TLS");
    }

    @Test
    void encryptBlocksFailedHandshake() throws Exception {
        Sent s = send("brokentls.tls.test", TlsLevel.ENCRYPT);
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.tlsFailure()).isTrue();
        assertThat(o.step()).isEqualTo("handshake");
        assertThat(s.tracking).singleElement().satisfies(l -> assertThat(l).contains("\"outcome\":\"blocked: TLS unavailable\"", "\"step\":\"handshake\""));
        assertThat(env.postfix.message(s.token, Duration.ofMillis(300))).isNull();
    }

    @Test
    void mayRetriesInPlaintextAfterFailedHandshake() throws Exception {
        Sent s = send("brokentls.tls.test", TlsLevel.MAY);
        assertThat(s.outcomes.get(0).kind()).isEqualTo(RecipientOutcome.Kind.DELIVERED);
        assertThat(s.tracking).hasSize(2);
        assertThat(s.tracking.get(0)).contains("\"outcome\":\"deferred\"", "\"step\":\"handshake\"");
        assertThat(s.tracking.get(1)).contains("\"outcome\":\"delivered\"", "\"tls\":false");
        assertThat(env.postfix.message(s.token, Duration.ofSeconds(10))).isNotNull().contains("(Postfix) with ESMTP id");
    }

    @Test
    void connectionRefusedIsTemporaryAndNotTls() {
        Sent s = send("refused.tls.test", TlsLevel.ENCRYPT);
        RecipientOutcome o = s.outcomes.get(0);
        assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.TEMPORARY);
        assertThat(o.tlsFailure()).isFalse();
        assertThat(o.status()).isEqualTo("4.4.1");
        assertThat(o.step()).isEqualTo("connect");
    }

    /**
     * A refusal in reply to RCPT, or after the whole message, is reported at the step that refused, in the
     * tracking line and in the outcome the DSN names (a content filter's 554 after the dot is not "step rcpt");
     * a real Postfix refuses through access maps at RCPT (recipient) and at end of data (sender).
     */
    @Test
    void aRefusalIsReportedAtTheStepThatRefused() throws Exception {
        // sender, recipient, kind, status, step, tracking outcome
        String[][] cases = {
            {"a@sender.test", "later@refusing.tls.test", "TEMPORARY", "4.2.0", "rcpt", "deferred"},
            {"eod-later@sender.test", "ok@refusing.tls.test", "TEMPORARY", "4.7.1", "data", "deferred"},
            {"eod-never@sender.test", "ok@refusing.tls.test", "PERMANENT", "5.7.1", "data", "bounced"},
        };
        for (String[] c : cases) {
            String token = UUID.randomUUID().toString();
            byte[] m = ("Subject: " + token + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
            int before = TRACKING.size();
            List<RecipientOutcome> out = delivery.deliver(new OutboundDelivery.Job(c[0], "refusing.tls.test", List.of(c[1]),
                    MAY, o -> o.write(m), "<" + token + "@sender.test>", 1));
            String what = String.join(" ", c);
            assertThat(out).as(what).singleElement().satisfies(o -> {
                assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.valueOf(c[2]));
                assertThat(o.status()).isEqualTo(c[3]);
                assertThat(o.step()).isEqualTo(c[4]);
            });
            assertThat(TRACKING.subList(before, TRACKING.size())).as(what).singleElement().satisfies(l -> assertThat(l)
                    .contains("\"outcome\":\"" + c[5] + "\"", "\"step\":\"" + c[4] + "\"", c[3]));
            assertThat(env.postfix.message(token, Duration.ofMillis(300))).as(what).isNull();
        }
    }

    @Test
    void unknownDomainIsPermanentFailure() {
        Sent s = send("nonexistent.tls.test", TlsLevel.MAY);
        assertThat(s.outcomes.get(0).kind()).isEqualTo(RecipientOutcome.Kind.PERMANENT);
        assertThat(s.outcomes.get(0).status()).isEqualTo("5.1.2");
    }

    /** A tarpit that answers one byte at a time, each within the read timeout: only the session deadline ends it. */
    @Test
    void aTarpitDrippingBytesIsCutOffAtTheSessionDeadline() throws Exception {
        try (java.net.ServerSocket tarpit = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread drip = new Thread(() -> {
                try (java.net.Socket c = tarpit.accept()) {
                    for (int i = 0; i < 100; i++) {
                        c.getOutputStream().write('2');
                        c.getOutputStream().flush();
                        Thread.sleep(200);
                    }
                } catch (Exception ignored) {
                    // the client hung up: what the test wants
                }
            });
            drip.setDaemon(true);
            drip.start();
            OutboundDelivery d = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                    CertificateChecker.fromFile(env.caFile), "client.tls.test", tarpit.getLocalPort(),
                    new SmtpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                            Duration.ofSeconds(2)), null);
            long start = System.nanoTime();
            List<RecipientOutcome> out = d.deliver(new OutboundDelivery.Job("a@sender.test", "[127.0.0.1]", List.of("b@[127.0.0.1]"),
                    new PolicyMatch(TlsLevel.MAY, "default", EntryKind.DEFAULT, 0), o -> o.write('x'), "<t@sender.test>", 1));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(out).singleElement().satisfies(o -> {
                assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.TEMPORARY);
                assertThat(o.diagnostic()).contains("greeting: session deadline of 2s exceeded", "no MX host took the message");
                assertThat(o.status()).as("RFC 3463: a connection that went bad, not one refused").isEqualTo("4.4.2");
            });
            assertThat(ms).as("cut off at the deadline, not after 100 bytes").isBetween(1900L, 6000L);
        }
    }

    private static List<RecipientOutcome> toSmall(String rcpt, long size, boolean smtputf8, byte[] body) {
        return delivery.deliver(new OutboundDelivery.Job("a@sender.test", "small.tls.test", List.of(rcpt),
                new PolicyMatch(TlsLevel.MAY, "default", EntryKind.DEFAULT, 0), o -> o.write(body), "<size@sender.test>", 1, size, smtputf8));
    }

    /** RFC 1870: a message larger than the SIZE a real Postfix advertises fails for good before MAIL FROM, with 5.3.4. */
    @Test
    void aMessageLargerThanThePeersSizeFailsPermanentlyWith534() throws Exception {
        byte[] big = ("Subject: big\r\n\r\n" + "x".repeat(70) + "\r\n").repeat(400).getBytes(StandardCharsets.US_ASCII);
        assertThat(toSmall("big@small.tls.test", big.length, false, big)).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.PERMANENT);
            assertThat(o.status()).isEqualTo("5.3.4");
            assertThat(o.diagnostic()).contains(big.length + " bytes exceeds the 20000 bytes");
        });
        byte[] ok = "Subject: small\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(toSmall("ok@small.tls.test", ok.length, false, ok)).singleElement()
                .satisfies(o -> assertThat(o.kind()).as(o.toString()).isEqualTo(RecipientOutcome.Kind.DELIVERED));
        assertThat(env.postfix.message("Delivered-To: big@small.tls.test", Duration.ofMillis(500))).isNull();
    }

    /** RFC 6531 §3.5: an SMTPUTF8 message to a peer (Postfix with smtputf8_enable=no) that does not offer it bounces with 5.6.7. */
    @Test
    void anSmtpUtf8MessageToAPeerWithoutSmtpUtf8BouncesWith567() {
        byte[] m = "Subject: =?UTF-8?Q?x?=\r\nFrom: j\u00f6rg@sender.test\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(toSmall("u@small.tls.test", m.length, true, m)).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.PERMANENT);
            assertThat(o.status()).isEqualTo("5.6.7");
            assertThat(o.diagnostic()).contains("does not offer it");
        });
    }

    /** Three messages to one MX in a row: one connection, RSET between transactions, the TLS facts carried over. */
    @Test
    void consecutiveMessagesToOneMxReuseTheSession() throws Exception {
        List<String> tracking = Collections.synchronizedList(new ArrayList<>());
        OutboundDelivery pooled = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                CertificateChecker.fromFile(env.caFile), "client.tls.test", 25, SmtpTimeouts.DEFAULTS, new TrackingLog(tracking::add),
                100, Duration.ofSeconds(5));
        int before = env.relay.clientLines().size();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String token = UUID.randomUUID().toString();
            tokens.add(token);
            byte[] m = ("Subject: " + token + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
            assertThat(pooled.deliver(new OutboundDelivery.Job("a@sender.test", "strip.tls.test", List.of("r" + i + "@strip.tls.test"),
                    new PolicyMatch(TlsLevel.MAY, "default", EntryKind.DEFAULT, 0), o -> o.write(m), "<" + token + "@sender.test>", 1)))
                    .singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.DELIVERED));
        }
        List<String> lines = env.relay.clientLines().subList(before, env.relay.clientLines().size());
        assertThat(lines.stream().filter(l -> l.startsWith("EHLO"))).as("one session: " + lines).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("MAIL FROM"))).hasSize(3);
        assertThat(lines.stream().filter(l -> l.equals("RSET"))).as("RSET before each reuse").hasSize(2);
        for (String t : tokens) {
            assertThat(env.postfix.message("Subject: " + t, Duration.ofSeconds(10))).as(t).isNotNull();
        }

        tracking.clear();
        for (int i = 0; i < 3; i++) {
            byte[] m = "Subject: v\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
            pooled.deliver(new OutboundDelivery.Job("a@sender.test", "valid.tls.test", List.of("v" + i + "@valid.tls.test"),
                    new PolicyMatch(TlsLevel.VERIFY, "valid.tls.test", EntryKind.DOMAIN, 1), o -> o.write(m), "<v" + i + "@sender.test>", 1));
        }
        assertThat(tracking).hasSize(3).allMatch(l -> l.contains("\"outcome\":\"delivered\"") && l.contains("\"protocol\":\"TLSv1.3\"")
                && l.contains("\"certificate\":\"trusted\""));
        assertThat(tracking.stream().filter(l -> l.contains("\"sessionReused\":true"))).as("verify over the kept TLS session").hasSize(2);
    }

    private static final PolicyMatch MAY = new PolicyMatch(TlsLevel.MAY, "default", EntryKind.DEFAULT, 0);

    /**
     * RFC 2920 with a real Postfix that disconnects improper pipelining: the envelope and DATA go in one
     * group (the tracking line says so), a refused recipient among accepted ones is reported alone, and the
     * message with 8-bit content is announced as BODY=8BITMIME (RFC 6152), seen on the wire by the relay.
     */
    @Test
    void pipelinedEnvelopeWithEightBitBodyToPostfix() throws Exception {
        List<String> tracking = Collections.synchronizedList(new ArrayList<>());
        OutboundDelivery d = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                CertificateChecker.fromFile(env.caFile), "client.tls.test", 25, SmtpTimeouts.DEFAULTS, new TrackingLog(tracking::add));
        String token = UUID.randomUUID().toString();
        byte[] m = ("Subject: " + token + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "gr\u00fc\u00dfe\r\n").getBytes(StandardCharsets.UTF_8);
        int before = env.relay.clientLines().size();
        List<RecipientOutcome> out = d.deliver(new OutboundDelivery.Job("a@sender.test", "strip.tls.test",
                List.of("p1@strip.tls.test", "p2@strip.tls.test"), MAY, o -> o.write(m), "<" + token + "@sender.test>", 1, m.length, false));
        assertThat(out).hasSize(2).allSatisfy(o -> assertThat(o.kind()).as(o.toString()).isEqualTo(RecipientOutcome.Kind.DELIVERED));
        assertThat(tracking).singleElement().satisfies(l -> assertThat(l).contains("\"pipelined\":true", "\"outcome\":\"delivered\""));
        List<String> lines = env.relay.clientLines().subList(before, env.relay.clientLines().size());
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("MAIL FROM:<a@sender.test>").contains(" BODY=8BITMIME", " SIZE=" + m.length));
        String received = env.postfix.message("Subject: " + token, Duration.ofSeconds(10));
        assertThat(received).as("delivered with its 8-bit body intact").isNotNull()
                .contains(new String("gr\u00fc\u00dfe".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

    /**
     * A peer without PIPELINING (Postfix discarding the keyword, and disconnecting a client that pipelines
     * anyway) gets one command at a time; without 8BITMIME, a 7-bit message is delivered and an 8-bit one
     * fails for good with 5.6.3 (RFC 6152 §3, RFC 3463), never sent.
     */
    @Test
    void aPeerWithoutPipeliningOr8BitMimeGetsCommandsOneByOneAnd8BitMailBounces() throws Exception {
        List<String> tracking = Collections.synchronizedList(new ArrayList<>());
        OutboundDelivery d = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                CertificateChecker.fromFile(env.caFile), "client.tls.test", 25, SmtpTimeouts.DEFAULTS, new TrackingLog(tracking::add));
        String token = UUID.randomUUID().toString();
        byte[] seven = ("Subject: " + token + "\r\n\r\nplain ascii\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(d.deliver(new OutboundDelivery.Job("a@sender.test", "small.tls.test", List.of("s1@small.tls.test", "s2@small.tls.test"),
                MAY, o -> o.write(seven), "<" + token + "@sender.test>", 1, seven.length, false)))
                .hasSize(2).allSatisfy(o -> assertThat(o.kind()).as(o.toString()).isEqualTo(RecipientOutcome.Kind.DELIVERED));
        assertThat(tracking).singleElement().satisfies(l -> assertThat(l).doesNotContain("pipelined"));
        assertThat(env.postfix.message("Subject: " + token, Duration.ofSeconds(10))).isNotNull();

        String token8 = UUID.randomUUID().toString();
        byte[] eight = ("Subject: " + token8 + "\r\nContent-Transfer-Encoding: 8bit\r\n\r\nd\u00e9j\u00e0\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(d.deliver(new OutboundDelivery.Job("a@sender.test", "small.tls.test", List.of("s3@small.tls.test"),
                MAY, o -> o.write(eight), "<" + token8 + "@sender.test>", 1, eight.length, false))).singleElement().satisfies(o -> {
                    assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.PERMANENT);
                    assertThat(o.status()).isEqualTo("5.6.3");
                    assertThat(o.diagnostic()).contains("does not offer 8BITMIME");
                });
        assertThat(env.postfix.message("Subject: " + token8, Duration.ofMillis(500))).isNull();
    }

    /**
     * On top of the Postfix tests: a server that answers nothing until it has read the whole group proves
     * that MAIL, every RCPT and DATA leave in one round trip (a client waiting for each reply would time out);
     * DATA accepted although every recipient was refused gets the lone dot (RFC 2920 §3.1) and no message.
     */
    @Test
    void theEnvelopeGoesInOneRoundTripAndARefusedEnvelopeGetsTheLoneDot() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            Thread t = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    var out = s.getOutputStream();
                    out.write("220 scripted ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    seen.add(in.readLine());
                    out.write("250-scripted\r\n250-PIPELINING\r\n250 8BITMIME\r\n".getBytes(StandardCharsets.US_ASCII));
                    List<String> group = new ArrayList<>();
                    String l;
                    while (!(l = in.readLine()).equals("DATA")) {
                        group.add(l);
                    }
                    seen.addAll(group);
                    seen.add(l);
                    out.write("250 ok\r\n550 5.1.1 no such user\r\n550 5.1.1 no such user\r\n354 go ahead\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    String body = in.readLine();
                    seen.add("body:" + body);
                    out.write("554 5.5.1 no valid recipients\r\n".getBytes(StandardCharsets.US_ASCII));
                    seen.add(in.readLine());
                    out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    seen.add("server: " + e);
                }
            });
            t.start();
            Duration two = Duration.ofSeconds(2);
            OutboundDelivery d = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                    CertificateChecker.fromFile(env.caFile), "client.tls.test", server.getLocalPort(), new SmtpTimeouts(two, two, two, two, two),
                    null);
            List<RecipientOutcome> out = d.deliver(new OutboundDelivery.Job("a@sender.test", "[127.0.0.1]",
                    List.of("x@[127.0.0.1]", "y@[127.0.0.1]"), new PolicyMatch(TlsLevel.NONE, "default", EntryKind.DEFAULT, 0),
                    o -> o.write("Subject: never\r\n\r\nnever\r\n".getBytes(StandardCharsets.US_ASCII)), "<pipe@sender.test>", 1));
            t.join(5000);
            assertThat(out).hasSize(2).allSatisfy(o -> {
                assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.PERMANENT);
                assertThat(o.status()).isEqualTo("5.1.1");
            });
            assertThat(seen).containsExactly("EHLO client.tls.test", "MAIL FROM:<a@sender.test> BODY=8BITMIME", "RCPT TO:<x@[127.0.0.1]>",
                    "RCPT TO:<y@[127.0.0.1]>", "DATA", "body:.", "QUIT");
        }
    }

    /**
     * An MTA-STS requirement (RFC 8461): verify against the MX name on the MX hosts the policy names;
     * an MX it does not name is never contacted, and with none left the recipients get 4.7.10.
     */
    @Test
    void anMtaStsRequirementVerifiesOnlyTheMxHostsItNames() throws Exception {
        List<String> tracking = Collections.synchronizedList(new ArrayList<>());
        OutboundDelivery d = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                CertificateChecker.fromFile(env.caFile), "client.tls.test", 25, SmtpTimeouts.DEFAULTS, new TrackingLog(tracking::add));
        String token = UUID.randomUUID().toString();
        byte[] m = ("Subject: " + token + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        TlsRequirement named = TlsRequirement.mtaSts("mta-sts id=a1", h -> h.equals("mx.valid.tls.test"), "mx: mx.valid.tls.test", null);
        assertThat(d.deliver(new OutboundDelivery.Job("a@sender.test", "valid.tls.test", List.of("s1@valid.tls.test"), named,
                o -> o.write(m), "<" + token + "@sender.test>", 1, m.length, false)))
                .singleElement().satisfies(o -> assertThat(o.kind()).as(o.toString()).isEqualTo(RecipientOutcome.Kind.DELIVERED));
        assertThat(tracking).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"mta-sts\"", "\"level\":\"verify\"",
                "\"entry\":\"mta-sts id=a1\"", "\"certificate\":\"trusted\"", "\"outcome\":\"delivered\""));
        assertThat(env.postfix.message("Subject: " + token, Duration.ofSeconds(10))).isNotNull();

        tracking.clear();
        String other = UUID.randomUUID().toString();
        byte[] m2 = ("Subject: " + other + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        TlsRequirement elsewhere = TlsRequirement.mtaSts("mta-sts id=a2", h -> h.endsWith(".elsewhere.test"), "mx: *.elsewhere.test", null);
        assertThat(d.deliver(new OutboundDelivery.Job("a@sender.test", "valid.tls.test", List.of("s2@valid.tls.test"), elsewhere,
                o -> o.write(m2), "<" + other + "@sender.test>", 1, m2.length, false))).singleElement().satisfies(o -> {
                    assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.TEMPORARY);
                    assertThat(o.tlsFailure()).isTrue();
                    assertThat(o.status()).isEqualTo("4.7.10");
                    assertThat(o.step()).isEqualTo("mx");
                    assertThat(o.diagnostic()).contains("source mta-sts", "MX host mx.valid.tls.test is not named by the MTA-STS policy "
                            + "(mx: *.elsewhere.test)");
                });
        assertThat(tracking).singleElement().satisfies(l -> assertThat(l).contains("\"step\":\"mx\"", "\"outcome\":\"blocked: TLS unavailable\"")
                .doesNotContain("peerIp"));
        assertThat(env.postfix.message("Subject: " + other, Duration.ofMillis(500))).isNull();
    }

    /**
     * RFC 8689: a REQUIRETLS message to a destination that is not authenticated fails for good with
     * 5.7.30 without a connection; to an authenticated MX (Postfix, verified) that does not offer
     * REQUIRETLS, it fails with 5.7.30 before MAIL FROM and nothing reaches the peer.
     */
    @Test
    void aRequireTlsMessageGoesOnlyToAnAuthenticatedMxOfferingIt() throws Exception {
        List<String> tracking = Collections.synchronizedList(new ArrayList<>());
        OutboundDelivery d = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                CertificateChecker.fromFile(env.caFile), "client.tls.test", 25, SmtpTimeouts.DEFAULTS, new TrackingLog(tracking::add));
        String token = UUID.randomUUID().toString();
        byte[] m = ("Subject: " + token + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(d.deliver(new OutboundDelivery.Job("a@sender.test", "plain.tls.test", List.of("r1@plain.tls.test"), MAY,
                o -> o.write(m), "<" + token + "@sender.test>", 1, m.length, false).requiringTls())).singleElement().satisfies(o -> {
                    assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.PERMANENT);
                    assertThat(o.status()).isEqualTo("5.7.30");
                    assertThat(o.diagnostic()).contains("REQUIRETLS", "not an authenticated one");
                });
        assertThat(tracking).singleElement().satisfies(l -> assertThat(l).contains("\"outcome\":\"bounced\"").doesNotContain("peerIp"));

        tracking.clear();
        PolicyMatch verify = new PolicyMatch(TlsLevel.VERIFY, "valid.tls.test", EntryKind.DOMAIN, 1);
        assertThat(d.deliver(new OutboundDelivery.Job("a@sender.test", "valid.tls.test", List.of("r2@valid.tls.test"), verify,
                o -> o.write(m), "<" + token + "@sender.test>", 1, m.length, false).requiringTls())).singleElement().satisfies(o -> {
                    assertThat(o.kind()).isEqualTo(RecipientOutcome.Kind.PERMANENT);
                    assertThat(o.status()).isEqualTo("5.7.30");
                    assertThat(o.diagnostic()).contains("mx.valid.tls.test does not offer REQUIRETLS after STARTTLS");
                });
        assertThat(tracking).singleElement().satisfies(l -> assertThat(l).contains("\"tls\":true", "\"certificate\":\"trusted\"",
                "\"step\":\"mail\""));
        assertThat(env.postfix.message("Subject: " + token, Duration.ofMillis(500))).as("nothing sent").isNull();
    }

    /**
     * The TLS-RPT seam: every new session in which TLS was at stake is reported once, with the RFC 8460
     * result type of its failure; level none is no TLS session at all.
     */
    @Test
    void eachSessionTellsTheListenerItsTlsRptOutcome() throws Exception {
        List<TlsSessionOutcome> heard = Collections.synchronizedList(new ArrayList<>());
        OutboundDelivery d = new OutboundDelivery(DnsjavaResolver.create(List.of(PeerEnvironment.DNS), Duration.ofSeconds(5)),
                CertificateChecker.fromFile(env.caFile), "client.tls.test", 25, SmtpTimeouts.DEFAULTS, null).sessionListener(heard::add);
        String[][] cases = {
            {"valid.tls.test", "verify", "success"},
            {"plain.tls.test", "encrypt", "starttls-not-supported"},
            {"plain.tls.test", "may", "starttls-not-supported"},
            {"selfsigned.tls.test", "verify", "certificate-not-trusted"},
            {"selfsigned.tls.test", "encrypt", "success"},
            {"wrongname.tls.test", "verify", "certificate-host-mismatch"},
            {"expired.tls.test", "verify", "certificate-expired"},
            {"valid.tls.test", "none", null},
        };
        for (String[] c : cases) {
            heard.clear();
            String rcpt = "bob@" + c[0];
            d.deliver(new OutboundDelivery.Job("s@sender.test", c[0], List.of(rcpt),
                    new PolicyMatch(TlsLevel.parse(c[1]), c[0], EntryKind.DOMAIN, 1),
                    out -> out.write("Subject: rpt\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)), "<rpt@sender.test>", 1));
            if (c[2] == null) {
                assertThat(heard).as(c[0] + " at " + c[1]).isEmpty();
                continue;
            }
            assertThat(heard).as(c[0] + " at " + c[1]).singleElement().satisfies(o -> {
                assertThat(o.failure().map(t -> t.word()).orElse("success")).isEqualTo(c[2]);
                assertThat(o.domain()).isEqualTo(c[0]);
                assertThat(o.mxHost()).isEqualTo("mx." + c[0]);
                assertThat(o.receivingIp()).startsWith("127.0.4.");
                assertThat(o.sendingIp()).startsWith("127.");
                assertThat(o.requirement().reportedAs()).isEmpty();
            });
        }
    }
}
