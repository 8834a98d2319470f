package io.mailsec.tls.outbound;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What the peer's certificate chain is worth: whether it chains to a trusted CA and is within its
 * validity ({@code trusted}), whether it names the host ({@code hostnameMatches}), and why not.
 */
public final class CertificateVerdict {
    private final boolean trusted;
    private final boolean expired;
    private final boolean hostnameMatches;
    private final String problem;
    private final List<X509Certificate> chain;

    CertificateVerdict(boolean trusted, boolean expired, boolean hostnameMatches, String problem, List<X509Certificate> chain) {
        this.trusted = trusted;
        this.expired = expired;
        this.hostnameMatches = hostnameMatches;
        this.problem = problem;
        this.chain = List.copyOf(chain);
    }

    public boolean trusted() {
        return trusted;
    }

    public boolean expired() {
        return expired;
    }

    public boolean hostnameMatches() {
        return hostnameMatches;
    }

    /** Passes {@code verify}: trusted, not expired, names the host. */
    public boolean verified() {
        return trusted && hostnameMatches;
    }

    /** Why it does not pass verify (null when it does). */
    public String problem() {
        return problem;
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    /** Why it fails verify as TLS-RPT names it (RFC 8460 §4.3.1); null when it passes. */
    public io.mailsec.tls.tlsrpt.ResultType resultType() {
        if (expired) {
            return io.mailsec.tls.tlsrpt.ResultType.CERTIFICATE_EXPIRED;
        }
        if (!trusted) {
            return io.mailsec.tls.tlsrpt.ResultType.CERTIFICATE_NOT_TRUSTED;
        }
        return hostnameMatches ? null : io.mailsec.tls.tlsrpt.ResultType.CERTIFICATE_HOST_MISMATCH;
    }

    /** One word for the tracking log: trusted, expired, untrusted, name-mismatch. */
    public String word() {
        if (expired) {
            return "expired";
        }
        if (!trusted) {
            return "untrusted";
        }
        return hostnameMatches ? "trusted" : "name-mismatch";
    }
}
