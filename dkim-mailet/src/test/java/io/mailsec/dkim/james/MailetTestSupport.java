package io.mailsec.dkim.james;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;

final class MailetTestSupport {
    private MailetTestSupport() {
    }

    static String message(String from) {
        return "From: Joe <joe@" + from + ">\r\nTo: sue@example.net\r\nSubject: hello\r\n"
                + "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@" + from + ">\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\nHello,\r\n\r\nthis is a test.\r\n";
    }

    static MimeMessage mime(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static Mail mail(String raw) throws Exception {
        return FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(mime(raw))
                .sender("joe@example.com").recipient("sue@example.net").build();
    }

    static byte[] bytes(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }
}
