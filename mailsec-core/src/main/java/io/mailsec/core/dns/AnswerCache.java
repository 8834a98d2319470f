package io.mailsec.core.dns;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * DNS answers kept for their TTL, clamped to [minTtl, maxTtl], keyed by type and lower-cased name
 * without its trailing dot: the one cache behind both caching resolvers (plain and DNSSEC). Thread-safe;
 * at most {@code maxEntries} answers, expired ones dropped first.
 */
public final class AnswerCache<R> {
    private static final class Entry<R> {
        final R answer;
        final long expiresAtMillis;

        Entry(R answer, long expiresAtMillis) {
            this.answer = answer;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    private final Map<String, Entry<R>> cache = new ConcurrentHashMap<>();
    private final long minTtl;
    private final long maxTtl;
    private final int maxEntries;
    private final LongSupplier clock;
    private final Predicate<R> keep;
    private final ToLongFunction<R> ttl;

    /**
     * @param keep which answers may be kept (e.g. not temporary failures)
     * @param ttl  an answer's TTL in seconds
     */
    public AnswerCache(long minTtl, long maxTtl, int maxEntries, LongSupplier clock, Predicate<R> keep, ToLongFunction<R> ttl) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.minTtl = minTtl;
        this.maxTtl = maxTtl;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.keep = keep;
        this.ttl = ttl;
    }

    /** The live answer for {@code type name}, else {@code query}'s, kept when {@link #keep} allows. */
    public R get(String type, String name, Supplier<R> query) {
        String key = key(type, name);
        long now = clock.getAsLong();
        Entry<R> e = cache.get(key);
        if (e != null) {
            if (e.expiresAtMillis > now) {
                return e.answer;
            }
            cache.remove(key, e);
        }
        R r = query.get();
        if (!keep.test(r)) {
            return r;
        }
        long seconds = Math.max(minTtl, Math.min(maxTtl, ttl.applyAsLong(r)));
        if (seconds <= 0) {
            return r;
        }
        if (cache.size() >= maxEntries) {
            evict(now);
        }
        cache.put(key, new Entry<>(r, now + seconds * 1000));
        return r;
    }

    /** The live answer for {@code type name}, or null: never queries. */
    public R peek(String type, String name) {
        Entry<R> e = cache.get(key(type, name));
        return e != null && e.expiresAtMillis > clock.getAsLong() ? e.answer : null;
    }

    /** Number of answers held (expired ones included until evicted). */
    public int size() {
        return cache.size();
    }

    public void clear() {
        cache.clear();
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

    private static String key(String type, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return type + ' ' + (n.endsWith(".") ? n.substring(0, n.length() - 1) : n);
    }

    /** The cache's limits, as the caching resolvers' builders take them. */
    public abstract static class Builder<B extends Builder<B, T>, T> {
        private long minTtl = 0;
        private long maxTtl = 86_400;
        private int maxEntries = 10_000;
        private LongSupplier clock = System::currentTimeMillis;

        protected abstract B self();

        /** Answers are kept at least this long (seconds), even with a smaller TTL. */
        public B minTtl(long seconds) {
            this.minTtl = seconds;
            return self();
        }

        /** Answers are kept at most this long (seconds). */
        public B maxTtl(long seconds) {
            this.maxTtl = seconds;
            return self();
        }

        public B maxEntries(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("maxEntries must be positive: " + entries);
            }
            this.maxEntries = entries;
            return self();
        }

        /** Millisecond clock (tests). */
        public B clock(LongSupplier clock) {
            this.clock = clock;
            return self();
        }

        protected <R> AnswerCache<R> cache(Predicate<R> keep, ToLongFunction<R> ttl) {
            return new AnswerCache<>(minTtl, maxTtl, maxEntries, clock, keep, ttl);
        }

        public abstract T build();
    }
}
