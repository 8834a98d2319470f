package io.mailsec.dmarc;

import java.util.Locale;

/** DMARC results as written in Authentication-Results (RFC 8601 §2.7.1 / RFC 7489 §11.2). */
public enum DmarcResult {
    PASS, FAIL, NONE, TEMPERROR, PERMERROR;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DmarcResult parse(String word) {
        return valueOf(word.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return word();
    }
}
