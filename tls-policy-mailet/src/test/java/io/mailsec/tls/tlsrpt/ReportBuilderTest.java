package io.mailsec.tls.tlsrpt;

import static io.mailsec.tls.tlsrpt.SimulatedDay.DAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The day's reports (RFC 8460 §4): one per Policy Domain, read back with a plain JSON tree (not the
 * report reader) and compared with what the simulated day recorded; then with {@link ReportJsonReader}.
 */
class ReportBuilderTest {
    static final ReportSubmitter SUBMITTER = new ReportSubmitter("mailsec test org", "tls-reports@mailsec.test", "MX.mailsec.test");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static SimulatedDay sim;
    static DayTally tally;

    @BeforeAll
    static void recordTheDay() throws Exception {
        MutableClock clock = new MutableClock(DAY.atStartOfDay(ZoneOffset.UTC).toInstant());
        try (FileTlsRptStore store = FileTlsRptStore.open(dir, clock, 7)) {
            sim = SimulatedDay.wholeDay(store, clock);
            tally = DayTally.read(store, DAY);
        }
    }

    static Map<String, JsonNode> reports() throws Exception {
        return reports(tally);
    }

    /** Every domain's report of {@code tally}, as JSON trees. */
    static Map<String, JsonNode> reports(DayTally tally) throws Exception {
        Map<String, JsonNode> m = new TreeMap<>();
        ReportBuilder b = new ReportBuilder(SUBMITTER);
        for (String d : tally.domains()) {
            m.put(d, JSON.readTree(ReportJsonWriter.write(b.build(tally, d).orElseThrow())));
        }
        return m;
    }

