package io.mailsec.bench.av;

import io.mailsec.av.ClamdClient;
import io.mailsec.av.ClamdProcess;
import io.mailsec.av.MessageScanner;
import io.mailsec.av.Verdict;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Same comparison as {@link ScanThroughputBench}, but alternating short rounds (ours, direct, ours,
 * direct, ...) so that load changes on a shared machine hit both sides alike; prints the median of the
 * per-round-pair ratios. Usage: InterleavedBench THREADS ROUNDS ROUND_MILLIS
 */
public final class InterleavedBench {
    interface Op {
        void run() throws Exception;
    }

    static double rate(int threads, long millis, Op op) throws Exception {
        LongAdder count = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(threads);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        op.run();
                        count.increment();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        stop.set(true);
        done.await();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.get(0));
        }
        return count.sum() / secs;
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long millis = Long.parseLong(args[2]);
        ScanThroughputBench s = new ScanThroughputBench();
        s.setup();
        try {
            MessageScanner scanner = s.scanner;
            Op ours = () -> {
                if (scanner.scan(new ByteArrayInputStream(s.message)).verdict() != Verdict.CLEAN) {
                    throw new IllegalStateException("not clean");
                }
            };
            Op direct = () -> {
                for (byte[] p : s.parts) {
                    if (!DirectInstream.scan(ClamdProcess.ADDRESS, s.clamd.port(), p).endsWith("OK")) {
                        throw new IllegalStateException("not OK");
                    }
                }
            };
            rate(threads, 3000, ours); // warm-up
            rate(threads, 3000, direct);
            List<Double> ratios = new ArrayList<>();
            double sumOurs = 0;
            double sumDirect = 0;
            for (int r = 0; r < rounds; r++) {
                double o = rate(threads, millis, ours);
                double d = rate(threads, millis, direct);
                sumOurs += o;
                sumDirect += d;
                ratios.add(o / d);
                System.out.printf("round %2d threads=%d ours %7.0f msg/s direct %7.0f msg/s ratio %.2f%n", r + 1, threads, o, d, o / d);
            }
            Collections.sort(ratios);
            double median = ratios.get(ratios.size() / 2);
            System.out.printf("RESULT threads=%d ours %.0f msg/s direct %.0f msg/s (means over %d rounds) median ratio %.2f pool=%d%n",
                threads, sumOurs / rounds, sumDirect / rounds, rounds, median, s.pooled.poolSize());
        } finally {
            s.tearDown();
        }
    }
}
