package io.mailsec.av;

import java.io.InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

/**
 * Content-Transfer-Encoding (RFC 2045 §6) → a decoding stream, lenient where a mail reader is:
 * base64 by {@link Base64DecodingStream} (mime4j's and the JDK's decoders stop at the first "=" and
 * drop a trailing partial quantum: content a reader may show would go unscanned), quoted-printable by
 * mime4j (silent on malformed escapes, which it keeps as they are).
 */
final class TransferDecoding {
    private TransferDecoding() {
    }

    /** {@code encoding} in lower case; unknown ones (and 7bit, 8bit, binary) are scanned as they are. */
    static InputStream decode(InputStream in, String encoding) {
        switch (encoding) {
            case "base64":
                return new Base64DecodingStream(in);
            case "quoted-printable":
                return new QuotedPrintableInputStream(in, DecodeMonitor.SILENT);
            case "x-uuencode":
            case "uuencode":
            case "x-uue":
                return new UudecodingStream(in);
            default:
                return in;
        }
    }
}
