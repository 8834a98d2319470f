package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-part scanning of MIME messages (RFC 2045/2046) against a real clamd with the conformance signatures. */
public class MessageScannerTest {
    static ClamdClient client;
    static MessageScanner scanner;

    @BeforeAll
    static void start() throws Exception {
        client = ClamdClient.builder(ClamdProcess.shared().tcpEndpoint())
            .streamMaxLength(ClamdProcess.STREAM_MAX_LENGTH).build();
        scanner = new MessageScanner(client);
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static ScanReport scan(byte[] msg) throws Exception {
        return scanner.scan(new ByteArrayInputStream(msg));
    }

    public static byte[] withAttachment(String type, String filename, byte[] content) {
        return Mime.message("attachment").multipart("mixed", "b1")
            .text("b1", "Please see the attachment.")
            .base64Part("b1", type, filename, content).end("b1").bytes();
    }

    static void assertInfected(ScanReport r, String partName) {
        assertThat(r.verdict()).as(r.toJson()).isEqualTo(Verdict.INFECTED);
        assertThat(r.viruses()).allMatch(v -> v.startsWith("Test.EICAR.") && v.endsWith(".UNOFFICIAL"));
        assertThat(r.decisiveParts()).extracting(PartVerdict::name).containsExactly(partName);
    }

    @Test
    void cleanMultipartNamesEveryPart() throws Exception {
        ScanReport r = scan(withAttachment("application/zip", "report.zip", TestFiles.zip("r.txt", TestFiles.cleanText())));
        assertThat(r.verdict()).isEqualTo(Verdict.CLEAN);
        assertThat(r.parts()).extracting(PartVerdict::name).containsExactly("1", "report.zip");
        assertThat(r.parts()).extracting(PartVerdict::verdict).containsOnly(Verdict.CLEAN);
    }

    @Test
    void eicarAttachmentBase64() throws Exception {
        ScanReport r = scan(withAttachment("application/octet-stream", "eicar.com", TestFiles.eicar()));
        assertInfected(r, "eicar.com");
        assertThat(r.decisiveParts().get(0).position()).isEqualTo("2");
        assertThat(r.decisiveParts().get(0).size()).isEqualTo(68); // decoded bytes were sent
    }

    @Test
    void eicarInZip() throws Exception {
        assertInfected(scan(withAttachment("application/zip", "eicar.zip", TestFiles.zip("eicar.com", TestFiles.eicar()))), "eicar.zip");
    }

    @Test
    void eicarInZipInZipSeveralLevels() throws Exception {
        for (int levels = 2; levels <= 6; levels++) {
            assertInfected(scan(withAttachment("application/zip", "deep" + levels + ".zip",
                TestFiles.nestedZip(TestFiles.eicar(), levels))), "deep" + levels + ".zip");
        }
    }

    @Test
    void eicarInTarGzAndTarBz2() throws Exception {
        assertInfected(scan(withAttachment("application/gzip", "e.tar.gz", TestFiles.tarGz("eicar.com", TestFiles.eicar()))), "e.tar.gz");
        assertInfected(scan(withAttachment("application/x-bzip2", "e.tar.bz2", TestFiles.tarBz2("eicar.com", TestFiles.eicar()))), "e.tar.bz2");
    }

    @Test
    void eicarQuotedPrintableIsDecodedFirst() throws Exception {
        // soft line break in the middle and '=58' for 'X': the raw part does not contain the file
        String e = new String(TestFiles.eicar(), StandardCharsets.US_ASCII);
        String qp = "=58" + e.substring(1, 30) + "=\r\n" + e.substring(30);
        byte[] msg = Mime.message("qp").multipart("mixed", "q").text("q", "hi")
            .line("--q").line("Content-Type: application/octet-stream; name=\"e.txt\"")
            .line("Content-Transfer-Encoding: quoted-printable").line("")
            .line(qp).end("q").bytes();
        assertThat(new String(msg, StandardCharsets.US_ASCII)).doesNotContain(e);
        assertInfected(scan(msg), "e.txt");
    }

    @Test
    void eicarUuencodedIsDecodedFirst() throws Exception {
        java.io.ByteArrayOutputStream uu = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream enc = javax.mail.internet.MimeUtility.encode(uu, "uuencode")) {
            enc.write(TestFiles.eicar());
        }
        byte[] msg = Mime.message("uu").multipart("mixed", "u").text("u", "hi")
            .line("--u").line("Content-Type: application/octet-stream; name=\"e.com\"")
            .line("Content-Transfer-Encoding: x-uuencode").line("")
            .raw(uu.toString(StandardCharsets.US_ASCII)).end("u").bytes();
        assertInfected(scan(msg), "e.com");
    }

