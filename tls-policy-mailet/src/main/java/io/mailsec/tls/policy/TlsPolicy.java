package io.mailsec.tls.policy;

import java.time.Instant;

/** A loaded policy file: the inbound and the outbound list, where they came from and when. */
public final class TlsPolicy {
    private final PolicyList inbound;
    private final PolicyList outbound;
    private final String source;
    private final Instant loadedAt;

    public TlsPolicy(PolicyList inbound, PolicyList outbound, String source, Instant loadedAt) {
        this.inbound = inbound;
        this.outbound = outbound;
        this.source = source;
        this.loadedAt = loadedAt;
    }

    /** Both lists with only the built-in default {@code may}. */
    public static TlsPolicy opportunistic() {
        return new TlsPolicy(PolicyList.onlyDefault(TlsLevel.MAY), PolicyList.onlyDefault(TlsLevel.MAY), "built-in", Instant.EPOCH);
    }

    public PolicyList inbound() {
        return inbound;
    }

    public PolicyList outbound() {
        return outbound;
    }

    public String source() {
        return source;
    }

    public Instant loadedAt() {
        return loadedAt;
    }
}
