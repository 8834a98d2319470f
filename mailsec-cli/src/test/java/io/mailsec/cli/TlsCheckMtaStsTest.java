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
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.tls.peers.NginxPeer;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.peers.TestPki;

/**
 * {@code mailsec tls check} on MTA-STS destinations (RFC 8461), all real on 127.0.24.x: policies from
 * nginx (HTTPS, test CA), TXT and MX records from dnsmasq, MXs on a real Postfix.
 * <pre>
 * good.sts.check     enforce, mx mx.good.sts.check      MX on .21 (CA certificate)   deliverable, source mta-sts
 * wrongmx.sts.check  enforce, mx mx.elsewhere.sts.check MX on .21                    blocked, never contacted
 * testing.sts.check  testing                            MX on .22 (self-signed)      deliverable under the default may
 * listed.sts.check   enforce, but the list says none    MX on .22                    deliverable, source list
 * </pre>
 */
class TlsCheckMtaStsTest {
    private static final String DNS = "127.0.24.53";
    private static final String WEB = "127.0.24.10";
    private static Path dir;
    private static Path ca;
    private static Path policy;

    @BeforeAll
    static void start() throws Exception {
        PeerTools.requireRoot();
        dir = Files.createDirectories(Path.of("/tmp", "mailsec-check-sts-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            TestPki pki = new TestPki("mailsec tls check MTA-STS CA");
            ca = pki.writeCa(dir.resolve("ca.pem"));
            Instant from = Instant.now().minus(Duration.ofDays(1));
            Instant to = Instant.now().plus(Duration.ofDays(30));
            List<String> records = new ArrayList<>();
            List<NginxPeer.Server> servers = new ArrayList<>();
            String[][] domains = {{"good", "enforce", "mx.good.sts.check", "127.0.24.21"},
                    {"wrongmx", "enforce", "mx.elsewhere.sts.check", "127.0.24.21"},
                    {"testing", "testing", "mx.testing.sts.check", "127.0.24.22"},
                    {"listed", "enforce", "mx.listed.sts.check", "127.0.24.22"}};
            for (String[] d : domains) {
                String domain = d[0] + ".sts.check";
                String web = "mta-sts." + domain;
                records.add(Dnsmasq.txt("_mta-sts." + domain, "v=STSv1; id=" + d[0] + "1"));
                records.add(Dnsmasq.host(web, WEB));
                records.add(Dnsmasq.mx(domain, "mx." + domain, 10));
                records.add(Dnsmasq.host("mx." + domain, d[3]));
                NginxPeer.Server s = NginxPeer.Server.https(WEB, web, pki.issue(dir, "sts-" + d[0], web, from, to));
                servers.add(servers.isEmpty() ? s.asDefault() : s);
            }
            PeerTools.register(Dnsmasq.start(DNS, List.of("sts.check"), records));
            NginxPeer nginx = NginxPeer.start(dir.resolve("mailsec-nginx"), servers);
            PeerTools.register(nginx);
            for (String[] d : domains) {
                nginx.write("mta-sts." + d[0] + ".sts.check", "/.well-known/mta-sts.txt",
                        "version: STSv1\r\nmode: " + d[1] + "\r\nmx: " + d[2] + "\r\nmax_age: 86400\r\n");
            }
            Path[] good = pki.issue(dir, "mx-good", "mx.good.sts.check", from, to);
            Path[] self = TestPki.selfSigned(dir, "mx-self", "mx.testing.sts.check");
            PostfixPeer.start(dir.resolve("postfix"), List.of("good.sts.check", "wrongmx.sts.check", "testing.sts.check", "listed.sts.check"),
                    List.of(new PostfixPeer.Listener("127.0.24.21", null, good[0], good[1]),
                            new PostfixPeer.Listener("127.0.24.22", null, self[0], self[1])));
            policy = Files.writeString(dir.resolve("check.policy"), "[outbound]\ndefault may\nlisted.sts.check none\n");
        } catch (Exception | Error e) {
            PeerTools.closeAll();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        PeerTools.closeAll();
    }

    @ParameterizedTest
    @CsvSource({
            "good.sts.check, 0, fresh, enforce, mta-sts, verify, deliverable, meets verify",
            "wrongmx.sts.check, 1, fresh, enforce, mta-sts, verify, blocked, not named by the MTA-STS policy",
            "testing.sts.check, 0, fresh, testing, default, may, deliverable, meets may",
            "listed.sts.check, 0, fresh, enforce, list, none, deliverable, meets none"})
    void checkAppliesTheDomainsPolicyAsDeliveryDoes(String domain, int exit, String stsSource, String mode, String source, String level,
                                                   String verdict, String reason) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(List.of("tls", "check", domain, "--json", "--dns", DNS, "--policy", policy.toString(), "--trust", ca.toString(),
                "--mta-sts-trust", ca.toString(), "--timeout", "5"), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(exit);
        JsonNode j = new ObjectMapper().readTree(text);
        assertThat(j.at("/mtaSts/source").asText()).as(text).isEqualTo(stsSource);
        assertThat(j.at("/mtaSts/mode").asText()).isEqualTo(mode);
        assertThat(j.at("/requirement/source").asText()).isEqualTo(source);
        assertThat(j.at("/requirement/level").asText()).isEqualTo(level);
        assertThat(j.get("mx")).singleElement().satisfies(m -> {
            assertThat(m.get("verdict").asText()).isEqualTo(verdict);
            assertThat(m.get("reason").asText()).contains(reason);
        });
    }
}
