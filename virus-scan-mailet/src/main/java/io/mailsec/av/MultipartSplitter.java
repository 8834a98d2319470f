package io.mailsec.av;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams the segments of a multipart body (RFC 2046 §5.1.1): preamble, each body part, epilogue.
 * Uses one fixed buffer (32 KiB), never the whole body. A delimiter is "--boundary" at the start of a
 * line, optionally followed by "--" (close delimiter), then only linear white space up to the line end;
 * the CRLF (or LF) before it belongs to the delimiter. Anything else is content. A body that ends
 * without a close delimiter ends its last segment at EOF.
 */
final class MultipartSplitter {
    enum Kind { PREAMBLE, PART, EPILOGUE }

    private static final int NEED_MORE = -2;
    private static final int NOT_DELIMITER = -1;
    private static final int MAX_DELIMITER_LINE = 1024;

    private final InputStream in;
    private final byte[] delim;
    private final byte[] buf;
    private int start;
    private int end;
    private boolean eof;
    private boolean finished;
    private boolean segmentDone;
    private boolean atSegmentStart;
    private int scanFrom;
    private int pending = -1;
    private Kind nextKind = Kind.PREAMBLE;
    private Kind kind;
    private Segment current;

    MultipartSplitter(InputStream in, String boundary) {
        this.in = in;
        this.delim = ("\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[Math.max(32 * 1024, delim.length * 4 + 4 * MAX_DELIMITER_LINE)];
        buf[0] = '\n'; // a delimiter on the very first line has no CRLF before it
        start = 1;
        end = 1;
        scanFrom = 0;
    }

    /** One segment of the body: read it (or not) before asking for the next one. */
    final class Segment extends InputStream {
        private final Kind segmentKind;

        Segment(Kind segmentKind) {
            this.segmentKind = segmentKind;
        }

        Kind kind() {
            return segmentKind;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (current != this) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            return readSegment(b, off, len);
        }
    }

    /** The next segment, or null when the body is exhausted. The previous one is drained first. */
    Segment next() throws IOException {
        if (current != null) {
            byte[] skip = new byte[8192];
            while (readSegment(skip, 0, skip.length) >= 0) {
                // drain
            }
        }
        if (finished) {
            current = null;
            return null;
        }
        kind = nextKind;
        segmentDone = false;
        atSegmentStart = true;
        current = new Segment(kind);
        return current;
    }

    private int readSegment(byte[] b, int off, int len) throws IOException {
        while (true) {
            if (segmentDone) {
                return -1;
            }
            if (kind == Kind.EPILOGUE) {
                if (start < end) {
                    return emit(b, off, len, end);
                }
                if (!fill()) {
                    segmentDone = true;
                    finished = true;
                    return -1;
                }
                continue;
            }
            int from = Math.max(atSegmentStart ? start - 1 : start, scanFrom);
            if (pending < from) {
                pending = indexOfDelimiter(from);
            }
            if (pending >= 0) {
                int idx = pending;
                int contentEnd = idx - 1 >= start && buf[idx - 1] == '\r' ? idx - 1 : idx;
                contentEnd = Math.max(contentEnd, start);
                if (start < contentEnd) {
                    return emit(b, off, len, contentEnd);
                }
                int v = validate(idx);
                if (v == NEED_MORE) {
                    if (!fill()) {
                        eof = true;
                    }
                    continue;
                }
                if (v == NOT_DELIMITER) {
                    scanFrom = idx + 1;
                    pending = -1;
                    continue;
                }
                boolean close = idx + delim.length + 1 < end && buf[idx + delim.length] == '-'
                    && buf[idx + delim.length + 1] == '-';
                start = v;
                scanFrom = v;
                pending = -1;
                segmentDone = true;
                nextKind = close ? Kind.EPILOGUE : Kind.PART;
                if (eof && start >= end && !close) {
                    finished = true;
                }
                return -1;
            }
            int safeEnd = eof ? end : end - delim.length - 1;
            if (start < safeEnd) {
                return emit(b, off, len, safeEnd);
            }
            if (!fill()) {
                if (start < end) {
                    continue; // eof now set: the held-back tail is content
                }
                segmentDone = true;
                finished = true;
                return -1;
            }
        }
    }

    private int emit(byte[] b, int off, int len, int limit) {
        int n = Math.min(len, limit - start);
        System.arraycopy(buf, start, b, off, n);
        start += n;
        atSegmentStart = false;
        return n;
    }

    /** First delimiter candidate at or after {@code from}; remembers how far the search got. */
    private int indexOfDelimiter(int from) {
        int last = end - delim.length;
        for (int i = from; i <= last; i++) {
            if (buf[i] == '\n') {
                int k = 1;
                while (k < delim.length && buf[i + k] == delim[k]) {
                    k++;
                }
                if (k == delim.length) {
                    return i;
                }
            }
        }
        scanFrom = Math.max(scanFrom, Math.max(from, last + 1));
        return -1;
    }

    /** Position after the delimiter line, NOT_DELIMITER, or NEED_MORE. */
    private int validate(int idx) {
        int p = idx + delim.length;
        if (p + 2 > end && !eof) {
            return NEED_MORE;
        }
        if (p + 1 < end && buf[p] == '-' && buf[p + 1] == '-') {
            p += 2;
        }
        int q = p;
        while (q < end && (buf[q] == ' ' || buf[q] == '\t' || buf[q] == '\r')) {
            q++;
        }
        if (q < end) {
            return buf[q] == '\n' ? q + 1 : NOT_DELIMITER;
        }
        if (eof) {
            return end;
        }
        return q - idx > MAX_DELIMITER_LINE ? NOT_DELIMITER : NEED_MORE;
    }

    /** Reads more input, compacting the buffer (keeping one byte before {@code start}). False at EOF. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int keep = Math.max(0, start - 1);
        if (keep > 0 && (end == buf.length || keep > buf.length / 2)) {
            System.arraycopy(buf, keep, buf, 0, end - keep);
            start -= keep;
            end -= keep;
            scanFrom = Math.max(0, scanFrom - keep);
            if (pending >= 0) {
                pending -= keep;
            }
        }
        if (end == buf.length) {
            throw new IOException("multipart delimiter line longer than the parse buffer");
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
            return false;
        }
        end += n;
        return true;
    }
}
