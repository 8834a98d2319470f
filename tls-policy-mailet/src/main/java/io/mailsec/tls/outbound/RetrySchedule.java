package io.mailsec.tls.outbound;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a temporarily failed delivery is tried again, and when it is given up: a list of delays (the
 * last repeats, as RemoteDelivery's {@code delayTime}), a cap on retries, and a total time in the
 * queue after which the mail bounces (Postfix's {@code maximal_queue_lifetime}, 5 days by default).
 */
public final class RetrySchedule {
    private final List<Duration> delays;
    private final int maxRetries;
    private final Duration lifetime;

    public RetrySchedule(List<Duration> delays, int maxRetries, Duration lifetime) {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("no retry delays");
        }
        this.delays = List.copyOf(delays);
        this.maxRetries = maxRetries;
        this.lifetime = lifetime;
    }

    /**
     * The delay before the next attempt after {@code attemptsMade} attempts, or empty when the mail is to
     * be given up: the retries are used up, or the next attempt would come after the lifetime ends.
     */
    public Optional<Duration> next(int attemptsMade, Instant queuedAt, Instant now) {
        if (attemptsMade > maxRetries) {
            return Optional.empty();
        }
        Duration d = delays.get(Math.min(attemptsMade - 1, delays.size() - 1));
        if (now.plus(d).isAfter(queuedAt.plus(lifetime))) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    public List<Duration> delays() {
        return delays;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration lifetime() {
        return lifetime;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Duration d : delays) {
            sb.append(sb.length() == 0 ? "" : ",").append(d);
        }
        return sb + " maxRetries=" + maxRetries + " lifetime=" + lifetime;
    }
}
