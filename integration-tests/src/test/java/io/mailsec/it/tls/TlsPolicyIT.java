package io.mailsec.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.mail.Message;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.peers.PeerTools;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.it.TestTls;
import io.mailsec.tls.outbound.SmtpClient;
import io.mailsec.tls.outbound.SmtpReply;
import io.mailsec.tls.peers.Peers;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.peers.StripTlsRelay;
import io.mailsec.tls.peers.TestPki;

/**
 * Issue 3 through a real James 3.8.1 (run-james.sh, our jars in extensions-jars/) with real peers:
 * Postfix instances with certificates from a test CA made here, a STARTTLS-stripping relay and
 * dnsmasq, all on 127.0.4.x. Inbound: RFC 3207 530 for a required CIDR without STARTTLS, RFC 3848
 * ESMTPS Received and mailsec.tls.* attributes with it. Outbound: per-recipient levels in one
 * message, RFC 3464 DSN with 5.7.10 "TLS unavailable", tracking log lines.
 */
class TlsPolicyIT {
    private static final String DNS = "127.0.4.153";
    private static final String PARTNER_CLIENT = "127.0.4.30";
    private static Path dir;
    private static PostfixPeer postfix;
    private static StripTlsRelay relay;
    private static JamesProcess james;
    private static MailClient client;

