package io.mailsec.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A push parser for a message in wire form (RFC 5322): collects the header block (bounded, default
 * 1 MiB) and splits it into {@link HeaderField}s; when the empty line that ends the headers arrives
 * it asks a {@link Listener} where the body goes, then passes every body byte straight through.
 * Feed it from {@code MimeMessage.writeTo(sink)} or {@link #copy(InputStream)}: the body is never
 * held in memory.
 */
public final class MessageSink extends OutputStream {
    /** Told the headers once; returns where the body bytes go (may be a no-op stream). */
    public interface Listener {
        OutputStream onHeaders(List<HeaderField> headers) throws IOException;
    }

    public static final int DEFAULT_MAX_HEADER_BYTES = 1 << 20;

    private final Listener listener;
    private final int maxHeaderBytes;
    private byte[] headerBuf = new byte[4096];
    private int headerLength;
    private int lineLength;
    private OutputStream body;
    private List<HeaderField> headers;
    private boolean closed;

    public MessageSink(Listener listener) {
        this(listener, DEFAULT_MAX_HEADER_BYTES);
    }

    public MessageSink(Listener listener, int maxHeaderBytes) {
        this.listener = listener;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (body != null) {
            body.write(b, off, len);
            return;
        }
        int end = off + len;
        int segment = off;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (lineLength == 0) {
                    // empty line: end of the header block; the rest of this chunk is body
                    append(b, segment, i - segment);
                    startBody();
                    if (i + 1 < end) {
                        body.write(b, i + 1, end - i - 1);
                    }
                    return;
                }
                lineLength = 0;
            } else if (c != '\r') {
                lineLength++;
            }
        }
        append(b, segment, end - segment);
    }

    private void append(byte[] b, int off, int len) throws IOException {
        if (headerLength + len > maxHeaderBytes) {
            throw new IOException("header block larger than " + maxHeaderBytes + " bytes");
        }
        if (headerLength + len > headerBuf.length) {
            headerBuf = java.util.Arrays.copyOf(headerBuf, Math.max(headerBuf.length * 2, headerLength + len));
        }
        System.arraycopy(b, off, headerBuf, headerLength, len);
        headerLength += len;
    }

    private void startBody() throws IOException {
        headers = split(headerBuf, headerLength);
        body = listener.onHeaders(headers);
        if (body == null) {
            body = OutputStream.nullOutputStream();
        }
    }

    /** Copies a whole message from {@code in} and closes this sink. */
    public void copy(InputStream in) throws IOException {
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf)) >= 0) {
            write(buf, 0, n);
        }
        close();
    }

    /** The header fields (available once the headers are complete or after close). */
    public List<HeaderField> headers() {
        return headers == null ? Collections.emptyList() : headers;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (body == null) {
            // a message with no body: everything was headers
            startBody();
        }
        body.close();
    }

    /** Splits a header block into fields; folded lines are joined with CRLF (bare LF normalised). */
    static List<HeaderField> split(byte[] block, int length) {
        String text = new String(block, 0, length, StandardCharsets.ISO_8859_1);
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        int pos = 0;
        int n = text.length();
        while (pos < n) {
            int lf = text.indexOf('\n', pos);
            int lineEnd = lf < 0 ? n : lf;
            int contentEnd = lineEnd > pos && text.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            String line = text.substring(pos, contentEnd);
            pos = lf < 0 ? n : lf + 1;
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append("\r\n").append(line);
            } else {
                if (current != null) {
                    fields.add(new HeaderField(current.toString()));
                }
                current = new StringBuilder(line);
            }
        }
        if (current != null && current.length() > 0) {
            fields.add(new HeaderField(current.toString()));
        }
        return fields;
    }
}
