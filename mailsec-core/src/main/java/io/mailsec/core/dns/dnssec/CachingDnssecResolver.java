package io.mailsec.core.dns.dnssec;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
    private static final class Entry {
        final DnssecResult<?> result;
        final long expiresAtMillis;

        Entry(DnssecResult<?> result, long expiresAtMillis) {
            this.result = result;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    private final DnssecResolver delegate;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final long minTtl;
    private final long maxTtl;
    private final int maxEntries;
    private final LongSupplier clock;

    private CachingDnssecResolver(DnssecResolver delegate, long minTtl, long maxTtl, int maxEntries, LongSupplier clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.minTtl = minTtl;
        this.maxTtl = maxTtl;
        this.maxEntries = maxEntries;
        this.clock = clock;
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
        String key = type + ' ' + normalise(name);
        long now = clock.getAsLong();
        Entry e = cache.get(key);
        if (e != null) {
            if (e.expiresAtMillis > now) {
                return (DnssecResult<T>) e.result;
            }
            cache.remove(key, e);
        }
        DnssecResult<T> r = query.get();
        if (r.dnssec().isFailure()) {
            return r;
        }
        long ttl = Math.max(minTtl, Math.min(maxTtl, r.ttlSeconds()));
        if (ttl <= 0) {
            return r;
        }
        if (cache.size() >= maxEntries) {
            evict(now);
        }
        cache.put(key, new Entry(r, now + ttl * 1000));
        return r;
    }

    private void evict(long now) {
        cache.values().removeIf(x -> x.expiresAtMillis <= now);
        if (cache.size() >= maxEntries) {
            // Still full of live answers: drop about a tenth, in iteration order.
            int drop = Math.max(1, maxEntries / 10);
            Iterator<String> it = cache.keySet().iterator();
            while (drop-- > 0 && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    private static String normalise(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Override
    public String toString() {
        return "CachingDnssecResolver[" + delegate + ", entries=" + cache.size() + "]";
    }

    /** Options of the cache. */
    public static final class Builder {
        private final DnssecResolver delegate;
        private long minTtl = 0;
        private long maxTtl = 86_400;
        private int maxEntries = 10_000;
        private LongSupplier clock = System::currentTimeMillis;

        private Builder(DnssecResolver delegate) {
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

        public CachingDnssecResolver build() {
            return new CachingDnssecResolver(delegate, minTtl, maxTtl, maxEntries, clock);
        }
    }
}
