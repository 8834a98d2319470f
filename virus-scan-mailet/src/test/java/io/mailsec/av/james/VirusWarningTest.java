package io.mailsec.av.james;

import io.mailsec.av.ClamdProcess;
import io.mailsec.av.MessageScannerTest;
import io.mailsec.av.Mime;
import io.mailsec.av.TestFiles;
import io.mailsec.av.Verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warning mail rules: outgoing (authenticated) → sender; incoming → local recipients; never an
 * unauthenticated sender; opt-out; rate limit; list members still warned; templates without content.
 * The local domain of FakeMailContext is "localhost". Mails are scanned by a real clamd first.
 */
class VirusWarningTest {
    @TempDir
    Path tmp;

    static FakeMailContext context() throws Exception {
        return FakeMailContext.builder().postmaster(new org.apache.james.core.MailAddress("postmaster@localhost")).build();
    }

    static VirusWarning warning(FakeMailContext ctx, String... params) throws MessagingException {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("VirusWarning").mailetContext(ctx);
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        VirusWarning w = new VirusWarning();
        w.init(b.build());
        return w;
    }

    /** An infected mail, scanned by VirusScan with the shared clamd. */
    static FakeMail infected(String sender, boolean authenticated, String... recipients) throws Exception {
        byte[] raw = Mime.message("Quarterly report").line("List-Id: <team.localhost>").line("Precedence: list")
            .multipart("mixed", "w").text("w", "see attached")
            .base64Part("w", "application/zip", "report.zip", TestFiles.zip("report.exe", TestFiles.eicar())).end("w").bytes();
        FakeMail.Builder b = FakeMail.builder().name("quarantine-key-" + System.nanoTime())
            .mimeMessage(VirusScanMailetTest.mime(raw)).sender(sender).recipients(recipients).state("virus");
        if (authenticated) {
            b.attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(sender.substring(0, sender.indexOf('@')))));
        }
        FakeMail mail = b.build();
        VirusScan scan = VirusScanMailetTest.mailet(FakeMailContext.defaultContext(), ClamdProcess.shared());
        scan.service(mail);
        scan.destroy();
        assertThat(AvAttributes.verdict(mail)).contains(Verdict.INFECTED);
        quarantined(mail, "qkey-" + mail.getName());
        return mail;
    }

    /** What Quarantine records once the mail is stored. */
    static void quarantined(FakeMail mail, String key) {
        AvAttributes.set(mail, AvAttributes.QUARANTINE_REPOSITORY, "file://var/mail/quarantine/");
        AvAttributes.set(mail, AvAttributes.QUARANTINE_KEY, key);
    }

    /** Issue 14, defect 1: the warning says "kept in quarantine", so nothing is sent before the store succeeded. */
    @Test
    void mailThatWasNotQuarantinedGetsNoWarning() throws Exception {
        FakeMailContext ctx = context();
        FakeMail mail = infected("alice@localhost", true, "carol@localhost");
        mail.removeAttribute(AvAttributes.QUARANTINE_KEY);
        warning(ctx).service(mail);
        assertThat(ctx.getSentMails()).isEmpty();
    }

    @Test
    void theWarningQuotesTheKeyTheQuarantineStoredTheMailUnder() throws Exception {
        FakeMailContext ctx = context();
        FakeMail mail = infected("eve@example.org", false, "carol@localhost");
        quarantined(mail, "stored-under-this-key");
        warning(ctx).service(mail);
        assertThat((String) ctx.getSentMails().get(0).getMsg().getContent()).contains("stored-under-this-key");
        assertThat(ctx.getSentMails().get(0).getMsg().getHeader(VirusWarning.MARKER_HEADER)).containsExactly("stored-under-this-key");
    }

    static List<String> warned(FakeMailContext ctx) {
        return ctx.getSentMails().stream().flatMap(s -> s.getRecipients().stream()).map(a -> a.asString())
            .collect(Collectors.toList());
    }

    @Test
    void outgoingAuthenticatedWarnsTheSenderOnly() throws Exception {
        FakeMailContext ctx = context();
        warning(ctx).service(infected("alice@localhost", true, "partner@example.org"));
        assertThat(warned(ctx)).containsExactly("alice@localhost");
    }

    @Test
    void incomingWarnsEachLocalRecipientNeverTheUnauthenticatedSender() throws Exception {
        FakeMailContext ctx = context();
        warning(ctx).service(infected("eve@example.org", false, "carol@localhost", "dave@localhost", "other@example.net"));
        assertThat(warned(ctx)).containsExactly("carol@localhost", "dave@localhost");
    }

    @Test
    void localToLocalWarnsBoth() throws Exception {
        FakeMailContext ctx = context();
        warning(ctx).service(infected("alice@localhost", true, "carol@localhost"));
        assertThat(warned(ctx)).containsExactly("alice@localhost", "carol@localhost");
    }

    @Test
    void unauthenticatedLocalLookingSenderIsNotWarned() throws Exception {
        FakeMailContext ctx = context();
        warning(ctx).service(infected("alice@localhost", false, "partner@example.org"));
        assertThat(warned(ctx)).isEmpty();
    }

    @Test
    void mailingListMembersAreWarnedOptedOutUsersAreNot() throws Exception {
        Path optOut = tmp.resolve("opt-out.txt");
        Files.writeString(optOut, "# users who asked for no virus warnings\nDave@LocalHost\n");
        FakeMailContext ctx = context();
        VirusWarning w = warning(ctx, "optOutFile", optOut.toString());
        // the list address was expanded to its members before scanning; the mail carries List-Id
        w.service(infected("eve@example.org", false, "carol@localhost", "dave@localhost", "erin@localhost"));
        assertThat(warned(ctx)).containsExactly("carol@localhost", "erin@localhost");
        // the file is re-read when it changes
        Files.writeString(optOut, "@localhost\n");
        Files.setLastModifiedTime(optOut, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        ctx.resetSentMails();
        w.service(infected("eve@example.org", false, "carol@localhost"));
        assertThat(warned(ctx)).isEmpty();
    }

    @Test
    void perRecipientRateLimit() throws Exception {
        FakeMailContext ctx = context();
        VirusWarning w = warning(ctx, "rateLimit", "2/1h");
        for (int i = 0; i < 4; i++) {
            w.service(infected("eve@example.org", false, "carol@localhost", i == 3 ? "dave@localhost" : "carol@localhost"));
        }
        assertThat(warned(ctx)).containsExactly("carol@localhost", "carol@localhost", "dave@localhost");
    }

    @Test
    void englishWarningNamesVirusSubjectSenderDateAndKeyButHoldsNoContent() throws Exception {
        FakeMailContext ctx = context();
        FakeMail mail = infected("eve@example.org", false, "carol@localhost");
        warning(ctx).service(mail);
        MimeMessage w = ctx.getSentMails().get(0).getMsg();
        assertThat(w.getSubject()).isEqualTo("[Virus warning] Quarterly report");
        assertThat(w.getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat(w.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        String body = (String) w.getContent();
        assertThat(body).contains("Test.EICAR.").contains("Quarterly report").contains("eve@example.org")
            .contains("Sun, 22 Nov 2026").contains("qkey-" + mail.getName());
        assertThat(body).doesNotContain("EICAR-STANDARD").doesNotContain("UEsDB"); // no file, no base64 zip
        assertThat(ctx.getSentMails().get(0).getSender().asString()).isEqualTo(ctx.getPostmaster().asString());
    }

    @Test
    void japaneseTemplateIsUtf8() throws Exception {
        FakeMailContext ctx = context();
        FakeMail mail = infected("eve@example.org", false, "carol@localhost");
        warning(ctx, "language", "ja").service(mail);
        MimeMessage w = ctx.getSentMails().get(0).getMsg();
        assertThat(w.getSubject()).isEqualTo("[ウイルス警告] Quarterly report");
        assertThat(w.getHeader("Subject")[0]).startsWith("=?UTF-8?");
        String body = (String) w.getContent();
        assertThat(body).contains("隔離キー").contains("qkey-" + mail.getName()).contains("Test.EICAR.");
    }

    /** Issue 15: a configured opt-out file that is not there was silently "nobody opted out"; relative paths are James's. */
    @Test
    void optOutFileIsReadFromJamesWorkingDirectoryAndMustExist() throws Exception {
        Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(tmp.resolve("conf/optout.txt"), "carol@localhost\n");
        System.setProperty("working.directory", tmp.toString());
        try {
            FakeMailContext ctx = context();
            warning(ctx, "optOutFile", "conf/optout.txt").service(infected("eve@example.org", false, "carol@localhost", "dave@localhost"));
            assertThat(warned(ctx)).containsExactly("dave@localhost");
            assertThatThrownBy(() -> warning(context(), "optOutFile", "conf/missing.txt"))
                .hasMessageContaining("optOutFile").hasMessageContaining(tmp.resolve("conf/missing.txt").toString());
        } finally {
            System.clearProperty("working.directory");
        }
    }

    @Test
    void cleanMailGetsNoWarningAndBadParametersAreNamed() throws Exception {
        FakeMailContext ctx = context();
        FakeMail clean = FakeMail.builder().name("c").mimeMessage(VirusScanMailetTest.mime(
                MessageScannerTest.withAttachment("text/plain", "a.txt", TestFiles.cleanText())))
            .sender("eve@example.org").recipient("carol@localhost").build();
        AvAttributes.set(clean, AvAttributes.VERDICT, "clean");
        warning(ctx).service(clean);
        assertThat(ctx.getSentMails()).isEmpty();
        assertThatThrownBy(() -> warning(ctx, "language", "xx")).hasMessageContaining("language").hasMessageContaining("xx");
        assertThatThrownBy(() -> warning(ctx, "rateLimit", "lots")).hasMessageContaining("rateLimit").hasMessageContaining("lots");
        Path dir = Files.createDirectories(tmp.resolve("tpl"));
        Files.writeString(dir.resolve("virus-warning-fr.txt"), "Subject: [Virus] ${subject}\n\nVirus ${virus} clé ${quarantineKey}\n",
            StandardCharsets.UTF_8);
        FakeMailContext ctx2 = context();
        warning(ctx2, "language", "fr", "templateDirectory", dir.toString()).service(infected("eve@example.org", false, "carol@localhost"));
        assertThat(ctx2.getSentMails().get(0).getMsg().getSubject()).isEqualTo("[Virus] Quarterly report");
    }
}
