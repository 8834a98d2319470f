package io.mailsec.av;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.BodyDescriptorBuilder;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * The MIME walk on mime4j's {@link MimeTokenStream} (lenient configuration), written for issue 16 to
 * compare with {@link MimeWalker} and kept as the benchmark's candidate (MimeWalkBench): same
 * {@link PartSink} events, positions, names and limits; nested messages get a token stream of their
 * own (their depth limit and decoding are ours). Not used by the scanner: mime4j ends a delimiter at
 * the first white space after the boundary and skips the rest of that line, so "--b1 junk" is a
 * delimiter and the junk is never scanned, where MimeWalker (like JavaMail) keeps the
 * line as content; see the README's "MIME walk".
 */
public final class Mime4jWalkerCandidate {
    /** Base64 bodies: mime4j's decoder, or ours (lenient past "=" and on a trailing partial quantum). */
    public enum Base64 { MIME4J, OURS }

    private static final int MAX_PARTS = 10_000;
    private static final int TRIVIAL_TEXT_PEEK = 8 * 1024;
    /** Lenient: no line, header or content limit (MimeConfig.PERMISSIVE caps content at 100 MB). */
    private static final MimeConfig CONFIG = MimeConfig.custom()
        .setMaxLineLen(-1).setMaxHeaderCount(-1).setMaxHeaderLen(-1).setMaxContentLen(-1)
        .setMalformedHeaderStartsBody(true) // a header lacking its empty line must not hide content
        .build();

    private final int maxNestingDepth;
    private final int maxMultipartDepth;
    private final Base64 base64;

    public Mime4jWalkerCandidate(int maxNestingDepth, int maxMultipartDepth, Base64 base64) {
        this.maxNestingDepth = maxNestingDepth;
        this.maxMultipartDepth = maxMultipartDepth;
        this.base64 = base64;
    }

    public void walk(InputStream rawMessage, PartSink sink) throws IOException {
        MimeTokenStream ts = tokenStream("text/plain");
        ts.parse(skipMboxFromLine(rawMessage));
        new Walk(sink).message(ts, "", "1", 0, 0);
    }

    public void walkBody(String contentType, String transferEncoding, String disposition, InputStream body,
                         PartSink sink) throws IOException {
        Fields top = new Fields("text/plain");
        MimeTokenStream ts = new MimeTokenStream(CONFIG, DecodeMonitor.SILENT, top);
        ts.setRecursionMode(RecursionMode.M_NO_RECURSE);
        try {
            if (transferEncoding != null) {
                top.addField(new RawField("Content-Transfer-Encoding", transferEncoding));
            }
            if (disposition != null) {
                top.addField(new RawField("Content-Disposition", disposition));
            }
        } catch (MimeException e) {
            throw new IllegalStateException(e); // Fields.addField does not throw
        }
        ts.parseHeadless(body, contentType != null ? contentType : "text/plain");
        new Walk(sink).message(ts, "", "1", 0, 0);
    }

    private static MimeTokenStream tokenStream(String defaultType) {
        MimeTokenStream ts = new MimeTokenStream(CONFIG, DecodeMonitor.SILENT, new Fields(defaultType));
        ts.setRecursionMode(RecursionMode.M_NO_RECURSE);
        return ts;
    }

