package io.mailsec.spf;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;

/**
 * In-memory DNS for the RFC 7208 suite, following the runner rules of conformance/README.md:
 * names are case-insensitive, absent names are NXDOMAIN, SPF records double as TXT unless
 * the name lists TXT, a bare TIMEOUT item times out every type not answered before it, CNAME
 * is followed one level.
 */
public final class ZoneResolver implements DnsResolver {
    private final Map<String, List<Object>> zone = new HashMap<>();
    public int queries;

    @SuppressWarnings("unchecked")
    public ZoneResolver(Map<String, Object> zonedata) {
        if (zonedata != null) {
            for (Map.Entry<String, Object> e : zonedata.entrySet()) {
                zone.put(norm(e.getKey()), (List<Object>) e.getValue());
            }
        }
    }

    private static String norm(String n) {
        String s = n.toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private <T> DnsResult<T> query(String name, String type, Function<Object, T> convert, boolean followCname) {
        queries++;
        List<Object> items = zone.get(norm(name));
        if (items == null) {
            return DnsResult.of(DnsStatus.NXDOMAIN, 300, name + " does not exist");
        }
        boolean hasTxt = false;
        for (Object item : items) {
            if (item instanceof Map && ((Map<?, ?>) item).containsKey("TXT")) {
                hasTxt = true;
            }
        }
        List<T> out = new ArrayList<>();
        String cname = null;
        for (Object item : items) {
            if ("TIMEOUT".equals(item)) {
                if (out.isEmpty()) {
                    return DnsResult.of(DnsStatus.TIMEOUT, 0, "timeout for " + name);
                }
                continue;
            }
            Map<?, ?> m = (Map<?, ?>) item;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String t = (String) e.getKey();
                Object v = e.getValue();
                if (t.equals("CNAME")) {
                    cname = (String) v;
                }
                boolean want = t.equals(type) || type.equals("TXT") && t.equals("SPF") && !hasTxt;
                if (!want || "NONE".equals(v)) {
                    continue;
                }
                out.add(convert.apply(v));
            }
        }
        if (out.isEmpty() && cname != null && followCname) {
            return query(cname, type, convert, false);
        }
        return DnsResult.ok(out, 300);
    }

    @Override
    public DnsResult<String> txt(String name) {
        return query(name, "TXT", v -> {
            if (v instanceof List) {
                StringBuilder sb = new StringBuilder();
                for (Object o : (List<?>) v) {
                    sb.append(o);
                }
                return sb.toString();
            }
            return String.valueOf(v);
        }, true);
    }

    @Override
    public DnsResult<InetAddress> a(String name) {
        return query(name, "A", v -> addr(String.valueOf(v)), true);
    }

    @Override
    public DnsResult<InetAddress> aaaa(String name) {
        return query(name, "AAAA", v -> addr(String.valueOf(v)), true);
    }

    @Override
    public DnsResult<MxRecord> mx(String name) {
        return query(name, "MX", v -> {
            List<?> l = (List<?>) v;
            return new MxRecord(((Number) l.get(0)).intValue(), String.valueOf(l.get(1)));
        }, true);
    }

    @Override
    public DnsResult<String> ptr(InetAddress address) {
        return query(reverse(address), "PTR", String::valueOf, true);
    }

    static String reverse(InetAddress a) {
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.').append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    private static InetAddress addr(String s) {
        return Ip.parseClient(s);
    }
}
