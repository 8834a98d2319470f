package io.mailsec.tls.dane;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The names a server certificate must carry under DANE-TA(2) (RFC 7672 §3.2.2) and the RFC 7672
 * §3.2.3 / RFC 6125 §6.4 check against the certificate: subjectAltName dNSName entries when there is
 * at least one, else the subject CN; {@code *} only as the whole left-most label, standing for one
 * label, with at least two labels after it (as OpenSSL); no partial-label wildcards. Comparison is
 * on A-labels, case-insensitively, without a trailing dot.
 */
public final class ReferenceNames {
    private final List<String> names;

    private ReferenceNames(List<String> names) {
        this.names = names;
    }

    /**
     * @param names the MX host name as found in the MX record and, when CNAME expansion of it led to
     *              a different (DNSSEC-validated) TLSA base domain, the expanded name (RFC 7672 §3.2.2);
     *              for a domain without MX records (RFC 5321 §5.1 implicit MX), the domain itself
     */
    public static ReferenceNames of(Collection<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (n != null && !n.isBlank()) {
                out.add(normalise(n));
            }
        }
        return new ReferenceNames(List.copyOf(out));
    }

    public static ReferenceNames of(String... names) {
        return of(List.of(names));
    }

    static String normalise(String name) {
        String n = name.trim();
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        try {
            n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException notIdn) {
            // compared as given: it cannot match a well-formed certificate name anyway
        }
        return n.toLowerCase(Locale.ROOT);
    }

    public List<String> names() {
        return names;
    }

    /** The reference name the certificate carries, if any. */
    public Optional<String> matchedBy(X509Certificate cert) {
        List<String> presented = presentedNames(cert);
        for (String ref : names) {
            for (String p : presented) {
                if (matches(p, ref)) {
                    return Optional.of(ref);
                }
            }
        }
        return Optional.empty();
    }

    /** The names the certificate presents for this check: its dNSNames, or its CNs when it has none. */
    static List<String> presentedNames(X509Certificate cert) {
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (((Integer) san.get(0)) == 2) {
                        dns.add(normalise(String.valueOf(san.get(1))));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (!dns.isEmpty()) {
            return dns;
        }
        List<String> cns = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cns.add(normalise(String.valueOf(rdn.getValue())));
                }
            }
        } catch (InvalidNameException e) {
            return List.of();
        }
        return cns;
    }

    static boolean matches(String presented, String reference) {
        if (presented.equals(reference)) {
            return !presented.contains("*");
        }
        if (!presented.startsWith("*.") || presented.indexOf('*', 1) >= 0) {
            return false;
        }
        String rest = presented.substring(2);
        if (rest.indexOf('.') < 0 || rest.startsWith(".") || rest.endsWith(".")) {
            return false;
        }
        int dot = reference.indexOf('.');
        return dot > 0 && reference.substring(dot + 1).equals(rest);
    }

    @Override
    public String toString() {
        return String.join(", ", names);
    }
}
