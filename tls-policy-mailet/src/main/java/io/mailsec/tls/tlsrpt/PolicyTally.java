package io.mailsec.tls.tlsrpt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One applied policy's sessions of one day: successes, and failures counted per distinct {@link SessionFailure}. */
public final class PolicyTally {
    private final AppliedPolicy policy;
    private long successes;
    private final Map<SessionFailure, Long> failures = new LinkedHashMap<>();

    PolicyTally(AppliedPolicy policy) {
        this.policy = policy;
    }

    void add(SessionRecord r) {
        if (r.successful()) {
            successes++;
        } else {
            failures.merge(r.failure().get(), 1L, Long::sum);
        }
    }

    public AppliedPolicy policy() {
        return policy;
    }

    /** {@code total-successful-session-count}. */
    public long successes() {
        return successes;
    }

    /** {@code total-failure-session-count}: the sum over {@link #failures()} (RFC 8460 §4.2.2). */
    public long failureCount() {
        long n = 0;
        for (long c : failures.values()) {
            n += c;
        }
        return n;
    }

    /** Each distinct failure with its {@code failed-session-count}, in the order first seen. */
    public Map<SessionFailure, Long> failures() {
        return Collections.unmodifiableMap(failures);
    }
}
