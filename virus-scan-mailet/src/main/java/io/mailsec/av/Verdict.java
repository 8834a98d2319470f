package io.mailsec.av;

import java.util.Locale;

/** Outcome of scanning a part or a whole message; {@link #word()} is the lower-case word used in JSON and headers. */
public enum Verdict {
    CLEAN, INFECTED, UNSCANNABLE, ERROR;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Severity order for combining parts: infected &gt; error &gt; unscannable &gt; clean. */
    int rank() {
        switch (this) {
            case INFECTED:
                return 3;
            case ERROR:
                return 2;
            case UNSCANNABLE:
                return 1;
            default:
                return 0;
        }
    }

    public static Verdict fromWord(String w) {
        return valueOf(w.trim().toUpperCase(Locale.ROOT));
    }
}
