package io.mailsec.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7: the client-facing ports of james-conf, through a real James. Passwords are never accepted
 * over plaintext; relaying and submission need AUTH; only TLS 1.2 and 1.3 are spoken.
 */
class SecurePortsIT {
    private static JamesProcess james;
    private static SSLContext tls;
    private static String authPlain;

    @BeforeAll
    static void start() throws Exception {
        james = JamesProcess.builder("secure-ports").start();
        tls = TestTls.trusting(james.caCertificatePem());
        authPlain = Base64.getEncoder().encodeToString(("\0" + james.demoUser() + "\0" + james.demoPassword())
                .getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void submissionOffersStarttlsButNotAuthBeforeTls_rfc3207() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(james.host(), james.submissionPort())) {
            d.reply();
            List<String> ehlo = d.command("EHLO client.example");
            assertThat(ehlo).anyMatch(l -> l.substring(4).startsWith("STARTTLS"));
            assertThat(ehlo).noneMatch(l -> l.substring(4).startsWith("AUTH"));
            d.startTls(tls, james.tlsHostName());
            assertThat(d.command("EHLO client.example")).anyMatch(l -> l.substring(4).startsWith("AUTH"));
        }
    }

    @Test
    void authBeforeStarttlsIsRefusedEvenWhenTheClientInsists_rfc4954_6() throws Exception {
        for (int port : List.of(james.submissionPort(), james.smtpPort())) {
            try (SmtpDialog d = SmtpDialog.connect(james.host(), port)) {
                d.reply();
                d.command("EHLO client.example");
                List<String> r = d.command("AUTH PLAIN " + authPlain);
                assertThat(r.get(0)).as("port " + port).startsWith("538 5.7.11");
                if (port == james.submissionPort()) {
                    // Still not authenticated: submission refuses the mail.
                    assertThat(d.command("MAIL FROM:<" + james.demoUser() + ">").get(0)).startsWith("530");
                }
            }
        }
    }

