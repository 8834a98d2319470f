package io.mailsec.tls.policy;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;

/**
 * One direction's list (inbound or outbound): entries keyed by subject plus a default.
 * Most specific match wins: address &gt; exact domain &gt; nearest {@code .parent} entry &gt; default;
 * for IP addresses the longest prefix. Immutable and thread-safe; a lookup is a handful of hash probes.
 */
public final class PolicyList {
    private final Map<String, PolicyMatch> addresses;
    private final Map<String, PolicyMatch> exactDomains;
    private final Map<String, PolicyMatch> domainTrees;
    private final IpPrefixTable<PolicyMatch> ips;
    private final PolicyMatch defaultMatch;
    private final int size;

    PolicyList(Map<String, PolicyMatch> addresses, Map<String, PolicyMatch> exactDomains,
               Map<String, PolicyMatch> domainTrees, IpPrefixTable<PolicyMatch> ips, PolicyMatch defaultMatch, int size) {
        this.addresses = addresses;
        this.exactDomains = exactDomains;
        this.domainTrees = domainTrees;
        this.ips = ips;
        this.defaultMatch = defaultMatch;
        this.size = size;
    }

    /** The entries (and the default) that require TLS ({@code encrypt} or {@code verify}). */
    public java.util.List<PolicyMatch> requiringTls() {
        java.util.List<PolicyMatch> all = new java.util.ArrayList<>();
        all.addAll(addresses.values());
        all.addAll(exactDomains.values());
        all.addAll(domainTrees.values());
        all.addAll(ips.values());
        all.add(defaultMatch);
        all.removeIf(m -> m == null || !m.level().atLeast(TlsLevel.ENCRYPT));
        return all;
    }

    /** A list with only a default entry. */
    public static PolicyList onlyDefault(TlsLevel level) {
        return new PolicyList(Map.of(), Map.of(), Map.of(), new IpPrefixTable.Builder<PolicyMatch>().build(),
                new PolicyMatch(level, "default", EntryKind.DEFAULT, 0), 0);
    }

    /** The default entry (built-in {@code may} when the file has none). */
    public PolicyMatch defaultMatch() {
        return defaultMatch;
    }

    /** Number of entries, not counting the default. */
    public int size() {
        return size;
    }

    /** Level for an email address (or a bare domain): address, then its domain chain, then default. */
    public PolicyMatch lookup(String addressOrDomain) {
        PolicyMatch m = match(addressOrDomain);
        return m != null ? m : defaultMatch;
    }

    /** Level for a peer IP address: longest matching prefix, then default. */
    public PolicyMatch lookup(InetAddress ip) {
        PolicyMatch m = match(ip);
        return m != null ? m : defaultMatch;
    }

    /** The most specific entry for an address or domain, or null when only the default applies. */
    public PolicyMatch match(String addressOrDomain) {
        if (addressOrDomain == null || addressOrDomain.isEmpty()) {
            return null;
        }
        String s = normalize(addressOrDomain);
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            if (!addresses.isEmpty()) {
                PolicyMatch m = addresses.get(s);
                if (m != null) {
                    return m;
                }
            }
            s = s.substring(at + 1);
        }
        return matchDomain(s);
    }

    /** The longest-prefix entry for an IP, or null when only the default applies. */
    public PolicyMatch match(InetAddress ip) {
        return ip == null ? null : ips.lookup(ip);
    }

    private PolicyMatch matchDomain(String domain) {
        PolicyMatch m = exactDomains.get(domain);
        if (m != null) {
            return m;
        }
        if (domainTrees.isEmpty()) {
            return null;
        }
        String d = domain;
        while (true) {
            m = domainTrees.get(d);
            if (m != null) {
                return m;
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return null;
            }
            d = d.substring(dot + 1);
        }
    }

    static String normalize(String s) {
        String t = s.trim();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return t.toLowerCase(Locale.ROOT);
            }
        }
        return t;
    }
}
