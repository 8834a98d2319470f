package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: why the scanner keeps {@link MimeWalker} rather than mime4j's MimeTokenStream
 * ({@link Mime4jWalkerCandidate}, the benchmark's candidate). The two see the same parts wherever they
 * agree on MIME; these are the places they do not, each a place where content would go unscanned
 * (JavaMail shows "--b junk" lines as content). If a mime4j upgrade changes them, the comparison is
 * worth making again.
 */
class MimeWalkComparisonTest {
    static final String EICAR = new String(TestFiles.eicar(), StandardCharsets.US_ASCII);
    static final String HEAD = "From: a@example.com\r\nMIME-Version: 1.0\r\n";

    /** What a walk hands to the scanner: each part's decoded content. */
    static List<String> contents(String message, boolean mime4j, Mime4jWalkerCandidate.Base64 base64) throws IOException {
        List<String> seen = new ArrayList<>();
        PartSink sink = new PartSink() {
            @Override
            public void content(PartRef part, InputStream content, String pastLimit) throws IOException {
                seen.add(new String(content.readAllBytes(), StandardCharsets.ISO_8859_1));
            }

            @Override
            public void unscannable(PartRef part, String reason) {
                seen.add("unscannable: " + reason);
            }
        };
        InputStream in = new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1));
        if (mime4j) {
            new Mime4jWalkerCandidate(7, 64, base64).walk(in, sink);
        } else {
            new MimeWalker(7, 64).walk(in, sink);
        }
        return seen;
    }

    @Test
    void textAfterABoundaryOnItsLineIsScannedByOursAndSkippedByMime4j() throws IOException {
        for (String line : new String[] {"--b " + EICAR, "--b-- " + EICAR}) {
            String msg = HEAD + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nhello\r\n" + line + "\r\nworld\r\n--b--\r\n";
            assertThat(String.join("|", contents(msg, false, null))).as(line).contains(EICAR);
            assertThat(String.join("|", contents(msg, true, Mime4jWalkerCandidate.Base64.OURS))).as(line)
                .doesNotContain(EICAR).contains("hello");
        }
    }

    @Test
    void mime4jsBase64StopsAtTheFirstPadAndDropsAPartialQuantum() throws IOException {
        String b64 = HEAD + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        assertThat(contents(b64 + "SGk=\r\nSGk=\r\n", false, null)).containsExactly("HiHi");
        assertThat(contents(b64 + "SGk=\r\nSGk=\r\n", true, Mime4jWalkerCandidate.Base64.MIME4J)).containsExactly("Hi");
        assertThat(contents(b64 + "SGVsbG8\r\n", false, null)).containsExactly("Hello");
        assertThat(contents(b64 + "SGVsbG8\r\n", true, Mime4jWalkerCandidate.Base64.MIME4J)).containsExactly("Hel");
    }

    @Test
    void elsewhereBothSeeTheSameContent() throws IOException {
        String[] messages = {
            // a header lacking its empty line; a boundary that never occurs; no close delimiter
            HEAD + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n" + EICAR + "\r\n--b--\r\n",
            HEAD + "Content-Type: multipart/mixed; boundary=absent\r\n\r\n--other\r\n\r\n" + EICAR + "\r\n--other--\r\n",
            HEAD + "Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n--b\r\n\r\nhello\r\n--b\r\n\r\nlast",
            // a nested multipart reusing its parent's boundary; a digest; a multipart without a boundary
            HEAD + "Content-Type: multipart/mixed; boundary=\"s\"\r\n\r\n--s\r\nContent-Type: multipart/alternative; boundary=\"s\"\r\n\r\n--s\r\n\r\nX\r\n--s--\r\n--s--\r\n",
            HEAD + "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--d--\r\n",
            HEAD + "Content-Type: multipart/mixed\r\n\r\nbody\r\n",
        };
        for (String m : messages) {
            assertThat(contents(m, true, Mime4jWalkerCandidate.Base64.OURS)).as(m).isEqualTo(contents(m, false, null));
        }
    }
}
