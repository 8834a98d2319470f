package io.mailsec.it.av;

import io.mailsec.av.ClamdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.it.SmtpDialog;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;
import javax.activation.DataHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Virus scanning through a real James 3.8.1 (run-james.sh) and a real clamd: infected mail is
 * quarantined in a file:// MailRepository visible through WebAdmin, the right people are warned
 * (authenticated sender; local recipients; never the unauthenticated external sender; not the
 * opted-out user), clean mail with a 20 MB attachment is delivered with X-Virus-Status: Clean, and a
 * mail that arrives while clamd is down is delivered once clamd is back.
 */
class VirusScanIT {
    /** WebAdmin's id of the repository file://var/mail/quarantine/ is its path, URL-encoded. */
    static final String QUARANTINE = "/mailRepositories/" + URLEncoder.encode("var/mail/quarantine", StandardCharsets.UTF_8);
    static final String ERROR_REPOSITORY = "/mailRepositories/" + URLEncoder.encode("var/mail/error", StandardCharsets.UTF_8);
    static ClamdProcess clamd;
    static JamesProcess james;
    static MailClient client;
    static final String PASSWORD = "pw-" + UUID.randomUUID().toString().substring(0, 8);
    static String bob;
    static String optout;

    @BeforeAll
    static void start() throws Exception {
        clamd = ClamdProcess.startWithStreamMaxLength(32L * 1024 * 1024);
        // james-conf's shipped pipeline, with this test's clamd (which it stops and starts), a short
        // retry delay for the clamd-down test and a rate limit above what the tests send.
        Path overlay = ShippedConf.in(Files.createTempDirectory("mailsec-av"))
                .edit("mailetcontainer.xml", "<clamd>127.0.0.1:3310</clamd>", "<clamd>" + clamd.tcpAddress() + "</clamd>\n"
                        + "<streamMaxLength>32M</streamMaxLength>\n<retryDelay>2s</retryDelay>")
                .edit("mailetcontainer.xml", "<optOutFile>conf/virus-warning-optout.txt</optOutFile>",
                        "<optOutFile>conf/virus-warning-optout.txt</optOutFile>\n<rateLimit>20/1h</rateLimit>")
                .file("virus-warning-optout.txt", Files.readString(JamesProcess.root()
                        .resolve("integration-tests/src/test/resources/av/virus-warning-optout.txt")))
                .dir();
        james = JamesProcess.builder("av").overlay(overlay).env("CLAMD", clamd.tcpAddress()).leakDetection().start();
        client = new MailClient(james);
        bob = "bob@" + james.demoDomain();
        optout = "optout@" + james.demoDomain();
        james.addUser(bob, PASSWORD);
        james.addUser(optout, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (james != null) {
            james.close();
        }
        if (clamd != null) {
            clamd.close();
        }
    }

    static byte[] eicar() {
        return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] zip(byte[] content) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry("invoice.exe"));
            z.write(content);
        }
        return bos.toByteArray();
    }

    static MimeMessage withAttachment(Session s, String from, List<String> to, String subject, String filename, byte[] data)
        throws Exception {
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress(from));
        for (String t : to) {
            m.addRecipient(Message.RecipientType.TO, new InternetAddress(t));
        }
        m.setSubject(subject);
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Please see the attachment.", "UTF-8");
        MimeBodyPart att = new MimeBodyPart();
        att.setDataHandler(new DataHandler(new ByteArrayDataSource(data, "application/zip")));
        att.setFileName(filename);
        att.setHeader("Content-Transfer-Encoding", "base64");
        m.setContent(new MimeMultipart(text, att));
        m.saveChanges();
        return m;
    }

    /** Plain SMTP to James's port-25 listener, no AUTH: mail from the Internet. */
    static void sendInbound(MimeMessage m, String envelopeFrom) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", james.host());
        p.put("mail.smtp.port", String.valueOf(james.smtpPort()));
        p.put("mail.smtp.from", envelopeFrom);
        Session s = Session.getInstance(p);
        try (Transport t = s.getTransport("smtp")) {
            t.connect();
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    static List<MimeMessage> inbox(String user, String password) {
        try {
            return client.pop3s(user, password);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean has(String user, String password, String subjectPart) {
        return inbox(user, password).stream().anyMatch(m -> subject(m).contains(subjectPart));
    }

    static String subject(MimeMessage m) {
        try {
            return String.valueOf(m.getSubject());
        } catch (Exception e) {
            return "";
        }
    }

    /** WebAdmin GET with an Accept header (JSON details or the raw message). */
    static String get(String path, String accept) throws Exception {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(
            "http://" + james.host() + ":" + james.webadminPort() + path).toURL().openConnection();
        c.setRequestProperty("Accept", accept);
        assertThat(c.getResponseCode()).as(path).isEqualTo(200);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<String> quarantineKeys() {
        JamesProcess.HttpResult r = james.webadmin("GET", QUARANTINE + "/mails", null);
        if (r.status() == 404) {
            return List.of();
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return List.of(r.body().replaceAll("[\\[\\]\"\\s]", "").split(",")).stream().filter(k -> !k.isEmpty()).toList();
    }

    static String quarantinedKeyFor(String subjectPart) {
        for (String key : quarantineKeys()) {
            JamesProcess.HttpResult d = james.webadmin("GET", QUARANTINE + "/mails/" + URLEncoder.encode(key, StandardCharsets.UTF_8), null);
            if (d.status() == 200 && d.body().contains(subjectPart)) {
                return key;
            }
        }
        return null;
    }

    @Test
    void infectedSubmissionIsQuarantinedAndTheSenderWarned() throws Exception {
        String tag = "outgoing-" + UUID.randomUUID();
        MimeMessage m = withAttachment(client.submissionSession(), james.demoUser(), List.of("partner@example.org"),
            tag, "invoice.zip", zip(eicar()));
        client.submit(m, james.demoUser(), james.demoPassword());
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> quarantinedKeyFor(tag) != null))
            .as("quarantined; log:\n" + JamesProcess.tail(james.log(), 40)).isTrue();
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> has(james.demoUser(), james.demoPassword(), tag)))
            .as("sender warned").isTrue();
        MimeMessage w = inbox(james.demoUser(), james.demoPassword()).stream()
            .filter(x -> subject(x).contains(tag)).findFirst().orElseThrow();
        assertThat(subject(w)).startsWith("[Virus warning]");
        String body = w.getContent().toString();
        assertThat(body).contains("Test.EICAR.").contains(quarantinedKeyFor(tag)).doesNotContain("EICAR-STANDARD");
        assertThat(w.getContentType()).startsWith("text/plain");
    }

    @Test
    void infectedInboundIsQuarantinedLocalRecipientsWarnedOptedOutUserNot() throws Exception {
        String tag = "inbound-" + UUID.randomUUID();
        MimeMessage m = withAttachment(Session.getInstance(new Properties()), "eve@example.org",
            List.of(bob, optout), tag, "report.zip", zip(eicar()));
        sendInbound(m, "eve@example.org");
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> quarantinedKeyFor(tag) != null)).isTrue();
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> has(bob, PASSWORD, tag))).as("bob warned").isTrue();
        // the opted-out user got neither the mail nor a warning; eve (unauthenticated) was never a target
        Thread.sleep(2000);
        assertThat(inbox(optout, PASSWORD)).noneMatch(x -> subject(x).contains(tag));
        assertThat(inbox(bob, PASSWORD)).filteredOn(x -> subject(x).contains(tag)).hasSize(1)
            .allMatch(x -> subject(x).startsWith("[Virus warning]"));
        assertThat(james.log()).contains("virus-warning skipped").contains("to=" + optout);
        assertThat(james.log()).doesNotContain("virus-warning sent mail=" + quarantinedKeyFor(tag) + " to=eve@example.org");
        // WebAdmin shows the quarantined mail with its verdict attributes
        String key = quarantinedKeyFor(tag);
        String path = QUARANTINE + "/mails/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
        String json = get(path + "?additionalFields=attributes", "application/json");
        assertThat(json).contains("\"name\":\"" + key + "\"").contains("mailsec.av.verdict").contains("infected")
            .contains("eve@example.org");
        String eml = get(path, "message/rfc822");
        assertThat(eml).contains("X-Virus-Status: Infected (Test.EICAR.").contains("Subject: " + tag);

        // release (README): reprocess the quarantined mail straight into local delivery
        // (HttpURLConnection, used by JamesProcess.webadmin, cannot send PATCH)
        java.net.http.HttpResponse<String> task = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + james.host() + ":" + james.webadminPort()
                + path + "?action=reprocess&processor=local-delivery"))
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(task.statusCode()).as(task.body()).isEqualTo(201);
        String taskId = task.body().replaceAll(".*\"taskId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        assertThat(james.webadmin("GET", "/tasks/" + taskId + "/await", null).body()).contains("completed");
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> inbox(bob, PASSWORD).stream()
            .anyMatch(x -> subject(x).equals(tag)))).as("released mail delivered").isTrue();
        assertThat(quarantineKeys()).doesNotContain(key);
    }

    /** Mail from outside, its bytes exactly as given (no JavaMail re-encoding), from a 127.0.0.x address other than the trusted 127.0.0.1. */
    static void sendRawInbound(String envelopeFrom, List<String> recipients, byte[] message) throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connect(james.host(), james.smtpPort())) {
            smtp.reply();
            assertThat(SmtpDialog.code(smtp.send("sender.example.org", envelopeFrom, recipients, message))).isEqualTo(250);
            smtp.command("QUIT");
        }
    }

    /** An EICAR attachment in MIME that JavaMail cannot parse: the two shapes seen in the fault run. */
    static String brokenMime(String tag, String shape) {
        String eicar = new String(eicar(), StandardCharsets.US_ASCII);
        String head = "From: eve@example.org\r\nTo: bob@" + james.demoDomain() + "\r\nSubject: " + tag
            + "\r\nMessage-ID: <" + tag + "@example.org>\r\nMIME-Version: 1.0\r\n";
        if (shape.equals("boundary-never-occurs")) {
            return head + "Content-Type: multipart/mixed; boundary=\"declared-but-absent\"\r\n\r\n"
                + "--another-boundary\r\nContent-Type: application/octet-stream; name=\"eicar.com\"\r\n\r\n"
                + eicar + "\r\n--another-boundary--\r\n";
        }
        // a nested multipart that reuses its parent's boundary
        return head + "Content-Type: multipart/mixed; boundary=\"same\"\r\n\r\n"
            + "--same\r\nContent-Type: multipart/alternative; boundary=\"same\"\r\n\r\n"
            + "--same\r\nContent-Type: application/octet-stream; name=\"eicar.com\"\r\n\r\n" + eicar + "\r\n"
            + "--same--\r\n--same--\r\n";
    }

    /**
     * Issue 14, defect 1: an infected mail whose MIME JavaMail cannot parse was bounced, virus attached,
     * to its sender (ToRepository's saveChanges() threw "Missing start boundary", the error processor
     * bounced it), after a warning had quoted a quarantine key that did not exist.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"boundary-never-occurs", "nested-reuses-boundary"})
    void infectedMailWithBrokenMimeIsQuarantinedAsReceivedAndNeverBounced(String shape) throws Exception {
        String tag = "broken-" + shape + "-" + UUID.randomUUID();
        String body = brokenMime(tag, shape);
        // the envelope sender is a local mailbox, so a bounce would be seen in its inbox
        sendRawInbound(james.demoUser(), List.of(bob), body.getBytes(StandardCharsets.US_ASCII));
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> has(bob, PASSWORD, tag)))
            .as("bob warned; log:\n" + JamesProcess.tail(james.log(), 60)).isTrue();
        String key = quarantinedKeyFor(tag);
        assertThat(key).as("the mail is in the quarantine").isNotNull();
        MimeMessage w = inbox(bob, PASSWORD).stream().filter(x -> subject(x).contains(tag)).findFirst().orElseThrow();
        assertThat(w.getContent().toString()).as("the warning quotes the key the mail is stored under").contains(key);

        // stored whole: the body exactly as sent, the virus with it, our verdict header on top
        String eml = get(QUARANTINE + "/mails/" + URLEncoder.encode(key, StandardCharsets.UTF_8), "message/rfc822");
        assertThat(eml).contains("X-Virus-Status: Infected (").contains("Subject: " + tag);
        String sentBody = body.substring(body.indexOf("\r\n\r\n") + 4);
        assertThat(eml.substring(eml.indexOf("\r\n\r\n") + 4)).isEqualTo(sentBody);

        Thread.sleep(3000); // a bounce, had there been one, is local and quick
        assertThat(inbox(james.demoUser(), james.demoPassword())).as("no bounce to the sender")
            .noneMatch(x -> { try { return new String(x.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
                .contains(tag) || subject(x).contains(tag); } catch (Exception e) { return true; } });
        assertThat(inbox(bob, PASSWORD)).filteredOn(x -> subject(x).contains(tag)).hasSize(1)
            .allMatch(x -> subject(x).startsWith("[Virus warning]"));
        JamesProcess.HttpResult errors = james.webadmin("GET", ERROR_REPOSITORY + "/mails", null);
        assertThat(errors.status() == 404 ? "[]" : errors.body()).as("nothing in the error repository").doesNotContain(key);
        assertThat(james.log()).doesNotContain("Missing start boundary");
    }

    @Test
    void cleanTwentyMegabyteAttachmentIsDelivered() throws Exception {
        String tag = "large-" + UUID.randomUUID();
        byte[] big = new byte[20 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        MimeMessage m = withAttachment(client.submissionSession(), james.demoUser(), List.of(bob), tag, "data.bin", big);
        client.submit(m, james.demoUser(), james.demoPassword());
        assertThat(JamesProcess.await(Duration.ofSeconds(120), () -> has(bob, PASSWORD, tag)))
            .as("delivered; log:\n" + JamesProcess.tail(james.log(), 40)).isTrue();
        MimeMessage got = inbox(bob, PASSWORD).stream().filter(x -> subject(x).contains(tag)).findFirst().orElseThrow();
        assertThat(got.getHeader("X-Virus-Status")).containsExactly("Clean");
        assertThat(got.getHeader("X-Virus-Scanned")[0]).startsWith("ClamAV");
        MimeBodyPart att = (MimeBodyPart) ((MimeMultipart) got.getContent()).getBodyPart(1);
        byte[] received = java.util.Base64.getMimeDecoder().decode(att.getRawInputStream().readAllBytes());
        if (!java.util.Arrays.equals(received, big)) {
            Path dump = JamesProcess.root().resolve("integration-tests/target/av-large-received.eml");
            try (var os = Files.newOutputStream(dump)) {
                got.writeTo(os);
            }
            int i = 0;
            while (i < Math.min(received.length, big.length) && received[i] == big[i]) {
                i++;
            }
            throw new AssertionError("attachment differs: sent " + big.length + " bytes, received " + received.length
                + ", first difference at byte " + i + " (message saved to " + dump + ")");
        }
    }

    @Test
    void mailArrivingWhileClamdIsDownIsDeliveredWhenItIsBack() throws Exception {
        String tag = "retry-" + UUID.randomUUID();
        clamd.stop();
        try {
            MimeMessage m = withAttachment(Session.getInstance(new Properties()), "eve@example.org", List.of(bob), tag,
                "fine.zip", zip("harmless".getBytes(StandardCharsets.US_ASCII)));
            sendInbound(m, "eve@example.org");
            assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> james.log().contains("virus-scan scanner-unavailable")))
                .isTrue();
            Thread.sleep(3000); // at least one retry happens while clamd is still down
            assertThat(has(bob, PASSWORD, tag)).as("never delivered unscanned").isFalse();
        } finally {
            clamd.restart();
        }
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> has(bob, PASSWORD, tag))).as("delivered after clamd is back").isTrue();
        MimeMessage got = inbox(bob, PASSWORD).stream().filter(x -> subject(x).contains(tag)).findFirst().orElseThrow();
        assertThat(got.getHeader("X-Virus-Status")).containsExactly("Clean");

        // Issue 14, defect 3: each retry left its duplicate undisposed. James's leak detector reports a
        // dropped Disposable when the next one is made after a GC: collect, then send one more mail.
        james.gc();
        String after = "after-gc-" + UUID.randomUUID();
        sendInbound(withAttachment(Session.getInstance(new Properties()), "eve@example.org", List.of(bob), after,
            "fine.zip", zip("harmless".getBytes(StandardCharsets.US_ASCII))), "eve@example.org");
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> has(bob, PASSWORD, after))).isTrue();
        assertThat(leaksAllocatedBy(james.log(), "io.mailsec")).as("James's leak detector").isEmpty();
    }

    /**
     * The leak reports (with their allocation traces, advanced mode) whose trace passes through
     * {@code pkg}. James 3.8.1 itself leaks one message source per WebAdmin mail-repository GET
     * (MailRepositoryStoreService.fetchMail), which this test's quarantine polling triggers.
     */
    static List<String> leaksAllocatedBy(String log, String pkg) {
        List<String> leaks = new java.util.ArrayList<>();
        StringBuilder current = null;
        for (String line : log.split("\n")) {
            boolean entry = line.matches("^\\d{4}-\\d\\d-\\d\\d .*");
            if (entry && current != null) {
                leaks.add(current.toString());
                current = null;
            }
            if (entry && line.contains("Leak detected")) {
                current = new StringBuilder(line);
            } else if (current != null) {
                current.append('\n').append(line);
            }
        }
        if (current != null) {
            leaks.add(current.toString());
        }
        return leaks.stream().filter(l -> l.contains(pkg)).toList();
    }
}
