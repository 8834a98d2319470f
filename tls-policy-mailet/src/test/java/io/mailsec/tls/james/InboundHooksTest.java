package io.mailsec.tls.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailsec.tls.policy.PolicyStore;

/**
 * Inbound policy (RFC 3207 §4: 530 5.7.0 before STARTTLS), TLS facts and the RFC 3848 Received
 * rewrite, and the two matchers, on James's own hook/matcher interfaces.
 */
class InboundHooksTest {
    @TempDir
    Path dir;
    private InboundTlsPolicyHook hook;
    private Path policyFile;

    @BeforeEach
    void setUp() throws Exception {
        policyFile = dir.resolve("p.policy");
        Files.writeString(policyFile, String.join("\n",
                "[inbound]",
                "default            may",
                "192.0.2.0/24       encrypt",
                "192.0.2.9          none       # more specific, but the sender entry below is stricter",
                "partner.example    verify",
                "broken.example     none",
                "secure.local.test  encrypt    # local recipients that must be reached over TLS",
                "[outbound]",
                "partner.example    verify",
                ".bank.example      encrypt",
                ""));
        hook = new InboundTlsPolicyHook();
        hook.setStore(PolicyStore.open(policyFile, Duration.ZERO));
    }

    private static MaybeSender sender(String s) throws Exception {
        return MaybeSender.of(new MailAddress(s));
    }

