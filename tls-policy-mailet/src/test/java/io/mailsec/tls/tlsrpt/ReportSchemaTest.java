package io.mailsec.tls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The reports of the simulated day against a JSON Schema of RFC 8460 §4.4, checked by Ajv (npm).
 * RFC 8460 has no normative schema and no community one with a clear licence was found, so
 * {@code tlsrpt-report.schema.json} is written for mailsec from §4.3 and §4.4 (see the README beside
 * it). Mutated reports must fail, so a schema or validator that accepts anything fails this test.
 */
class ReportSchemaTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path schema;
    static Map<String, JsonNode> reports;

    @BeforeAll
    static void schemaAndTheDaysReports() throws Exception {
        schema = dir.resolve("tlsrpt-report.schema.json");
        Files.write(schema, ReportSchemaTest.class.getResourceAsStream("tlsrpt-report.schema.json").readAllBytes());
        MutableClock clock = new MutableClock(SimulatedDay.DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        try (FileTlsRptStore store = FileTlsRptStore.open(dir.resolve("store"), clock, 7)) {
            SimulatedDay.wholeDay(store, clock);
            reports = ReportBuilderTest.reports(DayTally.read(store, SimulatedDay.DAY));
        }
    }

    @Test
    void everyReportOfTheDayIsValid() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : reports.entrySet()) {
            Path f = dir.resolve(e.getKey() + ".json");
            Files.write(f, JSON.writeValueAsBytes(e.getValue()));
            files.add(f);
        }
        Map<String, String> verdicts = AjvCli.validate(schema, files);
        assertThat(verdicts).containsOnlyKeys("broken-sts.example.json", "example.com.json", "mx.dane.example.json", "plain.example.json");
        assertThat(verdicts.values()).as("errors: %s", verdicts).containsOnlyNulls();
    }

    @Test
    void mutatedReportsAreInvalid() throws Exception {
        ObjectNode base = (ObjectNode) reports.get("example.com");
        Map<String, String> mutations = new LinkedHashMap<>();
        mutations.put("unknown-result-type", "/policies/0/failure-details/0/result-type=\"certificate-revoked\"");
        mutations.put("negative-count", "/policies/0/summary/total-successful-session-count=-1");
        mutations.put("fractional-count", "/policies/0/failure-details/0/failed-session-count=1.5");
        mutations.put("zero-failed-sessions", "/policies/0/failure-details/0/failed-session-count=0");
        mutations.put("offset-time", "/date-range/start-datetime=\"2026-12-03T01:00:00+01:00\"");
        mutations.put("not-a-time", "/date-range/end-datetime=\"3 Dec 2026\"");
        mutations.put("mx-host-string", "/policies/0/policy/mx-host=\"mx1.example.com\"");
        mutations.put("rfc-example-member", "/policies/0/failure-details/0/failure-error-code=\"X509_V_ERR\"");
        mutations.put("policy-type", "/policies/0/policy/policy-type=\"mta-sts\"");
        mutations.put("no-summary", "/policies/0/summary=null");
        mutations.put("bad-ip", "/policies/0/failure-details/0/receiving-ip=\"mx1.example.com\"");
        mutations.put("no-receiving-ip", "/policies/0/failure-details/0/receiving-ip=null");
        mutations.put("upper-case-domain", "/policies/0/policy/policy-domain=\"Example.COM\"");
        mutations.put("contact-not-address", "/contact-info=\"call us\"");
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> m : mutations.entrySet()) {
            ObjectNode copy = base.deepCopy();
            apply(copy, m.getValue());
            Path f = dir.resolve(m.getKey() + ".json");
            Files.write(f, JSON.writeValueAsBytes(copy));
            files.add(f);
        }
        Path untouched = dir.resolve("untouched.json");
        Files.write(untouched, JSON.writeValueAsBytes(base));
        files.add(untouched);
        Map<String, String> verdicts = AjvCli.validate(schema, files);
        for (String name : mutations.keySet()) {
            assertThat(verdicts.get(name + ".json")).as("%s must be invalid", name).isNotNull();
        }
        assertThat(verdicts.get("untouched.json")).isNull();
        assertThat(verdicts.get("unknown-result-type.json")).contains("must be equal to one of the allowed values");
        assertThat(verdicts.get("no-receiving-ip.json")).contains("must have required property 'receiving-ip'");
    }

    /** {@code /path/to/member=json}: sets the member (null removes it). */
    private static void apply(ObjectNode root, String mutation) throws Exception {
        String path = mutation.substring(0, mutation.indexOf('='));
        JsonNode value = JSON.readTree(mutation.substring(mutation.indexOf('=') + 1));
        String parent = path.substring(0, path.lastIndexOf('/'));
        String name = path.substring(path.lastIndexOf('/') + 1);
        ObjectNode p = (ObjectNode) (parent.isEmpty() ? root : root.at(parent));
        if (value.isNull()) {
            assertThat(p.remove(name)).as(path).isNotNull();
        } else {
            p.set(name, value);
        }
    }
}
