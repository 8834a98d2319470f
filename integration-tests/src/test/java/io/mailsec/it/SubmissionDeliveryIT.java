package io.mailsec.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The foundation's end-to-end path through a real James 3.8.1 process started by run-james.sh:
 * submission with STARTTLS + AUTH, local delivery, retrieval over POP3S and IMAPS, and proof that the
 * mailsec jars were loaded from extensions-jars/.
 */
class SubmissionDeliveryIT {
    private static JamesProcess james;
    private static MailClient client;

    @BeforeAll
    static void start() throws Exception {
        james = JamesProcess.builder("foundation").start();
        client = new MailClient(james);
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    @Test
    void readyLineListsPortsAndCredentials() {
        String ready = james.output().lines().filter(l -> l.startsWith("READY ")).findFirst().orElseThrow();
        assertThat(ready)
                .contains("submission=127.0.0.1:" + james.submissionPort())
                .contains("pop3s=127.0.0.1:" + james.pop3sPort())
                .contains("imaps=127.0.0.1:" + james.imapsPort())
                .contains("user=" + james.demoUser())
                .contains("password=" + james.demoPassword());
    }

    @Test
    void authenticatedSubmissionAfterStarttlsIsDeliveredAndReadOverPop3sAndImaps() throws Exception {
        String subject = "foundation " + UUID.randomUUID();
        MimeMessage m = client.newMessage(client.submissionSession(), james.demoUser(), james.demoUser(),
                subject, "hello from the foundation test");
        client.submit(m, james.demoUser(), james.demoPassword());

        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> subjects(pop3s()).contains(subject)))
                .as("message delivered to the demo mailbox (POP3S)").isTrue();
        MimeMessage got = pop3s().stream().filter(x -> subject.equals(subjectOf(x))).findFirst().orElseThrow();
        assertThat(got.getContent().toString()).contains("hello from the foundation test");
        assertThat(subjects(imaps())).contains(subject);
    }

    @Test
    void mailsecClassFromExtensionsJarsStampsDeliveredMail() throws Exception {
        String subject = "stamp " + UUID.randomUUID();
        client.submit(client.newMessage(client.submissionSession(), james.demoUser(), james.demoUser(), subject, "x"),
                james.demoUser(), james.demoPassword());
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> subjects(pop3s()).contains(subject))).isTrue();
        MimeMessage got = pop3s().stream().filter(x -> subject.equals(subjectOf(x))).findFirst().orElseThrow();
        // The stamp is added by io.mailsec.core.james.MailsecStamp, wired in james-conf's root processor.
        assertThat(got.getHeader("X-Mailsec")).isNotNull();
        assertThat(got.getHeader("X-Mailsec")).as("no version unless discloseVersion=true").containsExactly("mailsec");
        // ...and that class can only have come from extensions-jars/: James's own lib/ does not have it.
        assertThat(james.output()).contains("extensions-jars/mailsec-core.jar");
        assertThat(java.nio.file.Files.list(JamesProcess.root().resolve("james-conf/target/james-lib"))
                .map(p -> p.getFileName().toString()).filter(n -> n.contains("mailsec"))).isEmpty();
    }

    private static List<MimeMessage> pop3s() {
        try {
            return client.pop3s(james.demoUser(), james.demoPassword());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<MimeMessage> imaps() {
        try {
            return client.imaps(james.demoUser(), james.demoPassword());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> subjects(List<MimeMessage> ms) {
        return ms.stream().map(SubmissionDeliveryIT::subjectOf).toList();
    }

    private static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            return null;
        }
    }
}
