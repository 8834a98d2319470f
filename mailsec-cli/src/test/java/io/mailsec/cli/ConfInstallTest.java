package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailsec.cli.conf.ConfInstall;
import io.mailsec.cli.conf.XmlText;
import io.mailsec.core.conf.ConfCheck;
import io.mailsec.core.conf.Finding;
import io.mailsec.core.testdata.Conformance;

/**
 * Issue 15: {@code mailsec conf install} on James 3.8.1's own sample configuration makes the edits of
 * docs/install.md (booting James on the result is StockConfigurationIT's job), a second run changes
 * nothing, {@code --dry-run} writes nothing, and james-conf (where everything is in place) is left alone.
 */
class ConfInstallTest {
    @TempDir
    Path tmp;

    static Path repo() {
        return Conformance.root().getParent();
    }

    Path copy(Path src) throws IOException {
        return ConfDirs.copy(src, tmp.resolve("james/conf"));
    }

    Path stock() throws IOException {
        return copy(repo().resolve("integration-tests/src/test/resources/stock-james-3.8.1"));
    }

    static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                m.put(dir.relativize(p).toString(), Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return m;
    }

    static String cli(List<String> args, int expectedExit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text + err.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        return text;
    }

    @Test
    void installsIntoJamesSampleConfigurationAndTheResultPassesConfCheck() throws Exception {
        Path conf = stock();
        String out = cli(List.of("conf", "install", conf.toString(), "--clamd", "127.0.0.1:3311", "--trusted-networks", "10.0.0.0/8"), 0);
        assertThat(out).contains("changed  mailetcontainer.xml: relay: RemoteDelivery replaced by DkimSign and TlsPolicyDelivery",
                "to do    smtpserver.xml: 0.0.0.0:25 (smtpserver-global): <keystore> " + conf.resolve("keystore") + " does not exist",
                "RemoteDelivery parameters outgoingQueue, maxDnsProblemRetries, sendpartial, bounceProcessor have no");

        assertThat(Files.readString(conf.resolve("extensions.properties")))
                .containsOnlyOnce("\nguice.extension.module=io.mailsec.core.james.MailsecModule");
        assertThat(Files.readString(conf.resolve("webadmin.properties"))).as("James's commented sample line, uncommented")
                .containsOnlyOnce("extensions.routes=").containsPattern("(?m)^extensions\\.routes=io\\.mailsec\\.tls\\.james\\.DeliveryQueueRoutes$");
        String mailets = Files.readString(conf.resolve("mailetcontainer.xml"));
        XmlText.wellFormed("mailetcontainer.xml", mailets);
        assertThat(order(mailets, "class=\"RecipientRewriteTable\"", "io.mailsec.av.james.VirusScan", "<clamd>127.0.0.1:3311</clamd>",
                "match=\"RecipientIsLocal\"")).as("the scan after alias expansion, before local delivery").isTrue();
        assertThat(order(mailets, "class=\"Sieve\"", "DmarcDispositionIs=quarantine\" class=\"io.mailsec.core.james.ToFolder\"",
                "class=\"LocalDelivery\"")).isTrue();
        assertThat(order(mailets, "<processor state=\"root\"", "MailAuthCheck", "<trustedNetworks>10.0.0.0/8</trustedNetworks>",
                "DmarcDispositionIs=reject", "<processor>transport</processor>")).isTrue();
        assertThat(order(mailets, "<processor state=\"relay\"", "DkimSign", "TlsPolicyDelivery", "<retrySchedule>5000, 100000, 500000</retrySchedule>",
                "<maxRetries>3</maxRetries>", "<deliveryThreads>10</deliveryThreads>", "</processor>")).isTrue();
        assertThat(mailets).doesNotContain("RemoteDelivery", "<sendpartial>", "<bounceProcessor>")
                .contains("<processor state=\"dmarc-reject\"", "<processor state=\"virus\"", "<matcher name=\"virus-stopped\"")
                .as("James's licence header and comments stay").contains("Licensed to the Apache Software Foundation");
        String smtp = Files.readString(conf.resolve("smtpserver.xml"));
        assertThat(order(smtp, "<bind>0.0.0.0:25</bind>", "<tls socketTLS=\"false\" startTLS=\"true\">", "TlsRequiredForAuthHook",
                "InboundTlsPolicyHook", "<policyFile>conf/mailsec-tls.policy</policyFile>", "TlsReceivedHook", "ValidRcptHandler",
                "<bind>0.0.0.0:465</bind>", "TlsRequiredForAuthHook", "RequireAuthHook", "TlsReceivedHook", "ValidRcptHandler",
                "<bind>0.0.0.0:587</bind>", "RequireAuthHook")).isTrue();
        assertThat(smtp.split("InboundTlsPolicyHook", -1)).as("only on the MX listener").hasSize(2);
        assertThat(Files.readString(conf.resolve("mailrepositorystore.xml"))).contains("<protocol>file</protocol>", "<protocol>memory</protocol>");
        assertThat(Files.readString(conf.resolve("logback.xml")))
                .contains("<logger name=\"io.mailsec\" level=\"INFO\"/>", "<logger name=\"mailsec.tls.tracking\" level=\"INFO\" additivity=\"false\">",
                        "logs/tls-tracking.jsonl");
        assertThat(Files.readString(conf.resolve("mailsec-tls.policy")))
                .isEqualTo(Files.readString(repo().resolve("james-conf/conf/mailsec-tls.policy")));
        assertThat(conf.resolve("virus-warning-optout.txt")).exists();
        assertThat(conf.resolve("dkim/keytable")).exists();

        assertThat(new ConfCheck(conf, null).run()).as("James's sample names a keystore it does not ship; conf check says so")
                .isNotEmpty().allSatisfy(f -> assertThat(f.check()).isEqualTo("tls-key"))
                .anySatisfy(f -> assertThat(f.file()).isEqualTo("jmap.properties"));
        Files.writeString(conf.resolve("keystore"), ""); // the administrator's step (docs/install.md section 3); existence is checked
        List<String> problems = new ArrayList<>();
        for (Finding f : new ConfCheck(conf, null).run()) {
            problems.add(f.toString());
        }
        assertThat(problems).as("what conf install leaves, with the keystore, is what conf check accepts").isEmpty();
    }

