package io.mailsec.tls.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

/** The raw Message-ID scan against JavaMail's own reading of the same bytes. */
class MessageIdScannerTest {
    static String scan(String raw) throws IOException {
        return MessageIdScanner.scan(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }

    static String javaMail(String raw) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        String v = m.getMessageID();
        return v == null ? null : MimeUtility.unfold(v).trim();
    }

    @Test
    void agreesWithJavaMailOnOrdinaryAndAwkwardHeaders() throws Exception {
        String[] messages = {
            "From: a@x.test\r\nMessage-ID: <1@x.test>\r\nSubject: s\r\n\r\nbody\r\n",
            "message-id:<2@x.test>\r\n\r\n",
            "MESSAGE-ID:   <3@x.test>   \r\nTo: b@y.test\r\n\r\n",
            "Received: from a\r\n\tby b; date\r\nMessage-ID:\r\n <4.folded@x.test>\r\nX: y\r\n\r\nbody",
            "X-Message-ID: <not-this@x.test>\r\nMessage-IDs: <nor-this@x.test>\r\nMessage-ID: <5@x.test>\n\n",
            "Message-ID: <6-first@x.test>\r\nMessage-ID: <6-second@x.test>\r\n\r\n",
            "From: a@x.test\r\nSubject: no id\r\n\r\nMessage-ID: <in-body@x.test>\r\n",
            "Subject: long\r\n folded\r\n subject\r\nMessage-ID: <7@x.\r\n\tx.test>\r\n\r\n",
            "Message-ID: <8@x.test>",
        };
        for (String raw : messages) {
            assertThat(scan(raw)).as(raw).isEqualTo(javaMail(raw));
        }
        assertThat(scan(messages[0])).isEqualTo("<1@x.test>");
        assertThat(scan(messages[3])).isEqualTo("<4.folded@x.test>");
        assertThat(scan(messages[5])).isEqualTo("<6-first@x.test>");
        assertThat(scan(messages[6])).isNull();
    }

    @Test
    void emptyOrMissingGivesNull() throws Exception {
        assertThat(scan("")).isNull();
        assertThat(scan("\r\nMessage-ID: <body@x.test>\r\n")).isNull();
        assertThat(scan("Message-ID:   \r\nX: y\r\n\r\n")).isNull();
        assertThat(scan("Message-ID <no-colon@x.test>\r\n\r\n")).isNull();
        assertThat(scan("Message-Id : <obs@x.test>\r\n\r\n")).isEqualTo("<obs@x.test>");
    }

    @Test
    void stopsAtTheEndOfTheHeaderSectionAndCopesWithTinyReads() throws IOException {
        StringBuilder raw = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            raw.append("Received: from host").append(i).append(" by mx; Sun, 22 Nov 2026 12:00:00 +0000\r\n");
        }
        raw.append("Message-ID: <deep@x.test>\r\n\r\n");
        byte[] header = raw.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[1 << 20];
        byte[] all = new byte[header.length + body.length];
        System.arraycopy(header, 0, all, 0, header.length);
        int[] consumed = new int[1];
        InputStream oneByteAtATime = new FilterInputStream(new ByteArrayInputStream(all)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, Math.min(len, 7));
                consumed[0] += Math.max(n, 0);
                return n;
            }
        };
        assertThat(MessageIdScanner.scan(oneByteAtATime)).isEqualTo("<deep@x.test>");
        assertThat(consumed[0]).as("read no further than the header section").isLessThanOrEqualTo(header.length + 7);
    }
}
