package io.mailsec.tls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * Received reports: what is refused (with the member named) and what is read with a warning. The
 * reports here are written for this test; their shapes follow RFC 8460 §4.4 and Appendix B and the
 * variations senders are known for (a single-string mx-host, no policy-domain for no-policy-found, a
 * summary without the failure count).
 */
class ReportJsonReaderTest {
    /** RFC 8460 Appendix B's shape: mx-host a string, an IPv6 sender, a URI and a reason code. */
    static final String APPENDIX_B_SHAPE = "{\n"
            + "  \"organization-name\": \"Sender Org\",\n"
            + "  \"date-range\": {\"start-datetime\": \"2026-11-30T00:00:00Z\", \"end-datetime\": \"2026-11-30T23:59:59Z\"},\n"
            + "  \"contact-info\": \"tlsrpt@sender.example\",\n"
            + "  \"report-id\": \"8b9e1c54-0d35-4c7e-9a51-6a3b1f0c2d77\",\n"
            + "  \"policies\": [{\n"
            + "    \"policy\": {\"policy-type\": \"sts\", \"policy-string\": [\"version: STSv1\", \"mode: testing\", \"mx: *.mail.receiver.example\","
            + " \"max_age: 86400\"], \"policy-domain\": \"receiver.example\", \"mx-host\": \"*.mail.receiver.example\"},\n"
            + "    \"summary\": {\"total-successful-session-count\": 4100, \"total-failure-session-count\": 42},\n"
            + "    \"failure-details\": [\n"
            + "      {\"result-type\": \"certificate-expired\", \"sending-mta-ip\": \"2001:db8:abcd:12::1\","
            + " \"receiving-mx-hostname\": \"mx1.mail.receiver.example\", \"failed-session-count\": 30},\n"
            + "      {\"result-type\": \"starttls-not-supported\", \"sending-mta-ip\": \"198.51.100.62\", \"receiving-mx-hostname\":"
            + " \"mx2.mail.receiver.example\", \"receiving-ip\": \"203.0.113.56\", \"failed-session-count\": 10,"
            + " \"additional-information\": \"https://reports.sender.example/info?id=8b9e1c54\"},\n"
            + "      {\"result-type\": \"validation-failure\", \"sending-mta-ip\": \"198.51.100.62\", \"receiving-ip\": \"203.0.113.58\","
            + " \"receiving-mx-hostname\": \"mx-backup.mail.receiver.example\", \"failed-session-count\": 2,"
            + " \"failure-reason-code\": \"X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED\"}\n"
            + "    ]\n"
            + "  }]\n"
            + "}\n";