    @Test
    void authAfterStarttlsSucceedsAndWrongPasswordIsRefused() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(james.host(), james.submissionPort())) {
            d.reply();
            d.command("EHLO client.example");
            d.startTls(tls, james.tlsHostName());
            d.command("EHLO client.example");
            String wrong = Base64.getEncoder().encodeToString(("\0" + james.demoUser() + "\0wrong")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(d.command("AUTH PLAIN " + wrong).get(0)).startsWith("535");
            assertThat(d.command("AUTH PLAIN " + authPlain).get(0)).startsWith("235");
            assertThat(d.command("MAIL FROM:<" + james.demoUser() + ">").get(0)).startsWith("250");
        }
    }

    @Test
    void submissionWithoutAuthIsRefusedEvenForLocalRecipients_rfc6409_4_3() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(james.host(), james.submissionPort())) {
            d.reply();
            d.command("EHLO client.example");
            d.startTls(tls, james.tlsHostName());
            d.command("EHLO client.example");
            assertThat(d.command("MAIL FROM:<someone@elsewhere.example>").get(0))
                    .isEqualTo("530 5.7.0 Authentication required");
        }
    }

    @Test
    void relayWithoutAuthOnMxIsRefusedAndNothingIsQueued() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(james.host(), james.smtpPort())) {
            d.reply();
            d.command("EHLO client.example");
            assertThat(d.command("MAIL FROM:<a@elsewhere.example>").get(0)).startsWith("250");
            List<String> rcpt = d.command("RCPT TO:<b@remote.example>");
            assertThat(SmtpDialog.code(rcpt)).isIn(550, 554);
            assertThat(d.command("DATA").get(0)).startsWith("5");
        }
        // Nothing for remote.example in any of James's queues.
        JamesProcess.HttpResult queues = james.webadmin("GET", "/mailQueues", null);
        assertThat(queues.status()).isEqualTo(200);
        for (String q : queues.body().replaceAll("[\\[\\]\"]", "").split(",")) {
            if (!q.isBlank()) {
                JamesProcess.HttpResult mails = james.webadmin("GET", "/mailQueues/" + q.trim() + "/mails", null);
                assertThat(mails.status()).isEqualTo(200);
                assertThat(mails.body()).doesNotContain("remote.example");
            }
        }
    }

    @Test
    void mxAcceptsMailForLocalUsersWithoutAuthAndOffersStarttlsNotAuth() throws Exception {
        try (SmtpDialog d = SmtpDialog.connect(james.host(), james.smtpPort())) {
            d.reply();
            List<String> ehlo = d.command("EHLO peer.example");
            assertThat(ehlo).anyMatch(l -> l.substring(4).startsWith("STARTTLS"));
            assertThat(ehlo).noneMatch(l -> l.substring(4).startsWith("AUTH"));
            d.startTls(tls, james.tlsHostName());
            assertThat(d.command("EHLO peer.example")).noneMatch(l -> l.substring(4).startsWith("AUTH"));
            assertThat(d.command("MAIL FROM:<a@elsewhere.example>").get(0)).startsWith("250");
            assertThat(d.command("RCPT TO:<" + james.demoUser() + ">").get(0)).startsWith("250");
        }
    }

    @Test
    void smtpsWithImplicitTlsDelivers() throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("mail.smtps.host", james.tlsHostName());
        p.put("mail.smtps.port", String.valueOf(james.smtpsPort()));
        p.put("mail.smtps.auth", "true");
        p.put("mail.smtps.ssl.socketFactory", tls.getSocketFactory());
        p.put("mail.smtps.ssl.checkserveridentity", "true");
        Session s = Session.getInstance(p);
        MailClient client = new MailClient(james);
        String subject = "smtps " + UUID.randomUUID();
        MimeMessage m = client.newMessage(s, james.demoUser(), james.demoUser(), subject, "via 465");
        try (Transport t = s.getTransport("smtps")) {
            t.connect(james.demoUser(), james.demoPassword());
            t.sendMessage(m, m.getAllRecipients());
        }
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> {
            try {
                return client.imaps(james.demoUser(), james.demoPassword()).stream()
                        .anyMatch(x -> subjectIs(x, subject));
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
        assertThat(client.pop3s(james.demoUser(), james.demoPassword())).anyMatch(x -> subjectIs(x, subject));
    }

    @Test
    void imapRefusesLoginBeforeStarttls() throws Exception {
        try (java.net.Socket s = new java.net.Socket(james.host(), james.imapPort())) {
            s.setSoTimeout(10000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            var out = s.getOutputStream();
            in.readLine();
            out.write("a1 CAPABILITY\r\n".getBytes(StandardCharsets.UTF_8));
            String caps = in.readLine();
            in.readLine();
            assertThat(caps).contains("LOGINDISABLED").contains("STARTTLS");
            out.write(("a2 LOGIN " + james.demoUser() + " " + james.demoPassword() + "\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("a2 NO");
        }
    }

    @Test
    void tls10And11HandshakesFailOnEveryTlsPortWhile12And13Succeed() throws Exception {
        for (int port : List.of(james.smtpsPort(), james.imapsPort(), james.pop3sPort())) {
            assertThat(openssl(port, "-tls1")).as("TLSv1 on " + port).contains("alert protocol version");
            assertThat(openssl(port, "-tls1_1")).as("TLSv1.1 on " + port).contains("alert protocol version");
            assertThat(openssl(port, "-tls1_2")).as("TLSv1.2 on " + port).contains("Protocol  : TLSv1.2")
                    .contains("Verify return code: 0 (ok)");
            assertThat(openssl(port, "-tls1_3")).as("TLSv1.3 on " + port).contains("TLSv1.3");
        }
        // STARTTLS ports too.
        assertThat(openssl(james.submissionPort(), "-tls1_1", "-starttls", "smtp")).contains("alert protocol version");
        assertThat(openssl(james.smtpPort(), "-tls1_2", "-starttls", "smtp")).contains("Protocol  : TLSv1.2");
    }

    @Test
    void swaksSeesTheExpectedCapabilitiesOnEachListener() throws Exception {
        String mx = swaks("--server", james.host() + ":" + james.smtpPort(), "--quit-after", "EHLO");
        assertThat(mx).contains("STARTTLS").doesNotContain("250-AUTH").doesNotContain("250 AUTH");
        String sub = swaks("--server", james.host() + ":" + james.submissionPort(), "--tls", "--tls-ca-path",
                james.caCertificatePem().toString(), "--tls-verify", "--tls-sni", "localhost", "--quit-after", "EHLO");
        assertThat(sub).contains("TLS started with cipher TLSv1.3").contains("250-AUTH LOGIN PLAIN");
        assertThat(sub.substring(0, sub.indexOf("TLS started"))).doesNotContain("AUTH");
        String smtps = swaks("--server", james.host() + ":" + james.smtpsPort(), "--tlsc", "--quit-after", "EHLO");
        assertThat(smtps).contains("TLS started with cipher TLSv1.3").contains("250-AUTH LOGIN PLAIN");
    }

    private static boolean subjectIs(MimeMessage m, String subject) {
        try {
            return subject.equals(m.getSubject());
        } catch (Exception e) {
            return false;
        }
    }

    private static String openssl(int port, String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
                james.host() + ":" + port, "-servername", "localhost", "-CAfile", james.caCertificatePem().toString(),
                "-cipher", "DEFAULT@SECLEVEL=0"));
        cmd.addAll(List.of(extra));
        return run(cmd);
    }

    private static String swaks(String... args) throws Exception {
        Path swaks = Path.of("/usr/bin/swaks");
        assertThat(swaks).as("swaks missing: run ./scripts/install-test-deps.sh (apt-get install swaks libnet-ssleay-perl)")
                .exists();
        List<String> cmd = new java.util.ArrayList<>(List.of(swaks.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static String run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile("cmd", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return Files.readString(out);
    }
}
