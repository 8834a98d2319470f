package io.mailsec.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs DNS queries that do not depend on each other at the same time (MX host addresses, the names
 * of a DMARC tree walk), returning the answers in input order so that evaluation stays sequential
 * and deterministic. Without an executor the queries run one after another.
 */
public final class ParallelLookups {
    private static volatile Executor shared;

    private ParallelLookups() {
    }

    /**
     * A shared pool of daemon threads for the mailets: grows to 32 threads, idle ones end after 30 s,
     * and when all are busy the caller runs the query itself (nothing is ever rejected or queued).
     */
    public static Executor sharedExecutor() {
        Executor e = shared;
        if (e == null) {
            synchronized (ParallelLookups.class) {
                if (shared == null) {
                    AtomicInteger n = new AtomicInteger();
                    shared = new ThreadPoolExecutor(0, 32, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, "mailsec-dns-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.CallerRunsPolicy());
                }
                e = shared;
            }
        }
        return e;
    }

    /** Applies {@code query} to every input, concurrently when an executor is given; results in input order. */
    public static <I, O> List<O> all(Executor executor, List<I> inputs, Function<I, O> query) {
        List<O> out = new ArrayList<>(inputs.size());
        if (executor == null || inputs.size() < 2) {
            for (I i : inputs) {
                out.add(query.apply(i));
            }
            return out;
        }
        List<CompletableFuture<O>> futures = new ArrayList<>(inputs.size());
        for (int k = 1; k < inputs.size(); k++) {
            I input = inputs.get(k);
            futures.add(CompletableFuture.supplyAsync(() -> query.apply(input), executor));
        }
        out.add(query.apply(inputs.get(0))); // the first one on the calling thread
        for (CompletableFuture<O> f : futures) {
            out.add(f.join());
        }
        return out;
    }
}
