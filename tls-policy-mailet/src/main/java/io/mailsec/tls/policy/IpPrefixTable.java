package io.mailsec.tls.policy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Longest-prefix match over IPv4 and IPv6 ranges: one hash table per prefix length in use,
 * probed from the longest length down, so a lookup costs one hash probe per distinct length.
 * Immutable once built.
 */
final class IpPrefixTable<V> {
    private final int[] v4Lengths;
    private final Map<Integer, V>[] v4;
    private final int[] v6Lengths;
    private final Map<V6Key, V>[] v6;

    private IpPrefixTable(TreeMap<Integer, Map<Integer, V>> v4ByLen, TreeMap<Integer, Map<V6Key, V>> v6ByLen) {
        this.v4Lengths = v4ByLen.descendingKeySet().stream().mapToInt(Integer::intValue).toArray();
        @SuppressWarnings("unchecked")
        Map<Integer, V>[] a = new Map[v4Lengths.length];
        for (int i = 0; i < v4Lengths.length; i++) {
            a[i] = v4ByLen.get(v4Lengths[i]);
        }
        this.v4 = a;
        this.v6Lengths = v6ByLen.descendingKeySet().stream().mapToInt(Integer::intValue).toArray();
        @SuppressWarnings("unchecked")
        Map<V6Key, V>[] b = new Map[v6Lengths.length];
        for (int i = 0; i < v6Lengths.length; i++) {
            b[i] = v6ByLen.get(v6Lengths[i]);
        }
        this.v6 = b;
    }

    boolean isEmpty() {
        return v4.length == 0 && v6.length == 0;
    }

    V lookup(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            int ip = toInt(b);
            for (int i = 0; i < v4Lengths.length; i++) {
                V v = v4[i].get(ip & mask4(v4Lengths[i]));
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
        long hi = toLong(b, 0);
        long lo = toLong(b, 8);
        for (int i = 0; i < v6Lengths.length; i++) {
            V v = v6[i].get(V6Key.masked(hi, lo, v6Lengths[i]));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static int toInt(byte[] b) {
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static long toLong(byte[] b, int off) {
        long r = 0;
        for (int i = 0; i < 8; i++) {
            r = (r << 8) | (b[off + i] & 0xff);
        }
        return r;
    }

    static int mask4(int len) {
        return len == 0 ? 0 : (int) (0xffffffffL << (32 - len));
    }

    static long mask64(int len) {
        return len <= 0 ? 0L : len >= 64 ? -1L : -1L << (64 - len);
    }

    /** Every value in the table. */
    java.util.List<V> values() {
        java.util.List<V> out = new java.util.ArrayList<>();
        for (Map<Integer, V> m : v4) {
            out.addAll(m.values());
        }
        for (Map<V6Key, V> m : v6) {
            out.addAll(m.values());
        }
        return out;
    }

    static final class V6Key {
        final long hi;
        final long lo;

        V6Key(long hi, long lo) {
            this.hi = hi;
            this.lo = lo;
        }

        static V6Key masked(long hi, long lo, int len) {
            return new V6Key(hi & mask64(len), lo & mask64(len - 64));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof V6Key && ((V6Key) o).hi == hi && ((V6Key) o).lo == lo;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hi * 31 + lo);
        }
    }

    static final class Builder<V> {
        private final TreeMap<Integer, Map<Integer, V>> v4 = new TreeMap<>();
        private final TreeMap<Integer, Map<V6Key, V>> v6 = new TreeMap<>();

        /** Adds a range; returns the value already stored for exactly this range, if any (not replaced). */
        V add(InetAddress network, int prefixLength, V value) {
            byte[] b = network.getAddress();
            if (b.length == 4) {
                return v4.computeIfAbsent(prefixLength, k -> new HashMap<>())
                        .putIfAbsent(toInt(b) & mask4(prefixLength), value);
            }
            return v6.computeIfAbsent(prefixLength, k -> new HashMap<>())
                    .putIfAbsent(V6Key.masked(toLong(b, 0), toLong(b, 8), prefixLength), value);
        }

        IpPrefixTable<V> build() {
            return new IpPrefixTable<>(v4, v6);
        }
    }
}
