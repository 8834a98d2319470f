package io.mailsec.tls.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A report mail ready to be handed to the mail system (RFC 8460 §5.3): header fields in order, and the
 * {@code multipart/report; report-type="tlsrpt"} body with its two parts, CRLF line ends throughout.
 * {@link #toBytes()} is the whole message (RFC 5322), header fields folded at 78 characters where a
 * space allows. Immutable.
 */
public final class ReportMessage {
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;
    private final String fileName;
    private final byte[] report;

    ReportMessage(List<Map.Entry<String, String>> headers, byte[] body, String fileName, byte[] report) {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            if (e.getValue().indexOf('\r') >= 0 || e.getValue().indexOf('\n') >= 0) {
                // a value from configuration or DNS must not add header fields of its own
                throw new IllegalArgumentException("header " + e.getKey() + " contains a line break");
            }
            h.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        this.headers = List.copyOf(h);
        this.body = body.clone();
        this.fileName = fileName;
        this.report = report.clone();
    }

    /** Header fields in order, values unfolded. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The first value of {@code name} (case ignored). */
    public Optional<String> header(String name) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The body after the header section: the MIME multipart, CRLF line ends. */
    public byte[] body() {
        return body.clone();
    }

    /** The attachment's file name (RFC 8460 §5.3). */
    public String fileName() {
        return fileName;
    }

    /** The gzipped report the attachment carries. */
    public byte[] report() {
        return report.clone();
    }

    /** The message: folded header section, empty line, body. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1024);
        for (Map.Entry<String, String> e : headers) {
            out.writeBytes(fold(e.getKey(), e.getValue()).getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /**
     * {@code Name: value} as lines of at most 78 characters where the value has spaces to break at
     * (RFC 5322 §2.2.3: a fold is a CRLF before white space); a longer word stays whole (the hard limit
     * of 998 is never near: names are at most 253 characters). A word ending in ':' is a label, as in
     * the subject's {@code Report-ID: <...>}, and moves to the next line with the value it names.
     */
    static String fold(String name, String value) {
        StringBuilder out = new StringBuilder(name.length() + value.length() + 8);
        StringBuilder line = new StringBuilder(name).append(':');
        int lastWord = -1;
        for (String word : value.split(" ", -1)) {
            if (line.length() + 1 + word.length() > 78 && line.length() > name.length() + 1) {
                String carry = "";
                if (lastWord > name.length() + 1 && line.charAt(line.length() - 1) == ':') {
                    carry = line.substring(lastWord + 1);
                    line.setLength(lastWord);
                }
                out.append(line).append("\r\n");
                line.setLength(0);
                if (!carry.isEmpty()) {
                    line.append(' ').append(carry);
                }
            }
            lastWord = line.length();
            line.append(' ').append(word);
        }
        return out.append(line).append("\r\n").toString();
    }
}
