package io.mailsec.tls.mtasts;

/** The policy failures TLS-RPT reports (RFC 8460 §4.3.2.2), by their result-type names. */
public enum StsFailureType {
    /**
     * The policy could not be retrieved: DNS for the policy host, connection, timeout, an HTTP
     * status other than 200, a redirect (never followed, RFC 8461 §3.3).
     */
    FETCH_ERROR("sts-policy-fetch-error"),
    /** A policy was retrieved but is not one: wrong media type, too large, or not valid RFC 8461 §3.2 syntax. */
    POLICY_INVALID("sts-policy-invalid"),
    /** The policy host's certificate failed PKIX validation or does not name {@code mta-sts.<domain>}. */
    WEBPKI_INVALID("sts-webpki-invalid");

    private final String resultType;

    StsFailureType(String resultType) {
        this.resultType = resultType;
    }

    /** The RFC 8460 {@code result-type} string, e.g. {@code sts-policy-fetch-error}. */
    public String resultType() {
        return resultType;
    }
}
