package io.mailsec.av;

import java.io.IOException;
import java.io.InputStream;

/**
 * Scans a message part by part: {@link MimeWalker} walks the MIME tree in one streaming pass and
 * {@link ClamdSink} sends every leaf part, decoded (base64, quoted-printable, uuencode), to clamd.
 * Nested messages (message/rfc822, message/global) are walked too, up to {@code maxNestingDepth}
 * levels; deeper ones are sent to clamd raw and are "unscannable: too deep" unless clamd finds a
 * virus. Non-empty preambles and epilogues are scanned as well (mail readers may show them). Memory
 * per message is a few fixed buffers, whatever the part sizes.
 *
 * <p>Verdict mapping: clamd FOUND → infected, except heuristic alerts about what could not be scanned:
 * {@code Heuristics.Encrypted.*} → unscannable "encrypted", {@code Heuristics.Limits.Exceeded.MaxRecursion}
 * → unscannable "archive nesting too deep", other {@code Heuristics.Limits.Exceeded.*} → unscannable
 * "too large"/"scanner limits exceeded"; stream over the limit → unscannable "too large";
 * clamd unreachable, timed out or ERROR → error (the remaining parts are not sent).
 *
 * <p>Thread safe (state lives in each call). Free of James types.
 */
public final class MessageScanner {
    public static final int DEFAULT_MAX_NESTING_DEPTH = 7;
    /** Multipart levels walked; deeper content is sent to clamd whole and the part is unscannable. */
    public static final int DEFAULT_MAX_MULTIPART_DEPTH = 64;
    /** The walk recurses per level: far deeper would risk the thread's stack. */
    public static final int LIMIT_MAX_MULTIPART_DEPTH = 256;

    private final ClamdClient client;
    private final MimeWalker walker;

    public MessageScanner(ClamdClient client, int maxNestingDepth, int maxMultipartDepth) {
        if (maxNestingDepth < 0) {
            throw new IllegalArgumentException("maxNestingDepth must be >= 0: " + maxNestingDepth);
        }
        if (maxMultipartDepth < 1 || maxMultipartDepth > LIMIT_MAX_MULTIPART_DEPTH) {
            throw new IllegalArgumentException("maxMultipartDepth must be 1.." + LIMIT_MAX_MULTIPART_DEPTH + ": " + maxMultipartDepth);
        }
        this.client = client;
        this.walker = new MimeWalker(maxNestingDepth, maxMultipartDepth);
    }

    public MessageScanner(ClamdClient client) {
        this(client, DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_MULTIPART_DEPTH);
    }

    public ClamdClient client() {
        return client;
    }

    /** Scans a complete RFC 5322 message (header and body) read from {@code rawMessage}. */
    public ScanReport scan(InputStream rawMessage) throws IOException {
        ClamdSink sink = new ClamdSink(client);
        walker.walk(rawMessage, sink);
        return sink.report();
    }

    /**
     * Scans a message whose top-level header fields are already parsed (e.g. a James MimeMessage):
     * {@code body} is the raw (still encoded) body after the header.
     */
    public ScanReport scanBody(String contentType, String transferEncoding, String disposition, InputStream body)
        throws IOException {
        ClamdSink sink = new ClamdSink(client);
        walker.walkBody(contentType, transferEncoding, disposition, body, sink);
        return sink.report();
    }
}
