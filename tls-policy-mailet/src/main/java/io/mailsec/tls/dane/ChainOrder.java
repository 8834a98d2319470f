package io.mailsec.tls.dane;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the certificates the server sent in path order, leaf first, each followed by its issuer.
 * TLS 1.3 (RFC 8446 §4.4.2) lets servers send extra certificates in any order after the leaf;
 * OpenSSL likewise builds the chain from the untrusted certificates instead of trusting their order.
 * An issuer is chosen by name, preferring one whose key verifies the signature, so that a wrong
 * signature is reported by path validation as such rather than as "no match".
 */
final class ChainOrder {
    private ChainOrder() {
    }

    static List<X509Certificate> fromLeaf(List<X509Certificate> presented) {
        List<X509Certificate> path = new ArrayList<>();
        if (presented.isEmpty()) {
            return path;
        }
        List<X509Certificate> rest = new ArrayList<>(presented.subList(1, presented.size()));
        X509Certificate current = presented.get(0);
        path.add(current);
        while (!rest.isEmpty() && !selfIssued(current)) {
            X509Certificate issuer = null;
            for (X509Certificate c : rest) {
                if (c.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
                    if (signs(c, current)) {
                        issuer = c;
                        break;
                    }
                    if (issuer == null) {
                        issuer = c;
                    }
                }
            }
            if (issuer == null) {
                break;
            }
            rest.remove(issuer);
            path.add(issuer);
            current = issuer;
        }
        return path;
    }

    static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signs(c, c);
    }

    /** Whether {@code issuer}'s key verifies {@code cert}'s signature. */
    static boolean signs(X509Certificate issuer, X509Certificate cert) {
        return verifies(issuer.getPublicKey(), cert);
    }

    static boolean verifies(java.security.PublicKey key, X509Certificate cert) {
        try {
            cert.verify(key);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
