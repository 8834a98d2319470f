package io.mailsec.bench.pipeline;

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

import io.mailsec.bench.ProcStat;
import io.mailsec.bench.Stats;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.SmtpDialog;

/**
 * End-to-end load run (issue 7): N messages of ~10 KB over 8 SMTP connections to 20 local mailboxes,
 * through two real James processes — one with James's stock pipeline, one with the mailsec inbound
 * pipeline — alternating rounds in the same run so that machine noise hits both alike. Reports
 * delivered messages/s, the ratio, SMTP transaction p50/p99, James CPU per message and peak RSS.
 *
 * <p>The messages are built (and DKIM-signed) once, before any round, from a pool of
 * {@value #POOL} distinct messages: the client's own CPU work (RSA signing) must not compete with
 * James for the machine's cores inside the timed part.
 */
public final class PipelineLoadBench {
    private static final int CONNECTIONS = 8;
    private static final int MAILBOXES = 20;
    /** Distinct messages (a multiple of {@link #MAILBOXES}, so message i always goes to the same mailbox). */
    static final int POOL = 400;

    public interface MessageSource {
        /** The raw message (CRLF, dot-stuffing not needed) for message {@code i} to {@code rcpt}. */
        String message(int i, String from, String rcpt);

        String envelopeFrom();

        String helo();
    }

    /**
     * One round. {@code cpuMsPerMessage} is all of the James JVM's CPU (utime + stime) during the round;
     * {@code cpuByThread} splits it by thread group (ms per message), where {@code jit} is the
     * JIT compiler threads: after the warm-up that is compilation still going on, not work per message.
     */
    public record RoundResult(String name, int messages, double seconds, double msgsPerSecond,
                              double p50Ms, double p99Ms, double cpuMsPerMessage, long peakRssKb,
                              Map<String, Double> cpuByThread) {
        public double cpuMsPerMessageWithoutJit() {
            return cpuMsPerMessage - cpuByThread.getOrDefault("jit", 0.0);
        }
    }

