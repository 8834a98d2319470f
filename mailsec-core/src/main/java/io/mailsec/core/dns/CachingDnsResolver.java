package io.mailsec.core.dns;

import java.net.InetAddress;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link DnsResolver} decorator that caches answers for their TTL. Positive answers live for the
 * smallest record TTL, NXDOMAIN and NODATA for the negative TTL the server gave (RFC 2308: the SOA
 * minimum), both clamped to [minTtl, maxTtl]. Temporary failures (TIMEOUT, SERVFAIL) are never cached.
 * Thread-safe; the cache holds at most {@code maxEntries} answers (expired ones are dropped first).
 */
public final class CachingDnsResolver implements DnsResolver {
    private final DnsResolver delegate;
    private final AnswerCache<DnsResult<?>> cache;

    private CachingDnsResolver(DnsResolver delegate, AnswerCache<DnsResult<?>> cache) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.cache = cache;
    }

    /** A cache with defaults: TTLs clamped to [0 s, 1 day], 10,000 entries. */
    public static CachingDnsResolver of(DnsResolver delegate) {
        return builder(delegate).build();
    }

    public static Builder builder(DnsResolver delegate) {
        return new Builder(delegate);
    }

    @Override
    public DnsResult<String> txt(String name) {
        return cached("TXT", name, () -> delegate.txt(name));
    }

    @Override
    @SuppressWarnings("unchecked")
    public DnsResult<String> cachedTxt(String name) {
        return (DnsResult<String>) cache.peek("TXT", name);
    }

    @Override
    public DnsResult<InetAddress> a(String name) {
        return cached("A", name, () -> delegate.a(name));
    }

    @Override
    public DnsResult<InetAddress> aaaa(String name) {
        return cached("AAAA", name, () -> delegate.aaaa(name));
    }

    @Override
    public DnsResult<MxRecord> mx(String name) {
        return cached("MX", name, () -> delegate.mx(name));
    }

    @Override
    public DnsResult<String> ptr(InetAddress address) {
        return cached("PTR", address.getHostAddress(), () -> delegate.ptr(address));
    }

    /** Number of answers currently held (expired ones included until they are evicted). */
    public int size() {
        return cache.size();
    }

    /** Drops every cached answer. */
    public void clear() {
        cache.clear();
    }

    @SuppressWarnings("unchecked")
    private <T> DnsResult<T> cached(String type, String name, Supplier<DnsResult<T>> query) {
        return (DnsResult<T>) cache.get(type, name, query::get);
    }

    @Override
    public String toString() {
        return "CachingDnsResolver[" + delegate + ", entries=" + cache.size() + "]";
    }

    /** Limits of the cache (defaults: TTLs clamped to [0 s, 1 day], 10,000 entries). */
    public static final class Builder extends AnswerCache.Builder<Builder, CachingDnsResolver> {
        private final DnsResolver delegate;

        private Builder(DnsResolver delegate) {
            this.delegate = delegate;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public CachingDnsResolver build() {
            return new CachingDnsResolver(delegate, cache((DnsResult<?> r) -> !r.status().isTemporary(), DnsResult::ttlSeconds));
        }
    }
}
