package io.mailsec.av;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The MIME headers of one entity that matter for scanning (Content-Type, Content-Transfer-Encoding,
 * Content-Disposition), read line by line from the entity's stream up to the empty line. Other header
 * fields are skipped, so memory stays bounded whatever the header size.
 */
final class PartHeaders {
    private static final int MAX_FIELD = 16 * 1024;

    String contentType;
    String transferEncoding;
    String disposition;

    /** Headers given directly (a James MimeMessage's top-level fields). */
    static PartHeaders of(String contentType, String transferEncoding, String disposition) {
        PartHeaders h = new PartHeaders();
        h.contentType = contentType;
        h.transferEncoding = transferEncoding;
        h.disposition = disposition;
        return h;
    }

    /**
     * Reads header fields from {@code in} (which must support mark/reset, e.g. a BufferedInputStream)
     * up to and including the empty line. A line that is neither a field ("name: value") nor a
     * continuation ends the header without being consumed: it is body content and will be scanned
     * (a part that lacks the empty line must not hide its first lines from the scanner). A leading
     * mbox "From " line is skipped when {@code allowMboxFrom} (top-level message).
     */
    static PartHeaders read(InputStream in, boolean allowMboxFrom) throws IOException {
        PartHeaders h = new PartHeaders();
        ByteArrayOutputStream field = new ByteArrayOutputStream(256);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        boolean first = true;
        while (true) {
            line.reset();
            in.mark(MAX_FIELD + 16);
            boolean eof = readLine(in, line);
            byte[] l = line.toByteArray();
            int len = l.length;
            if (first && allowMboxFrom && len > 5 && new String(l, 0, 5, StandardCharsets.ISO_8859_1).equals("From ")) {
                first = false;
                continue;
            }
            first = false;
            if (len > 0 && (l[0] == ' ' || l[0] == '\t')) {
                if (field.size() < MAX_FIELD) {
                    field.write(l, 0, Math.min(len, MAX_FIELD - field.size()));
                }
            } else {
                h.accept(field);
                field.reset();
                if (len == 0) {
                    return h; // empty line (or EOF): end of header
                }
                if (!isField(l)) {
                    in.reset(); // not a header field: the body starts here
                    return h;
                }
                field.write(l, 0, Math.min(len, MAX_FIELD));
            }
            if (eof) {
                h.accept(field);
                return h;
            }
        }
    }

    /** "name:" with a name of printable ASCII without spaces (RFC 5322 §2.2; a space before the colon is tolerated). */
    private static boolean isField(byte[] l) {
        for (int i = 0; i < l.length; i++) {
            byte b = l[i];
            if (b == ':') {
                return i > 0;
            }
            if (b < 33 && b != ' ' || b > 126) {
                return false;
            }
        }
        return false;
    }

    /** Reads one line (at most MAX_FIELD bytes) without its terminator (CRLF or LF); returns true at EOF. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        while (line.size() < MAX_FIELD) {
            int b = in.read();
            if (b < 0) {
                return true;
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
                    line.reset();
                    line.write(bytes, 0, bytes.length - 1);
                }
                return false;
            }
            line.write(b);
        }
        return false; // over-long line: the rest is read as the next line
    }

    private void accept(ByteArrayOutputStream field) {
        if (field.size() == 0) {
            return;
        }
        String f = field.toString(StandardCharsets.ISO_8859_1); // a byte string: see HeaderText
        int colon = f.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String name = f.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = f.substring(colon + 1).trim();
        switch (name) {
            case "content-type":
                if (contentType == null) {
                    contentType = value;
                }
                break;
            case "content-transfer-encoding":
                if (transferEncoding == null) {
                    transferEncoding = value;
                }
                break;
            case "content-disposition":
                if (disposition == null) {
                    disposition = value;
                }
                break;
            default:
                break;
        }
    }

    /** Parsed content type; {@code fallback} (text/plain, or message/rfc822 in a digest) when absent or malformed. */
    MediaType type(String fallback) {
        return MediaType.parse(contentType, fallback);
    }

    String encoding() {
        return transferEncoding == null ? "7bit" : transferEncoding.trim().toLowerCase(Locale.ROOT);
    }

    /** Filename from Content-Disposition, else the Content-Type name parameter; RFC 2231 and RFC 2047 decoded. */
    String filename(MediaType type) {
        return filename(disposition, type);
    }

    /** The same from a Content-Disposition field body (or null) and the parsed Content-Type. */
    static String filename(String disposition, MediaType type) {
        String name = disposition == null ? null : MimeParameters.parse(disposition).text("filename");
        if (name == null) {
            name = type.parameters().text("name");
        }
        return name == null || name.isBlank() ? null : name.trim();
    }
}