    private final JamesProcess james;
    private final String name;
    private final MessageSource source;
    private final List<String> users = new ArrayList<>();
    private final String clientAddress;
    private final String[] pool;

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
        pool = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            String body = source.message(i, source.envelopeFrom(), users.get(i % MAILBOXES));
            pool[i] = dotStuff(body) + "\r\n."; // SmtpDialog.command adds the final CRLF
        }
    }

    public String name() {
        return name;
    }

    public JamesProcess james() {
        return james;
    }

    public RoundResult round(int messages) throws Exception {
        emptyMailboxes();
        long before = delivered();
        Map<String, Long> threadsBefore = cpuByThreadGroup();
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
                        expect(d.command(this.pool[i % POOL]), "250");
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
        boolean all = awaitDelivered(Duration.ofMinutes(10), target);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!all) {
            throw new IllegalStateException(name + ": only " + (delivered() - before) + " of " + messages + " delivered");
        }
        long cpu = cpuMillis() - cpuBefore;
        Map<String, Long> threadsAfter = cpuByThreadGroup();
        Map<String, Double> byThread = new LinkedHashMap<>();
        long known = 0;
        for (Map.Entry<String, Long> e : threadsAfter.entrySet()) {
            long d = e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L);
            known += d;
            byThread.put(e.getKey(), (double) d / messages);
        }
        // threads that ended during the round (and rounding) land in "other"
        byThread.merge("other", (double) Math.max(0, cpu - known) / messages, Double::sum);
        List<Long> sorted = new ArrayList<>(latenciesNanos);
        Collections.sort(sorted);
        return new RoundResult(name, messages, seconds, messages / seconds, pct(sorted, 0.50), pct(sorted, 0.99),
                (double) cpu / messages, peakRssKb(), byThread);
    }

    /** Thread groups by the kernel's thread name (/proc/PID/task/TID/comm, 15 characters). */
    static String threadGroup(String comm) {
        if (comm.startsWith("C2 Compiler") || comm.startsWith("C1 Compiler")) {
            return "jit";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("VM Thread") || comm.startsWith("ParGC") || comm.startsWith("G1")) {
            return "gc+vm";
        }
        if (comm.startsWith("spooler")) {
            return "spooler (mailets)";
        }
        if (comm.startsWith("smtpserver")) {
            return "smtp";
        }
        if (comm.startsWith("blocking-call") || comm.startsWith("boundedElastic")) {
            return "mailbox";
        }
        if (comm.startsWith("qtp")) {
            return "webadmin";
        }
        return "other";
    }

    /** CPU ms of the James JVM's live threads, summed by {@link #threadGroup}. */
    Map<String, Long> cpuByThreadGroup() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String g : List.of("spooler (mailets)", "smtp", "mailbox", "gc+vm", "jit", "webadmin", "other")) {
            m.put(g, 0L);
        }
        Path tasks = Path.of("/proc/" + james.jamesJvm().pid() + "/task");
        try (var dirs = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) dirs::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    m.merge(threadGroup(comm), (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
                } catch (IOException threadEnded) {
                    // the thread ended between listing and reading
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    /**
     * Waits until the spool queue is empty (one cheap WebAdmin call per 50 ms), then until the 20
     * mailboxes hold {@code target} messages: polling 20 mailbox counts all along would itself cost
     * James noticeable CPU, more for the slower pipeline.
     */
    private boolean awaitDelivered(Duration timeout, long target) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && spoolSize() > 0) {
            Thread.sleep(50);
        }
        while (System.nanoTime() < deadline) {
            if (delivered() >= target) {
                return true;
            }
            Thread.sleep(50);
        }
        return delivered() >= target;
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

    /**
     * Every round starts with empty INBOXes. James's memory mailbox guesses the thread of each appended
     * message by searching the user's stored messages (SearchThreadIdGuessingAlgorithm over
     * SimpleMessageSearchIndex, which parses every stored message's headers), so the cost of one
     * delivery grows with everything delivered before: without this reset that scan dominates James's
     * CPU (about two thirds of it after 9,000 messages) and grows from round to round.
     */
    void emptyMailboxes() {
        for (String u : users) {
            JamesProcess.HttpResult d = james.webadmin("DELETE", "/users/" + u + "/mailboxes/INBOX", null);
            JamesProcess.HttpResult c = james.webadmin("PUT", "/users/" + u + "/mailboxes/INBOX", null);
            if (d.status() / 100 != 2 || c.status() / 100 != 2) {
                throw new IllegalStateException("could not empty INBOX of " + u + ": DELETE " + d + ", PUT " + c);
            }
        }
    }

    /** Mails waiting in James's spool queue; 0 when unknown (then the mailbox counts decide alone). */
    long spoolSize() {
        JamesProcess.HttpResult r = james.webadmin("GET", "/mailQueues/spool", null);
        if (r.status() != 200) {
            return 0;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"size\"\\s*:\\s*(\\d+)").matcher(r.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
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

    long cpuMillis() {
        return ProcStat.cpuMillis(james.jamesJvm().pid());
    }

    long peakRssKb() {
        return ProcStat.peakRssKb(james.jamesJvm().pid());
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

    /**
     * Ratio of the summed msgs/s, mean CPU per message of each pipeline and the difference, the median
     * of the per-round p50/p99 and the highest peak RSS.
     */
    public static Map<String, String> summary(List<RoundResult> a, List<RoundResult> b) {
        Map<String, String> m = new LinkedHashMap<>();
        double ra = a.stream().mapToDouble(RoundResult::msgsPerSecond).sum();
        double rb = b.stream().mapToDouble(RoundResult::msgsPerSecond).sum();
        List<Double> pairRatios = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            pairRatios.add(b.get(i).msgsPerSecond() / a.get(i).msgsPerSecond());
        }
        double cpuA = a.stream().mapToDouble(RoundResult::cpuMsPerMessage).average().orElse(0);
        double cpuB = b.stream().mapToDouble(RoundResult::cpuMsPerMessage).average().orElse(0);
        m.put("ratio_msgs_per_s", String.format("%.3f", rb / ra));
        m.put("ratio_per_round_pair", pairRatios.stream().map(r -> String.format("%.3f", r)).toList().toString());
        m.put("ratio_median_of_pairs", String.format("%.3f", Stats.median(pairRatios)));
        m.put(a.get(0).name() + "_msgs_per_s_mean", String.format("%.1f", ra / a.size()));
        m.put(b.get(0).name() + "_msgs_per_s_mean", String.format("%.1f", rb / b.size()));
        m.put(a.get(0).name() + "_p50_p99_ms_median", String.format("%.2f / %.2f",
                Stats.median(a.stream().map(RoundResult::p50Ms).toList()), Stats.median(a.stream().map(RoundResult::p99Ms).toList())));
        m.put(b.get(0).name() + "_p50_p99_ms_median", String.format("%.2f / %.2f",
                Stats.median(b.stream().map(RoundResult::p50Ms).toList()), Stats.median(b.stream().map(RoundResult::p99Ms).toList())));
        m.put(a.get(0).name() + "_cpu_ms_per_msg", String.format("%.3f", cpuA));
        m.put(b.get(0).name() + "_cpu_ms_per_msg", String.format("%.3f", cpuB));
        m.put("cpu_ms_per_msg_added", String.format("%.3f", cpuB - cpuA));
        double njA = a.stream().mapToDouble(RoundResult::cpuMsPerMessageWithoutJit).average().orElse(0);
        double njB = b.stream().mapToDouble(RoundResult::cpuMsPerMessageWithoutJit).average().orElse(0);
        m.put(a.get(0).name() + "_cpu_ms_per_msg_without_jit", String.format("%.3f", njA));
        m.put(b.get(0).name() + "_cpu_ms_per_msg_without_jit", String.format("%.3f", njB));
        m.put("cpu_ms_per_msg_added_without_jit", String.format("%.3f", njB - njA));
        // Round pairs differ by more than the effects being measured (the shared VM, James's memory
        // mailbox): the standard error says how far apart two results must be to mean anything.
        List<Double> addedPerPair = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            addedPerPair.add(b.get(i).cpuMsPerMessageWithoutJit() - a.get(i).cpuMsPerMessageWithoutJit());
        }
        m.put("cpu_ms_per_msg_added_without_jit_per_pair", addedPerPair.stream().map(x -> String.format("%.2f", x)).toList().toString());
        m.put("cpu_ms_per_msg_added_without_jit_standard_error", String.format("%.3f", Stats.standardError(addedPerPair)));
        m.put("ratio_per_round_pair_standard_error", String.format("%.3f", Stats.standardError(pairRatios)));
        for (String g : a.get(0).cpuByThread().keySet()) {
            double ga = a.stream().mapToDouble(r -> r.cpuByThread().getOrDefault(g, 0.0)).average().orElse(0);
            double gb = b.stream().mapToDouble(r -> r.cpuByThread().getOrDefault(g, 0.0)).average().orElse(0);
            m.put("cpu_ms_per_msg[" + g + "]", String.format("%s %.3f, %s %.3f, added %.3f", a.get(0).name(), ga,
                    b.get(0).name(), gb, gb - ga));
        }
        m.put(a.get(0).name() + "_peak_rss_mb", String.valueOf(a.stream().mapToLong(RoundResult::peakRssKb).max().orElse(0) / 1024));
        m.put(b.get(0).name() + "_peak_rss_mb", String.valueOf(b.stream().mapToLong(RoundResult::peakRssKb).max().orElse(0) / 1024));
        return m;
    }

    public static void writeReport(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
