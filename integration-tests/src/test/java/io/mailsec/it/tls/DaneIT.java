package io.mailsec.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.tls.peers.DanePeers;
import io.mailsec.tls.peers.PostfixPeer;

/**
 * DANE (RFC 7672) in a real James 3.8.1 with james-conf's pipeline and {@code dnssec=trust-ad}: the
 * signed zones and Postfix of {@link DanePeers} on 127.0.22.x, James's only DNS server the validating
 * unbound of mailsec-core's DnssecTestbed. The list's default is {@code may} and James's trust store
 * knows no CA of the peers, so only DANE can authenticate them.
 * <pre>
 * ee.dane.test       TLSA 3 1 1 of the peer's key     delivered, source dane, authenticated
 * eebad.dane.test    TLSA 3 1 1 of another key        never sent; retried, then DSN 5.7.10 naming DANE
 * expired.dane.test  signatures expired (bogus)       never sent; retried, then DSN
 * </pre>
 */
class DaneIT {
    static DanePeers peers;
    static PostfixPeer postfix;
    static JamesProcess james;

    @BeforeAll
    static void start() throws Exception {
        peers = DanePeers.start("127.0.22");
        postfix = peers.postfix;
        ShippedConf conf = ShippedConf.in(Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "dane-"));
        conf.file("mailsec-tls.policy", "[outbound]\ndefault may\n[inbound]\ndefault may\n");
        conf.file("tls/unrelated-ca.pem", Files.readString(peers.unrelatedCa));
        conf.edit("mailetcontainer.xml", "<retrySchedule>5m, 15m, 30m, 1h, 2h, 4h</retrySchedule>", "<retrySchedule>2s</retrySchedule>\n"
                + "                <maxRetries>1</maxRetries>\n                <trustStore>conf/tls/unrelated-ca.pem</trustStore>\n"
                + "                <dnssec>trust-ad</dnssec>");
        james = JamesProcess.builder("dane").overlay(conf.dir()).dnsServer(DnssecTestbed.VALIDATING).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {james, peers}) {
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
        return james.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains(rcpt) && l.contains("\"direction\":\"outbound\"")
                && l.contains("\"source\"")).collect(Collectors.toList());
    }

    static boolean dsnArrived(String rcpt, String... needles) throws Exception {
        MailClient client = new MailClient(james);
        return JamesProcess.await(Duration.ofSeconds(40), () -> client.imapsOrNone(james.demoUser(), james.demoPassword()).stream()
                .map(m -> RequireTlsIT.text(m).replaceAll("\\s+", " ")) // a long diagnostic is folded
                .anyMatch(t -> t.contains(rcpt) && List.of(needles).stream().allMatch(t::contains)));
    }

    @Test
    void aMatchingTlsaRecordAuthenticatesASelfSignedMx() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("a@ee.dane.test", token);
        assertThat(postfix.message("Subject: " + token, Duration.ofSeconds(30))).as("tracking:\n"
                + james.logFile("tls-tracking.jsonl")).isNotNull();
        assertThat(tracking("a@ee.dane.test")).singleElement().satisfies(l -> assertThat(l).contains("\"source\":\"dane\"",
                "\"level\":\"verify\"", "\"entry\":\"tlsa _25._tcp.mx.ee.dane.test\"", "\"dane\":\"authenticated\"",
                "\"certificate\":\"untrusted\"", "\"outcome\":\"delivered\""));
        assertThat(james.log()).contains("event=tls-delivery-init", "dane=on (dnssec=trust-ad)");
    }

    @Test
    void aTlsaMismatchIsNeverSentRetriedThenBounced() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("b@eebad.dane.test", token);
        assertThat(dsnArrived("b@eebad.dane.test", "Status: 5.7.10", "source dane", "DANE: the certificate matches no TLSA record"))
                .as("DSN 5.7.10 after the retry; tracking:\n" + james.logFile("tls-tracking.jsonl")).isTrue();
        assertThat(tracking("b@eebad.dane.test")).as("attempt 1 and its retry").hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("\"source\":\"dane\"", "\"dane\":\"not-authenticated\"", "\"outcome\":\"blocked: TLS unavailable\""));
        assertThat(postfix.messages(token)).isEmpty();
    }

    @Test
    void bogusSignaturesAreRetriedNeverSentThenBounced() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("c@expired.dane.test", token);
        assertThat(dsnArrived("c@expired.dane.test", "failed DNSSEC validation"))
                .as("DSN after the retry; tracking:\n" + james.logFile("tls-tracking.jsonl")).isTrue();
        assertThat(postfix.maillog()).doesNotContain(token);
    }
}
