package io.mailsec.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.it.SmtpSink;

/**
 * Issue 17, "James stopped with mail in the queue: on a persistent queue it is delivered after
 * restart", in a real James 3.8.1 on James's own ActiveMQ mail queues (run-james.sh
 * {@code JAMES_APP=memory-activemq}: embedded broker, KahaDB under the working directory's
 * var/store/activemq, the queue of James's JPA server). James is stopped with SIGTERM while
 * mailsec-outgoing holds a mail deferred after its first attempt (its MX refuses connections) and
 * mail whose attempt has not happened or not finished (its MX is a tarpit holding every slot of its
 * domain, the rest of that domain's mail waits in line), and restarted on the same working directory
 * with healthy MXs: each mail is delivered once, the deferred one as the next attempt, so its typed
 * retry attributes came back from the queue.
 */
class PersistentQueueIT {
    static final String DNS = "127.0.10.53";
    /** Nothing listens there until the restart: connection refused, a temporary failure. */
    static final String RETRY_MX = "127.0.10.25";
    /** A tarpit until the restart: accepts and never answers. */
    static final String WAITING_MX = "127.0.10.26";
    /** maxConnectionsPerDestination (5) of them in the tarpit, the other 3 waiting for a slot. */
    static final int WAITING = 8;
    static final String RETRY_RCPT = "r@retry.test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ERROR_REPOSITORY = "/mailRepositories/" + URLEncoder.encode("var/mail/error", StandardCharsets.UTF_8) + "/mails";

    static final String TAG = UUID.randomUUID().toString();
    static Dnsmasq dns;
    static ServerSocket tarpit;
    static final List<Socket> held = Collections.synchronizedList(new ArrayList<>());
    static SmtpSink retrySink;
    static SmtpSink waitingSink;
    static JamesProcess first;
    static JamesProcess second;
    /** mailsec-outgoing as GET /mailsec/queues/mailsec-outgoing listed it right before the stop. */
    static volatile JsonNode queueBeforeStop;
    /** Tracking lines written before the restart, and after it. */
    static List<JsonNode> before;
    static List<JsonNode> after;
    /** Subject to the number of copies each MX received after the restart. */
    static final Map<String, Integer> received = new ConcurrentHashMap<>();

