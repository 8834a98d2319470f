package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

/** Content-Transfer-Encoding decoders: quoted-printable (mime4j) and our uudecoder, against JavaMail's encoders. */
class TransferDecodingTest {
    static byte[] decode(String encoding, byte[] encoded) throws Exception {
        try (InputStream in = TransferDecoding.decode(new ByteArrayInputStream(encoded), encoding)) {
            return in.readAllBytes();
        }
    }

    static byte[] encode(String encoding, byte[] data) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream enc = MimeUtility.encode(bos, encoding)) {
            enc.write(data);
        }
        return bos.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void uuencodeRoundTripsForAllLengths() throws Exception {
        Random r = new Random(5);
        for (int len = 1; len < 200; len++) { // JavaMail writes no "begin" line for nothing
            byte[] data = new byte[len];
            r.nextBytes(data);
            assertThat(decode("x-uuencode", encode("uuencode", data))).as("len=" + len).isEqualTo(data);
        }
        byte[] big = new byte[1_000_003];
        r.nextBytes(big);
        assertThat(decode("uuencode", encode("uuencode", big))).isEqualTo(big);
    }

    @Test
    void uuencodeSkipsTextBeforeBeginAndToleratesLfAndDroppedPadding() throws Exception {
        // "Ca" is "\"0V$!" (the group padded); encoders that drop the padding write "\"0V$"
        assertThat(decode("x-uue", ascii("some text\nbegin 644 c.txt\n\"0V$!\n`\nend\n"))).isEqualTo(ascii("Ca"));
        assertThat(decode("x-uue", ascii("begin 644 c.txt\r\n\"0V$\r\n`\r\nend\r\n"))).isEqualTo(ascii("Ca"));
    }

    @Test
    void brokenUuencodeIsMalformed() {
        assertThatThrownBy(() -> decode("x-uuencode", ascii("no begin line here\n")))
            .isInstanceOf(MalformedContentException.class).hasMessageContaining("begin");
        assertThatThrownBy(() -> decode("x-uuencode", ascii("begin 644 c.txt\n#0V%T\n")))
            .isInstanceOf(MalformedContentException.class).hasMessageContaining("end");
        assertThatThrownBy(() -> decode("x-uuencode", ascii("begin 644 c.txt\nM0V%T\nend\n")))
            .isInstanceOf(MalformedContentException.class).hasMessageContaining("shorter");
    }

    @Test
    void quotedPrintableRoundTripsAndIsLenient() throws Exception {
        Random r = new Random(7);
        byte[] data = new byte[100_000];
        r.nextBytes(data);
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\r' || data[i] == '\n') {
                data[i] = (byte) (i % 100 == 0 ? '\t' : ' '); // the encoder writes line breaks as they are
            }
        }
        assertThat(decode("quoted-printable", encode("quoted-printable", data))).isEqualTo(data);
        // soft breaks (CRLF and bare LF), upper/lower-case hex, trailing blanks dropped
        assertThat(decode("quoted-printable", ascii("=58=4a=4A so=\r\nft=\nly  \r\nend"))).isEqualTo(ascii("XJJ softly\r\nend"));
        // malformed escapes are kept as they are, not an error
        assertThat(decode("quoted-printable", ascii("bad=ZZ and =4"))).isEqualTo(ascii("bad=ZZ and =4"));
    }

    @Test
    void unknownEncodingsAreScannedAsTheyAre() throws Exception {
        assertThat(decode("8bit", ascii("as is"))).isEqualTo(ascii("as is"));
        assertThat(decode("x-custom", ascii("=41"))).isEqualTo(ascii("=41"));
    }
}
