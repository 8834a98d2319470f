package io.mailsec.core.dns.dnssec;

import java.net.InetAddress;
import java.util.Objects;
import java.util.function.Supplier;

import io.mailsec.core.dns.AnswerCache;
import io.mailsec.core.dns.MxRecord;

/**
 * A {@link DnssecResolver} decorator that keeps SECURE and INSECURE answers (records, NXDOMAIN and
 * NODATA alike) for their TTL, clamped to [minTtl, maxTtl], so a DANE decision for a domain seen
 * before costs map look-ups only. BOGUS and INDETERMINATE answers are never kept: delivery defers on
 * them and the next attempt must ask again (dnsjava's validator keeps failed keys for 60 s itself,
 * so a bogus zone is not re-fetched on every attempt). Thread-safe; at most {@code maxEntries}
 * answers, expired ones dropped first.
 */
public final class CachingDnssecResolver implements DnssecResolver {
    private final DnssecResolver delegate;
    private final AnswerCache<DnssecResult<?>> cache;

    private CachingDnssecResolver(DnssecResolver delegate, AnswerCache<DnssecResult<?>> cache) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.cache = cache;
    }

    /** A cache with defaults: TTLs clamped to [0 s, 1 day], 10,000 entries. */
    public static CachingDnssecResolver of(DnssecResolver delegate) {
        return builder(delegate).build();
    }

    public static Builder builder(DnssecResolver delegate) {
        return new Builder(delegate);
    }

    @Override
    public DnssecMode mode() {
        return delegate.mode();
    }

    @Override
    public DnssecResult<MxRecord> mx(String domain) {
        return cached("MX", domain, () -> delegate.mx(domain));
    }

    @Override
    public DnssecResult<InetAddress> a(String host) {
        return cached("A", host, () -> delegate.a(host));
    }

    @Override
    public DnssecResult<InetAddress> aaaa(String host) {
        return cached("AAAA", host, () -> delegate.aaaa(host));
    }

    @Override
    public DnssecResult<TlsaRdata> tlsa(String host, int port) {
        return cached("TLSA " + port, host, () -> delegate.tlsa(host, port));
    }

    /** Number of answers held (expired ones included until evicted). */
    public int size() {
        return cache.size();
    }

    /** Drops every cached answer. */
    public void clear() {
        cache.clear();
    }

    @SuppressWarnings("unchecked")
    private <T> DnssecResult<T> cached(String type, String name, Supplier<DnssecResult<T>> query) {
        return (DnssecResult<T>) cache.get(type, name, query::get);
    }

    @Override
    public String toString() {
        return "CachingDnssecResolver[" + delegate + ", entries=" + cache.size() + "]";
    }

    /** Limits of the cache (defaults: TTLs clamped to [0 s, 1 day], 10,000 entries). */
    public static final class Builder extends AnswerCache.Builder<Builder, CachingDnssecResolver> {
        private final DnssecResolver delegate;

        private Builder(DnssecResolver delegate) {
            this.delegate = delegate;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public CachingDnssecResolver build() {
            return new CachingDnssecResolver(delegate, cache((DnssecResult<?> r) -> !r.dnssec().isFailure(), DnssecResult::ttlSeconds));
        }
    }
}
