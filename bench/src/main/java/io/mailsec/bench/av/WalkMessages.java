package io.mailsec.bench.av;

import io.mailsec.av.GeneratedMessage;
import io.mailsec.av.Mime;
import io.mailsec.av.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import javax.mail.MessagingException;
import javax.mail.internet.MimeUtility;

/** The messages the MIME walks are measured on; fixed seeds, so every run walks the same bytes. */
final class WalkMessages {
    private WalkMessages() {
    }

    static byte[] get(String name) throws IOException {
        switch (name) {
            case "typical":
                return typical();
            case "large":
                return large();
            case "largeShortBoundary":
                // LargeAttachmentTest's message: boundary "gen", which mime4j's quick search skips least over
                return new GeneratedMessage(20L * 1024 * 1024).readAllBytes();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    /**
     * An office mail: text and HTML alternatives (quoted-printable) and three base64 attachments
     * (150 KB "PDF", 60 KB "JPEG", a 25 KB document in a ZIP): about 300 KB as sent. Boundaries of
     * 12 to 14 characters, shorter than most mailers write.
     */
    static byte[] typical() throws IOException {
        SplittableRandom r = new SplittableRandom(16);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            text.append("Dear team, the figures for the third quarter are attached; revenue grew by ").append(i)
                .append(" per cent.\r\n");
        }
        StringBuilder html = new StringBuilder("<html><body>\r\n");
        for (int i = 0; i < 40; i++) {
            html.append("<p style=\"font-family: Arial, sans-serif; color: #333333;\">Paragraph ").append(i)
                .append(" &mdash; caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2013 see the attached report.</p>\r\n");
        }
        html.append("</body></html>");
        StringBuilder doc = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            doc.append("Line ").append(i).append(": minutes of the meeting, actions and owners.\r\n");
        }
        Mime m = Mime.message("Q3 report").multipart("mixed", "=_outer_7f3a")
            .line("--=_outer_7f3a").line("Content-Type: multipart/alternative; boundary=\"=_alt_19c2\"").line("")
            .line("--=_alt_19c2").line("Content-Type: text/plain; charset=utf-8")
            .line("Content-Transfer-Encoding: quoted-printable").line("")
            .line(qp(text.toString()))
            .line("--=_alt_19c2").line("Content-Type: text/html; charset=utf-8")
            .line("Content-Transfer-Encoding: quoted-printable").line("")
            .line(qp(html.toString()))
            .end("=_alt_19c2")
            .base64Part("=_outer_7f3a", "application/pdf", "Q3 report.pdf", random(r, 150 * 1024))
            .base64Part("=_outer_7f3a", "image/jpeg", "chart.jpg", random(r, 60 * 1024))
            .base64Part("=_outer_7f3a", "application/zip", "minutes.zip",
                TestFiles.zip("minutes.txt", doc.toString().getBytes(StandardCharsets.UTF_8)))
            .end("=_outer_7f3a");
        return m.bytes();
    }

    /** A short text and a 20 MB (decoded) attachment, with a boundary as Gmail writes them (28 characters). */
    static byte[] large() {
        String b = "000000000000a1b2c3d4e5f60718";
        return Mime.message("the recording").multipart("mixed", b)
            .text(b, "Here is the recording of the meeting.")
            .base64Part(b, "video/mp4", "meeting.mp4", random(new SplittableRandom(20), 20 * 1024 * 1024))
            .end(b).bytes();
    }

    private static byte[] random(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static String qp(String s) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream enc = MimeUtility.encode(bos, "quoted-printable")) {
            enc.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (MessagingException e) {
            throw new IOException(e);
        }
        return bos.toString(StandardCharsets.US_ASCII);
    }
}