    @Test
    void eachDomainsReportCountsWhatWasRecorded() throws Exception {
        Map<String, JsonNode> reports = reports();
        assertThat(reports.keySet()).containsExactly("broken-sts.example", "example.com", "mx.dane.example", "plain.example");
        Map<String, Long> counted = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : reports.entrySet()) {
            JsonNode r = e.getValue();
            assertThat(fieldNames(r)).containsExactly("organization-name", "date-range", "contact-info", "report-id", "policies");
            assertThat(r.get("organization-name").asText()).isEqualTo("mailsec test org");
            assertThat(r.get("contact-info").asText()).isEqualTo("tls-reports@mailsec.test");
            assertThat(r.get("date-range").toString()).isEqualTo("{\"start-datetime\":\"2026-12-03T00:00:00Z\",\"end-datetime\":\"2026-12-03T23:59:59Z\"}");
            assertThat(r.get("report-id").asText()).isEqualTo("2026-12-03_" + e.getKey() + "@mx.mailsec.test");
            for (JsonNode p : r.get("policies")) {
                assertThat(fieldNames(p)).containsExactly("policy", "summary", "failure-details");
                assertThat(p.at("/policy/policy-domain").asText()).isEqualTo(e.getKey());
                AppliedPolicy policy = policyOf(p.get("policy"));
                String name = SimulatedDay.nameOf(policy);
                long ok = p.at("/summary/total-successful-session-count").asLong();
                if (ok > 0) {
                    counted.merge(name + " success", ok, Long::sum);
                }
                long sum = 0;
                for (JsonNode f : p.get("failure-details")) {
                    SessionFailure sf = SessionFailure.of(ResultType.fromWord(f.get("result-type").asText()).orElseThrow())
                            .receivingMxHostname(f.path("receiving-mx-hostname").textValue()).receivingIp(f.path("receiving-ip").textValue());
                    counted.merge(new SimulatedDay.Kind(name, policy, sf, 0).key(), f.get("failed-session-count").asLong(), Long::sum);
                    sum += f.get("failed-session-count").asLong();
                }
                assertThat(p.at("/summary/total-failure-session-count").asLong()).as("§4.2.2: the sum of the failure details").isEqualTo(sum);
            }
        }
        assertThat(counted).isEqualTo(sim.expected);
        assertThat(reports.get("example.com").get("policies")).hasSize(2);
        JsonNode morning = reports.get("example.com").at("/policies/0/policy");
        assertThat(morning.toString()).isEqualTo("{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: enforce\","
                + "\"mx: mx1.example.com\",\"mx: *.backup.example.com\",\"max_age: 604800\"],\"policy-domain\":\"example.com\","
                + "\"mx-host\":[\"mx1.example.com\",\"*.backup.example.com\"]}");
        assertThat(reports.get("plain.example").at("/policies/0/policy").toString())
                .isEqualTo("{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"plain.example\"}");
        assertThat(reports.get("mx.dane.example").at("/policies/0/policy/policy-string").toString())
                .isEqualTo("[\"" + SimulatedDay.TLSA_EE + "\",\"" + SimulatedDay.TLSA_TA + "\"]");
        JsonNode expired = null;
        for (JsonNode f : reports.get("example.com").at("/policies/0/failure-details")) {
            if (f.get("result-type").asText().equals("certificate-expired")) {
                expired = f;
            }
        }
        assertThat(fieldNames(expired)).containsExactly("result-type", "sending-mta-ip", "receiving-mx-hostname", "receiving-ip",
                "failed-session-count", "failure-reason-code");
    }

    @Test
    void theReaderReadsTheReportsBackWithoutAWarning() throws Exception {
        ReportBuilder b = new ReportBuilder(SUBMITTER);
        for (String d : tally.domains()) {
            TlsRptReport built = b.build(tally, d).orElseThrow();
            byte[] gz = ReportBytes.gzip(ReportJsonWriter.write(built));
            ParsedReport read = ReportJsonReader.read(ReportBytes.readJson(new ByteArrayInputStream(gz), ReportBytes.DEFAULT_MAX_JSON));
            assertThat(read.warnings()).isEmpty();
            assertThat(ReportJsonWriter.write(read.report())).isEqualTo(ReportJsonWriter.write(built));
            assertThat(read.report().policyDomain()).contains(d);
        }
    }

    @Test
    void noSessionsNoReport_andTheFileName() {
        ReportBuilder b = new ReportBuilder(SUBMITTER);
        assertThat(b.build(tally, "quiet.example")).isEmpty();
        TlsRptReport r = b.build(tally, "example.com").orElseThrow();
        assertThat(ReportFileName.of(r, SUBMITTER.domain())).isEqualTo("mx.mailsec.test!example.com!1796256000!1796342399.json.gz");
        assertThat(ReportFileName.of("mx.mailsec.test", "example.com", r.start(), r.end(), "2", false))
                .isEqualTo("mx.mailsec.test!example.com!1796256000!1796342399!2.json");
        assertThatThrownBy(() -> ReportFileName.of("mx.mailsec.test", "example.com", r.start(), r.end(), "a-b", true))
                .hasMessageContaining("letters and digits");
        assertThatThrownBy(() -> new ReportSubmitter("org", "not an address", "mx.mailsec.test")).hasMessageContaining("e-mail address");
        assertThat(ReportBuilder.reportId(DAY, "Example.COM", "mx.mailsec.test")).isEqualTo("2026-12-03_example.com@mx.mailsec.test")
                .as("shaped as a msg-id: dot-atom-text @ domain").matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9.-]+");
    }

    static AppliedPolicy policyOf(JsonNode p) {
        List<String> strings = texts(p.get("policy-string"));
        List<String> mx = texts(p.get("mx-host"));
        String domain = p.get("policy-domain").asText();
        switch (p.get("policy-type").asText()) {
            case "sts":
                return AppliedPolicy.sts(domain, String.join("\n", strings), mx);
            case "tlsa":
                return AppliedPolicy.tlsa(domain, mx.get(0), strings);
            default:
                return AppliedPolicy.noPolicyFound(domain);
        }
    }

    static List<String> texts(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            a.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> i = n.fieldNames(); i.hasNext();) {
            names.add(i.next());
        }
        return names;
    }
}
