package io.mailsec.tls.tlsrpt;

import java.util.List;
import java.util.Optional;

/** One {@code policies} entry of a report: the policy, its summary and its failure details (RFC 8460 §4.4). */
public final class ReportPolicy {
    private final String policyType;
    private final List<String> policyStrings;
    private final String policyDomain;
    private final List<String> mxHosts;
    private final long successes;
    private final long failures;
    private final List<ReportFailure> failureDetails;

    ReportPolicy(String policyType, List<String> policyStrings, String policyDomain, List<String> mxHosts, long successes, long failures,
            List<ReportFailure> failureDetails) {
        this.policyType = policyType;
        this.policyStrings = List.copyOf(policyStrings);
        this.policyDomain = policyDomain;
        this.mxHosts = List.copyOf(mxHosts);
        this.successes = successes;
        this.failures = failures;
        this.failureDetails = List.copyOf(failureDetails);
    }

    /** {@code policy-type}: {@code sts}, {@code tlsa}, {@code no-policy-found} (or what a received report says). */
    public String policyType() {
        return policyType;
    }

    /** {@code policy-string}; empty when absent. */
    public List<String> policyStrings() {
        return policyStrings;
    }

    /** {@code policy-domain}; some senders leave it out for {@code no-policy-found}. */
    public Optional<String> policyDomain() {
        return Optional.ofNullable(policyDomain);
    }

    /** {@code mx-host}; empty when absent. */
    public List<String> mxHosts() {
        return mxHosts;
    }

    /** {@code total-successful-session-count}. */
    public long successes() {
        return successes;
    }

    /** {@code total-failure-session-count}. */
    public long failures() {
        return failures;
    }

    /** {@code failure-details}, in the report's order. */
    public List<ReportFailure> failureDetails() {
        return failureDetails;
    }
}
