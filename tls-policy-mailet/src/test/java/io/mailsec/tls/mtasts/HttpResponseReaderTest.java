package io.mailsec.tls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** HTTP/1.1 response framing (RFC 9112 §6): what servers other than the test's nginx may send. */
class HttpResponseReaderTest {
    private static HttpResponseReader reader(String response) {
        return new HttpResponseReader(new ByteArrayInputStream(response.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String body(String response, int max) throws IOException {
        HttpResponseReader r = reader(response);
        return new String(r.readBody(r.readHead(), max), StandardCharsets.ISO_8859_1);
    }

    @Test
    void contentLengthChunkedAndUntilClose() throws IOException {
        assertThat(body("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", 100)).isEqualTo("hello");
        assertThat(body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nX-Trailer: t\r\n\r\n", 100))
                .isEqualTo("hello!");
        assertThat(body("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nbare LF lines", 100)).isEqualTo("bare LF lines");
    }

    @Test
    void headFieldsInterimResponsesAndFolding() throws IOException {
        HttpResponseReader.Head h = reader("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 301 Moved Permanently\r\nLOCATION: https://x/\r\n"
                + "Content-Type: text/plain;\r\n charset=utf-8\r\n\r\n").readHead();
        assertThat(h.status).isEqualTo(301);
        assertThat(h.reason).isEqualTo("Moved Permanently");
        assertThat(h.field("Location")).isEqualTo("https://x/");
        assertThat(h.field("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(h.field("missing")).isNull();
    }

    @Test
    void limitsAndBrokenFraming() {
        assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 100))
                .isInstanceOf(HttpResponseReader.BodyTooLargeException.class).hasMessageContaining("Content-Length 101");
        assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + "x".repeat(64) + "\r\n40\r\n", 100))
                .isInstanceOf(HttpResponseReader.BodyTooLargeException.class);
        assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(101), 100)).isInstanceOf(HttpResponseReader.BodyTooLargeException.class);
        assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 100)).hasMessageContaining("after 5 of 10");
        assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 100)).hasMessageContaining("bad Content-Length");
        assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 100)).hasMessageContaining("unsupported Transfer-Encoding");
        assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100)).hasMessageContaining("bad chunk size");
        assertThatThrownBy(() -> reader("SSH-2.0-OpenSSH\r\n").readHead()).hasMessageContaining("not an HTTP/1.x status line");
        assertThatThrownBy(() -> reader("").readHead()).hasMessageContaining("closed before an HTTP response");
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nno colon\r\n\r\n").readHead()).hasMessageContaining("malformed header field");
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nX: " + "y".repeat(40000) + "\r\n\r\n").readHead()).hasMessageContaining("longer than");
    }
}
