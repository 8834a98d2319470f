package io.mailsec.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.mailsec.it.JamesProcess;
import io.mailsec.it.SmtpDialog;

/**
 * End-to-end load run (issue 7): N messages of ~10 KB over 8 SMTP connections to 20 local mailboxes,
 * through two real James processes — one with James's stock pipeline, one with the mailsec inbound
 * pipeline — alternating rounds in the same run so that machine noise hits both alike. Reports
 * delivered messages/s, the ratio, SMTP transaction p50/p99, James CPU per message and peak RSS.
 *
 * <p>Arguments: {@code messagesPerRound rounds stockOverlayDir mailsecOverlayDir [dnsServer]}.
 * The message producer is pluggable through {@link MessageSource} (e.g. DKIM-signed messages).
 */
public final class PipelineLoadBench {
    private static final int CONNECTIONS = 8;
    private static final int MAILBOXES = 20;

    public interface MessageSource {
        /** The raw message (CRLF, dot-stuffing not needed) for message {@code i} to {@code rcpt}. */
        String message(int i, String from, String rcpt);

        String envelopeFrom();

        String helo();
    }

    public record RoundResult(String name, int messages, double seconds, double msgsPerSecond,
                              double p50Ms, double p99Ms, double cpuMsPerMessage, long peakRssKb) {
    }

    private final JamesProcess james;
    private final String name;
    private final MessageSource source;
    private final List<String> users = new ArrayList<>();
    private final String clientAddress;

    public PipelineLoadBench(String name, JamesProcess james, MessageSource source, String domain, String clientAddress) {
        this.name = name;
        this.clientAddress = clientAddress;
        this.james = james;
        this.source = source;
        for (int i = 0; i < MAILBOXES; i++) {
            String u = "user" + i + "@" + domain;
            james.addUser(u, "pw-" + i);
            users.add(u);
        }
    }

    public RoundResult round(int messages) throws Exception {
        long before = delivered();
        long cpuBefore = cpuMillis();
        List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            fs.add(pool.submit(() -> {
                try (SmtpDialog d = SmtpDialog.connectFrom(clientAddress, james.host(), james.smtpPort())) {
                    d.reply();
                    d.command("EHLO " + source.helo());
                    int i;
                    while ((i = next.getAndIncrement()) < messages) {
                        String rcpt = users.get(i % MAILBOXES);
                        long t0 = System.nanoTime();
                        expect(d.command("MAIL FROM:<" + source.envelopeFrom() + ">"), "250");
                        expect(d.command("RCPT TO:<" + rcpt + ">"), "250");
                        expect(d.command("DATA"), "354");
                        String body = source.message(i, source.envelopeFrom(), rcpt);
                        expect(d.command(dotStuff(body) + "\r\n."), "250");
                        latenciesNanos.add(System.nanoTime() - t0);
                    }
                    d.command("QUIT");
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        long target = before + messages;
        boolean all = JamesProcess.await(Duration.ofMinutes(10), () -> delivered() >= target);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!all) {
            throw new IllegalStateException(name + ": only " + (delivered() - before) + " of " + messages + " delivered");
        }
        long cpu = cpuMillis() - cpuBefore;
        List<Long> sorted = new ArrayList<>(latenciesNanos);
        Collections.sort(sorted);
        return new RoundResult(name, messages, seconds, messages / seconds, pct(sorted, 0.50), pct(sorted, 0.99),
                (double) cpu / messages, peakRssKb());
    }

    private static void expect(List<String> reply, String code) {
        if (!reply.get(reply.size() - 1).startsWith(code)) {
            throw new IllegalStateException("expected " + code + " got " + reply);
        }
    }

    private static String dotStuff(String body) {
        return body.replace("\r\n.", "\r\n..");
    }

    private static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size()))) / 1e6;
    }

    long delivered() {
        long total = 0;
        for (String u : users) {
            JamesProcess.HttpResult r = james.webadmin("GET", "/users/" + u + "/mailboxes/INBOX/messageCount", null);
            if (r.status() == 200) {
                total += Long.parseLong(r.body().trim());
            }
        }
        return total;
    }

    /** utime + stime of the James JVM, from /proc (clock ticks of 10 ms). */
    long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/" + james.jamesJvm().pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    long peakRssKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + james.jamesJvm().pid() + "/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A ~10 KB plain-text message. */
    public static String plainMessage(int i, String from, String rcpt, String extraHeaders) {
        StringBuilder b = new StringBuilder();
        b.append("From: <").append(from).append(">\r\n")
                .append("To: <").append(rcpt).append(">\r\n")
                .append("Subject: load ").append(i).append("\r\n")
                .append("Date: Sun, 22 Nov 2026 12:00:00 +0000\r\n")
                .append("Message-ID: <load-").append(i).append("@bench.example>\r\n")
                .append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n")
                .append(extraHeaders).append("\r\n");
        String line = "The quick brown fox jumps over the lazy dog, message body line of the load run.\r\n";
        while (b.length() < 10 * 1024) {
            b.append(line);
        }
        return b.toString();
    }

    public static Map<String, String> summary(List<RoundResult> a, List<RoundResult> b) {
        Map<String, String> m = new LinkedHashMap<>();
        double ra = a.stream().mapToDouble(RoundResult::msgsPerSecond).sum();
        double rb = b.stream().mapToDouble(RoundResult::msgsPerSecond).sum();
        m.put("ratio_msgs_per_s", String.format("%.3f", rb / ra));
        m.put("cpu_ms_per_msg_added", String.format("%.3f",
                b.stream().mapToDouble(RoundResult::cpuMsPerMessage).average().orElse(0)
                        - a.stream().mapToDouble(RoundResult::cpuMsPerMessage).average().orElse(0)));
        return m;
    }

    public static void writeReport(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
