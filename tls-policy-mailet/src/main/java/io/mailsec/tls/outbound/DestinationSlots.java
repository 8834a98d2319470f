package io.mailsec.tls.outbound;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * At most {@code limit} concurrent deliveries per destination; work for a busy destination waits in
 * that destination's line, so one slow or hostile MX holds at most {@code limit} workers while the
 * others keep serving every other destination. A worker that finishes hands its slot to the next
 * waiting job of the same destination.
 */
public final class DestinationSlots<T> {
    private final int limit;
    private final Map<String, Integer> busy = new HashMap<>();
    private final Map<String, ArrayDeque<T>> waiting = new HashMap<>();

    public DestinationSlots(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.limit = limit;
    }

    /** Takes a slot for {@code job}, or puts it in the destination's line; true when the caller may run it now. */
    public synchronized boolean acquireOrWait(String destination, T job) {
        int n = busy.getOrDefault(destination, 0);
        if (n < limit) {
            busy.put(destination, n + 1);
            return true;
        }
        waiting.computeIfAbsent(destination, d -> new ArrayDeque<>()).add(job);
        return false;
    }

    /** Ends a delivery: the next waiting job of the destination inherits the slot (returned), else the slot is freed. */
    public synchronized Optional<T> releaseOrNext(String destination) {
        ArrayDeque<T> line = waiting.get(destination);
        if (line != null && !line.isEmpty()) {
            T next = line.poll();
            if (line.isEmpty()) {
                waiting.remove(destination);
            }
            return Optional.of(next);
        }
        int n = busy.getOrDefault(destination, 0) - 1;
        if (n <= 0) {
            busy.remove(destination);
        } else {
            busy.put(destination, n);
        }
        return Optional.empty();
    }

    public synchronized int busy(String destination) {
        return busy.getOrDefault(destination, 0);
    }

    public synchronized int waiting() {
        return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
