package io.mailsec.core.dns;

/** Host names as SMTP needs them (RFC 5321 §4.1.1.1: EHLO with a fully qualified domain name). */
public final class HostNames {
    private HostNames() {
    }

    /** At least two labels, letters/digits/hyphens, a top-level label that is not all digits; "localhost" is not one. */
    public static boolean isFqdn(String name) {
        return name != null && name.matches("(?i)([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]([a-z0-9-]*[a-z0-9])?\\.?");
    }
}
