package io.mailsec.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.tls.peers.NginxPeer;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.peers.TestPki;

/**
 * MTA-STS (RFC 8461) in a real James 3.8.1 with james-conf's pipeline ({@code mtaSts} on as shipped): the
 * policies come from a real nginx (HTTPS, test CA), the TXT records from dnsmasq, the MXs are real
 * Postfix listeners, all on 127.0.16.x; the list's default is {@code may} everywhere.
 * <pre>
 * good.test     enforce, mx: mx.good.test      MX mx.good.test    127.0.16.21 (CA certificate)  delivered, source mta-sts
 * wrongmx.test  enforce, mx: mx.elsewhere.test MX mx.wrongmx.test 127.0.16.21                   never contacted; retried, then DSN 5.7.10
 * testing.test  testing, mx: mx.testing.test   MX mx.testing.test 127.0.16.22 (self-signed)     delivered under may
 * </pre>
 */
class MtaStsIT {
    static final String DNS = "127.0.16.53";
    static final String WEB = "127.0.16.10";
    static final String GOOD_MX = "127.0.16.21";
    static final String SELF_MX = "127.0.16.22";
    static Path peers;
    static Dnsmasq dns;
    static NginxPeer web;
    static PostfixPeer postfix;
    static JamesProcess james;

    static String policy(String mode, String mx) {
        return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
    }

    @BeforeAll
    static void start() throws Exception {
        PeerTools.requireRoot();
        // Postfix and nginx workers run unprivileged: their files live in /tmp, not in a private home of the clone.
        peers = Files.createDirectories(Path.of("/tmp", "mailsec-mtasts-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        TestPki pki = new TestPki("mailsec MTA-STS IT CA");
        Path ca = pki.writeCa(peers.resolve("ca.pem"));
        Instant from = Instant.now().minus(Duration.ofDays(1));
        Instant to = Instant.now().plus(Duration.ofDays(30));
        dns = Dnsmasq.start(DNS, List.of("test"), List.of(
                Dnsmasq.txt("_mta-sts.good.test", "v=STSv1; id=good1"), Dnsmasq.host("mta-sts.good.test", WEB),
                Dnsmasq.mx("good.test", "mx.good.test", 10), Dnsmasq.host("mx.good.test", GOOD_MX),
                Dnsmasq.txt("_mta-sts.wrongmx.test", "v=STSv1; id=wrong1"), Dnsmasq.host("mta-sts.wrongmx.test", WEB),
                Dnsmasq.mx("wrongmx.test", "mx.wrongmx.test", 10), Dnsmasq.host("mx.wrongmx.test", GOOD_MX),
                Dnsmasq.txt("_mta-sts.testing.test", "v=STSv1; id=test1"), Dnsmasq.host("mta-sts.testing.test", WEB),
                Dnsmasq.mx("testing.test", "mx.testing.test", 10), Dnsmasq.host("mx.testing.test", SELF_MX)));
        web = NginxPeer.start(peers.resolve("mailsec-nginx"), List.of(
                NginxPeer.Server.https(WEB, "mta-sts.good.test", pki.issue(peers, "sts-good", "mta-sts.good.test", from, to)).asDefault(),
                NginxPeer.Server.https(WEB, "mta-sts.wrongmx.test", pki.issue(peers, "sts-wrong", "mta-sts.wrongmx.test", from, to)),
                NginxPeer.Server.https(WEB, "mta-sts.testing.test", pki.issue(peers, "sts-testing", "mta-sts.testing.test", from, to))));
        web.write("mta-sts.good.test", "/.well-known/mta-sts.txt", policy("enforce", "mx.good.test"));
        web.write("mta-sts.wrongmx.test", "/.well-known/mta-sts.txt", policy("enforce", "mx.elsewhere.test"));
        web.write("mta-sts.testing.test", "/.well-known/mta-sts.txt", policy("testing", "mx.testing.test"));
        Path[] good = pki.issue(peers, "mx-good", "mx.good.test", from, to);
        Path[] self = TestPki.selfSigned(peers, "mx-self", "mx.testing.test");
        postfix = PostfixPeer.start(peers.resolve("postfix"), List.of("good.test", "wrongmx.test", "testing.test"), List.of(
                new PostfixPeer.Listener(GOOD_MX, null, good[0], good[1]), new PostfixPeer.Listener(SELF_MX, null, self[0], self[1])));

        ShippedConf conf = ShippedConf.in(Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "mtasts-"));
        conf.file("mailsec-tls.policy", "[outbound]\ndefault may\n[inbound]\ndefault may\n");
        conf.file("tls/sts-ca.pem", Files.readString(ca));
        conf.edit("mailetcontainer.xml", "<retrySchedule>5m, 15m, 30m, 1h, 2h, 4h</retrySchedule>", "<retrySchedule>2s</retrySchedule>\n"
                + "                <maxRetries>1</maxRetries>\n                <trustStore>conf/tls/sts-ca.pem</trustStore>\n"
                + "                <mtaStsTrustStore>conf/tls/sts-ca.pem</mtaStsTrustStore>");
        // mtaSts itself is on as james-conf ships it.
        james = JamesProcess.builder("mtasts").overlay(conf.dir()).dnsServer(DNS).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {james, postfix, web, dns}) {
            if (c != null) {
                c.close();
            }
        }
        PeerTools.closeAll();
    }

