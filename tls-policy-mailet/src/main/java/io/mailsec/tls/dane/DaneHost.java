package io.mailsec.tls.dane;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

import io.mailsec.core.dns.DnsResult;

/**
 * What DANE says about one MX host (RFC 7672 §2.2), decided from DNSSEC-validated lookups:
 * <ul>
 *   <li>{@link Kind#DANE}: secure addresses and a secure, non-empty TLSA RRset: TLS is mandatory and
 *       the server is judged by its records ({@link #tlsa()}, {@link #names()});</li>
 *   <li>{@link Kind#NO_DANE}: insecure addresses or TLSA records, or secure proof that there are none:
 *       DANE does not apply, the domain's other requirement does (not a failure);</li>
 *   <li>{@link Kind#UNUSABLE}: a bogus answer, or a lookup that failed where the zone is signed: the
 *       host must not be used now (RFC 7672 §2.2: try the next MX, else defer), never in plaintext.</li>
 * </ul>
 * The address answer comes along so that delivery connects to what was validated.
 */
public final class DaneHost {
    public enum Kind { DANE, NO_DANE, UNUSABLE }

    private final Kind kind;
    private final String host;
    private final DnsResult<InetAddress> addresses;
    private final TlsaRecordSet tlsa;
    private final String tlsaBase;
    private final ReferenceNames names;
    private final String detail;
    private final long ttlSeconds;

    private DaneHost(Kind kind, String host, DnsResult<InetAddress> addresses, TlsaRecordSet tlsa, String tlsaBase,
                     ReferenceNames names, String detail, long ttlSeconds) {
        this.kind = kind;
        this.host = Objects.requireNonNull(host);
        this.addresses = addresses;
        this.tlsa = tlsa;
        this.tlsaBase = tlsaBase;
        this.names = names;
        this.detail = detail;
        this.ttlSeconds = ttlSeconds;
    }

    static DaneHost dane(String host, DnsResult<InetAddress> addresses, TlsaRecordSet tlsa, String tlsaBase,
                         ReferenceNames names, long ttlSeconds) {
        return new DaneHost(Kind.DANE, host, addresses, tlsa, tlsaBase, names,
                tlsa.hasUsable() ? tlsa.usable().size() + " usable TLSA records at _25._tcp." + tlsaBase
                        : "TLSA records at _25._tcp." + tlsaBase + " but none usable", ttlSeconds);
    }

    static DaneHost noDane(String host, DnsResult<InetAddress> addresses, String why, long ttlSeconds) {
        return new DaneHost(Kind.NO_DANE, host, addresses, null, null, null, why, ttlSeconds);
    }

    static DaneHost unusable(String host, String tlsaBase, String why) {
        return new DaneHost(Kind.UNUSABLE, host, null, null, tlsaBase, null, why, 0);
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return host;
    }

    /** The address answer (validated or not); null for {@link Kind#UNUSABLE}. */
    public DnsResult<InetAddress> addresses() {
        return addresses;
    }

    /** The TLSA RRset ({@link Kind#DANE} only). */
    public TlsaRecordSet tlsa() {
        return tlsa;
    }

    /** The name the TLSA records were found under (the host, or its secure CNAME target), else where they were sought. */
    public String tlsaBase() {
        return tlsaBase;
    }

    /** The names a DANE-TA(2) certificate must carry ({@link Kind#DANE} only). */
    public ReferenceNames names() {
        return names;
    }

    /** Why this kind, for the log and the DSN. */
    public String detail() {
        return detail;
    }

    long ttlSeconds() {
        return ttlSeconds;
    }

    @Override
    public String toString() {
        return host + ": " + kind + " (" + detail + ")";
    }
}
