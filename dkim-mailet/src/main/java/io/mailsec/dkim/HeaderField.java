package io.mailsec.dkim;

import java.util.Locale;

/**
 * One header field exactly as it appears in the message: {@code raw} is "Name: value" with any
 * folding (CRLF + WSP) kept and without the final CRLF. Characters are the message bytes read as
 * ISO-8859-1, so no byte is lost.
 */
public final class HeaderField {
    private final String raw;
    private final String name;
    private final String lowerName;

    public HeaderField(String raw) {
        this.raw = raw;
        int colon = raw.indexOf(':');
        String n = colon < 0 ? raw : raw.substring(0, colon);
        int e = n.length();
        while (e > 0 && (n.charAt(e - 1) == ' ' || n.charAt(e - 1) == '\t')) {
            e--;
        }
        this.name = n.substring(0, e);
        this.lowerName = name.toLowerCase(Locale.ROOT);
    }

    public String raw() {
        return raw;
    }

    public String name() {
        return name;
    }

    public String lowerName() {
        return lowerName;
    }

    /** The text after the first colon (unfolding not applied). */
    public String value() {
        int colon = raw.indexOf(':');
        return colon < 0 ? "" : raw.substring(colon + 1);
    }

    @Override
    public String toString() {
        return raw;
    }
}