    static void submit(String rcpt, String subject) throws Exception {
        MailClient c = new MailClient(james);
        c.submit(c.newMessage(c.submissionSession(), james.demoUser(), rcpt, subject, "x\r\n"), james.demoUser(), james.demoPassword());
    }

    static List<String> tracking(String rcpt) {
        // the delivery attempts: outbound lines that name a peer or stopped before one (step mx)
        return james.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains(rcpt) && l.contains("\"direction\":\"outbound\"")
                && (l.contains("\"peerHost\"") || l.contains("\"step\":\"mx\""))).collect(java.util.stream.Collectors.toList());
    }

    @Test
    void anEnforcedPolicyIsVerifiedOnItsMxAndFetchedOnce() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("a@good.test", token);
        submit("b@good.test", token + "-2");
        assertThat(postfix.message("Subject: " + token + "-2", Duration.ofSeconds(30))).as("tracking:\n"
                + james.logFile("tls-tracking.jsonl")).isNotNull();
        assertThat(postfix.message("Subject: " + token, Duration.ofSeconds(5))).isNotNull();
        assertThat(tracking("a@good.test")).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"mta-sts\"",
                "\"entry\":\"mta-sts id=good1\"", "\"level\":\"verify\"", "\"certificate\":\"trusted\"", "\"outcome\":\"delivered\""));
        assertThat(web.requests("mta-sts.good.test")).as("one fetch, then the cache (same TXT id)").isEqualTo(1);
        assertThat(Files.list(james.workDir().resolve("var/mailsec/mta-sts")).map(p -> p.getFileName().toString()))
                .as("the cache under James's working directory").contains("good.test.json");
    }

    @Test
    void anMxThePolicyDoesNotNameIsNeverContactedAndTheFailureIsRetriedThenBounced() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("c@wrongmx.test", token);
        MailClient client = new MailClient(james);
        assertThat(JamesProcess.await(Duration.ofSeconds(40), () -> client.imapsOrNone(james.demoUser(), james.demoPassword()).stream()
                .anyMatch(m -> RequireTlsIT.text(m).contains("c@wrongmx.test") && RequireTlsIT.text(m).contains("Status: 5.7.10"))))
                .as("DSN 5.7.10 after the retry; tracking:\n" + james.logFile("tls-tracking.jsonl")).isTrue();
        List<String> lines = tracking("c@wrongmx.test");
        assertThat(lines).as("attempt 1 and its retry, both stopped at step mx").hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("\"step\":\"mx\"", "\"source\":\"mta-sts\"", "\"outcome\":\"blocked: TLS unavailable\"").doesNotContain("peerIp"));
        assertThat(postfix.maillog()).as("Postfix saw no connection for it").doesNotContain(token);
    }

    @Test
    void aTestingPolicyLeavesTheListsDefault() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("d@testing.test", token);
        assertThat(postfix.message("Subject: " + token, Duration.ofSeconds(30))).as("delivered under may to a self-signed MX; tracking:\n"
                + james.logFile("tls-tracking.jsonl")).isNotNull();
        assertThat(tracking("d@testing.test")).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"default\"",
                "\"level\":\"may\"", "\"outcome\":\"delivered\""));
    }
}
