package io.mailsec.tls.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the report of one Policy Domain for one UTC day from the day's tally (RFC 8460 §4): the
 * period is the whole day, {@code 00:00:00Z} to {@code 23:59:59Z} as in the RFC's example, and each
 * applied policy of the domain is one {@code policies} entry.
 *
 * <p>The report id is {@code <yyyy-MM-dd>_<policy-domain>@<submitter>}: unique per day, domain and
 * submitter, and the same when the report is built again (after a crash before it was sent, or for a
 * second {@code rua}), so a receiver can tell a resend from a new report, which is what the id is for.
 * It is shaped as a Message-ID, since §5.3 quotes it in angle brackets in the subject.
 */
public final class ReportBuilder {
    private final ReportSubmitter submitter;

    public ReportBuilder(ReportSubmitter submitter) {
        this.submitter = Objects.requireNonNull(submitter, "submitter");
    }

    /** The report of {@code policyDomain} for the tally's day; empty when the domain had no session that day. */
    public Optional<TlsRptReport> build(DayTally tally, String policyDomain) {
        String domain = DomainNames.normalize(policyDomain);
        List<PolicyTally> tallies = tally.policies(domain);
        if (tallies.isEmpty()) {
            return Optional.empty();
        }
        List<ReportPolicy> policies = new ArrayList<>();
        for (PolicyTally t : tallies) {
            List<ReportFailure> details = new ArrayList<>();
            for (Map.Entry<SessionFailure, Long> f : t.failures().entrySet()) {
                details.add(ReportFailure.of(f.getKey(), f.getValue()));
            }
            AppliedPolicy p = t.policy();
            policies.add(new ReportPolicy(p.type().word(), p.strings(), p.domain(), p.mxHosts(), t.successes(), t.failureCount(), details));
        }
        LocalDate day = tally.day();
        return Optional.of(new TlsRptReport(submitter.organizationName(), start(day), end(day), submitter.contactInfo(),
                reportId(day, domain, submitter.domain()), policies));
    }

    public ReportSubmitter submitter() {
        return submitter;
    }

    static Instant start(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static Instant end(LocalDate day) {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
    }

    /** {@code 2026-12-03_example.com@mx.example.net}. */
    public static String reportId(LocalDate day, String policyDomain, String submitterDomain) {
        return day + "_" + DomainNames.normalize(policyDomain) + "@" + DomainNames.normalize(submitterDomain);
    }
}
