package io.mailsec.tls.dane;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Validates the path from the server certificate up to a DANE-TA(2) trust anchor with the JDK's
 * RFC 5280 validator (signatures, issuer names, CA basic constraints and path length, key usage,
 * unknown critical extensions, validity at the given instant), the anchor taking the place of a
 * configured root (RFC 7671 §5.2). Revocation is not checked (no CRL or OCSP fetches from an MTA);
 * withdrawing the TLSA record is how a DANE anchor is revoked. Unlike RFC 5280, which takes a trust
 * anchor as a bare name and key, an anchor certificate's own validity is checked too, as OpenSSL's
 * {@code internal_verify} does ("In addition to RFC 5280 requirements do also for trust anchor cert").
 */
final class TrustAnchorPath {
    /** Why a path failed: the status for the record and a sentence. */
    static final class Failure {
        final RecordStatus status;
        final String detail;

        Failure(RecordStatus status, String detail) {
            this.status = status;
            this.detail = detail;
        }
    }

    private TrustAnchorPath() {
    }

    /**
     * @param below  the certificates below the anchor, leaf first (at least the leaf)
     * @param anchor the anchor certificate, or null for a bare key
     * @param key    the anchor's key (the certificate's key when {@code anchor} is set)
     * @return null when the path is valid at {@code now}
     */
    static Failure validate(List<X509Certificate> below, X509Certificate anchor, PublicKey key, Instant now) {
        Date at = Date.from(now);
        if (anchor != null) {
            try {
                anchor.checkValidity(at);
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                return new Failure(RecordStatus.EXPIRED, "trust anchor " + anchor.getSubjectX500Principal().getName()
                        + " is valid from " + anchor.getNotBefore().toInstant() + " to " + anchor.getNotAfter().toInstant());
            }
        }
        X509Certificate top = below.get(below.size() - 1);
        TrustAnchor ta = anchor != null ? new TrustAnchor(anchor, null) : new TrustAnchor(top.getIssuerX500Principal(), key, null);
        try {
            PKIXParameters p = new PKIXParameters(Set.of(ta));
            p.setRevocationEnabled(false);
            p.setDate(at);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(below), p);
            return null;
        } catch (CertPathValidatorException e) {
            String where = e.getIndex() >= 0 && e.getIndex() < below.size()
                    ? " (depth " + e.getIndex() + ", " + below.get(e.getIndex()).getSubjectX500Principal().getName() + ")" : "";
            boolean dates = e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
            return new Failure(dates ? RecordStatus.EXPIRED : RecordStatus.CHAIN_INVALID, e.getMessage() + where);
        } catch (GeneralSecurityException e) {
            return new Failure(RecordStatus.CHAIN_INVALID, e.toString());
        }
    }
}
