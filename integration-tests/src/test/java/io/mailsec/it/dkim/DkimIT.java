package io.mailsec.it.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.DkimVerifier;
import io.mailsec.dkim.SigningKey;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.SmtpDialog;
import io.mailsec.it.SmtpSink;

/**
 * DKIM through a real James 3.8.1: submitted mail leaves signed per the key table (RemoteDelivery to an
 * SMTP sink on 127.0.1.25 found through MX records in dnsmasq on 127.0.1.53) — the demo domain with the
 * entry run-james.sh writes, a second domain with its own Ed25519 key — switching the active selector
 * in the key table takes effect without a restart,
 * and inbound signed mail gets an Authentication-Results header (forged ones with our authserv-id removed).
 * Signatures are checked with our verifier and with dkimpy and OpenDKIM over the same DNS.
 */
class DkimIT {
    static final Path RFC8463 = io.mailsec.core.testdata.Conformance.file("dkim/rfc8463");
    static final String SECOND = "second.test";
    static final String DEMO_DOMAIN = "mailsec.test";
    static JamesProcess james;
    static Dnsmasq dns;
    static final String DNS = "127.0.1.53";
    static SmtpSink sink;
    static MailClient client;
    static Path keyTable;
    static final String JOE = "joe@" + SECOND;
    static final String JOE_PASSWORD = "joe-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        // run-james.sh keeps conf/dkim/demo.<demo domain>.pem when present and appends
        // "<demo domain> selector=demo key=demo.<demo domain>.pem" to the key table: give it a key we know.
        SigningKey demo = DkimKeys.generate(SigningKey.Type.RSA, 2048, "demo");
        SigningKey ed = DkimKeys.generate(SigningKey.Type.ED25519, 0, "ed1");
        SigningKey rsa2 = DkimKeys.generate(SigningKey.Type.RSA, 2048, "rsa2");
        Path base = JamesProcess.root().resolve("integration-tests/target");
        Files.createDirectories(base);
        Path overlay = Files.createTempDirectory(base, "dkim-overlay-");
        Files.copy(JamesProcess.root().resolve("integration-tests/src/test/resources/dkim/mailetcontainer.xml"),
                overlay.resolve("mailetcontainer.xml"));
        Path keys = Files.createDirectories(overlay.resolve("dkim"));
        Files.writeString(keys.resolve("demo." + DEMO_DOMAIN + ".pem"), DkimKeys.toPem(demo));
        Files.writeString(keys.resolve("ed1.pem"), DkimKeys.toPem(ed));
        Files.writeString(keys.resolve("rsa2.pem"), DkimKeys.toPem(rsa2));
        Files.writeString(keys.resolve("keytable"), table("primary", false));

