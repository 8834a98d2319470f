package io.mailsec.bench.av;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The walks of {@link MimeWalkBench} measured in CPU time of the walking thread (what the walk costs
 * James, whatever else the shared machine runs), in alternating rounds so that a change of load hits
 * every walk alike; prints MB of raw message per CPU-second and the median per-round ratio to the
 * hand-written walk. Usage: MimeWalkCpuBench ROUNDS ROUND_MILLIS [MESSAGE...]
 */
public final class MimeWalkCpuBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final byte[] CHUNK = new byte[64 * 1024];

    private MimeWalkCpuBench() {
    }

    /** Walks for about {@code millis} of CPU time; returns CPU nanoseconds per message. */
    static double cpuNanosPerMessage(Walkers.Walk w, byte[] message, long millis) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        long end = start + millis * 1_000_000;
        long now;
        int n = 0;
        do {
            w.walk(new ByteArrayInputStream(message), new NullSink(CHUNK));
            n++;
            now = THREADS.getCurrentThreadCpuTime();
        } while (now < end);
        return (double) (now - start) / n;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long millis = Long.parseLong(args[1]);
        List<String> messages = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("typical", "large", "largeShortBoundary");
        Map<String, Walkers.Walk> walks = Walkers.all();
        for (String name : messages) {
            byte[] message = WalkMessages.get(name);
            Walkers.assertSameParts(message);
            for (Walkers.Walk w : walks.values()) {
                cpuNanosPerMessage(w, message, 3000); // warm-up
            }
            Map<String, List<Double>> ratios = new java.util.LinkedHashMap<>();
            Map<String, Double> sums = new java.util.LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                Map<String, Double> round = new java.util.LinkedHashMap<>();
                List<String> order = new ArrayList<>(walks.keySet());
                Collections.rotate(order, r); // nobody always runs first
                for (String w : order) {
                    round.put(w, cpuNanosPerMessage(walks.get(w), message, millis));
                }
                for (String w : walks.keySet()) {
                    sums.merge(w, round.get(w), Double::sum);
                    ratios.computeIfAbsent(w, k -> new ArrayList<>()).add(round.get("handWritten") / round.get(w));
                }
            }
            for (String w : walks.keySet()) {
                List<Double> rs = ratios.get(w);
                Collections.sort(rs);
                double nanos = sums.get(w) / rounds;
                System.out.printf("CPU %s %s: %.3f ms CPU per message, %.1f MB per CPU-second;"
                        + " throughput vs handWritten: median %.3f (min %.3f, max %.3f) over %d rounds; %d bytes%n",
                    name, w, nanos / 1e6, message.length / (nanos / 1e9) / 1e6, rs.get(rs.size() / 2), rs.get(0),
                    rs.get(rs.size() - 1), rounds, message.length);
            }
        }
    }
}
