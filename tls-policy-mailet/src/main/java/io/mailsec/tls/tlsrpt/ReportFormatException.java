package io.mailsec.tls.tlsrpt;

/** A file that is no TLS report: the message says where and what, e.g. {@code policies[0].summary: missing}. */
public final class ReportFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReportFormatException(String message) {
        super(message);
    }
}
