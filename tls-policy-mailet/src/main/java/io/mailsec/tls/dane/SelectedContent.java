package io.mailsec.tls.dane;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * What a TLSA selector picks out of a certificate (RFC 6698 §2.1.2): the certificate's DER, or its
 * SubjectPublicKeyInfo. The SPKI is cut out of the certificate's own TBS bytes rather than
 * re-encoded from the parsed key, so the digest is over exactly the bytes the server operator
 * hashed when publishing the record.
 */
final class SelectedContent {
    private SelectedContent() {
    }

    static byte[] of(X509Certificate cert, Selector selector) {
        try {
            return selector == Selector.CERT ? cert.getEncoded() : spki(cert.getTBSCertificate());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** The subjectPublicKeyInfo element of a DER TBSCertificate (RFC 5280 §4.1). */
    static byte[] spki(byte[] tbs) {
        int[] outer = Der.header(tbs, 0);
        int pos = outer[0];
        if ((tbs[pos] & 0xff) == 0xA0) {
            pos = Der.next(tbs, pos); // [0] EXPLICIT version
        }
        for (int i = 0; i < 5; i++) {
            pos = Der.next(tbs, pos); // serialNumber, signature, issuer, validity, subject
        }
        return Arrays.copyOfRange(tbs, pos, Der.next(tbs, pos));
    }
}
