package io.mailsec.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.it.SmtpDialog;
import io.mailsec.it.SmtpSink;

/**
 * Issue 17 in a real James with james-conf's pipeline: TlsPolicyDelivery only queues, so 30 messages
 * for a domain whose MX accepts connections and never answers (a tarpit) hold neither the spooler
 * (a local message is delivered at once) nor the mail for another domain (delivered while the tarpit
 * holds its five workers); the queue is James's own, visible through WebAdmin's /mailQueues.
 */
class DeliveryQueueIT {
    static final String DNS = "127.0.8.53";
    static final String TARPIT = "127.0.8.25";
    static final String HEALTHY = "127.0.8.26";
    static final String CLIENT = "127.0.8.11";
    /** Nothing listens there: connection refused, a temporary failure retried on the schedule. */
    static final String REFUSED = "127.0.8.27";
    static Path dir;
    static Dnsmasq dns;
    static ServerSocket tarpit;
    static final List<Socket> held = new ArrayList<>();
    static SmtpSink healthy;
    static JamesProcess james;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "delivery-queue-");
        dns = Dnsmasq.start(DNS, List.of("test"), List.of(Dnsmasq.mx("tarpit.test", "mx.tarpit.test", 10),
                Dnsmasq.host("mx.tarpit.test", TARPIT), Dnsmasq.mx("healthy.test", "mx.healthy.test", 10),
                Dnsmasq.host("mx.healthy.test", HEALTHY), Dnsmasq.mx("refused.test", "mx.refused.test", 10),
                Dnsmasq.host("mx.refused.test", REFUSED)));
        tarpit = new ServerSocket(25, 100, InetAddress.getByName(TARPIT));
        Thread accept = new Thread(() -> {
            while (!tarpit.isClosed()) {
                try {
                    Socket s = tarpit.accept();
                    synchronized (held) {
                        held.add(s); // accepted, never answered
                    }
                } catch (Exception e) {
                    return;
                }
            }
        }, "tarpit");
        accept.setDaemon(true);
        accept.start();
        healthy = new SmtpSink(HEALTHY, 25);
        Path o = ShippedConf.in(dir).dir();
        Files.writeString(o.resolve("mailsec-tls.policy"), "[outbound]\ndefault may\n[inbound]\ndefault may\n");
        james = JamesProcess.builder("delivery-queue").overlay(o).dnsServer(DNS).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (james != null) {
            james.close();
        }
        if (tarpit != null) {
            tarpit.close();
        }
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {healthy, dns}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aTarpitMxHoldsNeitherLocalMailNorOtherDestinations() throws Exception {
        String tag = UUID.randomUUID().toString();
        MailClient client = new MailClient(james);
        for (int i = 0; i < 30; i++) {
            client.submit(client.newMessage(client.submissionSession(), james.demoUser(), "u" + i + "@tarpit.test", tag + " tarpit " + i,
                    "x\r\n"), james.demoUser(), james.demoPassword());
        }
        assertThat(JamesProcess.await(Duration.ofSeconds(20), () -> heldConnections() >= 5))
                .as("the tarpit holds its five workers; log:\n" + JamesProcess.tail(james.output(), 40)).isTrue();

        long start = System.nanoTime();
        String local = "From: a@sender.test\r\nTo: " + james.demoUser() + "\r\nSubject: " + tag + " local\r\n\r\nhello\r\n";
        try (SmtpDialog smtp = SmtpDialog.connectFrom(CLIENT, james.host(), james.smtpPort())) {
            smtp.reply();
            assertThat(SmtpDialog.code(smtp.send("client.sender.test", "a@sender.test", List.of(james.demoUser()),
                    local.getBytes(StandardCharsets.US_ASCII)))).isEqualTo(250);
        }
        assertThat(JamesProcess.await(Duration.ofSeconds(20), () -> client.imapsOrNone(james.demoUser(), james.demoPassword()).stream()
                .anyMatch(m -> MailClient.subject(m).equals(tag + " local"))))
                .as("local delivery is not held up by the tarpit").isTrue();
        double localSeconds = (System.nanoTime() - start) / 1e9;

        start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            client.submit(client.newMessage(client.submissionSession(), james.demoUser(), "h" + i + "@healthy.test", tag + " healthy " + i,
                    "x\r\n"), james.demoUser(), james.demoPassword());
        }
        Set<String> got = new HashSet<>();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.size() < 5 && System.nanoTime() < end) {
            byte[] m = healthy.next(1);
            String s = m == null ? "" : new String(m, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 5; i++) {
                if (s.contains(tag + " healthy " + i)) {
                    got.add("h" + i);
                }
            }
        }
        double healthySeconds = (System.nanoTime() - start) / 1e9;
        assertThat(got).as("another domain's mail flows while the tarpit holds its workers").hasSize(5);
        assertThat(heldConnections()).as("still at most maxConnectionsPerDestination sessions to the tarpit").isLessThanOrEqualTo(5);

        JamesProcess.HttpResult queue = james.webadmin("GET", "/mailQueues/mailsec-outgoing", null);
        assertThat(queue.status()).as(queue.body()).isEqualTo(200);
        assertThat(queue.body()).contains("\"name\":\"mailsec-outgoing\"");
        System.out.printf("DeliveryQueueIT: local delivered in %.2f s, 5 healthy-domain messages in %.2f s, tarpit sessions %d%n",
                localSeconds, healthySeconds, heldConnections());
    }

    /** James's WebAdmin queue routes on our queue: a deferred mail is counted, flushed to an early retry, deleted. */
    @Test
    void theQueueIsJamesOwnAndItsWebAdminRoutesWork() throws Exception {
        String tag = UUID.randomUUID().toString();
        MailClient client = new MailClient(james);
        // James's memory queue counts mail being delivered (the other test's tarpit mail) in its size too
        long base = size();
        client.submit(client.newMessage(client.submissionSession(), james.demoUser(), "r@refused.test", tag + " refused", "x\r\n"),
                james.demoUser(), james.demoPassword());
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> attempts("r@refused.test") == 1 && size() == base + 1))
                .as("the deferred mail waits in mailsec-outgoing for its retry; tracking:\n" + james.logFile("tls-tracking.jsonl")).isTrue();

        // mailsec's own route shows the deferred mail with its retry state, as often as asked: unlike James's
        // GET /mailQueues/{name}/mails it never releases the memory queue (checked below: delivery goes on).
        for (int i = 0; i < 20; i++) {
            JamesProcess.HttpResult list = james.webadmin("GET", "/mailsec/queues/mailsec-outgoing?limit=1000", null);
            assertThat(list.status()).as(list.body()).isEqualTo(200);
            assertThat(list.body()).contains("\"name\":\"mailsec-outgoing\"", "\"recipients\":[\"r@refused.test\"]",
                    "\"stage\":\"queued\"", "\"attempts\":1", "\"destination\":\"refused.test\"", "\"nextAttempt\":\"20",
                    "\"r@refused.test\":\"4.4.1 step connect: ");
        }
        assertThat(james.webadmin("GET", "/mailsec/queues", null).body()).contains("\"name\":\"mailsec-outgoing\"", "\"size\":");
        JamesProcess.HttpResult unknown = james.webadmin("GET", "/mailsec/queues/outgoing", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("no TlsPolicyDelivery queue named 'outgoing' (known: [mailsec-outgoing])");
        JamesProcess.HttpResult badLimit = james.webadmin("GET", "/mailsec/queues/mailsec-outgoing?limit=lots", null);
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.body()).contains("limit must be a whole number from 1 to 10000, got 'lots'");

        // A retry handed back within 2 s of being queued is taken for a queue ignoring its delay (and held);
        // an administrator's flush comes later than that.
        Thread.sleep(2500);
        JamesProcess.HttpResult flush = james.webadmin("PATCH", "/mailQueues/mailsec-outgoing/mails?delayed=true", "{\"delayed\": false}");
        assertThat(flush.status()).as(flush.body()).isEqualTo(204);
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> attempts("r@refused.test") >= 2))
                .as("flushed: the retry runs now instead of in 5 minutes").isTrue();
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> size() == base + 1)).as("and is deferred again").isTrue();

        JamesProcess.HttpResult delete = james.webadmin("DELETE", "/mailQueues/mailsec-outgoing/mails?recipient=r@refused.test", null);
        assertThat(delete.status()).as(delete.body()).isEqualTo(201);
        assertThat(JamesProcess.await(Duration.ofSeconds(30), () -> size() == base)).as("deleted").isTrue();

        // The queue still delivers after the routes used it.
        client.submit(client.newMessage(client.submissionSession(), james.demoUser(), "after@healthy.test", tag + " after", "x\r\n"),
                james.demoUser(), james.demoPassword());
        boolean got = false;
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!got && System.nanoTime() < end) {
            byte[] m = healthy.next(1);
            got = m != null && new String(m, StandardCharsets.ISO_8859_1).contains(tag + " after");
        }
        assertThat(got).as("delivered after the WebAdmin calls").isTrue();
    }

    static long size() {
        JamesProcess.HttpResult q = james.webadmin("GET", "/mailQueues/mailsec-outgoing", null);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"size\":(\\d+)").matcher(q.body());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static long attempts(String recipient) {
        try {
            return james.logFile("tls-tracking.jsonl").lines()
                    .filter(l -> l.contains(recipient) && l.contains("\"outcome\":\"deferred\"")).count();
        } catch (Exception e) {
            return 0;
        }
    }

    static int heldConnections() {
        synchronized (held) {
            return (int) held.stream().filter(s -> !s.isClosed()).count();
        }
    }
}
