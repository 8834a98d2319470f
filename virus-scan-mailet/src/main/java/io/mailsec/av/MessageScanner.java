package io.mailsec.av;

import com.sun.mail.util.DecodingException;
import com.sun.mail.util.QPDecoderStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeUtility;

/**
 * Walks a message's MIME tree in one streaming pass and sends every leaf part, decoded (base64,
 * quoted-printable, uuencode), to clamd. Nested messages (message/rfc822, message/global) are walked
 * too, up to {@code maxNestingDepth} levels; deeper ones are sent to clamd raw and are "unscannable:
 * too deep" unless clamd finds a virus. Non-empty preambles and epilogues are scanned as well (mail
 * readers may show them). Memory per message is a few fixed buffers, whatever the part sizes.
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
    private static final int MAX_PARTS = 10_000;
    private static final int TRIVIAL_TEXT_PEEK = 8 * 1024;

    private final ClamdClient client;
    private final int maxNestingDepth;
    private final int maxMultipartDepth;

    public MessageScanner(ClamdClient client, int maxNestingDepth, int maxMultipartDepth) {
        if (maxNestingDepth < 0) {
            throw new IllegalArgumentException("maxNestingDepth must be >= 0: " + maxNestingDepth);
        }
        if (maxMultipartDepth < 1 || maxMultipartDepth > LIMIT_MAX_MULTIPART_DEPTH) {
            throw new IllegalArgumentException("maxMultipartDepth must be 1.." + LIMIT_MAX_MULTIPART_DEPTH + ": " + maxMultipartDepth);
        }
        this.client = client;
        this.maxNestingDepth = maxNestingDepth;
        this.maxMultipartDepth = maxMultipartDepth;
    }

    public MessageScanner(ClamdClient client) {
        this(client, DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_MULTIPART_DEPTH);
    }

    public ClamdClient client() {
        return client;
    }

    /** Scans a complete RFC 5322 message (header and body) read from {@code rawMessage}. */
    public ScanReport scan(InputStream rawMessage) throws IOException {
        Walk w = new Walk();
        w.entity(rawMessage, "", "1", 0, 0, "text/plain");
        return new ScanReport(w.parts);
    }

    /**
     * Scans a message whose top-level header fields are already parsed (e.g. a James MimeMessage):
     * {@code body} is the raw (still encoded) body after the header.
     */
    public ScanReport scanBody(String contentType, String transferEncoding, String disposition, InputStream body)
        throws IOException {
        Walk w = new Walk();
        w.body(PartHeaders.of(contentType, transferEncoding, disposition), new BufferedInputStream(body, 16 * 1024),
            "", "1", 0, 0, "text/plain");
        return new ScanReport(w.parts);
    }

    /** State of one scan. */
    private final class Walk {
        final List<PartVerdict> parts = new ArrayList<>();
        boolean scannerFailed;
        String failure;

        void entity(InputStream in, String childPrefix, String position, int messageDepth, int multipartDepth,
                    String defaultType) throws IOException {
            BufferedInputStream bin = new BufferedInputStream(in, 8 * 1024);
            PartHeaders h = PartHeaders.read(bin, childPrefix.isEmpty());
            body(h, bin, childPrefix, position, messageDepth, multipartDepth, defaultType);
        }

        void body(PartHeaders h, InputStream body, String childPrefix, String position, int messageDepth,
                  int multipartDepth, String defaultType) throws IOException {
            ContentType ct = h.type(defaultType);
            String base = ct.getBaseType().toLowerCase(Locale.ROOT);
            String filename = h.filename(ct);
            String name = filename != null ? filename : position;
            if (parts.size() >= MAX_PARTS) {
                add(name, position, base, Verdict.UNSCANNABLE, List.of(), "more than " + MAX_PARTS + " parts", -1);
                drain(body);
                return;
            }
            if (base.startsWith("multipart/") && ct.getParameter("boundary") != null) {
                multipart(ct, body, childPrefix, position, messageDepth, multipartDepth);
                return;
            }
            if (base.equals("message/rfc822") || base.equals("message/global")) {
                InputStream decoded = decode(body, h.encoding());
                if (messageDepth >= maxNestingDepth) {
                    leaf(decoded, body, name, position, base, "nested messages deeper than " + maxNestingDepth + " levels");
                } else {
                    // IMAP numbering: the embedded message's parts are position.1, position.2, ...
                    try {
                        entity(decoded, position + ".", position + ".1", messageDepth + 1, multipartDepth, "text/plain");
                    } catch (DecodingException e) {
                        malformed(name, position, base, h.encoding(), e);
                    }
                }
                drain(body);
                return;
            }
            if (base.equals("message/partial")) {
                add(name, position, base, Verdict.UNSCANNABLE, List.of(), "fragmented message (message/partial)", -1);
                drain(body);
                return;
            }
            leaf(decode(body, h.encoding()), body, name, position, base, null);
        }

        void multipart(ContentType ct, InputStream body, String childPrefix, String position, int messageDepth,
                       int multipartDepth) throws IOException {
            if (multipartDepth >= maxMultipartDepth) {
                leaf(body, body, position, position, ct.getBaseType(),
                    "multipart nesting deeper than " + maxMultipartDepth + " (maxMultipartDepth)");
                return;
            }
            String childDefault = ct.getSubType().equalsIgnoreCase("digest") ? "message/rfc822" : "text/plain";
            MultipartSplitter splitter = new MultipartSplitter(body, ct.getParameter("boundary"));
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
            if (index == 0) {
                // no body part at all: the whole body was "preamble" and has been scanned as such
                return;
            }
        }

        /** Preamble/epilogue: scanned only when they hold something besides white space. */
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
            leaf(all, seg, position, position, "text/plain", null);
        }

        /**
         * Sends one decoded leaf to clamd. {@code tooDeep} non-null: the content is a nested message past
         * the limit; it is still sent (raw) so a virus is named, but otherwise unscannable.
         */
        void leaf(InputStream decoded, InputStream raw, String name, String position, String type, String tooDeep)
            throws IOException {
            if (scannerFailed) {
                add(name, position, type, Verdict.ERROR, List.of(), "not scanned: " + failure, -1);
                drain(raw);
                return;
            }
            ClamdReply r;
            try {
                r = client.scan(decoded);
            } catch (DecodingException e) {
                // a strict decoder (uuencode) gave up: the content cannot be scanned as a mail reader would see it
                malformed(name, position, type, null, e);
                drain(raw);
                return;
            } catch (ClamdException e) {
                scannerFailed = true;
                failure = e.getMessage();
                add(name, position, type, Verdict.ERROR, List.of(), e.getMessage(), -1);
                drain(raw);
                return;
            }
            drain(decoded);
            drain(raw);
            long size = r.bytesSent();
            switch (r.status()) {
                case OK:
                    if (tooDeep != null) {
                        add(name, position, type, Verdict.UNSCANNABLE, List.of(), tooDeep, size);
                    } else {
                        add(name, position, type, Verdict.CLEAN, List.of(), "no virus found", size);
                    }
                    break;
                case TOO_LARGE:
                    add(name, position, type, Verdict.UNSCANNABLE, List.of(),
                        "too large: over the scanner's stream limit of " + client.streamMaxLength() + " bytes", size);
                    break;
                case ERROR:
                    scannerFailed = true;
                    failure = "clamd: " + r.raw();
                    add(name, position, type, Verdict.ERROR, List.of(), failure, size);
                    break;
                default:
                    found(r.signature(), name, position, type, size);
                    break;
            }
        }

        void malformed(String name, String position, String type, String encoding, DecodingException e) {
            add(name, position, type, Verdict.UNSCANNABLE, List.of(),
                "malformed " + (encoding != null ? encoding + " " : "") + "content: " + e.getMessage(), -1);
        }

        void found(String sig, String name, String position, String type, long size) {
            if (sig.startsWith("Heuristics.Encrypted")) {
                add(name, position, type, Verdict.UNSCANNABLE, List.of(), "encrypted (" + sig + ")", size);
            } else if (sig.equals("Heuristics.Limits.Exceeded.MaxRecursion")) {
                add(name, position, type, Verdict.UNSCANNABLE, List.of(), "archive nesting too deep (" + sig + ")", size);
            } else if (sig.startsWith("Heuristics.Limits.Exceeded.Max") && (sig.endsWith("FileSize") || sig.endsWith("ScanSize"))) {
                add(name, position, type, Verdict.UNSCANNABLE, List.of(), "too large (" + sig + ")", size);
            } else if (sig.startsWith("Heuristics.Limits.Exceeded")) {
                add(name, position, type, Verdict.UNSCANNABLE, List.of(), "scanner limits exceeded (" + sig + ")", size);
            } else {
                add(name, position, type, Verdict.INFECTED, List.of(sig), "virus found: " + sig, size);
            }
        }

        void add(String name, String position, String type, Verdict v, List<String> viruses, String reason, long size) {
            parts.add(new PartVerdict(name, position, type, v, viruses, reason, size));
        }
    }

    static InputStream decode(InputStream in, String encoding) {
        switch (encoding) {
            case "base64":
                return new Base64DecodingStream(in);
            case "quoted-printable":
                return new QPDecoderStream(in);
            case "x-uuencode":
            case "uuencode":
            case "x-uue":
                try {
                    return MimeUtility.decode(in, "uuencode");
                } catch (MessagingException e) {
                    return in;
                }
            default:
                return in; // 7bit, 8bit, binary, or unknown: scan as is
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] skip = new byte[8192];
        while (in.read(skip, 0, skip.length) >= 0) {
            // discard
        }
    }
}
