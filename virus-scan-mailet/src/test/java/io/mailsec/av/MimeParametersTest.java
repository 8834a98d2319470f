package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Parameters of Content-Type / Content-Disposition: RFC 2045 syntax, RFC 2231, RFC 2047, raw 8-bit octets. */
class MimeParametersTest {
    /** A header value as PartHeaders holds it: one char per octet. */
    static String octets(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void quotedCommentedAndCaseInsensitiveParameters() {
        MimeParameters p = MimeParameters.parse("attachment (a comment); FileName=\"a; b \\\"c\\\".pdf\"; size=12");
        assertThat(p.value()).isEqualTo("attachment");
        assertThat(p.text("filename")).isEqualTo("a; b \"c\".pdf");
        assertThat(p.raw("size")).isEqualTo("12");
        assertThat(p.text("missing")).isNull();
        assertThat(MimeParameters.parse(null).text("filename")).isNull();
    }

    @Test
    void rfc2231CharsetContinuationsAndPrecedence() {
        assertThat(MimeParameters.parse("attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC.com").text("filename"))
            .isEqualTo("日本.com");
        // sections in numeric order whatever their order in the field; only "*" sections are percent-decoded
        assertThat(MimeParameters.parse("attachment; filename*1*=%E6%9C%AC; filename*0*=utf-8'ja'%E6%97%A5;"
            + " filename*2=\"%41.com\"").text("filename")).isEqualTo("日本%41.com");
        assertThat(MimeParameters.parse("attachment; filename*=iso-8859-1'en'caf%E9.txt").text("filename"))
            .isEqualTo("café.txt");
        // the extended form wins over the plain one, which is there for old readers
        assertThat(MimeParameters.parse("attachment; filename=\"fallback.txt\"; filename*=UTF-8''real.exe").text("filename"))
            .isEqualTo("real.exe");
        // unknown charset: the octets decide
        assertThat(MimeParameters.parse("attachment; filename*=x-unknown''%E6%97%A5.bin").text("filename"))
            .isEqualTo("日.bin");
        // a stray "%" stays
        assertThat(MimeParameters.parse("attachment; filename*=UTF-8''100%.txt").text("filename")).isEqualTo("100%.txt");
    }

    @Test
    void rfc2047WordsAndRaw8BitOctetsWhateverThePartCharset() {
        assertThat(MimeParameters.parse("application/pdf; name=\"=?UTF-8?B?5pel5pys?=.pdf\"").text("name")).isEqualTo("日本.pdf");
        assertThat(MimeParameters.parse("application/pdf; name=\"=?iso-8859-1?Q?caf=E9?=.pdf\"").text("name")).isEqualTo("café.pdf");
        // raw UTF-8 (RFC 6532) and raw Latin-1 octets, as PartHeaders reads them
        assertThat(MimeParameters.parse(octets("attachment; filename=\"日本.txt\"")).text("filename")).isEqualTo("日本.txt");
        assertThat(MimeParameters.parse("attachment; filename=\"caf\u00e9.txt\"").text("filename")).isEqualTo("café.txt");
        // a value already decoded to wide chars (a reader that parsed UTF-8 headers) is taken as it is
        assertThat(MimeParameters.parse("attachment; filename=\"日本.txt\"").text("filename")).isEqualTo("日本.txt");
    }

    @Test
    void boundaryIsTheExactOctets() {
        assertThat(MediaType.parse(octets("multipart/mixed; boundary=\"=_ä x\""), "text/plain").boundary())
            .isEqualTo(octets("=_ä x"));
    }

    @Test
    void mediaTypeFallsBackLikeRfc2045() {
        MediaType t = MediaType.parse("Multipart/Mixed; boundary=b", "text/plain");
        assertThat(t.baseType()).isEqualTo("multipart/mixed");
        assertThat(t.isMultipart()).isTrue();
        assertThat(t.boundary()).isEqualTo("b");
        assertThat(MediaType.parse("text/plain garbage; charset=us-ascii", "text/plain").baseType()).isEqualTo("text/plain");
        assertThat(MediaType.parse("garbage", "message/rfc822").baseType()).isEqualTo("message/rfc822");
        assertThat(MediaType.parse("", "text/plain").baseType()).isEqualTo("text/plain");
        assertThat(MediaType.parse(null, "text/plain").subtype()).isEqualTo("plain");
        assertThat(MediaType.parse("multipart/mixed", "text/plain").boundary()).isNull();
    }
}