    static ParsedReport read(String json) throws Exception {
        return ReportJsonReader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    static String refusal(String json) {
        try {
            read(json);
        } catch (ReportFormatException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void theAppendixShapeIsReadWithOneWarning() throws Exception {
        ParsedReport p = read(APPENDIX_B_SHAPE);
        assertThat(p.warnings()).containsExactly("policies[0].policy.mx-host: a string, not an array (taken as one host)");
        TlsRptReport r = p.report();
        assertThat(r.reportId()).isEqualTo("8b9e1c54-0d35-4c7e-9a51-6a3b1f0c2d77");
        assertThat(r.start()).hasToString("2026-11-30T00:00:00Z");
        ReportPolicy policy = r.policies().get(0);
        assertThat(policy.mxHosts()).containsExactly("*.mail.receiver.example");
        assertThat(policy.successes()).isEqualTo(4100);
        assertThat(policy.failureDetails()).extracting(ReportFailure::resultType)
                .containsExactly("certificate-expired", "starttls-not-supported", "validation-failure");
        assertThat(policy.failureDetails().get(2).failureReasonCode()).contains("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
        assertThat(policy.failureDetails().get(0).receivingIp()).isEmpty();
    }

    @Test
    void variationsAreWarnings() throws Exception {
        String noPolicy = "{\"organization-name\":\"Big Mail\",\"date-range\":{\"start-datetime\":\"2026-11-30T00:00:00+01:00\","
                + "\"end-datetime\":\"2026-11-30T23:59:59z\"},\"report-id\":\"2026-11-30T00:00:00Z_receiver.example\",\"policies\":["
                + "{\"policy\":{\"policy-type\":\"no-policy-found\"},\"summary\":{\"total-successful-session-count\":1}},"
                + "{\"policy\":{\"policy-type\":\"smtp-dane\",\"policy-domain\":\"receiver.example\"},\"summary\":{\"total-successful-session-count\":0,"
                + "\"total-failure-session-count\":3},\"failure-details\":[{\"result-type\":\"certificate-revoked\",\"failed-session-count\":2}]}],"
                + "\"extension\":{\"ignored\":true}}";
        ParsedReport p = read(noPolicy);
        assertThat(p.warnings()).containsExactly("contact-info: missing",
                "policies[0].summary.total-failure-session-count: missing (taken as 0)",
                "policies[1].policy.policy-type: 'smtp-dane' is none of sts, tlsa, no-policy-found",
                "policies[1].failure-details[0].result-type: 'certificate-revoked' is not an RFC 8460 §4.3 result type",
                "policies[1]: total-failure-session-count 3 is not the sum of failed-session-count, 2");
        assertThat(p.report().start()).hasToString("2026-11-29T23:00:00Z");
        assertThat(p.report().policies().get(0).policyDomain()).isEmpty();
        assertThat(p.report().policyDomain()).contains("receiver.example");
    }

    @Test
    void malformedReportsAreRefusedNamingTheMember() {
        String ok = "{\"organization-name\":\"o\",\"date-range\":{\"start-datetime\":\"2026-11-30T00:00:00Z\",\"end-datetime\":"
                + "\"2026-11-30T23:59:59Z\"},\"contact-info\":\"a@b.example\",\"report-id\":\"r\",\"policies\":[{\"policy\":"
                + "{\"policy-type\":\"sts\",\"policy-domain\":\"b.example\"},\"summary\":{\"total-successful-session-count\":1,"
                + "\"total-failure-session-count\":1},\"failure-details\":[{\"result-type\":\"certificate-expired\",\"failed-session-count\":1}]}]}";
        assertThat(refusal(ok.replace("\"failed-session-count\":1", "\"failed-session-count\":1.5")))
                .isEqualTo("policies[0].failure-details[0].failed-session-count: 1.5 is not a whole number from 0 up");
        assertThat(refusal(ok.replace("\"total-successful-session-count\":1", "\"total-successful-session-count\":-4")))
                .isEqualTo("policies[0].summary.total-successful-session-count: -4 is not a whole number from 0 up");
        assertThat(refusal(ok.replace("\"total-successful-session-count\":1", "\"total-successful-session-count\":\"1\"")))
                .isEqualTo("policies[0].summary.total-successful-session-count: \"1\" is not a whole number from 0 up");
        assertThat(refusal(ok.replace(",\"failed-session-count\":1", ""))).isEqualTo("policies[0].failure-details[0].failed-session-count: missing");
        assertThat(refusal(ok.replace("\"result-type\":\"certificate-expired\",", ""))).isEqualTo("policies[0].failure-details[0].result-type: missing");
        assertThat(refusal(ok.replace("\"summary\"", "\"summery\""))).isEqualTo("policies[0].summary: missing");
        assertThat(refusal(ok.replace("\"policy-type\":\"sts\",", ""))).isEqualTo("policies[0].policy.policy-type: missing");
        assertThat(refusal(ok.replace("\"policy-domain\":\"b.example\"", "\"policy-domain\":[\"b.example\"]")))
                .isEqualTo("policies[0].policy.policy-domain: not a string");
        assertThat(refusal(ok.replace("\"report-id\":\"r\",", ""))).isEqualTo("report-id: missing");
        assertThat(refusal(ok.replace("2026-11-30T23:59:59Z", "30 Nov 2026")))
                .isEqualTo("date-range.end-datetime: '30 Nov 2026' is not an RFC 3339 date-time (e.g. 2026-12-03T00:00:00Z)");
        assertThat(refusal(ok.replace("2026-11-30T23:59:59Z", "2026-11-29T23:59:59Z"))).contains("date-range: end-datetime", "is before");
        assertThat(refusal(ok.replace("\"policies\":[", "\"policies\":{\"x\":[").replace("]}]}", "]}]}}"))).isEqualTo("policies: not an array");
        assertThat(refusal(ok.replace("\"failure-details\":[", "\"failure-details\":{\"a\":[").replace("]}]}", "]}}]}")))
                .isEqualTo("policies[0].failure-details: not an array");
        assertThat(refusal("[" + ok + "]")).isEqualTo("not a JSON object");
        assertThat(refusal("")).isEqualTo("empty input");
        assertThat(refusal(ok.substring(0, 100))).startsWith("not JSON: Unexpected end-of-input");
        assertThat(refusal(ok + " {}")).startsWith("not JSON: Trailing token");
        assertThat(refusal(ok.replace("\"report-id\":\"r\"", "\"report-id\":\"r\",\"report-id\":\"s\""))).startsWith("not JSON: Duplicate field 'report-id'");
        assertThat(refusal("<?xml version=\"1.0\"?><feedback/>")).startsWith("not JSON: Unexpected character ('<'").contains("line 1, column 2");
    }

    @Test
    void compressedOrNotAndSizeLimited() throws Exception {
        byte[] json = APPENDIX_B_SHAPE.getBytes(StandardCharsets.UTF_8);
        byte[] gz = ReportBytes.gzip(json);
        assertThat(ReportBytes.readJson(new ByteArrayInputStream(gz), 1 << 20)).isEqualTo(json);
        assertThat(ReportBytes.readJson(new ByteArrayInputStream(json), 1 << 20)).isEqualTo(json);
        // 64 MB of spaces gzip to about 64 KB: refused once 1 MB has come out, without inflating the rest
        byte[] bomb = ReportBytes.gzip(new byte[64 << 20]);
        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> ReportBytes.readJson(new ByteArrayInputStream(bomb), 1 << 20))
                .isInstanceOf(ReportFormatException.class).hasMessage("decompressed report is larger than 1048576 bytes: refused (a real one is far smaller)");
        assertThatThrownBy(() -> ReportBytes.readJson(new ByteArrayInputStream(json), 100)).hasMessageStartingWith("report is larger than 100 bytes");
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        assertThatThrownBy(() -> ReportBytes.readJson(new ByteArrayInputStream(cut), 1 << 20)).isInstanceOf(ReportFormatException.class)
                .hasMessageStartingWith("broken gzip data");
        byte[] corrupt = gz.clone();
        corrupt[20] ^= 0x55;
        assertThatThrownBy(() -> ReportBytes.readJson(new ByteArrayInputStream(corrupt), 1 << 20)).isInstanceOf(ReportFormatException.class)
                .hasMessageStartingWith("broken gzip data");
        assertThat(ReportBytes.readJson(new ByteArrayInputStream(new byte[0]), 10)).isEmpty();
    }
}
