package io.mailsec.tls.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.Test;

/** The DSN's bytes, read back by JavaMail (an independent MIME parser): RFC 3464 structure, 7-bit clean. */
class DsnBuilderTest {
    static final List<RecipientOutcome> FAILED = List.of(
            RecipientOutcome.permanent("bob@plain.tls.test", "5.7.10", "mx.plain.tls.test [127.0.4.11]", "STARTTLS not offered", true,
                    "starttls"),
            RecipientOutcome.permanent("carol@other.test", "5.1.1", "mx.other.test [127.0.4.20]", "550 5.1.1 no such user — désolé",
                    false, "rcpt"));

    static MimeMessage parse(byte[] dsn) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn));
    }

    @Test
    void threePartsOfAMultipartReportWithOneStatusBlockPerRecipient() throws Exception {
        byte[] bytes = DsnBuilder.build("mx.sender.test", "postmaster@sender.test", "alice@sender.test", "<m1@sender.test>",
                "Grüße aus Köln, ein sehr langer Betreff der mehr als ein encoded word braucht", new Date(),
                "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nX-Name: Jürgen\r\n", FAILED);
        for (byte b : bytes) {
            assertThat(b).as("7-bit clean").isBetween((byte) 0, (byte) 127);
        }
        MimeMessage m = parse(bytes);
        assertThat(m.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        assertThat(m.getSubject()).isEqualTo("Undelivered Mail Returned to Sender (TLS unavailable): "
                + "Grüße aus Köln, ein sehr langer Betreff der mehr als ein encoded word braucht");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(m.getHeader("In-Reply-To", null)).isEqualTo("<m1@sender.test>");
        assertThat(m.getHeader("Message-ID", null)).endsWith("@mx.sender.test>");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) parts.getBodyPart(0).getContent()).contains("TLS unavailable at remote host mx.plain.tls.test [127.0.4.11]",
                "failed step: starttls", "désolé");
        assertThat(parts.getBodyPart(1).getContentType()).isEqualTo("message/delivery-status");
        String status = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(status).contains("Reporting-MTA: dns; mx.sender.test", "Final-Recipient: rfc822; bob@plain.tls.test",
                "Status: 5.7.10", "Remote-MTA: dns; mx.plain.tls.test", "Diagnostic-Code: X-mailsec; TLS unavailable; step starttls",
                "Final-Recipient: rfc822; carol@other.test", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1 no such user");
        assertThat(status.split("Action: failed", -1)).hasSize(3);
        assertThat(parts.getBodyPart(2).getContentType()).isEqualTo("text/rfc822-headers");
        assertThat(new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("X-Name: Jürgen");
    }

    @Test
    void asciiSubjectStaysReadable() throws Exception {
        MimeMessage m = parse(DsnBuilder.build("mx.sender.test", "postmaster@sender.test", "alice@sender.test", null, null, null, null,
                FAILED.subList(1, 2)));
        assertThat(m.getHeader("Subject", null)).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(m.getHeader("In-Reply-To")).isNull();
    }
}
