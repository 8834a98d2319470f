package io.mailsec.tls.tlsrpt;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What went wrong in one failed session, in the terms of a report's {@code failure-details} entry
 * (RFC 8460 §4.4) without its count: sessions that agree on every field are one entry. Only the
 * result type is required: a policy fetch that failed happened before any MX was chosen, so it has
 * no receiving host or address. Immutable; the {@code with...} methods return a copy.
 *
 * <pre>
 * SessionFailure.of(ResultType.CERTIFICATE_EXPIRED).sendingMtaIp(local).receivingMxHostname("mx1.example.com")
 *         .receivingIp(peer).failureReasonCode("certificate expired 2026-11-30T00:00:00Z")
 * </pre>
 *
 * <p>{@code failure-reason-code} is meant to be a stable code or message: a text that changes from one
 * session to the next (a timestamp, a connection id) would make every session an entry of its own. It
 * is cut at {@value #MAX_TEXT} characters, and so is {@code additional-information}.
 */
public final class SessionFailure {
    /** Longest free text kept, so a verbose exception message cannot bloat the store and the report. */
    public static final int MAX_TEXT = 256;

    private final ResultType resultType;
    private final String sendingMtaIp;
    private final String receivingMxHostname;
    private final String receivingMxHelo;
    private final String receivingIp;
    private final String additionalInformation;
    private final String failureReasonCode;

    private SessionFailure(ResultType resultType, String sendingMtaIp, String receivingMxHostname, String receivingMxHelo,
            String receivingIp, String additionalInformation, String failureReasonCode) {
        this.resultType = Objects.requireNonNull(resultType, "resultType");
        this.sendingMtaIp = sendingMtaIp;
        this.receivingMxHostname = receivingMxHostname;
        this.receivingMxHelo = receivingMxHelo;
        this.receivingIp = receivingIp;
        this.additionalInformation = additionalInformation;
        this.failureReasonCode = failureReasonCode;
    }

    public static SessionFailure of(ResultType resultType) {
        return new SessionFailure(resultType, null, null, null, null, null, null);
    }

    /** The address this MTA connected from. */
    public SessionFailure sendingMtaIp(InetAddress ip) {
        return sendingMtaIp(ip == null ? null : IpText.of(ip));
    }

    /** The same from an IP literal (checked, and written in the report's form). */
    public SessionFailure sendingMtaIp(String ip) {
        return new SessionFailure(resultType, ip == null ? null : IpText.of(ip), receivingMxHostname, receivingMxHelo, receivingIp,
                additionalInformation, failureReasonCode);
    }

    /** The MX host name the session was for (from the MX record, not the certificate). */
    public SessionFailure receivingMxHostname(String host) {
        return new SessionFailure(resultType, sendingMtaIp, host == null ? null : DomainNames.normalize(host), receivingMxHelo, receivingIp,
                additionalInformation, failureReasonCode);
    }

    /** The name the receiving MTA gave in its greeting or EHLO reply (optional in the RFC). */
    public SessionFailure receivingMxHelo(String helo) {
        return new SessionFailure(resultType, sendingMtaIp, receivingMxHostname, cut(helo), receivingIp, additionalInformation,
                failureReasonCode);
    }

    /** The address connected to. */
    public SessionFailure receivingIp(InetAddress ip) {
        return receivingIp(ip == null ? null : IpText.of(ip));
    }

    public SessionFailure receivingIp(String ip) {
        return new SessionFailure(resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo, ip == null ? null : IpText.of(ip),
                additionalInformation, failureReasonCode);
    }

    /** A URI with more about the failure (RFC 8460: e.g. where the presented chain can be seen). */
    public SessionFailure additionalInformation(String uri) {
        return new SessionFailure(resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo, receivingIp, cut(uri), failureReasonCode);
    }

    /** A TLS error code or message. */
    public SessionFailure failureReasonCode(String code) {
        return new SessionFailure(resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo, receivingIp, additionalInformation,
                cut(code));
    }

    private static String cut(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String t = s.strip().replaceAll("[\\r\\n\\t]+", " ");
        return t.length() <= MAX_TEXT ? t : t.substring(0, MAX_TEXT);
    }

    public ResultType resultType() {
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

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SessionFailure)) {
            return false;
        }
        SessionFailure f = (SessionFailure) o;
        return resultType == f.resultType && Objects.equals(sendingMtaIp, f.sendingMtaIp)
                && Objects.equals(receivingMxHostname, f.receivingMxHostname) && Objects.equals(receivingMxHelo, f.receivingMxHelo)
                && Objects.equals(receivingIp, f.receivingIp) && Objects.equals(additionalInformation, f.additionalInformation)
                && Objects.equals(failureReasonCode, f.failureReasonCode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo, receivingIp, additionalInformation,
                failureReasonCode);
    }

    @Override
    public String toString() {
        return resultType.word() + (receivingMxHostname == null ? "" : " mx=" + receivingMxHostname)
                + (receivingIp == null ? "" : " ip=" + receivingIp) + (failureReasonCode == null ? "" : " (" + failureReasonCode + ")");
    }
}
