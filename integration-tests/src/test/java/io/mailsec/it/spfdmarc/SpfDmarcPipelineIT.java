package io.mailsec.it.spfdmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * SPF and DMARC through a real James 3.8.1 (run-james.sh) with a real dnsmasq on 127.0.2.53: an aligned
 * message is delivered with Received-SPF and one Authentication-Results header; a DMARC-failing message
 * from a p=reject domain is kept in a repository and one from a p=quarantine domain goes to the Spam folder;
 * the SMTP hook refuses an SPF fail at MAIL FROM with 550 5.7.23. The SMTP client connects from
 * 127.0.2.10, which the shipped pipeline does not trust. The pipeline is james-conf's own.
 */
class SpfDmarcPipelineIT {
    static final String CLIENT = "127.0.2.10";
    static final String DNS = "127.0.2.53";
    /** Nothing listens here. */
    static final String DEAD_DNS = "127.0.2.99";
    static Dnsmasq dnsmasq;
    static Path work;
    static JamesProcess james;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("mailsec-spfdmarc-it");
        startDnsmasq();
        james = JamesProcess.builder("spfdmarc").overlay(overlay()).dnsServer(DNS).start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (james != null) {
                james.close();
            }
        } finally {
            if (dnsmasq != null) {
                dnsmasq.close();
            }
        }
    }

    static void startDnsmasq() throws Exception {
        dnsmasq = Dnsmasq.start(DNS, List.of("test"), List.of(
                "txt-record=aligned.test,\"v=spf1 ip4:" + CLIENT + " -all\"",
                "txt-record=_dmarc.aligned.test,\"v=DMARC1; p=reject\"",
                "txt-record=rejecting.test,\"v=spf1 ip4:192.0.2.1 -all\"",
                "txt-record=_dmarc.rejecting.test,\"v=DMARC1; p=reject\"",
                "txt-record=_dmarc.quarantining.test,\"v=DMARC1; p=quarantine\"",
                "txt-record=other.test,\"v=spf1 ~all\"",
                // Issue 14, defect 2: names under dead.* are forwarded to a server that does not
                // exist, so their lookups fail temporarily while the _dmarc records answer.
                "txt-record=spftemp.test,\"v=spf1 include:spf.dead.spftemp.test -all\"",
                "txt-record=_dmarc.spftemp.test,\"v=DMARC1; p=reject\"",
                "server=/dead.spftemp.test/" + DEAD_DNS,
                "txt-record=dkimtemp.test,\"v=spf1 ip4:192.0.2.1 ~all\"",
                "txt-record=_dmarc.dkimtemp.test,\"v=DMARC1; p=reject\"",
                "server=/dead._domainkey.dkimtemp.test/" + DEAD_DNS));
    }

    /**
     * james-conf's shipped pipeline (DNS from dnsservice.xml, i.e. the test's dnsmasq), with the
     * authserv-id named, the Received-SPF header and the optional SPF hook switched on.
     */
    static Path overlay() throws IOException {
        return ShippedConf.in(work)
                .edit("mailetcontainer.xml", "<mailet match=\"All\" class=\"io.mailsec.dmarc.james.MailAuthCheck\">",
                        "<mailet match=\"All\" class=\"io.mailsec.dmarc.james.MailAuthCheck\">\n<receiver>mx.mailsec.test</receiver>\n"
                                + "<authservId>mx.mailsec.test</authservId>")
                .edit("mailetcontainer.xml", "<receivedSpf>false</receivedSpf>", "<receivedSpf>true</receivedSpf>")
                .edit("smtpserver.xml", "<!-- mailsec (optional): refuse SPF \"fail\"", "<handler class=\"io.mailsec.spf.james.SpfMailHook\"/>\n<!--")
                .dir();
    }

    static String message(String headerFrom, String subject) {
        return "From: " + headerFrom + "\r\nTo: " + james.demoUser() + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@other.test>\r\n\r\nbody\r\n";
    }

    /** Plain SMTP to the MX port from 127.0.2.10; returns the reply code of each step. */
    static List<Integer> send(String mailFrom, String headerFrom, String subject) throws IOException {
        return send(mailFrom, message(headerFrom, subject));
    }

    /** The same with a whole message (CRLF line ends, ending in CRLF). */
    static List<Integer> send(String mailFrom, String message) throws IOException {
        List<Integer> codes = new ArrayList<>();
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(CLIENT), 0));
            s.connect(new InetSocketAddress(james.host(), james.smtpPort()), 5000);
            s.setSoTimeout(30000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            codes.add(reply(in));
            codes.add(cmd(out, in, "EHLO client.other.test"));
            int mail = cmd(out, in, "MAIL FROM:<" + mailFrom + ">");
            codes.add(mail);
            if (mail != 250) {
                lastReply = lastLine;
                cmd(out, in, "QUIT");
                return codes;
            }
            codes.add(cmd(out, in, "RCPT TO:<" + james.demoUser() + ">"));
            codes.add(cmd(out, in, "DATA"));
            codes.add(cmd(out, in, message + "."));
            cmd(out, in, "QUIT");
        }
        return codes;
    }

    static String lastLine;
    static String lastReply;

    static int cmd(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply(in);
    }

    static int reply(BufferedReader in) throws IOException {
        String l;
        do {
            l = in.readLine();
            if (l == null) {
                throw new IOException("connection closed");
            }
            lastLine = l;
        } while (l.length() > 3 && l.charAt(3) == '-');
        return Integer.parseInt(l.substring(0, 3));
    }

    static List<MimeMessage> inbox() {
        try {
            return new MailClient(james).pop3s(james.demoUser(), james.demoPassword());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static MimeMessage delivered(String subject) throws Exception {
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> inbox().stream().anyMatch(m -> subject.equals(subjectOf(m)))))
                .as("delivered: " + subject + "\n" + JamesProcess.tail(james.log(), 40)).isTrue();
        return inbox().stream().filter(m -> subject.equals(subjectOf(m))).findFirst().orElseThrow();
    }

    static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            return null;
        }
    }

    /** Messages stored in a file repository under James's var/mail/ (one .FileStreamStore per mail). */
    static List<String> repository(String path) {
        Path dir = james.workDir().resolve("var/mail").resolve(path);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".FileStreamStore")).map(f -> {
                try {
                    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void alignedMailIsDeliveredWithReceivedSpfAndOneAuthenticationResults() throws Exception {
        String subject = "aligned " + UUID.randomUUID();
        assertThat(send("bounce@aligned.test", "Alice <alice@aligned.test>", subject)).containsExactly(220, 250, 250, 250, 354, 250);
        MimeMessage m = delivered(subject);
        assertThat(m.getHeader("Received-SPF")).hasSize(1);
        assertThat(m.getHeader("Received-SPF")[0]).startsWith("pass (mx.mailsec.test: domain of bounce@aligned.test designates "
                + CLIENT + " as permitted sender)").contains("helo=client.other.test;");
        String[] ar = m.getHeader("Authentication-Results");
        assertThat(ar).hasSize(1);
        String v = javax.mail.internet.MimeUtility.unfold(ar[0]).replaceAll("\\s+", " ");
        assertThat(v).startsWith("mx.mailsec.test;").contains("spf=pass smtp.mailfrom=bounce@aligned.test")
                .contains("dmarc=pass").contains("header.from=aligned.test").contains("policy.dmarc=reject");
    }

    @Test
    void dmarcFailFromRejectAndQuarantineDomainsIsTakenOutOfDelivery() throws Exception {
        String rejected = "reject " + UUID.randomUUID();
        String quarantined = "quarantine " + UUID.randomUUID();
        String control = "control " + UUID.randomUUID();
        assertThat(send("x@other.test", "CEO <ceo@rejecting.test>", rejected)).containsExactly(220, 250, 250, 250, 354, 250);
        assertThat(send("x@other.test", "Q <q@quarantining.test>", quarantined)).containsExactly(220, 250, 250, 250, 354, 250);
        assertThat(send("bounce@aligned.test", "Alice <alice@aligned.test>", control)).containsExactly(220, 250, 250, 250, 354, 250);
        delivered(control); // mail sent after the two failing ones has been processed
        // p=reject: kept in the dmarc-rejected repository, never delivered (no bounce: SPF did not pass).
        assertThat(JamesProcess.await(Duration.ofSeconds(20), () -> repository("dmarc-rejected").size() == 1))
                .as("one mail in the dmarc-rejected repository\n" + JamesProcess.tail(james.log(), 40)).isTrue();
        assertThat(repository("dmarc-rejected").get(0)).contains(rejected).contains("dmarc=fail")
                .contains("policy.dmarc=reject").contains("Received-SPF: softfail");
        // p=quarantine: delivered to the recipient's Spam folder, not the inbox.
        assertThat(JamesProcess.await(Duration.ofSeconds(20), () -> "1".equals(james.webadmin("GET",
                "/users/" + james.demoUser() + "/mailboxes/Spam/messageCount", null).body().trim())))
                .as("one mail in the Spam folder\n" + JamesProcess.tail(james.log(), 40)).isTrue();
        List<String> subjects = inbox().stream().map(SpfDmarcPipelineIT::subjectOf).toList();
        assertThat(subjects).doesNotContain(rejected, quarantined);
        assertThat(james.log()).contains("result=fail policy=reject disposition=reject")
                .contains("result=fail policy=quarantine disposition=quarantine");
    }

    /**
     * Issue 14, defect 2: the receiver's DNS trouble never rejects. An aligned SPF check that ended in
     * temperror (its include cannot be looked up), or an aligned DKIM signature whose key lookup failed
     * next to an SPF softfail, is dmarc=temperror with disposition none: delivered and tagged, not kept in
     * dmarc-rejected as the p=reject of a fail would be.
     */
    @Test
    void alignedTemporaryErrorsAreTemperrorAndDelivered() throws Exception {
        String spfTemp = "spf-temperror " + UUID.randomUUID();
        assertThat(send("bounce@spftemp.test", "A <a@spftemp.test>", spfTemp)).containsExactly(220, 250, 250, 250, 354, 250);
        String dkimTemp = "dkim-temperror " + UUID.randomUUID();
        io.mailsec.dkim.SigningKey key = io.mailsec.dkim.DkimKeys.generate(io.mailsec.dkim.SigningKey.Type.RSA, 2048, "dead");
        String body = message("B <b@dkimtemp.test>", dkimTemp);
        String signed = io.mailsec.dkim.DkimSigner.sign(body.getBytes(StandardCharsets.US_ASCII),
                List.of(new io.mailsec.dkim.SignSpec(key, "dkimtemp.test", "dead"))).get(0) + "\r\n" + body;
        assertThat(send("bounce@dkimtemp.test", signed)).containsExactly(220, 250, 250, 250, 354, 250);

        for (String subject : List.of(spfTemp, dkimTemp)) {
            MimeMessage m = delivered(subject);
            String ar = javax.mail.internet.MimeUtility.unfold(m.getHeader("Authentication-Results")[0]).replaceAll("\\s+", " ");
            assertThat(ar).as(subject).contains("dmarc=temperror").contains("policy.dmarc=reject").doesNotContain("null");
        }
        String ar = javax.mail.internet.MimeUtility.unfold(delivered(spfTemp).getHeader("Authentication-Results")[0]);
        assertThat(ar).contains("spf=temperror");
        ar = javax.mail.internet.MimeUtility.unfold(delivered(dkimTemp).getHeader("Authentication-Results")[0]);
        assertThat(ar).contains("dkim=temperror").contains("spf=softfail");
        assertThat(repository("dmarc-rejected")).noneMatch(r -> r.contains(spfTemp) || r.contains(dkimTemp));
        assertThat(james.log()).contains("result=temperror policy=reject disposition=none");
    }

    /** Issue 14, defect 4: a signature whose d= cannot be read is dkim=permerror in the header, not dkim=none. */
    @Test
    void malformedDkimSignatureIsPermerrorInAuthenticationResults() throws Exception {
        String subject = "malformed-signature " + UUID.randomUUID();
        String msg = "DKIM-Signature: v=1; a=rsa-sha256; s=s1; h=from; bh=AAAA; b=AAAA\r\n" + message("Alice <alice@aligned.test>", subject);
        assertThat(send("bounce@aligned.test", msg)).containsExactly(220, 250, 250, 250, 354, 250);
        String ar = javax.mail.internet.MimeUtility.unfold(delivered(subject).getHeader("Authentication-Results")[0]).replaceAll("\\s+", " ");
        assertThat(ar).contains("dkim=permerror").doesNotContain("dkim=none").contains("dmarc=pass");
    }

    @Test
    void smtpHookRefusesSpfFailAtMailFrom() throws Exception {
        List<Integer> codes = send("ceo@rejecting.test", "CEO <ceo@rejecting.test>", "refused " + UUID.randomUUID());
        assertThat(codes).containsExactly(220, 250, 550);
        assertThat(lastReply).startsWith("550 5.7.23 SPF fail");
    }
}
