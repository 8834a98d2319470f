package io.mailsec.tls.mtasts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code mx:} value of a policy: a host name, or {@code *.} and a domain standing for any one
 * label in front of it (RFC 8461 §3.2 {@code ["*."] Domain}, matched as §4.1 says).
 */
public final class MxPattern {
    // RFC 5321 Domain: sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str]
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private final String pattern;
    private final String suffix;

    private MxPattern(String pattern, String suffix) {
        this.pattern = pattern;
        this.suffix = suffix;
    }

    /**
     * @param value as written after {@code mx:}; compared without case and trailing dot
     * @throws IllegalArgumentException when it is neither a domain nor {@code *.} and a domain
     */
    public static MxPattern parse(String value) {
        String v = normalise(value);
        boolean wildcard = v.startsWith("*.");
        String domain = wildcard ? v.substring(2) : v;
        if (domain.length() > 253 || !DOMAIN.matcher(domain).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a host name or *.domain");
        }
        return new MxPattern(v, wildcard ? domain : null);
    }

    /**
     * RFC 8461 §4.1: equal to the pattern, or — for {@code *.example.com} — exactly one label in
     * front of {@code example.com} ({@code a.example.com}, not {@code example.com} nor
     * {@code a.b.example.com}). Case and a trailing dot are ignored.
     */
    public boolean matches(String mxHost) {
        if (mxHost == null) {
            return false;
        }
        String h = normalise(mxHost);
        if (suffix == null) {
            return h.equals(pattern);
        }
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot + 1).equals(suffix);
    }

    /** The pattern in lower case without trailing dot, e.g. {@code *.mail.example.com}. */
    @Override
    public String toString() {
        return pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MxPattern && ((MxPattern) o).pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    private static String normalise(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
    }
}
