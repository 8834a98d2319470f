package io.mailsec.av;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.mail.internet.MimeUtility;

/** Builds test messages byte by byte (CRLF), so tests control every delimiter and encoding. */
public final class Mime {
    private final StringBuilder sb = new StringBuilder();

    public static Mime message(String subject) {
        Mime m = new Mime();
        m.line("From: Alice <alice@example.com>")
            .line("To: Bob <bob@example.org>")
            .line("Subject: " + subject)
            .line("Date: Sun, 22 Nov 2026 14:00:00 +0000")
            .line("Message-ID: <" + System.nanoTime() + "@example.com>")
            .line("MIME-Version: 1.0");
        return m;
    }

    public Mime line(String s) {
        sb.append(s).append("\r\n");
        return this;
    }

    public Mime raw(String s) {
        sb.append(s);
        return this;
    }

    public Mime multipart(String subtype, String boundary) {
        return line("Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"").line("");
    }

    public Mime text(String boundary, String text) {
        return line("--" + boundary).line("Content-Type: text/plain; charset=utf-8").line("").line(text);
    }

    public Mime base64Part(String boundary, String type, String filename, byte[] content) {
        line("--" + boundary).line("Content-Type: " + type + "; name=\"" + filename + "\"")
            .line("Content-Transfer-Encoding: base64")
            .line("Content-Disposition: attachment; filename=\"" + filename + "\"").line("");
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(content);
        return line(b64);
    }

    public Mime qpPart(String boundary, String filename, byte[] content) throws IOException {
        line("--" + boundary).line("Content-Type: text/plain; charset=us-ascii")
            .line("Content-Transfer-Encoding: quoted-printable")
            .line("Content-Disposition: inline; filename=\"" + filename + "\"").line("");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream qp = encoder(bos, "quoted-printable")) {
            qp.write(content);
        }
        return line(bos.toString(StandardCharsets.US_ASCII));
    }

    public Mime end(String boundary) {
        return line("--" + boundary + "--");
    }

    private static OutputStream encoder(OutputStream out, String enc) {
        try {
            return MimeUtility.encode(out, enc);
        } catch (javax.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String string() {
        return sb.toString();
    }

    public byte[] bytes() {
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
