package io.mailsec.tls.dane;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the association data of a Full(0) record: a DER certificate (selector Cert) or a DER
 * SubjectPublicKeyInfo (selector SPKI). A DANE-TA(2) trust anchor that the server does not send is
 * known only from this data (RFC 7671 §5.2.2), so data that does not parse makes the record unusable.
 */
final class FullData {
    /** Key algorithms the JDK (11 and later) can rebuild from an SPKI. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA", "X25519", "X448");

    private FullData() {
    }

    /** The certificate, if {@code der} is exactly one DER certificate. */
    static Optional<X509Certificate> certificate(byte[] der) {
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            // trailing bytes would make the same key or certificate match under two encodings
            return Arrays.equals(c.getEncoded(), der) ? Optional.of(c) : Optional.empty();
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The public key, if {@code der} is a SubjectPublicKeyInfo of an algorithm the JDK knows. */
    static Optional<PublicKey> publicKey(byte[] der) {
        for (String alg : KEY_ALGORITHMS) {
            try {
                return Optional.of(KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der)));
            } catch (GeneralSecurityException | RuntimeException notThisOne) {
                // try the next algorithm
            }
        }
        return Optional.empty();
    }
}
