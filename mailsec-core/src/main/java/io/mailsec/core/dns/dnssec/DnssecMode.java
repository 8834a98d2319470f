package io.mailsec.core.dns.dnssec;

import java.util.Locale;

/** How lookups learn the DNSSEC status; the value of the proposed {@code dnssec} parameter. */
public enum DnssecMode {
    /**
     * In-process validation (dnsjava's ValidatingResolver) from a configured trust anchor; the
     * servers only need to be recursive resolvers that pass DNSSEC records through.
     */
    VALIDATE("validate"),
    /**
     * Trust the AD bit of a validating resolver (DO and AD set in the query), as Postfix's
     * {@code smtp_dns_support_level=dnssec} and Exim do: only sound when that resolver is on
     * loopback or reached over a channel nobody can tamper with (RFC 4035 §4.9.3, RFC 6698 §4.1).
     */
    TRUST_AD("trust-ad"),
    /** No DNSSEC: every answer is {@link DnssecStatus#INSECURE}, so DANE never applies. */
    OFF("off");

    private final String value;

    DnssecMode(String value) {
        this.value = value;
    }

    /** The parameter value: {@code validate}, {@code trust-ad} or {@code off}. */
    public String value() {
        return value;
    }

    /** Reads a parameter value (case-insensitive); anything else is an IllegalArgumentException listing the three. */
    public static DnssecMode parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (DnssecMode m : values()) {
            if (m.value.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown DNSSEC mode '" + text + "': expected validate, trust-ad or off");
    }

    @Override
    public String toString() {
        return value;
    }
}
