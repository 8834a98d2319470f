package io.mailsec.dkim;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What to sign with: key, d=, s=, canonicalization (default relaxed/relaxed), header names (default
 * {@link #DEFAULT_HEADERS} that are present, plus From once more so no second From can be added),
 * optional i=, t= (on by default) and x= (t + expirySeconds). Never l=.
 */
public final class SignSpec {
    /** Signed when present; List-* fields are added too. From is over-signed. */
    public static final List<String> DEFAULT_HEADERS = List.of("from", "to", "cc", "subject", "date", "message-id",
            "reply-to", "mime-version", "content-type", "content-transfer-encoding", "in-reply-to", "references");

    private final SigningKey key;
    private final String domain;
    private final String selector;
    private Canonicalization headerCanon = Canonicalization.RELAXED;
    private Canonicalization bodyCanon = Canonicalization.RELAXED;
    private List<String> headers;
    private String identity;
    private boolean timestamp = true;
    private long expirySeconds = -1;
    private LongSupplier clock = () -> System.currentTimeMillis() / 1000;

    public SignSpec(SigningKey key, String domain, String selector) {
        this.key = Objects.requireNonNull(key, "key");
        this.domain = Objects.requireNonNull(domain, "domain").toLowerCase(Locale.ROOT);
        this.selector = Objects.requireNonNull(selector, "selector");
        if (!DkimSignature.isDomain(this.domain)) {
            throw new IllegalArgumentException("invalid signing domain '" + domain + "'");
        }
        if (!DkimSignature.isDomain(selector)) {
            throw new IllegalArgumentException("invalid selector '" + selector + "'");
        }
    }

    public SignSpec canonicalization(Canonicalization header, Canonicalization body) {
        this.headerCanon = Objects.requireNonNull(header);
        this.bodyCanon = Objects.requireNonNull(body);
        return this;
    }

    /** Explicit h= list (lower-cased; a name listed more often than present is over-signed). Null = default. */
    public SignSpec headers(List<String> names) {
        if (names != null && names.stream().noneMatch(n -> n.equalsIgnoreCase("from"))) {
            throw new IllegalArgumentException("signed headers must include From");
        }
        this.headers = names == null ? null : names.stream().map(n -> n.trim().toLowerCase(Locale.ROOT)).collect(
                java.util.stream.Collectors.toList());
        return this;
    }

    public SignSpec identity(String i) {
        this.identity = i;
        return this;
    }

    public SignSpec timestamp(boolean on) {
        this.timestamp = on;
        return this;
    }

    /** Adds x= = t + seconds; negative = no x=. */
    public SignSpec expirySeconds(long seconds) {
        this.expirySeconds = seconds;
        return this;
    }

    public SignSpec clock(LongSupplier epochSeconds) {
        this.clock = Objects.requireNonNull(epochSeconds);
        return this;
    }

    public SigningKey key() {
        return key;
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public Canonicalization headerCanonicalization() {
        return headerCanon;
    }

    public Canonicalization bodyCanonicalization() {
        return bodyCanon;
    }

    public List<String> headers() {
        return headers;
    }

    public String identity() {
        return identity;
    }

    public boolean timestamp() {
        return timestamp;
    }

    public long expirySeconds() {
        return expirySeconds;
    }

    long now() {
        return clock.getAsLong();
    }
}
