package io.mailsec.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenSPF / pyspf RFC 7208 test suite (conformance/spf/rfc7208-tests.yml, 16 scenarios,
 * 203 tests), run against {@link SpfEvaluator} with an in-memory resolver per the suite's runner rules.
 */
class Rfc7208SuiteTest {
    static final Path SUITE = io.mailsec.core.testdata.Conformance.file("spf/rfc7208-tests.yml");

    record Case(String scenario, String id, Map<String, Object> test, Map<String, Object> zone) {
    }

    @SuppressWarnings("unchecked")
    static List<Case> load() throws Exception {
        assertThat(SUITE).as("RFC 7208 suite file").exists();
        List<Case> out = new ArrayList<>();
        LoaderOptions opts = new LoaderOptions();
        try (InputStream in = Files.newInputStream(SUITE)) {
            for (Object doc : new Yaml(opts).loadAll(in)) {
                Map<String, Object> d = (Map<String, Object>) doc;
                Map<String, Object> zone = (Map<String, Object>) d.get("zonedata");
                Map<String, Object> tests = (Map<String, Object>) d.get("tests");
                for (Map.Entry<String, Object> t : tests.entrySet()) {
                    out.add(new Case((String) d.get("description"), t.getKey(), (Map<String, Object>) t.getValue(), zone));
                }
            }
        }
        return out;
    }

    /** Runs one case; returns null on success, else a description of the mismatch. */
    static String run(Case c) {
        Map<String, Object> t = c.test();
        ZoneResolver dns = new ZoneResolver(c.zone());
        SpfEvaluator spf = SpfEvaluator.builder(dns).defaultExplanation("DEFAULT").receiver("receiver.example.org").build();
        String host = String.valueOf(t.get("host"));
        String helo = t.get("helo") == null ? "" : String.valueOf(t.get("helo"));
        String mailfrom = t.get("mailfrom") == null ? "" : String.valueOf(t.get("mailfrom"));
        SpfVerdict v = spf.checkMailFrom(host, mailfrom, helo);
        List<String> accepted = new ArrayList<>();
        Object r = t.get("result");
        if (r instanceof List) {
            for (Object o : (List<?>) r) {
                accepted.add(SpfResult.parse(String.valueOf(o)).word());
            }
        } else {
            accepted.add(SpfResult.parse(String.valueOf(r)).word());
        }
        String spec = String.valueOf(t.get("spec"));
        if (!accepted.contains(v.result().word())) {
            return c.scenario() + " / " + c.id() + " (RFC 7208 " + spec + "): expected " + accepted + " got " + v;
        }
        if (t.containsKey("explanation")) {
            String want = String.valueOf(t.get("explanation"));
            if (!want.equals(v.explanation())) {
                return c.scenario() + " / " + c.id() + " (RFC 7208 " + spec + "): expected explanation '" + want + "' got " + v;
            }
        }
        return null;
    }

    @TestFactory
    Stream<DynamicTest> rfc7208Suite() throws Exception {
        return load().stream().map(c -> DynamicTest.dynamicTest(c.scenario() + " / " + c.id(), () -> {
            String failure = run(c);
            assertThat(failure).as("%s", failure).isNull();
        }));
    }

    @Test
    void all203TestsPass() throws Exception {
        List<Case> cases = load();
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            String f = run(c);
            if (f != null) {
                failures.add(f);
            }
        }
        assertThat(cases).hasSize(203);
        assertThat(failures).as("failures:\n" + String.join("\n", failures)).isEmpty();
    }
}
