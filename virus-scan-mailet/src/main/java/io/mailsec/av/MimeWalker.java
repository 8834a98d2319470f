package io.mailsec.av;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Walks a message's MIME tree in one streaming pass and hands every leaf part, transfer-decoded
 * (base64, quoted-printable, uuencode), to a {@link PartSink}. Nested messages (message/rfc822,
 * message/global) are walked too, up to {@code maxNestingDepth} levels, multiparts up to
 * {@code maxMultipartDepth}; deeper content goes to the sink whole, marked as past the limit.
 * Non-empty preambles and epilogues are parts too (mail readers may show them). Memory per message
 * is a few fixed buffers, whatever the part sizes.
 *
 * <p>Thread safe (state lives in each call).
 */
public final class MimeWalker {
    private static final int MAX_PARTS = 10_000;
    private static final int TRIVIAL_TEXT_PEEK = 8 * 1024;

    private final int maxNestingDepth;
    private final int maxMultipartDepth;

    public MimeWalker(int maxNestingDepth, int maxMultipartDepth) {
        this.maxNestingDepth = maxNestingDepth;
        this.maxMultipartDepth = maxMultipartDepth;
    }

    /** Walks a complete RFC 5322 message (header and body) read from {@code rawMessage}. */
    public void walk(InputStream rawMessage, PartSink sink) throws IOException {
        new Walk(sink).entity(rawMessage, "", "1", 0, 0, "text/plain");
    }

    /**
     * Walks a message whose top-level header fields are already parsed (e.g. a James MimeMessage):
     * {@code body} is the raw (still encoded) body after the header.
     */
    public void walkBody(String contentType, String transferEncoding, String disposition, InputStream body,
                         PartSink sink) throws IOException {
        new Walk(sink).body(PartHeaders.of(contentType, transferEncoding, disposition),
            new BufferedInputStream(body, 16 * 1024), "", "1", 0, 0, "text/plain");
    }

    /** State of one walk. */
    private final class Walk {
        final PartSink sink;
        int parts;

        Walk(PartSink sink) {
            this.sink = sink;
        }

        void entity(InputStream in, String childPrefix, String position, int messageDepth, int multipartDepth,
                    String defaultType) throws IOException {
            BufferedInputStream bin = new BufferedInputStream(in, 8 * 1024);
            PartHeaders h = PartHeaders.read(bin, childPrefix.isEmpty());
            body(h, bin, childPrefix, position, messageDepth, multipartDepth, defaultType);
        }

        void body(PartHeaders h, InputStream body, String childPrefix, String position, int messageDepth,
                  int multipartDepth, String defaultType) throws IOException {
            MediaType ct = h.type(defaultType);
            String base = ct.baseType();
            String filename = h.filename(ct);
            PartRef part = new PartRef(filename != null ? filename : position, position, base);
            if (parts >= MAX_PARTS) {
                unscannable(part, "more than " + MAX_PARTS + " parts");
                drain(body);
                return;
            }
            if (ct.isMultipart() && ct.boundary() != null) {
                multipart(ct, body, childPrefix, position, messageDepth, multipartDepth);
                return;
            }
            if (base.equals("message/rfc822") || base.equals("message/global")) {
                InputStream decoded = TransferDecoding.decode(body, h.encoding());
                if (messageDepth >= maxNestingDepth) {
                    leaf(part, decoded, body, "nested messages deeper than " + maxNestingDepth + " levels");
                } else {
                    // IMAP numbering: the embedded message's parts are position.1, position.2, ...
                    try {
                        entity(decoded, position + ".", position + ".1", messageDepth + 1, multipartDepth, "text/plain");
                    } catch (MalformedContentException e) {
                        unscannable(part, "malformed " + h.encoding() + " content: " + e.getMessage());
                    }
                }
                drain(body);
                return;
            }
            if (base.equals("message/partial")) {
                unscannable(part, "fragmented message (message/partial)");
                drain(body);
                return;
            }
            leaf(part, TransferDecoding.decode(body, h.encoding()), body, null);
        }

        void multipart(MediaType ct, InputStream body, String childPrefix, String position, int messageDepth,
                       int multipartDepth) throws IOException {
            if (multipartDepth >= maxMultipartDepth) {
                leaf(new PartRef(position, position, ct.baseType()), body, body,
                    "multipart nesting deeper than " + maxMultipartDepth + " (maxMultipartDepth)");
                return;
            }
            String childDefault = ct.subtype().equals("digest") ? "message/rfc822" : "text/plain";
            MultipartSplitter splitter = new MultipartSplitter(body, ct.boundary());
            int index = 0;
            MultipartSplitter.Segment seg;
            while ((seg = splitter.next()) != null) {
                switch (seg.kind()) {
                    case PREAMBLE:
                        hidden(seg, childPrefix + "preamble");
                        break;
                    case EPILOGUE:
                        hidden(seg, childPrefix + "epilogue");
                        break;
                    default:
                        index++;
                        String pos = childPrefix + index;
                        entity(seg, pos + ".", pos, messageDepth, multipartDepth + 1, childDefault);
                        break;
                }
            }
            // no body part at all: the whole body was "preamble" and has been scanned as such
        }

        /** Preamble/epilogue: a part only when they hold something besides white space. */
        void hidden(InputStream seg, String position) throws IOException {
            byte[] head = seg.readNBytes(TRIVIAL_TEXT_PEEK);
            boolean blank = true;
            for (byte b : head) {
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    blank = false;
                    break;
                }
            }
            if (blank && head.length < TRIVIAL_TEXT_PEEK) {
                return;
            }
            InputStream all = new SequenceInputStream(new ByteArrayInputStream(head), seg);
            leaf(new PartRef(position, position, "text/plain"), all, seg, null);
        }

        void leaf(PartRef part, InputStream decoded, InputStream raw, String pastLimit) throws IOException {
            parts++;
            try {
                sink.content(part, decoded, pastLimit);
            } catch (MalformedContentException e) {
                // a strict decoder (uuencode) gave up: the content cannot be seen as a mail reader would see it
                sink.unscannable(part, "malformed content: " + e.getMessage());
            }
            drain(raw);
        }

        void unscannable(PartRef part, String reason) {
            parts++;
            sink.unscannable(part, reason);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] skip = new byte[8192];
        while (in.read(skip, 0, skip.length) >= 0) {
            // discard
        }
    }
}
