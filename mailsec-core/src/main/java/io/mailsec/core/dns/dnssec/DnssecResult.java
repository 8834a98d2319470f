package io.mailsec.core.dns.dnssec;

import java.util.List;
import java.util.Objects;

import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;

/**
 * One answer with its DNSSEC status. The DNS outcome is the usual {@link DnsResult} (OK, NXDOMAIN,
 * NODATA, TIMEOUT, SERVFAIL); the pairs that can occur are fixed here so callers need not guard
 * against the others:
 *
 * <ul>
 *   <li>{@link DnssecStatus#SECURE} or {@link DnssecStatus#INSECURE}: OK with records, NXDOMAIN or NODATA;</li>
 *   <li>{@link DnssecStatus#BOGUS}: SERVFAIL and never any record (data that failed validation is dropped here);</li>
 *   <li>{@link DnssecStatus#INDETERMINATE}: TIMEOUT or SERVFAIL.</li>
 * </ul>
 */
public final class DnssecResult<T> {
    private final DnssecStatus dnssec;
    private final DnsResult<T> dns;
    private final String canonicalName;

    private DnssecResult(DnssecStatus dnssec, DnsResult<T> dns, String canonicalName) {
        this.dnssec = Objects.requireNonNull(dnssec, "dnssec");
        this.dns = Objects.requireNonNull(dns, "dns");
        this.canonicalName = Objects.requireNonNull(canonicalName, "canonicalName");
    }

    /**
     * A validated (SECURE) or unvalidated (INSECURE) answer.
     *
     * @param canonicalName the owner of the records: the query name, or the last CNAME target when the answer followed a chain
     */
    public static <T> DnssecResult<T> answer(DnssecStatus dnssec, DnsResult<T> dns, String canonicalName) {
        if (dnssec.isFailure()) {
            throw new IllegalArgumentException("an answer is SECURE or INSECURE, not " + dnssec);
        }
        if (dns.status().isTemporary()) {
            throw new IllegalArgumentException(dnssec + " needs an answer, not " + dns.status());
        }
        return new DnssecResult<>(dnssec, dns, canonicalName);
    }

    /** Validation failed: SERVFAIL without records, whatever the server sent. */
    public static <T> DnssecResult<T> bogus(String name, String detail) {
        return new DnssecResult<>(DnssecStatus.BOGUS, DnsResult.of(DnsStatus.SERVFAIL, 0, "DNSSEC bogus: " + detail), name);
    }

    /** No answer to judge (timeout, SERVFAIL, REFUSED, network error). */
    public static <T> DnssecResult<T> indeterminate(String name, DnsStatus status, String detail) {
        if (!status.isTemporary()) {
            throw new IllegalArgumentException("indeterminate needs TIMEOUT or SERVFAIL, not " + status);
        }
        return new DnssecResult<>(DnssecStatus.INDETERMINATE, DnsResult.of(status, 0, detail), name);
    }

    public DnssecStatus dnssec() {
        return dnssec;
    }

    /** The DNS outcome: OK, NXDOMAIN, NODATA, TIMEOUT or SERVFAIL. */
    public DnsStatus status() {
        return dns.status();
    }

    /** The records (empty unless OK; always empty for BOGUS and INDETERMINATE). */
    public List<T> records() {
        return dns.records();
    }

    public long ttlSeconds() {
        return dns.ttlSeconds();
    }

    /** Why, for a person: the server, the timeout, the validator's reason. */
    public String detail() {
        return dns.detail();
    }

    /** The answer as a plain {@link DnsResult}, for code that does not care about DNSSEC. */
    public DnsResult<T> dns() {
        return dns;
    }

    /** The name the records belong to: the query name, or the end of the CNAME chain (RFC 7672 §2.2.2). */
    public String canonicalName() {
        return canonicalName;
    }

    public boolean isSecure() {
        return dnssec == DnssecStatus.SECURE;
    }

    @Override
    public String toString() {
        return dnssec + " " + dns;
    }
}
