package io.mailsec.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.it.SmtpDialog;
import io.mailsec.it.TestTls;

/**
 * REQUIRETLS (RFC 8689) between two real James 3.8.1 servers with james-conf's configuration: B offers
 * it only after STARTTLS; a message submitted to A with REQUIRETLS reaches B over a verified session
 * with the parameter carried on (B logs that it took it), and the same message for a domain nothing
 * authenticates comes back to the sender with 5.7.30.
 */
class RequireTlsIT {
    static final String DNS = "127.0.15.53";
    /** Both on 127.0.0.1 (their own ports): the test certificates name localhost for JavaMail's IMAPS checks. */
    static final String A = "127.0.0.1";
    static final String B = "127.0.0.1";
    static Dnsmasq dns;
    static JamesProcess a;
    static JamesProcess b;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "requiretls-");
        dns = Dnsmasq.start(DNS, List.of("test"), List.of(Dnsmasq.mx("b.test", "mail.b.test", 10), Dnsmasq.host("mail.b.test", B),
                Dnsmasq.mx("unlisted.test", "mail.b.test", 10)));
        Path bConf = ShippedConf.in(Files.createDirectories(dir.resolve("b"))).dir();
        Files.writeString(bConf.resolve("mailsec-tls.policy"), "[outbound]\ndefault may\n[inbound]\ndefault may\n");
        b = JamesProcess.builder("requiretls-b").demoDomain("b.test").dnsServer(DNS).overlay(bConf).start();
        // A verifies b.test against B's test CA and reaches B's MX listener on its (unprivileged) port.
        ShippedConf aConf = ShippedConf.in(Files.createDirectories(dir.resolve("a")));
        aConf.file("mailsec-tls.policy", "[outbound]\nb.test verify\ndefault may\n[inbound]\ndefault may\n");
        aConf.file("tls/b-ca.pem", Files.readString(b.caCertificatePem()));
        aConf.edit("mailetcontainer.xml", "<maxQueueLifetime>5d</maxQueueLifetime>", "<maxQueueLifetime>5d</maxQueueLifetime>\n"
                + "                <trustStore>conf/tls/b-ca.pem</trustStore>\n                <port>" + b.smtpPort() + "</port>");
        a = JamesProcess.builder("requiretls-a").dnsServer(DNS).overlay(aConf.dir()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, dns}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void offeredOnlyAfterStartTlsAndRefusedWithout() throws Exception {
        try (SmtpDialog s = SmtpDialog.connect(B, b.smtpPort())) {
            s.reply();
            assertThat(s.command("EHLO client.test")).noneMatch(l -> l.contains("REQUIRETLS"));
            assertThat(s.command("MAIL FROM:<x@client.test> REQUIRETLS")).last().asString()
                    .startsWith("555 5.5.4 REQUIRETLS is offered only after STARTTLS");
            s.command("RSET");
            s.startTls(TestTls.trusting(b.caCertificatePem()), "mail.b.test");
            assertThat(s.command("EHLO client.test")).anyMatch(l -> l.substring(4).equals("REQUIRETLS"));
            assertThat(s.command("MAIL FROM:<x@client.test> REQUIRETLS")).last().asString().startsWith("250");
        }
    }

    @Test
    void aRequireTlsMessageReachesTheAuthenticatedPeerWithTheParameter() throws Exception {
        String token = UUID.randomUUID().toString();
        assertThat(submitWithRequireTls(b.demoUser(), token)).last().asString().startsWith("250");
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> new MailClient(b).imapsOrNone(b.demoUser(), b.demoPassword())
                .stream().anyMatch(m -> MailClient.subject(m).equals(token)))).as("delivered to B; A's tracking:\n"
                + a.logFile("tls-tracking.jsonl")).isTrue();
        assertThat(b.log()).as("B took REQUIRETLS").contains("event=requiretls-accepted");
        assertThat(a.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains(b.demoUser()) && l.contains("\"outcome\":\"delivered\"")))
                .singleElement().satisfies(l -> assertThat(l).contains("\"level\":\"verify\"", "\"source\":\"list\"",
                        "\"certificate\":\"trusted\""));
    }

    @Test
    void aRequireTlsMessageForADomainNothingAuthenticatesComesBackWith5730() throws Exception {
        String token = UUID.randomUUID().toString();
        assertThat(submitWithRequireTls("someone@unlisted.test", token)).last().asString().startsWith("250");
        MailClient client = new MailClient(a);
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> client.imapsOrNone(a.demoUser(), a.demoPassword()).stream()
                .anyMatch(m -> text(m).contains("Status: 5.7.30") && text(m).contains(token))))
                .as("DSN 5.7.30 to the sender; tracking:\n" + a.logFile("tls-tracking.jsonl")).isTrue();
        assertThat(b.log()).as("nothing was sent to B for it").doesNotContain(token);
    }

    /** Submission to A (587, STARTTLS, AUTH PLAIN) with {@code MAIL FROM:<...> REQUIRETLS}; the reply to the message. */
    static List<String> submitWithRequireTls(String rcpt, String subject) throws Exception {
        try (SmtpDialog s = SmtpDialog.connect(A, a.submissionPort())) {
            s.reply();
            s.command("EHLO client.test");
            s.startTls(TestTls.trusting(a.caCertificatePem()), a.tlsHostName());
            assertThat(s.command("EHLO client.test")).anyMatch(l -> l.substring(4).equals("REQUIRETLS"));
            String plain = Base64.getEncoder().encodeToString(("\0" + a.demoUser() + "\0" + a.demoPassword()).getBytes(StandardCharsets.UTF_8));
            assertThat(s.command("AUTH PLAIN " + plain)).last().asString().startsWith("235");
            assertThat(s.command("MAIL FROM:<" + a.demoUser() + "> REQUIRETLS")).last().asString().startsWith("250");
            assertThat(s.command("RCPT TO:<" + rcpt + ">")).last().asString().startsWith("250");
            assertThat(s.command("DATA")).last().asString().startsWith("354");
            return s.command("From: " + a.demoUser() + "\r\nTo: " + rcpt + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject
                    + "@mailsec.test>\r\n\r\nsent with REQUIRETLS\r\n.");
        }
    }

    static String text(MimeMessage m) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }
}
