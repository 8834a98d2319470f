package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.tls.peers.Peers;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.peers.TestPki;

/**
 * {@code mailsec tls probe} against real Postfix peers (STARTTLS with a certificate from a test CA
 * made here, a self-signed one, and none) found through dnsmasq; JSON keys per DESIGN.md.
 */
class TlsCommandTest {
    private static final String DNS = "127.0.4.253";
    private static Path dir;
    private static Path ca;

    @BeforeAll
    static void start() throws Exception {
        PeerTools.requireRoot();
        dir = Files.createDirectories(Path.of("/tmp", "mailsec-tls-cli-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            TestPki pki = new TestPki("mailsec CLI test CA");
            ca = pki.writeCa(dir.resolve("ca.pem"));
            Instant now = Instant.now();
            Path[] valid = pki.issue(dir, "valid", "mx.probe.tls.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
            Path[] self = TestPki.selfSigned(dir, "self", "mx.self.tls.test");
            Map<String, String[]> mx = new LinkedHashMap<>();
            mx.put("probe.tls.test", new String[] {"mx.probe.tls.test", "127.0.4.60"});
            mx.put("plain.tls.test", new String[] {"mx.plain.tls.test", "127.0.4.61"});
            mx.put("self.tls.test", new String[] {"mx.self.tls.test", "127.0.4.62"});
            Peers.dns(DNS, "tls.test", mx);
            PostfixPeer.start(dir.resolve("postfix"), List.copyOf(mx.keySet()), List.of(
                    new PostfixPeer.Listener("127.0.4.60", null, valid[0], valid[1]),
                    new PostfixPeer.Listener("127.0.4.61", "-o smtpd_tls_security_level=none", null, null),
                    new PostfixPeer.Listener("127.0.4.62", null, self[0], self[1])));
        } catch (Exception | Error e) {
            PeerTools.closeAll();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        PeerTools.closeAll();
        if (dir != null) {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException ignored) {
                // best effort
            }
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("tls"));
        all.addAll(Arrays.asList(args));
        int code = Main.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(Run r) throws Exception {
        assertThat(r.out().lines().count()).as("one JSON object on one line: " + r.out()).isEqualTo(1);
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void caSignedPeerSatisfiesVerifyOverTls13() throws Exception {
        Run r = run("probe", "mx.probe.tls.test:25", "--json", "--dns", DNS, "--trust", ca.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = json(r);
        assertThat(j.get("starttls").asBoolean()).isTrue();
        assertThat(j.get("protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(j.get("cipher").asText()).startsWith("TLS_");
        assertThat(j.get("certificate").get("trusted").asBoolean()).isTrue();
        assertThat(j.get("certificate").get("hostnameMatches").asBoolean()).isTrue();
        assertThat(Instant.parse(j.get("certificate").get("notAfter").asText())).isAfter(Instant.now());
        assertThat(j.get("certificate").get("chain")).hasSize(2);
        assertThat(j.get("satisfies").asText()).isEqualTo("verify");
        assertThat(j.get("ip").asText()).isEqualTo("127.0.4.60");
    }

    @Test
    void withoutTheTestCaOnlyEncryptIsSatisfiedAndWrongNameIsReported() throws Exception {
        JsonNode j = json(run("probe", "127.0.4.60", "--json", "--name", "mx.other.test"));
        assertThat(j.get("certificate").get("trusted").asBoolean()).isFalse();
        assertThat(j.get("certificate").get("hostnameMatches").asBoolean()).isFalse();
        assertThat(j.get("satisfies").asText()).isEqualTo("encrypt");
    }

    @Test
    void peerWithoutStarttlsSatisfiesOnlyMay() throws Exception {
        Run r = run("probe", "plain.tls.test", "--mx", "--json", "--dns", DNS);
        assertThat(r.code()).isZero();
        JsonNode j = json(r);
        assertThat(j.get("host").asText()).isEqualTo("mx.plain.tls.test");
        assertThat(j.get("starttls").asBoolean()).isFalse();
        assertThat(j.get("protocol").isNull()).isTrue();
        assertThat(j.get("certificate").isNull()).isTrue();
        assertThat(j.get("satisfies").asText()).isEqualTo("may");
    }

    @Test
    void selfSignedPeerWithPolicyShowsVerifyNotMet() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy"), "[outbound]\nself.tls.test verify\n");
        Run r = run("probe", "self.tls.test", "--mx", "--dns", DNS, "--trust", ca.toString(), "--policy", policy.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("STARTTLS:   offered", "trusted:    false", "self-signed", "satisfies:  encrypt",
                "policy:     verify (entry self.tls.test) -> NOT met");
    }

    @Test
    void connectionFailureExitsOne() {
        Run r = run("probe", "127.0.4.63:25", "--timeout", "3");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("connect to 127.0.4.63:25 failed");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("probe").code()).isEqualTo(2);
        assertThat(run("probe", "x", "--bogus").code()).isEqualTo(2);
        assertThat(run("--help").code()).isZero();
    }

    /**
     * {@code tls check} on every test domain: the requirement decided as delivery decides it (list entry,
     * else MTA-STS, else the default) and each MX's verdict against it, from one real session per MX.
     */
    @Test
    void checkGivesTheRequirementAndEachMxVerdictForEveryTestDomain() throws Exception {
        Path policy = dir.resolve("check.policy");
        java.nio.file.Files.writeString(policy, "[outbound]\ndefault may\nprobe.tls.test verify\nplain.tls.test encrypt\n");
        String[] base = {"--json", "--dns", DNS, "--trust", ca.toString(), "--policy", policy.toString(), "--timeout", "5"};
        record Want(String domain, int exit, String level, String source, String verdict, String reason) {
        }
        for (Want w : List.of(
                new Want("probe.tls.test", 0, "verify", "list", "deliverable", "meets verify (offers verify)"),
                new Want("plain.tls.test", 1, "encrypt", "list", "blocked", "needs encrypt, offers only may"),
                new Want("self.tls.test", 0, "may", "default", "deliverable", "meets may (offers encrypt)"))) {
            List<String> args = new ArrayList<>(List.of("check", w.domain()));
            args.addAll(Arrays.asList(base));
            Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(w.domain() + ": " + r.out() + r.err()).isEqualTo(w.exit());
            JsonNode j = json(r);
            assertThat(j.at("/requirement/level").asText()).as(w.domain()).isEqualTo(w.level());
            assertThat(j.at("/requirement/source").asText()).as(w.domain()).isEqualTo(w.source());
            assertThat(j.at("/mtaSts/source").asText()).as("no _mta-sts record for " + w.domain()).isEqualTo("none");
            assertThat(j.get("mx")).singleElement().satisfies(m -> {
                assertThat(m.get("verdict").asText()).as(w.domain()).isEqualTo(w.verdict());
                assertThat(m.get("reason").asText()).as(w.domain()).isEqualTo(w.reason());
            });
            assertThat(j.get("verdict").asText()).isEqualTo(w.exit() == 0 ? "deliverable" : "not deliverable");
        }
        Run text = run("check", "plain.tls.test", "--dns", DNS, "--policy", policy.toString(), "--timeout", "5");
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.out()).contains("requirement:  encrypt (source list, entry plain.tls.test)", "blocked",
                "needs encrypt, offers only may", "verdict:      not deliverable");
    }
}
