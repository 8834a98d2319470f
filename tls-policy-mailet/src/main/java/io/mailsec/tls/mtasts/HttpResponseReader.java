package io.mailsec.tls.mtasts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 response (RFC 9112) from a connection the client closes afterwards: status
 * line and header fields first, so the caller can refuse a status or media type before any body is
 * read, then the body framed by chunked transfer coding, Content-Length, or the end of the
 * connection — never more than a limit.
 */
final class HttpResponseReader {
    private static final int MAX_HEAD_BYTES = 32 * 1024;
    private final InputStream in;
    private int headBytes;

    HttpResponseReader(InputStream in) {
        this.in = in;
    }

    /** A body longer than the limit: the caller judges it, so it is not an I/O error. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(String message) {
            super(message);
        }
    }

    /** Status line and header fields (names in lower case, values in order of appearance). */
    static final class Head {
        final int status;
        final String reason;
        private final Map<String, List<String>> fields;

        Head(int status, String reason, Map<String, List<String>> fields) {
            this.status = status;
            this.reason = reason;
            this.fields = fields;
        }

        /** The first value of a field, or null. */
        String field(String name) {
            List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        List<String> fields(String name) {
            return fields.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    /** The final response's head (1xx interim responses are skipped). */
    Head readHead() throws IOException {
        while (true) {
            String statusLine = line();
            if (statusLine == null) {
                throw new IOException("connection closed before an HTTP response");
            }
            if (!statusLine.matches("HTTP/1\\.[0-9] [0-9]{3}( .*)?")) {
                throw new IOException("not an HTTP/1.x status line: '" + shorten(statusLine) + "'");
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
            Map<String, List<String>> fields = new LinkedHashMap<>();
            String last = null;
            for (String l = line(); ; l = line()) {
                if (l == null) {
                    throw new IOException("connection closed inside the response header");
                }
                if (l.isEmpty()) {
                    break;
                }
                if ((l.charAt(0) == ' ' || l.charAt(0) == '\t') && last != null) {
                    // obsolete line folding (RFC 9112 §5.2): part of the previous field's value
                    List<String> values = fields.get(last);
                    values.set(values.size() - 1, values.get(values.size() - 1) + " " + l.strip());
                    continue;
                }
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header field: '" + shorten(l) + "'");
                }
                last = l.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                fields.computeIfAbsent(last, k -> new ArrayList<>()).add(l.substring(colon + 1).strip());
            }
            if (status >= 100 && status < 200) {
                continue;
            }
            return new Head(status, reason, fields);
        }
    }

    /** The body of a response whose head was read, at most {@code max} bytes. */
    byte[] readBody(Head head, int max) throws IOException {
        List<String> te = head.fields("transfer-encoding");
        if (!te.isEmpty()) {
            // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3); no coding was asked for but chunked
            if (te.size() > 1 || !te.get(0).equalsIgnoreCase("chunked")) {
                throw new IOException("unsupported Transfer-Encoding '" + String.join(", ", te) + "'");
            }
            return chunked(max);
        }
        List<String> cl = head.fields("content-length");
        if (!cl.isEmpty()) {
            if (cl.stream().distinct().count() > 1 || !cl.get(0).matches("[0-9]{1,18}")) {
                throw new IOException("bad Content-Length " + cl);
            }
            long length = Long.parseLong(cl.get(0));
            if (length > max) {
                throw new BodyTooLargeException("Content-Length " + length + " exceeds the limit of " + max + " bytes");
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new IOException("connection closed after " + body.length + " of " + length + " body bytes");
            }
            return body;
        }
        return untilClose(max);
    }

    private byte[] chunked(int max) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            if (sizeLine == null) {
                throw new IOException("connection closed inside chunked body");
            }
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip();
            if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
                throw new IOException("bad chunk size '" + shorten(sizeLine) + "'");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                    // trailer fields are not used
                }
                return body.toByteArray();
            }
            if (body.size() + size > max) {
                throw new BodyTooLargeException("chunked body exceeds the limit of " + max + " bytes");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new IOException("connection closed inside a chunk");
            }
            body.write(chunk);
            String end = line();
            if (end == null || !end.isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private byte[] untilClose(int max) throws IOException {
        byte[] body = in.readNBytes(max + 1);
        if (body.length > max) {
            throw new BodyTooLargeException("body exceeds the limit of " + max + " bytes");
        }
        return body;
    }

    /** One line without its CRLF or LF, or null at the end of the stream before any byte. */
    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(80);
        int c;
        while ((c = in.read()) != -1) {
            if (++headBytes > MAX_HEAD_BYTES) {
                throw new IOException("response header or chunk framing longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (c == '\n') {
                byte[] l = b.toByteArray();
                int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                return new String(l, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        if (b.size() == 0) {
            return null;
        }
        throw new IOException("connection closed inside a line");
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
