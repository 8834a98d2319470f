package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 2045 §6.8 base64 decoding, compared with the JDK's decoder, plus the lenient cases. */
class Base64DecodingStreamTest {
    static byte[] decode(byte[] encoded, int maxRead) throws IOException {
        InputStream slow = new FilterInputStream(new ByteArrayInputStream(encoded)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, maxRead));
            }
        };
        return new Base64DecodingStream(slow).readAllBytes();
    }

    @Test
    void matchesTheJdkForAllLengthsAndLineWidths() throws Exception {
        Random r = new Random(3);
        for (int len = 0; len < 300; len++) {
            byte[] data = new byte[len];
            r.nextBytes(data);
            for (int width : new int[] {4, 76, 1000}) {
                byte[] enc = Base64.getMimeEncoder(width, "\r\n".getBytes(StandardCharsets.US_ASCII)).encode(data);
                assertThat(decode(enc, 1 + r.nextInt(50))).as("len=" + len + " width=" + width).isEqualTo(data);
            }
        }
        byte[] big = new byte[3_000_001];
        r.nextBytes(big);
        assertThat(decode(Base64.getMimeEncoder().encode(big), Integer.MAX_VALUE)).isEqualTo(big);
    }

    @Test
    void lenientOnJunkMissingPaddingAndConcatenation() throws Exception {
        assertThat(decode("SGVs bG8\t\r\n*!".getBytes(StandardCharsets.US_ASCII), 3)).isEqualTo("Hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(decode("SGVsbG8".getBytes(StandardCharsets.US_ASCII), 100)).isEqualTo("Hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(decode("SGk=SGk=".getBytes(StandardCharsets.US_ASCII), 100)).isEqualTo("HiHi".getBytes(StandardCharsets.US_ASCII));
        assertThat(decode("====".getBytes(StandardCharsets.US_ASCII), 100)).isEmpty();
    }
}
