package io.mailsec.tls.tlsrpt;

import java.util.Optional;

import io.mailsec.tls.mtasts.StsFailureType;

/** Why a session failed, as TLS-RPT reports it: the {@code result-type} values of RFC 8460 §4.3. */
public enum ResultType {
    // §4.3.1 negotiation failures
    /** The receiving MX did not offer STARTTLS, or it was refused. */
    STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
    /** The certificate does not name the host the policy says it must (the MX host). */
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    /** The certificate, or one on its path, is outside its validity period. */
    CERTIFICATE_EXPIRED("certificate-expired"),
    /** The certificate does not chain to a trusted root. */
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
    /** Any other negotiation failure (§4.3.3: the category for what fits nowhere else). */
    VALIDATION_FAILURE("validation-failure"),
    // §4.3.2.1 DANE
    /** The TLSA RRset has no usable record, or a record is malformed. */
    TLSA_INVALID("tlsa-invalid"),
    /** The TLSA records could not be validated with DNSSEC. */
    DNSSEC_INVALID("dnssec-invalid"),
    /** The MX host has DANE records but TLS could not be established with them. */
    DANE_REQUIRED("dane-required"),
    // §4.3.2.2 MTA-STS
    /** The policy could not be fetched (DNS, connection, HTTP status, redirect). */
    STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
    /** What was fetched is not a valid policy. */
    STS_POLICY_INVALID("sts-policy-invalid"),
    /** The policy host's certificate failed web PKI validation. */
    STS_WEBPKI_INVALID("sts-webpki-invalid");

    private final String word;

    ResultType(String word) {
        this.word = word;
    }

    /** The string the report carries, e.g. {@code certificate-expired}. */
    public String word() {
        return word;
    }

    /** The type named {@code word} exactly (the RFC's strings are lower case). */
    public static Optional<ResultType> fromWord(String word) {
        for (ResultType t : values()) {
            if (t.word.equals(word)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The result type of an MTA-STS lookup failure (the names are the same: StsFailureType was made for this). */
    public static ResultType of(StsFailureType failure) {
        return fromWord(failure.resultType()).orElseThrow(() -> new IllegalArgumentException("no RFC 8460 result type " + failure));
    }

    @Override
    public String toString() {
        return word;
    }
}
