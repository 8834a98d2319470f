package io.mailsec.av.james;

import io.mailsec.av.ClamdProcess;
import io.mailsec.av.GeneratedMessage;
import io.mailsec.av.MessageScannerTest;
import io.mailsec.av.TestFiles;
import io.mailsec.av.Verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

/** The VirusScan mailet and its matchers with a real clamd. */
class VirusScanMailetTest {
    static final Session SESSION = Session.getInstance(new Properties());

    static MimeMessage mime(byte[] bytes) throws MessagingException {
        return new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
    }

    static FakeMail mail(byte[] bytes) throws MessagingException {
        return FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(mime(bytes))
            .sender("alice@example.com").recipient("bob@localhost").state("transport").build();
    }

    static VirusScan mailet(FakeMailContext ctx, ClamdProcess clamd, String... params) throws MessagingException {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("VirusScan").mailetContext(ctx)
            .setProperty("clamd", clamd.tcpAddress())
            .setProperty("streamMaxLength", String.valueOf(ClamdProcess.STREAM_MAX_LENGTH))
            .setProperty("connectTimeout", "500ms")
            .setProperty("retryDelay", "30s");
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        VirusScan m = new VirusScan();
        m.init(b.build());
        return m;
    }

    static boolean matches(Matcher matcher, Mail mail) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName())
            .mailetContext(FakeMailContext.defaultContext()).build());
        return !matcher.match(mail).isEmpty();
    }

    static byte[] bodyOf(MimeMessage m) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        m.writeTo(bos);
        byte[] all = bos.toByteArray();
        String s = new String(all, StandardCharsets.ISO_8859_1);
        int i = s.indexOf("\r\n\r\n");
        return Arrays.copyOfRange(all, i + 4, all.length);
    }

    static byte[] bodyOf(byte[] raw) {
        String s = new String(raw, StandardCharsets.ISO_8859_1);
        int i = s.indexOf("\r\n\r\n");
        return Arrays.copyOfRange(raw, i + 4, raw.length);
    }

    @Test
    void cleanMailGetsHeadersAndAnUntouchedBody() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        byte[] raw = MessageScannerTest.withAttachment("application/zip", "ok.zip", TestFiles.zip("ok.txt", TestFiles.cleanText()));
        FakeMail mail = mail(raw);
        VirusScan m = mailet(ctx, ClamdProcess.shared());
        m.service(mail);
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(AvAttributes.verdict(mail)).contains(Verdict.CLEAN);
        MimeMessage msg = mail.getMessage();
        assertThat(msg.getHeader("X-Virus-Status")).containsExactly("Clean");
        assertThat(msg.getHeader("X-Virus-Scanned")).as("no engine version by default").containsExactly("ClamAV (mailsec)");
        assertThat(AvAttributes.string(mail, AvAttributes.ENGINE).orElseThrow()).as("the version stays in the attribute").startsWith("ClamAV 1.");
        FakeMail disclosed = mail(raw);
        VirusScan withVersion = mailet(ctx, ClamdProcess.shared(), "discloseVersion", "true");
        withVersion.service(disclosed);
        assertThat(disclosed.getMessage().getHeader("X-Virus-Scanned")[0]).startsWith("ClamAV 1.").endsWith("(mailsec)");
        withVersion.destroy();
        assertThat(bodyOf(msg)).isEqualTo(bodyOf(raw));
        assertThat(matches(new IsInfected(), mail)).isFalse();
        assertThat(matches(new IsUnscannable(), mail)).isFalse();
        assertThat(matches(new VirusScanFailed(), mail)).isFalse();
        m.destroy();
    }

    @Test
    void infectedMailIsMarkedAndForgedHeadersReplaced() throws Exception {
        byte[] raw = ("X-Virus-Status: Clean\r\nX-Virus-Scanned: forged\r\n"
            + new String(MessageScannerTest.withAttachment("application/zip", "e.zip", TestFiles.zip("e.com", TestFiles.eicar())),
            StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        FakeMail mail = mail(raw);
        VirusScan m = mailet(FakeMailContext.defaultContext(), ClamdProcess.shared());
        m.service(mail);
        assertThat(AvAttributes.verdict(mail)).contains(Verdict.INFECTED);
        assertThat(AvAttributes.string(mail, AvAttributes.VIRUSES).orElseThrow()).startsWith("Test.EICAR.");
        assertThat(AvAttributes.string(mail, AvAttributes.REPORT).orElseThrow()).contains("\"name\":\"e.zip\"");
        assertThat(mail.getMessage().getHeader("X-Virus-Status")).hasSize(1);
        assertThat(mail.getMessage().getHeader("X-Virus-Status")[0]).startsWith("Infected (Test.EICAR.");
        assertThat(mail.getMessage().getHeader("X-Virus-Scanned")).hasSize(1).doesNotContain("forged");
        assertThat(matches(new IsInfected(), mail)).isTrue();
        assertThat(matches(new IsUnscannable(), mail)).isFalse();
        m.destroy();
    }

    @Test
    void encryptedArchiveIsUnscannable() throws Exception {
        FakeMail mail = mail(MessageScannerTest.withAttachment("application/zip", "s.zip", TestFiles.encryptedZip("a.txt", TestFiles.cleanText())));
        VirusScan m = mailet(FakeMailContext.defaultContext(), ClamdProcess.shared());
        m.service(mail);
        assertThat(matches(new IsUnscannable(), mail)).isTrue();
        assertThat(mail.getMessage().getHeader("X-Virus-Status")[0]).startsWith("Unscannable (s.zip: encrypted");
        m.destroy();
    }

    @Test
    void badInitParametersAreNamed() {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        assertThatThrownBy(() -> mailet(ctx, ClamdProcess.shared(), "onScannerFailure", "ignore"))
            .isInstanceOf(MessagingException.class).hasMessageContaining("onScannerFailure").hasMessageContaining("ignore");
        assertThatThrownBy(() -> mailet(ctx, ClamdProcess.shared(), "clamd", "host:port"))
            .hasMessageContaining("clamd").hasMessageContaining("host:port");
        assertThatThrownBy(() -> mailet(ctx, ClamdProcess.shared(), "retryDelay", "soon"))
            .hasMessageContaining("retryDelay").hasMessageContaining("soon");
        assertThatThrownBy(() -> mailet(ctx, ClamdProcess.shared(), "streamMaxLength", "big"))
            .hasMessageContaining("streamMaxLength").hasMessageContaining("big");
        assertThatThrownBy(() -> mailet(ctx, ClamdProcess.shared(), "poolSize", "0"))
            .hasMessageContaining("poolSize").hasMessageContaining("'0'");
    }

    static FakeMail fromSent(FakeMailContext.SentMail sent) throws MessagingException {
        return FakeMail.builder().name("requeued-" + System.nanoTime()).mimeMessage(sent.getMsg())
            .sender(sent.getSender()).recipients(List.copyOf(sent.getRecipients()))
            .attributes(sent.getAttributes().values()).state(sent.getState()).build();
    }

    @Test
    void clamdDownBeforeScanKeepsMailAndRetriesUntilItIsBack() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.start()) {
            FakeMailContext ctx = FakeMailContext.defaultContext();
            VirusScan m = mailet(ctx, clamd);
            clamd.stop();
            byte[] raw = MessageScannerTest.withAttachment("application/zip", "e.zip", TestFiles.zip("e.com", TestFiles.eicar()));
            FakeMail mail = mail(raw);
            m.service(mail);
            // not passed on, not lost: back on the spool, same processor, with a delay
            assertThat(mail.getState()).isEqualTo(Mail.GHOST);
            assertThat(ctx.getSentMails()).hasSize(1);
            FakeMailContext.SentMail requeued = ctx.getSentMails().get(0);
            assertThat(requeued.getState()).isEqualTo("transport");
            assertThat(requeued.getDelay()).isPresent();
            assertThat(requeued.getDelay().get().getDuration()).isEqualTo(30_000);
            assertThat(requeued.getMsg().getHeader("X-Virus-Status")).isNull();
            FakeMail retry = fromSent(requeued);
            assertThat(AvAttributes.verdict(retry)).contains(Verdict.ERROR);

            clamd.restart();
            m.service(retry);
            assertThat(retry.getState()).isEqualTo("transport");
            assertThat(AvAttributes.verdict(retry)).contains(Verdict.INFECTED);
            assertThat(retry.getMessage().getHeader("X-Virus-Status")[0]).startsWith("Infected");
            assertThat(ctx.getSentMails()).hasSize(1);
            m.destroy();
        }
    }

    @Test
    void clamdStoppedDuringScanKeepsMail() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.startWithStreamMaxLength(64L * 1024 * 1024)) {
            FakeMailContext ctx = FakeMailContext.defaultContext();
            VirusScan m = mailet(ctx, clamd, "streamMaxLength", "64M", "readTimeout", "5s");
            byte[] raw = new GeneratedMessage(6L * 1024 * 1024).readAllBytes();
            // the message store's stream kills clamd after 1 MB have been read for scanning
            MimeMessage msg = new MimeMessage(SESSION, new ByteArrayInputStream(raw)) {
                @Override
                public InputStream getRawInputStream() throws MessagingException {
                    return new FilterInputStream(super.getRawInputStream()) {
                        long n;

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            int r = super.read(b, off, len);
                            if (n < 1_000_000 && (n += Math.max(r, 0)) >= 1_000_000) {
                                clamd.stop();
                            }
                            return r;
                        }
                    };
                }
            };
            FakeMail mail = FakeMail.builder().name("during").mimeMessage(msg).sender("alice@example.com")
                .recipient("bob@localhost").state("transport").build();
            m.service(mail);
            assertThat(AvAttributes.verdict(mail)).contains(Verdict.ERROR);
            assertThat(mail.getState()).isEqualTo(Mail.GHOST);
            assertThat(ctx.getSentMails()).hasSize(1);
            FakeMail retry = fromSent(ctx.getSentMails().get(0));
            clamd.restart();
            m.service(retry);
            assertThat(AvAttributes.verdict(retry)).contains(Verdict.CLEAN);
            assertThat(bodyOf(retry.getMessage())).isEqualTo(bodyOf(raw));
            m.destroy();
        }
    }

    @Test
    void retriesExhaustedGoToTheErrorProcessor() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.start()) {
            FakeMailContext ctx = FakeMailContext.defaultContext();
            VirusScan m = mailet(ctx, clamd, "maxRetries", "1");
            clamd.stop();
            FakeMail mail = mail(MessageScannerTest.withAttachment("text/plain", "a.txt", TestFiles.cleanText()));
            m.service(mail);
            FakeMail second = fromSent(ctx.getSentMails().get(0));
            assertThat(ctx.getSentMails().get(0).getAttributes()).containsKey(AvAttributes.ORIGINAL_NAME);
            m.service(second);
            assertThat(second.getState()).isEqualTo(Mail.ERROR);
            assertThat(second.getErrorMessage()).contains("virus scanner unavailable");
            assertThat(ctx.getSentMails()).hasSize(1);
            m.destroy();
        }
    }

    @Test
    void failOpenDeliversMarkedAndLogged() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.start()) {
            FakeMailContext ctx = FakeMailContext.defaultContext();
            VirusScan m = mailet(ctx, clamd, "onScannerFailure", "deliver");
            clamd.stop();
            FakeMail mail = mail(MessageScannerTest.withAttachment("text/plain", "a.txt", TestFiles.cleanText()));
            m.service(mail);
            assertThat(mail.getState()).isEqualTo("transport");
            assertThat(ctx.getSentMails()).isEmpty();
            assertThat(mail.getAttribute(AvAttributes.FAIL_OPEN)).isPresent();
            assertThat(mail.getMessage().getHeader("X-Virus-Status")[0]).startsWith("Unscanned");
            assertThat(matches(new VirusScanFailed(), mail)).isTrue();
            m.destroy();
        }
    }
}
