package io.mailsec.cli;

import io.mailsec.av.ClamdProcess;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailsec av} against a real clamd (DESIGN.md: av scan JSON keys verdict / parts[name, verdict, viruses, reason]). */
class AvCommandTest {
    static ClamdProcess clamd;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        clamd = ClamdProcess.start();
    }

    @AfterAll
    static void stop() {
        clamd.close();
    }

    record Result(int code, String out, String err) {
    }

    static Result run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static byte[] eicar() {
        return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] zip(byte[] content) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry("invoice.exe"));
            z.write(content);
        }
        return bos.toByteArray();
    }

    static byte[] message(String filename, byte[] attachment) {
        String m = "From: a@example.com\r\nTo: b@example.org\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
            + "--XX\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
            + "--XX\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(attachment) + "\r\n--XX--\r\n";
        return m.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void infectedJsonHasTheDocumentedKeys() throws Exception {
        Path f = tmp.resolve("infected.eml");
        Files.write(f, message("invoice.zip", zip(eicar())));
        Result r = run(new byte[0], "av", "scan", "--clamd", clamd.tcpAddress(), "--json", f.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("verdict").asText()).isEqualTo("infected");
        assertThat(j.get("parts")).hasSize(2);
        JsonNode part = j.get("parts").get(1);
        assertThat(part.get("name").asText()).isEqualTo("invoice.zip");
        assertThat(part.get("verdict").asText()).isEqualTo("infected");
        assertThat(part.get("viruses").get(0).asText()).startsWith("Test.EICAR.");
        assertThat(part.get("reason").asText()).isNotEmpty();
        assertThat(j.get("parts").get(0).get("verdict").asText()).isEqualTo("clean");
    }

    @Test
    void cleanTextOutputOverUnixSocketFromStdin() throws Exception {
        Result r = run(message("ok.zip", zip("harmless".getBytes(StandardCharsets.US_ASCII))), "av", "scan", "--clamd", clamd.socketPath().toString(), "-");
        assertThat(r.code()).as(r.err() + r.out()).isEqualTo(0);
        assertThat(r.out()).startsWith("verdict: clean").contains("ok.zip");
    }

    @Test
    void unscannableAndErrorExitCodes() throws Exception {
        Path big = tmp.resolve("big.eml");
        byte[] random = new byte[5 * 1024 * 1024];
        new java.util.Random(1).nextBytes(random);
        Files.write(big, message("big.zip", random));
        Result r = run(new byte[0], "av", "scan", "--clamd", clamd.tcpAddress(), "--max-stream", "4M", "--json", big.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(new ObjectMapper().readTree(r.out()).get("verdict").asText()).isEqualTo("unscannable");

        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(ClamdProcess.ADDRESS))) {
            deadPort = s.getLocalPort();
        }
        Result e = run(new byte[0], "av", "scan", "--clamd", ClamdProcess.ADDRESS + ":" + deadPort, "--json", big.toString());
        assertThat(e.code()).isEqualTo(4);
        assertThat(new ObjectMapper().readTree(e.out()).get("verdict").asText()).isEqualTo("error");
    }

    @Test
    void pingHelpAndUsage() {
        Result p = run(new byte[0], "av", "ping", "--clamd", clamd.tcpAddress());
        assertThat(p.code()).isEqualTo(0);
        assertThat(p.out()).startsWith("PONG ClamAV 1.");
        assertThat(run(new byte[0], "av", "--help").code()).isEqualTo(0);
        assertThat(run(new byte[0], "av", "scan", "--help").out()).contains("--clamd");
        assertThat(run(new byte[0], "av", "scan").code()).isEqualTo(2);
        assertThat(run(new byte[0], "av", "scan", "--bogus", "x.eml").code()).isEqualTo(2);
        assertThat(run(new byte[0], "av", "scan", "/nonexistent.eml").code()).isEqualTo(2);
    }
}