    @Test
    void malformedUuencodeIsUnscannableNotAnError() throws Exception {
        // RFC 2045 §6.4: an undecodable body is the sender's problem; the mail gets a verdict, not an exception
        byte[] msg = Mime.message("uu").multipart("mixed", "u").text("u", "hi")
            .line("--u").line("Content-Type: application/octet-stream; name=\"bad.bin\"")
            .line("Content-Transfer-Encoding: x-uuencode").line("")
            .line("this is not uuencoded: there is no begin line").end("u").bytes();
        ScanReport r = scan(msg);
        assertThat(r.verdict()).as(r.toJson()).isEqualTo(Verdict.UNSCANNABLE);
        assertThat(r.decisiveParts()).extracting(PartVerdict::name).containsExactly("bad.bin");
        assertThat(r.decisiveParts().get(0).reason()).contains("malformed").contains("begin");
        // the scanner is still usable afterwards
        assertInfected(scan(withAttachment("application/octet-stream", "eicar.com", TestFiles.eicar())), "eicar.com");
    }

    @Test
    void eicarSinglePartBodyBase64() throws Exception {
        byte[] msg = Mime.message("single").line("Content-Type: application/octet-stream")
            .line("Content-Transfer-Encoding: base64").line("")
            .line(java.util.Base64.getEncoder().encodeToString(TestFiles.eicar())).bytes();
        assertInfected(scan(msg), "1");
    }

    @Test
    void eicarInsideForwardedMessage() throws Exception {
        byte[] inner = withAttachment("application/zip", "inner.zip", TestFiles.zip("eicar.com", TestFiles.eicar()));
        byte[] msg = Mime.message("Fwd: attachment").multipart("mixed", "outer")
            .text("outer", "Forwarding this.")
            .line("--outer").line("Content-Type: message/rfc822").line("Content-Disposition: attachment").line("")
            .raw(new String(inner, StandardCharsets.ISO_8859_1)).line("").end("outer").bytes();
        ScanReport r = scan(msg);
        assertInfected(r, "inner.zip");
        assertThat(r.decisiveParts().get(0).position()).isEqualTo("2.2");
        assertThat(r.parts()).extracting(PartVerdict::position).containsExactly("1", "2.1", "2.2");
    }

    @Test
    void eicarInBase64EncodedForwardedMessage() throws Exception {
        byte[] inner = withAttachment("application/octet-stream", "e.bin", TestFiles.eicar());
        byte[] msg = Mime.message("Fwd").multipart("mixed", "o").text("o", "fwd")
            .base64Part("o", "message/rfc822", "fwd.eml", inner).end("o").bytes();
        assertInfected(scan(msg), "e.bin");
    }

    @Test
    void encryptedZipIsUnscannable() throws Exception {
        ScanReport r = scan(withAttachment("application/zip", "secret.zip", TestFiles.encryptedZip("doc.txt", TestFiles.cleanText())));
        assertThat(r.verdict()).isEqualTo(Verdict.UNSCANNABLE);
        assertThat(r.reason()).contains("secret.zip").contains("encrypted");
    }

    @Test
    void archiveNestingBeyondSevenLevelsIsUnscannable() throws Exception {
        assertThat(scan(withAttachment("application/zip", "seven.zip", TestFiles.nestedZip(TestFiles.cleanText(), 7))).verdict())
            .isEqualTo(Verdict.CLEAN);
        ScanReport r = scan(withAttachment("application/zip", "eight.zip", TestFiles.nestedZip(TestFiles.cleanText(), 8)));
        assertThat(r.verdict()).isEqualTo(Verdict.UNSCANNABLE);
        assertThat(r.reason()).contains("eight.zip").contains("too deep");
    }

    static byte[] forwardedNTimes(byte[] msg, int times) {
        byte[] cur = msg;
        for (int i = 0; i < times; i++) {
            cur = Mime.message("Fwd " + i).multipart("mixed", "f" + i).text("f" + i, "level " + i)
                .line("--f" + i).line("Content-Type: message/rfc822").line("")
                .raw(new String(cur, StandardCharsets.ISO_8859_1)).line("").end("f" + i).bytes();
        }
        return cur;
    }

