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

import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.SmtpDialog;

/**
 * Issue 15: docs/install.md applied to James 3.8.1's own sample configuration (a copy in
 * test resources), step by step as the page says, then James booted on it: it starts, `mailsec conf
 * check` finds nothing, inbound mail gets mailsec's Authentication-Results, and an EICAR mail is
 * quarantined in a file:// repository with the recipient warned.
 * Edits that only fit this test machine (ports, JMX and JMAP off, the log file under the working
 * directory) are marked as such.
 */
class StockConfigurationIT {
    static final String CLIENT = "127.0.2.11";
    static Path conf;
    static JamesProcess james;

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "stock-conf-");
        conf = base.resolve("conf");
        copy(JamesProcess.root().resolve("integration-tests/src/test/resources/stock-james-3.8.1"), conf);
        install(conf);
        james = JamesProcess.builder("stock").env("JAMES_CONF_BASE", conf.toString()).start();
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
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

    /** docs/install.md, sections 1 (the module line) to 6, on James's sample configuration. */
    static void install(Path c) throws Exception {
        // 1. the Guice module
        edit(c.resolve("extensions.properties"), "#guice.extension.module=", "guice.extension.module=io.mailsec.core.james.MailsecModule");
        // 2. the file protocol
        edit(c.resolve("mailrepositorystore.xml"), "(</mailrepositories>)",
                "<mailrepository class=\"org.apache.james.mailrepository.file.FileMailRepository\">\n"
                        + "<protocols><protocol>file</protocol></protocols><config FIFO=\"false\" CACHEKEYS=\"true\"/>\n"
                        + "</mailrepository>\n$1");
        // 3. STARTTLS with the sample's keystore on the MX listener, and the inbound hooks
        edit(c.resolve("smtpserver.xml"), "<tls socketTLS=\"false\" startTLS=\"false\">", "<tls socketTLS=\"false\" startTLS=\"true\">");
        edit(c.resolve("smtpserver.xml"), "(<handler class=\"org.apache.james.smtpserver.fastfail.ValidRcptHandler\"/>)",
                "<handler class=\"io.mailsec.core.james.TlsRequiredForAuthHook\"/>\n"
                        + "<handler class=\"io.mailsec.tls.james.InboundTlsPolicyHook\"><policyFile>conf/mailsec-tls.policy</policyFile></handler>\n"
                        + "<handler class=\"io.mailsec.tls.james.TlsReceivedHook\"/>\n$1");
        keystore(c.resolve("keystore"));
        // 4. the pipeline
        Path m = c.resolve("mailetcontainer.xml");
        edit(m, "(<processor state=\"root\"[^>]*>.*?)(<mailet match=\"All\" class=\"ToProcessor\">)",
                "$1<mailet match=\"All\" class=\"io.mailsec.dmarc.james.MailAuthCheck\">\n"
                        + "<trustedNetworks>127.0.0.1/32, ::1</trustedNetworks>\n</mailet>\n"
                        + "<mailet match=\"io.mailsec.dmarc.james.DmarcDispositionIs=reject\" class=\"ToProcessor\">\n"
                        + "<processor>dmarc-reject</processor>\n</mailet>\n$2");
        edit(m, "(<errorProcessor>rrt-error</errorProcessor>\\s*</mailet>)",
                "$1\n<mailet match=\"All\" class=\"io.mailsec.av.james.VirusScan\"><clamd>127.0.0.1:3310</clamd></mailet>\n"
                        + "<mailet match=\"io.mailsec.av.james.IsInfected\" class=\"ToProcessor\"><processor>virus</processor></mailet>\n"
                        + "<mailet match=\"io.mailsec.av.james.IsUnscannable\" class=\"ToProcessor\"><processor>virus</processor></mailet>");
        edit(m, "(class=\"Sieve\">\\s*<onMailetException>ignore</onMailetException>\\s*</mailet>)",
                "$1\n<mailet match=\"io.mailsec.dmarc.james.DmarcDispositionIs=quarantine\" class=\"io.mailsec.core.james.ToFolder\">"
                        + "<folder>Spam</folder></mailet>");
        edit(m, "<mailet match=\"All\" class=\"RemoteDelivery\">.*?</mailet>",
                "<mailet match=\"All\" class=\"io.mailsec.dkim.james.DkimSign\"><keyTable>conf/dkim/keytable</keyTable></mailet>\n"
                        + "<mailet match=\"All\" class=\"io.mailsec.tls.james.TlsPolicyDelivery\">"
                        + "<policyFile>conf/mailsec-tls.policy</policyFile><onTlsFailure>bounce</onTlsFailure></mailet>");
        edit(m, "(<processor state=\"error\"[^>]*>)",
                "$1\n<matcher name=\"virus-stopped\" match=\"org.apache.james.mailetcontainer.impl.matchers.Or\">"
                        + "<matcher match=\"io.mailsec.av.james.IsInfected\"/><matcher match=\"io.mailsec.av.james.IsUnscannable\"/></matcher>\n"
                        + "<mailet match=\"virus-stopped\" class=\"io.mailsec.av.james.Quarantine\">"
                        + "<repositoryPath>file://var/mail/error/</repositoryPath><onMailetException>propagate</onMailetException></mailet>");
        edit(m, "(<mailet match=\"All\" class=\"Bounce\">\\s*)(<onMailetException>ignore</onMailetException>)",
                "$1<attachment>heads</attachment>\n$2");
        edit(m, "(</processors>)",
                "<processor state=\"dmarc-reject\" enableJmx=\"false\">\n"
                        + "<mailet match=\"io.mailsec.spf.james.SpfResultIs=pass\" class=\"Bounce\"><attachment>heads</attachment>"
                        + "<passThrough>true</passThrough></mailet>\n"
                        + "<mailet match=\"All\" class=\"ToRepository\"><repositoryPath>file://var/mail/dmarc-rejected/</repositoryPath></mailet>\n"
                        + "</processor>\n<processor state=\"virus\" enableJmx=\"false\">\n"
                        + "<mailet match=\"All\" class=\"io.mailsec.av.james.Quarantine\"><repositoryPath>file://var/mail/quarantine/</repositoryPath>"
                        + "<passThrough>true</passThrough></mailet>\n"
                        + "<mailet match=\"All\" class=\"io.mailsec.av.james.VirusWarning\"><optOutFile>conf/virus-warning-optout.txt</optOutFile></mailet>\n"
                        + "<mailet match=\"All\" class=\"Null\"/>\n</processor>\n$1");
        // 5. files
        Files.copy(JamesProcess.root().resolve("james-conf/conf/mailsec-tls.policy"), c.resolve("mailsec-tls.policy"));
        Files.writeString(c.resolve("virus-warning-optout.txt"), "");
        Files.createDirectories(c.resolve("dkim"));
        Files.writeString(c.resolve("dkim/keytable"), "# run-james.sh adds the demo domain's key\n");
        // 6. logging
        edit(c.resolve("logback.xml"), "(</configuration>)", "<logger name=\"io.mailsec\" level=\"INFO\"/>\n$1");
        // This machine only: no JMX port, no JMAP listener, the log file in the working directory.
        edit(c.resolve("jmx.properties"), "jmx.enabled=true", "jmx.enabled=false");
        edit(c.resolve("jmap.properties"), "enabled=true", "enabled=false");
        edit(c.resolve("logback.xml"), "<file>/logs/james.log</file>", "<file>\\${working.directory}/logs/james.log</file>");
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
        String out = run("java", "-jar", JamesProcess.root().resolve("mailsec-cli/target/mailsec-cli.jar").toString(), "conf", "check",
                james.workDir().resolve("conf").toString(), "--no-dns");
        assertThat(out).contains("no problems found");
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
        MimeMessage got = inbox(client).stream().filter(x -> subject(x).equals(tag + " clean")).findFirst().orElseThrow();
        assertThat(got.getHeader("Authentication-Results")).as("mailsec's header").isNotNull();
        assertThat(String.join(" ", got.getHeader("Authentication-Results"))).contains("dmarc=");
        String repo = "/mailRepositories/" + URLEncoder.encode("var/mail/quarantine", StandardCharsets.UTF_8) + "/mails";
        JamesProcess.HttpResult q = james.webadmin("GET", repo, null);
        assertThat(q.status()).as(q.body()).isEqualTo(200);
        assertThat(q.body()).isNotEqualTo("[]");
        assertThat(inbox(client)).noneMatch(x -> subject(x).equals(tag + " virus"));
    }

    static List<MimeMessage> inbox(MailClient client) {
        try {
            return client.imaps(james.demoUser(), james.demoPassword());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String subject(MimeMessage m) {
        try {
            return String.valueOf(m.getSubject());
        } catch (Exception e) {
            return "";
        }
    }
}
