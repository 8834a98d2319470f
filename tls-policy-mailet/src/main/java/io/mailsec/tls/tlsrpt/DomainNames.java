package io.mailsec.tls.tlsrpt;

import java.net.IDN;
import java.util.Locale;

/** Domain names as reports carry them: lower case, no trailing dot, A-labels (RFC 8460 §4.4 asks for Punycode). */
final class DomainNames {
    private DomainNames() {
    }

    static String normalize(String domain) {
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("a domain name is required");
        }
        String d = domain.strip();
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        try {
            d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + domain + "' is not a domain name: " + e.getMessage());
        }
        d = d.toLowerCase(Locale.ROOT);
        if (d.isEmpty() || d.length() > 253 || !d.matches("[a-z0-9_*]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
            throw new IllegalArgumentException("'" + domain + "' is not a domain name");
        }
        return d;
    }
}
