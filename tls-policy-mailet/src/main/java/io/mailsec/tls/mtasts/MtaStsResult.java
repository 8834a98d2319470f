package io.mailsec.tls.mtasts;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link MtaStsLookup#resolve} found for one recipient domain: the policy that applies (if
 * any), where it came from, and — whenever a fetch or validation failed during this lookup — the
 * TLS-RPT failure (RFC 8460 §4.3.2.2). A failure does not mean there is no policy: with source
 * {@link Source#CACHE} the cached, unexpired policy still applies (RFC 8461 §5.1) and the failure
 * is the refresh that did not work.
 */
public final class MtaStsResult {
    /** Where the policy came from. */
    public enum Source {
        /** Fetched during this lookup (and stored in the cache). */
        FRESH("fresh"),
        /** From the cache: the TXT id is unchanged, or DNS or the fetch failed while the cached policy is unexpired. */
        CACHE("cache"),
        /** No policy applies: none announced, none fetchable and none cached. */
        NONE("none"),
        /** The administrator's override list says to ignore this domain's policy; nothing was looked up. */
        OVERRIDDEN("overridden");

        private final String word;

        Source(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private final String domain;
    private final Source source;
    private final MtaStsPolicy policy;
    private final StsFailure failure;
    private final String detail;

    MtaStsResult(String domain, Source source, MtaStsPolicy policy, StsFailure failure, String detail) {
        this.domain = Objects.requireNonNull(domain);
        this.source = Objects.requireNonNull(source);
        this.policy = policy;
        this.failure = failure;
        this.detail = Objects.requireNonNull(detail);
        if ((policy != null) != (source == Source.FRESH || source == Source.CACHE)) {
            throw new IllegalArgumentException("a policy comes with source fresh or cache, and only then");
        }
    }

    /** The recipient domain as looked up (lower case, no trailing dot). */
    public String domain() {
        return domain;
    }

    public Source source() {
        return source;
    }

    /** The policy that applies; present exactly when the source is {@code fresh} or {@code cache}. Its mode may be {@code none}. */
    public Optional<MtaStsPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    /** The failure of this lookup's fetch or validation, if one failed. */
    public Optional<StsFailure> failure() {
        return Optional.ofNullable(failure);
    }

    /** What happened, for a person and the logs (e.g. the override's reason, why there is no policy). */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return "MtaStsResult[" + domain + " source=" + source.word() + (policy == null ? "" : " " + policy)
                + (failure == null ? "" : " failure=" + failure) + " detail=" + detail + "]";
    }
}
