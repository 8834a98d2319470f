package io.mailsec.av.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14, defect 1: James's file repository writes a mail whose headers changed with
 * {@code writeTo(out, out, null, true)}, which calls {@code saveChanges()} and parses the multipart;
 * for broken MIME that throws. The copy of {@link MessageAsItStands} is written byte for byte.
 */
class MessageAsItStandsTest {
    static final String HEAD = "From: eve@example.org\r\nSubject: broken\r\nMIME-Version: 1.0\r\n";

    static String message(String shape) {
        if (shape.equals("boundary-never-occurs")) {
            return HEAD + "Content-Type: multipart/mixed; boundary=\"absent\"\r\n\r\n--other\r\n\r\nX5O!P%@AP\r\n--other--\r\n";
        }
        return HEAD + "Content-Type: multipart/mixed; boundary=\"same\"\r\n\r\n--same\r\n"
            + "Content-Type: multipart/alternative; boundary=\"same\"\r\n\r\n--same\r\n\r\nX5O!P%@AP\r\n--same--\r\n--same--\r\n";
    }

    static MimeMessageWrapper asJamesReceivedIt(String raw) throws Exception {
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create("received",
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
    }

    /** What FileMailRepository.internalStore does with a MimeMessageWrapper. */
    static String storedAs(MimeMessageWrapper m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.loadMessage();
        m.writeTo(out, out, null, true);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(strings = {"boundary-never-occurs", "nested-reuses-boundary"})
    void brokenMimeWithChangedHeadersIsStoredByteForByte(String shape) throws Exception {
        String raw = message(shape);
        assertThatThrownBy(() -> storedAs(asChanged(raw))).as("James's own path fails (the defect)")
            .hasMessageContaining("boundary");

        String stored = storedAs(MessageAsItStands.copy("key-1", asChanged(raw)));
        String body = raw.substring(raw.indexOf("\r\n\r\n"));
        assertThat(stored).contains("From: eve@example.org\r\n").contains("X-Virus-Status: Infected (Eicar-Signature)\r\n")
            .endsWith(body);
    }

    /**
     * As the shipped pipeline leaves it: MailAuthCheck adds Authentication-Results, VirusScan reads
     * the body (which makes James parse the changed message) and adds its verdict header.
     */
    private static MimeMessageWrapper asChanged(String raw) throws Exception {
        MimeMessageWrapper m = asJamesReceivedIt(raw);
        m.addHeader("Authentication-Results", "mx.example; dmarc=none");
        m.getRawInputStream().close();
        m.addHeader("X-Virus-Status", "Infected (Eicar-Signature)");
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"boundary-never-occurs", "nested-reuses-boundary"})
    void aPlainJavaMailMessageWorksToo(String shape) throws Exception {
        String raw = message(shape);
        javax.mail.internet.MimeMessage plain = new javax.mail.internet.MimeMessage(
            javax.mail.Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        plain.addHeader("X-Virus-Status", "Unscannable");
        String stored = storedAs(MessageAsItStands.copy("key-2", plain));
        assertThat(stored).contains("X-Virus-Status: Unscannable\r\n").endsWith(raw.substring(raw.indexOf("\r\n\r\n")));
    }
}
