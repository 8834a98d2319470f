package io.mailsec.tls.tlsrpt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.mailsec.tls.dane.TlsaRecord;
import io.mailsec.tls.dane.TlsaRecordSet;
import io.mailsec.tls.dane.UnusableRecord;
import io.mailsec.tls.mtasts.MtaStsPolicy;

/**
 * The policy a session was made under, as a report names it (RFC 8460 §4.4 {@code policy}): its type,
 * the Policy Domain, the policy text and the MX hosts it names. Sessions are counted per applied
 * policy, so two different policies of one domain on the same day (a new MTA-STS id at noon) are
 * two entries of that day's report. Immutable; equal when all four parts are equal.
 *
 * <p>The Policy Domain (RFC 8460's terminology) is the recipient domain for {@code sts} and
 * {@code no-policy-found}; for {@code tlsa} it is the TLSA base domain, the MX host whose
 * {@code _25._tcp} records were used (RFC 7672 §2.2.3), so DANE reports go to the MX host's
 * {@code _smtp._tls} record.
 */
public final class AppliedPolicy {
    private final PolicyType type;
    private final String domain;
    private final List<String> strings;
    private final List<String> mxHosts;

    private AppliedPolicy(PolicyType type, String domain, List<String> strings, List<String> mxHosts) {
        this.type = Objects.requireNonNull(type, "type");
        this.domain = DomainNames.normalize(domain);
        this.strings = List.copyOf(strings);
        List<String> mx = new ArrayList<>();
        for (String m : mxHosts) {
            mx.add(DomainNames.normalize(m));
        }
        this.mxHosts = List.copyOf(mx);
    }

    /**
     * An MTA-STS policy: {@code policy-string} holds its lines (CRLF or LF ends removed, blank lines
     * dropped, as RFC 8460's own example shows), {@code mx-host} its {@code mx} patterns.
     */
    public static AppliedPolicy sts(String policyDomain, String policyText, List<String> mxPatterns) {
        List<String> lines = new ArrayList<>();
        for (String line : policyText.split("\r?\n", -1)) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return new AppliedPolicy(PolicyType.STS, policyDomain, lines, mxPatterns);
    }

    /** The MTA-STS policy a lookup gave (its domain, text and patterns). */
    public static AppliedPolicy sts(MtaStsPolicy policy) {
        return sts(policy.domain(), policy.text(), policy.mxPatterns());
    }

    /**
     * DANE: {@code policy-string} holds the TLSA records in presentation form ({@code 3 1 1 0C72...}),
     * {@code mx-host} the MX host they were looked up for; {@code tlsaBaseDomain} is the Policy Domain
     * (usually that MX host, or the target of its CNAME).
     */
    public static AppliedPolicy tlsa(String tlsaBaseDomain, String mxHost, List<String> records) {
        return new AppliedPolicy(PolicyType.TLSA, tlsaBaseDomain, records, List.of(mxHost));
    }

    /** DANE with a parsed RRset: every record, the unusable ones as they were given. */
    public static AppliedPolicy tlsa(String tlsaBaseDomain, String mxHost, TlsaRecordSet records) {
        List<String> text = new ArrayList<>();
        for (TlsaRecord r : records.usable()) {
            text.add(r.presentation());
        }
        for (UnusableRecord u : records.unusable()) {
            text.add(u.text());
        }
        return tlsa(tlsaBaseDomain, mxHost, text);
    }

    /** No MTA-STS policy and no DANE records: no policy text, no MX hosts. */
    public static AppliedPolicy noPolicyFound(String recipientDomain) {
        return new AppliedPolicy(PolicyType.NO_POLICY_FOUND, recipientDomain, List.of(), List.of());
    }

    /** For the store reading back what it wrote: the parts as they were. */
    static AppliedPolicy of(PolicyType type, String domain, List<String> strings, List<String> mxHosts) {
        return new AppliedPolicy(type, domain, strings, mxHosts);
    }

    public PolicyType type() {
        return type;
    }

    /** The Policy Domain: lower case, A-labels, no trailing dot. */
    public String domain() {
        return domain;
    }

    /** {@code policy-string}: the policy's lines (sts) or records (tlsa); empty for no-policy-found. */
    public List<String> strings() {
        return strings;
    }

    /** {@code mx-host}: the MX patterns (sts) or the MX host (tlsa); empty for no-policy-found. */
    public List<String> mxHosts() {
        return mxHosts;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AppliedPolicy)) {
            return false;
        }
        AppliedPolicy p = (AppliedPolicy) o;
        return type == p.type && domain.equals(p.domain) && strings.equals(p.strings) && mxHosts.equals(p.mxHosts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, domain, strings, mxHosts);
    }

    @Override
    public String toString() {
        return type.word() + " " + domain + (mxHosts.isEmpty() ? "" : " mx=" + mxHosts);
    }
}
