package io.mailsec.tls.tlsrpt;

import static io.mailsec.tls.tlsrpt.SimulatedDay.DAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.peers.PeerTools;

/**
 * The report mail (RFC 8460 §5.3) as bytes, and the same bytes read by Python's email package, a MIME
 * parser written independently of ours (Debian's python3): headers, the two parts, the attachment's
 * name and, gunzipped by Python, the very report.
 */
class ReportMessageTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-04T03:00:00Z"));

    @TempDir
    static Path dir;
    static TlsRptReport report;
    static ReportMessage mail;

    @BeforeAll
    static void build() throws Exception {
        MutableClock recording = new MutableClock(DAY.atStartOfDay(ZoneOffset.UTC).toInstant());
        try (FileTlsRptStore store = FileTlsRptStore.open(dir, recording, 7)) {
            SimulatedDay.wholeDay(store, recording);
            report = new ReportBuilder(ReportBuilderTest.SUBMITTER).build(DayTally.read(store, DAY), "example.com").orElseThrow();
        }
        mail = new ReportMessageBuilder(ReportBuilderTest.SUBMITTER, CLOCK).build(report, "tls-reports@mailsec.test",
                List.of("tlsrpt@example.com", "tlsrpt-copy@example.org"));
    }

    @Test
    void theHeadersRfc8460AsksFor() {
        assertThat(mail.header("Subject")).contains(
                "Report Domain: example.com Submitter: mx.mailsec.test Report-ID: <2026-12-03_example.com@mx.mailsec.test>");
        assertThat(mail.header("TLS-Report-Domain")).contains("example.com");
        assertThat(mail.header("TLS-Report-Submitter")).contains("mx.mailsec.test");
        assertThat(mail.header("TLS-Required")).contains("No");
        assertThat(mail.header("To")).contains("tlsrpt@example.com, tlsrpt-copy@example.org");
        assertThat(mail.header("Date")).contains("Fri, 4 Dec 2026 03:00:00 +0000");
        assertThat(mail.header("Content-Type").get()).matches("multipart/report; report-type=\"tlsrpt\"; boundary=\"tlsrpt-[0-9a-f-]{36}\"");
        assertThat(mail.header("Message-ID").get()).matches("<[0-9a-f-]{36}@mx\\.mailsec\\.test>");
        assertThat(mail.fileName()).isEqualTo("mx.mailsec.test!example.com!1796256000!1796342399.json.gz");

        String text = new String(mail.toBytes(), StandardCharsets.US_ASCII);
        assertThat(text).contains("Subject: Report Domain: example.com Submitter: mx.mailsec.test\r\n Report-ID:"
                + " <2026-12-03_example.com@mx.mailsec.test>\r\n");
        assertThat(text).contains("Content-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment;\r\n filename=\"mx.mailsec.test!example.com!1796256000!1796342399.json.gz\"\r\n");
        for (String line : text.split("\r\n", -1)) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
            assertThat(line).doesNotContain("\r").doesNotContain("\n");
        }
        assertThat(text.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void pythonsEmailPackageReadsTheSameMail() throws Exception {
        PeerTools.requireExecutable(PeerTools.PYTHON, "python3");
        Path script = dir.resolve("report_mail_check.py");
        Files.write(script, ReportMessageTest.class.getResourceAsStream("report_mail_check.py").readAllBytes());
        PeerTools.Result r = PeerTools.run(List.of(PeerTools.PYTHON, script.toString()), null, mail.toBytes(), 60);
        assertThat(r.exit).as("python: %s", r.err).isZero();
        JsonNode py = JSON.readTree(r.out);
        assertThat(py.get("content_type").asText()).isEqualTo("multipart/report");
        assertThat(py.get("report_type").asText()).isEqualTo("tlsrpt");
        assertThat(py.get("subject").asText())
                .isEqualTo("Report Domain: example.com Submitter: mx.mailsec.test Report-ID: <2026-12-03_example.com@mx.mailsec.test>");
        assertThat(py.get("tls_report_domain").asText()).isEqualTo("example.com");
        assertThat(py.get("tls_report_submitter").asText()).isEqualTo("mx.mailsec.test");
        assertThat(py.get("tls_required").asText()).isEqualTo("No");
        assertThat(py.get("date").asText()).isEqualTo("2026-12-04T03:00:00+00:00");
        assertThat(py.get("defects")).isEmpty();
        JsonNode parts = py.get("parts");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).get("content_type").asText()).isEqualTo("text/plain");
        assertThat(parts.get(0).get("text").asText()).contains("aggregate TLS report (RFC 8460) from mx.mailsec.test\r\nfor example.com",
                "2026-12-03T00:00:00Z to 2026-12-03T23:59:59Z");
        assertThat(parts.get(1).get("content_type").asText()).isEqualTo("application/tlsrpt+gzip");
        assertThat(parts.get(1).get("disposition").asText()).isEqualTo("attachment");
        assertThat(parts.get(1).get("filename").asText()).isEqualTo(mail.fileName());
        assertThat(parts.get(0).get("defects")).isEmpty();
        assertThat(parts.get(1).get("defects")).isEmpty();
        assertThat(parts.get(1).get("report")).isEqualTo(JSON.readTree(ReportJsonWriter.write(report)));
    }

    @Test
    void nothingFromOutsideAddsAHeaderField() {
        ReportMessageBuilder b = new ReportMessageBuilder(ReportBuilderTest.SUBMITTER, CLOCK);
        assertThatThrownBy(() -> b.build(report, "a@mailsec.test\r\nBcc: x@evil.example", List.of("tlsrpt@example.com")))
                .hasMessageContaining("line break");
        assertThatThrownBy(() -> b.build(report, "a@mailsec.test", List.of())).hasMessageContaining("no recipient");
        assertThat(ReportMessage.fold("X", "a ".repeat(60).strip())).contains("\r\n a");
    }
}