    @Test
    void aSecondRunChangesNothing() throws Exception {
        Path conf = stock();
        cli(List.of("conf", "install", conf.toString()), 0);
        Map<String, String> once = files(conf);
        String again = cli(List.of("conf", "install", conf.toString()), 0);
        assertThat(again).contains("nothing to change (mailsec is installed)").doesNotContain("changed  ");
        assertThat(files(conf)).isEqualTo(once);
    }

    @Test
    void dryRunPrintsTheDiffAndWritesNothing() throws Exception {
        Path conf = stock();
        Map<String, String> before = files(conf);
        String out = cli(List.of("conf", "install", conf.toString(), "--dry-run"), 0);
        assertThat(files(conf)).isEqualTo(before);
        assertThat(out).contains("--- smtpserver.xml\n+++ smtpserver.xml\n",
                "-        <tls socketTLS=\"false\" startTLS=\"false\">\n+        <tls socketTLS=\"false\" startTLS=\"true\">\n",
                "-            <mailet match=\"All\" class=\"RemoteDelivery\">\n",
                "+++ dkim/keytable\n", "would change  logback.xml");
    }

    @Test
    void jamesConfNeedsNothing() throws Exception {
        Path conf = copy(repo().resolve("james-conf/conf"));
        ConfInstall install = new ConfInstall(conf, new ConfInstall.Options());
        assertThat(install.plan().done()).isEmpty();
        assertThat(install.diffs()).isEmpty();
    }

    @Test
    void anExistingModuleListIsExtendedAndAMissingFileIsNamed() throws Exception {
        Path conf = stock();
        Files.writeString(conf.resolve("extensions.properties"), "guice.extension.module=com.example.Module\n");
        Files.delete(conf.resolve("logback.xml"));
        String out = cli(List.of("conf", "install", conf.toString()), 0);
        assertThat(Files.readString(conf.resolve("extensions.properties")))
                .isEqualTo("guice.extension.module=com.example.Module,io.mailsec.core.james.MailsecModule\n");
        assertThat(out).contains("to do    logback.xml: not in " + conf + "; copy James's sample logback.xml there and run again");
    }

    @Test
    void notADirectoryIsAUsageError() {
        assertThat(cli(List.of("conf", "install", tmp.resolve("nope").toString()), 2)).isEmpty();
    }

    /** Whether the strings occur in this order (each after the previous one). */
    static boolean order(String text, String... parts) {
        int at = 0;
        for (String p : parts) {
            int i = text.indexOf(p, at);
            if (i < 0) {
                return false;
            }
            at = i + p.length();
        }
        return true;
    }
}
