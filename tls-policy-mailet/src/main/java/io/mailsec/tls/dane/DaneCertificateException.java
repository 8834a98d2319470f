package io.mailsec.tls.dane;

import java.security.cert.CertificateException;

/** The server's chain is not authenticated by its TLSA records; carries the verdict for the log and TLS-RPT. */
public final class DaneCertificateException extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final transient DaneVerdict verdict;

    public DaneCertificateException(DaneVerdict verdict) {
        super("DANE: " + verdict.reason());
        this.verdict = verdict;
    }

    public DaneVerdict verdict() {
        return verdict;
    }
}