    @BeforeAll
    static void stopWithMailQueuedThenRestart() throws Exception {
        Path dir = Files.createTempDirectory(JamesProcess.root().resolve("integration-tests/target"), "persistent-queue-");
        dns = Dnsmasq.start(DNS, List.of("test"), List.of(Dnsmasq.mx("retry.test", "mx.retry.test", 10),
                Dnsmasq.host("mx.retry.test", RETRY_MX), Dnsmasq.mx("waiting.test", "mx.waiting.test", 10),
                Dnsmasq.host("mx.waiting.test", WAITING_MX)));
        tarpit = new ServerSocket(25, 100, InetAddress.getByName(WAITING_MX));
        Thread accept = new Thread(() -> {
            while (!tarpit.isClosed()) {
                try {
                    held.add(tarpit.accept());
                } catch (Exception e) {
                    return;
                }
            }
        }, "tarpit");
        accept.setDaemon(true);
        accept.start();
        // 15 s: long enough that the retry normally falls after the stop, short enough that it is due
        // when James is back; a retry during the stop is allowed for (the attempt count is read from the log).
        Path overlay = ShippedConf.in(dir)
                .edit("mailetcontainer.xml", "<retrySchedule>5m, 15m, 30m, 1h, 2h, 4h</retrySchedule>", "<retrySchedule>15s</retrySchedule>")
                .file("mailsec-tls.policy", "[outbound]\ndefault may\n[inbound]\ndefault may\n").dir();

        first = james(overlay, null);
        MailClient client = new MailClient(first);
        submit(client, first, RETRY_RCPT, TAG + " retry");
        for (int i = 0; i < WAITING; i++) {
            submit(client, first, "w" + i + "@waiting.test", TAG + " waiting " + i);
        }
        // mailsec's queue route (GET /mailsec/queues/{name}) shows each mail's stage at the moment of the stop.
        assertThat(JamesProcess.await(Duration.ofSeconds(60), () -> !deferred(tracking(first)).isEmpty() && openTarpitSessions() >= 5
                        && stages(queueBeforeStop = outgoing(first), "waiting.test").equals(Map.of("delivering", 5L, "waiting-for-slot", 3L))
                        && stages(queueBeforeStop, "retry.test").equals(Map.of("queued", 1L))))
                .as("attempt 1 deferred, the tarpit holding its five slots, three mails in line; tracking:\n"
                        + first.logFile("tls-tracking.jsonl") + "\nqueue: " + queueBeforeStop).isTrue();

        long stopStart = System.nanoTime();
        int status = first.stop(Duration.ofSeconds(120));
        double stopSeconds = (System.nanoTime() - stopStart) / 1e9;
        assertThat(status).as("run-james.sh ends as on a requested stop").isZero();
        assertThat(first.log()).as("James shut down cleanly, not killed").contains("JAMES server stopped");
        before = tracking(first);

        tarpit.close();
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
        retrySink = new SmtpSink(RETRY_MX, 25);
        waitingSink = new SmtpSink(WAITING_MX, 25);

        long restart = System.nanoTime();
        second = james(overlay, first.workDir());
        double readySeconds = (System.nanoTime() - restart) / 1e9;
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (received.size() < 1 + WAITING && System.nanoTime() < end) {
            collect(retrySink, 1);
            collect(waitingSink, 0);
        }
        double deliveredSeconds = (System.nanoTime() - restart) / 1e9;
        // Longer than a poll of James's JMS queue (10 s) and the retry delay: a duplicate would show by now.
        long quiet = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < quiet) {
            collect(retrySink, 1);
            collect(waitingSink, 0);
        }
        List<JsonNode> all = tracking(second);
        after = all.subList(before.size(), all.size());
        System.out.printf("PersistentQueueIT: stop %.1f s; restart to READY %.1f s, to %d of %d mails delivered %.1f s%n",
                stopSeconds, readySeconds, received.size(), 1 + WAITING, deliveredSeconds);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {second, first, tarpit, retrySink, waitingSink, dns}) {
            if (c != null) {
                c.close();
            }
        }
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void mailDeferredBeforeTheStopIsDeliveredOnceAfterTheRestartAsTheNextAttempt() {
        List<JsonNode> deferred = deferred(before);
        assertThat(deferred).as("deferred before the stop").isNotEmpty();
        assertThat(deferred.get(0).path("attempt").asInt()).as("the first deferral is attempt 1").isEqualTo(1);
        int lastBefore = deferred.stream().mapToInt(l -> l.path("attempt").asInt()).max().orElseThrow();
        JsonNode queued = mails(queueBeforeStop, "retry.test").get(0);
        assertThat(queued.path("attempts").asInt()).as("in the queue with its retry state: " + queued).isEqualTo(1);
        assertThat(queued.path("nextAttempt").asText()).as("its retry time").isNotEmpty();
        assertThat(queued.path("firstFailures").path(RETRY_RCPT).asText()).as("its first failure").startsWith("4.4.1 step connect: ");

        assertThat(received.getOrDefault(TAG + " retry", 0)).as("the MX received it once; tracking after the restart:\n" + after)
                .isEqualTo(1);
        List<JsonNode> delivered = lines(after, RETRY_RCPT, "delivered");
        assertThat(delivered).as("one delivery").hasSize(1);
        assertThat(delivered.get(0).path("attempt").asInt())
                .as("the attempt count went on from before the stop: the retry attributes survived the queue")
                .isEqualTo(lastBefore + 1).isGreaterThanOrEqualTo(2);
        assertThat(lines(after, RETRY_RCPT, "deferred")).as("no failed attempt after the restart").isEmpty();
    }

    /** Three never attempted (in line for a slot) and five cut off mid-attempt (the tarpit never answered). */
    @Test
    void mailNotYetAttemptedAtTheStopIsDeliveredOnceAfterTheRestart() {
        assertThat(stages(queueBeforeStop, "waiting.test")).isEqualTo(Map.of("delivering", 5L, "waiting-for-slot", 3L));
        for (int i = 0; i < WAITING; i++) {
            String rcpt = "w" + i + "@waiting.test";
            assertThat(lines(before, rcpt, null)).as(rcpt + " before the stop: queued, no attempt finished")
                    .extracting(l -> l.path("outcome").asText()).containsExactly("queued");
            assertThat(received.getOrDefault(TAG + " waiting " + i, 0)).as(rcpt + " received once").isEqualTo(1);
            assertThat(lines(after, rcpt, "delivered")).as(rcpt + " delivered once, as its first attempt")
                    .singleElement().satisfies(l -> assertThat(l.path("attempt").asInt()).isEqualTo(1));
        }
    }

    @Test
    void nothingIsLeftInTheQueuesOrTheErrorRepository() {
        JsonNode outgoing = outgoing(second);
        assertThat(outgoing.path("size").asLong()).as("mailsec-outgoing after the deliveries: " + outgoing).isZero();
        assertThat(outgoing.path("mails")).isEmpty();
        assertThat(received).as("nothing but the submitted mail, each once").hasSize(1 + WAITING).allSatisfy((s, n) -> assertThat(n).isEqualTo(1));
        for (String queue : List.of("spool", "mailsec-outgoing")) {
            JamesProcess.HttpResult q = second.webadmin("GET", "/mailQueues/" + queue, null);
            assertThat(q.status()).as(q.body()).isEqualTo(200);
            assertThat(q.body()).as(queue + " is empty").contains("\"size\":0");
        }
        JamesProcess.HttpResult errors = second.webadmin("GET", ERROR_REPOSITORY, null);
        assertThat(errors.status() == 404 ? "[]" : errors.body()).as("nothing in the error repository").isEqualTo("[]");
        assertThat(second.log()).as("no delivery crashed").doesNotContain("event=delivery-crashed");
    }

    static JamesProcess james(Path overlay, Path workDir) throws Exception {
        JamesProcess.Builder b = JamesProcess.builder("persistent-queue").env("JAMES_APP", "memory-activemq").overlay(overlay).dnsServer(DNS);
        return (workDir == null ? b : b.workDir(workDir)).start();
    }

    static void submit(MailClient client, JamesProcess james, String to, String subject) throws Exception {
        client.submit(client.newMessage(client.submissionSession(), james.demoUser(), to, subject, "x\r\n"), james.demoUser(),
                james.demoPassword());
    }

    static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (.*?)\r?$");

    static void collect(SmtpSink sink, long seconds) throws InterruptedException {
        byte[] m = sink.next(seconds);
        if (m != null) {
            Matcher s = SUBJECT.matcher(new String(m, StandardCharsets.ISO_8859_1));
            received.merge(s.find() ? s.group(1) : "(no subject)", 1, Integer::sum);
        }
    }

    static JsonNode outgoing(JamesProcess james) {
        JamesProcess.HttpResult r = james.webadmin("GET", "/mailsec/queues/mailsec-outgoing?limit=1000", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(r.body(), e);
        }
    }

    static List<JsonNode> mails(JsonNode queue, String destination) {
        List<JsonNode> out = new ArrayList<>();
        queue.path("mails").forEach(m -> {
            if (destination.equals(m.path("destination").asText())) {
                out.add(m);
            }
        });
        return out;
    }

    /** How many of a destination's mails are at each stage. */
    static Map<String, Long> stages(JsonNode queue, String destination) {
        return mails(queue, destination).stream()
                .collect(java.util.stream.Collectors.groupingBy(m -> m.path("stage").asText(), java.util.stream.Collectors.counting()));
    }

    static List<JsonNode> tracking(JamesProcess james) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : james.logFile("tls-tracking.jsonl").split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(JSON.readTree(line));
                } catch (Exception e) {
                    throw new IllegalStateException("not a JSON tracking line: " + line, e);
                }
            }
        }
        return out;
    }

    /** Outbound lines naming this recipient, with this outcome (any when null). */
    static List<JsonNode> lines(List<JsonNode> tracking, String recipient, String outcome) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode l : tracking) {
            boolean forRecipient = false;
            for (JsonNode r : l.path("recipients")) {
                forRecipient |= r.asText().equals(recipient);
            }
            if (forRecipient && "outbound".equals(l.path("direction").asText())
                    && (outcome == null || outcome.equals(l.path("outcome").asText()))) {
                out.add(l);
            }
        }
        return out;
    }

    static List<JsonNode> deferred(List<JsonNode> tracking) {
        return lines(tracking, RETRY_RCPT, "deferred");
    }

    static int openTarpitSessions() {
        synchronized (held) {
            return (int) held.stream().filter(s -> !s.isClosed()).count();
        }
    }
}