    private static void assert530(HookResult r) {
        assertThat(r.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(r.getSmtpRetCode()).isEqualTo("530");
        assertThat(r.getSmtpDescription()).isEqualTo("5.7.0 Must issue a STARTTLS command first");
    }

    @Test
    void requiredCidrWithoutTlsIsRefusedAtMailFrom() throws Exception {
        assert530(hook.doMail(FakeSmtpSession.of("192.0.2.55", null, null), sender("a@any.example")));
    }

    @Test
    void requiredCidrWithTlsIsAccepted() throws Exception {
        SMTPSession s = FakeSmtpSession.of("192.0.2.55", FakeSmtpSession.ssl("TLSv1.3", "TLS_AES_256_GCM_SHA384"), null);
        assertThat(hook.doMail(s, sender("a@any.example"))).isEqualTo(HookResult.DECLINED);
        assertThat(InboundTlsPolicyHook.appliedMatch(s)).get().satisfies(m -> assertThat(m.entry()).isEqualTo("192.0.2.0/24"));
    }

    @Test
    void requiredSenderDomainIsRefusedFromAnyPeer() throws Exception {
        assert530(hook.doMail(FakeSmtpSession.of("198.51.100.1", null, null), sender("ceo@partner.example")));
    }

    @Test
    void stricterOfPeerAndSenderApplies() throws Exception {
        // the /32 says none, the sender says verify: verify wins
        assert530(hook.doMail(FakeSmtpSession.of("192.0.2.9", null, null), sender("x@partner.example")));
        // the /32 says none, the sender says none: accepted although 192.0.2.0/24 is encrypt
        assertThat(hook.doMail(FakeSmtpSession.of("192.0.2.9", null, null), sender("x@broken.example"))).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void unlistedPeerAndSenderGetDefault() throws Exception {
        SMTPSession s = FakeSmtpSession.of("203.0.113.5", null, null);
        assertThat(hook.doMail(s, MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
        assertThat(InboundTlsPolicyHook.appliedMatch(s).get().isDefault()).isTrue();
    }

    @Test
    void requiredRecipientIsRefusedAtRcptTo() throws Exception {
        SMTPSession s = FakeSmtpSession.of("203.0.113.5", null, null);
        assertThat(hook.doMail(s, sender("a@any.example"))).isEqualTo(HookResult.DECLINED);
        assert530(hook.doRcpt(s, sender("a@any.example"), new MailAddress("bob@secure.local.test")));
        assertThat(hook.doRcpt(s, sender("a@any.example"), new MailAddress("bob@other.local.test"))).isEqualTo(HookResult.DECLINED);
        SMTPSession tls = FakeSmtpSession.of("203.0.113.5", FakeSmtpSession.ssl("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), null);
        assertThat(hook.doRcpt(tls, sender("a@any.example"), new MailAddress("bob@secure.local.test"))).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void messageHookRecordsTlsFactsAndRewritesReceivedWithRfc3848Keyword() throws Exception {
        SMTPSession s = FakeSmtpSession.of("192.0.2.55", FakeSmtpSession.ssl("TLSv1.3", "TLS_AES_128_GCM_SHA256"), null);
        hook.doMail(s, sender("a@any.example"));
        MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()));
        msg.addHeader("Received", "from older.example by relay.example with SMTP; Mon, 1 Jan 2024 00:00:00 +0000");
        msg.addHeader("Received", "from client.example ([192.0.2.55])\r\n          by mx (JAMES SMTP Server ) with ESMTP ID 1a2b3c\r\n"
                + "          for <bob@local.test>;\r\n          Sun, 22 Nov 2026 14:00:00 +0000 (UTC)");
        msg.setSubject("x");
        msg.setText("hello");
        Mail mail = FakeMail.builder().name("m").mimeMessage(msg).sender("a@any.example").recipient("bob@local.test").build();

        assertThat(new TlsReceivedHook().onMessage(s, mail)).isEqualTo(HookResult.DECLINED);

        assertThat(mail.getAttribute(MailsecTlsAttributes.TLS_USED).get().getValue().value()).isEqualTo(true);
        assertThat(mail.getAttribute(MailsecTlsAttributes.PROTOCOL).get().getValue().value()).isEqualTo("TLSv1.3");
        assertThat(mail.getAttribute(MailsecTlsAttributes.CIPHER).get().getValue().value()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(mail.getAttribute(MailsecTlsAttributes.INBOUND_LEVEL).get().getValue().value()).isEqualTo("encrypt");
        String[] received = mail.getMessage().getHeader("Received");
        assertThat(received).hasSize(2);
        assertThat(received[0]).contains("with ESMTPS (using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256) ID 1a2b3c");
        assertThat(received[1]).isEqualTo("from older.example by relay.example with SMTP; Mon, 1 Jan 2024 00:00:00 +0000");
    }

    @Test
    void authenticatedSubmissionBecomesEsmtpsa() {
        assertThat(TlsReceivedHook.withTls("from x by y with ESMTPA ID 1; date", "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
                .isEqualTo("from x by y with ESMTPSA (using TLSv1.2 with cipher TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) ID 1; date");
    }

    @Test
    void plaintextMessageIsMarkedAndKeepsItsReceived() throws Exception {
        SMTPSession s = FakeSmtpSession.of("203.0.113.5", null, null);
        MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()));
        msg.addHeader("Received", "from c by mx with ESMTP ID 1; date");
        msg.setText("x");
        Mail mail = FakeMail.builder().name("m").mimeMessage(msg).sender("a@any.example").recipient("bob@local.test").build();
        new TlsReceivedHook().onMessage(s, mail);
        assertThat(mail.getAttribute(MailsecTlsAttributes.TLS_USED).get().getValue().value()).isEqualTo(false);
        assertThat(mail.getAttribute(MailsecTlsAttributes.PROTOCOL)).isEmpty();
        assertThat(mail.getMessage().getHeader("Received")[0]).isEqualTo("from c by mx with ESMTP ID 1; date");
    }

    @Test
    void plaintextMessageIdComesFromTheReceivedBytesAndReachesTheTrackingLog() throws Exception {
        SMTPSession s = FakeSmtpSession.of("203.0.113.5", null, null);
        String raw = "Received: from c by mx with ESMTP ID 1; date\r\nMessage-ID:\r\n\t<raw-1@any.example>\r\n"
                + "Subject: x\r\n\r\nMessage-ID: <body@any.example>\r\n";
        org.apache.james.server.core.MimeMessageWrapper msg = new org.apache.james.server.core.MimeMessageWrapper(
                org.apache.james.server.core.MimeMessageInputStreamSource.create("m",
                        new java.io.ByteArrayInputStream(raw.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        Mail mail = FakeMail.builder().name("m").mimeMessage(msg).sender("a@any.example").recipient("bob@local.test").build();
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.mailsec.tls.tracking.TrackingLog.of(io.mailsec.core.runtime.MailsecRuntime.standalone()).tap(lines::add);
        try {
            new TlsReceivedHook().onMessage(s, mail);
        } finally {
            io.mailsec.tls.tracking.TrackingLog.of(io.mailsec.core.runtime.MailsecRuntime.standalone()).tap(null);
        }
        assertThat(lines).singleElement().asString().contains("\"messageId\":\"<raw-1@any.example>\"").contains("\"tls\":false");
        assertThat(TlsReceivedHook.messageId(msg)).isEqualTo("<raw-1@any.example>");
        msg.setHeader("Message-ID", "<edited@any.example>");
        assertThat(TlsReceivedHook.messageId(msg)).as("edited headers are what the stream gives").isEqualTo("<edited@any.example>");
    }

    @Test
    void receivedOverTlsHonoursMinimumVersion() throws Exception {
        ReceivedOverTls any = new ReceivedOverTls();
        any.init(FakeMatcherConfig.builder().matcherName("ReceivedOverTls").mailetContext(FakeMailContext.defaultContext()).build());
        ReceivedOverTls min13 = new ReceivedOverTls();
        min13.init(FakeMatcherConfig.builder().matcherName("ReceivedOverTls").condition("TLSv1.3").mailetContext(FakeMailContext.defaultContext()).build());
        Mail tls12 = FakeMail.builder().name("a").recipient("r@x.test")
                .attribute(new org.apache.mailet.Attribute(MailsecTlsAttributes.TLS_USED, org.apache.mailet.AttributeValue.of(true)))
                .attribute(new org.apache.mailet.Attribute(MailsecTlsAttributes.PROTOCOL, org.apache.mailet.AttributeValue.of("TLSv1.2"))).build();
        Mail plain = FakeMail.builder().name("b").recipient("r@x.test").build();
        assertThat(any.match(tls12)).hasSize(1);
        assertThat(min13.match(tls12)).isEmpty();
        assertThat(any.match(plain)).isEmpty();
        ReceivedOverTls bad = new ReceivedOverTls();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bad.init(FakeMatcherConfig.builder().matcherName("ReceivedOverTls")
                .condition("TLS9").mailetContext(FakeMailContext.defaultContext()).build())).hasMessageContaining("invalid condition 'TLS9'");
    }

    @Test
    void recipientTlsLevelIsSelectsRecipientsByOutboundLevel() throws Exception {
        RecipientTlsLevelIs m = new RecipientTlsLevelIs();
        m.init(FakeMatcherConfig.builder().matcherName("RecipientTlsLevelIs").condition("encrypt,verify;" + policyFile)
                .mailetContext(FakeMailContext.defaultContext()).build());
        Mail mail = FakeMail.builder().name("a").recipients("a@partner.example", "b@x.bank.example", "c@other.example").build();
        assertThat(m.match(mail)).extracting(MailAddress::asString).containsExactly("a@partner.example", "b@x.bank.example");
        RecipientTlsLevelIs bad = new RecipientTlsLevelIs();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bad.init(FakeMatcherConfig.builder().matcherName("RecipientTlsLevelIs")
                .condition("encrypt,sometimes;" + policyFile).mailetContext(FakeMailContext.defaultContext()).build()))
                .hasMessageContaining("unknown level 'sometimes'");
    }
}
