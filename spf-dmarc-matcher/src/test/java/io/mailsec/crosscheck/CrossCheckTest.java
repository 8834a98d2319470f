package io.mailsec.crosscheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.dmarc.DmarcEvaluator;
import io.mailsec.dmarc.DmarcInput;
import io.mailsec.dmarc.DmarcMode;
import io.mailsec.dmarc.DmarcVerdict;
import io.mailsec.dmarc.FromDomains;
import io.mailsec.spf.SpfEvaluator;
import io.mailsec.spf.SpfVerdict;
import io.mailsec.testutil.TestNet;

/**
 * Cross-checks on generated cases served by a real dnsmasq (127.0.2.53): our SPF against pyspf
 * (python3-spf), and our SPF + DMARC against mailauth (npm, installed into a temporary directory
 * at test time), with DKIM signatures made by dkimpy.
 */
class CrossCheckTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CONF = io.mailsec.core.testdata.Conformance.root();
    static final String[] IPS = {"192.0.2.10", "192.0.2.20", "198.51.100.5", "2001:db8::10", "203.0.113.9"};
    static final int SPF_DOMAINS = 40;

    static Dnsmasq dns;
    static String NODE;
    static Path work;
    static DnsResolver resolver;
    static final Map<String, String> spfRecords = new LinkedHashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("mailsec-crosscheck");
        Random rnd = new Random(20261122);
        String key = Files.readString(CONF.resolve("dmarc/authheaders/test.txt")).trim();
        Dnsmasq.Builder zone = Dnsmasq.on(TestNet.DNS).zone("test").zone("io").zone("in-addr.arpa").zone("ip6.arpa")
                .host("h1.gen.test", "192.0.2.10", "2001:db8::10").host("h2.gen.test", "192.0.2.20")
                .host("192.0.2.10.bl.gen.test", "127.0.0.2").host("joe.deny.gen.test", "127.0.0.2")
                .ptr("10.2.0.192.in-addr.arpa", "h1.gen.test").ptr("20.2.0.192.in-addr.arpa", "h2.other.test");
        for (int i = 0; i < SPF_DOMAINS; i++) {
            String d = "g" + i + ".gen.test";
            String other = "g" + rnd.nextInt(SPF_DOMAINS) + ".gen.test";
            String[] templates = {
                "v=spf1 ip4:192.0.2.0/28 -all",
                "v=spf1 ip4:192.0.2.10 ip6:2001:db8::/64 ~all",
                "v=spf1 a:h1.gen.test/24 -all",
                "v=spf1 mx -all",
                "v=spf1 mx:h1.gen.test//64 ?all",
                "v=spf1 include:" + other + " -all",
                "v=spf1 redirect=" + other,
                "v=spf1 exists:%{i}.bl.gen.test -all",
                "v=spf1 ptr:gen.test -all",
                "v=spf1 -exists:%{l}.deny.gen.test +all",
                "v=spf1 a -all",
                "v=spf1 ip4:198.51.100.0/24",
                "v=spf1 ip4:192.0.2.300 -all",
                "v=spf1 foo:bar -all",
                "v=spf1 include:missing.gen.test -all",
                "v=spf1 a:n1.gen.test a:n2.gen.test a:n3.gen.test -all",
                "v=spf1 include:" + other + " include:g" + rnd.nextInt(SPF_DOMAINS) + ".gen.test ~all",
                "v=spf1 ip6:2001:db8::10 -ip4:192.0.2.20 ?all",
                "v=spf1 a:%{d2}.gen.test ~all",
                "v=spf1 exp=e.gen.test -all",
            };
            String rec = templates[rnd.nextInt(templates.length)];
            spfRecords.put(d, rec);
            zone.txt(d, rec);
            if (rec.contains("mx -all")) {
                zone.mx(d, "h2.gen.test", 10);
            }
            if (rec.equals("v=spf1 a -all")) {
                zone.host(d, "192.0.2.20");
            }
        }
        zone.txt("e.gen.test", "%{i} is not welcome at %{d}");
        // DMARC domains: policy records, SPF for bounce domains, one DKIM key (selector sel) per signing domain.
        // Registrable names under github.io (a PSL suffix in both our list and mailauth's tldts), so that the
        // organizational domains agree. No adkim=s / aspf=s here: mailauth 4.13.3 falls back to relaxed
        // alignment in strict mode (tools.getAlignment), so strict alignment is covered by DmarcEvaluatorTest.
        String[] dmarcRecords = {"v=DMARC1; p=none", "v=DMARC1; p=quarantine", "v=DMARC1; p=reject",
            "v=DMARC1; p=reject; rua=mailto:r@dm3.github.io", "v=DMARC1; p=none; sp=reject", "v=DMARC1; p=quarantine; sp=reject"};
        for (int i = 0; i < dmarcRecords.length; i++) {
            String d = "dm" + i + ".github.io";
            zone.txt("_dmarc." + d, dmarcRecords[i]);
            zone.txt(d, "v=spf1 ip4:192.0.2.10 -all").txt("b." + d, "v=spf1 ip4:192.0.2.10 -all");
            zone.txt("sel._domainkey." + d, key).txt("sel._domainkey.s." + d, key);
            zone.host(d, "192.0.2.10").host("s." + d, "192.0.2.10");
        }
        zone.txt("other.github.io", "v=spf1 ip4:192.0.2.10 -all").txt("sel._domainkey.other.github.io", key);
        dns = zone.start();
        resolver = DnsjavaResolver.create(List.of(TestNet.DNS), Duration.ofSeconds(3));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (work != null) {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Path script(String name) throws Exception {
        Path p = work.resolve(name);
        try (InputStream in = CrossCheckTest.class.getResourceAsStream(name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    @Test
    void spfAgreesWithPyspf() throws Exception {
        PeerTools.requirePythonModule("spf", "python3-spf");
        PeerTools.requirePythonModule("dns.resolver", "python3-dnspython");
        List<String[]> queries = new ArrayList<>();
        for (String d : spfRecords.keySet()) {
            for (String ip : IPS) {
                queries.add(new String[] {ip, "joe@" + d, "h1.gen.test"});
            }
        }
        queries.add(new String[] {"192.0.2.10", "", "h1.gen.test"});
        queries.add(new String[] {"192.0.2.10", "joe@nothing.gen.test", "h1.gen.test"});
        Path q = work.resolve("spf-queries.json");
        Files.writeString(q, JSON.writeValueAsString(queries));
        PeerTools.Result r = PeerTools.run(List.of(PeerTools.PYTHON, script("pyspf_check.py").toString(), TestNet.DNS, q.toString()), null, 300);
        assertThat(r.exit).as("pyspf: %s", r.err).isZero();
        JsonNode theirs = JSON.readTree(r.out);
        assertThat(theirs.size()).isEqualTo(queries.size());
        SpfEvaluator ours = SpfEvaluator.builder(resolver).build();
        List<String> mismatches = new ArrayList<>();
        Map<String, Integer> histogram = new java.util.TreeMap<>();
        for (int i = 0; i < queries.size(); i++) {
            String[] c = queries.get(i);
            SpfVerdict v = ours.checkMailFrom(c[0], c[1], c[2]);
            String want = theirs.get(i).asText();
            histogram.merge(want, 1, Integer::sum);
            if (!want.equals(v.result().word())) {
                String dom = c[1].isEmpty() ? c[2] : c[1].substring(c[1].indexOf('@') + 1);
                mismatches.add(String.join(" ", c) + " record=\"" + spfRecords.get(dom) + "\": pyspf=" + want + " ours=" + v);
            }
        }
        System.out.println("pyspf cross-check: " + queries.size() + " queries, results " + histogram);
        assertThat(histogram.size()).as("generated cases cover several results").isGreaterThanOrEqualTo(5);
        assertThat(mismatches).as(String.join("\n", mismatches)).isEmpty();
    }

    /** mailauth 4.13.3 in a temporary directory (never in the repository); reused between runs of the same machine. */
    static Path mailauth() throws Exception {
        NODE = PeerTools.requireExecutable("node", "nodejs");
        String npm = PeerTools.requireExecutable("npm", "npm");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "mailsec-spfdmarc-mailauth-4.13.3");
        if (!Files.exists(dir.resolve("node_modules/mailauth/package.json"))) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("package.json"), "{\"name\":\"mailsec-crosscheck\",\"version\":\"1.0.0\",\"private\":true}");
            PeerTools.Result r = PeerTools.run(List.of(npm, "install", "--no-audit", "--no-fund", "mailauth@4.13.3"), dir, 300);
            assertThat(r.exit).as("npm install mailauth failed (needs the npm registry): %s %s", r.out, r.err).isZero();
        }
        return dir;
    }

    @Test
    void spfAndDmarcAgreeWithMailauth() throws Exception {
        PeerTools.requirePythonModule("dkim", "python3-dkim");
        Path node = mailauth();
        Random rnd = new Random(7489);
        List<Map<String, Object>> signJobs = new ArrayList<>();
        List<Map<String, Object>> cases = new ArrayList<>();
        List<String[]> facts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String org = "dm" + rnd.nextInt(6) + ".github.io";
            String from = rnd.nextInt(4) == 0 ? "s." + org : org;
            String[] senders = {"bounce@" + org, "bounce@b." + org, "bounce@other.github.io", "bounce@" + from};
            String sender = senders[rnd.nextInt(senders.length)];
            String[] signers = {org, "s." + org, "other.github.io", null};
            String signer = signers[rnd.nextInt(signers.length)];
            String ip = rnd.nextBoolean() ? "192.0.2.10" : "192.0.2.99";
            Path in = work.resolve("m" + i + ".eml");
            Path out = work.resolve("m" + i + ".signed.eml");
            Files.writeString(in, "From: Someone <someone@" + from + ">\r\nTo: rcpt@receiver.test\r\nSubject: case " + i
                    + "\r\nDate: Sun, 22 Nov 2026 14:00:00 +0000\r\nMessage-ID: <m" + i + "@github.io>\r\n\r\nbody " + i + "\r\n",
                    StandardCharsets.US_ASCII);
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("in", in.toString());
            job.put("out", out.toString());
            job.put("domain", signer);
            job.put("selector", "sel");
            signJobs.add(job);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("file", out.toString());
            c.put("ip", ip);
            c.put("helo", "h1.gen.test");
            c.put("sender", sender);
            cases.add(c);
            facts.add(new String[] {from, sender, signer, ip});
        }
        Path jobs = work.resolve("sign.json");
        Files.writeString(jobs, JSON.writeValueAsString(signJobs));
        PeerTools.Result signed = PeerTools.run(List.of(PeerTools.PYTHON, script("dkimpy_sign.py").toString(),
                CONF.resolve("dmarc/authheaders/test.private").toString(), jobs.toString()), null, 120);
        assertThat(signed.exit).as("dkimpy sign: %s", signed.err).isZero();
        Path casesFile = work.resolve("cases.json");
        Files.writeString(casesFile, JSON.writeValueAsString(cases));
        Path js = work.resolve("mailauth_check.js");
        Files.write(js, CrossCheckTest.class.getResourceAsStream("mailauth_check.js").readAllBytes());
        Files.copy(js, node.resolve("mailauth_check.js"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        PeerTools.Result r = PeerTools.run(List.of(NODE, node.resolve("mailauth_check.js").toString(), TestNet.DNS,
                casesFile.toString()), node, 300);
        assertThat(r.exit).as("mailauth: %s", r.err).isZero();
        JsonNode theirs = JSON.readTree(r.out);

        SpfEvaluator spf = SpfEvaluator.builder(resolver).build();
        DmarcEvaluator dmarc7489 = DmarcEvaluator.builder(resolver).mode(DmarcMode.RFC7489).build();
        DmarcEvaluator dmarc9989 = DmarcEvaluator.builder(resolver).mode(DmarcMode.RFC9989).build();
        List<String> mismatches = new ArrayList<>();
        Map<String, Integer> histogram = new java.util.TreeMap<>();
        for (int i = 0; i < cases.size(); i++) {
            String[] f = facts.get(i);
            JsonNode t = theirs.get(i);
            SpfVerdict s = spf.checkMailFrom(f[3], f[1], "h1.gen.test");
            if (!t.get("spf").asText().equals(s.result().word())) {
                mismatches.add("case " + i + " spf: mailauth=" + t.get("spf").asText() + " ours=" + s);
            }
            List<DmarcInput.Dkim> dkim = new ArrayList<>();
            for (JsonNode d : t.get("dkim")) {
                if (d.hasNonNull("domain")) {
                    dkim.add(new DmarcInput.Dkim(d.get("domain").asText(), "sel", d.get("result").asText()));
                }
            }
            if (f[2] != null) {
                assertThat(dkim).as("mailauth verified the dkimpy signature of case %s", i)
                        .anySatisfy(d -> assertThat(d.result()).isEqualTo("pass"));
            }
            DmarcInput input = DmarcInput.builder(FromDomains.parse(List.of("Someone <someone@" + f[0] + ">")))
                    .spf(s.result().word(), s.domain()).dkim(dkim).build();
            for (DmarcEvaluator e : List.of(dmarc7489, dmarc9989)) {
                DmarcVerdict v = e.evaluate(input);
                histogram.merge(v.result().word() + "/" + v.policyWord(), 1, Integer::sum);
                String theirResult = t.get("dmarc").asText();
                String theirPolicy = t.hasNonNull("policy") ? t.get("policy").asText() : "none";
                if (!theirResult.equals(v.result().word()) || !theirPolicy.equals(v.policyWord())) {
                    mismatches.add("case " + i + " " + e.mode() + " from=" + f[0] + " sender=" + f[1] + " d=" + f[2] + " ip=" + f[3]
                            + ": mailauth=" + theirResult + "/" + theirPolicy + " ours=" + v);
                }
            }
        }
        System.out.println("mailauth cross-check: " + cases.size() + " messages, ours " + histogram);
        assertThat(histogram.keySet()).as("cases cover pass and fail with several policies").hasSizeGreaterThanOrEqualTo(4);
        assertThat(mismatches).as(String.join("\n", mismatches)).isEmpty();
    }
}