        List<String> zone = new ArrayList<>(List.of(Dnsmasq.mx("remote.test", "mx.remote.test", 10),
                Dnsmasq.host("mx.remote.test", "127.0.1.25")));
        zone.add(Dnsmasq.txt("demo._domainkey." + DEMO_DOMAIN, demo.dnsRecord()));
        zone.add(Dnsmasq.txt("ed1._domainkey." + SECOND, ed.dnsRecord()));
        zone.add(Dnsmasq.txt("rsa2._domainkey." + SECOND, rsa2.dnsRecord()));
        for (String l : Files.readAllLines(RFC8463.resolve("dns.txt"))) {
            zone.add(Dnsmasq.txt(l.substring(0, l.indexOf(". IN TXT")), l.substring(l.indexOf('"') + 1, l.lastIndexOf('"'))));
        }
        dns = Dnsmasq.start(DNS, List.of("test", "football.example.com"), zone);
        sink = new SmtpSink("127.0.1.25", 25);
        james = JamesProcess.builder("dkim").overlay(overlay).dnsServer(DNS).start();
        assertThat(james.demoDomain()).isEqualTo(DEMO_DOMAIN);
        keyTable = james.workDir().resolve("conf/dkim/keytable");
        assertThat(Files.readString(keyTable)).as("run-james.sh added the demo domain")
                .contains(DEMO_DOMAIN + " selector=demo key=demo." + DEMO_DOMAIN + ".pem");
        james.addUser(JOE, JOE_PASSWORD);
        client = new MailClient(james);
    }

    /** The second domain: Ed25519 primary, RSA alternate (rotation); with the demo line run-james.sh adds. */
    static String table(String active, boolean withDemoLine) {
        return "# DkimIT key table\n"
                + SECOND + " selector=ed1 key=ed1.pem alternateSelector=rsa2 alternateKey=rsa2.pem active=" + active + "\n"
                + (withDemoLine ? DEMO_DOMAIN + " selector=demo key=demo." + DEMO_DOMAIN + ".pem\n" : "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (james != null) {
            james.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    static byte[] submitAndReceive(String user, String password, String subject) throws Exception {
        MimeMessage m = client.newMessage(client.submissionSession(), user, "bob@remote.test", subject, "outbound DKIM test\r\n");
        client.submit(m, user, password);
        for (int i = 0; i < 12; i++) {
            byte[] got = sink.next(5);
            if (got != null && new String(got, StandardCharsets.ISO_8859_1).contains(subject)) {
                return got;
            }
        }
        throw new AssertionError("message '" + subject + "' not relayed to the sink; James log:\n"
                + JamesProcess.tail(james.log(), 60));
    }

    static List<DkimResult> verify(byte[] message) throws Exception {
        return new DkimVerifier(DnsjavaResolver.create(List.of(DNS), Duration.ofSeconds(3))).verify(message);
    }

    static void assertPeersAccept(byte[] message) throws Exception {
        PeerTools.Result py = dns.run(message, "dkimverify");
        assertThat(py.exit).as("dkimverify: " + py).isZero();
        PeerTools.Result od = dns.run(message, "opendkim-testmsg");
        assertThat(od.exit).as("opendkim-testmsg: " + od).isZero();
    }

    @Test
    void submittedMail_isSignedWithTheKeyTable_andVerifiesEverywhere() throws Exception {
        byte[] got = submitAndReceive(james.demoUser(), james.demoPassword(), "dkim-out " + UUID.randomUUID());
        assertThat(new String(got, StandardCharsets.ISO_8859_1))
                .contains("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=mailsec.test; s=demo;");
        List<DkimResult> r = verify(got);
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.result()).as(r.toString()).isEqualTo("pass");
            assertThat(x.domain()).isEqualTo(DEMO_DOMAIN);
            assertThat(x.selector()).isEqualTo("demo");
        });
        assertPeersAccept(got);
    }

    @Test
    void secondDomain_signsWithItsOwnEd25519Key() throws Exception {
        byte[] got = submitAndReceive(JOE, JOE_PASSWORD, "dkim-second " + UUID.randomUUID());
        List<DkimResult> r = verify(got);
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.result()).isEqualTo("pass");
            assertThat(x.domain()).isEqualTo(SECOND);
            assertThat(x.selector()).isEqualTo("ed1");
            assertThat(x.algorithm()).isEqualTo("ed25519-sha256");
        });
        assertPeersAccept(got);
    }

    @Test
    void rotationSwitch_takesEffectWithoutRestart() throws Exception {
        try {
            switchTo("alternate");
            byte[] alt = submitAndReceive(JOE, JOE_PASSWORD, "dkim-rot " + UUID.randomUUID());
            assertThat(verify(alt)).extracting(DkimResult::selector, DkimResult::algorithm, DkimResult::result)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("rsa2", "rsa-sha256", "pass"));

            switchTo("both");
            byte[] both = submitAndReceive(JOE, JOE_PASSWORD, "dkim-both " + UUID.randomUUID());
            assertThat(verify(both)).extracting(DkimResult::selector, DkimResult::result).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("ed1", "pass"), org.assertj.core.groups.Tuple.tuple("rsa2", "pass"));
            assertPeersAccept(both);
            assertThat(james.log()).contains("dkim.sign reload");
        } finally {
            switchTo("primary");
        }
    }

    static void switchTo(String active) throws Exception {
        Files.writeString(keyTable, table(active, true));
        Files.setLastModifiedTime(keyTable, FileTime.fromMillis(System.currentTimeMillis() + 1000));
        Thread.sleep(1500); // reloadInterval is 1 s
    }

    @Test
    void inboundSignedMail_getsAuthenticationResults_andForgedOnesAreRemoved() throws Exception {
        byte[] signed = Files.readAllBytes(RFC8463.resolve("signed.eml"));
        String forged = "Authentication-Results: mx.mailsec.test; dkim=pass header.d=forged.example\r\n";
        byte[] msg = (forged + new String(signed, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        try (SmtpDialog smtp = SmtpDialog.connect(james.host(), james.smtpPort())) {
            smtp.reply();
            assertThat(SmtpDialog.code(smtp.send("football.example.com", "joe@football.example.com",
                java.util.List.of(james.demoUser()), msg))).isEqualTo(250);
            smtp.command("QUIT");
        }
        MimeMessage[] got = new MimeMessage[1];
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> {
            got[0] = pop3s().stream().filter(m -> header(m, "Message-ID").contains("20030712040037.46341.5F8J")).findFirst().orElse(null);
            return got[0] != null;
        })).as("inbound message delivered").isTrue();
        String[] ar = got[0].getHeader("Authentication-Results");
        assertThat(ar).as("one Authentication-Results, ours").hasSize(1);
        String value = ar[0].replaceAll("\\s+", " ");
        assertThat(value).startsWith("mx.mailsec.test;").doesNotContain("forged.example");
        assertThat(value).contains("dkim=pass reason=\"signature ok\" header.d=football.example.com header.i=@football.example.com header.s=brisbane header.a=ed25519-sha256");
        assertThat(value).contains("header.s=test header.a=rsa-sha256");
        assertThat(value.split("dkim=pass", -1)).hasSize(3);
    }

    static List<MimeMessage> pop3s() {
        try {
            return client.pop3s(james.demoUser(), james.demoPassword());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String header(MimeMessage m, String name) {
        try {
            String[] h = m.getHeader(name);
            return h == null ? "" : String.join(",", h);
        } catch (Exception e) {
            return "";
        }
    }
}
