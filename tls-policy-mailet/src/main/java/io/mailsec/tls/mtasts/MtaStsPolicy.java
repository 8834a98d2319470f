package io.mailsec.tls.mtasts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A valid MTA-STS policy of one domain (RFC 8461 §3.2) with the TXT record's {@code id} it was
 * fetched under and when. Immutable. The caller applies {@link #mode()}: {@code enforce} refuses MX
 * hosts that {@link #permits} does not accept (and requires TLS with a valid certificate for the MX
 * name), {@code testing} only reports them, {@code none} means no policy.
 */
public final class MtaStsPolicy {
    private final String domain;
    private final String id;
    private final StsMode mode;
    private final List<MxPattern> mx;
    private final long maxAgeSeconds;
    private final Instant fetchedAt;
    private final String text;

    MtaStsPolicy(String domain, String id, StsMode mode, List<MxPattern> mx, long maxAgeSeconds, Instant fetchedAt, String text) {
        this.domain = Objects.requireNonNull(domain);
        this.id = Objects.requireNonNull(id);
        this.mode = Objects.requireNonNull(mode);
        this.mx = List.copyOf(mx);
        this.maxAgeSeconds = maxAgeSeconds;
        this.fetchedAt = Objects.requireNonNull(fetchedAt);
        this.text = Objects.requireNonNull(text);
    }

    /** The recipient domain (lower case). */
    public String domain() {
        return domain;
    }

    /** The {@code id} of the {@code _mta-sts} TXT record this policy was fetched under. */
    public String id() {
        return id;
    }

    public StsMode mode() {
        return mode;
    }

    /** The {@code mx:} patterns in the order written (lower case, no trailing dot); may be empty for mode none. */
    public List<String> mxPatterns() {
        return mx.stream().map(MxPattern::toString).collect(Collectors.toUnmodifiableList());
    }

    /** {@code max_age} in seconds, at most 31557600 (RFC 8461 §3.2). */
    public long maxAgeSeconds() {
        return maxAgeSeconds;
    }

    public Duration maxAge() {
        return Duration.ofSeconds(maxAgeSeconds);
    }

    /** When the policy body was fetched. */
    public Instant fetchedAt() {
        return fetchedAt;
    }

    /** {@code fetchedAt + max_age}: the policy may not be used from this instant on. */
    public Instant expiresAt() {
        return fetchedAt.plusSeconds(maxAgeSeconds);
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt());
    }

    /** The policy body as served (TLS-RPT reports quote it as {@code policy-string}). */
    public String text() {
        return text;
    }

    /**
     * Whether {@code mxHost} is one of the MX hosts this policy names (RFC 8461 §4.1: exact, or one
     * label under a {@code *.} pattern; case and trailing dot ignored). This says nothing about the
     * mode: with {@code testing} a host that is not permitted is reported, not refused.
     */
    public boolean permits(String mxHost) {
        for (MxPattern p : mx) {
            if (p.matches(mxHost)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "MtaStsPolicy[" + domain + " id=" + id + " mode=" + mode.word() + " mx=" + mxPatterns() + " max_age=" + maxAgeSeconds
                + " fetchedAt=" + fetchedAt + "]";
    }
}
