package io.mailsec.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.peers.PeerTools;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.tls.peers.CutDataRelay;
import io.mailsec.tls.peers.Peers;
import io.mailsec.tls.peers.PolicyService;
import io.mailsec.tls.peers.PostfixPeer;

/**
 * Faulty peers through a real James 3.8.1 (james-conf's pipeline, TlsPolicyDelivery queueing into
 * James's mail queue and retrying on its schedule) against a real Postfix, all on 127.0.11.x:
 * <pre>
 * cut.faults.test    mx 127.0.11.12  CutDataRelay (first session lost mid-message) -> Postfix 127.0.11.10
 * later.faults.test  mx 127.0.11.10  Postfix, hash: recipient access map answering 450 until the test rewrites it
 * eod.faults.test    mx 127.0.11.11  Postfix, end-of-data policy service answering 451 once
 * busy.faults.test   mx 127.0.11.13  Postfix, connect-time policy service answering 421 once (smtpd_delay_reject=no)
 * </pre>
 * Each mail must be deferred once with the peer's reason, delivered on the retry, land exactly once
 * in the Maildir, leave the queue, and cause no DSN.
 */
class DeliveryFaultsIT {
    private static final String DNS = "127.0.11.53";
    private static final String POLICY = "127.0.11.9";
    private static final String POSTFIX = "127.0.11.10";
    private static final String POSTFIX_EOD = "127.0.11.11";
    private static final String RELAY = "127.0.11.12";
    private static final String POSTFIX_BUSY = "127.0.11.13";
    /**
     * Short enough to keep the class fast, long enough that the 450 test rewrites its map between the
     * two attempts even on a loaded machine (it reacts within ~100 ms of the first attempt's line).
     */
    private static final Duration RETRY = Duration.ofSeconds(3);
    private static final String LATER_RCPT = "lena@later.faults.test";
    private static Path dir;
    private static Path accessMap;
    private static PostfixPeer postfix;
    private static CutDataRelay relay;
    private static PolicyService policy;
    private static JamesProcess james;
    private static MailClient client;

