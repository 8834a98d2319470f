package io.mailsec.tls.mtasts;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The policy host's name check as RFC 8461 §3.3 narrows RFC 6125: only DNS-IDs (subjectAltName
 * dNSName) count — never the subject CN — and {@code *} only as the whole left-most label. The
 * JDK's "HTTPS" endpoint identification runs in the handshake as well; it is more lenient (CN when
 * there is no dNSName, partial wildcards such as {@code m*.example.com}).
 */
final class DnsIds {
    private DnsIds() {
    }

    static List<String> of(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == 2) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return names;
    }

    static boolean matches(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String id : of(cert)) {
            String p = id.toLowerCase(Locale.ROOT);
            if (p.endsWith(".")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(p.substring(2)) && p.indexOf('*', 1) < 0) {
                    return true;
                }
            } else if (p.indexOf('*') < 0 && p.equals(h)) {
                return true;
            }
        }
        return false;
    }
}
