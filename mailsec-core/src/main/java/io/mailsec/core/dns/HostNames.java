package io.mailsec.core.dns;

/** Host names as SMTP needs them (RFC 5321 §4.1.1.1: EHLO with a fully qualified domain name). */
public final class HostNames {
    private HostNames() {
    }

    // Compiled once: String.matches compiles its pattern on every call, and this runs per delivery.
    private static final java.util.regex.Pattern FQDN =
            java.util.regex.Pattern.compile("(?i)([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]([a-z0-9-]*[a-z0-9])?\\.?");

    /** At least two labels, letters/digits/hyphens, a top-level label that is not all digits; "localhost" is not one. */
    public static boolean isFqdn(String name) {
        return name != null && FQDN.matcher(name).matches();
    }
}
