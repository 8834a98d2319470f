package io.mailsec.core.dns.dnssec;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import io.mailsec.core.dns.MxRecord;

/**
 * The lookups DANE needs (RFC 7672 §2.1–2.2), each with its DNSSEC status. Like
 * {@link io.mailsec.core.dns.DnsResolver}, implementations never throw for DNS failures; names are
 * given without trailing dot and treated as absolute.
 */
public interface DnssecResolver {

    /** How this resolver learns the status. */
    DnssecMode mode();

    /** MX records of {@code domain}, in the order the server returned them. */
    DnssecResult<MxRecord> mx(String domain);

    /** IPv4 addresses of {@code host}. */
    DnssecResult<InetAddress> a(String host);

    /** IPv6 addresses of {@code host}. */
    DnssecResult<InetAddress> aaaa(String host);

    /** TLSA records (type 52) at {@code _<port>._tcp.<host>} (RFC 6698 §3, RFC 7672 §2.2.3), as wire RDATA. */
    DnssecResult<TlsaRdata> tlsa(String host, int port);

    /** The TLSA records for SMTP: {@code _25._tcp.<host>}. */
    default DnssecResult<TlsaRdata> tlsa(String host) {
        return tlsa(host, 25);
    }

    /**
     * A and AAAA together. A failure of either (BOGUS before INDETERMINATE) wins, since an attacker
     * who can break one family can steer delivery to it; otherwise SECURE only when both are, and the
     * records of both.
     */
    default DnssecResult<InetAddress> addresses(String host) {
        return bothFamilies(a(host), aaaa(host));
    }

    /** The rule of {@link #addresses} over an A and an AAAA answer already in (looked up in parallel, say). */
    static DnssecResult<InetAddress> bothFamilies(DnssecResult<InetAddress> v4, DnssecResult<InetAddress> v6) {
        for (DnssecStatus failure : List.of(DnssecStatus.BOGUS, DnssecStatus.INDETERMINATE)) {
            if (v4.dnssec() == failure) {
                return v4;
            }
            if (v6.dnssec() == failure) {
                return v6;
            }
        }
        DnssecStatus both = v4.isSecure() && v6.isSecure() ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
        if (v4.records().isEmpty() && v6.records().isEmpty()) {
            return DnssecResult.answer(both, v4.dns(), v4.canonicalName());
        }
        List<InetAddress> all = new ArrayList<>(v4.records());
        all.addAll(v6.records());
        long ttl = Math.min(v4.ttlSeconds(), v6.ttlSeconds());
        String canonical = v4.records().isEmpty() ? v6.canonicalName() : v4.canonicalName();
        return DnssecResult.answer(both, io.mailsec.core.dns.DnsResult.ok(all, ttl), canonical);
    }
}
