package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.tls.tlsrpt.AppliedPolicy;
import io.mailsec.tls.tlsrpt.DayTally;
import io.mailsec.tls.tlsrpt.FileTlsRptStore;
import io.mailsec.tls.tlsrpt.ReportBuilder;
import io.mailsec.tls.tlsrpt.ReportBytes;
import io.mailsec.tls.tlsrpt.ReportJsonWriter;
import io.mailsec.tls.tlsrpt.ReportSubmitter;
import io.mailsec.tls.tlsrpt.ResultType;
import io.mailsec.tls.tlsrpt.SessionFailure;
import io.mailsec.tls.tlsrpt.SessionRecord;

/**
 * {@code mailsec tls report FILE}: a report mailsec itself built (recorded sessions, gzipped as the
 * report mail attaches it) and one in RFC 8460 Appendix B's shape, written for this test; then
 * inputs that are no report.
 */
class TlsReportCommandTest {
    static final LocalDate DAY = LocalDate.of(2026, 12, 3);

    @TempDir
    static Path dir;
    static Path gz;

    record Run(int code, String out, String err) {
    }

    static Run run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("tls"));
        all.addAll(Arrays.asList(args));
        int code = Main.run(all, new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run run(String... args) {
        return run(new byte[0], args);
    }

    /** example.com's day: 7 successes and 3 failures at two MX hosts under its MTA-STS policy, 2 sessions before it was fetched. */
    @BeforeAll
    static void aReportOfOurOwn() throws Exception {
        Instant noon = DAY.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(12 * 3600);
        AppliedPolicy sts = AppliedPolicy.sts("example.com", "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\n"
                + "max_age: 604800\r\n", List.of("mx1.example.com", "mx2.example.com"));
        SessionFailure expired = SessionFailure.of(ResultType.CERTIFICATE_EXPIRED).sendingMtaIp("192.0.2.25")
                .receivingMxHostname("mx1.example.com").receivingIp("198.51.100.10");
        SessionFailure noTls = SessionFailure.of(ResultType.STARTTLS_NOT_SUPPORTED).sendingMtaIp("192.0.2.25")
                .receivingMxHostname("mx2.example.com").receivingIp("2001:db8::2");
        try (FileTlsRptStore store = FileTlsRptStore.open(dir.resolve("store"), Clock.fixed(noon, ZoneOffset.UTC), 7)) {
            for (int i = 0; i < 7; i++) {
                store.append(SessionRecord.success(noon.plusSeconds(i), sts));
            }
            store.append(SessionRecord.failure(noon, sts, expired));
            store.append(SessionRecord.failure(noon, sts, expired));
            store.append(SessionRecord.failure(noon, sts, noTls));
            store.append(SessionRecord.failure(noon.minusSeconds(3600), AppliedPolicy.noPolicyFound("example.com"),
                    SessionFailure.of(ResultType.STS_POLICY_FETCH_ERROR)));
            store.append(SessionRecord.success(noon.minusSeconds(3600), AppliedPolicy.noPolicyFound("example.com")));
            byte[] json = ReportJsonWriter.write(new ReportBuilder(new ReportSubmitter("Mailsec Test", "tls-reports@mailsec.test",
                    "mx.mailsec.test")).build(DayTally.read(store, DAY), "example.com").orElseThrow());
            gz = dir.resolve("mx.mailsec.test!example.com!1796256000!1796342399.json.gz");
            Files.write(gz, ReportBytes.gzip(json));
        }
    }

    @Test
    void theTable() {
        Run r = run("report", gz.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(String.join("\n",
                "TLS report 2026-12-03_example.com@mx.mailsec.test",
                "from       Mailsec Test <tls-reports@mailsec.test>",
                "period     2026-12-03T00:00:00Z to 2026-12-03T23:59:59Z",
                "",
                "POLICY DOMAIN  TYPE             MX HOSTS                         SUCCESSES  FAILURES  FAILURES BY RESULT TYPE",
                "example.com    sts              mx1.example.com,mx2.example.com          7         3  certificate-expired=2, starttls-not-supported=1",
                "example.com    no-policy-found  -                                        1         1  sts-policy-fetch-error=1",
                "",
                "FAILURES PER MX",
                "POLICY DOMAIN  MX HOST          RECEIVING IP   RESULT TYPE             SESSIONS",
                "example.com    mx1.example.com  198.51.100.10  certificate-expired            2",
                "example.com    mx2.example.com  2001:db8::2    starttls-not-supported         1",
                "example.com    -                -              sts-policy-fetch-error         1",
                ""));
    }

    @Test
    void theJsonFromStandardInput() throws Exception {
        Run r = run(Files.readAllBytes(gz), "report", "-", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("reportId").asText()).isEqualTo("2026-12-03_example.com@mx.mailsec.test");
        assertThat(j.at("/policies/0/successes").asLong()).isEqualTo(7);
        assertThat(j.at("/policies/0/failuresByResultType").toString()).isEqualTo("{\"certificate-expired\":2,\"starttls-not-supported\":1}");
        assertThat(j.at("/policies/0/failuresByMx/0").toString())
                .isEqualTo("{\"mxHost\":\"mx1.example.com\",\"receivingIp\":\"198.51.100.10\",\"resultType\":\"certificate-expired\",\"sessions\":2}");
        assertThat(j.at("/policies/1/failuresByMx/0/mxHost").isNull()).isTrue();
        assertThat(j.get("warnings")).isEmpty();
    }

    @Test
    void aReportInTheRfcsAppendixShapeIsShownWithItsWarning() throws Exception {
        Path f = dir.resolve("appendix.json");
        Files.writeString(f, "{\"organization-name\":\"Sender Org\",\"date-range\":{\"start-datetime\":\"2026-11-30T00:00:00Z\","
                + "\"end-datetime\":\"2026-11-30T23:59:59Z\"},\"contact-info\":\"tlsrpt@sender.example\",\"report-id\":\"5065427c-23d3\","
                + "\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: testing\","
                + "\"mx: *.mail.receiver.example\",\"max_age: 86400\"],\"policy-domain\":\"receiver.example\",\"mx-host\":\"*.mail.receiver.example\"},"
                + "\"summary\":{\"total-successful-session-count\":5326,\"total-failure-session-count\":303},\"failure-details\":["
                + "{\"result-type\":\"certificate-expired\",\"sending-mta-ip\":\"2001:db8:abcd:12::1\",\"receiving-mx-hostname\":"
                + "\"mx1.mail.receiver.example\",\"failed-session-count\":100},{\"result-type\":\"starttls-not-supported\",\"sending-mta-ip\":"
                + "\"2001:db8:abcd:13::1\",\"receiving-mx-hostname\":\"mx2.mail.receiver.example\",\"receiving-ip\":\"203.0.113.56\","
                + "\"failed-session-count\":200},{\"result-type\":\"validation-failure\",\"sending-mta-ip\":\"198.51.100.62\",\"receiving-ip\":"
                + "\"203.0.113.58\",\"receiving-mx-hostname\":\"mx-backup.mail.receiver.example\",\"failed-session-count\":3,"
                + "\"failure-reason-code\":\"X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED\"}]}]}");
        Run r = run("report", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("receiver.example  sts   *.mail.receiver.example       5326       303  certificate-expired=100, "
                + "starttls-not-supported=200, validation-failure=3",
                "receiver.example  mx-backup.mail.receiver.example  203.0.113.58  validation-failure             3",
                "receiver.example  mx1.mail.receiver.example        -             certificate-expired          100",
                "warning: policies[0].policy.mx-host: a string, not an array (taken as one host)");
    }

    @Test
    void whatIsNoReportIsRefusedWithTheReason() throws Exception {
        Path xml = dir.resolve("dmarc.xml");
        Files.writeString(xml, "<?xml version=\"1.0\"?><feedback></feedback>");
        Run r = run("report", xml.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("mailsec tls report: " + xml + ": not a TLS report: not JSON: Unexpected character ('<'");
        assertThat(r.out()).isEmpty();

        Path bomb = dir.resolve("bomb.json.gz");
        Files.write(bomb, ReportBytes.gzip(new byte[32 << 20]));
        r = run("report", bomb.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not a TLS report: decompressed report is larger than 16777216 bytes");
        r = run("report", gz.toString(), "--max-size", "100", "--json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(r.out()).get("error").asText()).endsWith("not a TLS report: decompressed report is larger than "
                + "100 bytes: refused (a real one is far smaller)");

        Path broken = dir.resolve("broken.json.gz");
        byte[] bytes = Files.readAllBytes(gz);
        Files.write(broken, Arrays.copyOf(bytes, bytes.length - 12));
        assertThat(run("report", broken.toString()).err()).contains("not a TLS report: broken gzip data");

        Path counts = dir.resolve("counts.json");
        Files.writeString(counts, "{\"organization-name\":\"o\",\"date-range\":{\"start-datetime\":\"2026-11-30T00:00:00Z\",\"end-datetime\":"
                + "\"2026-11-30T23:59:59Z\"},\"report-id\":\"r\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\"},\"summary\":"
                + "{\"total-successful-session-count\":\"many\"}}]}");
        assertThat(run("report", counts.toString()).err()).contains(
                "not a TLS report: policies[0].summary.total-successful-session-count: \"many\" is not a whole number from 0 up");

        assertThat(run("report", dir.resolve("nothing.json").toString()).err()).endsWith("nothing.json: no such file\n");
        Run usage = run("report");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("FILE missing", "usage: mailsec tls report FILE");
        assertThat(run("report", "a", "b").code()).isEqualTo(2);
        assertThat(run("report", "--help").out()).contains("usage: mailsec tls report FILE");
    }
}
