package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailsec.core.conf.ConfCheck;
import io.mailsec.core.conf.Finding;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.testdata.Conformance;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.SigningKey;

/**
 * Issue 15: {@code mailsec conf check} on james-conf finds nothing, and on a copy of it with one
 * problem each finds that problem (DKIM keys against a real dnsmasq on 127.0.1.54).
 */
class ConfCheckTest {
    static final SigningKey PUBLISHED = DkimKeys.generate(SigningKey.Type.ED25519, 0, "published");
    static final SigningKey OTHER = DkimKeys.generate(SigningKey.Type.ED25519, 0, "other");
    static Dnsmasq dns;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startDns() throws IOException {
        dns = Dnsmasq.start("127.0.1.54", List.of("check.test"),
                List.of("txt-record=s1._domainkey.check.test,\"" + PUBLISHED.dnsRecord() + "\""));
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    /** A copy of james-conf/conf in a temporary James working directory ({@code conf/} below it). */
    Path conf() throws IOException {
        Path dst = ConfDirs.copy(Conformance.root().getParent().resolve("james-conf/conf"), tmp.resolve("james/conf"));
        // run-james.sh makes these (james-conf/bin/make-test-tls.sh); only their existence is checked here
        Files.createDirectories(dst.resolve("tls"));
        Files.writeString(dst.resolve("tls/server.key"), "");
        Files.writeString(dst.resolve("tls/server.crt"), "");
        return dst;
    }

    static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertThat(s).as(file + " has the text the test edits").contains(from);
        Files.writeString(file, s.replace(from, to));
    }

    List<Finding> check(Path conf) throws IOException {
        return new ConfCheck(conf, DnsjavaResolver.create(List.of(dns.address()), Duration.ofSeconds(2))).run();
    }

    static List<String> checks(List<Finding> f) {
        return f.stream().map(Finding::check).distinct().toList();
    }

    @Test
    void theShippedConfigurationHasNoProblem() throws IOException {
        assertThat(check(conf())).isEmpty();
    }

    @Test
    void undefinedProcessor() throws IOException {
        Path c = conf();
        edit(c.resolve("mailetcontainer.xml"), "<processor>dmarc-reject</processor>", "<processor>dmarc-rejected</processor>");
        assertThat(check(c)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("processor");
            assertThat(f.message()).contains("'dmarc-rejected'").contains("not defined");
        });
    }

    @Test
    void repositoryProtocolNotRegistered() throws IOException {
        Path c = conf();
        edit(c.resolve("mailrepositorystore.xml"), "<protocol>file</protocol>", "<protocol>filesystem</protocol>");
        List<Finding> f = check(c);
        assertThat(checks(f)).containsExactly("repository");
        assertThat(f).anyMatch(x -> x.message().contains("file://var/mail/quarantine/") && x.message().contains("'file'"));
    }

    @Test
    void missingFileNamedWithItsPath() throws IOException {
        Path c = conf();
        edit(c.resolve("mailetcontainer.xml"), "<optOutFile>conf/virus-warning-optout.txt</optOutFile>",
                "<optOutFile>conf/optout.txt</optOutFile>");
        assertThat(check(c)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("file");
            assertThat(f.message()).contains("optOutFile=conf/optout.txt").contains(c.resolve("optout.txt").toString());
        });
    }

    @Test
    void aTlsKeyFileThatDoesNotExist() throws IOException {
        Path c = conf();
        Files.delete(c.resolve("tls/server.key"));
        List<Finding> found = check(c);
        assertThat(found).isNotEmpty().allSatisfy(f -> {
            assertThat(f.check()).isEqualTo("tls-key");
            assertThat(f.message()).contains(c.resolve("tls/server.key").toString(), "James will not start");
        });
        assertThat(found).extracting(Finding::file).contains("smtpserver.xml", "imapserver.xml", "pop3server.xml");
    }

    @Test
    void inboundTlsRequiredOnAListenerWithoutStartTls() throws IOException {
        Path c = conf();
        edit(c.resolve("mailsec-tls.policy"), "[inbound]", "[inbound]\n.partner.example encrypt");
        assertThat(check(c)).as("STARTTLS offered: fine").isEmpty();
        edit(c.resolve("smtpserver.xml"), "<tls socketTLS=\"false\" startTLS=\"true\">", "<tls socketTLS=\"false\" startTLS=\"false\">");
        assertThat(check(c)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("inbound-tls");
            assertThat(f.message()).contains("smtpserver-mx").contains(".partner.example (encrypt");
        });
    }

    @Test
    void ehloNameThatIsNotAFullyQualifiedDomainName() throws IOException {
        Path c = conf();
        edit(c.resolve("mailetcontainer.xml"), "<onTlsFailure>bounce</onTlsFailure>", "<onTlsFailure>bounce</onTlsFailure>\n<heloName>mail</heloName>");
        assertThat(check(c)).singleElement().satisfies(f -> assertThat(f.check()).isEqualTo("ehlo"));
    }

    @Test
    void dkimKeyWhosePublishedRecordDoesNotMatchOrIsMissing() throws IOException {
        Path c = conf();
        Files.writeString(c.resolve("dkim/published.pem"), DkimKeys.toPem(PUBLISHED));
        Files.writeString(c.resolve("dkim/other.pem"), DkimKeys.toPem(OTHER));
        Files.writeString(c.resolve("dkim/keytable"), "check.test selector=s1 key=published.pem\n");
        assertThat(check(c)).as("the published key").isEmpty();
        Files.writeString(c.resolve("dkim/keytable"), "check.test selector=s1 key=other.pem alternateSelector=s2 alternateKey=published.pem\n");
        List<Finding> f = check(c);
        assertThat(checks(f)).containsExactly("dkim-dns");
        assertThat(f).extracting(Finding::message).anyMatch(m -> m.contains("selector s1: mismatch"))
                .anyMatch(m -> m.contains("selector s2: missing"));
    }

    @Test
    void virusScanBeforeAliasExpansion() throws IOException {
        Path c = conf();
        edit(c.resolve("mailetcontainer.xml"), "<mailet match=\"All\" class=\"RecipientRewriteTable\">",
                "<mailet match=\"All\" class=\"io.mailsec.av.james.VirusScan\"/>\n<mailet match=\"All\" class=\"RecipientRewriteTable\">");
        assertThat(check(c)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("virus-scan-order");
            assertThat(f.message()).contains("'transport'");
        });
    }

    @Test
    void loggingThatHidesMailsecLines() throws IOException {
        Path c = conf();
        edit(c.resolve("logback.xml"), "<logger name=\"io.mailsec\" level=\"INFO\"/>", "<logger name=\"io.mailsec\" level=\"WARN\"/>");
        assertThat(check(c)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("logging");
            assertThat(f.message()).contains("WARN");
        });
    }

    @Test
    void mailsecStagesWithoutTheRuntimeModule() throws IOException {
        Path c = conf();
        edit(c.resolve("extensions.properties"), "guice.extension.module=io.mailsec.core.james.MailsecModule", "guice.extension.module=");
        assertThat(check(c)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo("runtime");
            assertThat(f.message()).contains("guice.extension.module=io.mailsec.core.james.MailsecModule");
        });
        Files.delete(c.resolve("extensions.properties"));
        assertThat(checks(check(c))).containsExactly("runtime");
    }
}
