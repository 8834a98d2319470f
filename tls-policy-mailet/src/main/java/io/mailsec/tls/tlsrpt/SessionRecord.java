package io.mailsec.tls.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/** One session's outcome: when, under which policy, and its failure (none for a success). Immutable. */
public final class SessionRecord {
    private final Instant time;
    private final AppliedPolicy policy;
    private final SessionFailure failure;

    private SessionRecord(Instant time, AppliedPolicy policy, SessionFailure failure) {
        // Whole seconds: the store writes no more, so what is read back equals what was recorded.
        this.time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.SECONDS);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.failure = failure;
    }

    /** A session that negotiated TLS as the policy requires. */
    public static SessionRecord success(Instant time, AppliedPolicy policy) {
        return new SessionRecord(time, policy, null);
    }

    public static SessionRecord failure(Instant time, AppliedPolicy policy, SessionFailure failure) {
        return new SessionRecord(time, policy, Objects.requireNonNull(failure, "failure"));
    }

    public Instant time() {
        return time;
    }

    /** The UTC day the session counts for (RFC 8460 §4.1: reports cover 00:00-24:00 UTC). */
    public LocalDate day() {
        return LocalDate.ofInstant(time, ZoneOffset.UTC);
    }

    public AppliedPolicy policy() {
        return policy;
    }

    /** Empty for a success. */
    public Optional<SessionFailure> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean successful() {
        return failure == null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SessionRecord)) {
            return false;
        }
        SessionRecord r = (SessionRecord) o;
        return time.equals(r.time) && policy.equals(r.policy) && Objects.equals(failure, r.failure);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, policy, failure);
    }

    @Override
    public String toString() {
        return time + " " + policy + " " + (failure == null ? "success" : failure.toString());
    }
}
