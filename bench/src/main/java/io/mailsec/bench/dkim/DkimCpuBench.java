package io.mailsec.bench.dkim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link DkimBench} operations measured in operations per CPU-second of the measuring thread
 * (ThreadMXBean), after a warm-up, in interleaved rounds. On a shared machine, wall-clock JMH figures drop with other
 * processes' load; CPU time approximates what one idle core does. Prints {@code name<TAB>ops}.
 * Usage: DkimCpuBench [warmupSeconds] [measureSeconds]
 */
public final class DkimCpuBench {
    interface Op {
        Object run() throws Exception;
    }

    private DkimCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        double warm = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        double measure = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        DkimBench b = new DkimBench();
        b.setup();
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("verifyRsa2048_4k_mailsec", b::verifyRsa2048_4k_mailsec);
        ops.put("verifyRsa2048_4k_jdkim", b::verifyRsa2048_4k_jdkim);
        ops.put("verifyRsa2048_jdkRaw", b::verifyRsa2048_jdkRaw);
        ops.put("verifyRsa2048_1m_mailsec", b::verifyRsa2048_1m_mailsec);
        ops.put("verifyRsa2048_1m_jdkim", b::verifyRsa2048_1m_jdkim);
        ops.put("signRsa2048_4k_mailsec", b::signRsa2048_4k_mailsec);
        ops.put("signRsa2048_4k_jdkim", b::signRsa2048_4k_jdkim);
        ops.put("signRsa2048_jdkRaw", b::signRsa2048_jdkRaw);
        ops.put("signEd25519_4k_mailsec", b::signEd25519_4k_mailsec);
        ops.put("signEd25519_bcRaw", b::signEd25519_bcRaw);
        ops.put("verifyEd25519_4k_mailsec", b::verifyEd25519_4k_mailsec);
        ops.put("verifyEd25519_bcRaw", b::verifyEd25519_bcRaw);
        ops.put("canonicalizeRelaxedBody_1m", b::canonicalizeRelaxedBody_1m);
        ops.put("sha256_1m_jdkRaw", b::sha256_1m_jdkRaw);
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        Object sink = null;
        for (Map.Entry<String, Op> e : ops.entrySet()) {
            long warmEnd = t.getCurrentThreadCpuTime() + (long) (warm * 1e9);
            while (t.getCurrentThreadCpuTime() < warmEnd) {
                sink = e.getValue().run();
            }
        }
        // Interleaved rounds: every operation gets a short slice per round, so a change in the
        // machine's load during the run affects all of them alike (ratios stay comparable).
        int rounds = 10;
        Map<String, long[]> acc = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Op> e : ops.entrySet()) {
                long c0 = t.getCurrentThreadCpuTime();
                long n = 0;
                while (t.getCurrentThreadCpuTime() - c0 < measure * 1e9 / rounds) {
                    sink = e.getValue().run();
                    n++;
                }
                long[] a = acc.computeIfAbsent(e.getKey(), k -> new long[2]);
                a[0] += n;
                a[1] += t.getCurrentThreadCpuTime() - c0;
            }
        }
        for (Map.Entry<String, long[]> e : acc.entrySet()) {
            System.out.printf("%s\t%.1f%n", e.getKey(), e.getValue()[0] / (e.getValue()[1] / 1e9));
        }
        if (sink == null) {
            System.out.println("(no result)");
        }
    }
}
