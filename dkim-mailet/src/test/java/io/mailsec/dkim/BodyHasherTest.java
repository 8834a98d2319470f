package io.mailsec.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 6376 §3.4.3-3.4.5 body canonicalization, streamed in arbitrary chunks. */
class BodyHasherTest {

    static byte[] canon(Canonicalization c, String body, int chunk) {
        CapturingDigest d = new CapturingDigest();
        BodyHasher h = new BodyHasher(c, d);
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i += chunk) {
            h.write(b, i, Math.min(chunk, b.length - i));
        }
        h.finish();
        return d.out.toByteArray();
    }

    static String c(Canonicalization c, String body) {
        String whole = new String(canon(c, body, Integer.MAX_VALUE / 2), StandardCharsets.ISO_8859_1);
        for (int chunk : new int[] {1, 2, 3, 7, 19, 64}) {
            assertThat(new String(canon(c, body, chunk), StandardCharsets.ISO_8859_1)).as("chunk " + chunk).isEqualTo(whole);
        }
        return whole;
    }

    @Test
    void rfc6376_3_4_5_examples() {
        String body = " C \r\nD \t E\r\n\r\n\r\n";
        assertThat(c(Canonicalization.RELAXED, body)).isEqualTo(" C\r\nD E\r\n");
        assertThat(c(Canonicalization.SIMPLE, body)).isEqualTo(" C \r\nD \t E\r\n");
    }

    @Test
    void emptyBodies_rfc6376_3_4_3_and_errata() {
        assertThat(c(Canonicalization.SIMPLE, "")).isEqualTo("\r\n");
        assertThat(c(Canonicalization.SIMPLE, "\r\n\r\n")).isEqualTo("\r\n");
        assertThat(c(Canonicalization.RELAXED, "")).isEqualTo("");
        assertThat(c(Canonicalization.RELAXED, " \r\n\t\r\n")).isEqualTo("");
    }

    @Test
    void missingFinalCrlf_isAdded_bareLfIsALineEnd() {
        assertThat(c(Canonicalization.SIMPLE, "a\r\nb")).isEqualTo("a\r\nb\r\n");
        assertThat(c(Canonicalization.RELAXED, "a  \nb\n\n")).isEqualTo("a\r\nb\r\n");
        assertThat(c(Canonicalization.SIMPLE, "a\rb\r\n")).isEqualTo("a\rb\r\n");
        assertThat(c(Canonicalization.SIMPLE, "x\r\n \r\n")).isEqualTo("x\r\n \r\n");
        assertThat(c(Canonicalization.RELAXED, "x\r\n\r\n y\r\n")).isEqualTo("x\r\n\r\n y\r\n");
    }

    @Test
    void randomBodies_chunkingNeverChangesTheResult() {
        Random rnd = new Random(42);
        String alphabet = "ab \t\r\n";
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(40);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            c(Canonicalization.RELAXED, sb.toString());
            c(Canonicalization.SIMPLE, sb.toString());
        }
    }

    /** RFC 6376 §3.4.3/§3.4.4 written the obvious way: split lines, rewrite, join. */
    static String reference(Canonicalization c, String body) {
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.Arrays.asList(body.split("\r\n|\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // text ended with a line end
        }
        if (c == Canonicalization.RELAXED) {
            lines.replaceAll(l -> l.replaceAll("[ \t]+", " ").replaceAll(" \\z", ""));
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            return c == Canonicalization.SIMPLE ? "\r\n" : "";
        }
        return String.join("\r\n", lines) + "\r\n";
    }

    static void matchesReference(String body) {
        for (Canonicalization c : Canonicalization.values()) {
            assertThat(c(c, body)).as(c + " " + body.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t"))
                    .isEqualTo(reference(c, body));
        }
    }

    /** Text-like bodies (long runs, mostly single spaces): exercises the 8-bytes-at-a-time path. */
    @Test
    void randomTextBodies_matchTheNaiveReference() {
        Random rnd = new Random(11);
        String rare = "  \t\r\n\n";
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(400);
            for (int j = 0; j < n; j++) {
                int r = rnd.nextInt(100);
                sb.append(r < 80 ? (char) ('a' + r % 26) : r < 94 ? ' ' : rare.charAt(rnd.nextInt(rare.length())));
            }
            matchesReference(sb.toString());
        }
    }

    @Test
    void randomBodies_matchTheNaiveReference() {
        Random rnd = new Random(7);
        String alphabet = "ab  \t\r\n\n\u00e9\u000b";
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(120);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            matchesReference(sb.toString());
        }
    }

    @Test
    void bodyLimit_hashesOnlyThePrefix_butCountsAll() throws Exception {
        BodyHasher h = new BodyHasher(Canonicalization.SIMPLE, MessageDigest.getInstance("SHA-256"), 3);
        h.write("abcdef\r\n".getBytes(StandardCharsets.US_ASCII), 0, 8);
        byte[] d = h.finish();
        assertThat(d).isEqualTo(MessageDigest.getInstance("SHA-256").digest("abc".getBytes(StandardCharsets.US_ASCII)));
        assertThat(h.canonicalLength()).isEqualTo(8);
    }

    @Test
    void fiftyMegabyteBody_isHashedWithBoundedMemory() throws Exception {
        // 50 MB streamed through verifier + signer sessions; heap growth must stay far below the body size
        SigningKey key = DkimKeys.generate(SigningKey.Type.ED25519, 0, "t");
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        DkimSigner.Session s = new DkimSigner.Session(java.util.List.of(new SignSpec(key, "example.com", "s")));
        s.write("From: a@example.com\r\nSubject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] line = ("0123456789abcdef  0123456789abcdef 0123456789abcdef 0123456789abcdef  0123456789\t\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[line.length * 800];
        for (int i = 0; i < 800; i++) {
            System.arraycopy(line, 0, block, i * line.length, line.length);
        }
        long total = 0;
        long peak = 0;
        while (total < 50L * 1024 * 1024) {
            s.write(block);
            total += block.length;
            peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
        }
        String field = s.signatures().get(0);
        assertThat(field).contains("bh=");
        assertThat(peak - before).as("heap growth while hashing 50 MB").isLessThan(20L * 1024 * 1024);
    }

    /** A MessageDigest that records what it is fed. */
    static final class CapturingDigest extends MessageDigest {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        CapturingDigest() {
            super("capture");
        }

        @Override
        protected void engineUpdate(byte input) {
            out.write(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            out.write(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            return new byte[0];
        }

        @Override
        protected void engineReset() {
        }
    }
}
