package io.mailsec.it.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.SmtpDialog;
import io.mailsec.it.SmtpSink;

/**
 * Issue 15: docs/install.md applied to James 3.8.1's own sample configuration (a copy in
 * test resources) with {@code mailsec conf install} and the steps the page leaves to the administrator,
 * then James booted on it: it starts, `mailsec conf
 * check` finds nothing, inbound mail gets mailsec's Authentication-Results, an EICAR mail is
 * quarantined in a file:// repository with the recipient warned, submitted mail leaves signed with the
 * key `mailsec dkim keygen` made (dkimpy verifies it against the published record), a peer the
 * [inbound] list requires TLS from is refused with 530 without it, and mail for an [outbound]
 * {@code encrypt} domain whose MX has no STARTTLS bounces with a 5.7.10 DSN.
 * Edits that only fit this test machine (ports, JMX and JMAP off, the log file under the working
 * directory) are marked as such.
 */
class StockConfigurationIT {
    static final String CLIENT = "127.0.2.11";
    static final String DNS = "127.0.7.53";
    static final String SINK = "127.0.7.25";
    static final String PLAIN_MX = "127.0.7.26";
    static final String TLS_REQUIRED_PEER = "127.0.7.99";
    static final String DOMAIN = "mailsec.test";
    static Path conf;
    static JamesProcess james;
    static Dnsmasq dns;
    static SmtpSink sink;
    static SmtpSink plainMx;

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "stock-conf-");
        conf = base.resolve("conf");
        copy(JamesProcess.root().resolve("integration-tests/src/test/resources/stock-james-3.8.1"), conf);
        String dkimRecord = install(conf);
        dns = Dnsmasq.start(DNS, List.of("test"), List.of(Dnsmasq.txt("s2026._domainkey." + DOMAIN, dkimRecord),
                Dnsmasq.mx("remote.test", "mx.remote.test", 10), Dnsmasq.host("mx.remote.test", SINK),
                Dnsmasq.mx("notls.test", "mx.notls.test", 10), Dnsmasq.host("mx.notls.test", PLAIN_MX)));
        sink = new SmtpSink(SINK, 25);
        plainMx = new SmtpSink(PLAIN_MX, 25);
        james = JamesProcess.builder("stock").env("JAMES_CONF_BASE", conf.toString()).start();
        assertThat(james.demoDomain()).isEqualTo(DOMAIN);
    }

    @AfterAll
    static void stop() throws Exception {
        if (james != null) {
            james.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {sink, plainMx, dns}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.getFileName().toString().equals("README.md") && !f.getFileName().toString().equals("LICENSE")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }

    /** Replaces the first match of {@code regex} (which must match) by {@code replacement} (with $1 etc.). */
    static void edit(Path file, String regex, String replacement) throws IOException {
        String s = Files.readString(file);
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(s);
        assertThat(m.find()).as(file.getFileName() + " has " + regex).isTrue();
        Files.writeString(file, m.replaceFirst(replacement));
    }

    /**
     * docs/install.md on James's sample configuration: {@code mailsec conf install} for sections 1 to 6, then
     * what the page leaves to the administrator (keystore, key, lists, resolvers); returns the DKIM TXT record to publish.
     */
    static String install(Path c) throws Exception {
        String report = cli("conf", "install", c.toString(), "--trusted-networks", "127.0.0.1/32, ::1");
        assertThat(report).contains("changed  mailetcontainer.xml: relay: RemoteDelivery replaced by DkimSign and TlsPolicyDelivery",
                "to do    smtpserver.xml: 0.0.0.0:25 (smtpserver-global): <keystore>");
        // 3. the keystore the sample's MX listener names, with a certificate from the test CA (so the test's clients trust it)
        keystore(c.resolve("keystore"));
        // 5. the lists and the signing key
        Files.writeString(c.resolve("mailsec-tls.policy"), "[outbound]\nnotls.test encrypt\ndefault may\n"
                + "[inbound]\n" + TLS_REQUIRED_PEER + " encrypt\ndefault may\n");
        String keygen = cli("dkim", "keygen", "--domain", DOMAIN, "--selector", "s2026", "--out", c.resolve("dkim").toString(),
                "--table", c.resolve("dkim/keytable").toString());
        assertThat(Files.readString(c.resolve("dkim/keytable"))).contains(DOMAIN + " selector=s2026 key=s2026." + DOMAIN + ".pem");
        // 7. the server's name (the sample has none: outbound delivery would say EHLO localhost and refuses to) and the resolvers
        edit(c.resolve("smtpserver.xml"), "(<jmxName>smtpserver-global</jmxName>)",
                "$1\n        <helloName autodetect=\"false\">mail." + DOMAIN + "</helloName>");
        edit(c.resolve("dnsservice.xml"), "<autodiscover>true</autodiscover>",
                "<servers><server>" + DNS + "</server></servers><autodiscover>false</autodiscover>");
        // This machine only: no JMX port, no JMAP listener, the log file in the working directory.
        edit(c.resolve("jmx.properties"), "jmx.enabled=true", "jmx.enabled=false");
        edit(c.resolve("jmap.properties"), "enabled=true", "enabled=false");
        edit(c.resolve("logback.xml"), "<file>/logs/james.log</file>", "<file>\\${working.directory}/logs/james.log</file>");
        return txtRecord(keygen);
    }

    /** The record `dkim keygen` prints: the quoted strings of its TXT line, joined. */
    static String txtRecord(String keygen) {
        String line = keygen.lines().filter(l -> l.contains(" IN TXT ")).findFirst().orElseThrow();
        StringBuilder record = new StringBuilder();
        Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(line);
        while (quoted.find()) {
            record.append(quoted.group(1));
        }
        return record.toString();
    }

    static String cli(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("java", "-jar",
                JamesProcess.root().resolve("mailsec-cli/target/mailsec-cli.jar").toString()));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    /** The keystore the sample names, holding the test CA's certificate (so the test's clients trust it). */
    static void keystore(Path file) throws Exception {
        Path tls = file.resolveSibling("tls");
        run("bash", JamesProcess.root().resolve("james-conf/bin/make-test-tls.sh").toString(), tls.toString());
        run("openssl", "pkcs12", "-export", "-inkey", tls.resolve("server.key").toString(), "-in", tls.resolve("server.crt").toString(),
                "-name", "james", "-out", file.toString(), "-passout", "pass:james72laBalle");
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    /** The page's last step, as an administrator runs it: the command on the installed configuration. */
    @Test
    void confCheckFindsNothingOnTheInstalledConfiguration() throws Exception {
        String out = cli("conf", "check", james.workDir().resolve("conf").toString(), "--dns", DNS);
        assertThat(out).contains("no problems found");
        assertThat(james.output()).as("the same checks at James's start")
                .contains("event=conf-check conf=" + james.workDir().resolve("conf") + " problems=0");
        assertThat(cli("dkim", "testkey", "--dns", DNS, "--domain", DOMAIN, "--selector", "s2026",
                "--key", james.workDir().resolve("conf/dkim/s2026." + DOMAIN + ".pem").toString())).containsIgnoringCase("match");
    }

    @Test
    void submittedMailLeavesSignedAndDkimpyVerifiesIt() throws Exception {
        String subject = "stock-out " + UUID.randomUUID();
        MailClient client = new MailClient(james);
        client.submit(client.newMessage(client.submissionSession(), james.demoUser(), "bob@remote.test", subject, "hello\r\n"),
                james.demoUser(), james.demoPassword());
        byte[] got = null;
        for (int i = 0; i < 12 && got == null; i++) {
            byte[] m = sink.next(5);
            if (m != null && new String(m, StandardCharsets.ISO_8859_1).contains(subject)) {
                got = m;
            }
        }
        assertThat(got).as("relayed to the remote MX; log:\n" + JamesProcess.tail(james.output(), 60)).isNotNull();
        assertThat(new String(got, StandardCharsets.ISO_8859_1)).contains("d=" + DOMAIN + "; s=s2026;");
        PeerTools.Result dkimpy = dns.run(got, "dkimverify");
        assertThat(dkimpy.exit).as("dkimverify: " + dkimpy).isZero();
    }

    @Test
    void peerTheInboundListRequiresTlsFromIsRefusedWithoutIt() throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connectFrom(TLS_REQUIRED_PEER, james.host(), james.smtpPort())) {
            smtp.reply();
            assertThat(String.join("\n", smtp.command("EHLO peer.remote.test"))).contains("STARTTLS");
            List<String> mail = smtp.command("MAIL FROM:<a@remote.test>");
            assertThat(SmtpDialog.code(mail)).as(mail.toString()).isEqualTo(530);
            assertThat(mail.get(0)).contains("5.7.0");
        }
    }

    @Test
    void mailForAnEncryptDomainWhoseMxHasNoStartTlsBouncesWith5710() throws Exception {
        String subject = "stock-notls " + UUID.randomUUID();
        MailClient client = new MailClient(james);
        client.submit(client.newMessage(client.submissionSession(), james.demoUser(), "carol@notls.test", subject, "secret\r\n"),
                james.demoUser(), james.demoPassword());
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> inbox(client).stream().anyMatch(m -> raw(m).contains(subject)
                && raw(m).contains("Status: 5.7.10")))).as("a 5.7.10 DSN to the sender; log:\n" + JamesProcess.tail(james.output(), 60))
                .isTrue();
        String dsn = settledInbox(client, subject).stream().map(StockConfigurationIT::raw).filter(r -> r.contains(subject) && r.contains("5.7.10"))
                .findFirst().orElseThrow();
        assertThat(dsn).contains("TLS unavailable", "Final-Recipient: rfc822; carol@notls.test", "report-type=delivery-status");
        assertThat(plainMx.next(1)).as("nothing was sent in plaintext to the encrypt domain's MX").isNull();
    }

    static String raw(MimeMessage m) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            m.writeTo(out);
            return out.toString(StandardCharsets.ISO_8859_1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void inboundMailGetsMailsecAuthenticationResultsAndEicarIsQuarantinedWithAWarning() throws Exception {
        String tag = "stock-" + UUID.randomUUID();
        String clean = "From: a@sender.test\r\nTo: " + james.demoUser() + "\r\nSubject: " + tag + " clean\r\n\r\nhello\r\n";
        String eicar = "From: a@sender.test\r\nTo: " + james.demoUser() + "\r\nSubject: " + tag + " virus\r\n\r\n"
                + "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\r\n";
        try (SmtpDialog smtp = SmtpDialog.connectFrom(CLIENT, james.host(), james.smtpPort())) {
            smtp.reply();
            assertThat(SmtpDialog.code(smtp.send("client.sender.test", "a@sender.test", List.of(james.demoUser()),
                    clean.getBytes(StandardCharsets.US_ASCII)))).isEqualTo(250);
        }
        try (SmtpDialog smtp = SmtpDialog.connectFrom(CLIENT, james.host(), james.smtpPort())) {
            smtp.reply();
            assertThat(SmtpDialog.code(smtp.send("client.sender.test", "a@sender.test", List.of(james.demoUser()),
                    eicar.getBytes(StandardCharsets.US_ASCII)))).isEqualTo(250);
        }
        MailClient client = new MailClient(james);
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> inbox(client).stream().anyMatch(x -> subject(x).equals(tag + " clean"))
                && inbox(client).stream().anyMatch(x -> subject(x).contains("[Virus warning]") && subject(x).contains(tag))))
                .as("delivered and warned; log:\n" + JamesProcess.tail(james.output(), 60)).isTrue();
        List<MimeMessage> all = settledInbox(client, tag + " clean");
        MimeMessage got = all.stream().filter(x -> subject(x).equals(tag + " clean")).findFirst().orElseThrow();
        assertThat(got.getHeader("Authentication-Results")).as("mailsec's header").isNotNull();
        assertThat(String.join(" ", got.getHeader("Authentication-Results"))).contains("dmarc=");
        String repo = "/mailRepositories/" + URLEncoder.encode("var/mail/quarantine", StandardCharsets.UTF_8) + "/mails";
        JamesProcess.HttpResult q = james.webadmin("GET", repo, null);
        assertThat(q.status()).as(q.body()).isEqualTo(200);
        assertThat(q.body()).isNotEqualTo("[]");
        assertThat(all).noneMatch(x -> subject(x).equals(tag + " virus"));
    }

    /** The inbox once a read of it shows the message with {@code subjectPart} (a read that raced shows nothing). */
    static List<MimeMessage> settledInbox(MailClient client, String subjectPart) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            List<MimeMessage> all = inbox(client);
            if (all.stream().anyMatch(m -> subject(m).contains(subjectPart))) {
                return all;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no message with subject containing " + subjectPart + " in the inbox");
    }

    static List<MimeMessage> inbox(MailClient client) {
        return client.imapsOrNone(james.demoUser(), james.demoPassword());
    }

    static String subject(MimeMessage m) {
        return MailClient.subject(m);
    }
}
