package io.mailsec.core.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * The DNS queries mailsec's protocols need. Implementations never throw for DNS failures:
 * every outcome is a {@link DnsResult} whose status tells NXDOMAIN, NODATA, TIMEOUT and SERVFAIL apart.
 * Names are given without trailing dot; they are treated as absolute.
 */
public interface DnsResolver {

    /**
     * TXT records of {@code name}. Each element is one record with its character-strings
     * concatenated (RFC 7208 §3.3, RFC 6376 §3.6.2.2); bytes are decoded as ISO-8859-1 so
     * that no byte is lost.
     */
    DnsResult<String> txt(String name);

    /** IPv4 addresses of {@code name}. */
    DnsResult<InetAddress> a(String name);

    /** IPv6 addresses of {@code name}. */
    DnsResult<InetAddress> aaaa(String name);

    /** MX records of {@code name}, in the order the server returned them. */
    DnsResult<MxRecord> mx(String name);

    /** PTR names for {@code address} (reverse lookup), without trailing dot. */
    DnsResult<String> ptr(InetAddress address);

    /**
     * The TXT answer for {@code name} if this resolver can give it without a query (a live cache
     * entry), else null. Lets callers that would send several queries in parallel skip the thread
     * hand-off for answers they already have; the answer is the one {@link #txt} would return.
     */
    default DnsResult<String> cachedTxt(String name) {
        return null;
    }

    /** A and AAAA together: OK if either has records; temporary failures win over empty answers. */
    default DnsResult<InetAddress> addresses(String name) {
        DnsResult<InetAddress> v4 = a(name);
        DnsResult<InetAddress> v6 = aaaa(name);
        if (v4.isOk() || v6.isOk()) {
            List<InetAddress> all = new java.util.ArrayList<>(v4.records());
            all.addAll(v6.records());
            return DnsResult.ok(all, Math.min(v4.ttlSeconds(), v6.ttlSeconds()));
        }
        if (v4.status().isTemporary()) {
            return v4;
        }
        if (v6.status().isTemporary()) {
            return v6;
        }
        return v4;
    }
}
