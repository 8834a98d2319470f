package io.mailsec.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load run edits the shipped configuration into its pipelines; a change to james-conf that
 * breaks those edits fails here, in the test run, instead of in the next manual benchmark.
 */
class PipelineBenchOverlaysTest {
    @TempDir
    Path work;

    @Test
    void stockHasNoMailsecStageOrHook() throws Exception {
        Path conf = PipelineBenchMain.stockOverlay(work);
        String mailets = wellFormed(conf.resolve("mailetcontainer.xml"));
        assertThat(mailets).doesNotContain("io.mailsec.dmarc.james.MailAuthCheck", "io.mailsec.core.james.MailsecStamp",
                "io.mailsec.av.james.VirusScan\"", "DKIMVerify");
        String smtp = wellFormed(conf.resolve("smtpserver.xml"));
        assertThat(smtp).doesNotContain("<handler class=\"io.mailsec.tls.james.TlsReceivedHook\"/>",
                "<handler class=\"io.mailsec.core.james.TlsRequiredForAuthHook\"/>");
        assertThat(smtp.replaceAll("(?s)<!--.*?-->", "")).doesNotContain("io.mailsec.tls.james.InboundTlsPolicyHook");
    }

    @Test
    void mailsecIsTheShippedPipelineWithoutTheVirusScan() throws Exception {
        Path conf = PipelineBenchMain.mailsecOverlay(work);
        String mailets = wellFormed(conf.resolve("mailetcontainer.xml"));
        assertThat(mailets).contains("io.mailsec.dmarc.james.MailAuthCheck", "io.mailsec.dmarc.james.DmarcDispositionIs=reject")
                .doesNotContain("io.mailsec.av.james.VirusScan\"");
    }

    @Test
    void builtinRunsJamesOwnChecksAndRoutesAwayWhatDoesNotPass() throws Exception {
        Path conf = PipelineBenchMain.builtinOverlay(work);
        String mailets = wellFormed(conf.resolve("mailetcontainer.xml"));
        assertThat(mailets).contains("class=\"org.apache.james.jdkim.mailets.DKIMVerify\"",
                "HasMailAttributeWithValueRegex=jDKIM.AUTHRESULT, (?!pass).*", "class=\"SPF\"",
                "<ignoreLocalIps>false</ignoreLocalIps>",
                "HasMailAttributeWithValueRegex=org.apache.james.transport.mailets.spf.result, (?!pass$).*")
                .doesNotContain("io.mailsec.dmarc.james.MailAuthCheck");
        // James's matcher applies the regex to the whole attribute value (Matcher.matches)
        assertThat("fail (bad signature)").matches("(?!pass).*");
        assertThat("neutral (no signatures)").matches("(?!pass).*");
        assertThat("pass (identity @bench.test)").doesNotMatch("(?!pass).*");
        assertThat("softfail").matches("(?!pass$).*");
        assertThat("pass").doesNotMatch("(?!pass$).*");
    }

    @Test
    void noChecksKeepsEverythingButTheChecks() throws Exception {
        Path conf = PipelineBenchMain.noChecksOverlay(work);
        String mailets = wellFormed(conf.resolve("mailetcontainer.xml"));
        String root = mailets.substring(mailets.indexOf("<processor state=\"root\""), mailets.indexOf("<processor state=\"submitted\""));
        assertThat(root).contains("io.mailsec.core.james.MailsecStamp", "io.mailsec.dmarc.james.DmarcDispositionIs=reject")
                .doesNotContain("io.mailsec.dmarc.james.MailAuthCheck");
        assertThat(mailets).doesNotContain("io.mailsec.av.james.VirusScan\"");
        // no overlay file: James runs the shipped smtpserver.xml, mailsec's MX hooks included
        assertThat(conf.resolve("smtpserver.xml")).doesNotExist();
    }

    private static String wellFormed(Path xml) throws Exception {
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        return Files.readString(xml);
    }
}
