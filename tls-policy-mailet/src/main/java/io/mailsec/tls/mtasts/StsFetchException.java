package io.mailsec.tls.mtasts;

/** A policy fetch or parse that failed, carrying the TLS-RPT failure it amounts to. */
public final class StsFetchException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient StsFailure failure;

    public StsFetchException(StsFailureType type, String detail) {
        super(type.resultType() + ": " + detail);
        this.failure = new StsFailure(type, detail);
    }

    public StsFailure failure() {
        return failure;
    }
}