    /** A multipart nested {@code levels} deep (each level its own boundary) around one text part. */
    static byte[] nestedMultipart(int levels) {
        StringBuilder b = new StringBuilder("From: a@example.org\r\nSubject: deep\r\nMIME-Version: 1.0\r\n");
        for (int i = 0; i < levels; i++) {
            b.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i).append("\r\n");
        }
        b.append("Content-Type: text/plain\r\n\r\nharmless text\r\n");
        for (int i = levels - 1; i >= 0; i--) {
            b.append("--b").append(i).append("--\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Issue 14, defect 6: the multipart depth limit (default 64) and its parameter. */
    @Test
    void multipartNestingBeyondTheLimitIsUnscannableAndTheLimitIsAParameter() throws Exception {
        assertThat(scan(nestedMultipart(60)).verdict()).isEqualTo(Verdict.CLEAN);
        ScanReport deep = scan(nestedMultipart(100));
        assertThat(deep.verdict()).isEqualTo(Verdict.UNSCANNABLE);
        assertThat(deep.reason()).contains("multipart nesting deeper than 64").contains("maxMultipartDepth");
        ScanReport allowed = new MessageScanner(client, MessageScanner.DEFAULT_MAX_NESTING_DEPTH, 128)
            .scan(new ByteArrayInputStream(nestedMultipart(100)));
        assertThat(allowed.verdict()).as(allowed.toJson()).isEqualTo(Verdict.CLEAN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MessageScanner(client, 7, 0))
            .hasMessageContaining("maxMultipartDepth");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MessageScanner(client, 7, 257))
            .hasMessageContaining("maxMultipartDepth");
    }

    @Test
    void messageNestingBeyondSevenLevelsIsUnscannable() throws Exception {
        byte[] clean = withAttachment("text/plain", "note.txt", TestFiles.cleanText());
        assertThat(scan(forwardedNTimes(clean, 7)).verdict()).isEqualTo(Verdict.CLEAN);
        ScanReport deep = scan(forwardedNTimes(clean, 8));
        assertThat(deep.verdict()).isEqualTo(Verdict.UNSCANNABLE);
        assertThat(deep.reason()).contains("nested messages deeper than 7");
        // a virus below the limit is still named (clamd parses the raw nested message)
        byte[] infected = withAttachment("application/octet-stream", "e.com", TestFiles.eicar());
        assertThat(scan(forwardedNTimes(infected, 9)).verdict()).isEqualTo(Verdict.INFECTED);
        assertThat(scan(forwardedNTimes(infected, 7)).viruses()).isNotEmpty();
    }

    @Test
    void partOverStreamMaxLengthIsUnscannableTooLarge() throws Exception {
        ScanReport r = scan(withAttachment("application/octet-stream", "big.bin",
            TestFiles.random((int) ClamdProcess.STREAM_MAX_LENGTH + 100_000)));
        assertThat(r.verdict()).isEqualTo(Verdict.UNSCANNABLE);
        assertThat(r.reason()).contains("big.bin").contains("too large");
        // clamd's own refusal (our limit set higher than its StreamMaxLength) maps the same way
        try (ClamdClient loose = ClamdClient.builder(client.endpoint()).streamMaxLength(0).build()) {
            ScanReport r2 = new MessageScanner(loose).scan(new ByteArrayInputStream(withAttachment("application/octet-stream", "big.bin",
                TestFiles.random((int) ClamdProcess.STREAM_MAX_LENGTH + 100_000))));
            assertThat(r2.verdict()).isEqualTo(Verdict.UNSCANNABLE);
            assertThat(r2.parts().get(1).reason()).contains("too large");
        }
    }

    @Test
    void infectedWinsOverUnscannableAndNamesAllViruses() throws Exception {
        byte[] msg = Mime.message("mixed").multipart("mixed", "m")
            .base64Part("m", "application/zip", "secret.zip", TestFiles.encryptedZip("d.txt", TestFiles.cleanText()))
            .base64Part("m", "application/octet-stream", "a.com", TestFiles.eicar())
            .base64Part("m", "application/zip", "b.zip", TestFiles.zip("x.com", TestFiles.eicar()))
            .end("m").bytes();
        ScanReport r = scan(msg);
        assertThat(r.verdict()).isEqualTo(Verdict.INFECTED);
        assertThat(r.decisiveParts()).extracting(PartVerdict::name).containsExactly("a.com", "b.zip");
        assertThat(r.parts()).extracting(PartVerdict::verdict)
            .containsExactly(Verdict.UNSCANNABLE, Verdict.INFECTED, Verdict.INFECTED);
    }

    @Test
    void eicarInPreambleOrEpilogueIsFound() throws Exception {
        String e = new String(TestFiles.eicar(), StandardCharsets.US_ASCII);
        byte[] pre = Mime.message("pre").line("Content-Type: multipart/mixed; boundary=p").line("")
            .line(e).text("p", "hello").end("p").bytes();
        assertThat(scan(pre).verdict()).isEqualTo(Verdict.INFECTED);
        assertThat(scan(pre).decisiveParts().get(0).name()).isEqualTo("preamble");
        byte[] epi = Mime.message("epi").multipart("mixed", "p").text("p", "hello").end("p").line(e).bytes();
        assertThat(scan(epi).decisiveParts().get(0).name()).isEqualTo("epilogue");
    }

    @Test
    void wrongBoundaryStillScansTheBody() throws Exception {
        byte[] msg = Mime.message("broken").line("Content-Type: multipart/mixed; boundary=nothere").line("")
            .line("--other").line("Content-Type: application/octet-stream").line("")
            .line(new String(TestFiles.eicar(), StandardCharsets.US_ASCII))
            .line("--other--").bytes();
        // no delimiter ever matches: the whole body is "preamble" and is scanned as such, not skipped
        ScanReport r = scan(msg);
        assertThat(r.parts()).hasSize(1);
        assertThat(r.parts().get(0).name()).isEqualTo("preamble");
        assertThat(r.verdict()).isEqualTo(Verdict.INFECTED);
    }

    @Test
    void lfLineEndingsAndRfc2231FilenamesWork() throws Exception {
        String msg = "From: a@example.com\nSubject: lf\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"x y\"\n\n"
            + "--x y\nContent-Type: text/plain\n\nhi\n"
            + "--x y  \nContent-Type: application/octet-stream\nContent-Disposition: attachment;\n filename*=UTF-8''%E6%97%A5%E6%9C%AC.com\n"
            + "Content-Transfer-Encoding: base64\n\n" + java.util.Base64.getMimeEncoder().encodeToString(TestFiles.eicar()) + "\n"
            + "--x y--\n";
        ScanReport r = scan(msg.getBytes(StandardCharsets.US_ASCII));
        assertInfected(r, "日本.com");
    }

    @Test
    void delimiterLookalikesAreContent() throws Exception {
        // "--b1x" and "--b1 junk" are not delimiters of boundary b1 (RFC 2046 §5.1.1)
        byte[] msg = Mime.message("lookalike").multipart("mixed", "b1")
            .line("--b1").line("Content-Type: text/plain").line("")
            .line("--b1x is not a delimiter").line("--b1 junk neither").line("end")
            .end("b1").bytes();
        ScanReport r = scan(msg);
        assertThat(r.parts()).hasSize(1);
        assertThat(r.parts().get(0).size()).isEqualTo("--b1x is not a delimiter\r\n--b1 junk neither\r\nend".length());
    }

    @Test
    void jsonHasTheDocumentedKeys() throws Exception {
        ScanReport r = scan(withAttachment("application/octet-stream", "eicar \\\"q\\\".com", TestFiles.eicar()));
        String json = r.toJson();
        assertThat(json).startsWith("{\"verdict\":\"infected\"").contains("\"parts\":[{\"name\":\"1\"")
            .contains("\"name\":\"eicar \\\"q\\\".com\"").contains("\"viruses\":[\"Test.EICAR.");
    }

    @Test
    void partWithoutTheEmptyLineAfterItsHeaderStillHasItsContentScanned() throws Exception {
        // RFC 2046 §5.1.1 wants an empty line; without it the first non-field line starts the body
        byte[] msg = Mime.message("no blank line").multipart("mixed", "n").text("n", "hi")
            .line("--n").line("Content-Type: text/plain")
            .line(new String(TestFiles.eicar(), StandardCharsets.US_ASCII))
            .end("n").bytes();
        assertThat(scan(msg).verdict()).isEqualTo(Verdict.INFECTED);
        // an mbox "From " line before the top-level header is skipped, the header still parsed
        byte[] mbox = ("From alice@example.com Sun Nov 22 14:00:00 2026\r\n"
            + new String(withAttachment("application/zip", "e.zip", TestFiles.zip("e.com", TestFiles.eicar())), StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1);
        assertInfected(scan(mbox), "e.zip");
    }
}
