package io.mailsec.core.dns;

import java.io.IOException;
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

/**
 * The project's one in-memory resolver for unit tests (real DNS is {@link Dnsmasq}): records per name
 * and type, names that exist without records, names that time out or SERVFAIL. A name with no record
 * of any type and not declared to exist is NXDOMAIN; an existing name without the asked type is
 * NODATA. Names are case-insensitive, a trailing dot is ignored. {@link #queries} counts lookups.
 */
public final class FakeDns implements DnsResolver {
    private final Map<String, List<String>> txt = new HashMap<>();
    private final Map<String, List<InetAddress>> a = new HashMap<>();
    private final Map<String, List<InetAddress>> aaaa = new HashMap<>();
    private final Map<String, List<MxRecord>> mx = new HashMap<>();
    private final Set<String> existing = new HashSet<>();
    private final Set<String> timeouts = new HashSet<>();
    private final Set<String> servfail = new HashSet<>();
    public int queries;

    private static String norm(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    public FakeDns txt(String name, String... records) {
        txt.computeIfAbsent(norm(name), k -> new ArrayList<>()).addAll(List.of(records));
        existing.add(norm(name));
        return this;
    }

    /** A or AAAA records, by the address's family. */
    public FakeDns address(String name, String... ips) {
        for (String ip : ips) {
            InetAddress addr = literal(ip);
            (addr.getAddress().length == 4 ? a : aaaa).computeIfAbsent(norm(name), k -> new ArrayList<>()).add(addr);
        }
        existing.add(norm(name));
        return this;
    }

    private static InetAddress literal(String ip) {
        if (!ip.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP literal: " + ip); // never a DNS lookup
        }
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    public FakeDns mx(String name, int preference, String host) {
        mx.computeIfAbsent(norm(name), k -> new ArrayList<>()).add(new MxRecord(preference, host));
        existing.add(norm(name));
        return this;
    }

    /** The name exists, with no record of any type (NODATA for every query). */
    public FakeDns exists(String name) {
        existing.add(norm(name));
        return this;
    }

    public FakeDns timeout(String name) {
        timeouts.add(norm(name));
        return this;
    }

    public FakeDns servfail(String name) {
        servfail.add(norm(name));
        return this;
    }

    /** The TXT lines of a zone file ({@code name. IN TXT "a" "b"}; strings concatenated). */
    public FakeDns zone(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            int in = line.indexOf(" IN TXT ");
            if (in < 0) {
                continue;
            }
            StringBuilder value = new StringBuilder();
            String rest = line.substring(in + 8);
            int q = rest.indexOf('"');
            while (q >= 0) {
                int e = rest.indexOf('"', q + 1);
                value.append(rest, q + 1, e);
                q = rest.indexOf('"', e + 1);
            }
            txt(line.substring(0, in).trim(), value.toString());
        }
        return this;
    }

    private <T> DnsResult<T> lookup(String name, Map<String, List<T>> records) {
        queries++;
        String n = norm(name);
        if (timeouts.contains(n)) {
            return DnsResult.of(DnsStatus.TIMEOUT, 0, "timeout (test) for " + name);
        }
        if (servfail.contains(n)) {
            return DnsResult.of(DnsStatus.SERVFAIL, 0, "servfail (test) for " + name);
        }
        List<T> r = records.get(n);
        if (r != null) {
            return DnsResult.ok(r, 300);
        }
        return existing.contains(n) ? DnsResult.of(DnsStatus.NODATA, 300, "nodata (test) for " + name)
                : DnsResult.of(DnsStatus.NXDOMAIN, 300, "nxdomain (test) for " + name);
    }

    @Override
    public DnsResult<String> txt(String name) {
        return lookup(name, txt);
    }

    @Override
    public DnsResult<InetAddress> a(String name) {
        return lookup(name, a);
    }

    @Override
    public DnsResult<InetAddress> aaaa(String name) {
        return lookup(name, aaaa);
    }

    @Override
    public DnsResult<MxRecord> mx(String name) {
        return lookup(name, mx);
    }

    @Override
    public DnsResult<String> ptr(InetAddress address) {
        queries++;
        return DnsResult.of(DnsStatus.NXDOMAIN, 300, "nxdomain (test)");
    }
}