    @BeforeAll
    static void start() throws Exception {
        PeerTools.requireRoot();
        // Postfix's unprivileged users (postfix, nobody for the Maildir) must reach the instance: /tmp, as
        // the other Postfix peers, rather than a clone that may sit in a private home directory.
        dir = Files.createDirectories(Path.of("/tmp", "mailsec-faults-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            Map<String, String[]> mx = new LinkedHashMap<>();
            mx.put("cut.faults.test", new String[] {"mx.cut.faults.test", RELAY});
            mx.put("later.faults.test", new String[] {"mx.later.faults.test", POSTFIX});
            mx.put("eod.faults.test", new String[] {"mx.eod.faults.test", POSTFIX_EOD});
            mx.put("busy.faults.test", new String[] {"mx.busy.faults.test", POSTFIX_BUSY});
            Peers.dns(DNS, "faults.test", mx);
            policy = PolicyService.start(POLICY);
            Path postfixDir = dir.resolve("postfix");
            accessMap = postfixDir.resolve("etc/recipient-access");
            String plain = "-o smtpd_tls_security_level=none";
            postfix = PostfixPeer.start(postfixDir, List.copyOf(mx.keySet()), List.of(
                    new PostfixPeer.Listener(POSTFIX, plain + " -o smtpd_recipient_restrictions=check_recipient_access,hash:" + accessMap,
                            null, null),
                    new PostfixPeer.Listener(POSTFIX_EOD, plain + " -o smtpd_end_of_data_restrictions=" + policy.checkCommand(), null, null),
                    new PostfixPeer.Listener(POSTFIX_BUSY, plain + " -o smtpd_delay_reject=no -o smtpd_client_restrictions="
                            + policy.checkCommand(), null, null)),
                    Map.of(accessMap.getFileName().toString(), LATER_RCPT + " 450 4.2.0 try later\n"));
            relay = CutDataRelay.start(RELAY, 25, new InetSocketAddress(POSTFIX, 25), 1, 8000);

            Path parent = Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "delivery-faults-");
            Path o = ShippedConf.in(parent)
                    .edit("mailetcontainer.xml", "<retrySchedule>5m, 15m, 30m, 1h, 2h, 4h</retrySchedule>",
                            "<retrySchedule>" + RETRY.toSeconds() + "s</retrySchedule>")
                    .file("mailsec-tls.policy", "[outbound]\ndefault may\n[inbound]\ndefault may\n")
                    .dir();
            james = JamesProcess.builder("delivery-faults").overlay(o).dnsServer(DNS).start();
            client = new MailClient(james);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        PeerTools.closeAll();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException ignored) {
                // best effort
            }
        }
    }

    @Test
    void aConnectionLostMidDataIsRetriedAndDeliveredOnce() throws Exception {
        String token = UUID.randomUUID().toString();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            body.append(String.format("line %04d of a message long enough to be cut well before its end %s%n", i, token.substring(0, 8)));
        }
        body.append("last line ").append(token).append('\n');
        String messageId = submit("carl@cut.faults.test", "cut " + token, body.toString());

        List<String> attempts = awaitDelivered(messageId);
        assertThat(attempts).as("one lost attempt, then the retry").hasSize(2);
        assertThat(attempts.get(0)).contains("\"attempt\":1", "\"outcome\":\"deferred\"", "\"step\":\"data\"", "\"peerIp\":\"" + RELAY + "\"");
        assertThat(attempts.get(1)).contains("\"attempt\":2", "\"outcome\":\"delivered\"");

        // the first session got past the headers and was cut before the final dot; the second went whole
        List<CutDataRelay.Session> sessions = relay.sessions();
        assertThat(sessions).as("one session per attempt").hasSize(2);
        assertThat(sessions.get(0).cut()).isTrue();
        assertThat(sessions.get(0).finalDot()).isFalse();
        assertThat(sessions.get(0).lines()).contains("Subject: cut " + token).noneMatch(l -> l.contains("last line"));
        assertThat(sessions.get(0).messageBytes()).isBetween(1000L, 8000L);
        assertThat(sessions.get(1).cut()).isFalse();
        assertThat(sessions.get(1).finalDot()).isTrue();

        // Postfix lost the connection in DATA and dropped the partial message: one copy, the whole one
        assertThat(postfix.maillog()).contains("lost connection after DATA");
        List<String> copies = postfix.messages("cut " + token);
        assertThat(copies).as("Maildir copies").hasSize(1);
        assertThat(copies.get(0)).contains("last line " + token);
        assertSettledWithoutDsn(messageId, token);
    }

    @Test
    void a450AtRcptIsRetriedAndDeliveredOnceTheMapAllowsIt() throws Exception {
        String token = UUID.randomUUID().toString();
        String messageId = submit(LATER_RCPT, "later " + token, "body " + token + "\n");
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (attempts(messageId).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20); // the map must change within the retry delay
        }
        assertThat(attempts(messageId)).as(tracking()).isNotEmpty();
        // What an administrator does; Postfix's smtpd notices the changed table before its next session.
        Files.writeString(accessMap, "nobody@later.faults.test 450 4.2.0 try later\n");
        postfix.postmap(accessMap);
        long rewrittenAfterMs = System.currentTimeMillis() - trackingTime(attempts(messageId).get(0));

        List<String> attempts = awaitDelivered(messageId);
        assertThat(attempts).as("map rewritten %d ms after attempt 1 (retry after %s); maillog:%n%s", rewrittenAfterMs, RETRY,
                postfix.maillog()).hasSize(2);
        assertThat(attempts.get(0)).contains("\"attempt\":1", "\"outcome\":\"deferred\"", "\"step\":\"rcpt\"", "450 4.2.0",
                "try later", LATER_RCPT);
        assertThat(attempts.get(1)).contains("\"attempt\":2", "\"outcome\":\"delivered\"");
        assertThat(postfix.maillog()).containsPattern("reject: RCPT from .*: 450 4.2.0 <" + Pattern.quote(LATER_RCPT) + ">");
        assertThat(postfix.messages("later " + token)).as("Maildir copies").hasSize(1);
        assertSettledWithoutDsn(messageId, token);
    }

    @Test
    void a451AtEndOfDataIsRetriedAndDeliveredOnce() throws Exception {
        String token = UUID.randomUUID().toString();
        policy.refuse("END-OF-MESSAGE", "recipient", "erik@eod.faults.test", 1, "451 4.7.1 try again later");
        String messageId = submit("erik@eod.faults.test", "eod " + token, "body " + token + "\n");
        List<String> attempts = awaitDelivered(messageId);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0)).contains("\"attempt\":1", "\"outcome\":\"deferred\"", "\"step\":\"data\"", "451 4.7.1",
                "try again later");
        assertThat(attempts.get(1)).contains("\"attempt\":2", "\"outcome\":\"delivered\"");
        // the whole message reached Postfix the first time and was refused after it, so nothing was queued then
        assertThat(policy.answers()).filteredOn(a -> a.startsWith("END-OF-MESSAGE")).containsExactly(
                "END-OF-MESSAGE recipient=erik@eod.faults.test -> 451 4.7.1 try again later",
                "END-OF-MESSAGE recipient=erik@eod.faults.test -> DUNNO");
        assertThat(postfix.maillog()).contains("reject: END-OF-MESSAGE from");
        assertThat(postfix.messages("eod " + token)).as("Maildir copies").hasSize(1);
        assertSettledWithoutDsn(messageId, token);
    }

    @Test
    void a421GreetingIsRetriedAndDeliveredOnce() throws Exception {
        String token = UUID.randomUUID().toString();
        // Armed here, long after PostfixPeer.start's probe connection, which smtpd checks at CONNECT too.
        policy.refuse("CONNECT", "server_address", POSTFIX_BUSY, 1, "421 4.3.2 too busy, try again later");
        String messageId = submit("bea@busy.faults.test", "busy " + token, "body " + token + "\n");
        List<String> attempts = awaitDelivered(messageId);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0)).contains("\"attempt\":1", "\"outcome\":\"deferred\"", "\"step\":\"greeting\"", "421 4.3.2",
                "too busy");
        assertThat(attempts.get(1)).contains("\"attempt\":2", "\"outcome\":\"delivered\"");
        assertThat(policy.answers()).filteredOn(a -> a.startsWith("CONNECT")).containsExactly(
                "CONNECT server_address=" + POSTFIX_BUSY + " -> 421 4.3.2 too busy, try again later",
                "CONNECT server_address=" + POSTFIX_BUSY + " -> DUNNO");
        assertThat(postfix.messages("busy " + token)).as("Maildir copies").hasSize(1);
        assertSettledWithoutDsn(messageId, token);
    }

    // ---------------------------------------------------------------- helpers

    private static String submit(String to, String subject, String body) throws Exception {
        MimeMessage m = client.newMessage(client.submissionSession(), james.demoUser(), to, subject, body);
        String messageId = m.getMessageID();
        client.submit(m, james.demoUser(), james.demoPassword());
        return messageId;
    }

    /** The attempt lines once one says delivered (or whatever there is after a minute). */
    private static List<String> awaitDelivered(String messageId) {
        JamesProcess.await(Duration.ofSeconds(60), () -> attempts(messageId).stream().anyMatch(l -> l.contains("\"outcome\":\"delivered\"")));
        List<String> attempts = attempts(messageId);
        assertThat(attempts).as(tracking()).anyMatch(l -> l.contains("\"outcome\":\"delivered\""));
        return attempts;
    }

    /**
     * Nothing left to happen: the queue is empty (no further attempt can come), no bounce was recorded
     * and no report reached the sender's mailbox.
     */
    private static void assertSettledWithoutDsn(String messageId, String token) {
        assertThat(JamesProcess.await(Duration.ofSeconds(20), () -> queueSize() == 0)).as("mailsec-outgoing empty, size " + queueSize())
                .isTrue();
        assertThat(attempts(messageId)).as("no attempt after the delivery").hasSize(2);
        assertThat(james.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains(messageId)))
                .noneMatch(l -> l.contains("\"outcome\":\"bounced\""));
        assertThat(client.imapsOrNone(james.demoUser(), james.demoPassword()))
                .noneMatch(m -> MailClient.subject(m).contains(token));
    }

    private static List<String> attempts(String messageId) {
        return james.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains(messageId) && l.contains("\"attempt\":")).toList();
    }

    private static String tracking() {
        return "tracking:\n" + james.logFile("tls-tracking.jsonl");
    }

    private static long trackingTime(String line) {
        Matcher m = Pattern.compile("\"time\":\"([^\"]+)\"").matcher(line);
        return m.find() ? java.time.Instant.parse(m.group(1)).toEpochMilli() : 0;
    }

    private static long queueSize() {
        JamesProcess.HttpResult q = james.webadmin("GET", "/mailQueues/mailsec-outgoing", null);
        Matcher m = Pattern.compile("\"size\":(\\d+)").matcher(q.body());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
