package io.mailsec.dmarc;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;

/**
 * The DNS of authheaders' DMARC cases: name -> TXT text; "" = the name exists without TXT;
 * null or absent = NXDOMAIN; a non-underscore name with a text value exists with an A record.
 */
final class MapResolver implements DnsResolver {
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, Boolean> present = new HashMap<>();
    int queries;

    MapResolver(Map<String, String> dns) {
        dns.forEach((k, v) -> {
            String n = k.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            present.put(n, v != null);
            names.put(n, v);
        });
    }

    private String get(String name) {
        return names.get(name.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
    }

    private boolean exists(String name) {
        return Boolean.TRUE.equals(present.get(name.toLowerCase(Locale.ROOT).replaceAll("\\.$", "")));
    }

    @Override
    public DnsResult<String> txt(String name) {
        queries++;
        if (!exists(name)) {
            return DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx");
        }
        String v = get(name);
        if (v.isEmpty() || !name.startsWith("_")) {
            return DnsResult.of(DnsStatus.NODATA, 300, "nodata");
        }
        return DnsResult.ok(List.of(v), 300);
    }

    @Override
    public DnsResult<InetAddress> a(String name) {
        queries++;
        if (!exists(name)) {
            return DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx");
        }
        if (name.startsWith("_") || get(name).isEmpty()) {
            return DnsResult.of(DnsStatus.NODATA, 300, "nodata");
        }
        return DnsResult.ok(List.of(InetAddress.getLoopbackAddress()), 300);
    }

    @Override
    public DnsResult<InetAddress> aaaa(String name) {
        queries++;
        return exists(name) ? DnsResult.of(DnsStatus.NODATA, 300, "nodata") : DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx");
    }

    @Override
    public DnsResult<MxRecord> mx(String name) {
        queries++;
        return exists(name) ? DnsResult.of(DnsStatus.NODATA, 300, "nodata") : DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx");
    }

    @Override
    public DnsResult<String> ptr(InetAddress address) {
        return DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx");
    }
}
