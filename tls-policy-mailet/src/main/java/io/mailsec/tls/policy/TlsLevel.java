package io.mailsec.tls.policy;

import java.util.Locale;

/**
 * How much TLS a peer must get, weakest first (the order matters: {@link #atLeast}).
 * Names follow Postfix's smtp_tls_security_level.
 */
public enum TlsLevel {
    /** Never use TLS (for peers whose TLS is broken). */
    NONE,
    /** Opportunistic: TLS when offered, plaintext otherwise. */
    MAY,
    /** TLS required, any certificate. */
    ENCRYPT,
    /** TLS required, certificate chains to a trusted CA, names the peer and is within its validity. */
    VERIFY;

    /** The lower-case word used in policy files, logs and attributes. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean requiresTls() {
        return this == ENCRYPT || this == VERIFY;
    }

    public boolean atLeast(TlsLevel other) {
        return compareTo(other) >= 0;
    }

    /** Parses a policy-file word; null when unknown. */
    public static TlsLevel parse(String word) {
        switch (word.toLowerCase(Locale.ROOT)) {
            case "none": return NONE;
            case "may": return MAY;
            case "encrypt": return ENCRYPT;
            case "verify": return VERIFY;
            default: return null;
        }
    }
}