    @BeforeAll
    static void start() throws Exception {
        PeerTools.requireRoot();
        dir = Files.createDirectories(Path.of("/tmp", "mailsec-tls-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            Path tls = Files.createDirectories(dir.resolve("tls"));
            TestPki pki = new TestPki("mailsec IT CA");
            Path ca = pki.writeCa(tls.resolve("ca.pem"));
            Instant now = Instant.now();
            Path[] valid = pki.issue(tls, "valid", "mx.valid.tls.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
            Path[] strip = pki.issue(tls, "strip", "mx.strip.tls.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
            Path[] self = TestPki.selfSigned(tls, "self", "mx.selfsigned.tls.test");
            Map<String, String[]> mx = new LinkedHashMap<>();
            mx.put("valid.tls.test", new String[] {"mx.valid.tls.test", "127.0.4.110"});
            mx.put("plain.tls.test", new String[] {"mx.plain.tls.test", "127.0.4.111"});
            mx.put("plain-may.tls.test", new String[] {"mx.plain-may.tls.test", "127.0.4.111"});
            mx.put("retry.tls.test", new String[] {"mx.retry.tls.test", "127.0.4.111"});
            mx.put("strip.tls.test", new String[] {"mx.strip.tls.test", "127.0.4.112"});
            mx.put("selfsigned.tls.test", new String[] {"mx.selfsigned.tls.test", "127.0.4.113"});
            mx.put("verify-self.tls.test", new String[] {"mx.verify-self.tls.test", "127.0.4.113"});
            Peers.dns(DNS, "tls.test", mx);
            postfix = PostfixPeer.start(dir.resolve("postfix"), List.copyOf(mx.keySet()), List.of(
                    new PostfixPeer.Listener("127.0.4.110", null, valid[0], valid[1]),
                    new PostfixPeer.Listener("127.0.4.111", "-o smtpd_tls_security_level=none", null, null),
                    new PostfixPeer.Listener("127.0.4.113", null, self[0], self[1]),
                    new PostfixPeer.Listener("127.0.4.116", null, strip[0], strip[1])));
            relay = StripTlsRelay.start("127.0.4.112", 25, new InetSocketAddress("127.0.4.116", 25));
            // James's dnsservice.xml names dnsmasq; TlsPolicyDelivery takes its servers from there by default
            james = JamesProcess.builder("tls").overlay(overlay(ca)).dnsServer(DNS).start();
            client = new MailClient(james);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    /**
     * james-conf's shipped pipeline (which wires the TLS hooks and TlsPolicyDelivery), with this test's
     * policy and peer CA, a short reload interval, a second TlsPolicyDelivery in retry mode for
     * retry.tls.test, and the TLS facts copied to headers so the test can read them.
     */
    static Path overlay(Path ca) throws Exception {
        String shippedDelivery = "<policyFile>conf/mailsec-tls.policy</policyFile>\n"
                + "                <onTlsFailure>bounce</onTlsFailure>\n"
                + "                <retrySchedule>5m, 15m, 30m, 1h, 2h, 4h</retrySchedule>\n"
                + "                <maxQueueLifetime>5d</maxQueueLifetime>";
        String testDelivery = "<policyFile>conf/mailsec-tls.policy</policyFile>\n"
                + "                <trustStore>conf/tls-peers-ca.pem</trustStore>\n"
                + "                <heloName>mx.mailsec.test</heloName>\n"
                + "                <connectTimeout>10s</connectTimeout>\n";
        String retryProcessor = "    <processor state=\"relay-retry\" enableJmx=\"false\">\n"
                + "            <mailet match=\"All\" class=\"io.mailsec.tls.james.TlsPolicyDelivery\">\n"
                + testDelivery + "<onTlsFailure>retry</onTlsFailure>\n<maxRetries>1</maxRetries>\n<retrySchedule>2s</retrySchedule>\n"
                + "<queue>mailsec-outgoing-retry</queue>\n"
                + "            </mailet>\n        </processor>\n    </processors>";
        String facts = "<mailet match=\"io.mailsec.tls.james.ReceivedOverTls\" class=\"MailAttributesToMimeHeaders\">\n"
                + "                <simplemapping>mailsec.tls.protocol;X-Test-Tls-Protocol</simplemapping>\n"
                + "                <simplemapping>mailsec.tls.cipher;X-Test-Tls-Cipher</simplemapping>\n"
                + "            </mailet>\n"
                + "            <mailet match=\"io.mailsec.tls.james.ReceivedOverTls=TLSv1.3\" class=\"SetMimeHeader\">\n"
                + "                <name>X-Test-Over-Tls13</name>\n                <value>yes</value>\n"
                + "            </mailet>\n            ";
        String toTransport = "<mailet match=\"local-or-authenticated\" class=\"ToProcessor\">";
        String dkimSign = "<mailet match=\"All\" class=\"io.mailsec.dkim.james.DkimSign\">";
        Path o = ShippedConf.in(dir)
                .edit("smtpserver.xml", "<checkInterval>5s</checkInterval>", "<checkInterval>2s</checkInterval>")
                .edit("mailetcontainer.xml", shippedDelivery, testDelivery + "<onTlsFailure>bounce</onTlsFailure>")
                .edit("mailetcontainer.xml", dkimSign, "<mailet match=\"HostIs=retry.tls.test\" class=\"ToProcessor\">\n"
                        + "                <processor>relay-retry</processor>\n            </mailet>\n            " + dkimSign)
                .edit("mailetcontainer.xml", "    </processors>", retryProcessor)
                .edit("mailetcontainer.xml", toTransport, facts + toTransport)
                .dir();
        Files.copy(Path.of(TlsPolicyIT.class.getResource("/tls/mailsec-tls.policy").toURI()), o.resolve("mailsec-tls.policy"));
        Files.copy(ca, o.resolve("tls-peers-ca.pem"));
        return o;
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        PeerTools.closeAll();
        if (dir != null) {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException ignored) {
                // best effort
            }
        }
    }

    // ---------------------------------------------------------------- inbound

    @Test
    void requiredCidrWithoutStarttlsGets530AtMailFrom() throws Exception {
        try (SmtpClient c = SmtpClient.connect("localhost", new InetSocketAddress("127.0.0.1", james.smtpPort()),
                InetAddress.getByName(PARTNER_CLIENT), 5000, 10000)) {
            assertThat(c.greeting().code()).isEqualTo(220);
            assertThat(c.ehlo("partner.example").code()).isEqualTo(250);
            SmtpReply r = c.mailFrom("alice@partner.example");
            assertThat(r.toString()).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(c.rcptTo(james.demoUser()).isPositive()).as("nothing accepted after the refusal").isFalse();
        }
        assertThat(JamesProcess.await(Duration.ofSeconds(10), () -> james.logFile("tls-tracking.jsonl").lines().anyMatch(l ->
                l.contains("\"direction\":\"inbound\"") && l.contains("\"outcome\":\"refused\"") && l.contains("\"peerIp\":\"" + PARTNER_CLIENT + "\"")
                        && l.contains("\"entry\":\"127.0.4.30/31\"")))).as(james.logFile("tls-tracking.jsonl")).isTrue();
    }

    @Test
    void clientOutsideRequiredRangeMayStillSendInPlaintext() throws Exception {
        try (SmtpClient c = SmtpClient.connect("localhost", new InetSocketAddress("127.0.0.1", james.smtpPort()),
                InetAddress.getByName("127.0.4.40"), 5000, 10000)) {
            c.greeting();
            c.ehlo("other.example");
            assertThat(c.mailFrom("x@other.example").code()).isEqualTo(250);
        }
    }

    @Test
    void requiredRecipientDomainWithoutStarttlsGets530AtRcptTo() throws Exception {
        try (SmtpClient c = SmtpClient.connect("localhost", new InetSocketAddress("127.0.0.1", james.smtpPort()),
                InetAddress.getByName("127.0.4.40"), 5000, 10000)) {
            c.greeting();
            c.ehlo("other.example");
            assertThat(c.mailFrom("x@other.example").code()).isEqualTo(250);
            assertThat(c.rcptTo("bob@secure.mailsec.test").toString()).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
        }
    }

    @Test
    void policyFileChangesApplyWithoutRestartAndBrokenFilesAreRejected() throws Exception {
        Path live = james.workDir().resolve("conf/mailsec-tls.policy");
        String original = Files.readString(live);
        try {
            Files.writeString(live, original.replace("[inbound]\n", "[inbound]\n127.0.4.42              encrypt\n"));
            assertThat(JamesProcess.await(Duration.ofSeconds(20), () -> mailFromReply("127.0.4.42").startsWith("530"))).isTrue();

            // a broken file is rejected as a whole: the log names file, line and problem; the previous policy stays
            Files.writeString(live, original.replace("[inbound]\n", "[inbound]\n127.0.4.42              sometimes\n"));
            // the file is checked when the policy is used (at most every checkInterval): keep using it
            assertThat(JamesProcess.await(Duration.ofSeconds(20), () -> mailFromReply("127.0.4.42").startsWith("530")
                    && james.log().contains("event=tls-policy-rejected")))
                    .as(james.log()).isTrue();
            assertThat(james.log()).containsPattern("file=\\S+mailsec-tls.policy line=\\d+ problem=\"unknown level 'sometimes'");
            assertThat(mailFromReply("127.0.4.42")).startsWith("530");
        } finally {
            Files.writeString(live, original);
        }
        assertThat(JamesProcess.await(Duration.ofSeconds(20), () -> mailFromReply("127.0.4.42").startsWith("250"))).isTrue();
    }

    private static String mailFromReply(String from) {
        try (SmtpClient c = SmtpClient.connect("localhost", new InetSocketAddress("127.0.0.1", james.smtpPort()),
                InetAddress.getByName(from), 5000, 10000)) {
            c.greeting();
            c.ehlo("reload.example");
            return c.mailFrom("x@reload.example").toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void requiredCidrWithStarttlsIsAcceptedWithTlsFactsOnTheMail() throws Exception {
        String token = UUID.randomUUID().toString();
        String protocol;
        try (SmtpClient c = SmtpClient.connect("localhost", new InetSocketAddress("127.0.0.1", james.smtpPort()),
                InetAddress.getByName(PARTNER_CLIENT), 5000, 10000)) {
            c.greeting();
            c.ehlo("partner.example");
            assertThat(c.startTls(TestTls.socketFactory(james.caCertificatePem())).code()).isEqualTo(220);
            protocol = c.sslSession().getProtocol();
            c.ehlo("partner.example");
            assertThat(c.mailFrom("alice@partner.example").code()).isEqualTo(250);
            assertThat(c.rcptTo(james.demoUser()).code()).isEqualTo(250);
            String msg = "From: alice@partner.example\r\nTo: " + james.demoUser() + "\r\nSubject: inbound " + token
                    + "\r\nMessage-ID: <" + token + "@partner.example>\r\n\r\nhello over TLS\r\n";
            assertThat(c.data(out -> out.write(msg.getBytes(StandardCharsets.US_ASCII))).code()).isEqualTo(250);
            c.quit();
        }
        assertThat(protocol).isEqualTo("TLSv1.3");
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> find("inbound " + token) != null)).isTrue();
        MimeMessage got = find("inbound " + token);
        String received = got.getHeader("Received")[0];
        assertThat(received).containsPattern("with ESMTPS \\(using TLSv1\\.3 with cipher TLS_[A-Z0-9_]+\\)");
        assertThat(got.getHeader("X-Test-Tls-Protocol")[0]).isEqualTo("TLSv1.3");
        assertThat(got.getHeader("X-Test-Tls-Cipher")[0]).startsWith("TLS_");
        assertThat(got.getHeader("X-Test-Over-Tls13")[0]).isEqualTo("yes");
        assertThat(james.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains(token)).findFirst().orElse(""))
                .contains("\"direction\":\"inbound\"", "\"outcome\":\"accepted\"", "\"tls\":true", "\"protocol\":\"TLSv1.3\"",
                        "\"level\":\"encrypt\"", "\"entry\":\"127.0.4.30/31\"");
    }

    // ---------------------------------------------------------------- outbound

    @Test
    void outboundLevelsPerRecipientWithDsnForTlsFailures() throws Exception {
        String token = UUID.randomUUID().toString();
        MimeMessage m = client.newMessage(client.submissionSession(), james.demoUser(), "bob@valid.tls.test",
                "outbound " + token, "body " + token);
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", "bob@valid.tls.test",
                "carol@plain.tls.test", "dave@plain-may.tls.test", "erin@selfsigned.tls.test", "frank@verify-self.tls.test",
                "gina@strip.tls.test")));
        m.saveChanges();
        String messageId = m.getMessageID();
        int relayLinesBefore = relay.clientLines().size();
        client.submit(m, james.demoUser(), james.demoPassword());

        // delivered: verify over TLS 1.3 with a CA certificate, may in plaintext, encrypt to self-signed
        for (String rcpt : List.of("bob@valid.tls.test", "dave@plain-may.tls.test", "erin@selfsigned.tls.test")) {
            assertThat(postfix.message("Delivered-To: " + rcpt, Duration.ofSeconds(60))).as(rcpt + " delivered\n"
                    + james.logFile("tls-tracking.jsonl")).isNotNull().contains(token);
        }
        // Postfix's own Received line: ESMTPS (RFC 3848) when the hop used TLS
        assertThat(postfix.message("Delivered-To: bob@valid.tls.test", Duration.ZERO)).contains("(Postfix) with ESMTPS id")
                .containsPattern("\\(using TLSv1\\.3 with cipher");
        assertThat(postfix.message("Delivered-To: dave@plain-may.tls.test", Duration.ZERO)).contains("(Postfix) with ESMTP id");
        assertThat(postfix.message("Delivered-To: erin@selfsigned.tls.test", Duration.ZERO)).contains("(Postfix) with ESMTPS id");

        // DSNs to the sender for the three TLS failures: one per destination domain (each is its own queue entry,
        // as with RemoteDelivery)
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> findDsns(token).size() == 3)).as(james.log()).isTrue();
        StringBuilder all = new StringBuilder();
        for (MimeMessage d : findDsns(token)) {
            all.append(raw(d)).append('\n');
        }
        String dsn = all.toString();
        assertThat(dsn).contains("multipart/report", "report-type=delivery-status", "message/delivery-status",
                "TLS unavailable", "Status: 5.7.10", "Final-Recipient: rfc822; carol@plain.tls.test",
                "Final-Recipient: rfc822; frank@verify-self.tls.test", "Final-Recipient: rfc822; gina@strip.tls.test",
                "mx.plain.tls.test [127.0.4.111]", "failed step: starttls", "failed step: certificate",
                "mx.strip.tls.test [127.0.4.112]");
        assertThat(dsn).doesNotContain("Final-Recipient: rfc822; bob@valid.tls.test");

        // the stripped session never carried the envelope or data; the failed peers never got the message
        List<String> relayed = relay.clientLines().subList(relayLinesBefore, relay.clientLines().size());
        assertThat(relayed).anyMatch(l -> l.startsWith("EHLO"));
        assertThat(relayed).noneMatch(l -> l.startsWith("MAIL") || l.startsWith("DATA") || l.contains(token));
        for (String rcpt : List.of("carol@plain.tls.test", "frank@verify-self.tls.test", "gina@strip.tls.test")) {
            assertThat(postfix.message("Delivered-To: " + rcpt, Duration.ZERO)).as(rcpt).isNull();
        }

        // tracking: one line per attempt and a bounce line
        List<String> tracking = james.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains(messageId)).toList();
        assertThat(tracking).anyMatch(l -> l.contains("\"peerHost\":\"mx.valid.tls.test\"") && l.contains("\"protocol\":\"TLSv1.3\"")
                && l.contains("\"certificate\":\"trusted\"") && l.contains("\"outcome\":\"delivered\"") && l.contains("\"level\":\"verify\""));
        assertThat(tracking).anyMatch(l -> l.contains("\"peerHost\":\"mx.plain.tls.test\"") && l.contains("\"outcome\":\"blocked: TLS unavailable\""));
        assertThat(tracking).anyMatch(l -> l.contains("\"peerHost\":\"mx.verify-self.tls.test\"") && l.contains("\"certificate\":\"untrusted\"")
                && l.contains("\"step\":\"certificate\""));
        assertThat(tracking).anyMatch(l -> l.contains("\"outcome\":\"bounced\"") && l.contains("5.7.10"));
    }

    @Test
    void retryModeRetriesInJamesThenBouncesWithTheTlsReason() throws Exception {
        String token = UUID.randomUUID().toString();
        MimeMessage m = client.newMessage(client.submissionSession(), james.demoUser(), "ron@retry.tls.test",
                "retry " + token, "body " + token);
        String messageId = m.getMessageID();
        client.submit(m, james.demoUser(), james.demoPassword());
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> findDsn(token) != null)).as(james.log()).isTrue();
        String dsn = raw(findDsn(token));
        assertThat(dsn).contains("Final-Recipient: rfc822; ron@retry.tls.test", "Status: 5.7.10", "TLS unavailable",
                "failed step: starttls", "mx.retry.tls.test [127.0.4.111]");
        List<String> attempts = james.logFile("tls-tracking.jsonl").lines()
                .filter(l -> l.contains(messageId) && l.contains("\"peerHost\":\"mx.retry.tls.test\"")).toList();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0)).contains("\"attempt\":1", "\"outcome\":\"blocked: TLS unavailable\"");
        assertThat(attempts.get(1)).contains("\"attempt\":2", "\"outcome\":\"blocked: TLS unavailable\"");
        assertThat(james.log()).contains("event=tls-delivery-retry");
    }

    // ---------------------------------------------------------------- helpers

    private static MimeMessage find(String subject) {
        try {
            return client.pop3s(james.demoUser(), james.demoPassword()).stream()
                    .filter(x -> subject.equals(subjectOf(x))).findFirst().orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    private static List<MimeMessage> findDsns(String token) {
        List<MimeMessage> found = new java.util.ArrayList<>();
        try {
            for (MimeMessage x : client.pop3s(james.demoUser(), james.demoPassword())) {
                String s = subjectOf(x);
                if (s != null && s.contains("Undelivered") && s.contains(token)) {
                    found.add(x);
                }
            }
        } catch (Exception e) {
            return List.of();
        }
        return found;
    }

    private static MimeMessage findDsn(String token) {
        try {
            for (MimeMessage x : client.pop3s(james.demoUser(), james.demoPassword())) {
                String s = subjectOf(x);
                if (s != null && s.contains("Undelivered") && s.contains(token)) {
                    return x;
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    private static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            return null;
        }
    }

    private static String raw(MimeMessage m) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        m.writeTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }
}
