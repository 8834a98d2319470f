package io.mailsec.tls.mtasts;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of one policy fetch. RFC 8461 §3.3 wants the HTTPS GET bounded in time and size without
 * fixing the values; the defaults stay well under the 60 s a fetch should never exceed, and 64 KiB
 * is the size postfix-mta-sts-resolver also accepts (a real policy is a few hundred bytes).
 */
public final class FetchLimits {
    /** Connect 10 s, read 15 s, whole fetch 30 s, body 64 KiB. */
    public static final FetchLimits DEFAULTS = new FetchLimits(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(30), 64 * 1024);

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration deadline;
    private final int maxPolicyBytes;

    /**
     * @param connectTimeout for each TCP connect (one per address of the policy host)
     * @param readTimeout the longest silence while handshaking or reading
     * @param deadline the whole fetch, from the first connect to the last byte; a server that sends a
     *                 byte now and then cannot stretch it
     * @param maxPolicyBytes the largest body accepted
     */
    public FetchLimits(Duration connectTimeout, Duration readTimeout, Duration deadline, int maxPolicyBytes) {
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        this.readTimeout = positive(readTimeout, "readTimeout");
        this.deadline = positive(deadline, "deadline");
        if (maxPolicyBytes <= 0) {
            throw new IllegalArgumentException("maxPolicyBytes must be positive: " + maxPolicyBytes);
        }
        this.maxPolicyBytes = maxPolicyBytes;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public Duration deadline() {
        return deadline;
    }

    public int maxPolicyBytes() {
        return maxPolicyBytes;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "FetchLimits[connect=" + connectTimeout + " read=" + readTimeout + " deadline=" + deadline + " maxPolicyBytes="
                + maxPolicyBytes + "]";
    }
}
