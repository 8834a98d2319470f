package io.mailsec.tls.tlsrpt;

import java.util.Optional;

/**
 * One {@code failure-details} entry of a report (RFC 8460 §4.4), as the JSON has it: strings, so a
 * received report with a result type this code does not know can still be shown.
 */
public final class ReportFailure {
    private final String resultType;
    private final String sendingMtaIp;
    private final String receivingMxHostname;
    private final String receivingMxHelo;
    private final String receivingIp;
    private final String additionalInformation;
    private final String failureReasonCode;
    private final long failedSessions;

    ReportFailure(String resultType, String sendingMtaIp, String receivingMxHostname, String receivingMxHelo, String receivingIp,
            String additionalInformation, String failureReasonCode, long failedSessions) {
        this.resultType = resultType;
        this.sendingMtaIp = sendingMtaIp;
        this.receivingMxHostname = receivingMxHostname;
        this.receivingMxHelo = receivingMxHelo;
        this.receivingIp = receivingIp;
        this.additionalInformation = additionalInformation;
        this.failureReasonCode = failureReasonCode;
        this.failedSessions = failedSessions;
    }

    static ReportFailure of(SessionFailure f, long count) {
        return new ReportFailure(f.resultType().word(), f.sendingMtaIp().orElse(null), f.receivingMxHostname().orElse(null),
                f.receivingMxHelo().orElse(null), f.receivingIp().orElse(null), f.additionalInformation().orElse(null),
                f.failureReasonCode().orElse(null), count);
    }

    /** {@code result-type}. */
    public String resultType() {
        return resultType;
    }

    public Optional<String> sendingMtaIp() {
        return Optional.ofNullable(sendingMtaIp);
    }

    public Optional<String> receivingMxHostname() {
        return Optional.ofNullable(receivingMxHostname);
    }

    public Optional<String> receivingMxHelo() {
        return Optional.ofNullable(receivingMxHelo);
    }

    public Optional<String> receivingIp() {
        return Optional.ofNullable(receivingIp);
    }

    public Optional<String> additionalInformation() {
        return Optional.ofNullable(additionalInformation);
    }

    public Optional<String> failureReasonCode() {
        return Optional.ofNullable(failureReasonCode);
    }

    /** {@code failed-session-count}. */
    public long failedSessions() {
        return failedSessions;
    }
}
