package io.mailsec.tls.tracking;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Finds the first Message-ID field in a raw message's header section, unfolded and trimmed. The
 * tracking log needs only this one field at SMTP time; parsing the whole header block into
 * JavaMail's structures for it was the largest cost mailsec added to the SMTP threads.
 * Reads no further than the blank line that ends the header section.
 */
public final class MessageIdScanner {
    private static final byte[] NAME = "message-id".getBytes(StandardCharsets.US_ASCII);

    private MessageIdScanner() {
    }

    /** The value, or null when the header section has no (or an empty) Message-ID. */
    public static String scan(InputStream in) throws IOException {
        Lines lines = new Lines(in);
        ByteArrayOutputStream value = null;
        for (int first = lines.next(); first >= 0; first = lines.next()) {
            if (first == '\r' || first == '\n') {
                break; // the blank line: end of the header section
            }
            boolean continuation = first == ' ' || first == '\t';
            if (value != null && !continuation) {
                break; // the field we collected has ended
            }
            if (value != null) {
                value.write(first); // RFC 5322 unfolding drops the line break, not the white space
                lines.copyRest(value);
            } else if (!continuation && lines.isField(first, NAME)) {
                value = new ByteArrayOutputStream(64);
                lines.copyRest(value);
            } else {
                lines.skipRest();
            }
        }
        if (value == null) {
            return null;
        }
        String v = value.toString(StandardCharsets.UTF_8).trim();
        return v.isEmpty() ? null : v;
    }

    /** Line-at-a-time reading over a small buffer of its own (the source may be unbuffered). */
    private static final class Lines {
        private final InputStream in;
        private final byte[] buf = new byte[2048];
        private int pos;
        private int len;
        private int last = '\n';

        Lines(InputStream in) {
            this.in = in;
        }

        private int read() throws IOException {
            if (pos == len) {
                len = in.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return -1;
                }
            }
            return buf[pos++] & 0xff;
        }

        /** The first byte of the next line; the previous line must have been consumed. */
        int next() throws IOException {
            return last == '\n' ? (last = read()) : -1;
        }

        /** Whether the line started by {@code first} is a field named {@code name} (case-insensitive). */
        boolean isField(int first, byte[] name) throws IOException {
            int c = first;
            for (int i = 0; i < name.length; i++) {
                if (i > 0) {
                    c = read();
                    last = c;
                }
                if (c != name[i] && !(c >= 'A' && c <= 'Z' && c + ('a' - 'A') == name[i])) {
                    return false;
                }
            }
            for (c = read(); c == ' ' || c == '\t'; c = read()) {
                // RFC 5322 obsolete syntax allows WSP before the colon
            }
            last = c;
            return c == ':';
        }

        /** Copies the rest of the line, without the line end, into {@code out}. */
        void copyRest(ByteArrayOutputStream out) throws IOException {
            int c;
            while ((c = read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    out.write(c);
                }
            }
            last = c < 0 ? -1 : '\n';
        }

        void skipRest() throws IOException {
            if (last == '\n' || last < 0) {
                return; // isField already read to the end of the line (or of the input)
            }
            int c;
            while ((c = read()) >= 0 && c != '\n') {
                // skip
            }
            last = c < 0 ? -1 : '\n';
        }
    }
}
