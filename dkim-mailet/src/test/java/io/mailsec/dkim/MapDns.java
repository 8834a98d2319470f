package io.mailsec.dkim;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** In-memory DNS for unit tests: TXT records per name, names that time out or SERVFAIL. */
public final class MapDns implements DnsResolver {
    private final Map<String, List<String>> txt = new HashMap<>();
    private final Set<String> timeouts = new HashSet<>();
    private final Set<String> servfail = new HashSet<>();
    public int queries;

    public MapDns txt(String name, String... records) {
        txt.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(List.of(records));
        return this;
    }

    public MapDns timeout(String name) {
        timeouts.add(name.toLowerCase(Locale.ROOT));
        return this;
    }

    public MapDns servfail(String name) {
        servfail.add(name.toLowerCase(Locale.ROOT));
        return this;
    }

    /** Zone-file lines like {@code name. IN TXT "a" "b"} (strings concatenated). */
    public MapDns zone(Path file) throws java.io.IOException {
        for (String line : Files.readAllLines(file)) {
            int in = line.indexOf(" IN TXT ");
            if (in < 0) {
                continue;
            }
            String name = line.substring(0, in).trim();
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            StringBuilder value = new StringBuilder();
            String rest = line.substring(in + 8);
            int q = rest.indexOf('"');
            while (q >= 0) {
                int e = rest.indexOf('"', q + 1);
                value.append(rest, q + 1, e);
                q = rest.indexOf('"', e + 1);
            }
            txt(name, value.toString());
        }
        return this;
    }

    @Override
    public DnsResult<String> txt(String name) {
        queries++;
        String n = name.toLowerCase(Locale.ROOT);
        if (timeouts.contains(n)) {
            return DnsResult.of(DnsStatus.TIMEOUT, 0, "timeout (test)");
        }
        if (servfail.contains(n)) {
            return DnsResult.of(DnsStatus.SERVFAIL, 0, "servfail (test)");
        }
        List<String> r = txt.get(n);
        if (r == null) {
            return DnsResult.of(DnsStatus.NXDOMAIN, 300, "nxdomain (test)");
        }
        return DnsResult.ok(r, 300);
    }

    @Override
    public DnsResult<InetAddress> a(String name) {
        return DnsResult.of(DnsStatus.NXDOMAIN, 0, null);
    }

    @Override
    public DnsResult<InetAddress> aaaa(String name) {
        return DnsResult.of(DnsStatus.NXDOMAIN, 0, null);
    }

    @Override
    public DnsResult<MxRecord> mx(String name) {
        return DnsResult.of(DnsStatus.NXDOMAIN, 0, null);
    }

    @Override
    public DnsResult<String> ptr(InetAddress address) {
        return DnsResult.of(DnsStatus.NXDOMAIN, 0, null);
    }
}
