package io.mailsec.core.dns;

import java.net.InetAddress;
import java.util.Objects;
import java.util.function.LongSupplier;
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

    private CachingDnsResolver(DnsResolver delegate, long minTtl, long maxTtl, int maxEntries, LongSupplier clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.cache = new AnswerCache<>(minTtl, maxTtl, maxEntries, clock, r -> !r.status().isTemporary(), DnsResult::ttlSeconds);
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

    /** Options of the cache. */
    public static final class Builder {
        private final DnsResolver delegate;
        private long minTtl = 0;
        private long maxTtl = 86_400;
        private int maxEntries = 10_000;
        private LongSupplier clock = System::currentTimeMillis;

        private Builder(DnsResolver delegate) {
            this.delegate = delegate;
        }

        /** Answers are kept at least this long (seconds), even with a smaller TTL. */
        public Builder minTtl(long seconds) {
            this.minTtl = seconds;
            return this;
        }

        /** Answers are kept at most this long (seconds). */
        public Builder maxTtl(long seconds) {
            this.maxTtl = seconds;
            return this;
        }

        public Builder maxEntries(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("maxEntries must be positive: " + entries);
            }
            this.maxEntries = entries;
            return this;
        }

        /** Millisecond clock (tests). */
        public Builder clock(LongSupplier clock) {
            this.clock = clock;
            return this;
        }

        public CachingDnsResolver build() {
            return new CachingDnsResolver(delegate, minTtl, maxTtl, maxEntries, clock);
        }
    }
}
