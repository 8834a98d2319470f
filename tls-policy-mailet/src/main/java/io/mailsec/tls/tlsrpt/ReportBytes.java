package io.mailsec.tls.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The report's bytes on the wire: gzip for {@code application/tlsrpt+gzip} (RFC 8460 §5.3), and the
 * way back for a received file, which may be either form. A received file is read with a limit on
 * the JSON it may expand to, so a small gzip bomb cannot fill the memory.
 */
public final class ReportBytes {
    /** Content type of a compressed report (registered by RFC 8460). */
    public static final String GZIP_TYPE = "application/tlsrpt+gzip";
    /** Content type of an uncompressed report (registered by RFC 8460). */
    public static final String JSON_TYPE = "application/tlsrpt+json";
    /** Default limit for a received report's JSON: far above any real one (a day of a large sender is a few hundred KB). */
    public static final long DEFAULT_MAX_JSON = 16L << 20;

    private ReportBytes() {
    }

    public static byte[] gzip(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip to memory", e);
        }
        return out.toByteArray();
    }

    /**
     * The JSON of a received report: the input itself, or its gunzipped content when it starts with the
     * gzip magic bytes (whatever the file is called).
     *
     * @throws ReportFormatException when the JSON (or the input) is larger than {@code maxJson} bytes, or the gzip data is broken
     */
    public static byte[] readJson(InputStream in, long maxJson) throws IOException, ReportFormatException {
        PushbackInputStream p = new PushbackInputStream(in, 2);
        byte[] head = p.readNBytes(2);
        p.unread(head);
        boolean gz = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        try {
            return limited(gz ? new GZIPInputStream(p, 8192) : p, maxJson, gz);
        } catch (ZipException | java.io.EOFException e) {
            throw new ReportFormatException("broken gzip data: " + e.getMessage());
        }
    }

    private static byte[] limited(InputStream in, long max, boolean gz) throws IOException, ReportFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > max) {
                throw new ReportFormatException((gz ? "decompressed report" : "report") + " is larger than " + max
                        + " bytes: refused (a real one is far smaller)");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
