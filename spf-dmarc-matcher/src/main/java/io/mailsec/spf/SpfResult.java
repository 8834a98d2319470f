package io.mailsec.spf;

import java.util.Locale;

/** The seven SPF results of RFC 7208 §2.6, written as the lower-case RFC words. */
public enum SpfResult {
    NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

    /** The RFC word, e.g. {@code softfail}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an RFC word (case-insensitive); legacy names "unknown" and "error" map to permerror/temperror. */
    public static SpfResult parse(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        switch (w) {
            case "unknown":
                return PERMERROR;
            case "error":
                return TEMPERROR;
            default:
                return valueOf(w.toUpperCase(Locale.ROOT));
        }
    }

    @Override
    public String toString() {
        return word();
    }
}
