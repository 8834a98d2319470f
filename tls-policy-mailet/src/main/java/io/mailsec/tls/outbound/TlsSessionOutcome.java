package io.mailsec.tls.outbound;

import java.util.Objects;
import java.util.Optional;

import io.mailsec.tls.tlsrpt.ResultType;

/**
 * One SMTP session's TLS outcome: the recipient domain, the requirement it was made under (whose
 * {@link TlsRequirement#reportedAs()} names the policy for TLS-RPT), the MX host and addresses, and
 * the RFC 8460 result type when TLS failed (empty: TLS was negotiated as the requirement asks).
 */
public final class TlsSessionOutcome {
    private final String domain;
    private final TlsRequirement requirement;
    private final String mxHost;
    private final String receivingIp;
    private final String sendingIp;
    private final ResultType failure;
    private final String detail;

    TlsSessionOutcome(String domain, TlsRequirement requirement, String mxHost, String receivingIp, String sendingIp,
                      ResultType failure, String detail) {
        this.domain = Objects.requireNonNull(domain);
        this.requirement = Objects.requireNonNull(requirement);
        this.mxHost = mxHost;
        this.receivingIp = receivingIp;
        this.sendingIp = sendingIp;
        this.failure = failure;
        this.detail = detail;
    }

    /** The recipient domain. */
    public String domain() {
        return domain;
    }

    public TlsRequirement requirement() {
        return requirement;
    }

    public String mxHost() {
        return mxHost;
    }

    public String receivingIp() {
        return receivingIp;
    }

    /** Our side of the connection, null when unknown. */
    public String sendingIp() {
        return sendingIp;
    }

    /** Why TLS failed, as RFC 8460 names it; empty for a successful session. */
    public Optional<ResultType> failure() {
        return Optional.ofNullable(failure);
    }

    /** The failure as the tracking log has it; null for a success. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return domain + " via " + mxHost + " [" + receivingIp + "] under " + requirement + ": "
                + (failure == null ? "success" : failure.word() + " (" + detail + ")");
    }
}
