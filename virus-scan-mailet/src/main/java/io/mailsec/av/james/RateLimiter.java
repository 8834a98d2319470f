package io.mailsec.av.james;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** At most {@code max} events per key within a sliding {@code window} (e.g. warnings per recipient). */
final class RateLimiter {
    private final int max;
    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, Deque<Long>> events = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    RateLimiter(int max, Duration window, LongSupplier clock) {
        this.max = max;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Parses "10/1h", "5/30m", "100/1d". */
    static RateLimiter parse(String spec, LongSupplier clock) {
        int slash = spec.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException(spec);
        }
        int max = Integer.parseInt(spec.substring(0, slash).trim());
        Duration window = org.apache.james.util.DurationParser.parse(spec.substring(slash + 1).trim());
        if (max < 0 || window.isZero()) {
            throw new IllegalArgumentException(spec);
        }
        return new RateLimiter(max, window, clock);
    }

    /** Records an event for {@code key} and returns true if it is within the limit. */
    boolean tryAcquire(String key) {
        long now = clock.getAsLong();
        sweep(now);
        boolean[] allowed = {false};
        // compute() runs atomically per key: the deque is only ever touched inside it, so a concurrent
        // sweep can never drop a deque another thread is adding to (which would let events escape the limit)
        events.compute(key, (k, q) -> {
            Deque<Long> d = q == null ? new ArrayDeque<>() : q;
            while (!d.isEmpty() && now - d.peekFirst() >= windowMillis) {
                d.pollFirst();
            }
            if (d.size() < max) {
                d.addLast(now);
                allowed[0] = true;
            }
            return d.isEmpty() ? null : d;
        });
        return allowed[0];
    }

    private void sweep(long now) {
        if (now - lastSweep < windowMillis) {
            return;
        }
        lastSweep = now;
        for (String k : events.keySet()) {
            events.computeIfPresent(k, (key, q) -> q.isEmpty() || now - q.peekLast() >= windowMillis ? null : q);
        }
    }
}