    private static InputStream skipMboxFromLine(InputStream in) throws IOException {
        PushbackInputStream p = new PushbackInputStream(in, 5);
        byte[] head = p.readNBytes(5);
        if (head.length == 5 && new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).equals("From ")) {
            int b;
            while ((b = p.read()) >= 0 && b != '\n') {
                // skip the mbox separator line
            }
        } else {
            p.unread(head);
        }
        return p;
    }

    private InputStream decode(InputStream in, String encoding) {
        if (base64 == Base64.MIME4J && encoding.equals("base64")) {
            return new Base64InputStream(in, DecodeMonitor.SILENT);
        }
        if (base64 == Base64.MIME4J && encoding.equals("quoted-printable")) {
            return new QuotedPrintableInputStream(in, DecodeMonitor.SILENT);
        }
        return TransferDecoding.decode(in, encoding);
    }

    /** One multipart being walked. */
    private static final class Frame {
        final String childPrefix;
        int index;

        Frame(String childPrefix) {
            this.childPrefix = childPrefix;
        }
    }

    private final class Walk {
        final PartSink sink;
        int parts;

        Walk(PartSink sink) {
            this.sink = sink;
        }

        void message(MimeTokenStream ts, String childPrefix, String position, int messageDepth, int multipartDepth)
            throws IOException {
            Deque<Frame> frames = new ArrayDeque<>();
            String pos = position;
            String prefix = childPrefix;
            try {
                for (EntityState s = ts.getState(); s != EntityState.T_END_OF_STREAM; s = ts.next()) {
                    switch (s) {
                        case T_START_BODYPART:
                            Frame f = frames.peek();
                            f.index++;
                            pos = f.childPrefix + f.index;
                            prefix = pos + ".";
                            break;
                        case T_START_MULTIPART:
                            int depth = multipartDepth + frames.size();
                            frames.push(new Frame(prefix));
                            if (depth >= maxMultipartDepth) {
                                // reading the body makes mime4j skip to the multipart's end
                                InputStream body = ts.getInputStream();
                                leaf(new PartRef(pos, pos, descriptor(ts).type.baseType()), body, body,
                                    "multipart nesting deeper than " + maxMultipartDepth + " (maxMultipartDepth)");
                            }
                            break;
                        case T_PREAMBLE:
                            hidden(ts.getInputStream(), frames.peek().childPrefix + "preamble");
                            break;
                        case T_EPILOGUE:
                            hidden(ts.getInputStream(), frames.peek().childPrefix + "epilogue");
                            break;
                        case T_END_MULTIPART:
                            frames.pop();
                            break;
                        case T_BODY:
                            body(ts, pos, messageDepth, multipartDepth + frames.size());
                            break;
                        default:
                            break;
                    }
                }
            } catch (MimeException e) {
                unscannable(new PartRef(pos, pos, "application/octet-stream"), "unparsable MIME structure: " + e.getMessage());
            }
        }

        void body(MimeTokenStream ts, String position, int messageDepth, int multipartDepth) throws IOException {
            Descriptor d = descriptor(ts);
            String base = d.type.baseType();
            String filename = PartHeaders.filename(d.disposition, d.type);
            PartRef part = new PartRef(filename != null ? filename : position, position, base);
            if (parts >= MAX_PARTS) {
                unscannable(part, "more than " + MAX_PARTS + " parts");
                return;
            }
            InputStream raw = ts.getInputStream();
            if (base.equals("message/rfc822") || base.equals("message/global")) {
                InputStream decoded = decode(raw, d.encoding);
                if (messageDepth >= maxNestingDepth) {
                    leaf(part, decoded, raw, "nested messages deeper than " + maxNestingDepth + " levels");
                } else {
                    try {
                        MimeTokenStream inner = tokenStream("text/plain");
                        inner.parse(decoded);
                        message(inner, position + ".", position + ".1", messageDepth + 1, multipartDepth);
                    } catch (MalformedContentException e) {
                        unscannable(part, "malformed " + d.encoding + " content: " + e.getMessage());
                    }
                }
                drain(raw);
                return;
            }
            if (base.equals("message/partial")) {
                unscannable(part, "fragmented message (message/partial)");
                return;
            }
            leaf(part, decode(raw, d.encoding), raw, null);
        }

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
            // SequenceInputStream closes each stream it finishes; closing mime4j's closes the message
            InputStream rest = new FilterInputStream(seg) {
                @Override
                public void close() {
                }
            };
            InputStream all = new SequenceInputStream(new ByteArrayInputStream(head), rest);
            leaf(new PartRef(position, position, "text/plain"), all, seg, null);
        }

        void leaf(PartRef part, InputStream decoded, InputStream raw, String pastLimit) throws IOException {
            parts++;
            try {
                sink.content(part, decoded, pastLimit);
            } catch (MalformedContentException e) {
                sink.unscannable(part, "malformed content: " + e.getMessage());
            }
            drain(raw);
        }

        void unscannable(PartRef part, String reason) {
            parts++;
            sink.unscannable(part, reason);
        }
    }

    private static Descriptor descriptor(MimeTokenStream ts) {
        return (Descriptor) ts.getBodyDescriptor();
    }

    private static void drain(InputStream in) throws IOException {
        byte[] skip = new byte[8192];
        while (in.read(skip, 0, skip.length) >= 0) {
            // discard
        }
    }

    /** Collects an entity's Content-* fields (first of each) and decides its type with {@link MediaType}. */
    private static final class Fields implements BodyDescriptorBuilder {
        private final String defaultType;
        private String contentType;
        private String encoding;
        private String disposition;
        private MediaType built;

        Fields(String defaultType) {
            this.defaultType = defaultType;
        }

        @Override
        public void reset() {
            contentType = null;
            encoding = null;
            disposition = null;
            built = null;
        }

        @Override
        public Field addField(RawField field) throws MimeException {
            String body = field.getBody() == null ? "" : field.getBody().trim();
            switch (field.getNameLowerCase().trim()) {
                case "content-type":
                    contentType = contentType == null ? body : contentType;
                    break;
                case "content-transfer-encoding":
                    encoding = encoding == null ? body : encoding;
                    break;
                case "content-disposition":
                    disposition = disposition == null ? body : disposition;
                    break;
                default:
                    break;
            }
            return null;
        }

        @Override
        public BodyDescriptor build() {
            built = MediaType.parse(contentType, defaultType);
            return new Descriptor(built, encoding == null ? "7bit" : encoding.toLowerCase(Locale.ROOT), disposition);
        }

        @Override
        public BodyDescriptorBuilder newChild() {
            return new Fields(built != null && built.baseType().equals("multipart/digest") ? "message/rfc822" : "text/plain");
        }
    }

    /** What mime4j needs to walk an entity, plus what the walk reports. */
    private static final class Descriptor implements BodyDescriptor {
        final MediaType type;
        final String encoding;
        final String disposition;

        Descriptor(MediaType type, String encoding, String disposition) {
            this.type = type;
            this.encoding = encoding;
            this.disposition = disposition;
        }

        /** A multipart without a boundary is a leaf (mime4j would give up on it). */
        @Override
        public String getMimeType() {
            return type.isMultipart() && type.boundary() == null ? "application/octet-stream" : type.baseType();
        }

        @Override
        public String getMediaType() {
            return getMimeType().substring(0, getMimeType().indexOf('/'));
        }

        @Override
        public String getSubType() {
            return getMimeType().substring(getMimeType().indexOf('/') + 1);
        }

        @Override
        public String getBoundary() {
            return type.isMultipart() ? type.boundary() : null;
        }

        @Override
        public String getCharset() {
            return null;
        }

        @Override
        public String getTransferEncoding() {
            return encoding;
        }

        @Override
        public long getContentLength() {
            return -1;
        }
    }
}
