package io.mailsec.av;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** At most {@code max} events per key within a sliding {@code window} (e.g. warnings per recipient). */
final class RateLimiter {
    private final int max;
    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, Deque<Long>> events = new ConcurrentHashMap<>();
    private long lastSweep;

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
        Duration window = InitParams.parseDuration(spec.substring(slash + 1));
        if (max < 0 || window.isZero()) {
            throw new IllegalArgumentException(spec);
        }
        return new RateLimiter(max, window, clock);
    }

    /** Records an event for {@code key} and returns true if it is within the limit. */
    boolean tryAcquire(String key) {
        long now = clock.getAsLong();
        sweep(now);
        Deque<Long> q = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            while (!q.isEmpty() && now - q.peekFirst() >= windowMillis) {
                q.pollFirst();
            }
            if (q.size() >= max) {
                return false;
            }
            q.addLast(now);
            return true;
        }
    }

    private void sweep(long now) {
        if (now - lastSweep < windowMillis) {
            return;
        }
        lastSweep = now;
        for (Iterator<Map.Entry<String, Deque<Long>>> it = events.entrySet().iterator(); it.hasNext(); ) {
            Deque<Long> q = it.next().getValue();
            synchronized (q) {
                if (q.isEmpty() || now - q.peekLast() >= windowMillis) {
                    it.remove();
                }
            }
        }
    }
}
