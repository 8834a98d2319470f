package io.mailsec.tls.tlsrpt;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What outbound delivery calls once per SMTP session (one TLS negotiation with one MX address, however
 * many messages it then carries): the session's outcome under the policy it was made under, counted
 * for the current UTC day. Safe for concurrent use by delivery threads.
 *
 * <pre>
 * recorder.success(AppliedPolicy.sts(mtaStsPolicy));
 * recorder.failure(AppliedPolicy.noPolicyFound("example.net"),
 *         SessionFailure.of(ResultType.STARTTLS_NOT_SUPPORTED).sendingMtaIp(local).receivingMxHostname(mx).receivingIp(peer));
 * </pre>
 *
 * A session for which no TLS was attempted at all (level {@code none}) is no TLS-RPT session and is
 * not recorded; a failure of the report's own delivery should not be either (RFC 8460 asks for that). Recording
 * never fails the delivery: a store that cannot write (disk full) is logged, at most once a minute,
 * and the session counted in {@link #lost()}.
 */
public final class TlsRptRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(TlsRptRecorder.class);
    private static final long LOG_INTERVAL_MILLIS = 60_000;

    private final TlsRptStore store;
    private final Clock clock;
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);

    public TlsRptRecorder(TlsRptStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A session that negotiated TLS as {@code policy} asks (for no-policy-found: any TLS). */
    public boolean success(AppliedPolicy policy) {
        return record(SessionRecord.success(clock.instant(), policy));
    }

    /** A session that failed for the reason {@code failure} gives. */
    public boolean failure(AppliedPolicy policy, SessionFailure failure) {
        return record(SessionRecord.failure(clock.instant(), policy, failure));
    }

    /** Stores {@code r}; false (and logged) when the store could not. */
    public boolean record(SessionRecord r) {
        try {
            store.append(r);
            return true;
        } catch (IOException | RuntimeException e) {
            long n = lost.incrementAndGet();
            long now = clock.millis();
            long last = lastLogged.get();
            if ((last == Long.MIN_VALUE || now - last >= LOG_INTERVAL_MILLIS) && lastLogged.compareAndSet(last, now)) {
                LOG.warn("event=tls-rpt-record-failed policyDomain={} lost={} error=\"{}\"", r.policy().domain(), n,
                        String.valueOf(e.getMessage()).replace('"', '\''));
            }
            return false;
        }
    }

    /** Sessions that could not be stored since this recorder was made. */
    public long lost() {
        return lost.get();
    }
}
