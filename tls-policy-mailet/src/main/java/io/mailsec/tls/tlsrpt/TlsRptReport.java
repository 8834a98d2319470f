package io.mailsec.tls.tlsrpt;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A TLS report (RFC 8460 §4.4), the one mailsec builds for a Policy Domain and a day or one it
 * received: who reports, the period, the report id and one entry per applied policy.
 * {@link ReportJsonWriter} writes it, {@link ReportJsonReader} reads one.
 */
public final class TlsRptReport {
    private final String organizationName;
    private final Instant start;
    private final Instant end;
    private final String contactInfo;
    private final String reportId;
    private final List<ReportPolicy> policies;

    TlsRptReport(String organizationName, Instant start, Instant end, String contactInfo, String reportId, List<ReportPolicy> policies) {
        this.organizationName = organizationName;
        this.start = start;
        this.end = end;
        this.contactInfo = contactInfo;
        this.reportId = reportId;
        this.policies = List.copyOf(policies);
    }

    /** {@code organization-name}. */
    public String organizationName() {
        return organizationName;
    }

    /** {@code date-range.start-datetime}. */
    public Instant start() {
        return start;
    }

    /** {@code date-range.end-datetime}. */
    public Instant end() {
        return end;
    }

    /** {@code contact-info}; received reports may lack it. */
    public Optional<String> contactInfo() {
        return Optional.ofNullable(contactInfo);
    }

    /** {@code report-id}. */
    public String reportId() {
        return reportId;
    }

    public List<ReportPolicy> policies() {
        return policies;
    }

    /** The Policy Domain the report is about: the first policy's (a report covers one, RFC 8460 §4). */
    public Optional<String> policyDomain() {
        for (ReportPolicy p : policies) {
            if (p.policyDomain().isPresent()) {
                return p.policyDomain();
            }
        }
        return Optional.empty();
    }
}
