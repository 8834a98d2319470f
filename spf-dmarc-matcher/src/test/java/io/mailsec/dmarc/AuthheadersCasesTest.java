package io.mailsec.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.FakeDns;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.testutil.TestNet;

/**
 * The DMARC cases of conformance/dmarc/authheaders/cases.yml (authheaders' test table). Per its README
 * the normative parts are expected.dmarc and expected.policy (plus header_from). DKIM results come
 * from the case's upstream Authentication-Results ("prev"), or, for dkim_check cases, from dkimpy
 * verifying the message with the case's key (a real DKIM implementation standing in for the DKIM
 * stage). Cases without "dmarcbis" run in both modes; the PSD tree-walk case only in RFC 9989 mode.
 */
class AuthheadersCasesTest {
    static final Path DIR = io.mailsec.core.testdata.Conformance.file("dmarc/authheaders");

    @SuppressWarnings("unchecked")
    static Map<String, Object> load() throws Exception {
        try (InputStream in = Files.newInputStream(DIR.resolve("cases.yml"))) {
            return new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> dns(Map<String, Object> doc) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) doc.get("dns")).entrySet()) {
            Object v = e.getValue();
            String s = v == null ? null : String.valueOf(v);
            if (s != null && s.startsWith("@file:")) {
                s = Files.readString(DIR.resolve(s.substring(6))).trim();
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    static List<String> fromFields(Path message) throws Exception {
        try (InputStream in = Files.newInputStream(message)) {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), in);
            String[] from = m.getHeader("From");
            List<String> out = new ArrayList<>();
            if (from != null) {
                for (String f : from) {
                    out.add(MimeUtility.unfold(f));
                }
            }
            return out;
        }
    }

    /** dkim results from an Authentication-Results value: "dkim=RESULT ... header.d=DOMAIN". */
    static List<DmarcInput.Dkim> dkimFromAr(String ar) {
        List<DmarcInput.Dkim> out = new ArrayList<>();
        String value = ar.substring(ar.indexOf(':') + 1);
        for (String part : value.split(";")) {
            String p = part.trim();
            if (!p.startsWith("dkim=")) {
                continue;
            }
            String result = p.substring(5).split("\\s+")[0];
            String d = null;
            for (String tok : p.split("\\s+")) {
                if (tok.startsWith("header.d=")) {
                    d = tok.substring(9);
                }
            }
            out.add(new DmarcInput.Dkim(d, null, result));
        }
        return out;
    }

    static List<DmarcInput.Dkim> dkimpy(Path message, Map<String, String> dns) throws Exception {
        PeerTools.requirePythonModule("dkim", "python3-dkim");
        Path keys = Files.createTempFile("dkimkeys", ".json");
        Path script = Files.createTempFile("dkimpy_verify", ".py");
        try {
            Map<String, String> k = new LinkedHashMap<>();
            dns.forEach((n, v) -> {
                if (n.contains("._domainkey.") && v != null) {
                    k.put(n, v);
                }
            });
            Files.writeString(keys, new ObjectMapper().writeValueAsString(k));
            try (InputStream in = AuthheadersCasesTest.class.getResourceAsStream("dkimpy_verify.py")) {
                Files.write(script, in.readAllBytes());
            }
            PeerTools.Result r = PeerTools.run(List.of(PeerTools.PYTHON, script.toString(), message.toString(), keys.toString()), null, 60);
            assertThat(r.exit).as("dkimpy: %s", r.err).isZero();
            List<DmarcInput.Dkim> out = new ArrayList<>();
            for (String line : r.lines()) {
                String[] f = line.split(" ");
                out.add(new DmarcInput.Dkim(f[0], f[1], f[2]));
            }
            return out;
        } finally {
            Files.deleteIfExists(keys);
            Files.deleteIfExists(script);
        }
    }

    @SuppressWarnings("unchecked")
    static String run(Map<String, Object> c, Map<String, String> dnsMap, DmarcMode mode) throws Exception {
        Path message = DIR.resolve((String) c.get("message"));
        List<DmarcInput.Dkim> dkim = new ArrayList<>();
        if (Boolean.TRUE.equals(c.get("dkim_check"))) {
            dkim.addAll(dkimpy(message, dnsMap));
        }
        if (c.get("prev") != null) {
            dkim.addAll(dkimFromAr((String) c.get("prev")));
        }
        DmarcInput input = DmarcInput.builder(FromDomains.parse(fromFields(message))).dkim(dkim).build();
        DmarcVerdict v = DmarcEvaluator.builder(authheadersDns(dnsMap)).mode(mode).build().evaluate(input);
        Map<String, Object> exp = (Map<String, Object>) c.get("expected");
        List<String> problems = new ArrayList<>();
        if (!exp.get("dmarc").equals(v.result().word())) {
            problems.add("dmarc " + exp.get("dmarc") + " != " + v.result().word());
        }
        if (exp.containsKey("policy") && !exp.get("policy").equals(v.policyWord())) {
            problems.add("policy " + exp.get("policy") + " != " + v.policyWord());
        }
        if (exp.containsKey("header_from") && !exp.get("header_from").equals(v.fromDomain())) {
            problems.add("header_from " + exp.get("header_from") + " != " + v.fromDomain());
        }
        return problems.isEmpty() ? null : c.get("id") + " [" + mode + "]: " + problems + " verdict: " + v;
    }

    @SuppressWarnings("unchecked")
    static List<Object[]> plan() throws Exception {
        Map<String, Object> doc = load();
        List<Object[]> out = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) doc.get("cases")) {
            out.add(new Object[] {c, DmarcMode.RFC9989});
            if (!Boolean.TRUE.equals(c.get("dmarcbis"))) {
                out.add(new Object[] {c, DmarcMode.RFC7489});
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    @TestFactory
    Stream<DynamicTest> authheadersCases() throws Exception {
        Map<String, String> dnsMap = dns(load());
        return plan().stream().map(p -> DynamicTest.dynamicTest(((Map<String, Object>) p[0]).get("id") + " " + p[1], () -> {
            String problem = run((Map<String, Object>) p[0], dnsMap, (DmarcMode) p[1]);
            assertThat(problem).as("%s", problem).isNull();
        }));
    }

    @Test
    void allElevenCasesAreRun() throws Exception {
        assertThat(plan()).hasSize(21);
    }

    /**
     * The DNS of authheaders' DMARC cases: name -> TXT text; "" = the name exists without records;
     * null or absent = NXDOMAIN; a name without a leading underscore and with a text exists with an
     * A record (its text is not a TXT record there).
     */
    static FakeDns authheadersDns(Map<String, String> cases) {
        FakeDns dns = new FakeDns();
        cases.forEach((name, text) -> {
            if (text == null) {
                return;
            }
            if (text.isEmpty()) {
                dns.exists(name);
            } else if (name.startsWith("_")) {
                dns.txt(name, text);
            } else {
                dns.address(name, "127.0.0.1");
            }
        });
        return dns;
    }
}
