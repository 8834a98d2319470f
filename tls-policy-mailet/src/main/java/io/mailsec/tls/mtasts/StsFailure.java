package io.mailsec.tls.mtasts;

import java.util.Objects;

/** Why a policy could not be used: the TLS-RPT failure type and what a person reads. */
public final class StsFailure {
    private final StsFailureType type;
    private final String detail;

    public StsFailure(StsFailureType type, String detail) {
        this.type = Objects.requireNonNull(type, "type");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    public StsFailureType type() {
        return type;
    }

    /** E.g. "HTTP 301 from https://mta-sts.example.com/.well-known/mta-sts.txt: redirects are not followed". */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StsFailure && ((StsFailure) o).type == type && ((StsFailure) o).detail.equals(detail);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + detail.hashCode();
    }

    @Override
    public String toString() {
        return type.resultType() + ": " + detail;
    }
}
